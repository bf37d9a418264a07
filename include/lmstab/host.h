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
 * batch x heads, row-wise norms and activations) and the slabs of
 * lms_sgemm. OpenBLAS always runs on one thread inside lmstab (its own
 * split picks kernels by size, so it would make results depend on n).
 * Default 1, or $LMSTAB_THREADS. Without OpenMP everything is serial.
 * n < 1 counts as 1. Results never depend on n: the core's loops reduce
 * over fixed chunks, and lms_sgemm cuts products by shape alone.
 */
void lms_set_threads(int n);
int lms_get_threads(void);

/* CPUs this process may run on (its affinity mask, as taskset or a batch
 * scheduler sets it; not the machine's count); at least 1. */
int lms_cpus_allowed(void);

/* Row-major sgemm (the host table's sgemm): C = alpha op(A) op(B) + beta C,
 * cut into the slabs of lms_sgemm_slabs, which run on the threads. */
void lms_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha,
               const float *a, int lda, const float *b, int ldb, float beta,
               float *c, int ldc);

/* The slabs lms_sgemm cuts an m x n x k product into: *slabs parts of the
 * rows of C (m >= n) or of its columns, *step long each but the last. A
 * function of the shape only (never of the thread count). */
void lms_sgemm_slabs(int m, int n, int k, int *slabs, int *step);

#ifdef __cplusplus
}
#endif

#endif
