/* Check tests of the sigma_reparam plugin, through the real loader. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tk_suite.h"

static char err[1024];

/* parameter tensors of a planned layer by name */
static float *param(lms_tk *t, const char *name) {
    for (int i = 0; i < lms_tk_layer_plan(t->L, NULL)->n_params; i++)
        if (!strcmp(lms_tk_layer_plan(t->L, NULL)->params[i].name, name))
            return lms_tk_layer_w(t->L, NULL, i);
    return NULL;
}
static float *grad(lms_tk *t, const char *name) {
    for (int i = 0; i < lms_tk_layer_plan(t->L, NULL)->n_params; i++)
        if (!strcmp(lms_tk_layer_plan(t->L, NULL)->params[i].name, name))
            return lms_tk_layer_dw(t->L, NULL, i);
    return NULL;
}

/* |W^T u| / |u| in double: the evaluation-mode sigma */
static double sigma_eval_ref(const float *W, const float *u, int O, int I) {
    double nu = 0, nv = 0;
    for (int o = 0; o < O; o++)
        nu += (double)u[o] * u[o];
    for (int i = 0; i < I; i++) {
        double s = 0;
        for (int o = 0; o < O; o++)
            s += (double)u[o] * W[(size_t)o * I + i];
        nv += s * s;
    }
    return sqrt(nv) / sqrt(nu);
}

/* The top singular value of W in double: power iteration on W^T W run to
 * convergence. */
static double sigma_max_ref(const float *W, int O, int I) {
    double *v = malloc(I * sizeof *v), *w = malloc(O * sizeof *w);
    for (int i = 0; i < I; i++)
        v[i] = 1.0 + 0.01 * i;
    double sigma = 0;
    for (int it = 0; it < 20000; it++) {
        double nw = 0, nv = 0;
        for (int o = 0; o < O; o++) {
            double s = 0;
            for (int i = 0; i < I; i++)
                s += W[(size_t)o * I + i] * v[i];
            w[o] = s;
            nw += s * s;
        }
        nw = sqrt(nw);
        for (int o = 0; o < O; o++)
            w[o] /= nw;
        for (int i = 0; i < I; i++) {
            double s = 0;
            for (int o = 0; o < O; o++)
                s += W[(size_t)o * I + i] * w[o];
            v[i] = s;
            nv += s * s;
        }
        nv = sqrt(nv);
        for (int i = 0; i < I; i++)
            v[i] /= nv;
        sigma = nv;
    }
    free(v);
    free(w);
    return sigma;
}

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
    ck_assert(lms_layer_set(L, "gain", "1", err, sizeof err) != 0);
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
    ck_assert_int_eq(p->n_params, 4);
    const char *names[] = {"weight", "bias", "gain", "u"};
    const int ndim[] = {2, 1, 1, 1};
    const int s0[] = {96, 96, 1, 96};
    const int init[] = {LMS_INIT_NORMAL, LMS_INIT_ZEROS, LMS_INIT_ONES,
                        LMS_INIT_NORMAL};
    const int buffer[] = {0, 0, 0, 1};
    for (int i = 0; i < 4; i++) {
        ck_assert_str_eq(p->params[i].name, names[i]);
        ck_assert_int_eq(p->params[i].ndim, ndim[i]);
        ck_assert_int_eq(p->params[i].shape[0], s0[i]);
        ck_assert_int_eq(p->params[i].init, init[i]);
        ck_assert_int_eq(p->params[i].buffer, buffer[i]);
    }
    ck_assert_int_eq(p->params[0].shape[1], 32); /* (out, in) */
    ck_assert_float_eq(p->params[0].std, 0.02f);
    ck_assert_float_eq(p->params[3].std, 1.0f);
    ck_assert_int_eq(p->n_stats, 1);
    ck_assert_str_eq(p->stat_names[0], "sigma");
    lms_tk_free(&t);

    lms_tks_build(&t,
                  (const char *[]){"out=10", "bias=false", "residual_init=true",
                                   "init_std=0.1", NULL},
                  2, 8, 128);
    p = lms_tk_layer_plan(t.L, NULL);
    ck_assert_int_eq(p->out_cols, 10);
    ck_assert_int_eq(p->n_params, 3);
    ck_assert_str_eq(p->params[1].name, "gain");
    ck_assert_str_eq(p->params[2].name, "u");
    ck_assert_int_eq(p->params[2].buffer, 1);
    ck_assert_int_eq(p->params[0].init, LMS_INIT_NORMAL_RESIDUAL);
    ck_assert_float_eq(p->params[0].std, 0.1f);
    lms_tk_free(&t);
}
END_TEST

