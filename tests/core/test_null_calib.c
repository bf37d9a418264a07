/* The calibrated percentile interval (core/report/null_calib.c): the rank
 * of 1 decides the side of an interval exactly as the interval itself does,
 * calibration on ranks whose intervals are right keeps the nominal levels,
 * on over-dispersed ones widens them just enough, and the held-out check
 * counts what it should. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "report/null_calib.h"
#include "sweep/failcurve.h"
#include "util/rng.h"

#define M 1000 /* resamples per simulated sweep */

/* The side a percentile interval at levels lo, hi takes, computed from the
 * interval itself. */
static int side_of_interval(const double *val, int n, double lo, double hi) {
    double *tmp = malloc(sizeof *tmp * (size_t)n);
    for (int i = 0; i < n; i++)
        tmp[i] = val[i];
    lms_estimate e;
    lms_percentile_interval_at(tmp, n, lo, hi, &e);
    free(tmp);
    if (!isfinite(e.lo))
        return 0;
    return e.lo > 1 ? 1 : e.hi < 1 ? -1 : 0;
}

START_TEST(nominal_levels_are_the_plain_interval) {
    double a[101], b[101];
    for (int i = 0; i < 101; i++)
        a[i] = b[i] = (double)((i * 37) % 101); /* 0..100, shuffled */
    a[7] = b[7] = NAN;
    lms_estimate e1, e2;
    lms_percentile_interval(a, 101, &e1);
    lms_percentile_interval_at(b, 101, 0.025, 0.975, &e2);
    ck_assert_double_eq(e1.lo, e2.lo);
    ck_assert_double_eq(e1.hi, e2.hi);
    ck_assert_double_eq(e1.undefined, e2.undefined);
    /* 100 finite values 0..100 without 7: index floor(0.025*99+.5) = 2 */
    ck_assert_double_eq(e1.lo, 2);
    ck_assert_double_eq(e1.hi, 98);
}
END_TEST

/* Random resamples straddling 1 at random levels, ties at 1 included: the
 * rank's side is the interval's, every time. */
START_TEST(rank_side_is_the_interval_side) {
    lms_rng rng;
    lms_rng_seed(&rng, 7, 1);
    static double val[M];
    for (int t = 0; t < 2000; t++) {
        const int n = 1 + (int)(lms_rng_uniform(&rng) * 60);
        const double shift = 3 * (lms_rng_uniform(&rng) - 0.5);
        for (int i = 0; i < n; i++) {
            const double u = lms_rng_uniform(&rng);
            val[i] = u < 0.1 ? 1.0 : u < 0.15 ? NAN
                                              : exp(shift + lms_rng_uniform(&rng) - 0.5);
        }
        const double lo = 0.3 * lms_rng_uniform(&rng);
        const double hi = 1 - 0.3 * lms_rng_uniform(&rng);
        const lms_null_rank r = lms_null_rank_of(val, n);
        ck_assert_int_eq(lms_null_rank_side(&r, lo, hi),
                         side_of_interval(val, n, lo, hi));
    }
}
END_TEST

/* Simulated sweeps whose 1 lies at rank u * M: uniform u is a calibrated
 * interval (1 at a uniform position of the resamples). */
static void ranks_from(lms_null_rank *r, int n, double spread, lms_rng *rng) {
    for (int s = 0; s < n; s++) {
        /* a position, pushed toward the tails by spread > 1 */
        double u = lms_rng_uniform(rng);
        const double z = log(u / (1 - u)) * spread;
        u = 1 / (1 + exp(-z));
        const int le = (int)floor(u * M);
        r[s] = (lms_null_rank){M, le, le};
    }
}

static int count(const lms_null_rank *r, int n, int side, double lo,
                 double hi) {
    int k = 0;
    for (int s = 0; s < n; s++)
        k += lms_null_rank_side(&r[s], lo, hi) == side;
    return k;
}

START_TEST(calibrated_levels_on_uniform_ranks) {
    enum { N = 4000 };
    static lms_null_rank r[N];
    lms_rng rng;
    lms_rng_seed(&rng, 11, 2);
    ranks_from(r, N, 1.0, &rng);
    double lo, hi;
    lms_null_calibrate(r, N, 0.025, &lo, &hi);
    ck_assert(fabs(lo - 0.025) < 0.007 && fabs(hi - 0.975) < 0.007);
    int above, checked;
    const int ex = lms_null_calibration_check(r, N, 0.025, &above, &checked);
    ck_assert_int_eq(checked, N);
    ck_assert(ex > 0.03 * N && ex < 0.07 * N);
    ck_assert(above > 0.01 * N && above < 0.04 * N);
}
END_TEST

