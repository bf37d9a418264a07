/* Thread-count-independent data-parallel loops of the core (parallel.h). */
#include <string.h>

#include "kernels/host.h"
#include "kernels/parallel.h"

/* Below this many floats a loop stays on one thread. */
#define PAR_MIN 65536
/* Chunks reduced per round of lms_par_sum (bounded stack use). */
#define SUM_GROUP 256

int lms_par_threads(size_t n) {
    return n >= PAR_MIN ? lms_get_threads() : 1;
}

void lms_par_part(size_t n, int p, int nt, size_t *lo, size_t *hi) {
    *lo = (n * (size_t)p / (size_t)nt) & ~(size_t)15;
    *hi = p + 1 == nt ? n : (n * (size_t)(p + 1) / (size_t)nt) & ~(size_t)15;
}

void lms_par_zero(float *x, size_t n) {
    const int nt = lms_par_threads(n);
#pragma omp parallel for num_threads(nt) schedule(static, 1) if (nt > 1)
    for (int p = 0; p < nt; p++) {
        size_t lo, hi;
        lms_par_part(n, p, nt, &lo, &hi);
        if (hi > lo)
            memset(x + lo, 0, (hi - lo) * sizeof *x);
    }
}

LMS_HOT static void add_range(float *dst, const float *a, const float *b,
                              size_t n) {
    for (size_t i = 0; i < n; i++)
        dst[i] = a[i] + b[i];
}

void lms_par_add(float *dst, const float *a, const float *b, size_t n) {
    const int nt = lms_par_threads(n);
#pragma omp parallel for num_threads(nt) schedule(static, 1) if (nt > 1)
    for (int p = 0; p < nt; p++) {
        size_t lo, hi;
        lms_par_part(n, p, nt, &lo, &hi);
        add_range(dst + lo, a + lo, b + lo, hi - lo);
    }
}

LMS_HOT static void scale_range(float *x, size_t n, float s) {
    for (size_t i = 0; i < n; i++)
        x[i] *= s;
}

void lms_par_scale(float *x, size_t n, float s) {
    const int nt = lms_par_threads(n);
#pragma omp parallel for num_threads(nt) schedule(static, 1) if (nt > 1)
    for (int p = 0; p < nt; p++) {
        size_t lo, hi;
        lms_par_part(n, p, nt, &lo, &hi);
        scale_range(x + lo, hi - lo, s);
    }
}

double lms_par_sum(size_t n, size_t chunk, lms_chunk_fn fn, void *ctx) {
    if (chunk == 0)
        chunk = 1;
    const size_t nchunks = (n + chunk - 1) / chunk;
    const int nt = nchunks > 1 ? lms_get_threads() : 1;
    double total = 0.0;
    for (size_t g0 = 0; g0 < nchunks; g0 += SUM_GROUP) {
        const size_t gn = nchunks - g0 < SUM_GROUP ? nchunks - g0 : SUM_GROUP;
        double part_sum[SUM_GROUP];
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
        for (size_t c = 0; c < gn; c++) {
            size_t lo = (g0 + c) * chunk;
            size_t hi = lo + chunk < n ? lo + chunk : n;
            part_sum[c] = fn(ctx, lo, hi);
        }
        for (size_t c = 0; c < gn; c++)
            total += part_sum[c];
    }
    return total;
}

/* 8 double lanes: vectorizes without reassociating anything at run time */
LMS_HOT static double sumsq_range(const float *x, size_t n) {
    double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++)
            acc[k] += (double)x[i + k] * (double)x[i + k];
    for (; i < n; i++)
        acc[0] += (double)x[i] * (double)x[i];
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) +
           ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

static double sumsq_chunk(void *ctx, size_t lo, size_t hi) {
    return sumsq_range((const float *)ctx + lo, hi - lo);
}

double lms_par_sumsq(const float *x, size_t n) {
    return lms_par_sum(n, 16384, sumsq_chunk, (void *)x);
}
