/* Internals of `lmstab bench` shared by bench.c and bench_roof.c. */
#ifndef LMSTAB_BENCH_INTERNAL_H
#define LMSTAB_BENCH_INTERNAL_H

#include <stddef.h>

#include "lmstab/model.h"

/* One sgemm shape (row-major, op(A) m x k, op(B) k x n) and how often a
 * training step calls it. */
typedef struct lms_gemm_shape {
    int ta, tb, m, n, k;
    double calls;   /* per training step */
    double rate[2]; /* measured GFLOP/s: [0] 1 thread, [1] all cores */
} lms_gemm_shape;

#define LMS_BENCH_MAX_SHAPES 32

/* The distinct matmul shapes of one training step of m at B*T rows: every
 * linear op (forward, dx, dW) and the LM head. Returns the count. */
int lms_bench_model_shapes(const lms_model *m, int B, int T,
                           lms_gemm_shape *out, int max);

/* GFLOP/s of cblas_sgemm at one shape with the current OpenBLAS thread
 * count: best of `trials` timings of at least min_sec each. Returns 0 when
 * out of memory. */
double lms_bench_sgemm_rate(int ta, int tb, int m, int n, int k, double min_sec,
                            int trials);

/* Matmul FLOPs of one training step (6 x matmul params x tokens) and the
 * causal attention FLOPs (6 x n_attn x T x d_model x tokens: Q K^T and P V,
 * forward + backward, over the unmasked half only). */
void lms_bench_step_flops(const lms_model *m, int B, int T, double *matmul,
                          double *attention, size_t *matmul_params);

#endif
