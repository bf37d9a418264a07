/* The host table handed to every plugin: core services behind an
 * append-only struct, so plugins link nothing but libc/libm. Also the
 * thread setting of the numeric work (see lms_set_threads). */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <cblas.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "kernels/gemm.h"
#include "kernels/gemm_onednn.h"
#include "kernels/host.h"
#include "engine/loader.h"

/* Threads of our own parallel regions (1 = serial). OpenBLAS itself always
 * runs on one thread inside lmstab: its own split of a product picks kernels
 * by sub-product size, so letting it thread would make numbers depend on the
 * thread count (issue: results differed on AVX2 kernels). */
static int g_threads = 1;
static int g_threads_init;

/* LMSTAB_THREADS=n in the environment selects n threads at first use. */
static void threads_init(void) {
    if (g_threads_init)
        return;
    g_threads_init = 1;
    const char *e = getenv("LMSTAB_THREADS");
    long n = 1;
    if (e && *e) {
        char *end;
        long v = strtol(e, &end, 10);
        if (*end == '\0' && v >= 1 && v <= 1024)
            n = v;
    }
    lms_set_threads((int)n);
}

int lms_threads_choice(long flag, long key) {
    if (flag > 0)
        return flag > 1024 ? 1024 : (int)flag;
    if (key > 0)
        return (int)key;
    const char *e = getenv("LMSTAB_THREADS");
    if (e && *e) {
        char *end;
        long v = strtol(e, &end, 10);
        if (*end == '\0' && v >= 1 && v <= 1024)
            return (int)v;
    }
    return lms_cpus_allowed();
}

int lms_cpus_allowed(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0)
            return n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

void lms_set_threads(int n) {
    g_threads_init = 1;
    openblas_set_num_threads(1);
#ifdef _OPENMP
    g_threads = n < 1 ? 1 : n;
    omp_set_num_threads(g_threads);
#else
    (void)n;
    g_threads = 1; /* no OpenMP: everything serial */
#endif
}

int lms_get_threads(void) {
    threads_init();
    return g_threads;
}

/* Products below this many flops are one OpenBLAS call. */
#define SLAB_MIN_FLOPS 2e6
/* Each slab does at least this much (a call and a repack cost ~microseconds). */
#define SLAB_FLOPS 1e6
/* At most this many slabs. Every slab repacks the other operand and reuses
 * OpenBLAS's packed blocks over fewer columns: measured on the large model
 * (Xeon, AVX-512), 2/4/8 slabs cost 1-2%/4-8%/10% at one thread and 2 slabs
 * are fastest at two. So a product uses at most 2 threads; lmstab's own GEMM
 * (shared packing) is the way past that, not more OpenBLAS slabs. */
#define SLAB_MAX 2

/*
 * How lms_sgemm cuts a product into slabs: *slabs parts of `len` rows (or
 * columns) of C, each `*step` long (a multiple of 16) but the last. A
 * function of the shape alone, never of the thread count: every element of
 * C is then computed by the same OpenBLAS call, of the same shape, at the
 * same offset, whether 1, 2 or 3 threads run the slabs. (OpenBLAS kernels
 * round an element differently depending on where it falls in the call's
 * tiles; e.g. its AVX2 sgemm tiles 12 columns at a time with a differently
 * ordered 4/8-wide tail, so splitting at thread-dependent bounds changed
 * the sums.) Powers of two up to 8 keep 2 and 4 threads balanced.
 */
void lms_sgemm_slabs(int m, int n, int k, int *slabs, int *step) {
    const double flops = 2.0 * m * n * k;
    const int len = m >= n ? m : n;
    int s = 1;
    if (flops >= SLAB_MIN_FLOPS)
        while (s < SLAB_MAX && len / (2 * s) >= 32 && flops / (2 * s) >= SLAB_FLOPS)
            s *= 2;
    int st = (len + s - 1) / s;
    st = (st + 15) & ~15;
    *step = s == 1 ? len : st;
    *slabs = s == 1 ? 1 : (len + st - 1) / st;
}

static lms_gemm_backend g_backend = LMS_GEMM_OPENBLAS;

void lms_sgemm_set_backend(lms_gemm_backend b) {
    g_backend = b == LMS_GEMM_AUTO ? lms_gemm_auto(NULL, 0) : b;
    if (!lms_gemm_backend_available(g_backend))
        g_backend = LMS_GEMM_OPENBLAS;
}

/* One slab: a single-threaded call of the slab backend (OpenBLAS is held
 * at 1 thread by lms_set_threads, oneDNN by lms_onednn_sgemm itself). */
static void slab_call(int ta, int tb, int m, int n, int k, float alpha,
                      const float *a, int lda, const float *b, int ldb,
                      float beta, float *c, int ldc) {
    if (g_backend == LMS_GEMM_ONEDNN) {
        lms_onednn_sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
                tb ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb,
                beta, c, ldc);
}

lms_gemm_backend lms_sgemm_get_backend(void) {
    return g_backend;
}

/* Row-major sgemm. The lmstab backend splits any product over all threads
 * (its elements do not depend on the split). OpenBLAS and oneDNN: large
 * products are cut into the fixed slabs of lms_sgemm_slabs (rows of C when
 * m >= n, else columns), each a single-threaded call, spread over the
 * threads. The reduction over k is never split. */
void lms_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha,
               const float *a, int lda, const float *b, int ldb, float beta,
               float *c, int ldc) {
    threads_init();
    if (m <= 0 || n <= 0)
        return;
    if (g_backend == LMS_GEMM_LMSTAB) {
        lms_gemm(g_threads, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb,
                 beta, c, ldc);
        return;
    }
    int slabs, step;
    lms_sgemm_slabs(m, n, k, &slabs, &step);
    if (slabs == 1) {
        slab_call(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c,
                  ldc);
        return;
    }
    const int by_rows = m >= n;
    const int len = by_rows ? m : n;
    int nt = g_threads < slabs ? g_threads : slabs;
#ifdef _OPENMP
    if (omp_in_parallel()) /* a plugin's parallel loop: already threaded */
        nt = 1;
#endif
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
#endif
    for (int p = 0; p < slabs; p++) {
        const int lo = p * step;
        const int hi = lo + step < len ? lo + step : len;
        if (by_rows)
            slab_call(trans_a, trans_b, hi - lo, n, k, alpha,
                      trans_a ? a + lo : a + (size_t)lo * lda, lda, b, ldb,
                      beta, c + (size_t)lo * ldc, ldc);
        else
            slab_call(trans_a, trans_b, m, hi - lo, k, alpha, a, lda,
                      trans_b ? b + (size_t)lo * ldb : b + lo, ldb, beta,
                      c + lo, ldc);
    }
}

/* ctx: the FILE the lines go to (stderr for the default host). */
static void host_log(void *ctx, int level, const char *msg) {
    FILE *f = ctx ? ctx : stderr;
    fprintf(f, "%s%s\n", level > 0 ? "lmstab: warning: " : "lmstab: ", msg);
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

static int host_precision(void) {
    return (int)lms_get_precision();
}

static const lms_host default_host = {
    .size = sizeof(lms_host),
    .abi_major = LMS_ABI_MAJOR,
    .abi_minor = LMS_ABI_MINOR,
    .sgemm = lms_sgemm,
    .log = host_log,
    .log_ctx = NULL, /* host_log: NULL is stderr */
    .threads = host_threads,
    .parallel_for = host_parallel_for,
    .precision = host_precision,
    .matmul = lms_matmul,
};

const lms_host *lms_host_default(void) {
    threads_init();
    return &default_host;
}
