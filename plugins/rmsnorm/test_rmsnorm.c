/* Check tests of the rmsnorm plugin, through the real loader. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tk_suite.h"

static char err[1024];

/* double reference: y (rows, C) from x, w */
static void reference(double *y, const float *x, const float *w, size_t rows,
                      int C, int G, double eps) {
    int gs = C / G;
    for (size_t r = 0; r < rows; r++)
        for (int g = 0; g < G; g++) {
            const float *xg = x + r * C + g * gs;
            double ms = 0;
            for (int i = 0; i < gs; i++)
                ms += (double)xg[i] * xg[i];
            ms /= gs;
            for (int i = 0; i < gs; i++) {
                int c = g * gs + i;
                y[r * C + c] = xg[i] / sqrt(ms + eps) * w[c];
            }
        }
}

static double max_rel_diff(const float *a, const double *b, size_t n) {
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs((double)a[i] - b[i]) / fmax(1.0, fabs(b[i])));
    return m;
}

START_TEST(test_descriptor) {
    const lms_key keys[] = {
        {"eps", LMS_VALUE_FLOAT, "1e-5", NULL, 0, 0, 0, 0, NULL, NULL},
        {"groups", LMS_VALUE_INT, "1", NULL, 0, 0, 0, 0, NULL, NULL}, /* an int or heads */
        LMS_KEYS_END};
    const lms_descriptor *d =
        lms_tks_check_descriptor(LMS_KIND_NORM, "1.0.0", keys);
    ck_assert(d->slots == NULL);
}
END_TEST

START_TEST(test_keys) {
    lms_tks_expect_bad("eps", "-5", "must be a finite number > 0 (got '-5')");
    lms_tks_expect_bad("eps", "0", "must be a finite number > 0 (got '0')");
    lms_tks_expect_bad("eps", "nan", "(got 'nan')");
    lms_tks_expect_bad("eps", "inf", "(got 'inf')");
    lms_tks_expect_bad("eps", "1e-5x", "(got '1e-5x')");
    lms_tks_expect_bad("eps", "", "(got '')");
    lms_tks_expect_bad("eps", "1e-999", "(got '1e-999')");
    lms_tks_expect_bad("eps", "1e300", "(got '1e300')"); /* overflows float */
    lms_tks_expect_bad("groups", "1.5",
                       "must be an integer >= 1 or 'heads' (got '1.5')");
    lms_tks_expect_bad("groups", "0",
                       "must be an integer >= 1 or 'heads' (got '0')");
    lms_tks_expect_bad("groups", "head", "(got 'head')");
    lms_tks_expect_bad("groups", "-2", "(got '-2')");
    lms_tks_expect_bad("groups", "99999999999999999999", "(got '9999");
    lms_layer *L = lms_tks_make((const char *[]){"eps=1e-6", "groups=4", NULL});
    ck_assert(lms_layer_set(L, "bias", "true", err, sizeof err) != 0);
    ck_assert_msg(strstr(err, "accepted: eps, groups"), "%s", err);
    lms_layer_free(L);
}
END_TEST

