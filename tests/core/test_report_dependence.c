/* Whether a seed's runs hang together across LRs (report_dependence.c):
 * inversions, the pairs they are counted over and their mean under
 * shuffling within each LR, against answers worked by hand; a sweep whose
 * seeds each have one edge has none, and its p is small when independence
 * expects many; seeds whose outcomes were drawn independently are not
 * flagged. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"
#include "sweep/sweep.h"

/* The one CSV row of variant 0 written for runs[0..n) under curve f. */
static void row_of(const lms_curve_run *runs, size_t n, size_t own, int sims,
                   long *pairs, long *inv, double *expected, double *p) {
    static lms_sweep s; /* large: not on the stack */
    memset(&s, 0, sizeof s);
    s.n_variants = 1;
    strcpy(s.variants[0], "v");
    FILE *md = tmpfile(), *csv = tmpfile();
    ck_assert(md && csv);
    ck_assert_int_eq(lms_report_dependence(md, csv, &s, runs, n, sims), 0);
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
    double e, p;
    row_of(runs, 7, 6, 50, &pairs, &inv, &e, &p);
    /* seed 1: (1,2) (1,4) (2,4); seed 2: (1,2) (1,2'): 5 pairs */
    ck_assert_int_eq(pairs, 5);
    ck_assert_int_eq(inv, 1);
    /* 1/2 (2/3) + 1/2 (0) + 1/3 (0) + 2 (1/2) (2/3) = 1 */
    ck_assert_double_eq_tol(e, 1.0, 1e-6);
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
    double e, p;
    row_of(runs, n, n, 200, &pairs, &inv, &e, &p);
    ck_assert_int_eq(pairs, SEEDS * LRS * (LRS - 1) / 2);
    ck_assert_int_eq(inv, 0);
    ck_assert(e > 50);
    ck_assert_double_eq_tol(p, 1.0 / 201, 1e-7); /* (printed to 6 digits) */
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
    double e, p;
    row_of(runs, n, n, 400, &pairs, &inv, &e, &p);
    ck_assert(p > 0.05);
    ck_assert(fabs((double)inv - e) < 0.3 * e);
}
END_TEST

int main(void) {
    Suite *s = suite_create("report_dependence");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, inversions_by_hand);
    tcase_add_test(tc, one_edge_a_seed_is_found);
    tcase_add_test(tc, independent_seeds_pass);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
