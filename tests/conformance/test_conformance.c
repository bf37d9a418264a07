/*
 * Conformance: every lms_*.so in $LMS_TEST_PLUGIN_DIR, loaded through the
 * real loader, must have a sane descriptor, accept its own default keys,
 * reject unknown keys and malformed values, plan at a small model, run on
 * fewer rows than planned, and pass the finite-difference gradient check --
 * alone and with each child slot filled by a built plugin of the right kind.
 * A new plugin is covered with no new test code.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testkit.h"

#define MAX_FOUND 128

typedef struct found {
    char name[LMS_NAME_MAX];
    int kind; /* 0 when it failed to load */
    char err[LMS_ERR_MAX * 2];
} found;

static found g_found[MAX_FOUND];
static int g_nfound;

/* ---- discovery ----------------------------------------------------------- */

static int in_dir(const char *path, const char *dir) {
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && path[n] == '/';
}

static void scan_visit(void *user, const lms_plugin *p, const char *path,
                       const char *err) {
    const char *dir = user;
    if (g_nfound == MAX_FOUND)
        return;
    if (p && !in_dir(p->path, dir))
        return; /* an installed or LMSTAB_PLUGIN_PATH plugin: not ours */
    if (!p && !strstr(err, dir))
        return;
    found *f = &g_found[g_nfound++];
    snprintf(f->name, sizeof f->name, "%s", p ? p->name : path);
    f->kind = p ? (int)p->desc->kind : 0;
    snprintf(f->err, sizeof f->err, "%s", err ? err : "");
}

static void scan(void) {
    const char *dir = lms_tk_plugin_dir();
    if (!dir)
        return;
    lms_loader *ld = lms_loader_new(dir);
    if (!ld)
        return;
    lms_loader_scan(ld, scan_visit, (void *)dir);
    lms_loader_free(ld);
}

/* ---- checks -------------------------------------------------------------- */

static int ident_ok(const char *s) {
    if (!s || !(s[0] >= 'a' && s[0] <= 'z') || strlen(s) >= LMS_NAME_MAX)
        return 0;
    for (const char *c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              *c == '_'))
            return 0;
    return 1;
}

static void check_descriptor(const lms_descriptor *d, const char *name) {
    ck_assert_int_eq(d->abi_major, LMS_ABI_MAJOR);
    ck_assert_msg(
        d->size >= sizeof(lms_descriptor) || d->abi_minor < LMS_ABI_MINOR,
        "%s: descriptor size %zu < %zu", name, d->size, sizeof(lms_descriptor));
    ck_assert_str_eq(d->name, name);
    ck_assert_msg(d->kind >= LMS_KIND_NORM && d->kind <= LMS_KIND_AUX_LOSS,
                  "%s: bad kind %d", name, (int)d->kind);
    int a, b, c, n = 0;
    ck_assert_msg(d->version &&
                      sscanf(d->version, "%d.%d.%d%n", &a, &b, &c, &n) == 3 &&
                      d->version[n] == '\0',
                  "%s: version '%s' is not MAJOR.MINOR.PATCH", name,
                  d->version ? d->version : "(null)");
    ck_assert_msg(d->summary && d->summary[0] && strlen(d->summary) < 200 &&
                      !strchr(d->summary, '\n'),
                  "%s: summary must be one non-empty line", name);
    const lms_key *k = d->keys;
    for (int i = 0; k[i].name; i++) {
        ck_assert_msg(ident_ok(k[i].name), "%s: bad key name '%s'", name,
                      k[i].name);
        ck_assert_msg(strcmp(k[i].name, "plugin") != 0,
                      "%s: key 'plugin' is reserved", name);
        ck_assert_msg(k[i].type >= LMS_VALUE_INT &&
                          k[i].type <= LMS_VALUE_STRING,
                      "%s: key '%s' has a bad type", name, k[i].name);
        ck_assert_msg(k[i].default_value, "%s: key '%s' has no default", name,
                      k[i].name);
        ck_assert_msg(k[i].help && k[i].help[0], "%s: key '%s' has no help",
                      name, k[i].name);
        for (int j = 0; j < i; j++)
            ck_assert_msg(strcmp(k[i].name, k[j].name) != 0,
                          "%s: duplicate key '%s'", name, k[i].name);
    }
    const lms_slot *s = d->slots;
    for (int i = 0; s && s[i].name; i++) {
        ck_assert_msg(ident_ok(s[i].name), "%s: bad slot name", name);
        ck_assert_msg(s[i].kind >= LMS_KIND_NORM &&
                          s[i].kind <= LMS_KIND_AUX_LOSS,
                      "%s: slot '%s' has a bad kind", name, s[i].name);
        ck_assert_msg(s[i].help && s[i].help[0], "%s: slot '%s' has no help",
                      name, s[i].name);
        for (int j = 0; k[j].name; j++)
            ck_assert_msg(strcmp(k[j].name, s[i].name) != 0,
                          "%s: '%s' is both a key and a slot", name, s[i].name);
    }
}

