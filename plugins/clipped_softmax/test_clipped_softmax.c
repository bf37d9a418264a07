/* Check tests of the clipped_softmax plugin, through the real loader. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testkit.h"

static lms_loader *ld;

/* The clip makes y piecewise linear. A finite-difference step that crosses
 * a clip point by only 2-4% of its length gives an error above the test
 * kit's tolerance without being classed as a kink (it needs 4 * tol), so
 * steps are 10x smaller than the default: such crossings become rare. */
static const lms_tk_gc_opts gc_opts = {.h = 1e-3};
static char err[1024];

static void setup(void) {
    ld = lms_tk_loader(err, sizeof err);
    ck_assert_msg(ld, "%s", err);
}
static void teardown(void) {
    lms_loader_free(ld);
}

static lms_layer *make(const char *const *kvs) {
    lms_layer *L;
    ck_assert_msg(lms_tk_layer_new(&L, ld, "clipped_softmax", kvs, NULL, err,
                                   sizeof err) == 0,
                  "%s", err);
    return L;
}

static void build(lms_tk *t, const char *const *kvs, int B, int T, int cols) {
    lms_model_info mi = lms_tk_model_small();
    ck_assert_msg(
        lms_tk_setup(t, make(kvs), &mi, B, T, cols, err, sizeof err) == 0, "%s",
        err);
}

START_TEST(test_descriptor) {
    const lms_plugin *p;
    ck_assert_msg(lms_loader_get(ld, "clipped_softmax", &p, err, sizeof err) ==
                      0,
                  "%s", err);
    const lms_descriptor *d = p->desc;
    ck_assert_int_eq(d->abi_major, LMS_ABI_MAJOR);
    ck_assert_int_eq(d->abi_minor, LMS_ABI_MINOR);
    ck_assert_uint_eq(d->size, sizeof(lms_descriptor));
    ck_assert_str_eq(d->name, "clipped_softmax");
    ck_assert_int_eq(d->kind, LMS_KIND_PROB_MAP);
    ck_assert_str_eq(d->version, "1.0.0");
    ck_assert(d->summary && d->summary[0]);
    ck_assert(d->slots == NULL);
    const char *names[] = {"zeta", "gamma"};
    const char *defs[] = {"1.03", "-0.03"};
    for (int i = 0; i < 2; i++) {
        ck_assert_str_eq(d->keys[i].name, names[i]);
        ck_assert_int_eq(d->keys[i].type, LMS_VALUE_FLOAT);
        ck_assert_str_eq(d->keys[i].default_value, defs[i]);
        ck_assert(d->keys[i].help && d->keys[i].help[0]);
    }
    ck_assert(d->keys[2].name == NULL);
}
END_TEST

static void expect_bad(const char *key, const char *value, const char *msg) {
    lms_layer *L = make(NULL);
    err[0] = '\0';
    ck_assert_msg(lms_layer_set(L, key, value, err, sizeof err) != 0,
                  "%s = '%s' accepted", key, value);
    ck_assert_msg(strstr(err, msg), "%s = '%s': got message '%s'", key, value,
                  err);
    lms_layer_free(L);
}

START_TEST(test_keys) {
    expect_bad("zeta", "0.5", "must be a finite number >= 1 (got '0.5')");
    expect_bad("zeta", "-5", "must be a finite number >= 1 (got '-5')");
    expect_bad("zeta", "nan", "(got 'nan')");
    expect_bad("zeta", "inf", "(got 'inf')");
    expect_bad("zeta", "1e39", "(got '1e39')"); /* inf as a float */
    expect_bad("zeta", "1.0x", "(got '1.0x')");
    expect_bad("gamma", "0.1", "must be a finite number <= 0 (got '0.1')");
    expect_bad("gamma", "-inf", "(got '-inf')");
    expect_bad("gamma", "", "(got '')");
    /* the boundaries: zeta = 1, gamma = 0 is the identity */
    lms_layer *L = make(
        (const char *[]){"zeta=1", "gamma=0", "gamma=-0.5", "zeta=2", NULL});
    ck_assert(lms_layer_set(L, "alpha", "1", err, sizeof err) != 0);
    ck_assert_msg(strstr(err, "accepted: zeta, gamma"), "%s", err);
    lms_layer_free(L);
}
END_TEST

START_TEST(test_forward_hand) {
    lms_tk t;
    build(&t, NULL, 1, 1, 8);
    ck_assert_int_eq(t.L->plan.out_cols, 8);
    ck_assert_int_eq(t.L->plan.n_params, 0);
    /* a = 1.06: p < 0.03/1.06 = 0.0283 -> 0, p > 1.03/1.06 = 0.9717 -> 1 */
    const float x[8] = {0, 0.01f, 0.0283f, 0.03f, 0.5f, 0.97f, 0.98f, 1};
    memcpy(t.x, x, sizeof x);
    lms_tk_forward(&t);
    for (int i = 0; i < 8; i++) {
        double want = fmin(1.0, fmax(0.0, 1.06 * x[i] - 0.03));
        ck_assert_msg(fabs(t.y[i] - want) < 1e-7, "y(%g) = %.9g, want %.9g",
                      x[i], t.y[i], want);
    }
    ck_assert_float_eq(t.y[0], 0.0f); /* masked entries stay exactly 0 */
    ck_assert_float_eq(t.y[1], 0.0f);
    ck_assert_float_eq(t.y[6], 1.0f);
    ck_assert_float_eq(t.y[7], 1.0f);
    ck_assert_double_eq_tol(t.y[4], 0.5, 1e-7);
    for (int i = 0; i < 8; i++)
        t.dy[i] = 1.0f;
    lms_tk_backward(&t);
    const float pass[8] = {0, 0, 0, 1, 1, 1, 0, 0};
    for (int i = 0; i < 8; i++)
        ck_assert_double_eq_tol(t.dx[i], 1.06 * pass[i], 1e-6);
    lms_tk_free(&t);
}
END_TEST

