/* Whether a seed's runs hang together across LRs (report_dependence.c):
 * inversions and the pairs they are counted over, against answers worked
 * by hand; a sweep whose seeds each have one edge has none, and its p is
 * small when independence expects many. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"
#include "sweep/sweep.h"

/* The one CSV row of variant 0 written for runs[0..n) under curve f. */
static void row_of(const lms_curve_run *runs, size_t n, size_t own,
                   lms_logit f, int sims, long *pairs, long *inv,
                   double *expected, double *p) {
    static lms_sweep s; /* large: not on the stack */
    memset(&s, 0, sizeof s);
    s.n_variants = 1;
    strcpy(s.variants[0], "v");
    lms_curve c;
    memset(&c, 0, sizeof c);
    c.fit = f;
    c.lr50.value = exp(-f.a / f.b); /* defined: a rising curve */
    c.runs = (int)n;
    c.fails = 1;
    FILE *md = tmpfile(), *csv = tmpfile();
    ck_assert(md && csv);
    ck_assert_int_eq(lms_report_dependence(md, csv, &s, runs, n, &c, sims), 0);
    rewind(csv);
    char line[512];
    ck_assert(fgets(line, sizeof line, csv));
    ck_assert_str_eq(line, "variant,runs,pairs,inversions,expected,sims,as_few,p\n");
    ck_assert(fgets(line, sizeof line, csv));
    size_t runs_n;
    int sims_n, as_few;
    ck_assert_int_eq(sscanf(line, "v,%zu,%ld,%ld,%lf,%d,%d,%lf", &runs_n,
                            pairs, inv, expected, &sims_n, &as_few, p), 7);
    ck_assert_uint_eq(runs_n, own); /* variant 0's runs */
    ck_assert_int_eq(sims_n, sims);
    ck_assert_double_eq_tol(*p, (1.0 + as_few) / (1.0 + sims), 1e-6);
    fclose(md);
    fclose(csv);
}

/* Seed 1: LRs 1, 2, 4 failed, survived, failed: one inversion (1 over 2);
 * seed 2: 1, 2 survived, failed: none; a second run at LR 2 of seed 2 and
 * a run of another variant count in no pair. */
START_TEST(inversions_by_hand) {
    const lms_curve_run runs[] = {
        {0, 1, 1, 1, 0}, {0, 2, 1, 0, 0}, {0, 4, 1, 1, 0},
        {0, 1, 2, 0, 0}, {0, 2, 2, 1, 0}, {0, 2 * (1 + 1e-12), 2, 0, 0},
        {1, 0.5, 1, 1, 0},
    };
    /* a flat curve, P(fail) = 1/2 everywhere: each pair expects 1/4 */
    const lms_logit f = {0, 1e-3, 1};
    long pairs, inv;
    double e, p;
    row_of(runs, 7, 6, f, 50, &pairs, &inv, &e, &p);
    /* seed 1: (1,2) (1,4) (2,4); seed 2: (1,2) (1,2'): 5 pairs */
    ck_assert_int_eq(pairs, 5);
    ck_assert_int_eq(inv, 1);
    const double q = 1 / (1 + exp(-1e-3 * log(2))), r = 1 / (1 + exp(-1e-3 * log(4)));
    const double want = 0.5 * (1 - q) + 0.5 * (1 - r) + q * (1 - r) +
                        2 * 0.5 * (1 - q);
    ck_assert_double_eq_tol(e, want, 1e-5);
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
    const lms_logit f = {-1.75, 1, 1}; /* P(fail) rises over the 8 LRs */
    long pairs, inv;
    double e, p;
    row_of(runs, n, n, f, 200, &pairs, &inv, &e, &p);
    ck_assert_int_eq(pairs, SEEDS * LRS * (LRS - 1) / 2);
    ck_assert_int_eq(inv, 0);
    ck_assert(e > 50);
    ck_assert_double_eq_tol(p, 1.0 / 201, 1e-7); /* (printed to 6 digits) */
}
END_TEST

int main(void) {
    Suite *s = suite_create("report_dependence");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, inversions_by_hand);
    tcase_add_test(tc, one_edge_a_seed_is_found);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
