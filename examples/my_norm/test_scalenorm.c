/* Check tests of the scalenorm plugin, through the real lmstab loader and the
 * installed test kit (<lmstab/testkit.h>). ctest sets LMS_TEST_PLUGIN_DIR to
 * this build dir and LMSTAB_PLUGIN_PATH to the installed plugins (for
 * causal_attention in test_as_qk_norm). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lmstab/tk_suite.h>

static char err[1024];

START_TEST(test_descriptor) {
    const lms_key keys[] = {{"eps", LMS_VALUE_FLOAT, "1e-5", NULL, 0, 0, 0, 0, NULL, NULL},
                            {"g_init", LMS_VALUE_FLOAT, "sqrt_d", NULL, 0, 0, 0, 0, NULL, NULL},
                            LMS_KEYS_END};
    const lms_descriptor *d =
        lms_tks_check_descriptor(LMS_KIND_NORM, "2.0.0", keys);
    ck_assert(d->slots == NULL);
}
END_TEST

START_TEST(test_keys) {
    lms_tks_expect_bad("eps", "0", "must be a finite number > 0 (got '0')");
    lms_tks_expect_bad("eps", "-1", "(got '-1')");
    lms_tks_expect_bad("eps", "nan", "(got 'nan')");
    lms_tks_expect_bad("eps", "1e-999", "(got '1e-999')");
    lms_tks_expect_bad("eps", "1e300", "(got '1e300')");
    lms_tks_expect_bad("g_init", "sqrt",
                       "must be 'sqrt_d' or a finite number > 0");
    lms_tks_expect_bad("g_init", "0", "(got '0')");
    lms_tks_expect_bad("g_init", "inf", "(got 'inf')");
    lms_layer *L =
        lms_tks_make((const char *[]){"eps=1e-6", "g_init=2.5", NULL});
    ck_assert(lms_layer_set(L, "weight", "1", err, sizeof err) != 0);
    ck_assert_msg(strstr(err, "accepted: eps, g_init"), "%s", err);
    lms_layer_free(L);
}
END_TEST

START_TEST(test_plan) {
    lms_tk t;
    lms_tks_build(&t, NULL, 2, 8, 16);
    const lms_plan *p = lms_tk_layer_plan(t.L, NULL);
    ck_assert_int_eq(p->out_cols, 16);
    ck_assert_int_eq(p->n_params, 1);
    ck_assert_str_eq(p->params[0].name, "g");
    ck_assert_int_eq(p->params[0].ndim, 1); /* no weight decay */
    ck_assert_int_eq(p->params[0].shape[0], 1);
    ck_assert_int_eq(p->params[0].init, LMS_INIT_CONSTANT);
    ck_assert_float_eq(p->params[0].std, 4.0f); /* sqrt(16) */
    ck_assert_uint_eq(p->cache_floats, 16);
    lms_tk_free(&t);
    lms_tks_build(&t, (const char *[]){"g_init=2.5", NULL}, 2, 8, 16);
    ck_assert_float_eq(lms_tk_layer_plan(t.L, NULL)->params[0].std, 2.5f);
    lms_tk_free(&t);
}
END_TEST

START_TEST(test_forward_hand) {
    lms_tk t;
    lms_tks_build(&t, NULL, 1, 2, 4);
    const float x[8] = {3, 0, 4, 0, /* ||x|| = 5 */ 0, 0, 0, 0};
    memcpy(t.x, x, sizeof x);
    lms_tk_layer_w(t.L, NULL, 0)[0] = 2.0f;
    lms_tk_forward(&t);
    const float want[4] = {1.2f, 0.0f, 1.6f, 0.0f}; /* 2 * x / 5 */
    for (int i = 0; i < 4; i++)
        ck_assert_double_eq_tol(t.y[i], want[i], 1e-7);
    for (int i = 4; i < 8; i++) /* zero row: clamped, stays 0, no NaN */
        ck_assert_float_eq(t.y[i], 0.0f);
    lms_tk_free(&t);
}
END_TEST

