/* Loader: name rules, search path, and rejection of broken plugins. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernels/host.h"
#include "engine/layer.h"
#include "engine/loader.h"

static char err[2048];

START_TEST(names) {
    ck_assert(lms_plugin_name_valid("layernorm"));
    ck_assert(lms_plugin_name_valid("qk_norm2"));
    ck_assert(!lms_plugin_name_valid("LayerNorm"));
    ck_assert(!lms_plugin_name_valid("../x"));
    ck_assert(!lms_plugin_name_valid("a/b"));
    ck_assert(!lms_plugin_name_valid(".."));
    ck_assert(!lms_plugin_name_valid(""));
    ck_assert(!lms_plugin_name_valid("9lives"));
    ck_assert(!lms_plugin_name_valid("_x"));
    ck_assert(!lms_plugin_name_valid("a-b"));
    ck_assert(
        lms_plugin_name_valid("abcdefghijklmnopqrstuvwxyz01234")); /* 31 */
    ck_assert(!lms_plugin_name_valid("abcdefghijklmnopqrstuvwxyz012345"));
}
END_TEST

static void expect_get_fails(const char *dir, const char *name,
                             const char *needle) {
    lms_loader *ld = lms_loader_new(dir);
    const lms_plugin *p = (const lms_plugin *)1;
    ck_assert_int_ne(lms_loader_get(ld, name, &p, err, sizeof err), 0);
    ck_assert_ptr_null(p);
    ck_assert_msg(strstr(err, needle), "expected '%s' in '%s'", needle, err);
    lms_loader_free(ld);
}

START_TEST(bad_names_rejected) {
    expect_get_fails(getenv("LMS_TEST_PLUGIN_DIR"), "../layernorm",
                     "invalid plugin name '../layernorm'");
    expect_get_fails(getenv("LMS_TEST_PLUGIN_DIR"), "LayerNorm",
                     "invalid plugin name 'LayerNorm': names match");
    expect_get_fails(getenv("LMS_TEST_PLUGIN_DIR"), "a/b",
                     "invalid plugin name 'a/b'");
}
END_TEST

START_TEST(missing_plugin) {
    const char *dir = getenv("LMS_TEST_PLUGIN_DIR");
    char needle[512];
    snprintf(needle, sizeof needle,
             "unknown plugin 'no_such_norm': no "
             "lms_no_such_norm.so in %s",
             dir);
    expect_get_fails(dir, "no_such_norm", needle);
}
END_TEST

START_TEST(broken_plugins) {
    const char *bad = getenv("LMS_BAD_PLUGIN_DIR");
    ck_assert_ptr_nonnull(bad);
    expect_get_fails(bad, "bad_no_entry",
                     "not an lmstab plugin: no 'lms_plugin_entry' symbol");
    expect_get_fails(bad, "bad_abi",
                     "plugin ABI 3.0, this lmstab needs ABI 2.x");
    expect_get_fails(bad, "bad_null_hook", "descriptor has a NULL 'backward'");
    expect_get_fails(bad, "bad_refuse", "plugin refused ABI 2");
    expect_get_fails(bad, "bad_size", "descriptor size 18446744073709551615 "
                     "is not plausible");
    expect_get_fails(bad, "bad_entry_var", "not an lmstab plugin: "
                     "'lms_plugin_entry' is not a function");
    expect_get_fails(bad, "bad_wrong_name",
                     "descriptor name 'someone_else' does not match the file "
                     "name (expected 'bad_wrong_name')");
}
END_TEST

/* A plugin of a newer minor is refused (it may read host fields or struct
 * fields this core does not have), naming the file and both versions; so
 * is one of an older major, with its version and the way to port it; and a
 * parameter declared without its size. */
