/* The shared Check scaffolding of plugin tests; see tk_suite.h. */
#include "tk_suite.h"

#include <stdlib.h>
#include <string.h>

#include "engine/loader.h"

static const char *tks_plugin; /* set by lms_tks_main, before any fork */
static lms_loader *tks_ld;     /* per test: setup creates, teardown frees */
static char tks_err[1024];

const char *lms_tks_plugin(void) {
    return tks_plugin;
}

lms_loader *lms_tks_loader(void) {
    return tks_ld;
}

static void tks_setup(void) {
    tks_ld = lms_tk_loader(tks_err, sizeof tks_err);
    ck_assert_msg(tks_ld, "%s", tks_err);
}

static void tks_teardown(void) {
    lms_loader_free(tks_ld);
    tks_ld = NULL;
}

lms_layer *lms_tks_make(const char *const *kvs) {
    lms_layer *L;
    ck_assert_msg(lms_tk_layer_new(&L, tks_ld, tks_plugin, kvs, NULL, tks_err,
                                   sizeof tks_err) == 0,
                  "%s", tks_err);
    return L;
}

void lms_tks_build(lms_tk *t, const char *const *kvs, int B, int T, int cols) {
    lms_model_info mi = lms_tk_model_small();
    ck_assert_msg(lms_tk_setup(t, lms_tks_make(kvs), &mi, B, T, cols, tks_err,
                               sizeof tks_err) == 0,
                  "%s", tks_err);
}

void lms_tks_expect_bad(const char *key, const char *value, const char *msg) {
    lms_layer *L = lms_tks_make(NULL);
    tks_err[0] = '\0';
    ck_assert_msg(lms_layer_set(L, key, value, tks_err, sizeof tks_err) != 0,
                  "%s = '%s' accepted", key, value);
    ck_assert_msg(strstr(tks_err, msg), "%s = '%s': got message '%s'", key,
                  value, tks_err);
    lms_layer_free(L);
}

const lms_descriptor *lms_tks_check_descriptor(lms_kind kind,
                                               const char *version,
                                               const lms_key *want) {
    const lms_plugin *p;
    ck_assert_msg(
        lms_loader_get(tks_ld, tks_plugin, &p, tks_err, sizeof tks_err) == 0,
        "%s", tks_err);
    const lms_descriptor *d = p->desc;
    ck_assert_int_eq(d->abi_major, LMS_ABI_MAJOR);
    ck_assert_int_eq(d->abi_minor, LMS_ABI_MINOR);
    ck_assert_uint_eq(d->size, sizeof(lms_descriptor));
    ck_assert_str_eq(d->name, tks_plugin);
    ck_assert_int_eq(d->kind, kind);
    ck_assert_str_eq(d->version, version);
    ck_assert(d->summary && d->summary[0]);
    int i = 0;
    for (; want[i].name; i++) {
        ck_assert_msg(d->keys[i].name, "key %d: missing, want '%s'", i,
                      want[i].name);
        ck_assert_str_eq(d->keys[i].name, want[i].name);
        ck_assert_int_eq(d->keys[i].type, want[i].type);
        ck_assert_str_eq(d->keys[i].default_value, want[i].default_value);
        ck_assert(d->keys[i].help && d->keys[i].help[0]);
    }
    ck_assert(d->keys[i].name == NULL);
    return d;
}

int lms_tks_main(const char *plugin, const TTest *const *tests) {
    return lms_tks_main_timeout(plugin, tests, 0);
}

int lms_tks_main_timeout(const char *plugin, const TTest *const *tests,
                         double seconds) {
    tks_plugin = plugin;
    Suite *s = suite_create(plugin);
    TCase *tc = tcase_create("core");
    if (seconds > 0)
        tcase_set_timeout(tc, seconds);
    tcase_add_checked_fixture(tc, tks_setup, tks_teardown);
    for (; *tests; tests++)
        tcase_add_test(tc, *tests);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
