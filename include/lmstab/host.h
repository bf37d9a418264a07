/*
 * The core's numeric services (core/host.c): the thread count of the
 * numeric work and the sgemm behind the plugins' host table (the table
 * itself: lms_host_default in loader.h).
 */
#ifndef LMSTAB_HOST_H
#define LMSTAB_HOST_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Threads for the numeric work (core/host.c). With OpenMP (LMS_OPENMP, the
 * default build) n threads run the plugins' parallel loops (attention over
 * batch x heads, row-wise norms and activations) and lms_sgemm splits each
 * large product into n slabs, while OpenBLAS itself is set to 1 thread so
 * the two never compete for cores. Default 1 (or $LMSTAB_THREADS): then
 * OpenBLAS keeps its own setting (OPENBLAS_NUM_THREADS). Without OpenMP, n
 * is OpenBLAS's thread count. n < 1 counts as 1. Results do not depend on
 * n: the core's loops reduce over fixed chunks, and a split sgemm keeps
 * each element's k sum whole.
 */
void lms_set_threads(int n);
int lms_get_threads(void);

/* Row-major sgemm (the host table's sgemm): C = alpha op(A) op(B) + beta C,
 * split over the threads of lms_set_threads when large. */
void lms_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha,
               const float *a, int lda, const float *b, int ldb, float beta,
               float *c, int ldc);

#ifdef __cplusplus
}
#endif

#endif
