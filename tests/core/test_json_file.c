/* Tests for lms_json_read_object (core/io/json_file.c), the one reader of
 * summary.json, sweep.json and edges.json: an absent file is told apart
 * (ENOENT: "not yet") from a damaged one (EBADMSG), and every message names
 * the file. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/json_file.h"

static char dir[64], path[128];

static void setup(void) {
    snprintf(dir, sizeof dir, "/tmp/lms_json_file_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/summary.json", dir);
}

static void teardown(void) {
    unlink(path);
    rmdir(dir);
}

static void write_text(const char *text) {
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* NULL, errno `want_errno`, and a message starting with the path and
 * holding `want` */
static void refused(int want_errno, const char *want) {
    char err[512] = "";
    errno = 0;
    cJSON *o = lms_json_read_object(path, 1 << 20, err, sizeof err);
    ck_assert_ptr_null(o);
    ck_assert_int_eq(errno, want_errno);
    ck_assert_msg(!strncmp(err, path, strlen(path)), "'%s' does not name %s", err, path);
    ck_assert_msg(strstr(err, want) != NULL, "'%s' lacks '%s'", err, want);
}

START_TEST(reads_an_object) {
    write_text("{\"verdict\": \"converged\", \"lr\": 0.5}");
    char err[512];
    cJSON *o = lms_json_read_object(path, 1 << 20, err, sizeof err);
    ck_assert_ptr_nonnull(o);
    ck_assert_double_eq(cJSON_GetObjectItemCaseSensitive(o, "lr")->valuedouble, 0.5);
    cJSON_Delete(o);
}
END_TEST

START_TEST(absent_torn_and_wrong) {
    refused(ENOENT, "");
    write_text("{\"verdict\": \"conv"); /* torn mid-write */
    refused(EBADMSG, "not valid JSON");
    write_text("[1, 2]");
    refused(EBADMSG, "not a JSON object");
    write_text("");
    refused(EBADMSG, "not valid JSON");
}
END_TEST

START_TEST(over_the_cap) {
    write_text("{\"a\": \"0123456789\"}");
    char err[512] = "";
    errno = 0;
    ck_assert_ptr_null(lms_json_read_object(path, 8, err, sizeof err));
    ck_assert_int_eq(errno, EFBIG);
    ck_assert_msg(strstr(err, path) != NULL, "'%s' does not name the file", err);
}
END_TEST

int main(void) {
    Suite *s = suite_create("json_file");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, reads_an_object);
    tcase_add_test(tc, absent_torn_and_wrong);
    tcase_add_test(tc, over_the_cap);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
