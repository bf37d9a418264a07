/*
 * Conformance: every lms_*.so in $LMS_TEST_PLUGIN_DIR, loaded through the
 * real loader, must have a sane descriptor, accept its own default keys,
 * reject unknown keys and malformed values, plan at a small model, run on
 * fewer rows than planned, and pass the finite-difference gradient check --
 * alone and with each child slot filled by a built plugin of the right kind;
 * its backward must accumulate, it must be deterministic (also 1 vs 2
 * threads) and write nothing past the end of any buffer (guard zones).
 * The checks are the test kit's (tk_check.c), the same `lmstab check`
 * runs. A new plugin is covered with no new test code.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tk_check.h"
#include "tk_suite.h"

#define MAX_FOUND 128

typedef struct found {
    char name[LMS_NAME_MAX];
    int kind; /* 0 when it failed to load */
    char err[LMS_ERR_MAX * 2];
} found;

static found g_found[MAX_FOUND];
static int g_nfound;
static const char *g_current = ""; /* the plugin under test, for the log */

/* ---- discovery ----------------------------------------------------------- */

static void found_visit(void *user, const char *name, int kind,
                        const char *err) {
    (void)user;
    if (g_nfound == MAX_FOUND)
        return;
    found *f = &g_found[g_nfound++];
    snprintf(f->name, sizeof f->name, "%s", name);
    f->kind = kind;
    snprintf(f->err, sizeof f->err, "%s", err ? err : "");
}

static void scan(void) {
    const char *dir = lms_tk_plugin_dir();
    if (dir)
        lms_tk_scan_dir(dir, found_visit, NULL);
}

/* ---- the checks: tk_check.c, the same code as `lmstab check` ---------- */

typedef struct failures {
    char text[4096];
    int n;
} failures;

static void collect(void *user, const char *check, const char *label, int ok,
                    const char *msg) {
    failures *f = user;
    printf("%-18s %-4s %-11s %-24s %s\n", g_current,
           ok ? "PASS" : "FAIL", check, label, msg);
    if (ok)
        return;
    size_t n = strlen(f->text);
    snprintf(f->text + n, sizeof f->text - n, "\n  %s %s: %s", check, label,
             msg);
    f->n++;
}

/* ---- test kit self-test: a mock plugin with selectable bugs ---------------
 */

typedef struct mock {
    int bug; /* 0 none, 1 dx off by 2%, 2 dx overwritten, 3 y[0] unwritten */
    int cols;
} mock;

static void *mock_create(const lms_host *h, char *err, size_t errlen) {
    (void)h;
    mock *m = calloc(1, sizeof *m);
    if (!m)
        snprintf(err, errlen, "out of memory");
    return m;
}
static void mock_destroy(void *self) {
    free(self);
}
static int mock_set(void *self, const char *key, const char *value, char *err,
                    size_t errlen) {
    (void)key;
    ((mock *)self)->bug = atoi(value);
    (void)err;
    (void)errlen;
    return 0;
}
static int mock_plan(void *self, const lms_model_info *mi, lms_plan *p,
                     char *err, size_t errlen) {
    (void)mi;
    (void)err;
    (void)errlen;
    ((mock *)self)->cols = p->in_cols;
    p->out_cols = p->in_cols;
    lms_plan_add_param(p, "weight", 1, p->in_cols, 0, LMS_INIT_ONES, 0.0f);
    return 0;
}
/* y = w * x + 0.1 x^3 */
static void mock_forward(void *self, const lms_fwd *a) {
    const mock *m = self;
    for (size_t r = 0; r < a->rows; r++)
        for (int c = 0; c < m->cols; c++) {
            size_t i = r * m->cols + c;
            if (m->bug == 3 && i == 0)
                continue;
            float x = a->x[i];
            a->y[i] = a->w[0][c] * x + 0.1f * x * x * x;
        }
}
static void mock_backward(void *self, const lms_bwd *a) {
    const mock *m = self;
    for (size_t r = 0; r < a->rows; r++)
        for (int c = 0; c < m->cols; c++) {
            size_t i = r * m->cols + c;
            float x = a->x[i];
            float g = a->dy[i] * (a->w[0][c] + 0.3f * x * x);
            if (m->bug == 1)
                g *= 1.02f;
            if (m->bug == 2)
                a->dx[i] = g;
            else
                a->dx[i] += g;
            a->dw[0][c] += a->dy[i] * x;
        }
}
static const lms_key mock_keys[] = {{"bug", LMS_VALUE_INT, "0", "bug", 0, 0, 0, 0, NULL, NULL},
                                    LMS_KEYS_END};
