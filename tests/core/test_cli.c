/* The command line parsed alone (lms_cli_dispatch with dry = 1, what the
 * CLI fuzz target calls): good arguments return 0 without running
 * anything (the files they name need not exist), usage errors return 2. */
#include <check.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* Exit code of the dry parse of "lmstab ARGS..." (NULL-terminated). */
static int dry(const char *first, ...) {
    char *argv[300];
    int argc = 0;
    argv[argc++] = "lmstab";
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a && argc < 299; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    return lms_cli_dispatch(argc, argv, 1);
}

START_TEST(valid_arguments_run_nothing) {
    /* none of these files exist: a run would fail with 1 */
    ck_assert_int_eq(dry("train", "/nonexistent.ini", "--set", "a.b=1",
                         "--out", "/nonexistent/o", "--checkpoint-every", "5",
                         NULL), 0);
    ck_assert_int_eq(dry("train", "/nonexistent.ini", "--resume", "/x", NULL), 0);
    ck_assert_int_eq(dry("sample", "/nonexistent", "--tokens", "3", NULL), 0);
    ck_assert_int_eq(dry("golden", "/a.ini", "/b.st", "--map", "a=b", NULL), 0);
    ck_assert_int_eq(dry("sweep", "/nonexistent.ini", "--jobs", "2", NULL), 0);
    ck_assert_int_eq(dry("sweep", "--aggregate", "/nonexistent", NULL), 0);
    ck_assert_int_eq(dry("bench", "/nonexistent.ini", "--steps", "2", NULL), 0);
    ck_assert_int_eq(dry("bench", "--sgemm", "2x2x2", NULL), 0);
    ck_assert_int_eq(dry("report", "/nonexistent", NULL), 0);
    ck_assert_int_eq(dry("verdict", "/nonexistent", NULL), 0);
    ck_assert_int_eq(dry("plugins", "--plugin-dir", "/nonexistent", NULL), 0);
    ck_assert_int_eq(dry("--version", NULL), 0);
}
END_TEST

