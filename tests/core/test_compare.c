/* The trend across sweeps (core/report/compare_trend.c) against answers
 * known in closed form: a constant quotient, an exact power law, resamples
 * that are undefined in one sweep, and the cases with no slope. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "report/compare.h"
#include "report/null_sim.h"

#define NB 200

START_TEST(change_of_constants) {
    static double s0[NB], s1[NB];
    for (int b = 0; b < NB; b++) {
        s0[b] = 2;
        s1[b] = 3;
    }
    const double *samples[2] = {s0, s1}, point[2] = {2, 3}, x[2] = {0, 1};
    lms_estimate ch, sl;
    lms_compare_trend(samples, point, x, 2, NB, &ch, &sl);
    ck_assert_double_eq_tol(ch.value, 1.5, 1e-12);
    ck_assert_double_eq_tol(ch.lo, 1.5, 1e-12);
    ck_assert_double_eq_tol(ch.hi, 1.5, 1e-12);
    ck_assert_double_eq(ch.undefined, 0);
    /* two sweeps: no slope */
    ck_assert(isnan(sl.value) && isnan(sl.lo) && isnan(sl.hi));
    ck_assert_double_eq(sl.undefined, 1);
}
END_TEST

START_TEST(power_law_slope) {
    /* value = c * 2^(0.5 x) in every resample, c varying: slope 0.5 */
    static double s[3][NB];
    const double x[3] = {16, 17, 19}, point[3] = {1, sqrt(2), pow(2, 1.5)};
    for (int b = 0; b < NB; b++)
        for (int j = 0; j < 3; j++)
            s[j][b] = (0.5 + b / (double)NB) * pow(2, 0.5 * (x[j] - 16));
    const double *samples[3] = {s[0], s[1], s[2]};
    lms_estimate ch, sl;
    lms_compare_trend(samples, point, x, 3, NB, &ch, &sl);
    ck_assert_double_eq_tol(sl.value, 0.5, 1e-12);
    ck_assert_double_eq_tol(sl.lo, 0.5, 1e-9);
    ck_assert_double_eq_tol(sl.hi, 0.5, 1e-9);
    ck_assert_double_eq_tol(ch.value, pow(2, 1.5), 1e-12);
    ck_assert_double_eq_tol(ch.lo, pow(2, 1.5), 1e-9);
    /* a slope that varies: its interval is the spread of the resamples' */
    for (int b = 0; b < NB; b++)
        s[2][b] = pow(2, (b < NB / 2 ? 0.2 : 0.8) * 3);
    for (int b = 0; b < NB; b++)
        s[0][b] = 1, s[1][b] = pow(2, b < NB / 2 ? 0.2 : 0.8);
    lms_compare_trend(samples, point, x, 3, NB, &ch, &sl);
    ck_assert_double_eq_tol(sl.lo, 0.2, 1e-9);
    ck_assert_double_eq_tol(sl.hi, 0.8, 1e-9);
    ck_assert(ch.lo < ch.hi);
}
END_TEST

/* On an exact power law every middle sweep lies on the line (1 in every
 * resample); a middle value doubled lies 2x off it; t is its place in x;
 * the ends' x alike leave no line. */
START_TEST(off_the_line) {
    static double s[3][NB];
    const double x[3] = {16, 17, 20};
    double point[3] = {1, sqrt(2), 4};
    for (int b = 0; b < NB; b++)
        for (int j = 0; j < 3; j++)
            s[j][b] = (0.5 + b / (double)NB) * pow(2, 0.5 * (x[j] - 16));
    const double *samples[3] = {s[0], s[1], s[2]};
    double t;
    lms_estimate off;
    ck_assert_int_eq(lms_compare_off_line(samples, point, x, 3, 1, NB, &t, &off), 0);
    ck_assert_double_eq_tol(t, 0.25, 1e-12);
    ck_assert_double_eq_tol(off.value, 1, 1e-12);
    ck_assert_double_eq_tol(off.lo, 1, 1e-9);
    ck_assert_double_eq_tol(off.hi, 1, 1e-9);
    ck_assert_double_eq(off.undefined, 0);
    point[1] *= 2;
    for (int b = 0; b < NB; b++)
        s[1][b] *= b < NB / 2 ? 2 : 3;
    ck_assert_int_eq(lms_compare_off_line(samples, point, x, 3, 1, NB, &t, &off), 0);
    ck_assert_double_eq_tol(off.value, 2, 1e-12);
    ck_assert_double_eq_tol(off.lo, 2, 1e-9);
    ck_assert_double_eq_tol(off.hi, 3, 1e-9);
    s[0][0] = NAN; /* a resample without a value */
    ck_assert_int_eq(lms_compare_off_line(samples, point, x, 3, 1, NB, &t, &off), 0);
    ck_assert_double_eq_tol(off.undefined, 1.0 / NB, 1e-12);
    const double flat[3] = {16, 17, 16};
    ck_assert_int_eq(lms_compare_off_line(samples, point, flat, 3, 1, NB, &t, &off), 0);
    ck_assert(isnan(t) && isnan(off.value) && isnan(off.lo));
    ck_assert_double_eq(off.undefined, 1);
}
END_TEST

