/* Whether a seed's runs hang together across LRs (report_dependence.c):
 * inversions, the pairs they are counted over and their mean under
 * shuffling within each LR, against answers worked by hand; a sweep whose
 * seeds each have one edge has none, and its p is small when independence
 * expects many; seeds whose outcomes were drawn independently are not
 * flagged; the copula's rho is 1 for one edge a seed, 0 for as many
 * inversions as independence expects, and found again from runs drawn
 * with a known rho. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"
#include "sweep/normal.h"
#include "sweep/sweep.h"
#include "util/rng.h"

/* The one CSV row of variant 0 written for runs[0..n) under curve f. */
static void row_of(const lms_curve_run *runs, size_t n, size_t own, int sims,
                   long *pairs, long *inv, double *expected, double *p,
                   double *rho) {
    static lms_sweep s; /* large: not on the stack */
    memset(&s, 0, sizeof s);
    s.n_variants = 1;
    strcpy(s.variants[0], "v");
    FILE *md = tmpfile(), *csv = tmpfile();
    ck_assert(md && csv);
    lms_estimate e; /* as the null check computes it, once */
    ck_assert_int_eq(
        lms_seed_rho_interval(runs, n, 0, LMS_RHO_RESAMPLES, &e), 0);
    ck_assert_int_eq(lms_report_dependence(md, csv, &s, runs, n, sims, &e), 0);
    rewind(csv);
    char line[512];
    ck_assert(fgets(line, sizeof line, csv));
    ck_assert_str_eq(line,
                     "variant,runs,pairs,inversions,expected,sims,as_few,p,rho,"
                     "rho_lo,rho_hi,rho_resamples,rho_undefined\n");
    ck_assert(fgets(line, sizeof line, csv));
    size_t runs_n;
    int sims_n, as_few, resamples;
    double lo, hi, undefined;
    ck_assert_int_eq(sscanf(line, "v,%zu,%ld,%ld,%lf,%d,%d,%lf,%lf,%lf,%lf,%d,%lf",
                            &runs_n, pairs, inv, expected, &sims_n, &as_few, p,
                            rho, &lo, &hi, &resamples, &undefined),
                     12);
    /* the same estimate as the null checks take, and its interval */
    ck_assert_double_eq_tol(*rho, lms_seed_rho(runs, n, 0), 1e-5);
    /* its draws counted only where there were seeds to draw */
    ck_assert_int_eq(resamples, isnan(e.undefined) ? 0 : LMS_RHO_RESAMPLES);
    ck_assert_double_eq_tol(lo, e.lo, 1e-5);
    ck_assert_double_eq_tol(hi, e.hi, 1e-5);
    ck_assert_double_eq_tol(undefined, e.undefined, 1e-5);
    ck_assert_uint_eq(runs_n, own); /* variant 0's runs */
    ck_assert_int_eq(sims_n, sims);
    ck_assert_double_eq_tol(*p, (1.0 + as_few) / (1.0 + sims), 1e-6);
    fclose(md);
    fclose(csv);
}

/* Seed 1: LRs 1, 2, 4 failed, survived, failed: one inversion (1 over 2);
 * seed 2: 1, 2 survived, failed, and a second run at LR 2 (to 1e-12: the
 * same LR) survived: none; a run of another variant counts in no pair.
 * Failure shares: LR 1 1/2, LR 2 1/3, LR 4 1. */
START_TEST(inversions_by_hand) {
    const lms_curve_run runs[] = {
        {0, 1, 1, 1, 0}, {0, 2, 1, 0, 0}, {0, 4, 1, 1, 0},
        {0, 1, 2, 0, 0}, {0, 2, 2, 1, 0}, {0, 2 * (1 + 1e-12), 2, 0, 0},
        {1, 0.5, 1, 1, 0},
    };
    long pairs, inv;
    double e, p, rho;
    row_of(runs, 7, 6, 50, &pairs, &inv, &e, &p, &rho);
    /* seed 1: (1,2) (1,4) (2,4); seed 2: (1,2) (1,2'): 5 pairs */
    ck_assert_int_eq(pairs, 5);
    ck_assert_int_eq(inv, 1);
    /* 1/2 (2/3) + 1/2 (0) + 1/3 (0) + 2 (1/2) (2/3) = 1 */
    ck_assert_double_eq_tol(e, 1.0, 1e-6);
    ck_assert_double_eq(rho, 0); /* as many as independence expects */
}
END_TEST

/* 40 seeds, each failing from its own edge up (one edge a seed), over a
 * shallow curve: independence expects many inversions, there are none. */
START_TEST(one_edge_a_seed_is_found) {
    enum { SEEDS = 40, LRS = 8 };
    static lms_curve_run runs[SEEDS * LRS];
    size_t n = 0;
    for (int s = 0; s < SEEDS; s++)
        for (int k = 0; k < LRS; k++)
            runs[n++] = (lms_curve_run){0, exp(0.5 * k), s + 1,
                                        k >= 1 + s % (LRS - 1), 0};
    long pairs, inv;
    double e, p, rho;
    row_of(runs, n, n, 200, &pairs, &inv, &e, &p, &rho);
    ck_assert_int_eq(pairs, SEEDS * LRS * (LRS - 1) / 2);
    ck_assert_int_eq(inv, 0);
    ck_assert(e > 50);
    ck_assert_double_eq_tol(p, 1.0 / 201, 1e-7); /* (printed to 6 digits) */
    ck_assert_double_eq(rho, 1);
    /* every draw of these seeds has one edge a seed too */
    lms_estimate r;
    ck_assert_int_eq(lms_seed_rho_interval(runs, n, 0, 50, &r), 0);
    ck_assert_double_eq(r.value, 1);
    ck_assert_double_eq(r.lo, 1);
    ck_assert_double_eq(r.hi, 1);
    ck_assert_double_eq(r.undefined, 0);
}
END_TEST

