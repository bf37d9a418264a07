/*
 * The CPU's arithmetic peak, measured (core/kernels/peak.c): register-only FMA
 * loops per instruction set, on 1 or n threads running at once, and the
 * CPU's name and vector extensions. The ceiling that `lmstab bench` puts
 * the model's GFLOP/s against (MFU), independent of any BLAS library.
 */
#ifndef LMSTAB_PEAK_H
#define LMSTAB_PEAK_H

#include <stddef.h>

typedef enum lms_peak_kind {
    LMS_PEAK_FP32_AVX2 = 0,   /* vfmadd231ps ymm: 16 flops */
    LMS_PEAK_FP32_AVX512 = 1, /* vfmadd231ps zmm: 32 flops */
    LMS_PEAK_BF16_AVX512 = 2, /* vdpbf16ps zmm: 32 bf16 pair products,
                                 2 flops each = 64 flops */
    LMS_PEAK_BF16_AMX = 3,    /* 4 TDPBF16PS, 16 x 16 x 32 pair products:
                                 65536 flops */
    LMS_PEAK_N = 4
} lms_peak_kind;

/* Short name of a kind: "fp32 avx2", "fp32 avx512", "bf16 avx512",
 * "bf16 amx". */
const char *lms_peak_name(lms_peak_kind k);

/* 1 when this CPU (and this build: x86-64 with gcc) can run kind k. */
int lms_peak_supported(lms_peak_kind k);

/* GFLOP/s of kind k summed over `threads` threads running the loop at the
 * same time (OpenMP; 1 without it): the best of `trials` timings of at
 * least min_sec each. 0 when k is not supported. */
double lms_peak_gflops(lms_peak_kind k, int threads, double min_sec,
                       int trials);

/* The CPU's model name from /proc/cpuinfo into buf ("unknown" when it
 * cannot be read). */
void lms_peak_cpu_name(char *buf, size_t len);

/* The vector extensions this CPU has, of those lmstab or OpenBLAS use
 * (avx2 fma avx512f avx512bw avx512vl avx512dq avx512_bf16 amx_tile
 * amx_bf16), space-separated into buf ("none" when none). */
void lms_peak_isa(char *buf, size_t len);

/* One probe loop of LMS_PEAK_BF16_AMX (core/kernels/peak_amx.c), `iters` steps;
 * only where lms_gemm_amx_isa() is not NULL. */
float lms_peak_amx_probe(long iters);

#endif