static const lms_descriptor mock_desc = {.abi_major = LMS_ABI_MAJOR,
                                         .abi_minor = LMS_ABI_MINOR,
                                         .size = sizeof(lms_descriptor),
                                         .name = "mock",
                                         .kind = LMS_KIND_ACTIVATION,
                                         .version = "1.0.0",
                                         .summary = "mock",
                                         .keys = mock_keys,
                                         .create = mock_create,
                                         .set = mock_set,
                                         .plan = mock_plan,
                                         .forward = mock_forward,
                                         .backward = mock_backward,
                                         .destroy = mock_destroy,
                                         .max_params = 1};

static int run_mock(const char *bug, char *err, size_t errlen) {
    lms_layer *L;
    ck_assert_msg(lms_tk_layer_from_desc(&L, &mock_desc, err, errlen) == 0,
                  "%s", err);
    ck_assert(lms_layer_set(L, "bug", bug, err, errlen) == 0);
    lms_model_info mi = lms_tk_model_small();
    lms_tk t;
    ck_assert_msg(lms_tk_setup(&t, L, &mi, 2, 8, 32, err, errlen) == 0, "%s",
                  err);
    lms_tk_init_params(&t, 1);
    lms_tk_fill_input(&t, 2);
    int rc = lms_tk_gradcheck(&t, NULL, NULL, err, errlen);
    lms_tk_free(&t);
    return rc;
}

START_TEST(test_kit_catches_bugs) {
    char err[1024];
    ck_assert_msg(run_mock("0", err, sizeof err) == 0, "%s", err);
    ck_assert(run_mock("1", err, sizeof err) != 0);
    ck_assert_msg(strstr(err, "gradient mismatch at x["), "%s", err);
    ck_assert(run_mock("2", err, sizeof err) != 0);
    ck_assert_msg(strstr(err, "overwrite"), "%s", err);
    ck_assert(run_mock("3", err, sizeof err) != 0);
    ck_assert_msg(strstr(err, "forward left y[0]"), "%s", err);
}
END_TEST

START_TEST(test_found_plugins) {
    ck_assert_msg(lms_tk_plugin_dir(), "LMS_TEST_PLUGIN_DIR is not set");
    ck_assert_msg(g_nfound > 0, "no lms_*.so found in %s", lms_tk_plugin_dir());
}
END_TEST

START_TEST(test_plugin) {
    const found *f = &g_found[_i];
    ck_assert_msg(f->kind != 0, "%s", f->err);
    char err[1024];
    lms_loader *ld = lms_tk_loader(err, sizeof err);
    ck_assert_msg(ld, "%s", err);
    g_current = f->name;
    failures fl = {"", 0};
    /* alone, then with each child slot (and all of them) filled by a
     * built plugin of the right kind */
    lms_tk_check_opts o = {.fill_slots = 1};
    int n = lms_tk_check_plugin(ld, f->name, &o, collect, &fl);
    fflush(stdout);
    ck_assert_msg(n == 0, "%s: %d checks failed:%s", f->name, n, fl.text);
    lms_loader_free(ld);
}
END_TEST

int main(void) {
    lms_tk_set_guard(1); /* a write past any buffer is named (tk_check.h) */
    scan();
    Suite *s = suite_create("conformance");
    TCase *tc = tcase_create("plugins");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_kit_catches_bugs);
    tcase_add_test(tc, test_found_plugins);
    if (g_nfound > 0)
        tcase_add_loop_test(tc, test_plugin, 0, g_nfound);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
