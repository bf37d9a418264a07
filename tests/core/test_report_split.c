/* Claim (a) at one learning rate on hand-made runs (report_split.c): the
 * LR where a variant's seeds split, the medians of failing against
 * surviving seeds, the step a signal separates, and the caveat when a side
 * has fewer than three seeds. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"
#include "sweep/sweep_internal.h"
#include "sweep_fixture.h"
#include "util/fsutil.h"

static char dir[64];

/* A run of 40 logged steps: loss 3, output norms 10 (fc2 grows to
 * fc2_end from step 20 on), max score 5, logit 8, log Z 6. */
static void put_run(int seed, const char *verdict, double fc2_end) {
    char path[512], text[256];
    fx_run_dir(dir, "a", "0.1", seed, path, sizeof path);
    snprintf(text, sizeof text, "{\"verdict\": \"%s\", \"final_val_loss\": "
             "3.0, \"init_val_loss\": 5.5, \"steps\": 40}\n", verdict);
    fx_write(path, "summary.json", text);
    char file[600];
    snprintf(file, sizeof file, "%s/metrics.csv", path);
    FILE *f = fopen(file, "w");
    fprintf(f, "step,lr,train_loss,val_loss,grad_norm,h0.qkv.out_norm,"
            "h0.proj.out_norm,h0.fc1.out_norm,h0.fc2.out_norm,"
            "h0.attn.max_score,head.max_abs_logit,head.log_z\n");
    for (int step = 0; step < 40; step++)
        fprintf(f, "%d,0.1,3.0,,1.0,10,10,10,%g,5,8,6\n", step,
                step < 20 ? 10 : fc2_end);
    fclose(f);
}

static char *tables(void) {
    lms_sweep *s = fx_sweep_load(dir);
    char err[512], data[128];
    snprintf(data, sizeof data, "%s/data", dir);
    ck_assert_int_eq(lms_mkdirs(data, err, sizeof err), 0);
    static char buf[16384];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    ck_assert_int_eq(lms_report_split_tables(f, s, data, 10, err, sizeof err), 0);
    fclose(f);
    free(s);
    return buf;
}

static void setup(void) {
    fx_sweep_dir(dir, sizeof dir, "split", "{\"variants\": [\"a\"], \"lrs\": "
                 "[0.1], \"seeds\": [1, 2, 3, 4, 5, 6], \"reference\": \"a\"}\n");
}

static void teardown(void) { fx_sweep_rm(dir); }

START_TEST(few_seeds_are_examples) {
    put_run(1, "converged", 10);
    put_run(2, "converged", 10);
    put_run(3, "spiked", 40);
    const char *t = tables();
    ck_assert_msg(strstr(t, "**a** at lr 0.1: 1 seeds failed, 2 survived "
                         "(default rule). Medians over each group. With fewer "
                         "than 3 seeds on a side, a median is one run or the "
                         "mean of two: an example, not a comparison."), "%s", t);
    /* fc2: 4x the survivors' from step 20 */
    ck_assert_msg(strstr(t, "| fc2 | 10 -> 10 | 10 -> 40 | 4.00x | 20 |"), "%s", t);
    ck_assert_msg(strstr(t, "| qkv | 10 -> 10 | 10 -> 10 | 1.00x | never |"), "%s", t);
}
END_TEST

START_TEST(three_a_side_compare) {
    for (int s = 1; s <= 3; s++)
        put_run(s, "converged", 10);
    for (int s = 4; s <= 6; s++)
        put_run(s, "collapsed", 40);
    const char *t = tables();
    ck_assert_msg(strstr(t, "**a** at lr 0.1: 3 seeds failed, 3 survived "
                         "(default rule). Medians over each group.\n"), "%s", t);
    ck_assert_msg(!strstr(t, "an example, not a comparison"), "%s", t);
}
END_TEST

/* Runs kept by their summary.json alone (a published sweep's runs outside
 * the cells its conclusions rest on have no metrics.csv) are left out of
 * the groups; they once freed a pointer never set. */
START_TEST(runs_without_metrics) {
    put_run(1, "converged", 10);
    put_run(2, "converged", 10);
    put_run(3, "spiked", 40);
    char path[512];
    for (int seed = 4; seed <= 6; seed++) {
        fx_run_dir(dir, "a", "0.1", seed, path, sizeof path);
        fx_write(path, "summary.json", "{\"verdict\": \"spiked\", "
                 "\"final_val_loss\": 3.0, \"init_val_loss\": 5.5, "
                 "\"steps\": 40}\n");
    }
    const char *t = tables();
    ck_assert_msg(strstr(t, "**a** at lr 0.1: 1 seeds failed, 2 survived "), "%s",
                  t);
}
END_TEST

START_TEST(no_split) {
    put_run(1, "converged", 10);
    put_run(2, "converged", 10);
    ck_assert_msg(strstr(tables(), "No learning rate has both failing and "
                         "surviving seeds of one variant yet."), "no sentence");
}
END_TEST

int main(void) {
    Suite *s = suite_create("report_split");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, few_seeds_are_examples);
    tcase_add_test(tc, three_a_side_compare);
    tcase_add_test(tc, runs_without_metrics);
    tcase_add_test(tc, no_split);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