/* Evaluation forward against double: y = g / |W^T u_hat| x W^T + b. */
START_TEST(test_forward_reference) {
    lms_tk t;
    lms_tks_build(&t, (const char *[]){"out_mult=3", NULL}, 2, 8, 32);
    lms_tk_init_params(&t, 5);
    lms_tk_fill_input(&t, 6);
    const float *W = param(&t, "weight"), *b = param(&t, "bias");
    const float *u = param(&t, "u");
    float g = param(&t, "gain")[0];
    float u0[96];
    memcpy(u0, u, sizeof u0);
    lms_tk_forward(&t);
    double sigma = sigma_eval_ref(W, u, 96, 32);
    ck_assert_double_eq_tol(t.stats[0], sigma, 1e-6 * sigma);
    double worst = 0;
    for (size_t r = 0; r < t.rows; r++)
        for (int o = 0; o < 96; o++) {
            double s = 0;
            for (int i = 0; i < 32; i++)
                s += (double)t.x[r * 32 + i] * W[o * 32 + i];
            double want = g / sigma * s + b[o];
            worst = fmax(worst, fabs(t.y[r * 96 + o] - want));
        }
    ck_assert_msg(worst < 2e-6, "max |y - ref| = %g", worst);
    /* evaluation leaves u alone */
    ck_assert_mem_eq(u0, u, sizeof u0);
    lms_tk_free(&t);
}
END_TEST

/* W_hat does not depend on the scale of W. */
START_TEST(test_scale_invariance) {
    lms_tk t;
    lms_tks_build(&t, NULL, 2, 8, 32);
    lms_tk_init_params(&t, 5);
    lms_tk_fill_input(&t, 6);
    lms_tk_forward(&t);
    size_t ny = t.rows * 32;
    float *y0 = malloc(ny * sizeof *y0);
    memcpy(y0, t.y, ny * sizeof *y0);
    float *W = param(&t, "weight");
    for (int i = 0; i < 32 * 32; i++)
        W[i] *= 1000.0f;
    lms_tk_forward(&t);
    double d = lms_tk_max_abs_diff(y0, t.y, ny);
    ck_assert_msg(d < 1e-5, "y changed by %g when W was scaled", d);
    free(y0);
    lms_tk_free(&t);
}
END_TEST

/* y is invariant to the scale of W, so its curvature in W grows like
 * 1 / |W|^2: the kit's default step (0.01 absolute for small values) is
 * half a typical weight at init_std = 0.02 and its truncation error alone
 * reaches the tolerance. Steps of 1e-3 (or weights of std 1) measure the
 * gradient, not the curvature. */
static void gradcheck(const char *const *kvs, int cols, double h) {
    lms_tk t;
    lms_tks_build(&t, kvs, 2, 8, cols);
    lms_tk_init_params(&t, 7);
    lms_tk_fill_input(&t, 8);
    lms_tk_gc_result r;
    const lms_tk_gc_opts o = {.h = h};
    int rc = lms_tk_gradcheck(&t, &o, &r, err, sizeof err);
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert_uint_gt(r.checked, 0);
    lms_tk_free(&t);
}

/* weight, bias, gain and x; u is a buffer and is skipped by the kit */
START_TEST(test_gradients) {
    gradcheck(NULL, 32, 1e-3);
    gradcheck((const char *[]){"out_mult=3", NULL}, 32, 1e-3);
    gradcheck((const char *[]){"out=5", "bias=false", NULL}, 48, 1e-3);
    gradcheck((const char *[]){"init_std=1", NULL}, 16, 0); /* default h */
}
END_TEST

/* Backward never writes u's gradient and accumulates into the others. */
START_TEST(test_u_gradient_zero) {
    lms_tk t;
    lms_tks_build(&t, NULL, 2, 8, 32);
    lms_tk_init_params(&t, 7);
    lms_tk_fill_input(&t, 8);
    lms_tk_fill(t.dy, t.rows * 32, 9, -1, 1);
    lms_layer_set_training(t.L, 1);
    lms_tk_forward(&t);
    lms_tk_backward(&t);
    const float *du = grad(&t, "u");
    for (int o = 0; o < 32; o++)
        ck_assert_float_eq(du[o], 0.0f);
    ck_assert(grad(&t, "gain")[0] != 0.0f);
    lms_tk_free(&t);
}
END_TEST