/* Over-dispersed ranks (the percentile interval too short): the levels
 * move into the tails, at most floor(0.025 n) intervals exclude 1 on each
 * side at them, and a level a little further in would let more. */
START_TEST(calibrated_levels_widen_a_short_interval) {
    enum { N = 1000 };
    static lms_null_rank r[N + 5];
    lms_rng rng;
    lms_rng_seed(&rng, 13, 3);
    ranks_from(r, N, 1.6, &rng);
    ck_assert_int_gt(count(r, N, 1, 0.025, 0.975), 25 + 10);
    double lo, hi;
    lms_null_calibrate(r, N, 0.025, &lo, &hi);
    ck_assert(lo < 0.02 && hi > 0.98);
    ck_assert_int_le(count(r, N, 1, lo, 1), 25);
    ck_assert_int_le(count(r, N, -1, 0, hi), 25);
    ck_assert_int_gt(count(r, N, 1, lo + 1e-6, 1), 25);
    ck_assert_int_gt(count(r, N, -1, 0, hi - 1e-6), 25);
    /* sweeps without an interval do not count: a sweep being read has one */
    for (int s = N; s < N + 5; s++)
        r[s] = (lms_null_rank){0, 0, 0};
    double lo2, hi2;
    lms_null_calibrate(r, N + 5, 0.025, &lo2, &hi2);
    ck_assert_double_eq(lo2, lo);
    ck_assert_double_eq(hi2, hi);
}
END_TEST

/* More sweeps than the tail allows lie wholly above 1: no level reaches,
 * lo is 0 (the smallest resample) and the held-out check shows it. */
START_TEST(calibration_that_cannot_reach_the_tail) {
    enum { N = 200 };
    static lms_null_rank r[N];
    for (int s = 0; s < N; s++)
        r[s] = (lms_null_rank){M, s < 20 ? 0 : 500, s < 20 ? 0 : 500};
    double lo, hi;
    lms_null_calibrate(r, N, 0.025, &lo, &hi);
    ck_assert_double_eq(lo, 0);
    int above, checked;
    const int ex = lms_null_calibration_check(r, N, 0.025, &above, &checked);
    ck_assert_int_eq(above, 20);
    ck_assert_int_eq(ex, 20);
    ck_assert_int_eq(checked, N);
    lms_null_calibrate(r, 0, 0.025, &lo, &hi);
    ck_assert(isnan(lo) && isnan(hi));
}
END_TEST

/* Too few simulated sweeps with an interval to set a 2.5% tail on (fewer
 * than 40): no levels, and none where no sweep has an interval at all
 * (such sweeps never exclude 1, and would otherwise pull the levels to the
 * median). */
START_TEST(calibration_needs_sweeps_with_an_interval) {
    enum { N = 100 };
    static lms_null_rank r[N];
    for (int s = 0; s < N; s++)
        r[s] = (lms_null_rank){0, 0, 0};
    double lo, hi;
    lms_null_calibrate(r, N, 0.025, &lo, &hi);
    ck_assert(isnan(lo) && isnan(hi));
    for (int s = 0; s < 39; s++)
        r[s] = (lms_null_rank){M, 500, 500};
    lms_null_calibrate(r, N, 0.025, &lo, &hi);
    ck_assert(isnan(lo) && isnan(hi));
    r[39] = (lms_null_rank){M, 500, 500};
    lms_null_calibrate(r, N, 0.025, &lo, &hi);
    ck_assert(isfinite(lo) && isfinite(hi)); /* 40: one may exclude */
    int above, checked;
    lms_null_calibration_check(r, N, 0.025, &above, &checked);
    ck_assert_int_eq(checked, 0); /* 20 a half: no levels on either */
    /* NaN levels read no interval */
    double v[3] = {1, 2, 3};
    lms_estimate e;
    lms_percentile_interval_at(v, 3, NAN, NAN, &e);
    ck_assert(isnan(e.lo) && isnan(e.hi));
}
END_TEST

int main(void) {
    Suite *s = suite_create("null_calib");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, nominal_levels_are_the_plain_interval);
    tcase_add_test(tc, rank_side_is_the_interval_side);
    tcase_add_test(tc, calibrated_levels_on_uniform_ranks);
    tcase_add_test(tc, calibrated_levels_widen_a_short_interval);
    tcase_add_test(tc, calibration_that_cannot_reach_the_tail);
    tcase_add_test(tc, calibration_needs_sweeps_with_an_interval);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
