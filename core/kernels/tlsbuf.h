/*
 * Per-thread scratch buffers of the core's numeric kernels (core/kernels/tlsbuf.c):
 * one growable, 64-byte aligned buffer per slot and thread, kept for the
 * thread's life (reused across calls, so a step allocates only until its
 * largest product has run once) and freed when the thread exits (OpenMP
 * ends surplus threads when a team shrinks). Private to the core.
 */
#ifndef LMSTAB_TLSBUF_H
#define LMSTAB_TLSBUF_H

#include <stddef.h>

/* The slots, one per use, so that users never share a buffer. */
enum {
    LMS_TLS_GEMM_B = 0,  /* lms_gemm: the packed B of a call */
    LMS_TLS_GEMM_A = 1,  /* lms_gemm: a thread's packed A block and partials */
    LMS_TLS_ROUND_A = 2, /* lms_matmul (emulated bf16): op(A) rounded */
    LMS_TLS_ROUND_B = 3, /* lms_matmul (emulated bf16): op(B) rounded */
    LMS_TLS_SLOTS = 4
};

/* This thread's buffer `slot`, at least `floats` floats (contents
 * undefined; a larger earlier buffer is returned as it is). Allocation
 * failure aborts with a message: the kernels that call it have no error
 * path, and a wrong product must never be returned silently. */
float *lms_tls_floats(int slot, size_t floats);

#endif
