/*
 * exp over a row, bit for bit libm's expf (core/kernels/expf_rows.c): the
 * softmax of the LM head (4096 x 2048 exps a step on a real vocabulary)
 * without a call per element, and without changing a single result.
 */
#ifndef LMSTAB_EXPF_ROWS_H
#define LMSTAB_EXPF_ROWS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * p[i] = expf(z[i] - shift) for i < n, each equal bit for bit to libm's
 * expf of the float z[i] - shift (glibc's FMA variant, which glibc picks on
 * every CPU with AVX2 and FMA unless GLIBC_TUNABLES masks them). On x86-64
 * with AVX2 and FMA it runs glibc's
 * expf algorithm (since 2.28: a 32-entry 2^(k/32) table and a cubic in
 * double, FMA-contracted as glibc's FMA variant is) 4 or 8 lanes at a time;
 * arguments outside (-88, 88) (and NaN) go to libm itself. The vector path
 * is used only after it matched this process's libm on a fixed set of
 * 131,072 arguments, among them the two where glibc's variant without FMA
 * rounds otherwise (lms_expf_rows_kernel); otherwise every element calls
 * libm. p may equal z; otherwise they must not overlap.
 */
void lms_expf_rows(float *p, const float *z, float shift, size_t n);

/* The same as libm's calls, one per element: the path where the vector one
 * is not taken, and what benchmarks compare it with. */
void lms_expf_rows_libm(float *p, const float *z, float shift, size_t n);

/* The path lms_expf_rows takes here: "avx512", "avx2" or "libm" (no AVX2 +
 * FMA, not x86-64, $LMSTAB_EXPF_KERNEL=generic, or the self-check found
 * this libm's expf to round otherwise); $LMSTAB_EXPF_KERNEL=avx2 asks for
 * AVX2 on an AVX-512 CPU, so tests run every path the CPU has. */
const char *lms_expf_rows_kernel(void);

#ifdef __cplusplus
}
#endif

#endif