START_TEST(other_versions_refused) {
    const char *bad = getenv("LMS_BAD_PLUGIN_DIR");
    char want[256];
    snprintf(want, sizeof want, "lms_bad_newer_minor.so: plugin built for "
             "ABI %d.%d, newer than this lmstab's ABI %d.%d; upgrade lmstab "
             "or rebuild the plugin", LMS_ABI_MAJOR, LMS_ABI_MINOR + 1,
             LMS_ABI_MAJOR, LMS_ABI_MINOR);
    expect_get_fails(bad, "bad_newer_minor", want);
    snprintf(want, sizeof want, "lms_bad_old_major.so: plugin built for ABI "
             "1.2, this lmstab has ABI %d.%d (major versions differ); "
             "rebuild it against this lmstab's plugin.h (docs/plugins.md: "
             "porting to ABI 2.0)", LMS_ABI_MAJOR, LMS_ABI_MINOR);
    expect_get_fails(bad, "bad_old_major", want);
    lms_loader *ld = lms_loader_new(bad);
    lms_layer *L = NULL;
    ck_assert_msg(lms_layer_create(&L, ld, "bad_old_decl", err, sizeof err) ==
                      0, "%s", err);
    lms_model_info mi = {.d_model = 8, .n_head = 2, .n_layer = 1,
                         .context = 4, .batch = 1, .vocab = 16, .layer = 0};
    ck_assert_int_eq(lms_layer_plan(L, &mi, 4, 8, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "plugin 'bad_old_decl' declared parameter 0 "
                         "with size 0") && strstr(err, "lms_plan_add_param"),
                  "%s", err);
    lms_layer_free(L);
    lms_loader_free(ld);
}
END_TEST

START_TEST(not_a_shared_object) {
    char dir[] = "/tmp/lmsloaderXXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[512];
    snprintf(path, sizeof path, "%s/lms_junk.so", dir);
    FILE *f = fopen(path, "w");
    fputs("this is not an ELF file\n", f);
    fclose(f);
    expect_get_fails(dir, "junk", "lms_junk.so: cannot load:");
    unlink(path);
    rmdir(dir);
}
END_TEST

START_TEST(loads_real_plugin_and_caches) {
    lms_loader *ld = lms_loader_new(getenv("LMS_TEST_PLUGIN_DIR"));
    const lms_plugin *a, *b;
    ck_assert_int_eq(lms_loader_get(ld, "layernorm", &a, err, sizeof err), 0);
    ck_assert_int_eq(a->desc->kind, LMS_KIND_NORM);
    ck_assert_str_eq(a->desc->name, "layernorm");
    ck_assert_int_eq(lms_loader_get(ld, "layernorm", &b, err, sizeof err), 0);
    ck_assert_ptr_eq(a, b);
    lms_loader_free(ld);
}
END_TEST

START_TEST(env_path_absolute_only) {
    setenv("LMSTAB_PLUGIN_PATH", "relative/dir:/abs/one::/abs/two", 1);
    lms_loader *ld = lms_loader_new(NULL);
    int found1 = 0, found2 = 0;
    for (int i = 0; i < lms_loader_ndirs(ld); i++) {
        ck_assert_str_ne(lms_loader_dir(ld, i), "relative/dir");
        found1 |= !strcmp(lms_loader_dir(ld, i), "/abs/one");
        found2 |= !strcmp(lms_loader_dir(ld, i), "/abs/two");
    }
    ck_assert(found1 && found2);
    lms_loader_free(ld);
    unsetenv("LMSTAB_PLUGIN_PATH");
}
END_TEST

static void count(void *user, const lms_plugin *p, const char *path,
                  const char *e) {
    (void)path;
    (void)e;
    if (p)
        ++*(int *)user;
}

START_TEST(scan_lists_builtin_plugins) {
    lms_loader *ld = lms_loader_new(getenv("LMS_TEST_PLUGIN_DIR"));
    int n = 0;
    ck_assert_int_ge(lms_loader_scan(ld, count, &n), 4);
    ck_assert_int_ge(n, 4);
    lms_loader_free(ld);
}
END_TEST

int main(void) {
    Suite *s = suite_create("loader");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, names);
    tcase_add_test(tc, bad_names_rejected);
    tcase_add_test(tc, missing_plugin);
    tcase_add_test(tc, broken_plugins);
    tcase_add_test(tc, not_a_shared_object);
    tcase_add_test(tc, other_versions_refused);
    tcase_add_test(tc, loads_real_plugin_and_caches);
    tcase_add_test(tc, env_path_absolute_only);
    tcase_add_test(tc, scan_lists_builtin_plugins);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
