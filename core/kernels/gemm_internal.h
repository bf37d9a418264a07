/*
 * What lms_gemm's driver (core/kernels/gemm.c) shares with the kernels that plug
 * into it (core/kernels/gemm_bf16.c): a kernel is a microkernel (gemm_kernel.inc)
 * plus the packing of A and B panels for it. The driver works in packed
 * elements of 32 bits: one float, or (kpack = 2) a pair of bfloat16 values
 * of two consecutive k. Private to the core.
 */
#ifndef LMSTAB_GEMM_INTERNAL_H
#define LMSTAB_GEMM_INTERNAL_H

#include <stddef.h>

struct gemm_job;

/* One tile: kcw packed k-elements of the A panel ap (kcw x mr) and the B
 * panel bp (kcw x nr); win/wout the chain's partial sums before and after
 * (NULL: start at 0 / finish into C). See gemm_kernel.inc. */
typedef void (*gemm_tile_fn)(int kcw, const float *ap, const float *bp,
                             const float *win, float *wout, int ldw, float *c,
                             int ldc, int mr, int nr, float alpha, float beta);
/* Pack rows [i0, i0 + mr) of op(A), k in [p0, p0 + kc), as one panel:
 * packed element q of row r at dst[q * MR + r], zero past mr and k. */
typedef void (*gemm_pack_a_fn)(const struct gemm_job *g, float *dst, int i0,
                               int mr, int p0, int kc);
/* Pack columns [j0, j0 + nr) of op(B), all of k, as one panel: packed
 * element q of column j at dst[q * NR + j], zero past nr and k. */
typedef void (*gemm_pack_b_fn)(const struct gemm_job *g, float *dst, int j0,
                               int nr);

typedef struct gemm_kernel {
    gemm_tile_fn tile;
    int mr, nr; /* tile rows and columns */
    int kpack;  /* k values per packed element: 1 (float) or 2 (bf16 pair) */
    gemm_pack_a_fn pack_a;
    gemm_pack_b_fn pack_b;
    const char *isa;
} gemm_kernel;

typedef struct gemm_blocking {
    int mc, nc, kc; /* kc in k values, a multiple of kpack */
} gemm_blocking;

/* One product, as the driver and the packers see it. */
typedef struct gemm_job {
    const gemm_kernel *kr;
    gemm_blocking bl;
    int ta, tb, m, n, k;
    int kw; /* packed elements per row of A / column of B: k / kpack, up */
    float alpha, beta;
    const float *a, *b;
    int lda, ldb, ldc;
    float *c;
} gemm_job;

/* C = alpha op(A) op(B) + beta C with kernel kr on `threads` threads (the
 * contract of lms_gemm in gemm.h, for any kernel). */
void lms_gemm_with(const gemm_kernel *kr, int threads, int ta, int tb, int m,
                   int n, int k, float alpha, const float *a, int lda,
                   const float *b, int ldb, float beta, float *c, int ldc);

/* The AVX512_BF16 kernel (gemm_bf16.c), or NULL when this build or CPU
 * has none. */
const gemm_kernel *lms_gemm_bf16_kernel(void);

#endif
