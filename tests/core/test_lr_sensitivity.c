/* Tests for core/sweep/lr_sensitivity.c: LR sensitivity as the log-uniform
 * mean of the interpolated curve, against hand-computed answers, and the
 * same quantity estimated on two different grids. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sweep/lr_sensitivity.h"

START_TEST(line_between_the_ends) {
    /* y 1 at 3e-4, 2 at 0.3, linear in ln LR: mean 1.5, best 1 */
    const double lr[] = {0.3, 3e-4}, y[] = {2, 1};
    lms_lr_sens s = lms_lr_sensitivity(lr, y, 2, 3e-4, 0.3);
    ck_assert_double_eq_tol(s.value, 0.5, 1e-12);
    ck_assert_int_eq(s.in_range, 2);
    ck_assert_double_eq_tol(s.from, 3e-4, 1e-15);
    ck_assert_double_eq_tol(s.to, 0.3, 1e-12);
}
END_TEST

/* Nodes at ln LR -8, -6, -4, -2, 0 with y 2, 0, 0, 2, 4, over [e^-7, e^-1]:
 * the anchors outside give 1 at -7 and 3 at -1; the trapezoids sum to
 * 0.5 + 0 + 2 + 2.5 = 5 over a width of 6, and the best is 0. */
START_TEST(anchors_outside_the_range) {
    const double lr[] = {exp(-8), exp(-6), exp(-4), exp(-2), exp(0)};
    const double y[] = {2, 0, 0, 2, 4};
    lms_lr_sens s = lms_lr_sensitivity(lr, y, 5, exp(-7), exp(-1));
    ck_assert_double_eq_tol(s.value, 5.0 / 6.0, 1e-12);
    ck_assert_int_eq(s.in_range, 3);
    ck_assert_double_eq_tol(s.from, exp(-7), 1e-15);
    ck_assert_double_eq_tol(s.to, exp(-1), 1e-15);
    /* the best may be between an anchor and the range's end */
    const double y2[] = {-3, 1, 1, 1, 1};
    s = lms_lr_sensitivity(lr, y2, 5, exp(-7), exp(-1));
    /* -1 at -7, 1 from -6 on: area 0 + 5, mean 5/6; best -1 */
    ck_assert_double_eq_tol(s.value, 5.0 / 6.0 + 1.0, 1e-12);
}
END_TEST

/* y = max(0, ln(LR / 0.01))^2 over [3e-4, 0.3], flat and then rising as a
 * loss does toward the edge: the exact mean is ln(30)^3 / (3 ln 1000), the
 * best 0. A ratio-2 grid from 3e-4 and a ratio-1.5 grid from 0.03 (the
 * ladder's two designs) both come within the trapezoid rule's error
 * (over the part of the range each spans),
 * about h^2 f'' / 12 over the rising half (0.04 at ratio 2, 0.014 at 1.5),
 * while the plain mean over the ratio-2 grid's LRs in range (up to 0.154:
 * the next is 0.307) is 0.5 short. */
static double rising(double lr) {
    const double u = fmax(0.0, log(lr / 0.01));
    return u * u;
}

START_TEST(same_quantity_on_two_grids) {
    const double truth = pow(log(30.0), 3) / (3 * log(1000.0));
    double lr[64], y[64];
    int n = 0;
    for (double v = 3e-4; v < 1.3; v *= 2, n++) {
        lr[n] = v;
        y[n] = rising(v);
    }
    lms_lr_sens r2 = lms_lr_sensitivity(lr, y, n, 3e-4, 0.3);
    ck_assert_int_eq(r2.in_range, 10);
    ck_assert_double_eq_tol(r2.value, truth, 0.05);
    double plain = 0;
    for (int i = 0; i < 10; i++)
        plain += y[i] / 10;
    ck_assert_double_lt(plain, truth - 0.4);
    n = 0;
    for (double v = 0.03 / pow(1.5, 11); v < 1.3; v *= 1.5, n++) {
        lr[n] = v;
        y[n] = rising(v);
    }
    lms_lr_sens r15 = lms_lr_sensitivity(lr, y, n, 3e-4, 0.3);
    ck_assert_int_eq(r15.in_range, 17);
    /* its lowest LR is 3.47e-4: nothing is extrapolated below it, so the
     * mean is over [3.47e-4, 0.3] (2% of the range less, where y is 0) */
    ck_assert_double_eq_tol(r15.from, 0.03 / pow(1.5, 11), 1e-12);
    ck_assert_double_eq_tol(r15.to, 0.3, 1e-12);
    const double truth15 = pow(log(30.0), 3) / (3 * log(0.3 / r15.from));
    ck_assert_double_eq_tol(r15.value, truth15, 0.02);
    ck_assert_double_eq_tol(r15.value, r2.value, 0.1);
}
END_TEST

