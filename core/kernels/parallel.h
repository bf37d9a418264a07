/*
 * The core's own data-parallel loops (clears, residual adds, reductions)
 * on the threads of lms_set_threads. Every result is independent of the
 * thread count: element-wise loops trivially, and reductions sum fixed
 * chunks whose partial results are added in chunk order, so 1 and N threads
 * (and every rank of a data-parallel job) compute bit-identical values.
 * Small inputs stay serial: a parallel region costs a few microseconds.
 */
#ifndef LMSTAB_CORE_PARALLEL_H
#define LMSTAB_CORE_PARALLEL_H

#include <stddef.h>

/* LMS_HOT: loops compiled per instruction set (see plugin_math.h) */
#include "lmstab/plugin_math.h"

/* Threads worth using for a loop over n floats (1 below ~64K floats). */
int lms_par_threads(size_t n);

/* [lo, hi): part p of nt contiguous parts of [0, n), bounds rounded down
 * to 16 floats (the last part ends at n) */
void lms_par_part(size_t n, int p, int nt, size_t *lo, size_t *hi);

/* x[0..n) = 0 */
void lms_par_zero(float *x, size_t n);
/* dst[i] = a[i] + b[i] (dst may alias a or b) */
void lms_par_add(float *dst, const float *a, const float *b, size_t n);
/* x[i] *= s */
void lms_par_scale(float *x, size_t n, float s);

/* Fixed-chunk reduction: the sum over c of fn(ctx, lo_c, hi_c) for the
 * chunks [lo_c, hi_c) of [0, n) of `chunk` items each (the last may be
 * shorter), added in chunk order. fn runs on several threads at once. */
typedef double (*lms_chunk_fn)(void *ctx, size_t lo, size_t hi);
double lms_par_sum(size_t n, size_t chunk, lms_chunk_fn fn, void *ctx);

/* sum of x[i]^2 over n floats, in double (non-finite in, non-finite out) */
double lms_par_sumsq(const float *x, size_t n);

#endif
