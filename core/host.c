/* The host table handed to every plugin: core services behind an
 * append-only struct, so plugins link nothing but libc/libm. */
#include <cblas.h>
#include <stdarg.h>
#include <stdio.h>

#include "lmstab/bench.h"
#include "lmstab/loader.h"

static void host_sgemm(int trans_a, int trans_b, int m, int n, int k,
                       float alpha, const float *a, int lda, const float *b,
                       int ldb, float beta, float *c, int ldc) {
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b,
                ldb, beta, c, ldc);
}

static void host_log(int level, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs(level > 0 ? "lmstab: warning: " : "lmstab: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static const lms_host default_host = {
    sizeof(lms_host), LMS_ABI_MAJOR, LMS_ABI_MINOR, host_sgemm, host_log,
};

const lms_host *lms_host_default(void) { return &default_host; }

void lms_set_threads(int n) {
    openblas_set_num_threads(n < 1 ? 1 : n);
}

int lms_get_threads(void) { return openblas_get_num_threads(); }