START_TEST(partial_grids_and_bad_points) {
    /* a grid from 0.03: the span starts there; 0.342 anchors the top; the
     * unknown point at 1.0 is outside the range, skipped */
    const double lr[] = {0.03, 0.045, 0.0675, 0.101, 0.152, 1.0, 0.342, 0.513};
    const double y[] = {2.0, 1.9, 1.8, 1.9, 2.2, NAN, 3.0, 4.0};
    lms_lr_sens s = lms_lr_sensitivity(lr, y, 8, 3e-4, 0.3);
    ck_assert_int_eq(s.in_range, 5);
    ck_assert_double_eq_tol(s.from, 0.03, 1e-12);
    ck_assert_double_eq_tol(s.to, 0.3, 1e-12);
    /* ln-LR steps 0.405 (0.03 to 0.101: 0.03 / 1.5^k rounded) and the top
     * piece to 0.3 on the line to 0.342 (y 3.0): computed the same way */
    {
        const double x[] = {log(0.03),  log(0.045), log(0.0675),
                            log(0.101), log(0.152), log(0.3)};
        const double y3 = 2.2 + (log(0.3) - log(0.152)) /
                                    (log(0.342) - log(0.152)) * (3.0 - 2.2);
        const double v[] = {2.0, 1.9, 1.8, 1.9, 2.2, y3};
        double area = 0;
        for (int i = 1; i < 6; i++)
            area += 0.5 * (v[i] + v[i - 1]) * (x[i] - x[i - 1]);
        ck_assert_double_eq_tol(s.value, area / (x[5] - x[0]) - 1.8, 1e-12);
    }
    char buf[80];
    lms_lr_sens_format(buf, sizeof buf, &s, 3e-4, 0.3);
    ck_assert_msg(strstr(buf, "(5 LRs, 0.03 to 0.3)"), "%s", buf);
    /* an unknown point inside the range leaves no value: the line is not
     * drawn across it */
    {
        const double lr2[] = {0.03, 0.045, 0.0675, 0.101, 0.152, 0.228, 0.342};
        const double y2[] = {2.0, 1.9, 1.8, 1.9, 2.2, NAN, 3.0};
        const lms_lr_sens u = lms_lr_sensitivity(lr2, y2, 7, 3e-4, 0.3);
        ck_assert(isnan(u.value));
        ck_assert_int_eq(u.in_range, 5);
        lms_lr_sens_format(buf, sizeof buf, &u, 3e-4, 0.3);
        ck_assert_str_eq(buf, "-");
    }
    /* one point: no spread */
    s = lms_lr_sensitivity(lr, y, 1, 3e-4, 0.3);
    ck_assert_double_eq(s.value, 0);
    ck_assert_int_eq(s.in_range, 1);
    /* nothing in range */
    const double far[] = {1.0, 2.0}, fy[] = {3, 4};
    s = lms_lr_sensitivity(far, fy, 2, 3e-4, 0.3);
    ck_assert(isnan(s.value));
    ck_assert_int_eq(s.in_range, 0);
    lms_lr_sens_format(buf, sizeof buf, &s, 3e-4, 0.3);
    ck_assert_str_eq(buf, "-");
    ck_assert(isnan(lms_lr_sensitivity(far, fy, 0, 3e-4, 0.3).value));
    ck_assert(isnan(lms_lr_sensitivity(far, fy, 2, 0.3, 3e-4).value));
    /* the whole range: no span in the text */
    const double ends[] = {3e-4, 0.3}, ey[] = {1, 2};
    s = lms_lr_sensitivity(ends, ey, 2, 3e-4, 0.3);
    lms_lr_sens_format(buf, sizeof buf, &s, 3e-4, 0.3);
    ck_assert_str_eq(buf, "0.5000 (2 LRs)");
}
END_TEST

/* A loss high at the low end (under-trained) as well as at the top: the
 * span a grid reaches matters, which is why `lmstab compare` takes every
 * sweep over the span all of them cover (lms_lr_sens_common). */