static void check_keys(lms_loader *ld, const char *name) {
    char err[1024];
    lms_layer *L;
    ck_assert_msg(lms_tk_layer_new(&L, ld, name, NULL, NULL, err, sizeof err) ==
                      0,
                  "%s", err);
    const lms_key *k = L->plugin->desc->keys;
    for (int i = 0; k[i].name; i++) {
        ck_assert_msg(lms_layer_set(L, k[i].name, k[i].default_value, err,
                                    sizeof err) == 0,
                      "%s: default %s = '%s' rejected: %s", name, k[i].name,
                      k[i].default_value, err);
        if (k[i].type == LMS_VALUE_STRING)
            continue;
        const char *bad = "not_a_value";
        err[0] = '\0';
        ck_assert_msg(lms_layer_set(L, k[i].name, bad, err, sizeof err) != 0,
                      "%s: key '%s' accepted '%s'", name, k[i].name, bad);
        ck_assert_msg(strstr(err, "got 'not_a_value'"),
                      "%s: the message for %s = '%s' should quote the value "
                      "as (got '...'): %s",
                      name, k[i].name, bad, err);
    }
    err[0] = '\0';
    ck_assert(lms_layer_set(L, "no_such_key_zz", "1", err, sizeof err) != 0);
    ck_assert_msg(strstr(err, "accepted"), "%s", err);
    lms_layer_free(L);
}

/* Input width and (B, T) a plugin of this kind is planned at. */
static void shape_for(int kind, const lms_model_info *mi, int *B, int *T,
                      int *cols) {
    *B = mi->batch;
    *T = mi->context;
    *cols = mi->d_model;
    if (kind == LMS_KIND_ATTENTION)
        *cols = 3 * mi->d_model;
    else if (kind == LMS_KIND_SCORE_MAP || kind == LMS_KIND_PROB_MAP) {
        *B = 1;
        *cols = 8;
    } else if (kind == LMS_KIND_AUX_LOSS)
        *cols = mi->vocab;
}

/* Plan (with children), check fewer rows than planned, gradient check. */
static void check_numerics(lms_loader *ld, const char *name,
                           const lms_tk_child *children, const char *label) {
    char err[1024];
    lms_model_info mi = lms_tk_model_small();
    lms_layer *L;
    ck_assert_msg(
        lms_tk_layer_new(&L, ld, name, NULL, children, err, sizeof err) == 0,
        "%s%s: %s", name, label, err);
    int kind = L->plugin->desc->kind, B, T, cols;
    shape_for(kind, &mi, &B, &T, &cols);
    lms_tk t;
    ck_assert_msg(lms_tk_setup(&t, L, &mi, B, T, cols, err, sizeof err) == 0,
                  "%s%s: plan at (%d, %d): %s", name, label, B * T, cols, err);
    lms_tk_init_params(&t, 11);
    lms_tk_fill_input(&t, 12);

    /* rows < planned rows: the first rows of y must not change (each kind
     * but AUX_LOSS is independent across sequences) */
    if (kind != LMS_KIND_AUX_LOSS && B > 1) {
        lms_tk_forward(&t);
        size_t n1 = (size_t)T * t.out_cols;
        float *y2 = malloc(n1 * sizeof *y2);
        ck_assert_ptr_nonnull(y2);
        memcpy(y2, t.y, n1 * sizeof *y2);
        lms_layer_forward(t.L, t.y, t.x, (size_t)T, 1, T, NULL);
        double d = lms_tk_max_abs_diff(y2, t.y, n1);
        free(y2);
        ck_assert_msg(d <= 1e-5,
                      "%s%s: forward on %d rows differs from "
                      "the same rows of a %d-row call by %g",
                      name, label, T, B * T, d);
    }
    lms_tk_gc_result res;
    int rc = lms_tk_gradcheck(&t, NULL, &res, err, sizeof err);
    printf("%-18s %-30s %s\n", name, label, err);
    fflush(stdout);
    ck_assert_msg(rc == 0, "%s%s: %s", name, label, err);
    lms_tk_free(&t);
}

/* A loadable built plugin of `kind`, or NULL. */
static const char *plugin_of_kind(int kind) {
    for (int i = 0; i < g_nfound; i++)
        if (g_found[i].kind == kind)
            return g_found[i].name;
    return NULL;
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
    const lms_plugin *p;
    ck_assert_msg(lms_loader_get(ld, f->name, &p, err, sizeof err) == 0, "%s",
                  err);
    check_descriptor(p->desc, f->name);
    check_keys(ld, f->name);
    check_numerics(ld, f->name, NULL, "");

    const lms_slot *s = p->desc->slots;
    int nslots = 0;
    while (s && s[nslots].name)
        nslots++;
    lms_tk_child all[nslots + 1];
    int nall = 0;
    for (int i = 0; i < nslots; i++) {
        const char *child = plugin_of_kind(s[i].kind);
        if (!child)
            continue;
        lms_tk_child one[2] = {{s[i].name, child, NULL}, {NULL, NULL, NULL}};
        char label[96];
        snprintf(label, sizeof label, " +%s=%s", s[i].name, child);
        check_numerics(ld, f->name, one, label);
        all[nall++] = one[0];
    }
    if (nall > 1) {
        all[nall] = (lms_tk_child){NULL, NULL, NULL};
        check_numerics(ld, f->name, all, " +all slots");
    }
    lms_loader_free(ld);
}
END_TEST

int main(void) {
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
