/* Check tests of the clipped_softmax plugin, through the real loader. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tk_suite.h"

/* The clip makes y piecewise linear. A finite-difference step that crosses
 * a clip point by only 2-4% of its length gives an error above the test
 * kit's tolerance without being classed as a kink (it needs 4 * tol), so
 * steps are 10x smaller than the default: such crossings become rare. */
static const lms_tk_gc_opts gc_opts = {.h = 1e-3};
static char err[1024];

START_TEST(test_descriptor) {
    const lms_key keys[] = {{"zeta", LMS_VALUE_FLOAT, "1.03", NULL, 0, 0, 0, 0, NULL, NULL},
                            {"gamma", LMS_VALUE_FLOAT, "-0.03", NULL, 0, 0, 0, 0, NULL, NULL},
                            LMS_KEYS_END};
    const lms_descriptor *d =
        lms_tks_check_descriptor(LMS_KIND_PROB_MAP, "1.0.0", keys);
    ck_assert(d->slots == NULL);
}
END_TEST

START_TEST(test_keys) {
    lms_tks_expect_bad("zeta", "0.5",
                       "must be a finite number >= 1 (got '0.5')");
    lms_tks_expect_bad("zeta", "-5", "must be a finite number >= 1 (got '-5')");
    lms_tks_expect_bad("zeta", "nan", "(got 'nan')");
    lms_tks_expect_bad("zeta", "inf", "(got 'inf')");
    lms_tks_expect_bad("zeta", "1e39", "(got '1e39')"); /* inf as a float */
    lms_tks_expect_bad("zeta", "1.0x", "(got '1.0x')");
    lms_tks_expect_bad("gamma", "0.1",
                       "must be a finite number <= 0 (got '0.1')");
    lms_tks_expect_bad("gamma", "-inf", "(got '-inf')");
    lms_tks_expect_bad("gamma", "", "(got '')");
    /* the boundaries: zeta = 1, gamma = 0 is the identity */
    lms_layer *L = lms_tks_make(
        (const char *[]){"zeta=1", "gamma=0", "gamma=-0.5", "zeta=2", NULL});
    ck_assert(lms_layer_set(L, "alpha", "1", err, sizeof err) != 0);
    ck_assert_msg(strstr(err, "accepted: zeta, gamma"), "%s", err);
    lms_layer_free(L);
}
END_TEST

START_TEST(test_forward_hand) {
    lms_tk t;
    lms_tks_build(&t, NULL, 1, 1, 8);
    ck_assert_int_eq(lms_tk_layer_plan(t.L, NULL)->out_cols, 8);
    ck_assert_int_eq(lms_tk_layer_plan(t.L, NULL)->n_params, 0);
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
    lms_tks_build(&t, (const char *[]){"zeta=1", "gamma=0", NULL}, 1, 64, 8);
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
        lms_tks_build(&t, kv[i], 1, 64, 8);
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
    lms_tks_build(&t, NULL, 1, 1, 6);
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
    ck_assert_msg(lms_tk_layer_new(&L, lms_tks_loader(), "causal_attention",
                                   NULL, ch, err, sizeof err) == 0,
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
    ck_assert(lms_tk_layer_new(&L, lms_tks_loader(), "causal_attention", NULL,
                               id, err, sizeof err) == 0);
    ck_assert(lms_tk_setup(&t, L, &mi, 2, 8, 96, err, sizeof err) == 0);
    ck_assert(lms_tk_layer_new(&L, lms_tks_loader(), "causal_attention", NULL,
                               NULL, err, sizeof err) == 0);
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
    const TTest *tests[] = {
        test_descriptor, test_keys,        test_forward_hand, test_identity,
        test_gradients,  test_edge_values, test_as_prob_map,  NULL};
    return lms_tks_main("clipped_softmax", tests);
}
