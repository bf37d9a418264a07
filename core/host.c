/* The host table handed to every plugin: core services behind an
 * append-only struct, so plugins link nothing but libc/libm. Also the
 * thread setting of the numeric work (see lms_set_threads). */
#include <cblas.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "lmstab/host.h"
#include "lmstab/loader.h"

/* Threads of our own parallel regions; 1 = serial (the default, so that
 * OpenBLAS keeps whatever OPENBLAS_NUM_THREADS says). */
static int g_threads = 1;
static int g_threads_init;

/* LMSTAB_THREADS=n in the environment selects n threads at first use. */
static void threads_init(void) {
    if (g_threads_init)
        return;
    g_threads_init = 1;
    const char *e = getenv("LMSTAB_THREADS");
    if (e && *e) {
        char *end;
        long n = strtol(e, &end, 10);
        if (*end == '\0' && n >= 1 && n <= 1024)
            lms_set_threads((int)n);
    }
#ifdef _OPENMP
    if (g_threads == 1)
        omp_set_num_threads(1);
#endif
}

void lms_set_threads(int n) {
    g_threads_init = 1;
#ifdef _OPENMP
    g_threads = n < 1 ? 1 : n;
    omp_set_num_threads(g_threads);
    /* our threads split the sgemm calls: OpenBLAS must not thread too */
    openblas_set_num_threads(1);
#else
    g_threads = 1;
    openblas_set_num_threads(n < 1 ? 1 : n);
#endif
}

int lms_get_threads(void) {
    threads_init();
#ifdef _OPENMP
    return g_threads;
#else
    return openblas_get_num_threads();
#endif
}

/* Row-major sgemm; with more than one thread, calls above ~2 MFLOP are
 * split into one slab of C per thread (rows of C when m >= n, else
 * columns), each a single-threaded OpenBLAS call. The reduction over k is
 * untouched, so every element of C is computed as without the split. */
void lms_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha,
               const float *a, int lda, const float *b, int ldb, float beta,
               float *c, int ldc) {
    CBLAS_TRANSPOSE ta = trans_a ? CblasTrans : CblasNoTrans;
    CBLAS_TRANSPOSE tb = trans_b ? CblasTrans : CblasNoTrans;
    threads_init();
    int nt = g_threads;
#ifdef _OPENMP
    if (omp_in_parallel()) /* a plugin's parallel loop: already threaded */
        nt = 1;
#endif
    if (nt > 1 && 2.0 * m * n * k >= 2e6 && (m >= 32 * nt || n >= 32 * nt)) {
        int by_rows = m >= n;
        int len = by_rows ? m : n;
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(static, 1)
#endif
        for (int p = 0; p < nt; p++) {
            /* slab bounds rounded to 16 (the kernels' register tiles) */
            int lo = (int)((long)len * p / nt) & ~15;
            int hi = p + 1 == nt ? len : (int)((long)len * (p + 1) / nt) & ~15;
            if (hi <= lo)
                continue;
            if (by_rows)
                cblas_sgemm(CblasRowMajor, ta, tb, hi - lo, n, k, alpha,
                            trans_a ? a + lo : a + (size_t)lo * lda, lda, b,
                            ldb, beta, c + (size_t)lo * ldc, ldc);
            else
                cblas_sgemm(CblasRowMajor, ta, tb, m, hi - lo, k, alpha, a, lda,
                            trans_b ? b + (size_t)lo * ldb : b + lo, ldb, beta,
                            c + lo, ldc);
        }
        return;
    }
    cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c,
                ldc);
}

static void host_log(int level, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs(level > 0 ? "lmstab: warning: " : "lmstab: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static int host_threads(void) {
    return lms_get_threads();
}

/* Fixed chunks of `grain` items, spread over the threads (see plugin.h). */
static void host_parallel_for(size_t n, size_t grain, lms_range_fn fn,
                              void *ctx) {
    if (grain == 0)
        grain = 1;
    const size_t nchunks = (n + grain - 1) / grain;
    int nt = lms_get_threads();
#ifdef _OPENMP
    if (omp_in_parallel())
        nt = 1;
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && nchunks > 1)
#endif
    for (size_t c = 0; c < nchunks; c++) {
        size_t lo = c * grain;
        fn(ctx, lo, n - lo < grain ? n : lo + grain);
    }
}

static const lms_host default_host = {
    .size = sizeof(lms_host),
    .abi_major = LMS_ABI_MAJOR,
    .abi_minor = LMS_ABI_MINOR,
    .sgemm = lms_sgemm,
    .log = host_log,
    .threads = host_threads,
    .parallel_for = host_parallel_for,
};

const lms_host *lms_host_default(void) {
    threads_init();
    return &default_host;
}