START_TEST(usage_errors) {
    ck_assert_int_eq(dry(NULL), 2);
    ck_assert_int_eq(dry("trian", NULL), 2);
    ck_assert_int_eq(dry("train", NULL), 2);
    ck_assert_int_eq(dry("train", "a.ini", "b.ini", NULL), 2);
    ck_assert_int_eq(dry("train", "a.ini", "--set", NULL), 2);
    ck_assert_int_eq(dry("train", "a.ini", "--checkpoint-every", "0", NULL), 2);
    ck_assert_int_eq(dry("train", "a.ini", "--resume", "x", "--out", "y", NULL), 2);
    ck_assert_int_eq(dry("sample", "x", "--set", "a.b=1", NULL), 2);
    ck_assert_int_eq(dry("sample", "x", "--tokens", "2.5", NULL), 2);
    ck_assert_int_eq(dry("sample", "x", "--seed", "-1", NULL), 2);
    ck_assert_int_eq(dry("golden", "a.ini", NULL), 2);
    ck_assert_int_eq(dry("sweep", NULL), 2);
    ck_assert_int_eq(dry("sweep", "s.ini", "--jobs", "2000", NULL), 2);
    /* --jobs: one range-checked parser (x, 0, overflow, blank, empty) */
    ck_assert_int_eq(dry("sweep", "s.ini", "--jobs", "x", NULL), 2);
    ck_assert_int_eq(dry("sweep", "s.ini", "--jobs", "0", NULL), 2);
    ck_assert_int_eq(dry("sweep", "s.ini", "--jobs", "99999999999", NULL), 2);
    ck_assert_int_eq(dry("sweep", "s.ini", "--jobs", "99999999999999999999",
                         NULL), 2);
    ck_assert_int_eq(dry("sweep", "s.ini", "--jobs", " 2", NULL), 2);
    ck_assert_int_eq(dry("sweep", "s.ini", "--jobs", "", NULL), 2);
    ck_assert_int_eq(dry("sweep", "s.ini", "--jobs", NULL), 2);
    ck_assert_int_eq(dry("sweep", "s.ini", "--jobs", "1024", NULL), 0);
    ck_assert_int_eq(dry("sweep", "s.ini", "--progress-seconds", "0", NULL), 2);
    ck_assert_int_eq(dry("sweep", "s.ini", "--progress-seconds", "0.5", NULL), 0);
    ck_assert_int_eq(dry("sweep", "s.ini", "t.ini", NULL), 2);
    ck_assert_int_eq(dry("sweep", "s.ini", "--quiet", "--out", "o", "--data",
                         "d", "--set", "a.b=1", "--plugin-dir", "p", NULL), 0);
    ck_assert_int_eq(dry("train", "a.ini", "--progress-seconds", "nan", NULL), 2);
    ck_assert_int_eq(dry("train", "a.ini", "--threads", "2x", NULL), 2);
    ck_assert_int_eq(dry("tokenize", "train", "t.txt", "--vocab", "1e3",
                         "--out", "m.model", NULL), 2);
    ck_assert_int_eq(dry("bench", NULL), 2);
    ck_assert_int_eq(dry("bench", "a.ini", "--steps", "0", NULL), 2);
    ck_assert_int_eq(dry("report", NULL), 2);
    ck_assert_int_eq(dry("verdict", NULL), 2);
    ck_assert_int_eq(dry("plugins", "--set", "a.b=1", NULL), 2);
    /* the commands moved onto option tables keep their spellings */
    ck_assert_int_eq(dry("golden", "a.ini", "b.st", "-v", "--verbose", "--map",
                         "a=b", "--map", "c=d", NULL), 0);
    ck_assert_int_eq(dry("golden", "a.ini", "b.st", "--map", NULL), 2);
    ck_assert_int_eq(dry("golden", "a.ini", "b.st", "c", NULL), 2);
    ck_assert_int_eq(dry("sample", "x", "--prompt", "hi", "--temperature", "0",
                         "--top-k", "5", "--seed", "7", "--tokenizer", "t",
                         NULL), 0);
    ck_assert_int_eq(dry("sample", "x", "--temperature", "101", NULL), 2);
    ck_assert_int_eq(dry("report", "a", "b", NULL), 2);
    ck_assert_int_eq(dry("report", "a", "--bogus", NULL), 2);
    ck_assert_int_eq(dry("verdict", "a", "b", "c", NULL), 0);
    ck_assert_int_eq(dry("plugins", "--keys", "gelu", "--markdown", NULL), 0);
    ck_assert_int_eq(dry("plugins", "--keys", NULL), 2);
    ck_assert_int_eq(dry("check", "p.so", "--keys", "a=1,b=2", "--keys", "c=3",
                         "--no-guard", "--guard", "--no-slots", "--threads",
                         "4", "--plugin-dir", "d", NULL), 0);
    ck_assert_int_eq(dry("check", "p.so", "--threads", "1", NULL), 2);
    ck_assert_int_eq(dry("check", "p.so", "--threads", "1025", NULL), 2);
    ck_assert_int_eq(dry("check", "a.so", "b.so", NULL), 2);
    ck_assert_int_eq(dry("check", "p.so", "--keys", "novalue", NULL), 2);
    ck_assert_int_eq(dry("check", NULL), 2);
    ck_assert_int_eq(dry("tokenize", "encode", "--model", "m.model", "-",
                         "a.txt", "--out", "o.bin", "--shard-tokens", "10",
                         "--overwrite", NULL), 0);
    ck_assert_int_eq(dry("tokenize", "frob", NULL), 2);
    ck_assert_int_eq(dry("tokenize", "train", "t.txt", "--vocab", NULL), 2);
    ck_assert_int_eq(dry("tokenize", "--help", NULL), 0);
    ck_assert_int_eq(dry("tokenize", NULL), 2);
}
END_TEST

/* 256 --set options are allowed, the 257th is an error with a message
 * (the "--set=" form used to fail without one). */
START_TEST(too_many_sets) {
    char *argv[300];
    int argc = 0;
    argv[argc++] = "lmstab";
    argv[argc++] = "train";
    argv[argc++] = "a.ini";
    for (int i = 0; i < 256; i++)
        argv[argc++] = "--set=a.b=1";
    ck_assert_int_eq(lms_cli_dispatch(argc, argv, 1), 0);
    argv[argc++] = "--set=a.b=1";
    ck_assert_int_eq(lms_cli_dispatch(argc, argv, 1), 2);
}
END_TEST

/* The top-level usage lists every command the dispatch knows (its list
 * is printed from the dispatch table: `check` was once left out). */
START_TEST(usage_lists_every_command) {
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    lms_cli_usage(f);
    static char buf[16384];
    rewind(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    size_t i = 0;
    for (const char *name; (name = lms_cli_command_name(i)); i++) {
        char line[64];
        snprintf(line, sizeof line, "\n  %s ", name);
        ck_assert_msg(strstr(buf, line), "usage lacks command '%s'", name);
    }
    ck_assert_uint_ge(i, 10);
}
END_TEST

int main(void) {
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, valid_arguments_run_nothing);
    tcase_add_test(tc, usage_errors);
    tcase_add_test(tc, too_many_sets);
    tcase_add_test(tc, usage_lists_every_command);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
