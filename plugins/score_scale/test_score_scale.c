/* Check tests of the score_scale plugin, through the real loader. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tk_suite.h"

static char err[1024];

START_TEST(test_descriptor) {
    const lms_key keys[] = {{"beta", LMS_VALUE_FLOAT, "0.5", NULL, 0, 0, 0, 0, NULL, NULL},
                            LMS_KEYS_END};
    const lms_descriptor *d =
        lms_tks_check_descriptor(LMS_KIND_SCORE_MAP, "1.0.0", keys);
    ck_assert(d->slots == NULL);
}
END_TEST

START_TEST(test_keys) {
    lms_tks_expect_bad("beta", "-5", "must be a finite number > 0 (got '-5')");
    lms_tks_expect_bad("beta", "0", "must be a finite number > 0 (got '0')");
    lms_tks_expect_bad("beta", "nan", "(got 'nan')");
    lms_tks_expect_bad("beta", "-inf", "(got '-inf')");
    lms_tks_expect_bad("beta", "0.5.", "(got '0.5.')");
    lms_tks_expect_bad("beta", "", "(got '')");
    lms_tks_expect_bad("beta", "1e-60", "(got '1e-60')");
    lms_layer *L = lms_tks_make((const char *[]){"beta=0.25", NULL});
    ck_assert(lms_layer_set(L, "temperature", "2", err, sizeof err) != 0);
    ck_assert_msg(strstr(err, "accepted: beta"), "%s", err);
    lms_layer_free(L);
}
END_TEST

START_TEST(test_plan_and_forward) {
    lms_tk t;
    lms_tks_build(&t, (const char *[]){"beta=0.3", NULL}, 1, 64, 8);
    const lms_plan *p = lms_tk_layer_plan(t.L, NULL);
    ck_assert_int_eq(p->out_cols, 8);
    ck_assert_int_eq(p->n_params, 0);
    ck_assert_uint_eq(p->cache_floats, 0);
    lms_tk_fill_input(&t, 2);
    t.x[0] = 3e38f;
    t.x[1] = -1e-40f; /* subnormal */
    lms_tk_forward(&t);
    for (size_t i = 0; i < t.rows * 8; i++)
        ck_assert_float_eq(t.y[i], (float)(0.3f * t.x[i]));
    ck_assert_double_eq_tol(t.y[0], 0.3 * 3e38, 1e32);
    lms_tk_free(&t);

    lms_tks_build(&t, NULL, 1, 1, 3);
    const float x[3] = {2, -7, 0};
    memcpy(t.x, x, sizeof x);
    lms_tk_forward(&t);
    ck_assert_float_eq(t.y[0], 1.0f);
    ck_assert_float_eq(t.y[1], -3.5f);
    ck_assert_float_eq(t.y[2], 0.0f);
    lms_tk_free(&t);
}
END_TEST

START_TEST(test_gradients) {
    const char *kv[][2] = {{NULL, NULL}, {"beta=0.1", NULL}, {"beta=4", NULL}};
    for (int i = 0; i < 3; i++) {
        lms_tk t;
        lms_tks_build(&t, kv[i], 1, 64, 8);
        lms_tk_fill_input(&t, 8);
        int rc = lms_tk_gradcheck(&t, NULL, NULL, err, sizeof err);
        ck_assert_msg(rc == 0, "%s", err);
        lms_tk_free(&t);
    }
}
END_TEST

START_TEST(test_nan_propagates) {
    lms_tk t;
    lms_tks_build(&t, NULL, 1, 1, 8);
    lms_tk_fill_input(&t, 1);
    t.x[3] = NAN;
    lms_tk_forward(&t);
    for (int i = 0; i < 8; i++)
        ck_assert(i == 3 ? isnan(t.y[i]) : isfinite(t.y[i]));
    lms_tk_free(&t);
}
END_TEST

/* attention(q, k, v) with score_scale beta == attention(beta q, k, v). */
START_TEST(test_as_score_cap) {
    lms_model_info mi = lms_tk_model_small();
    lms_layer *L;
    const lms_tk_child ch[] = {
        {"score_cap", "score_scale", (const char *[]){"beta=0.25", NULL}},
        {NULL, NULL, NULL}};
    ck_assert_msg(lms_tk_layer_new(&L, lms_tks_loader(), "causal_attention",
                                   NULL, ch, err, sizeof err) == 0,
                  "%s", err);
    lms_tk t, u;
    ck_assert_msg(lms_tk_setup(&t, L, &mi, 2, 8, 96, err, sizeof err) == 0,
                  "%s", err);
    ck_assert_msg(lms_tk_layer_new(&L, lms_tks_loader(), "causal_attention",
                                   NULL, NULL, err, sizeof err) == 0,
                  "%s", err);
    ck_assert_msg(lms_tk_setup(&u, L, &mi, 2, 8, 96, err, sizeof err) == 0,
                  "%s", err);
    lms_tk_fill(t.x, t.rows * 96, 4, -3.0f, 3.0f);
    memcpy(u.x, t.x, t.rows * 96 * sizeof *t.x);
    for (size_t r = 0; r < u.rows; r++)
        for (int c = 0; c < 32; c++)
            u.x[r * 96 + c] *= 0.25f; /* q */
    lms_tk_forward(&t);
    lms_tk_forward(&u);
    double d = lms_tk_max_abs_diff(t.y, u.y, t.rows * 32);
    ck_assert_msg(d < 1e-5, "max |y - y_scaled_q| = %g", d);
    int rc = lms_tk_gradcheck(&t, NULL, NULL, err, sizeof err);
    ck_assert_msg(rc == 0, "%s", err);
    lms_tk_free(&t);
    lms_tk_free(&u);
}
END_TEST

int main(void) {
    const TTest *tests[] = {test_descriptor,
                            test_keys,
                            test_plan_and_forward,
                            test_gradients,
                            test_nan_propagates,
                            test_as_score_cap,
                            NULL};
    return lms_tks_main("score_scale", tests);
}
