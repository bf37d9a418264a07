/* `lmstab bench`'s line on the softmax's exps (bench_internal.h): the LM
 * head's softmax takes vocabulary x tokens exps a step, so at a real
 * vocabulary libm's one call per element shows in the step. lms_expf_rows
 * and a row loop of libm expf run on the same rows, alternating rounds,
 * and their results are compared bit for bit. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/expf_rows.h"
#include "train/bench_internal.h"
#include "util/clock.h"

void lms_bench_expf(FILE *out, int V, int rows) {
    /* at most 2^22 elements: long enough to time, small enough for L3 */
    while (rows > 1 && (size_t)rows * (size_t)V > ((size_t)1 << 22))
        rows /= 2;
    const size_t n = (size_t)rows * (size_t)V;
    float *z = malloc(3 * n * sizeof *z);
    if (!z || V < 1) {
        free(z);
        return;
    }
    float *a = z + n, *b = a + n;
    uint32_t rng = 12345u;
    for (size_t i = 0; i < n; i++) { /* logits minus their max: (-30, 0] */
        rng = rng * 1664525u + 1013904223u;
        z[i] = -30.0f * (float)(rng >> 8) * 0x1p-24f;
    }
    double best_vec = 1e30, best_libm = 1e30;
    for (int round = 0; round < 5; round++) {
        double t0 = lms_now();
        for (int r = 0; r < rows; r++)
            lms_expf_rows(a + (size_t)r * V, z + (size_t)r * V, 0.0f, (size_t)V);
        double t1 = lms_now();
        for (int r = 0; r < rows; r++)
            lms_expf_rows_libm(b + (size_t)r * V, z + (size_t)r * V, 0.0f, (size_t)V);
        double t2 = lms_now();
        best_vec = t1 - t0 < best_vec ? t1 - t0 : best_vec;
        best_libm = t2 - t1 < best_libm ? t2 - t1 : best_libm;
    }
    const int same = !memcmp(a, b, n * sizeof *a);
    fprintf(out,
            "softmax exps (%d rows x vocabulary %d): lms_expf_rows (%s) %.2f "
            "ns/exp, libm expf %.2f ns/exp: %.1fx; results %s\n",
            rows, V, lms_expf_rows_kernel(), 1e9 * best_vec / (double)n,
            1e9 * best_libm / (double)n, best_libm / best_vec,
            same ? "identical bit for bit" : "DIFFERENT (a bug: please report)");
    free(z);
}
