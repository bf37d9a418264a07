/* Check tests of the z_loss plugin, through the real loader. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tk_suite.h"

static char err[1024];

/* logsumexp of x[0..V) in double */
static double lse_ref(const float *x, int V) {
    double m = -INFINITY, s = 0;
    for (int v = 0; v < V; v++)
        m = fmax(m, x[v]);
    for (int v = 0; v < V; v++)
        s += exp((double)x[v] - m);
    return m + log(s);
}

START_TEST(test_descriptor) {
    const lms_key keys[] = {{"coeff", LMS_VALUE_FLOAT, "1e-4", NULL, 0, 0, 0, 0, NULL, NULL},
                            LMS_KEYS_END};
    const lms_descriptor *d =
        lms_tks_check_descriptor(LMS_KIND_AUX_LOSS, "1.0.0", keys);
    ck_assert(d->slots == NULL);
}
END_TEST

START_TEST(test_keys) {
    lms_tks_expect_bad("coeff", "-5",
                       "must be a finite number >= 0 (got '-5')");
    lms_tks_expect_bad("coeff", "-1e-4", "(got '-1e-4')");
    lms_tks_expect_bad("coeff", "nan", "(got 'nan')");
    lms_tks_expect_bad("coeff", "inf", "(got 'inf')");
    lms_tks_expect_bad("coeff", "1e39", "(got '1e39')");
    lms_tks_expect_bad("coeff", "1e-4 ", "(got '1e-4 ')");
    lms_tks_expect_bad("coeff", "", "(got '')");
    lms_layer *L =
        lms_tks_make((const char *[]){"coeff=0", "coeff=1e-3", NULL});
    ck_assert(lms_layer_set(L, "weight", "1", err, sizeof err) != 0);
    ck_assert_msg(strstr(err, "accepted: coeff"), "%s", err);
    lms_layer_free(L);
}
END_TEST

START_TEST(test_plan) {
    lms_tk t;
    lms_tks_build(&t, NULL, 2, 8, 256);
    const lms_plan *p = lms_tk_layer_plan(t.L, NULL);
    ck_assert_int_eq(p->out_cols, 1);
    ck_assert_int_eq(p->n_params, 0);
    ck_assert_uint_eq(p->cache_floats, 2 * 16);
    lms_tk_free(&t);
}
END_TEST

START_TEST(test_forward_hand) {
    lms_tk t;
    lms_tks_build(&t, (const char *[]){"coeff=1", NULL}, 1, 2, 4);
    /* row 0: lse of four zeros = ln 4; row 1: ln(e^1 + 3 e^-1) */
    const float x[8] = {0, 0, 0, 0, 1, -1, -1, -1};
    memcpy(t.x, x, sizeof x);
    lms_tk_forward(&t);
    double l0 = log(4.0), l1 = log(exp(1.0) + 3 * exp(-1.0));
    ck_assert_double_eq_tol(t.y[0], l0 * l0, 1e-6);
    ck_assert_double_eq_tol(t.y[1], l1 * l1, 1e-6);
    /* dx = dy * 2 * lse * softmax: row 0 -> 2 ln4 / 4 each */
    t.dy[0] = 1.0f;
    t.dy[1] = 0.5f;
    lms_tk_backward(&t);
    for (int v = 0; v < 4; v++)
        ck_assert_double_eq_tol(t.dx[v], 2 * l0 / 4, 1e-6);
    double z = exp(1.0) + 3 * exp(-1.0);
    ck_assert_double_eq_tol(t.dx[4], 0.5 * 2 * l1 * exp(1.0) / z, 1e-6);
    ck_assert_double_eq_tol(t.dx[5], 0.5 * 2 * l1 * exp(-1.0) / z, 1e-6);
    lms_tk_free(&t);
}
END_TEST

