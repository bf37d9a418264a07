/* Check tests of the tanh_cap plugin, through the real loader. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tk_suite.h"

static char err[1024];

START_TEST(test_descriptor) {
    const lms_key keys[] = {{"cap", LMS_VALUE_FLOAT, "50", NULL, 0, 0, 0, 0, NULL, NULL},
                            LMS_KEYS_END};
    const lms_descriptor *d =
        lms_tks_check_descriptor(LMS_KIND_SCORE_MAP, "1.0.0", keys);
    ck_assert(d->slots == NULL);
}
END_TEST

START_TEST(test_keys) {
    lms_tks_expect_bad("cap", "-5", "must be a finite number > 0 (got '-5')");
    lms_tks_expect_bad("cap", "0", "must be a finite number > 0 (got '0')");
    lms_tks_expect_bad("cap", "nan", "(got 'nan')");
    lms_tks_expect_bad("cap", "inf", "(got 'inf')");
    lms_tks_expect_bad("cap", "30x", "(got '30x')");
    lms_tks_expect_bad("cap", "", "(got '')");
    lms_tks_expect_bad("cap", "1e-50", "(got '1e-50')"); /* 0 as a float */
    lms_tks_expect_bad("cap", "1e39", "(got '1e39')");   /* inf as a float */
    lms_layer *L = lms_tks_make((const char *[]){"cap=30", "cap=2.5", NULL});
    ck_assert(lms_layer_set(L, "c", "1", err, sizeof err) != 0);
    ck_assert_msg(strstr(err, "accepted: cap"), "%s", err);
    lms_layer_free(L);
}
END_TEST

START_TEST(test_plan) {
    lms_tk t;
    lms_tks_build(&t, NULL, 1, 64, 8);
    const lms_plan *p = lms_tk_layer_plan(t.L, NULL);
    ck_assert_int_eq(p->out_cols, 8);
    ck_assert_int_eq(p->n_params, 0);
    ck_assert_uint_eq(p->cache_floats, 0);
    ck_assert_uint_eq(p->scratch_floats, 0);
    ck_assert_int_eq(p->n_stats, 0);
    lms_tk_free(&t);
}
END_TEST

/* against tanh in double, for caps 50 (scores), 30 (logits) and 1 */
START_TEST(test_forward_reference) {
    const char *caps[] = {"50", "30", "1", "0.125"};
    for (int c = 0; c < 4; c++) {
        const char *kv[2] = {NULL, NULL};
        char buf[32];
        snprintf(buf, sizeof buf, "cap=%s", caps[c]);
        kv[0] = buf;
        double cap = atof(caps[c]);
        lms_tk t;
        lms_tks_build(&t, kv, 2, 8, 37);
        size_t n = t.rows * 37;
        lms_tk_fill(t.x, n, 3, -200.0f, 200.0f);
        for (size_t i = 0; i < n; i += 5)
            t.x[i] *= 1e-3f; /* small ones too: y = x there */
        lms_tk_forward(&t);
        for (size_t i = 0; i < n; i++) {
            double want = cap * tanh(t.x[i] / cap);
            ck_assert_msg(fabs(t.y[i] - want) <= 4e-7 * fabs(want) + 1e-30,
                          "cap %g: y(%.9g) = %.9g, want %.9g", cap, t.x[i],
                          t.y[i], want);
            ck_assert(fabs(t.y[i]) <= cap);
        }
        lms_tk_free(&t);
    }
}
END_TEST

START_TEST(test_forward_hand) {
    lms_tk t;
    lms_tks_build(&t, (const char *[]){"cap=2", NULL}, 1, 1, 4);
    const float x[4] = {0, 2, -2, 1e-3f};
    memcpy(t.x, x, sizeof x);
    lms_tk_forward(&t);
    ck_assert_float_eq(t.y[0], 0.0f);
    ck_assert_double_eq_tol(t.y[1], 1.5231883119115295, 2e-7); /* 2 tanh 1 */
    ck_assert_double_eq_tol(t.y[2], -1.5231883119115295, 2e-7);
    ck_assert_double_eq_tol(t.y[3], 9.99999916666e-4, 1.2e-10);
    lms_tk_free(&t);
}
END_TEST