START_TEST(test_plan) {
    lms_tk t;
    lms_tks_build(&t, NULL, 2, 8, 32);
    const lms_plan *p = lms_tk_layer_plan(t.L, NULL);
    ck_assert_int_eq(p->out_cols, 32);
    ck_assert_int_eq(p->n_params, 1);
    ck_assert_str_eq(p->params[0].name, "weight");
    ck_assert_int_eq(p->params[0].ndim, 1);
    ck_assert_int_eq(p->params[0].shape[0], 32);
    ck_assert_int_eq(p->params[0].init, LMS_INIT_ONES);
    ck_assert_int_eq(p->params[0].buffer, 0);
    ck_assert_int_eq(p->n_stats, 0);
    ck_assert_uint_eq(p->cache_floats, 16);
    lms_tk_free(&t);

    lms_tks_build(&t, (const char *[]){"groups=4", NULL}, 2, 8, 32);
    ck_assert_uint_eq(lms_tk_layer_plan(t.L, NULL)->cache_floats, 16 * 4);
    lms_tk_free(&t);

    lms_model_info mi = lms_tk_model_small();
    lms_layer *L = lms_tks_make((const char *[]){"groups=3", NULL});
    ck_assert(lms_layer_plan(L, &mi, 16, 32, err, sizeof err) != 0);
    ck_assert_msg(strstr(err, "groups = 3") && strstr(err, "32"), "%s", err);
    lms_layer_free(L);

    /* heads: head_dim = 32 / 2 = 16, so a fused qkv (96) has 6 groups */
    lms_tks_build(&t, (const char *[]){"groups=heads", NULL}, 2, 8, 96);
    ck_assert_uint_eq(lms_tk_layer_plan(t.L, NULL)->cache_floats, 16 * 6);
    lms_tk_free(&t);
    L = lms_tks_make((const char *[]){"groups=heads", NULL});
    ck_assert(lms_layer_plan(L, &mi, 16, 40, err, sizeof err) != 0);
    ck_assert_msg(strstr(err, "multiple of head_dim = 16"), "%s", err);
    lms_layer_free(L);
}
END_TEST

START_TEST(test_forward_hand) {
    lms_tk t;
    lms_tks_build(&t, (const char *[]){"eps=1e-5", NULL}, 1, 1, 4);
    const float x[4] = {1, 2, 3, 4};
    memcpy(t.x, x, sizeof x);
    for (int i = 0; i < 4; i++)
        lms_tk_layer_w(t.L, NULL, 0)[i] = 1.0f;
    lms_tk_layer_w(t.L, NULL, 0)[3] = 2.0f;
    lms_tk_forward(&t);
    /* mean(x^2) = 30/4 = 7.5; 1/sqrt(7.50001) = 0.365148127... */
    const double rs = 1.0 / sqrt(7.5 + 1e-5);
    const double want[4] = {rs, 2 * rs, 3 * rs, 8 * rs};
    for (int i = 0; i < 4; i++)
        ck_assert_double_eq_tol(t.y[i], want[i], 1e-6);
    ck_assert_double_eq_tol(t.y[0], 0.3651481, 1e-6);
    lms_tk_free(&t);
}
END_TEST

static void check_reference(const char *const *kvs, int G, float scale,
                            float offset) {
    lms_tk t;
    lms_tks_build(&t, kvs, 2, 8, 48);
    lms_tk_init_params(&t, 5);
    lms_tk_fill_input(&t, 6);
    size_t n = t.rows * 48;
    for (size_t i = 0; i < n; i++)
        t.x[i] = offset + scale * t.x[i];
    lms_tk_forward(&t);
    double *ref = malloc(n * sizeof *ref);
    reference(ref, t.x, lms_tk_layer_w(t.L, NULL, 0), t.rows, 48, G, 1e-5);
    double d = max_rel_diff(t.y, ref, n);
    ck_assert_msg(d < 2e-6, "max |y - ref| = %g (groups %d, scale %g)", d, G,
                  scale);
    free(ref);
    lms_tk_free(&t);
}

START_TEST(test_forward_reference) {
    check_reference(NULL, 1, 3.0f, 0.0f);
    check_reference((const char *[]){"groups=3", NULL}, 3, 3.0f, 0.0f);
    check_reference((const char *[]){"groups=6", NULL}, 6, 3.0f, 0.0f);
    check_reference((const char *[]){"groups=heads", NULL}, 3, 3.0f, 0.0f);
    check_reference(NULL, 1, 3.0f, 1000.0f); /* no centring: all ~ w */
    check_reference(NULL, 1, 1e-3f, 0.0f);   /* eps matters */
}
END_TEST

static void gradcheck(const char *const *kvs, int B, int T, int cols) {
    lms_tk t;
    lms_tks_build(&t, kvs, B, T, cols);
    lms_tk_init_params(&t, 7);
    lms_tk_fill_input(&t, 8);
    lms_tk_gc_result r;
    int rc = lms_tk_gradcheck(&t, NULL, &r, err, sizeof err);
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert_uint_gt(r.checked, 0);
    lms_tk_free(&t);
}

