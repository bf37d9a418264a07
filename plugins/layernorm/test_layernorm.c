/* Check tests of the layernorm plugin, through the real loader. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tk_suite.h"

static char err[1024];

/* double reference: y (rows, C) from x, w, b (b may be NULL) */
static void reference(double *y, const float *x, const float *w, const float *b,
                      size_t rows, int C, int G, double eps) {
    int gs = C / G;
    for (size_t r = 0; r < rows; r++)
        for (int g = 0; g < G; g++) {
            const float *xg = x + r * C + g * gs;
            double m = 0, v = 0;
            for (int i = 0; i < gs; i++)
                m += xg[i];
            m /= gs;
            for (int i = 0; i < gs; i++)
                v += (xg[i] - m) * (xg[i] - m);
            v /= gs;
            for (int i = 0; i < gs; i++) {
                int c = g * gs + i;
                y[r * C + c] =
                    (xg[i] - m) / sqrt(v + eps) * w[c] + (b ? b[c] : 0.0);
            }
        }
}

static double max_diff_d(const float *a, const double *b, size_t n) {
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs((double)a[i] - b[i]));
    return m;
}

START_TEST(test_descriptor) {
    const lms_key keys[] = {
        {"eps", LMS_VALUE_FLOAT, "1e-5", NULL, 0, 0, 0, 0, NULL, NULL},
        {"bias", LMS_VALUE_BOOL, "true", NULL, 0, 0, 0, 0, NULL, NULL},
        {"groups", LMS_VALUE_INT, "1", NULL, 0, 0, 0, 0, NULL, NULL}, /* an int or heads */
        LMS_KEYS_END};
    const lms_descriptor *d =
        lms_tks_check_descriptor(LMS_KIND_NORM, "1.1.0", keys);
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
    lms_tks_expect_bad("bias", "maybe", "must be true or false (got 'maybe')");
    lms_tks_expect_bad("groups", "1.5",
                       "must be an integer >= 1 or 'heads' (got '1.5')");
    lms_tks_expect_bad("groups", "0",
                       "must be an integer >= 1 or 'heads' (got '0')");
    lms_tks_expect_bad("groups", "-2", "(got '-2')");
    lms_tks_expect_bad("groups", "99999999999999999999", "(got '9999");
    lms_layer *L = lms_tks_make((const char *[]){
        "eps=1e-6", "bias=false", "groups=4", "bias=true", NULL});
    ck_assert(lms_layer_set(L, "no_such", "1", err, sizeof err) != 0);
    ck_assert_msg(strstr(err, "accepted: eps, bias, groups"), "%s", err);
    lms_layer_free(L);
}
END_TEST

START_TEST(test_plan) {
    lms_tk t;
    lms_tks_build(&t, NULL, 2, 8, 32);
    const lms_plan *p = lms_tk_layer_plan(t.L, NULL);
    ck_assert_int_eq(p->out_cols, 32);
    ck_assert_int_eq(p->n_params, 2);
    ck_assert_str_eq(p->params[0].name, "weight");
    ck_assert_int_eq(p->params[0].ndim, 1);
    ck_assert_int_eq(p->params[0].shape[0], 32);
    ck_assert_int_eq(p->params[0].init, LMS_INIT_ONES);
    ck_assert_str_eq(p->params[1].name, "bias");
    ck_assert_int_eq(p->params[1].ndim, 1);
    ck_assert_int_eq(p->params[1].init, LMS_INIT_ZEROS);
    ck_assert_int_eq(p->n_stats, 0);
    ck_assert_uint_eq(p->cache_floats, 3 * 16);
    lms_tk_free(&t);

    lms_tks_build(&t, (const char *[]){"bias=false", "groups=4", NULL}, 2, 8,
                  32);
    ck_assert_int_eq(lms_tk_layer_plan(t.L, NULL)->n_params, 1);
    ck_assert_uint_eq(lms_tk_layer_plan(t.L, NULL)->cache_floats, 3 * 16 * 4);
    lms_tk_free(&t);

    lms_model_info mi = lms_tk_model_small();
    lms_layer *L = lms_tks_make((const char *[]){"groups=3", NULL});
    ck_assert(lms_layer_plan(L, &mi, 16, 32, err, sizeof err) != 0);
    ck_assert_msg(strstr(err, "groups = 3") && strstr(err, "32"), "%s", err);
    lms_layer_free(L);
}
END_TEST