static void gradcheck(const char *const *kvs, float scale) {
    lms_tk t;
    lms_tks_build(&t, kvs, 1, 64, 8);
    lms_tk_fill_input(&t, 8);
    for (size_t i = 0; i < t.rows * 8; i++)
        t.x[i] *= scale;
    lms_tk_gc_result r;
    int rc = lms_tk_gradcheck(&t, NULL, &r, err, sizeof err);
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert_uint_gt(r.checked, 0);
    lms_tk_free(&t);
}

START_TEST(test_gradients) {
    gradcheck(NULL, 1.0f);
    gradcheck(NULL, 30.0f); /* into the curved part of cap = 50 */
    gradcheck((const char *[]){"cap=1", NULL}, 1.0f);
    gradcheck((const char *[]){"cap=0.5", NULL}, 0.5f);
}
END_TEST

/* Huge inputs saturate at exactly +-cap with zero slope; never NaN. */
START_TEST(test_huge_inputs) {
    lms_tk t;
    lms_tks_build(&t, (const char *[]){"cap=30", NULL}, 1, 1, 8);
    const float x[8] = {1e4f,     -1e4f,     3e38f,  -3e38f,
                        INFINITY, -INFINITY, 1e-30f, 500.0f};
    memcpy(t.x, x, sizeof x);
    lms_tk_forward(&t);
    const float want[8] = {30, -30, 30, -30, 30, -30, 1e-30f, 30};
    for (int i = 0; i < 8; i++)
        ck_assert_msg(fabsf(t.y[i] - want[i]) <= 1e-7f * fabsf(want[i]),
                      "y(%g) = %.9g", x[i], t.y[i]);
    for (int i = 0; i < 8; i++)
        t.dy[i] = 1.0f;
    lms_tk_backward(&t);
    for (int i = 0; i < 6; i++)
        ck_assert_float_eq(t.dx[i], 0.0f);
    ck_assert_float_eq(t.dx[6], 1.0f);
    ck_assert_float_eq(t.dx[7], 0.0f);
    lms_tk_free(&t);
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

/* The scores' score_cap: max capped score stat < cap, gradients pass. */
START_TEST(test_as_score_cap) {
    lms_layer *L;
    const lms_tk_child ch[] = {
        {"score_cap", "tanh_cap", (const char *[]){"cap=2", NULL}},
        {NULL, NULL, NULL}};
    ck_assert_msg(lms_tk_layer_new(&L, lms_tks_loader(), "causal_attention",
                                   NULL, ch, err, sizeof err) == 0,
                  "%s", err);
    lms_model_info mi = lms_tk_model_small();
    lms_tk t;
    ck_assert_msg(lms_tk_setup(&t, L, &mi, 2, 8, 96, err, sizeof err) == 0,
                  "%s", err);
    lms_tk_init_params(&t, 3);
    lms_tk_fill(t.x, t.rows * 96, 4, -3.0f, 3.0f); /* scores up to ~36 */
    lms_tk_forward(&t);
    ck_assert_msg(t.stats[0] > 2.0f, "max score %g", t.stats[0]);
    ck_assert_msg(t.stats[1] <= 2.0f && t.stats[1] > 1.5f,
                  "max capped score %g", t.stats[1]);
    lms_tk_fill(t.x, t.rows * 96, 4, -1.0f, 1.0f);
    int rc = lms_tk_gradcheck(&t, NULL, NULL, err, sizeof err);
    ck_assert_msg(rc == 0, "%s", err);
    lms_tk_free(&t);
}
END_TEST

int main(void) {
    const TTest *tests[] = {test_descriptor,   test_keys,
                            test_plan,         test_forward_reference,
                            test_forward_hand, test_gradients,
                            test_huge_inputs,  test_nan_propagates,
                            test_as_score_cap, NULL};
    return lms_tks_main("tanh_cap", tests);
}