START_TEST(test_gradients) {
    gradcheck(NULL, 2, 8, 32);
    gradcheck((const char *[]){"groups=4", NULL}, 2, 8, 32);
    gradcheck((const char *[]){"groups=heads", NULL}, 2, 8, 96);
    gradcheck((const char *[]){"eps=1e-1", NULL}, 2, 8, 32);
    gradcheck(NULL, 2, 16, 16); /* as attention's q_norm: (B*T*H, hd) */
}
END_TEST

/* As q_norm and k_norm of causal_attention, through lms_child_* calls. */
START_TEST(test_as_qk_norm) {
    lms_layer *L;
    const lms_tk_child ch[] = {
        {"q_norm", "rmsnorm", NULL},
        {"k_norm", "rmsnorm", (const char *[]){"eps=1e-6", NULL}},
        {NULL, NULL, NULL}};
    ck_assert_msg(lms_tk_layer_new(&L, lms_tks_loader(), "causal_attention",
                                   NULL, ch, err, sizeof err) == 0,
                  "%s", err);
    lms_model_info mi = lms_tk_model_small();
    lms_tk t;
    ck_assert_msg(lms_tk_setup(&t, L, &mi, 2, 8, 96, err, sizeof err) == 0,
                  "%s", err);
    ck_assert_int_eq(lms_tk_layer_plan(L, "q_norm")->in_cols, 16); /* head_dim */
    ck_assert_uint_eq(lms_tk_layer_plan(L, "q_norm")->in_rows, 2 * 8 * 2);
    lms_tk_init_params(&t, 3);
    lms_tk_fill_input(&t, 4);
    int rc = lms_tk_gradcheck(&t, NULL, NULL, err, sizeof err);
    ck_assert_msg(rc == 0, "%s", err);
    lms_tk_free(&t);
}
END_TEST

START_TEST(test_huge_and_tiny_rows) {
    lms_tk t;
    lms_tks_build(&t, NULL, 1, 4, 32);
    for (int i = 0; i < 32; i++)
        lms_tk_layer_w(t.L, NULL, 0)[i] = 1.0f;
    const float mag[4] = {1e30f, -3e19f, 1e-20f, 0.0f};
    for (int r = 0; r < 4; r++)
        for (int i = 0; i < 32; i++)
            t.x[r * 32 + i] = mag[r] * (i % 2 ? 1.0f : -0.5f);
    lms_tk_forward(&t);
    /* rms of (1, -0.5) pattern = sqrt(0.625) */
    const double a = 1.0 / sqrt(0.625);
    for (int i = 0; i < 32; i++) {
        double want = (i % 2 ? 1.0 : -0.5) * a;
        ck_assert_double_eq_tol(t.y[i], want, 1e-6);
        ck_assert_double_eq_tol(t.y[32 + i], -want, 1e-6);
        ck_assert_double_eq_tol(fabs(t.y[64 + i]), 0.0, 1e-12); /* eps wins */
        ck_assert_float_eq(t.y[96 + i], 0.0f);
    }
    lms_tk_fill(t.dy, 4 * 32, 3, -1, 1);
    lms_tk_backward(&t);
    for (size_t i = 0; i < 4 * 32; i++)
        ck_assert_msg(isfinite(t.dx[i]), "dx[%zu] = %g", i, t.dx[i]);
    for (int i = 0; i < 32; i++)
        ck_assert(isfinite(t.grads[i]));
    lms_tk_free(&t);
}
END_TEST

START_TEST(test_nan_propagates) {
    lms_tk t;
    lms_tks_build(&t, NULL, 1, 2, 8);
    lms_tk_init_params(&t, 9);
    lms_tk_fill_input(&t, 1);
    t.x[3] = NAN;
    lms_tk_forward(&t);
    for (int i = 0; i < 8; i++)
        ck_assert(isnan(t.y[i]));
    for (int i = 8; i < 16; i++)
        ck_assert(isfinite(t.y[i]));
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
                            test_as_qk_norm,
                            test_huge_and_tiny_rows,
                            test_nan_propagates,
                            NULL};
    return lms_tks_main("rmsnorm", tests);
}
