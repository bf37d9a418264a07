/*
 * sigma_reparam: a linear layer with spectrally normalised weights (Zhai et
 * al. 2023, "Stabilizing Transformer Training by Preventing Attention
 * Entropy Collapse"):
 *
 *   y = x W_hat^T + b,  W_hat = (g / sigma(W)) W
 *
 * W: (out, in) as in `linear`, g a learned scalar gain (init 1), sigma(W)
 * the largest singular value of W, estimated by power iteration with a
 * persistent left vector u (a buffer: saved in checkpoints, never trained).
 *
 *   training forward:  v = normalize(W^T u_hat), u <- normalize(W v),
 *                      sigma = u^T W v = |W v|      (one step per call)
 *   evaluation:        v = normalize(W^T u_hat), sigma = u_hat^T W v
 *                      = |W^T u_hat|                (u left untouched)
 *
 * u_hat = u / |u| (u starts as N(0, 1) noise; an all-zero u is read as
 * (1, ..., 1)). As in the paper, u and v are
 * constants for the gradient (stop-gradient), so d sigma / dW = u v^T:
 *
 *   dW_hat = dy^T x,  s = <dW_hat, W>
 *   dW += (g/sigma) dW_hat - (g/sigma^2) s u v^T,  dg += s / sigma
 *   dx += (g/sigma) dy W,  db += column sums of dy
 *
 * With u fixed (evaluation) this is the exact gradient of the evaluation
 * forward, which is what the gradient check verifies. W_hat is never
 * formed: the products take alpha = g / sigma.
 *
 * At [training] precision = bf16 the model's products (y, dx, dW_hat) go
 * through the host's matmul: x, W and dy are rounded to bfloat16, the sums
 * are float32 and alpha scales them in float32 (W, not W_hat, is rounded,
 * as in a scaled bf16 GEMM). The power iteration estimates sigma in
 * float32: it is a statistic of W, not a product of the model.
 *
 * Shapes: x: (rows, in); y: (rows, out); weight: (out, in); bias, u: (out);
 * gain: (1). Cache: v (in), u used (out), sigma, g/sigma.
 * Scratch: dW_hat (out, in) in backward. Stat: sigma.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "lmstab/plugin.h"
#include "lmstab/plugin_linear.h"
#include "lmstab/plugin_util.h"

#define SR_TINY 1e-12 /* floor of norms and of sigma (a zero W gives y = b) */

typedef struct sigma_reparam {
    const lms_host *host;
    lms_linear_cfg cfg; /* the keys, as linear's */
    /* planned */
    int in_f, out_f;
    int iw, ib, ig, iu; /* parameter indices; ib = -1 without bias */
} sigma_reparam;

/* ---- hooks -------------------------------------------------------------- */

static const lms_key sr_keys[] = {
    LMS_LINEAR_KEYS,
    LMS_KEYS_END,
};

static int sr_set(void *self, const char *key, const char *value, char *err,
                  size_t errlen) {
    sigma_reparam *s = self;
    return lms_linear_set(&s->cfg, key, value, err, errlen);
}

static void *sr_create(const lms_host *host, char *err, size_t errlen) {
    if (lms_host_need_sgemm(host, err, errlen) != 0)
        return NULL;
    sigma_reparam *s =
        lms_state_new(sizeof(sigma_reparam), sr_keys, sr_set, err, errlen);
    if (s)
        s->host = host;
    return s;
}

/* linear's weight and bias, then gain and the power-iteration vector u */
static int sr_plan(void *self, const lms_model_info *model, lms_plan *plan,
                   char *err, size_t errlen) {
    sigma_reparam *s = self;
    int out =
        lms_linear_plan(&s->cfg, model, plan, &s->iw, &s->ib, err, errlen);
    if (out < 0)
        return -1;
    s->in_f = plan->in_cols;
    s->out_f = out;
    s->ig = lms_plan_add_param(plan, "gain", 1, 1, 0, LMS_INIT_ONES, 0.0f);
    s->iu =
        lms_plan_add_param(plan, "u", 1, s->out_f, 0, LMS_INIT_NORMAL, 1.0f);
    if (s->ig < 0 || s->iu < 0) {
        snprintf(err, errlen, "too many parameters");
        return -1;
    }
    plan->params[s->iu].buffer = 1;
    plan->cache_floats = (size_t)s->in_f + (size_t)s->out_f + 2;
    plan->scratch_floats = (size_t)s->out_f * (size_t)s->in_f;
    plan->n_stats = 1;
    snprintf(plan->stat_names[0], LMS_NAME_MAX, "sigma");
    return 0;
}

/* |a| of a[0..n) in double */
static double norm_d(const float *a, int n) {
    double s[4] = {0, 0, 0, 0};
    int i = 0;
    for (; i + 4 <= n; i += 4)
        for (int k = 0; k < 4; k++)
            s[k] += (double)a[i + k] * a[i + k];
    for (; i < n; i++)
        s[0] += (double)a[i] * a[i];
    return sqrt((s[0] + s[1]) + (s[2] + s[3]));
}