START_TEST(test_forward_hand) {
    lms_tk t;
    lms_tks_build(&t, NULL, 1, 1, 4);
    const float x[4] = {1, 2, 3, 4};
    memcpy(t.x, x, sizeof x);
    for (int i = 0; i < 4; i++) {
        lms_tk_layer_w(t.L, NULL, 0)[i] = 1.0f;
        lms_tk_layer_w(t.L, NULL, 1)[i] = 0.0f;
    }
    lms_tk_forward(&t);
    const double want[4] = {-1.3416354199689269, -0.447211806656309,
                            0.447211806656309, 1.3416354199689269};
    for (int i = 0; i < 4; i++)
        ck_assert_double_eq_tol(t.y[i], want[i], 1e-6);
    lms_tk_free(&t);
}
END_TEST

static void check_reference(const char *const *kvs, int G, int has_bias,
                            float offset) {
    lms_tk t;
    lms_tks_build(&t, kvs, 2, 8, 48);
    lms_tk_init_params(&t, 5);
    lms_tk_fill_input(&t, 6);
    size_t n = t.rows * 48;
    for (size_t i = 0; i < n; i++)
        t.x[i] = offset + 3.0f * t.x[i];
    lms_tk_forward(&t);
    double *ref = malloc(n * sizeof *ref);
    reference(ref, t.x, lms_tk_layer_w(t.L, NULL, 0), has_bias ? lms_tk_layer_w(t.L, NULL, 1) : NULL, t.rows, 48, G,
              1e-5);
    double d = max_diff_d(t.y, ref, n);
    ck_assert_msg(d < 2e-6, "max |y - ref| = %g (groups %d, offset %g)", d, G,
                  offset);
    free(ref);
    lms_tk_free(&t);
}

START_TEST(test_forward_reference) {
    check_reference(NULL, 1, 1, 0.0f);
    check_reference((const char *[]){"groups=3", NULL}, 3, 1, 0.0f);
    check_reference((const char *[]){"groups=6", "bias=false", NULL}, 6, 0,
                    0.0f);
    /* a large common offset: two-pass statistics keep full precision */
    check_reference(NULL, 1, 1, 1000.0f);
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
    gradcheck((const char *[]){"bias=false", "eps=1e-3", NULL}, 2, 8, 32);
    /* as attention's q_norm: (B*T*H, head_dim) */
    gradcheck(NULL, 2, 16, 16);
}
END_TEST

/* groups = heads resolves to cols / head_dim: a fused qkv of the small model
 * (d_model 32, 2 heads, head_dim 16) has 96 features -> 6 groups. */
START_TEST(test_groups_heads) {
    lms_tk a, b;
    lms_tks_build(&a, (const char *[]){"groups=heads", NULL}, 2, 4, 96);
    lms_tks_build(&b, (const char *[]){"groups=6", NULL}, 2, 4, 96);
    lms_tk_fill_input(&a, 7);
    memcpy(b.x, a.x, a.rows * 96 * sizeof(float));
    lms_tk_forward(&a);
    lms_tk_forward(&b);
    ck_assert_double_eq(lms_tk_max_abs_diff(a.y, b.y, a.rows * 96), 0.0);
    lms_tk_free(&a);
    lms_tk_free(&b);
    lms_layer *L = lms_tks_make((const char *[]){"groups=heads", NULL});
    lms_model_info mi = lms_tk_model_small();
    lms_tk t;
    ck_assert_int_ne(lms_tk_setup(&t, L, &mi, 2, 4, 40, err, sizeof err), 0);
    ck_assert_msg(strstr(err, "groups = heads needs the 40 input features to "
                              "be a multiple of head_dim = 16"),
                  "%s", err);
}
END_TEST

START_TEST(test_constant_rows) {
    lms_tk t;
    lms_tks_build(&t, NULL, 2, 8, 32);
    lms_tk_init_params(&t, 9);
    for (size_t i = 0; i < t.rows * 32; i++)
        t.x[i] = (i / 32) % 2 ? 7.25f : -1e4f; /* constant per row */
    lms_tk_forward(&t);
    for (size_t i = 0; i < t.rows * 32; i++)
        ck_assert_float_eq(t.y[i], lms_tk_layer_w(t.L, NULL, 1)[i % 32]); /* = bias */
    lms_tk_fill(t.dy, t.rows * 32, 3, -1, 1);
    lms_tk_backward(&t);
    for (size_t i = 0; i < t.rows * 32; i++)
        ck_assert(isfinite(t.dx[i]));
    for (size_t i = 0; i < t.n_params; i++)
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
                            test_groups_heads,
                            test_constant_rows,
                            test_nan_propagates,
                            NULL};
    return lms_tks_main("layernorm", tests);
}
