/* Check tests of the linear plugin, through the real loader. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tk_suite.h"

static char err[1024];

START_TEST(test_descriptor) {
    const lms_key keys[] = {{"out_mult", LMS_VALUE_INT, "1", NULL, 0, 0, 0, 0, NULL, NULL},
                            {"out", LMS_VALUE_INT, "0", NULL, 0, 0, 0, 0, NULL, NULL},
                            {"bias", LMS_VALUE_BOOL, "true", NULL, 0, 0, 0, 0, NULL, NULL},
                            {"init_std", LMS_VALUE_FLOAT, "0.02", NULL, 0, 0, 0, 0, NULL, NULL},
                            {"residual_init", LMS_VALUE_BOOL, "false", NULL, 0, 0, 0, 0, NULL, NULL},
                            LMS_KEYS_END};
    const lms_descriptor *d =
        lms_tks_check_descriptor(LMS_KIND_LINEAR, "1.1.0", keys);
    ck_assert(d->slots == NULL);
}
END_TEST

START_TEST(test_keys) {
    lms_tks_expect_bad("out_mult", "0", "must be an integer >= 1 (got '0')");
    lms_tks_expect_bad("out_mult", "1.5",
                       "must be an integer >= 1 (got '1.5')");
    lms_tks_expect_bad("out_mult", "three", "(got 'three')");
    lms_tks_expect_bad("out", "-1", "must be an integer >= 0");
    lms_tks_expect_bad("out", "-1", "(got '-1')");
    lms_tks_expect_bad("bias", "maybe", "must be true or false (got 'maybe')");
    lms_tks_expect_bad("residual_init", "yes please", "(got 'yes please')");
    lms_tks_expect_bad("init_std", "-5",
                       "must be a finite number > 0 (got '-5')");
    lms_tks_expect_bad("init_std", "nan", "(got 'nan')");
    lms_tks_expect_bad("init_std", "1e400", "(got '1e400')");
    lms_layer *L = lms_tks_make((const char *[]){"out_mult=4", "out=7",
                                                 "bias=false", "init_std=0.5",
                                                 "residual_init=true", NULL});
    ck_assert(lms_layer_set(L, "width", "1", err, sizeof err) != 0);
    ck_assert_msg(strstr(err, "accepted: out_mult, out, bias, init_std, "
                              "residual_init"),
                  "%s", err);
    lms_layer_free(L);
}
END_TEST

START_TEST(test_plan) {
    lms_tk t;
    lms_tks_build(&t, (const char *[]){"out_mult=3", NULL}, 2, 8, 32);
    const lms_plan *p = lms_tk_layer_plan(t.L, NULL);
    ck_assert_int_eq(p->out_cols, 96);
    ck_assert_int_eq(p->n_params, 2);
    ck_assert_str_eq(p->params[0].name, "weight");
    ck_assert_int_eq(p->params[0].ndim, 2);
    ck_assert_int_eq(p->params[0].shape[0], 96); /* (out, in) */
    ck_assert_int_eq(p->params[0].shape[1], 32);
    ck_assert_int_eq(p->params[0].init, LMS_INIT_NORMAL);
    ck_assert_float_eq(p->params[0].std, 0.02f);
    ck_assert_str_eq(p->params[1].name, "bias");
    ck_assert_int_eq(p->params[1].ndim, 1);
    ck_assert_int_eq(p->params[1].shape[0], 96);
    ck_assert_int_eq(p->params[1].init, LMS_INIT_ZEROS);
    lms_tk_free(&t);

    lms_tks_build(&t,
                  (const char *[]){"out=10", "out_mult=4", "bias=false",
                                   "residual_init=true", "init_std=0.1", NULL},
                  2, 8, 128);
    p = lms_tk_layer_plan(t.L, NULL);
    ck_assert_int_eq(p->out_cols, 10);
    ck_assert_int_eq(p->n_params, 1);
    ck_assert_int_eq(p->params[0].init, LMS_INIT_NORMAL_RESIDUAL);
    ck_assert_float_eq(p->params[0].std, 0.1f);
    ck_assert_int_eq(p->params[0].shape[1], 128);
    lms_tk_free(&t);
}
END_TEST

