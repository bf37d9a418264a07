/* The sweep's message for a failed run (sweep_runlog.c): the error that
 * ends its train.log, quoted without its "lmstab: error: " prefix, also
 * after trailing blank lines and at the end of a log longer than what is
 * read of it; a log whose last line is not an error (cut short) or that is
 * empty is said to be one; a killed run and one that could not start are
 * said to be those; no log at all is named. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sweep/sweep_internal.h"

static char dir[64];

static void write_log(const char *text) {
    char path[128];
    snprintf(path, sizeof path, "%s/train.log", dir);
    FILE *f = fopen(path, "wb");
    ck_assert(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

static const char *failure(void) {
    static char err[4096];
    lms_sweep_run_failure(dir, "exit status", 1, err, sizeof err);
    return err;
}

static void setup(void) {
    snprintf(dir, sizeof dir, "/tmp/lms_runlog.XXXXXX");
    ck_assert(mkdtemp(dir));
}

static void teardown(void) {
    char path[128];
    snprintf(path, sizeof path, "%s/train.log", dir);
    unlink(path);
    rmdir(dir);
}

START_TEST(quotes_the_error) {
    write_log("step 1/10\nlmstab: error: x.csv: cannot write: No space left on device\n\n");
    char want[512];
    snprintf(want, sizeof want, "run %s failed (exit status 1: x.csv: cannot "
             "write: No space left on device); see %s/train.log", dir, dir);
    ck_assert_str_eq(failure(), want);
}
END_TEST

START_TEST(quotes_the_end_of_a_long_log) {
    char *big = malloc(100000);
    ck_assert(big);
    size_t n = 0;
    while (n < 90000)
        n += (size_t)sprintf(big + n, "step %zu/99999  loss 3.1\n", n);
    sprintf(big + n, "lmstab: error: the last line\n");
    write_log(big);
    free(big);
    ck_assert(strstr(failure(), "(exit status 1: the last line); see "));
}
END_TEST

START_TEST(a_log_cut_short_is_said_to_be) {
    const char *logs[] = {"step 1/10\nstep 2/1", "", "lmstab: error"};
    for (int i = 0; i < 3; i++) {
        write_log(logs[i]);
        char want[512];
        snprintf(want, sizeof want, "run %s failed (exit status 1), and its "
                 "train.log ends without an error message (cut short, as when "
                 "the disk is full?); see %s/train.log", dir, dir);
        ck_assert_str_eq(failure(), want);
    }
}
END_TEST

/* killed, or never started: said so, not blamed on the disk */
START_TEST(killed_or_not_started) {
    write_log("step 1/10\n");
    static char err[4096];
    char want[512];
    lms_sweep_run_failure(dir, "signal", 9, err, sizeof err);
    snprintf(want, sizeof want, "run %s failed (signal 9: killed, e.g. out of "
             "memory); see %s/train.log", dir, dir);
    ck_assert_str_eq(err, want);
    lms_sweep_run_failure(dir, "exit status", 127, err, sizeof err);
    snprintf(want, sizeof want, "run %s failed (exit status 127: it could not "
             "start); see %s/train.log and the sweep's own messages", dir, dir);
    ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(no_log) {
    char want[512];
    snprintf(want, sizeof want, "run %s failed (exit status 1) and left no "
             "train.log", dir);
    ck_assert_str_eq(failure(), want);
}
END_TEST

int main(void) {
    Suite *s = suite_create("sweep_runlog");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, quotes_the_error);
    tcase_add_test(tc, quotes_the_end_of_a_long_log);
    tcase_add_test(tc, a_log_cut_short_is_said_to_be);
    tcase_add_test(tc, killed_or_not_started);
    tcase_add_test(tc, no_log);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    const int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
