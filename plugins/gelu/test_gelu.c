/* Check tests of the gelu plugin, through the real loader. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tk_suite.h"

static char err[1024];

/* PyTorch's formula in double */
static double gelu_ref(double x) {
    return 0.5 * x *
           (1.0 + tanh(sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x)));
}
static double dgelu_ref(double x) {
    double s = sqrt(2.0 / M_PI), u = s * (x + 0.044715 * x * x * x);
    double th = tanh(u);
    return 0.5 * (1 + th) +
           0.5 * x * (1 - th * th) * s * (1 + 3 * 0.044715 * x * x);
}

START_TEST(test_descriptor) {
    const lms_key keys[] = {LMS_KEYS_END}; /* no keys */
    const lms_descriptor *d =
        lms_tks_check_descriptor(LMS_KIND_ACTIVATION, "1.0.0", keys);
    ck_assert(d->keys && d->keys[0].name == NULL);
    ck_assert(d->slots == NULL);
}
END_TEST

START_TEST(test_keys) {
    lms_layer *L = lms_tks_make(NULL);
    ck_assert(lms_layer_set(L, "approximate", "none", err, sizeof err) != 0);
    ck_assert_msg(strstr(err, "accepted: (none)"), "%s", err);
    lms_layer_free(L);
}
END_TEST

START_TEST(test_forward_values) {
    lms_tk t;
    lms_tks_build(&t, NULL, 1, 1, 4);
    const float x[4] = {1, -1, 0.5f, 3};
    const double want[4] = {0.8411919906082768, -0.15880800939172324,
                            0.34571400982514394, 2.996362607918227};
    memcpy(t.x, x, sizeof x);
    lms_tk_forward(&t);
    ck_assert_int_eq(lms_tk_layer_plan(t.L, NULL)->out_cols, 4);
    for (int i = 0; i < 4; i++)
        ck_assert_double_eq_tol(t.y[i], want[i], 2e-7);
    lms_tk_free(&t);
}
END_TEST

/* forward and derivative against double over [-12, 12] */
START_TEST(test_reference_range) {
    lms_tk t;
    lms_tks_build(&t, NULL, 4, 8, 128); /* 4096 points */
    size_t n = t.rows * 128;
    for (size_t i = 0; i < n; i++)
        t.x[i] = -12.0f + 24.0f * (float)i / (float)(n - 1);
    lms_tk_forward(&t);
    for (size_t i = 0; i < n; i++)
        t.dy[i] = 1.0f;
    lms_tk_backward(&t);
    double ey = 0, ed = 0;
    for (size_t i = 0; i < n; i++) {
        double x = t.x[i];
        ey = fmax(ey, fabs(t.y[i] - gelu_ref(x)) / fmax(1.0, fabs(x)));
        ed = fmax(ed, fabs(t.dx[i] - dgelu_ref(x)));
    }
    ck_assert_msg(ey < 3e-7, "forward rel error %g", ey);
    ck_assert_msg(ed < 1e-6, "derivative error %g", ed);
    lms_tk_free(&t);
}
END_TEST

START_TEST(test_extremes) {
    lms_tk t;
    lms_tks_build(&t, NULL, 1, 1, 10);
    const float x[10] = {100,    -100, 1e4f,  -1e4f, 1e30f,
                         -1e30f, 0,    -0.0f, NAN,   44};
    memcpy(t.x, x, sizeof x);
    lms_tk_forward(&t);
    ck_assert_float_eq(t.y[0], 100);
    ck_assert_float_eq(t.y[1], 0);
    ck_assert_float_eq(t.y[2], 1e4f);
    ck_assert_float_eq(t.y[3], 0);
    ck_assert_float_eq(t.y[4], 1e30f);
    ck_assert_float_eq(t.y[5], 0);
    ck_assert_float_eq(t.y[6], 0);
    ck_assert(isnan(t.y[8])); /* divergence must stay visible */
    ck_assert_float_eq(t.y[9], 44);
    for (int i = 0; i < 10; i++)
        t.dy[i] = 1;
    lms_tk_backward(&t);
    ck_assert_float_eq_tol(t.dx[0], 1, 1e-6f);
    ck_assert_float_eq_tol(t.dx[1], 0, 1e-6f);
    ck_assert_float_eq_tol(t.dx[6], 0.5f, 1e-6f);
    for (int i = 0; i < 10; i++)
        if (i != 8 && i != 4 && i != 5) /* x^3 overflows at 1e30 */
            ck_assert_msg(isfinite(t.dx[i]), "dx[%d] = %g", i, t.dx[i]);
    ck_assert(isnan(t.dx[8]));
    lms_tk_free(&t);
}
END_TEST

START_TEST(test_gradients) {
    lms_tk t;
    lms_tks_build(&t, NULL, 2, 8, 32);
    lms_tk_fill(t.x, t.rows * 32, 4, -4, 4);
    int rc = lms_tk_gradcheck(&t, NULL, NULL, err, sizeof err);
    ck_assert_msg(rc == 0, "%s", err);
    lms_tk_free(&t);
}
END_TEST

int main(void) {
    const TTest *tests[] = {test_descriptor,
                            test_keys,
                            test_forward_values,
                            test_reference_range,
                            test_extremes,
                            test_gradients,
                            NULL};
    return lms_tks_main("gelu", tests);
}
