/*
 * Small products of one attention head (T x T x head_dim), with the causal
 * structure built in. OpenBLAS is tuned for large matrices: at these sizes
 * its packing and call overhead dominate (45-85 GFLOP/s per core measured
 * here, against ~145 for large sgemm), and it cannot skip masked tiles.
 *
 *   C[i, 0:n) (= or +=) alpha * sum_p A(i, p) * B[p, 0:n),  i in [0, m)
 *   A(i, p) = a[i * ars + p * acs]      any strides: Q, P, or P transposed
 *   B row p  = b + p * ldb              rows contiguous
 *
 * Rows are computed in tiles of att_gemm_mr() rows (4 or 8, by CPU);
 * `causal` limits each tile starting at row i0 to:
 *   ATT_FULL     everything
 *   ATT_LOWER_K  p < min(k, i0 + MR)        Y = P V, dQ = dS K
 *   ATT_UPPER_K  p >= i0                    dV = P^T dY, dK = dS^T Q
 *   ATT_LOWER_N  columns below i0 + MR, rounded up to the vector width,
 *                and below n                S = Q K^T, dP = dY V^T
 * so A's masked entries read by a tile (row i, p in (i, end of i's
 * ATT_FILL-row group)) must be 0, and C's entries past that are left
 * unspecified under ATT_LOWER_N. Each element's sum runs over p in
 * increasing order: the result depends on the CPU's kernel (FMA width),
 * never on the thread count.
 */
#ifndef LMS_ATT_GEMM_H
#define LMS_ATT_GEMM_H

#include <stddef.h>

/* Masked entries are zeroed up to the next multiple of ATT_FILL after the
 * diagonal; a multiple of every kernel's row tile. */
#define ATT_FILL 8

typedef enum att_causal {
    ATT_FULL = 0,
    ATT_LOWER_K = 1,
    ATT_UPPER_K = 2,
    ATT_LOWER_N = 3
} att_causal;

void att_gemm(att_causal causal, int m, int n, int k, float alpha,
              const float *a, ptrdiff_t ars, ptrdiff_t acs, const float *b,
              ptrdiff_t ldb, int accumulate, float *c, ptrdiff_t ldc);

/* dst (cols x rows, ld ldd) = src (rows x cols, ld lds) transposed */
void att_transpose(float *dst, ptrdiff_t ldd, const float *src, ptrdiff_t lds,
                   int rows, int cols);

/* rows per tile of the kernel in use (for tests) */
int att_gemm_mr(void);
/* the kernel in use: "avx512", "avx2" or "generic" */
const char *att_gemm_isa(void);

#endif