START_TEST(test_identity) {
    lms_tk t;
    build(&t, (const char *[]){"zeta=1", "gamma=0", NULL}, 1, 64, 8);
    lms_tk_fill_input(&t, 3);
    lms_tk_forward(&t);
    for (size_t i = 0; i < t.rows * 8; i++)
        ck_assert_float_eq(t.y[i], t.x[i]);
    lms_tk_free(&t);
}
END_TEST

START_TEST(test_gradients) {
    const char *kv[][3] = {{NULL, NULL, NULL},
                           {"zeta=1.2", "gamma=-0.2", NULL},
                           {"zeta=1", "gamma=-0.01", NULL}};
    for (int i = 0; i < 3; i++) {
        lms_tk t;
        build(&t, kv[i], 1, 64, 8);
        lms_tk_fill_input(&t, 8); /* probability rows */
        lms_tk_gc_result r;
        int rc = lms_tk_gradcheck(&t, &gc_opts, &r, err, sizeof err);
        ck_assert_msg(rc == 0, "%s", err);
        ck_assert_uint_gt(r.checked, 100);
        lms_tk_free(&t);
    }
}
END_TEST

START_TEST(test_edge_values) {
    lms_tk t;
    build(&t, NULL, 1, 1, 6);
    const float x[6] = {NAN, 1e30f, -1e30f, INFINITY, -INFINITY, 1e-30f};
    memcpy(t.x, x, sizeof x);
    lms_tk_forward(&t);
    ck_assert(isnan(t.y[0]));
    ck_assert_float_eq(t.y[1], 1.0f);
    ck_assert_float_eq(t.y[2], 0.0f);
    ck_assert_float_eq(t.y[3], 1.0f);
    ck_assert_float_eq(t.y[4], 0.0f);
    ck_assert_float_eq(t.y[5], 0.0f);
    lms_tk_free(&t);
}
END_TEST

/* As attention's prob_map: masked probabilities stay 0 (the output of
 * position 0 is exactly its v whatever the map), gradients pass, and
 * zeta = 1, gamma = 0 reproduces plain attention. */
START_TEST(test_as_prob_map) {
    lms_model_info mi = lms_tk_model_small();
    lms_layer *L;
    const lms_tk_child ch[] = {
        {"prob_map", "clipped_softmax",
         (const char *[]){"zeta=1.1", "gamma=-0.1", NULL}},
        {NULL, NULL, NULL}};
    ck_assert_msg(lms_tk_layer_new(&L, ld, "causal_attention", NULL, ch, err,
                                   sizeof err) == 0,
                  "%s", err);
    lms_tk t;
    ck_assert_msg(lms_tk_setup(&t, L, &mi, 2, 8, 96, err, sizeof err) == 0,
                  "%s", err);
    lms_tk_fill(t.x, t.rows * 96, 4, -2.0f, 2.0f);
    lms_tk_forward(&t);
    for (int b = 0; b < 2; b++)
        for (int c = 0; c < 32; c++) /* row 0: p = (1), clipped to 1 */
            ck_assert_float_eq(t.y[b * 8 * 32 + c], t.x[b * 8 * 96 + 64 + c]);
    int rc = lms_tk_gradcheck(&t, &gc_opts, NULL, err, sizeof err);
    ck_assert_msg(rc == 0, "%s", err);
    lms_tk_free(&t);

    const lms_tk_child id[] = {{"prob_map", "clipped_softmax",
                                (const char *[]){"zeta=1", "gamma=0", NULL}},
                               {NULL, NULL, NULL}};
    lms_tk u;
    ck_assert(lms_tk_layer_new(&L, ld, "causal_attention", NULL, id, err,
                               sizeof err) == 0);
    ck_assert(lms_tk_setup(&t, L, &mi, 2, 8, 96, err, sizeof err) == 0);
    ck_assert(lms_tk_layer_new(&L, ld, "causal_attention", NULL, NULL, err,
                               sizeof err) == 0);
    ck_assert(lms_tk_setup(&u, L, &mi, 2, 8, 96, err, sizeof err) == 0);
    lms_tk_fill(t.x, t.rows * 96, 4, -2.0f, 2.0f);
    memcpy(u.x, t.x, t.rows * 96 * sizeof *t.x);
    lms_tk_forward(&t);
    lms_tk_forward(&u);
    ck_assert_double_le(lms_tk_max_abs_diff(t.y, u.y, t.rows * 32), 0.0);
    lms_tk_free(&t);
    lms_tk_free(&u);
}
END_TEST

int main(void) {
    Suite *s = suite_create("clipped_softmax");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_descriptor);
    tcase_add_test(tc, test_keys);
    tcase_add_test(tc, test_forward_hand);
    tcase_add_test(tc, test_identity);
    tcase_add_test(tc, test_gradients);
    tcase_add_test(tc, test_edge_values);
    tcase_add_test(tc, test_as_prob_map);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
