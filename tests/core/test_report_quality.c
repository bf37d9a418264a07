/* Quality by matched seeds on hand-made runs: the paired difference and
 * its t interval, the choice of learning rate, and the overfitting check
 * follow their definitions (core/report/report_quality.c). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"
#include "sweep/sweep_internal.h"
#include "sweep_fixture.h"
#include "util/fsutil.h"

static char dir[64];

/* A finished run: summary.json with its final val loss, and metrics.csv
 * whose val column holds vals[0..n) at steps 0, 10, 20, ... */
static void put_run(const char *v, const char *lr, int seed,
                    const char *verdict, double final, const double *vals,
                    int n) {
    char path[512], text[256];
    fx_run_dir(dir, v, lr, seed, path, sizeof path);
    snprintf(text, sizeof text, "{\"verdict\": \"%s\", \"final_val_loss\": "
             "%.17g, \"init_val_loss\": 5.5, \"steps\": 30}\n", verdict, final);
    fx_write(path, "summary.json", text);
    char file[600];
    FILE *f;
    snprintf(file, sizeof file, "%s/metrics.csv", path);
    f = fopen(file, "w");
    fprintf(f, "step,lr,train_loss,val_loss,grad_norm\n");
    for (int i = 0; i < n; i++)
        fprintf(f, "%d,0.1,3.0,%.6f,1.0\n", 10 * i, vals[i]);
    fprintf(f, "%d,0.1,,%.6f,\n", 10 * n, final); /* the final evaluation */
    fclose(f);
}

static char *table(void) {
    lms_sweep *s = fx_sweep_load(dir);
    char err[512], data[128];
    snprintf(data, sizeof data, "%s/data", dir);
    ck_assert_int_eq(lms_mkdirs(data, err, sizeof err), 0);
    static char buf[8192];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    ck_assert_int_eq(lms_report_quality_table(f, s, data, err, sizeof err), 0);
    fclose(f);
    free(s);
    return buf;
}

static void setup(void) {
    fx_sweep_dir(dir, sizeof dir, "qual", "{\"variants\": [\"a\", \"b\"], "
                 "\"configs\": [\"a.ini\", \"b.ini\"], \"lrs\": [0.1, 0.2], "
                 "\"seeds\": [1, 2, 3], \"reference\": \"a\"}\n");
}

static void teardown(void) { fx_sweep_rm(dir); }