START_TEST(undefined_resamples) {
    static double s0[NB], s1[NB];
    for (int b = 0; b < NB; b++) {
        s0[b] = 1;
        s1[b] = b % 4 == 0 ? NAN : b % 4 == 1 ? -1 : 2; /* half undefined */
    }
    const double *samples[2] = {s0, s1}, point[2] = {1, 2}, x[2] = {0, 0};
    lms_estimate ch, sl;
    lms_compare_trend(samples, point, x, 2, NB, &ch, &sl);
    ck_assert_double_eq_tol(ch.undefined, 0.5, 1e-12);
    ck_assert_double_eq_tol(ch.lo, 2, 1e-12);
    ck_assert_double_eq_tol(ch.hi, 2, 1e-12);
    /* an undefined estimate has no change */
    const double bad[2] = {NAN, 2};
    lms_compare_trend(samples, bad, x, 2, NB, &ch, &sl);
    ck_assert(isnan(ch.value));
}
END_TEST

START_TEST(flat_x_has_no_slope) {
    static double s[3][NB];
    for (int b = 0; b < NB; b++)
        s[0][b] = s[1][b] = s[2][b] = 1 + b;
    const double *samples[3] = {s[0], s[1], s[2]}, point[3] = {1, 2, 3},
                 x[3] = {4, 4, 4};
    lms_estimate ch, sl;
    lms_compare_trend(samples, point, x, 3, NB, &ch, &sl);
    ck_assert(isnan(sl.value));
    ck_assert_double_eq(sl.undefined, 1);
    ck_assert_double_eq_tol(ch.value, 3, 1e-12);
}
END_TEST

/* The reading says whose advantage a resolved ratio change moved. */
START_TEST(direction_needs_both_intervals) {
    const lms_estimate above = {1.3, 1.1, 1.6, 0}, below = {0.5, 0.3, 0.8, 0},
                       across = {1.2, 0.9, 1.6, 0}, none = {NAN, NAN, NAN, 1};
    ck_assert_str_eq(lms_compare_direction(&above, &above), "grew");
    ck_assert_str_eq(lms_compare_direction(&below, &below), "shrank");
    /* the paired interval alone: not resolved, and said why */
    ck_assert_str_eq(lms_compare_direction(&above, &across),
                     "not resolved (the paired interval alone excludes 1)");
    ck_assert_str_eq(lms_compare_direction(&below, &none),
                     "not resolved (the paired interval alone excludes 1)");
    /* opposite sides: not resolved either */
    ck_assert_str_eq(lms_compare_direction(&above, &below),
                     "not resolved (the paired interval alone excludes 1)");
    ck_assert_str_eq(lms_compare_direction(&across, &above), "not resolved");
    ck_assert_str_eq(lms_compare_direction(&none, &above), "no interval");
}
END_TEST

START_TEST(advantage_words) {
    const char *w = NULL;
    /* the variant below the reference in both, its ratio grew: the
     * reference's advantage shrank */
    ck_assert_int_eq(lms_compare_advantage(0.166, 0.53, 1.63, 5.89, &w), 1);
    ck_assert_str_eq(w, "shrank");
    ck_assert_int_eq(lms_compare_advantage(0.5, 0.25, 0.3, 0.7, &w), 1);
    ck_assert_str_eq(w, "grew");
    /* above it in both: the variant's own advantage, the same word */
    ck_assert_int_eq(lms_compare_advantage(1.2, 1.8, 1.1, 1.9, &w), 2);
    ck_assert_str_eq(w, "grew");
    ck_assert_int_eq(lms_compare_advantage(1.8, 1.2, 0.5, 0.9, &w), 2);
    ck_assert_str_eq(w, "shrank");
    /* not resolved, or the ratio crossed 1: nothing said */
    ck_assert_int_eq(lms_compare_advantage(0.5, 0.6, 0.9, 1.3, &w), 0);
    ck_assert_int_eq(lms_compare_advantage(0.8, 1.3, 1.2, 2.0, &w), 0);
    ck_assert_int_eq(lms_compare_advantage(0.5, 0.6, NAN, NAN, &w), 0);
}
END_TEST

/* The null check's test is two-sided on the log scale: a simulated 1.25x
 * counts against an observed 0.8x (and the other way), ties count, a
 * smaller change does not, one without a value counts; an observed 1x is
 * met by every simulation (p = 1) */
START_TEST(null_test_two_sided) {
    ck_assert_int_eq(lms_null_extreme(1.25, 0.8), 1);
    ck_assert_int_eq(lms_null_extreme(0.8, 1.25), 1);
    ck_assert_int_eq(lms_null_extreme(0.5, 0.5), 1);
    ck_assert_int_eq(lms_null_extreme(1.1, 1.25), 0);
    ck_assert_int_eq(lms_null_extreme(0.9, 1.25), 0);
    ck_assert_int_eq(lms_null_extreme(NAN, 3.0), 1);
    ck_assert_int_eq(lms_null_extreme(0.0, 3.0), 1);
    ck_assert_int_eq(lms_null_extreme(1.0, 1.0), 1);
    ck_assert_int_eq(lms_null_extreme(1.0001, 1.0), 1);
}
END_TEST

int main(void) {
    Suite *s = suite_create("compare");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, change_of_constants);
    tcase_add_test(tc, power_law_slope);
    tcase_add_test(tc, off_the_line);
    tcase_add_test(tc, undefined_resamples);
    tcase_add_test(tc, flat_x_has_no_slope);
    tcase_add_test(tc, advantage_words);
    tcase_add_test(tc, direction_needs_both_intervals);
    tcase_add_test(tc, null_test_two_sided);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
