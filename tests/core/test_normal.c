/* Tests for core/sweep/normal.c: the normal quantile against known values
 * and as the CDF's inverse; the bivariate CDF against its closed forms
 * (rho 0, rho +-1, h = k = 0), the reflection identity, and values from an
 * independent formula, P = integral to h of phi(x) Phi((k - rho x) /
 * sqrt(1 - rho^2)) dx, computed with mpmath at 30 digits. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "sweep/normal.h"

START_TEST(quantile_known) {
    ck_assert_double_eq_tol(lms_norm_quantile(0.975), 1.959963984540054, 1e-14);
    ck_assert_double_eq_tol(lms_norm_quantile(0.025), -1.959963984540054, 1e-14);
    ck_assert_double_eq_tol(lms_norm_quantile(1e-10), -6.3613409024040562, 1e-12);
    ck_assert_double_eq_tol(lms_norm_quantile(0.5), 0, 1e-15);
    ck_assert(lms_norm_quantile(0) == -INFINITY);
    ck_assert(lms_norm_quantile(1) == INFINITY);
    ck_assert(isnan(lms_norm_quantile(-0.1)));
    ck_assert(isnan(lms_norm_quantile(NAN)));
    for (double p = 0.001; p < 1; p += 0.0137)
        ck_assert_double_eq_tol(lms_norm_cdf(lms_norm_quantile(p)), p, 1e-14);
}
END_TEST

START_TEST(bvn_closed_forms) {
    const double hs[] = {-2.2, -0.4, 0, 0.7, 1.9};
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++) {
            const double h = hs[i], k = hs[j];
            const double ph = lms_norm_cdf(h), pk = lms_norm_cdf(k);
            ck_assert_double_eq_tol(lms_bvn_cdf(h, k, 0), ph * pk, 1e-14);
            ck_assert_double_eq_tol(lms_bvn_cdf(h, k, 1), fmin(ph, pk), 1e-11);
            ck_assert_double_eq_tol(lms_bvn_cdf(h, k, -1), fmax(0, ph + pk - 1),
                                    1e-11);
            for (double r = -0.95; r < 1; r += 0.15) /* reflection */
                ck_assert_double_eq_tol(
                    lms_bvn_cdf(h, k, r) + lms_bvn_cdf(h, -k, -r), ph, 1e-11);
        }
    for (double r = -0.99; r <= 0.99; r += 0.11)
        ck_assert_double_eq_tol(lms_bvn_cdf(0, 0, r),
                                0.25 + asin(r) / (2 * M_PI), 1e-13);
}
END_TEST

START_TEST(bvn_reference_values) {
    const struct { double h, k, r, p; } t[] = {
        {1, 1, 0.5, 0.74520358684674973},
        {-1.5, 0.3, 0.9, 0.066806233965343756},
        {0.2, 0.2001, 0.99999, 0.57858142468914382}, /* a steep shoulder */
        {2, -1, 0.3, 0.15781093748898375},
        {-2.5, -2.5, 0.95, 0.0040465610037688377},
        {0.5, -0.7, -0.6, 0.09103116167179963},
        {0.3, 0.3, 0.9999999, 0.61784337786853754},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        ck_assert_double_eq_tol(lms_bvn_cdf(t[i].h, t[i].k, t[i].r), t[i].p,
                                1e-10);
}
END_TEST

START_TEST(bvn_edges) {
    ck_assert_double_eq(lms_bvn_cdf(-INFINITY, 0.3, 0.5), 0);
    ck_assert_double_eq_tol(lms_bvn_cdf(INFINITY, 0.3, 0.5), lms_norm_cdf(0.3),
                            1e-15);
    ck_assert_double_eq_tol(lms_bvn_cdf(0.3, INFINITY, 0.5), lms_norm_cdf(0.3),
                            1e-15);
    ck_assert(isnan(lms_bvn_cdf(0, 0, 1.5)));
    ck_assert(isnan(lms_bvn_cdf(NAN, 0, 0.5)));
    /* increasing in rho (its derivative is the density) */
    double last = 0;
    for (double r = -1; r <= 1; r += 0.05) {
        const double v = lms_bvn_cdf(0.4, -0.2, r);
        ck_assert(v >= last - 1e-15);
        last = v;
    }
}
END_TEST

int main(void) {
    Suite *s = suite_create("normal");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, quantile_known);
    tcase_add_test(tc, bvn_closed_forms);
    tcase_add_test(tc, bvn_reference_values);
    tcase_add_test(tc, bvn_edges);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
