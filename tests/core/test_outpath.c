/* Tests for lms_relative_path (core/util/outpath.c): the links a relabelled
 * sweep writes must resolve from where they stand, whatever the layout. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/outpath.h"

static char dir[64];

static void setup(void) {
    snprintf(dir, sizeof dir, "/tmp/lms_outpath_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char cmd[512];
    snprintf(cmd, sizeof cmd, "mkdir -p %s/a/b/c %s/d && touch %s/d/f && "
             "ln -s a %s/L", dir, dir, dir, dir);
    ck_assert_int_eq(system(cmd), 0);
}

static void teardown(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* from and to below dir; want the relative path, or NULL for a failure */
static void check(const char *from, const char *to, const char *want) {
    char f[256], t[256], out[256];
    snprintf(f, sizeof f, "%s/%s", dir, from);
    snprintf(t, sizeof t, "%s/%s", dir, to);
    int rc = lms_relative_path(f, t, out, sizeof out);
    if (!want) {
        ck_assert_msg(rc != 0, "%s -> %s: want a failure, got '%s'", from, to, out);
        return;
    }
    ck_assert_msg(rc == 0, "%s -> %s failed", from, to);
    ck_assert_msg(!strcmp(out, want), "%s -> %s: '%s', want '%s'", from, to,
                  out, want);
}

START_TEST(layouts) {
    check("a", "a", ".");
    check("a/", "a//", ".");
    check("a/b", "d", "../../d");
    check("a/b/c", "d/f", "../../../d/f");
    check("a", "a/b/c", "b/c");
    check("a/b/c", "a", "../..");
    check("L/b", "d", "../../d"); /* a symlinked parent: the real path */
    check("a", "nosuch", NULL);
    check("nosuch", "a", NULL);
}
END_TEST

START_TEST(too_small) {
    char f[256], t[256], out[4];
    snprintf(f, sizeof f, "%s/a/b/c", dir);
    snprintf(t, sizeof t, "%s/d/f", dir);
    ck_assert_int_ne(lms_relative_path(f, t, out, sizeof out), 0);
}
END_TEST

int main(void) {
    Suite *s = suite_create("outpath");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, layouts);
    tcase_add_test(tc, too_small);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
