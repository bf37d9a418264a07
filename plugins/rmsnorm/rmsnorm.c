/*
 * rmsnorm: RMSNorm (Zhang & Sennrich 2019) over each row, or over `groups`
 * contiguous equal chunks of each row (same meaning as layernorm's groups:
 * an integer, or `heads` for one chunk per head_dim features, i.e. per head
 * of q, k and v on a fused QKV output), with a per-feature gain and no bias
 * or centring:
 *
 *   y = x * rstd * weight,  rstd = 1 / sqrt(mean(x^2) + eps)
 *
 * mean(x^2) is accumulated in double, so rows of huge values (|x| ~ 1e19,
 * whose squares overflow float) still normalise correctly.
 * Shapes: x, y: (rows, C); weight: (C); cache rstd: (rows, G).
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "lmstab/plugin.h"
#include "lmstab/plugin_util.h"

typedef struct rmsnorm {
    float eps;
    int groups; /* as configured; 0 = one group per head */
    /* planned */
    int cols;
    int G; /* groups per row */
} rmsnorm;

/* ---- hooks -------------------------------------------------------------- */

static const lms_key rms_keys[] = {
    {"eps", LMS_VALUE_FLOAT, "1e-5", "added to the mean square",
     offsetof(rmsnorm, eps), LMS_GT, 0, 0, NULL, NULL},
    {"groups", LMS_VALUE_INT, "1",
     "normalise each of this many equal contiguous chunks of a row "
     "separately (must divide the row width), or 'heads': one per head_dim "
     "features",
     offsetof(rmsnorm, groups), LMS_GE | LMS_LE, 1, 1 << 20,
     "an integer >= 1 or 'heads'", NULL},
    LMS_KEYS_END,
};

static int rms_set(void *self, const char *key, const char *value, char *err,
                   size_t errlen) {
    rmsnorm *s = self;
    if (!strcmp(key, "groups") && !strcmp(value, "heads")) {
        s->groups = 0;
        return 0;
    }
    return lms_keys_set(self, rms_keys, key, value, err, errlen);
}

static void *rms_create(const lms_host *host, char *err, size_t errlen) {
    (void)host;
    return lms_state_new(sizeof(rmsnorm), rms_keys, rms_set, err, errlen);
}

static int rms_plan(void *self, const lms_model_info *model, lms_plan *plan,
                    char *err, size_t errlen) {
    rmsnorm *s = self;
    int C = plan->in_cols;
    int G = s->groups;
    if (G == 0) {
        int hd = model->n_head > 0 ? model->d_model / model->n_head : 0;
        if (hd <= 0 || C % hd != 0) {
            snprintf(err, errlen,
                     "groups = heads needs the %d input features to be a "
                     "multiple of head_dim = %d",
                     C, hd);
            return -1;
        }
        G = C / hd;
    }
    if (C % G != 0) {
        snprintf(err, errlen,
                 "groups = %d does not divide the %d input features; choose "
                 "a divisor of %d",
                 G, C, C);
        return -1;
    }
    s->cols = C;
    s->G = G;
    plan->out_cols = C;
    if (lms_plan_add_param(plan, "weight", 1, C, 0, LMS_INIT_ONES, 0.0f) < 0) {
        snprintf(err, errlen, "too many parameters");
        return -1;
    }
    plan->cache_floats = plan->in_rows * (size_t)G;
    return 0;
}

/* sum of x[i]^2 over [0, n) in double, four lanes */
static double sumsq_d(const float *x, int n) {
    double a[4] = {0, 0, 0, 0};
    int i = 0;
    for (; i + 4 <= n; i += 4)
        for (int k = 0; k < 4; k++)
            a[k] += (double)x[i + k] * x[i + k];
    for (; i < n; i++)
        a[0] += (double)x[i] * x[i];
    return (a[0] + a[1]) + (a[2] + a[3]);
}

/* y: (rows, C), rstd: (rows, G) <- x: (rows, C); w: (C) */
static void rmsnorm_forward(float *y, float *rstd, const float *x,
                            const float *w, size_t rows, int C, int G,
                            float eps) {
    int gs = C / G;
    for (size_t r = 0; r < rows; r++)
        for (int g = 0; g < G; g++) {
            size_t off = r * (size_t)C + (size_t)g * gs;
            const float *xg = x + off, *wg = w + g * gs;
            float *yg = y + off;
            float rs = (float)(1.0 / sqrt(sumsq_d(xg, gs) / gs + eps));
            for (int i = 0; i < gs; i++)
                yg[i] = xg[i] * rs * wg[i];
            rstd[r * G + g] = rs;
        }
}

/*
 * dx += rstd * (dy*w - xhat * mean(dy*w*xhat)), dw += dy * xhat,
 * xhat = x * rstd <- dy, x: (rows, C); rstd: (rows, G); w: (C)
 */
static void rmsnorm_backward(float *dx, float *dw, const float *dy,
                             const float *x, const float *rstd, const float *w,
                             size_t rows, int C, int G) {
    int gs = C / G;
    for (size_t r = 0; r < rows; r++)
        for (int g = 0; g < G; g++) {
            size_t off = r * (size_t)C + (size_t)g * gs;
            const float *xg = x + off, *dyg = dy + off, *wg = w + g * gs;
            float *dxg = dx + off, *dwg = dw + g * gs;
            float rs = rstd[r * G + g];
            double c[4] = {0, 0, 0, 0};
            int i = 0;
            for (; i + 4 <= gs; i += 4)
                for (int k = 0; k < 4; k++)
                    c[k] += (double)(dyg[i + k] * wg[i + k]) * (xg[i + k] * rs);
            for (; i < gs; i++)
                c[0] += (double)(dyg[i] * wg[i]) * (xg[i] * rs);
            float m = (float)(((c[0] + c[1]) + (c[2] + c[3])) / gs);
            for (i = 0; i < gs; i++) {
                float xhat = xg[i] * rs;
                dwg[i] += xhat * dyg[i];
                dxg[i] += (dyg[i] * wg[i] - xhat * m) * rs;
            }
        }
}

static void rms_forward(void *self, const lms_fwd *a) {
    const rmsnorm *s = self;
    rmsnorm_forward(a->y, a->cache, a->x, a->w[0], a->rows, s->cols, s->G,
                    s->eps);
}

static void rms_backward(void *self, const lms_bwd *a) {
    const rmsnorm *s = self;
    rmsnorm_backward(a->dx, a->dw[0], a->dy, a->x, a->cache, a->w[0], a->rows,
                     s->cols, s->G);
}

static const lms_descriptor rms_desc = {
    .abi_major = LMS_ABI_MAJOR,
    .abi_minor = LMS_ABI_MINOR,
    .size = sizeof(lms_descriptor),
    .name = "rmsnorm",
    .kind = LMS_KIND_NORM,
    .version = "1.0.0",
    .summary = "RMSNorm y = x / sqrt(mean(x^2) + eps) * weight, optionally "
               "per group of features",
    .keys = rms_keys,
    .slots = NULL,
    .create = rms_create,
    .set = rms_set,
    .plan = rms_plan,
    .forward = rms_forward,
    .backward = rms_backward,
    .destroy = lms_state_free,
    .max_params = 1,
    .max_stats = 0,
};

LMS_PLUGIN_ENTRY(&rms_desc)