/* The same design with outcomes drawn independently at each LR's rate:
 * not flagged (p well above 0.05), and the inversions near their mean. */
START_TEST(independent_seeds_pass) {
    enum { SEEDS = 40, LRS = 8 };
    static lms_curve_run runs[SEEDS * LRS];
    unsigned x = 12345;
    size_t n = 0;
    for (int s = 0; s < SEEDS; s++)
        for (int k = 0; k < LRS; k++) {
            x = x * 1103515245u + 12345u;
            const double u = (double)(x >> 8) / (double)(1u << 24);
            runs[n++] = (lms_curve_run){0, exp(0.5 * k), s + 1,
                                        u < (k + 0.5) / LRS, 0};
        }
    long pairs, inv;
    double e, p, rho;
    row_of(runs, n, n, 400, &pairs, &inv, &e, &p, &rho);
    ck_assert(p > 0.05);
    ck_assert(fabs((double)inv - e) < 0.3 * e);
    ck_assert(rho < 0.15);
}
END_TEST

/* Seeds drawn from the copula itself at rho 0.6 (u a seed's, e a run's
 * standard normal, failing when sqrt(rho) u + sqrt(1 - rho) e < Phi^-1(f)):
 * the estimate finds it again, and a stronger dependence gives a larger
 * one. 300 seeds: the estimate's own spread is then a few hundredths. */
static lms_curve_run drawn[300 * 8];

static double rho_drawn(double rho, unsigned long long seed, int seeds) {
    enum { LRS = 8 };
    lms_curve_run *runs = drawn;
    lms_rng rng;
    lms_rng_seed(&rng, seed, 7);
    size_t n = 0;
    for (int s = 0; s < seeds; s++) {
        const double u = lms_rng_normal(&rng);
        for (int k = 0; k < LRS; k++) {
            const double z = sqrt(rho) * u + sqrt(1 - rho) * lms_rng_normal(&rng);
            const double f = (k + 0.5) / LRS;
            runs[n++] = (lms_curve_run){0, exp(0.5 * k), s + 1,
                                        z < lms_norm_quantile(f), 0};
        }
    }
    return lms_seed_rho(runs, n, 0);
}

START_TEST(rho_found_again) {
    const double r6 = rho_drawn(0.6, 11, 300), r3 = rho_drawn(0.3, 12, 300);
    ck_assert_msg(fabs(r6 - 0.6) < 0.08, "rho 0.6 estimated as %g", r6);
    ck_assert_msg(fabs(r3 - 0.3) < 0.08, "rho 0.3 estimated as %g", r3);
    ck_assert(isnan(lms_seed_rho((lms_curve_run[]){{0, 1, 1, 1, 0}}, 1, 0)));
}
END_TEST

/* The seeds' bootstrap interval: it holds the estimate, covers the rho
 * drawn (120 seeds at rho 0.6: the estimate's spread is about 0.1), is
 * narrower than the whole range, and is the same on a second call; with
 * one seed there is nothing to resample. */
START_TEST(rho_interval) {
    const double r = rho_drawn(0.6, 13, 120);
    lms_estimate e, again;
    ck_assert_int_eq(lms_seed_rho_interval(drawn, 120 * 8, 0, 100, &e), 0);
    ck_assert_double_eq(e.value, r);
    ck_assert_msg(e.lo <= r && r <= e.hi, "%g outside [%g, %g]", r, e.lo, e.hi);
    ck_assert_msg(e.lo < 0.6 && 0.6 < e.hi, "0.6 outside [%g, %g]", e.lo, e.hi);
    ck_assert_msg(e.hi - e.lo < 0.5, "[%g, %g]: too wide", e.lo, e.hi);
    ck_assert_double_eq(e.undefined, 0);
    ck_assert_int_eq(lms_seed_rho_interval(drawn, 120 * 8, 0, 100, &again), 0);
    ck_assert(e.lo == again.lo && e.hi == again.hi);
    const lms_curve_run one[] = {{0, 1, 5, 0, 0}, {0, 2, 5, 1, 0}, {0, 4, 5, 0, 0}};
    ck_assert_int_eq(lms_seed_rho_interval(one, 3, 0, 100, &e), 0);
    ck_assert(isnan(e.lo) && isnan(e.hi));
}
END_TEST

/* The caveats' text of a rho: with its interval, without one, without a
 * rho. */
START_TEST(rho_text) {
    char b[96];
    lms_rho_text(b, sizeof b, "v", &(lms_estimate){0.3, 0, 0.56, 0});
    ck_assert_str_eq(b, "v 0.30 [0.00, 0.56]");
    lms_rho_text(b, sizeof b, "v", &(lms_estimate){0.3, NAN, NAN, NAN});
    ck_assert_str_eq(b, "v 0.30 (no interval)");
    lms_rho_text(b, sizeof b, "v", &(lms_estimate){NAN, NAN, NAN, NAN});
    ck_assert_str_eq(b, "v -");
}
END_TEST

int main(void) {
    Suite *s = suite_create("report_dependence");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, inversions_by_hand);
    tcase_add_test(tc, rho_text);
    tcase_add_test(tc, one_edge_a_seed_is_found);
    tcase_add_test(tc, independent_seeds_pass);
    tcase_add_test(tc, rho_found_again);
    tcase_add_test(tc, rho_interval);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