/* dst = src / max(|src|, tiny); returns |src| */
static double normalize(float *dst, const float *src, int n) {
    double nrm = norm_d(src, n);
    float inv = (float)(1.0 / fmax(nrm, SR_TINY));
    for (int i = 0; i < n; i++)
        dst[i] = src[i] * inv;
    return nrm;
}

/* One power-iteration step (training) or the estimate from u (evaluation):
 * fills v: (in), uu: (out) and returns sigma. Updates u when training. */
static double power_step(const sigma_reparam *s, float *v, float *uu, float *u,
                         const float *W, int training) {
    const int I = s->in_f, O = s->out_f;
    if (normalize(uu, u, O) == 0.0) /* a zero u: start from (1, .., 1) */
        for (int o = 0; o < O; o++)
            uu[o] = (float)(1.0 / sqrt((double)O));
    /* v (1, I) = uu (1, O) W (O, I) */
    s->host->sgemm(0, 0, 1, I, O, 1.0f, uu, O, W, I, 0.0f, v, I);
    double sigma = normalize(v, v, I);
    if (training) {
        /* uu (1, O) = v (1, I) W^T (I, O) */
        s->host->sgemm(0, 1, 1, O, I, 1.0f, v, I, W, I, 0.0f, uu, O);
        sigma = normalize(uu, uu, O);
        memcpy(u, uu, (size_t)O * sizeof *u);
    }
    return sigma;
}

/* y: (rows, out) = (g / sigma) x: (rows, in) @ W^T + b */
static void sr_forward(void *self, const lms_fwd *a) {
    const sigma_reparam *s = self;
    const int N = (int)a->rows, I = s->in_f, O = s->out_f;
    const float *W = a->w[s->iw];
    float *v = a->cache, *uu = a->cache + I;
    double sigma = power_step(s, v, uu, a->w[s->iu], W, a->training);
    sigma = fmax(sigma, SR_TINY);
    float alpha = (float)((double)a->w[s->ig][0] / sigma);
    a->cache[I + O] = (float)sigma;
    a->cache[I + O + 1] = alpha;
    const float *b = s->ib >= 0 ? a->w[s->ib] : NULL;
    if (b)
        for (int r = 0; r < N; r++)
            memcpy(a->y + (size_t)r * O, b, (size_t)O * sizeof *b);
    lms_host_matmul(s->host, 0, 1, N, O, I, alpha, a->x, I, W, I,
                    b ? 1.0f : 0.0f, a->y, O);
    if (a->stats)
        a->stats[0] = (float)sigma;
}

/* <a, b> over n floats in double */
static double dot_d(const float *a, const float *b, size_t n) {
    double s[4] = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (int k = 0; k < 4; k++)
            s[k] += (double)a[i + k] * b[i + k];
    for (; i < n; i++)
        s[0] += (double)a[i] * b[i];
    return (s[0] + s[1]) + (s[2] + s[3]);
}

static void sr_backward(void *self, const lms_bwd *a) {
    const sigma_reparam *s = self;
    const int N = (int)a->rows, I = s->in_f, O = s->out_f;
    const float *W = a->w[s->iw];
    const float *v = a->cache, *uu = a->cache + I;
    const double sigma = a->cache[I + O];
    const float alpha = a->cache[I + O + 1];
    float *dWh = a->scratch;
    /* dx += alpha dy W */
    lms_host_matmul(s->host, 0, 0, N, I, O, alpha, a->dy, O, W, I, 1.0f, a->dx,
                    I);
    /* dW_hat = dy^T x */
    lms_host_matmul(s->host, 1, 0, O, I, N, 1.0f, a->dy, O, a->x, I, 0.0f, dWh,
                    I);
    double sdot = dot_d(dWh, W, (size_t)O * I);
    float c = (float)((double)alpha * sdot / sigma);
    float *dW = a->dw[s->iw];
    for (int o = 0; o < O; o++) {
        const float cu = c * uu[o];
        const float *dr = dWh + (size_t)o * I;
        float *dwr = dW + (size_t)o * I;
        for (int i = 0; i < I; i++)
            dwr[i] += alpha * dr[i] - cu * v[i];
    }
    a->dw[s->ig][0] += (float)(sdot / sigma);
    if (s->ib >= 0) {
        float *db = a->dw[s->ib];
        for (int r = 0; r < N; r++) {
            const float *d = a->dy + (size_t)r * O;
            for (int o = 0; o < O; o++)
                db[o] += d[o];
        }
    }
}

static const lms_descriptor sr_desc = {
    .abi_major = LMS_ABI_MAJOR,
    .abi_minor = LMS_ABI_MINOR,
    .size = sizeof(lms_descriptor),
    .name = "sigma_reparam",
    .kind = LMS_KIND_LINEAR,
    .version = "1.1.0",
    .summary = "linear layer with W_hat = g / sigma(W) * W, sigma by power "
               "iteration (Zhai et al. 2023)",
    .keys = sr_keys,
    .slots = NULL,
    .create = sr_create,
    .set = sr_set,
    .plan = sr_plan,
    .forward = sr_forward,
    .backward = sr_backward,
    .destroy = lms_state_free,
    .max_params = 4,
    .max_stats = 1,
};

LMS_PLUGIN_ENTRY(&sr_desc)