/* rows of various scales, incl. logits far beyond exp's range */
START_TEST(test_forward_reference) {
    const float scale[4] = {1, 30, 1000, 1e5f};
    const float offset[4] = {0, -50, 1e4f, -3e5f};
    lms_tk t;
    lms_tks_build(&t, (const char *[]){"coeff=1e-4", NULL}, 2, 8, 256);
    lms_tk_fill(t.x, t.rows * 256, 5, -1.0f, 1.0f);
    for (size_t r = 0; r < t.rows; r++)
        for (int v = 0; v < 256; v++)
            t.x[r * 256 + v] = offset[r % 4] + scale[r % 4] * t.x[r * 256 + v];
    lms_tk_forward(&t);
    for (size_t r = 0; r < t.rows; r++) {
        double l = lse_ref(t.x + r * 256, 256);
        double want = 1e-4 * l * l;
        ck_assert_msg(isfinite(t.y[r]), "row %zu: y = %g", r, t.y[r]);
        ck_assert_msg(fabs(t.y[r] - want) <= 2e-6 * want + 1e-12,
                      "row %zu: y = %.9g, want %.9g", r, t.y[r], want);
    }
    /* the gradient of each row sums to coeff * 2 * lse (softmax sums to 1)
     * and stays finite */
    for (size_t r = 0; r < t.rows; r++)
        t.dy[r] = 1.0f;
    lms_tk_backward(&t);
    for (size_t r = 0; r < t.rows; r++) {
        double s = 0;
        for (int v = 0; v < 256; v++) {
            ck_assert(isfinite(t.dx[r * 256 + v]));
            s += t.dx[r * 256 + v];
        }
        double want = 1e-4 * 2 * lse_ref(t.x + r * 256, 256);
        ck_assert_msg(fabs(s - want) <= 1e-5 * fabs(want),
                      "row %zu: sum dx = %.9g, want %.9g", r, s, want);
    }
    lms_tk_free(&t);
}
END_TEST

START_TEST(test_gradients) {
    const char *kv[][2] = {
        {NULL, NULL}, {"coeff=1", NULL}, {"coeff=0.01", NULL}};
    const float scale[3] = {1, 1, 8};
    for (int i = 0; i < 3; i++) {
        lms_tk t;
        lms_tks_build(&t, kv[i], 2, 8, 64);
        lms_tk_fill_input(&t, 8);
        for (size_t j = 0; j < t.rows * 64; j++)
            t.x[j] *= scale[i];
        lms_tk_gc_result r;
        int rc = lms_tk_gradcheck(&t, NULL, &r, err, sizeof err);
        ck_assert_msg(rc == 0, "case %d: %s", i, err);
        ck_assert_uint_gt(r.checked, 0);
        lms_tk_free(&t);
    }
}
END_TEST

START_TEST(test_coeff_zero) {
    lms_tk t;
    lms_tks_build(&t, (const char *[]){"coeff=0", NULL}, 1, 4, 16);
    lms_tk_fill_input(&t, 2);
    lms_tk_forward(&t);
    for (size_t r = 0; r < t.rows; r++) {
        ck_assert_float_eq(t.y[r], 0.0f);
        t.dy[r] = 1.0f;
    }
    lms_tk_backward(&t);
    for (size_t i = 0; i < t.rows * 16; i++)
        ck_assert_float_eq(t.dx[i], 0.0f);
    lms_tk_free(&t);
}
END_TEST

START_TEST(test_nan_propagates) {
    lms_tk t;
    lms_tks_build(&t, NULL, 1, 2, 16);
    lms_tk_fill_input(&t, 1);
    t.x[5] = NAN;
    lms_tk_forward(&t);
    ck_assert(isnan(t.y[0]));
    ck_assert(isfinite(t.y[1]));
    lms_tk_free(&t);
}
END_TEST

int main(void) {
    const TTest *tests[] = {test_descriptor,
                            test_keys,
                            test_plan,
                            test_forward_hand,
                            test_forward_reference,
                            test_gradients,
                            test_coeff_zero,
                            test_nan_propagates,
                            NULL};
    return lms_tks_main("z_loss", tests);
}
