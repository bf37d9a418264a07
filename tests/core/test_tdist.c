/* Tests for core/sweep/tdist.c: Student's t quantiles against published
 * values (R's qt, to 6 digits) and the closed forms of df 1 and 2. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "sweep/tdist.h"

START_TEST(known_quantiles) {
    /* qt(c(.975, .995), df) in R */
    ck_assert_double_eq_tol(lms_t_quantile(0.975, 3), 3.182446, 1e-6);
    ck_assert_double_eq_tol(lms_t_quantile(0.975, 10), 2.228139, 1e-6);
    ck_assert_double_eq_tol(lms_t_quantile(0.975, 100), 1.983972, 1e-6);
    ck_assert_double_eq_tol(lms_t_quantile(0.995, 5), 4.032143, 1e-6);
    ck_assert_double_eq_tol(lms_t_quantile(0.995, 30), 2.749996, 1e-6);
}
END_TEST

/* df 1 is Cauchy: tan(pi (p - 1/2)); df 2: (2p - 1) / sqrt(2p (1 - p)) */
START_TEST(closed_forms) {
    const double ps[] = {0.6, 0.9, 0.975, 0.995, 0.9995};
    for (int i = 0; i < 5; i++) {
        const double p = ps[i];
        const double t1 = tan(M_PI * (p - 0.5));
        const double t2 = (2 * p - 1) / sqrt(2 * p * (1 - p));
        ck_assert_double_eq_tol(lms_t_quantile(p, 1), t1, 1e-7 * t1);
        ck_assert_double_eq_tol(lms_t_quantile(p, 2), t2, 1e-7 * t2);
        ck_assert_double_eq_tol(lms_t_quantile(1 - p, 2), -t2, 1e-7 * t2);
    }
    ck_assert_double_eq(lms_t_quantile(0.5, 7), 0);
}
END_TEST

START_TEST(bad_arguments) {
    ck_assert(isnan(lms_t_quantile(0.975, 0)));
    ck_assert(isnan(lms_t_quantile(1.0, 3)));
    ck_assert(isnan(lms_t_quantile(0.0, 3)));
    ck_assert(isnan(lms_t_quantile(NAN, 3)));
}
END_TEST

int main(void) {
    Suite *s = suite_create("tdist");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, known_quantiles);
    tcase_add_test(tc, closed_forms);
    tcase_add_test(tc, bad_arguments);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