START_TEST(span_and_common_span) {
    double lr[32], y[32];
    int n = 0;
    for (double v = 0.03 / pow(1.5, 11); v < 0.5; v *= 1.5, n++) {
        lr[n] = v;
        y[n] = pow(log(v / 0.01), 2); /* high at both ends */
    }
    lms_lr_sens own = lms_lr_sensitivity(lr, y, n, 3e-4, 0.3);
    double lo = own.from;
    ck_assert_double_gt(lo, 3e-4); /* 3.47e-4: the grid stops short */
    /* a ratio-2 grid from 3e-4 over its own span and over the common one */
    double lr2[16], y2[16];
    int n2 = 0;
    for (double v = 3e-4; v < 0.7; v *= 2, n2++) {
        lr2[n2] = v;
        y2[n2] = pow(log(v / 0.01), 2);
    }
    lms_lr_sens wide = lms_lr_sensitivity(lr2, y2, n2, 3e-4, 0.3);
    lms_lr_sens both[2] = {own, wide};
    double clo, chi;
    ck_assert_int_eq(lms_lr_sens_common(both, 2, &clo, &chi), 0);
    ck_assert_double_eq_tol(clo, lo, 1e-15);
    ck_assert_double_eq_tol(chi, 0.3, 1e-12);
    lms_lr_sens same = lms_lr_sensitivity(lr2, y2, n2, clo, chi);
    /* the exact mean of (ln LR - ln 0.01)^2 over [a, b] is
     * (B^3 - A^3) / (3 (B - A)), A = ln(a / 0.01), B = ln(b / 0.01) */
    const double A0 = log(3e-4 / 0.01), A1 = log(clo / 0.01), B = log(30.0);
    const double t_wide = (B * B * B - A0 * A0 * A0) / (3 * (B - A0));
    const double t_same = (B * B * B - A1 * A1 * A1) / (3 * (B - A1));
    ck_assert_double_gt(t_wide - t_same, 0.1); /* the span alone moves it */
    /* each within its trapezoid error (h^2 f'' / 12: 0.08 at ratio 2, 0.03
     * at 1.5; plus the best's, 0.013 at ratio 2) of its own span's mean */
    ck_assert_double_eq_tol(wide.value, t_wide, 0.1);
    ck_assert_double_eq_tol(same.value, t_same, 0.1);
    ck_assert_double_eq_tol(own.value, t_same, 0.04);
    /* none shared, or none with a value */
    lms_lr_sens apart[2] = {{1.0, 2, 1e-3, 1e-2}, {1.0, 2, 0.02, 0.3}};
    ck_assert_int_eq(lms_lr_sens_common(apart, 2, &clo, &chi), -1);
    lms_lr_sens none[1] = {{NAN, 0, NAN, NAN}};
    ck_assert_int_eq(lms_lr_sens_common(none, 1, &clo, &chi), -1);
}
END_TEST

/* An LR given twice counts once, at the mean of its values, whatever the
 * order; so does the result. */
START_TEST(duplicates_in_any_order) {
    const double lr1[] = {0.01, 0.01, 0.1, 0.3}, y1[] = {1, 3, 1, 1};
    const double lr2[] = {0.3, 0.01, 0.1, 0.01}, y2[] = {1, 3, 1, 1};
    lms_lr_sens a = lms_lr_sensitivity(lr1, y1, 4, 0.01, 0.3);
    lms_lr_sens b = lms_lr_sensitivity(lr2, y2, 4, 0.01, 0.3);
    ck_assert_double_eq(a.value, b.value);
    ck_assert_int_eq(a.in_range, 3);
    /* 2 at 0.01, 1 at 0.1 and 0.3: (1.5 ln 10 + ln 3) / ln 30 - 1 */
    ck_assert_double_eq_tol(
        a.value, (1.5 * log(10.0) + log(3.0)) / log(30.0) - 1, 1e-12);
}
END_TEST

int main(void) {
    Suite *s = suite_create("lr_sensitivity");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, line_between_the_ends);
    tcase_add_test(tc, anchors_outside_the_range);
    tcase_add_test(tc, same_quantity_on_two_grids);
    tcase_add_test(tc, partial_grids_and_bad_points);
    tcase_add_test(tc, span_and_common_span);
    tcase_add_test(tc, duplicates_in_any_order);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
