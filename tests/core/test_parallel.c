/* Tests for the core's threaded loops (core/kernels/parallel.c): results that do
 * not depend on the thread count, bit for bit. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/host.h"
#include "engine/metrics.h"
#include "kernels/parallel.h"

static float *random_floats(size_t n, unsigned seed) {
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        x[i] = ((float)((seed >> 8) & 0xFFFF) - 32768.0f) / 1000.0f;
    }
    return x;
}

START_TEST(test_reductions_thread_independent) {
    const size_t n = 1000003; /* many chunks, a short last one */
    float *x = random_floats(n, 7);
    double ss[3], rn[3];
    for (int t = 1; t <= 3; t++) {
        lms_set_threads(t);
        ss[t - 1] = lms_par_sumsq(x, n);
        rn[t - 1] = lms_mean_row_norm(x, n / 384, 384);
    }
    lms_set_threads(1);
    double ref = 0;
    for (size_t i = 0; i < n; i++)
        ref += (double)x[i] * x[i];
    for (int t = 0; t < 3; t++) {
        ck_assert_msg(ss[t] == ss[0] && rn[t] == rn[0],
                      "%d threads: %.17g / %.17g vs 1 thread %.17g / %.17g",
                      t + 1, ss[t], rn[t], ss[0], rn[0]);
    }
    ck_assert_msg(fabs(ss[0] - ref) <= 1e-9 * ref, "sumsq %.17g vs %.17g",
                  ss[0], ref);
    free(x);
}
END_TEST

START_TEST(test_elementwise) {
    const size_t n = 200001;
    float *a = random_floats(n, 1), *b = random_floats(n, 2);
    float *d = malloc(n * sizeof *d);
    lms_set_threads(2);
    lms_par_add(d, a, b, n);
    for (size_t i = 0; i < n; i++)
        ck_assert(d[i] == a[i] + b[i]);
    lms_par_scale(d, n, 0.5f);
    for (size_t i = 0; i < n; i++)
        ck_assert(d[i] == (a[i] + b[i]) * 0.5f);
    lms_par_zero(d, n);
    for (size_t i = 0; i < n; i++)
        ck_assert(d[i] == 0.0f);
    lms_set_threads(1);
    free(a);
    free(b);
    free(d);
}
END_TEST

int main(void) {
    Suite *s = suite_create("parallel");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_reductions_thread_independent);
    tcase_add_test(tc, test_elementwise);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