/* Every output row has norm g (unless clamped), whatever the input scale. */
START_TEST(test_forward_norm) {
    lms_tk t;
    lms_tks_build(&t, NULL, 2, 8, 32);
    lms_tk_init_params(&t, 5);
    lms_tk_fill_input(&t, 6);
    const float scale[4] = {1e-3f, 1.0f, 1e3f, 1e19f};
    for (int s = 0; s < 4; s++) {
        for (size_t i = 0; i < t.rows * 32; i++)
            t.x[i] *= s ? scale[s] / scale[s - 1] : scale[0];
        lms_tk_forward(&t);
        double g = lms_tk_layer_w(t.L, NULL, 0)[0];
        for (size_t r = 0; r < t.rows; r++) {
            double n = 0;
            for (int i = 0; i < 32; i++)
                n += (double)t.y[r * 32 + i] * t.y[r * 32 + i];
            ck_assert_msg(fabs(sqrt(n) - g) < 1e-5 * g, "row %zu: %g vs g %g",
                          r, sqrt(n), g);
        }
    }
    lms_tk_free(&t);
}
END_TEST

static void gradcheck(const char *const *kvs, int B, int T, int cols,
                      float xscale) {
    lms_tk t;
    lms_tks_build(&t, kvs, B, T, cols);
    lms_tk_init_params(&t, 7);
    lms_tk_fill_input(&t, 8);
    for (size_t i = 0; i < t.rows * (size_t)cols; i++)
        t.x[i] *= xscale;
    lms_tk_gc_result r;
    int rc = lms_tk_gradcheck(&t, NULL, &r, err, sizeof err);
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert_uint_gt(r.checked, 0);
    lms_tk_free(&t);
}

START_TEST(test_gradients) {
    gradcheck(NULL, 2, 8, 32, 1.0f);
    gradcheck(NULL, 2, 16, 16, 1.0f); /* as a q/k norm: (B*T*H, head_dim) */
    gradcheck((const char *[]){"g_init=1", NULL}, 2, 8, 8, 1.0f);
    /* every row shorter than eps: the clamped branch y = g x / eps */
    gradcheck((const char *[]){"eps=10", NULL}, 2, 4, 8, 0.1f);
    /* 150 rows: three chunks of the parallel loop, on 1 and 2 threads */
    for (int threads = 1; threads <= 2; threads++) {
        lms_tk_set_threads(threads);
        gradcheck(NULL, 3, 50, 8, 1.0f);
    }
    lms_tk_set_threads(1);
}
END_TEST

/* As q_norm and k_norm of the installed causal_attention plugin. */
START_TEST(test_as_qk_norm) {
    lms_layer *L;
    const lms_tk_child ch[] = {{"q_norm", "scalenorm", NULL},
                               {"k_norm", "scalenorm", NULL},
                               {NULL, NULL, NULL}};
    ck_assert_msg(lms_tk_layer_new(&L, lms_tks_loader(), "causal_attention",
                                   NULL, ch, err, sizeof err) == 0,
                  "%s", err);
    lms_model_info mi = lms_tk_model_small();
    lms_tk t;
    ck_assert_msg(lms_tk_setup(&t, L, &mi, 2, 8, 96, err, sizeof err) == 0,
                  "%s", err);
    ck_assert_int_eq(lms_tk_layer_plan(L, "q_norm")->in_cols, 16); /* head_dim */
    lms_tk_init_params(&t, 3);
    lms_tk_fill_input(&t, 4);
    ck_assert_msg(lms_tk_gradcheck(&t, NULL, NULL, err, sizeof err) == 0, "%s",
                  err);
    lms_tk_free(&t);
}
END_TEST

int main(void) {
    const TTest *tests[] = {
        test_descriptor,   test_keys,      test_plan,       test_forward_hand,
        test_forward_norm, test_gradients, test_as_qk_norm, NULL};
    return lms_tks_main("scalenorm", tests);
}