/* Training forwards update u; sigma converges to the top singular value. */
START_TEST(test_power_iteration) {
    lms_tk t;
    lms_tks_build(&t, (const char *[]){"out_mult=3", NULL}, 2, 8, 32);
    lms_tk_init_params(&t, 11);
    lms_tk_fill_input(&t, 12);
    float *u = param(&t, "u");
    const float *W = param(&t, "weight");
    float u0[96];
    memcpy(u0, u, sizeof u0);
    double smax = sigma_max_ref(W, 96, 32);

    lms_layer_set_training(t.L, 1);
    lms_tk_forward(&t);
    ck_assert_msg(memcmp(u0, u, sizeof u0) != 0, "u did not change");
    double nu = 0;
    for (int o = 0; o < 96; o++)
        nu += (double)u[o] * u[o];
    ck_assert_double_eq_tol(nu, 1.0, 1e-5); /* stored normalised */
    double s1 = t.stats[0];
    ck_assert_msg(s1 <= smax * (1 + 1e-6), "sigma %g > sigma_max %g", s1, smax);
    for (int it = 0; it < 300; it++)
        lms_tk_forward(&t);
    double sN = t.stats[0];
    ck_assert_msg(fabs(sN - smax) <= 1e-4 * smax,
                  "after 300 steps sigma = %.7g, top singular value %.7g "
                  "(first step %.7g)",
                  sN, smax, s1);
    ck_assert(fabs(sN - smax) <= fabs(s1 - smax));

    /* converged: evaluation reproduces the training output */
    size_t ny = t.rows * 96;
    float *y1 = malloc(ny * sizeof *y1);
    memcpy(y1, t.y, ny * sizeof *y1);
    float u1[96];
    memcpy(u1, u, sizeof u1);
    lms_layer_set_training(t.L, 0);
    lms_tk_forward(&t);
    ck_assert_mem_eq(u1, u, sizeof u1);
    ck_assert_double_eq_tol(t.stats[0], smax, 1e-4 * smax);
    ck_assert_double_le(lms_tk_max_abs_diff(y1, t.y, ny), 1e-4);
    free(y1);
    lms_tk_free(&t);
}
END_TEST

/* The training backward uses the u, v and sigma of its own forward:
 * dgain = <dy^T x, W> / sigma with sigma from the stat. */
START_TEST(test_training_backward) {
    lms_tk t;
    lms_tks_build(&t, NULL, 2, 8, 32);
    lms_tk_init_params(&t, 13);
    lms_tk_fill_input(&t, 14);
    lms_tk_fill(t.dy, t.rows * 32, 15, -1, 1);
    lms_layer_set_training(t.L, 1);
    lms_tk_forward(&t);
    lms_tk_backward(&t);
    const float *W = param(&t, "weight");
    double s = 0;
    for (size_t r = 0; r < t.rows; r++)
        for (int o = 0; o < 32; o++)
            for (int i = 0; i < 32; i++)
                s += (double)t.dy[r * 32 + o] * t.x[r * 32 + i] * W[o * 32 + i];
    double want = s / t.stats[0];
    ck_assert_double_eq_tol(grad(&t, "gain")[0], want,
                            1e-5 * fabs(want) + 1e-7);
    lms_tk_free(&t);
}
END_TEST

/* A zero W (or u) gives y = b with finite gradients, not NaN. */
START_TEST(test_degenerate) {
    lms_tk t;
    lms_tks_build(&t, NULL, 1, 4, 32);
    lms_tk_init_params(&t, 3);
    lms_tk_fill_input(&t, 4);
    float *W = param(&t, "weight"), *b = param(&t, "bias");
    memset(W, 0, 32 * 32 * sizeof *W);
    lms_layer_set_training(t.L, 1);
    lms_tk_forward(&t);
    for (size_t r = 0; r < t.rows; r++)
        for (int o = 0; o < 32; o++)
            ck_assert_float_eq(t.y[r * 32 + o], b[o]);
    lms_tk_fill(t.dy, t.rows * 32, 5, -1, 1);
    lms_tk_backward(&t);
    for (size_t i = 0; i < t.n_params; i++)
        ck_assert(isfinite(t.grads[i]));
    lms_tk_init_params(&t, 3);
    memset(param(&t, "u"), 0, 32 * sizeof(float));
    lms_layer_set_training(t.L, 0);
    lms_tk_forward(&t);
    for (size_t i = 0; i < t.rows * 32; i++)
        ck_assert_msg(fabsf(t.y[i]) < 100.0f, "y[%zu] = %g", i, t.y[i]);
    lms_tk_free(&t);
}
END_TEST

int main(void) {
    const TTest *tests[] = {test_descriptor,
                            test_keys,
                            test_plan,
                            test_forward_reference,
                            test_scale_invariance,
                            test_gradients,
                            test_u_gradient_zero,
                            test_power_iteration,
                            test_training_backward,
                            test_degenerate,
                            NULL};
    return lms_tks_main("sigma_reparam", tests);
}
