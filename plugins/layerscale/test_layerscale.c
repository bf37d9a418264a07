/* Check tests of the layerscale plugin, through the real loader. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tk_suite.h"

static char err[1024];

START_TEST(test_descriptor) {
    const lms_key keys[] = {{"init", LMS_VALUE_FLOAT, "0.1", NULL, 0, 0, 0, 0, NULL, NULL},
                            LMS_KEYS_END};
    const lms_descriptor *d =
        lms_tks_check_descriptor(LMS_KIND_ACTIVATION, "1.0.0", keys);
    ck_assert(d->slots == NULL);
}
END_TEST

START_TEST(test_keys) {
    lms_tks_expect_bad("init", "nan", "must be a finite number (got 'nan')");
    lms_tks_expect_bad("init", "inf", "must be a finite number (got 'inf')");
    lms_tks_expect_bad("init", "1e39", "(got '1e39')"); /* inf as a float */
    lms_tks_expect_bad("init", "0.1f", "(got '0.1f')");
    lms_tks_expect_bad("init", "", "(got '')");
    /* any finite value: 0 (ReZero-like), negative, tiny */
    lms_layer *L =
        lms_tks_make((const char *[]){"init=0", "init=-1", "init=1e-5", NULL});
    ck_assert(lms_layer_set(L, "gamma", "1", err, sizeof err) != 0);
    ck_assert_msg(strstr(err, "accepted: init"), "%s", err);
    lms_layer_free(L);
}
END_TEST

START_TEST(test_plan_and_init) {
    lms_tk t;
    lms_tks_build(&t, (const char *[]){"init=1e-5", NULL}, 2, 8, 32);
    const lms_plan *p = lms_tk_layer_plan(t.L, NULL);
    ck_assert_int_eq(p->out_cols, 32);
    ck_assert_int_eq(p->n_params, 1);
    ck_assert_str_eq(p->params[0].name, "gamma");
    ck_assert_int_eq(p->params[0].ndim, 1); /* no weight decay */
    ck_assert_int_eq(p->params[0].shape[0], 32);
    ck_assert_int_eq(p->params[0].init, LMS_INIT_CONSTANT);
    ck_assert_float_eq(p->params[0].std, 1e-5f);
    ck_assert_int_eq(p->params[0].buffer, 0);
    ck_assert_uint_eq(p->cache_floats, 0);
    /* the core's initialisation gives every channel the constant */
    lms_tk_init_declared(&t, 1);
    for (int c = 0; c < 32; c++)
        ck_assert_float_eq(lms_tk_layer_w(t.L, NULL, 0)[c], 1e-5f);
    lms_tk_free(&t);
}
END_TEST

START_TEST(test_forward_values) {
    lms_tk t;
    lms_tks_build(&t, NULL, 1, 2, 3);
    const float x[6] = {1, -2, 3, 1e30f, -1e-30f, 0};
    const float g[3] = {0.5f, -2, 0.1f};
    memcpy(t.x, x, sizeof x);
    memcpy(lms_tk_layer_w(t.L, NULL, 0), g, sizeof g);
    lms_tk_forward(&t);
    const float want[6] = {0.5f, 4, 0.3f, 5e29f, 2e-30f, 0};
    for (int i = 0; i < 6; i++)
        ck_assert_msg(fabsf(t.y[i] - want[i]) <= 1e-7f * fabsf(want[i]),
                      "y[%d] = %g", i, t.y[i]);
    const float dy[6] = {1, 1, 1, 2, 2, 2};
    memcpy(t.dy, dy, sizeof dy);
    lms_tk_backward(&t);
    ck_assert_float_eq(t.dx[0], 0.5f);
    ck_assert_float_eq(t.dx[4], -4.0f);
    ck_assert_float_eq(t.grads[0], 1.0f + 2e30f);
    ck_assert_double_eq_tol(t.grads[1], -2.0 - 2e-30, 1e-12);
    ck_assert_float_eq(t.grads[2], 3.0f);
    lms_tk_free(&t);
}
END_TEST

START_TEST(test_gradients) {
    const char *kv[][2] = {{NULL, NULL}, {"init=1", NULL}, {"init=-3", NULL}};
    for (int i = 0; i < 3; i++) {
        lms_tk t;
        lms_tks_build(&t, kv[i], 2, 8, 32);
        lms_tk_init_params(&t, 7);
        lms_tk_fill_input(&t, 8);
        lms_tk_gc_result r;
        int rc = lms_tk_gradcheck(&t, NULL, &r, err, sizeof err);
        ck_assert_msg(rc == 0, "%s", err);
        ck_assert_uint_gt(r.checked, 0);
        lms_tk_free(&t);
    }
}
END_TEST

START_TEST(test_nan_propagates) {
    lms_tk t;
    lms_tks_build(&t, NULL, 1, 2, 8);
    lms_tk_init_params(&t, 9);
    lms_tk_fill_input(&t, 1);
    t.x[3] = NAN;
    lms_tk_forward(&t);
    for (int i = 0; i < 16; i++)
        ck_assert(i == 3 ? isnan(t.y[i]) : isfinite(t.y[i]));
    lms_tk_free(&t);
}
END_TEST

int main(void) {
    const TTest *tests[] = {test_descriptor,
                            test_keys,
                            test_plan_and_init,
                            test_forward_values,
                            test_gradients,
                            test_nan_propagates,
                            NULL};
    return lms_tks_main("layerscale", tests);
}
