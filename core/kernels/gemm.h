/*
 * lmstab's own sgemm (core/kernels/gemm.c, microkernels in gemm_kernel.inc), the
 * `lmstab` backend of lms_sgemm:
 *
 *   C = alpha op(A) op(B) + beta C      row-major, op(X) = X or X^T
 *   op(A): m x k, A(i, p) = ta ? a[p * lda + i] : a[i * lda + p]
 *   op(B): k x n, B(p, j) = tb ? b[j * ldb + p] : b[p * ldb + j]
 *
 * Every element is computed the same way wherever it falls in the tiles,
 * the cache blocks or the thread split:
 *   s = 0; for p = 0 .. k-1 in order: s = fma(A(i, p), B(p, j), s)
 *   C(i, j) = beta == 0 ? alpha * s : alpha * s + beta * C(i, j)
 * (each product, sum and scaling rounded to float; the portable kernel
 * rounds a * b before adding instead of fusing). Unlike BLAS, A and B are
 * read even when alpha = 0 (an Inf or NaN there gives NaN). k-blocks continue the
 * chain from its stored float partial, edge tiles run the full-tile kernel
 * on zero-padded panels with masked loads and stores of C. So the result
 * depends on the kernel (FMA or not) and on nothing else: not on the
 * thread count, the blocking, or which sub-matrix a call covers.
 */
#ifndef LMSTAB_GEMM_H
#define LMSTAB_GEMM_H

/* The product above with `threads` threads (OpenMP; 1 inside another
 * parallel region or without OpenMP). Packed panels and a per-thread
 * workspace live in thread-local buffers reused across calls (grown, never
 * shrunk). C is untouched when m or n is 0. */
void lms_gemm(int threads, int ta, int tb, int m, int n, int k, float alpha,
              const float *a, int lda, const float *b, int ldb, float beta,
              float *c, int ldc);

/* The kernel in use, picked once at first use: "avx512", "avx2" or
 * "generic"; LMSTAB_GEMM_KERNEL=generic|avx2|avx512 asks for a narrower one
 * than the CPU runs (a wider one than it runs falls back). */
const char *lms_gemm_isa(void);

/*
 * The same product with both operands rounded to bfloat16 (round to
 * nearest even) and a float32 sum, on the AVX512_BF16 kernel (core/
 * gemm_bf16.c, vdpbf16ps): each element of C is one chain over k in pairs
 * (p, p + 1), each pair's two products added into the float32 partial by
 * one vdpbf16ps, then C = alpha * s (+ beta * C) in float. vdpbf16ps
 * treats bf16 subnormals as 0 and flushes subnormal results, so results
 * differ from a float32 product of the rounded operands by the sum order
 * and those, never by the thread count, the blocking or the sub-matrix.
 * Only when lms_gemm_bf16_isa() is not NULL (the CPU has AVX512_BF16).
 */
void lms_gemm_bf16(int threads, int ta, int tb, int m, int n, int k,
                   float alpha, const float *a, int lda, const float *b,
                   int ldb, float beta, float *c, int ldc);

/* "avx512_bf16" when this CPU and build run lms_gemm_bf16, else NULL. */
const char *lms_gemm_bf16_isa(void);

/*
 * The same product on AMX tiles (core/kernels/gemm_amx.c, TDPBF16PS): operands
 * rounded to bfloat16 (round to nearest even) while packing, each element
 * of C one float32 chain over k in steps of 32 values (k zero-padded to a
 * multiple of 32; within a step the order is the hardware's), then
 * C = alpha * s (+ beta * C) in float. Like vdpbf16ps, TDPBF16PS reads bf16
 * subnormals as 0 and flushes subnormal results. The bits depend on the
 * operands and k only: not on the thread count or the sub-matrix. Only
 * when lms_gemm_amx_isa() is not NULL; otherwise C is left untouched.
 */
void lms_gemm_amx(int threads, int ta, int tb, int m, int n, int k,
                  float alpha, const float *a, int lda, const float *b,
                  int ldb, float beta, float *c, int ldc);

/* "amx_bf16" when this build has the AMX kernel, the CPU has AMX-BF16 and
 * Linux granted the process the tile state (arch_prctl
 * ARCH_REQ_XCOMP_PERM, asked once), else NULL. */
const char *lms_gemm_amx_isa(void);

/* Tests only: cache blocks (rows, columns, k) of the next calls; 0 restores
 * the shape-derived default. Values are rounded up to the kernel's tile.
 * Results never depend on them (that is what the tests check). */
void lms_gemm_set_blocking(int mc, int nc, int kc);

#endif