START_TEST(test_forward_hand) {
    lms_tk t;
    lms_tks_build(&t, (const char *[]){"out=3", NULL}, 1, 2, 2);
    const float w[6] = {1, 2, 3, 4, 5, 6}, b[3] = {0.5f, -1, 2};
    const float x[4] = {1, -1, 0.5f, 2};
    memcpy(lms_tk_layer_w(t.L, NULL, 0), w, sizeof w);
    memcpy(lms_tk_layer_w(t.L, NULL, 1), b, sizeof b);
    memcpy(t.x, x, sizeof x);
    lms_tk_forward(&t);
    const float want[6] = {-0.5f, -2, 1, 5, 8.5f, 16.5f};
    for (int i = 0; i < 6; i++)
        ck_assert_float_eq_tol(t.y[i], want[i], 1e-6f);
    /* backward: dx = dy W, dW = dy^T x, db = sum dy */
    const float dy[6] = {1, 0, 0, 0, 1, 1};
    memcpy(t.dy, dy, sizeof dy);
    lms_tk_backward(&t);
    const float dx[4] = {1, 2, 8, 10};
    for (int i = 0; i < 4; i++)
        ck_assert_float_eq_tol(t.dx[i], dx[i], 1e-6f);
    const float dw[6] = {1, -1, 0.5f, 2, 0.5f, 2}, db[3] = {1, 1, 1};
    for (int i = 0; i < 6; i++)
        ck_assert_float_eq_tol(lms_tk_layer_dw(t.L, NULL, 0)[i], dw[i], 1e-6f);
    for (int i = 0; i < 3; i++)
        ck_assert_float_eq_tol(lms_tk_layer_dw(t.L, NULL, 1)[i], db[i], 1e-6f);
    lms_tk_free(&t);
}
END_TEST

START_TEST(test_forward_reference) {
    lms_tk t;
    lms_tks_build(&t, (const char *[]){"out_mult=3", NULL}, 2, 8, 32);
    lms_tk_init_params(&t, 1);
    lms_tk_fill(lms_tk_layer_w(t.L, NULL, 0), 96 * 32, 2, -1, 1);
    lms_tk_fill_input(&t, 3);
    lms_tk_forward(&t);
    double worst = 0;
    for (size_t r = 0; r < t.rows; r++)
        for (int o = 0; o < 96; o++) {
            double s = lms_tk_layer_w(t.L, NULL, 1)[o];
            for (int i = 0; i < 32; i++)
                s += (double)t.x[r * 32 + i] * lms_tk_layer_w(t.L, NULL, 0)[o * 32 + i];
            worst = fmax(worst, fabs(s - t.y[r * 96 + o]));
        }
    ck_assert_msg(worst < 1e-5, "max |y - ref| = %g", worst);
    lms_tk_free(&t);
}
END_TEST

static void gradcheck(const char *const *kvs, int B, int T, int cols) {
    lms_tk t;
    lms_tks_build(&t, kvs, B, T, cols);
    lms_tk_init_params(&t, 7);
    lms_tk_fill_input(&t, 8);
    int rc = lms_tk_gradcheck(&t, NULL, NULL, err, sizeof err);
    ck_assert_msg(rc == 0, "%s", err);
    lms_tk_free(&t);
}

START_TEST(test_gradients) {
    gradcheck(NULL, 2, 8, 32);
    gradcheck((const char *[]){"out_mult=4", NULL}, 2, 8, 32);
    gradcheck((const char *[]){"out=7", "bias=false", NULL}, 2, 8, 128);
    gradcheck(NULL, 1, 3, 5);
}
END_TEST

int main(void) {
    const TTest *tests[] = {
        test_descriptor,        test_keys,      test_plan, test_forward_hand,
        test_forward_reference, test_gradients, NULL};
    return lms_tks_main("linear", tests);
}