START_TEST(paired_difference_and_overfitting) {
    const double down[] = {5.5, 3.0, 2.5};
    const double low[] = {5.5, 2.0, 2.2};   /* minimum at step 10 */
    put_run("a", "0.2", 1, "converged", 2.0, down, 3);
    put_run("a", "0.2", 2, "converged", 2.1, down, 3);
    put_run("a", "0.2", 3, "converged", 2.2, down, 3);
    put_run("b", "0.2", 1, "converged", 1.9, down, 3);
    put_run("b", "0.2", 2, "converged", 2.05, low, 3); /* rose by 0.05 */
    put_run("b", "0.2", 3, "spiked", 2.1, down, 3);
    /* 0.1: as many pairs and a lower LR, but the reference failed there */
    for (int s = 1; s <= 3; s++) {
        put_run("a", "0.1", s, s == 2 ? "diverged" : "converged", 2.5, down, 3);
        put_run("b", "0.1", s, "converged", 2.4, down, 3);
    }
    const char *t = table();
    ck_assert_msg(strstr(t, "At lr 0.2, where a converged"), "%s", t);
    /* a: 2.0, 2.1, 2.2 -> 2.1 +- 4.303 * 0.1 / sqrt(3) = 0.2484 */
    ck_assert_msg(strstr(t, "| a | 3 | 2.1000 [1.8516, 2.3484] | (reference) |  |"), "%s", t);
    /* b - a: -0.1, -0.05, -0.1 -> -0.0833 +- 4.303 * 0.02887 / sqrt(3) */
    ck_assert_msg(strstr(t, "| b | 3 | 2.0167 [1.7581, 2.2752] | -0.0833 "
                         "[-0.1550, -0.0116] (n 3) | lower; 1 failed |"), "%s", t);
    ck_assert_msg(strstr(t, "lowest at the last evaluation in 5 of 6 runs; the "
                         "largest rise after the minimum is 0.0500 nats (b seed "
                         "2, minimum at step 10)"), "%s", t);
    /* the reading says the same in one sentence */
    lms_sweep *sw = malloc(sizeof *sw);
    char err[512], r[1024];
    ck_assert_msg(lms_sweep_load_manifest(dir, sw, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(lms_report_quality_reading(sw, r, sizeof r), 0);
    ck_assert_str_eq(r, "At learning rate 0.2, the final validation loss minus "
                     "a's on the same seeds (mean, paired 95% t interval): b "
                     "-0.0833 [-0.1550, -0.0116] (lower, 3 seeds).");
    free(sw);
}
END_TEST

START_TEST(no_reference_lr_yet) {
    const double down[] = {5.5, 3.0};
    put_run("a", "0.1", 1, "converged", 2.0, down, 2);
    put_run("b", "0.1", 1, "converged", 2.0, down, 2);
    const char *none = "## Quality by matched seeds\n\nNo learning rate has "
                       "a converged on two or more seeds that another variant "
                       "also ran, so there is no matched-seed comparison of "
                       "quality here (each variant's edge band has its own "
                       "learning rates).\n\n";
    ck_assert_str_eq(table(), none);
    /* two converged seeds of a, at an LR no other variant ran: the same */
    put_run("a", "0.15", 1, "converged", 2.0, down, 2);
    put_run("a", "0.15", 2, "converged", 2.0, down, 2);
    ck_assert_str_eq(table(), none);
    lms_sweep *sw = malloc(sizeof *sw);
    char err[512], r[1024];
    ck_assert_msg(lms_sweep_load_manifest(dir, sw, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(lms_report_quality_reading(sw, r, sizeof r), -1);
    free(sw);
}
END_TEST

/* Three variants: the paired intervals are also given corrected for the
 * two comparisons with the reference (t at 1 - 0.025/2, df 2: 6.2054). b
 * is lower at 95% but not resolved after the correction. */
START_TEST(bonferroni) {
    char path[256];
    snprintf(path, sizeof path, "%s/sweep.json", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "{\"variants\": [\"a\", \"b\", \"c\"], \"lrs\": [0.2],"
            " \"seeds\": [1, 2, 3], \"reference\": \"a\"}\n");
    fclose(f);
    const double down[] = {5.5, 3.0, 2.5};
    const double a[] = {2.0, 2.1, 2.2}, b[] = {1.9, 2.05, 2.1},
                 c[] = {2.2, 2.35, 2.5};
    for (int s = 1; s <= 3; s++) {
        put_run("a", "0.2", s, "converged", a[s - 1], down, 3);
        put_run("b", "0.2", s, "converged", b[s - 1], down, 3);
        put_run("c", "0.2", s, "converged", c[s - 1], down, 3);
    }
    const char *t = table();
    ck_assert_msg(strstr(t, "-0.0833 [-0.1550, -0.0116] (n 3) | lower |"), "%s", t);
    ck_assert_msg(strstr(t, "\nCorrected for the 2 comparisons with a "
                         "(Bonferroni: each paired interval at 97.50%): b "
                         "-0.0833 [-0.1868, +0.0201]: not resolved; c +0.2500 "
                         "[+0.0709, +0.4291]: higher.\n"), "%s", t);
    lms_sweep *sw = malloc(sizeof *sw);
    char err[512], r[1024];
    ck_assert_msg(lms_sweep_load_manifest(dir, sw, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(lms_report_quality_reading(sw, r, sizeof r), 0);
    ck_assert_msg(strstr(r, "(lower, 3 seeds), c +0.2500 [+0.1258, +0.3742] "
                         "(higher, 3 seeds). Corrected for the comparisons "
                         "(Bonferroni): c higher; the rest not resolved."), "%s", r);
    free(sw);
}
END_TEST

int main(void) {
    Suite *s = suite_create("report_quality");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, paired_difference_and_overfitting);
    tcase_add_test(tc, no_reference_lr_yet);
    tcase_add_test(tc, bonferroni);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
