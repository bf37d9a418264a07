/*
 * The Check scaffolding every plugin test shares: a fixture that gives each
 * test a loader, helpers that create the plugin under test (failing the
 * test with the loader's message when they cannot), the standard checks of
 * the descriptor and of a rejected key value, and main().
 *
 * Typical use (a whole test file, minus its tests):
 *
 *   #include <check.h>
 *   #include "tk_suite.h"   // out of tree: <lmstab/tk_suite.h>
 *
 *   static char err[1024];
 *
 *   START_TEST(test_descriptor) {
 *       const lms_descriptor *d = lms_tks_check_descriptor(
 *           LMS_KIND_NORM, "1.0.0",
 *           (const lms_key[]){{"eps", LMS_VALUE_FLOAT, "1e-5", NULL, 0, 0, 0, 0, NULL, NULL},
 *                             LMS_KEYS_END});
 *       ck_assert(d->slots == NULL);
 *   }
 *   END_TEST
 *   START_TEST(test_keys) {
 *       lms_tks_expect_bad("eps", "-5", "must be a finite number > 0");
 *   }
 *   END_TEST
 *   START_TEST(test_gradients) {
 *       lms_tk t;
 *       lms_tks_build(&t, (const char *[]){"eps=1e-6", NULL}, 2, 8, 32);
 *       ...
 *   }
 *   END_TEST
 *
 *   int main(void) {
 *       const TTest *tests[] = {test_descriptor, test_keys, test_gradients,
 *                               NULL};
 *       return lms_tks_main("my_norm", tests);
 *   }
 *
 * The helpers assert with ck_assert_msg, so they may only be called inside
 * a test (between the fixture's setup and teardown). Needs Check >= 0.13
 * (tests as `const TTest *`).
 */
#ifndef LMSTAB_TK_SUITE_H
#define LMSTAB_TK_SUITE_H

#include <check.h>

#include "testkit.h"

/* The plugin under test, as given to lms_tks_main. */
const char *lms_tks_plugin(void);

/* The loader of the running test: the fixture creates it from
 * $LMS_TEST_PLUGIN_DIR (lms_tk_loader) before each test and frees it after;
 * do not free it. */
lms_loader *lms_tks_loader(void);

/* A new layer of the plugin under test with keys kvs (NULL-terminated
 * "key=value" strings; may be NULL). Fails the test with the loader's
 * message if it cannot be created. Free with lms_layer_free (or hand it to
 * lms_tk_setup, which takes it). */
lms_layer *lms_tks_make(const char *const *kvs);

/* lms_tk_setup of lms_tks_make(kvs) for input (B*T, cols) under
 * lms_tk_model_small(). Fails the test on error; free t with lms_tk_free. */
void lms_tks_build(lms_tk *t, const char *const *kvs, int B, int T, int cols);

/* Asserts that setting key = value on a fresh layer fails and that the
 * message contains msg (e.g. "must be a finite number > 0 (got '-5')"). */
void lms_tks_expect_bad(const char *key, const char *value, const char *msg);

/* Loads the plugin under test and asserts the common descriptor fields:
 * ABI major and minor of this build, size, name == the plugin, kind,
 * version, a non-empty summary, and keys exactly as in want (terminated by
 * {NULL}): same names, types and default values in the same order, each
 * with a non-empty help (want's help is ignored). Returns the descriptor
 * (owned by the loader) for further checks, e.g. of its slots. */
const lms_descriptor *lms_tks_check_descriptor(lms_kind kind,
                                               const char *version,
                                               const lms_key *want);

/* main() of a plugin test: one suite named after the plugin with one test
 * case "core" holding the NULL-terminated tests, under the loader fixture
 * (a checked fixture: it runs in the forked child of each test). Check's
 * default fork mode is kept (CK_FORK on unless the environment says
 * CK_FORK=no, e.g. under a debugger); srunner_run_all(sr, CK_ENV).
 * Returns EXIT_SUCCESS when every test passed, else EXIT_FAILURE. */
int lms_tks_main(const char *plugin, const TTest *const *tests);

/* lms_tks_main with a per-test timeout of `seconds` (Check's default of 4 s,
 * or $CK_DEFAULT_TIMEOUT, when seconds <= 0), for suites of slow tests;
 * $CK_TIMEOUT_MULTIPLIER still applies. */
int lms_tks_main_timeout(const char *plugin, const TTest *const *tests,
                         double seconds);

#endif
