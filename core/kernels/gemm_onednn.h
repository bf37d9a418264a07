/* The optional oneDNN backend of lms_sgemm (core/kernels/gemm_onednn.c). Private
 * to the core. */
#ifndef LMSTAB_GEMM_ONEDNN_H
#define LMSTAB_GEMM_ONEDNN_H

/* 1 when this build has oneDNN (LMS_HAVE_ONEDNN), else 0. */
int lms_onednn_available(void);

/* oneDNN's version ("2.6.3") when built with it, else NULL. */
const char *lms_onednn_version(void);

/* The instruction set of its kernels here ("avx512_core", "avx2", ...;
 * "+ymm" when told to prefer ymm registers) when built with it, else
 * NULL: what a run's numbers depend on, as OpenBLAS's kernel set. */
const char *lms_onednn_isa(void);

/* Row-major C = alpha op(A) op(B) + beta C as one dnnl_sgemm call on one
 * thread (lms_sgemm's arguments). Only when lms_onednn_available(). */
void lms_onednn_sgemm(int ta, int tb, int m, int n, int k, float alpha,
                      const float *a, int lda, const float *b, int ldb,
                      float beta, float *c, int ldc);

#endif
