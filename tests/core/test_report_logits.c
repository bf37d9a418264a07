/* The LM head's logits by learning rate on hand-made runs
 * (report_logits.c): the cell is the median over seeds of the last logged
 * log Z and of the peak max |logit|, read from metrics.csv training rows; a
 * run whose signals went non-finite is counted apart, and one that did not
 * log them is said to be missing; runs past the drift line (|log Z| > 2 ln
 * V) are counted per cell and variant, and side by side in declared pairs. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"
#include "sweep/sweep_internal.h"
#include "sweep_fixture.h"

static char dir[64];

/* A run of 10 training rows; log Z falls from logz0 by 0.1 a step, max
 * |logit| rises by 1 a step from 1, and the row at bad_step (if >= 0)
 * logs log Z as `bad`. With head = 0 the run logs neither column. */
static void put_run_of(const char *variant, int seed, const char *verdict,
                       double logz0, int head, int bad_step, const char *bad) {
    char path[512], text[256];
    fx_run_dir(dir, variant, "0.1", seed, path, sizeof path);
    snprintf(text, sizeof text, "{\"verdict\": \"%s\", \"final_val_loss\": "
             "3.0, \"init_val_loss\": 5.5, \"steps\": 10}\n", verdict);
    fx_write(path, "summary.json", text);
    char file[600];
    snprintf(file, sizeof file, "%s/metrics.csv", path);
    FILE *f = fopen(file, "w");
    fprintf(f, "step,lr,train_loss,val_loss,grad_norm%s\n",
            head ? ",head.max_abs_logit,head.log_z" : "");
    for (int step = 0; step < 10; step++) {
        fprintf(f, "%d,0.1,3.0,,1.0", step);
        if (head && step == bad_step)
            fprintf(f, ",%d,%s", 1 + step, bad);
        else if (head && step % 2 == 0) /* instrumented every other step */
            fprintf(f, ",%d,%.6f", 1 + step, logz0 - 0.1 * step);
        else if (head)
            fprintf(f, ",,");
        fputc('\n', f);
    }
    /* the final evaluation-only row: no training loss, ignored */
    fprintf(f, "10,0.1,,3.0,%s\n", head ? ",99,-99" : "");
    fclose(f);
}

static void put_run(int seed, const char *verdict, double logz0, int head,
                    int bad_step, const char *bad) {
    put_run_of("a", seed, verdict, logz0, head, bad_step, bad);
}

static char *table(void) {
    lms_sweep *s = fx_sweep_load(dir);
    static char buf[16384];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    lms_report_logits_table(f, s, 256);
    fclose(f);
    free(s);
    return buf;
}

static void setup(void) {
    fx_sweep_dir(dir, sizeof dir, "logits", "{\"variants\": [\"a\", \"b\"], "
                 "\"lrs\": [0.1], \"seeds\": [1, 2, 3, 4], \"reference\": "
                 "\"a\", \"pairs\": [[\"a\", \"b\"]]}\n");
}

static void teardown(void) { fx_sweep_rm(dir); }

START_TEST(medians_nonfinite_and_missing) {
    /* last logged log Z: step 8, 6 - 0.8 = 5.2 and 7 - 0.8 = 6.2 (median
     * 5.7); peak |logit| 9 in both (the final row's 99 is not training) */
    put_run(1, "converged", 6.0, 1, -1, "");
    put_run(2, "spiked", 7.0, 1, -1, "");
    put_run(3, "spiked", 6.0, 1, 4, "inf"); /* diverged at step 4 */
    put_run(4, "converged", 6.0, 0, -1, ""); /* no head signals */
    const char *t = table();
    ck_assert_msg(strstr(t, "## The LM head's logits by learning rate"), "%s", t);
    ck_assert_msg(strstr(t, "ln 256 = 5.55"), "%s", t);
    ck_assert_msg(strstr(t, "| LR | a | b |\n"), "%s", t);
    ck_assert_msg(strstr(t, "| 0.1 | 5.70 / 9 (2/4; 1 non-finite; 3 logged) |"), "%s", t);
}
END_TEST

/* 2 ln 256 = 11.09: a final log Z of -12 or 12 drifted, 11 did not; a
 * non-finite one did. In the pair, a drifted alone on seeds 1 and 2, both
 * on seed 3, b alone on none; seed 4 logged nothing in b. */
START_TEST(drift_counted_and_paired) {
    put_run_of("a", 1, "converged", -11.2, 1, -1, ""); /* ends at -12.0 */
    put_run_of("a", 2, "converged", 12.8, 1, -1, "");  /* ends at 12.0 */
    put_run_of("a", 3, "spiked", 6.0, 1, 4, "nan");
    put_run_of("a", 4, "converged", 11.8, 1, -1, "");  /* ends at 11.0 */
    put_run_of("b", 1, "converged", 6.0, 1, -1, "");
    put_run_of("b", 2, "converged", 6.0, 1, -1, "");
    put_run_of("b", 3, "converged", 20.0, 1, -1, "");  /* ends at 19.2 */
    put_run_of("b", 4, "converged", 6.0, 0, -1, "");
    const char *t = table();
    ck_assert_msg(strstr(t, "passed twice that, 11.09"), "%s", t);
    ck_assert_msg(strstr(t, "(1/4; 2 drifted; 1 non-finite) |"), "%s", t);
    ck_assert_msg(strstr(t, "(0/4; 1 drifted; 3 logged) |"), "%s", t);
    ck_assert_msg(strstr(t, "of those that logged the signals: a 3 of 4; b 1 of 3."),
                  "%s", t);
    ck_assert_msg(strstr(t, "| a → b | 3 | 1 / 2 / 0 | 0.5 |"), "%s", t);
}
END_TEST

START_TEST(nothing_logged_no_section) {
    put_run(1, "converged", 6.0, 0, -1, "");
    ck_assert_str_eq(table(), "");
}
END_TEST

int main(void) {
    Suite *s = suite_create("report_logits");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, medians_nonfinite_and_missing);
    tcase_add_test(tc, nothing_logged_no_section);
    tcase_add_test(tc, drift_counted_and_paired);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
