/*
 * layernorm: PyTorch LayerNorm over each row, or over `groups` contiguous
 * equal chunks of each row (e.g. groups = 3 normalises q, k, v of a fused QKV
 * output separately), with a per-feature affine:
 *
 *   y = (x - mean) * rstd * weight + bias,  rstd = 1 / sqrt(var + eps)
 *
 * var is the biased variance. Statistics are accumulated in double; the mean
 * is kept as a float pair (hi + lo) so that x - mean stays exact-ish when
 * |mean| >> std (large activations are what this project studies).
 * Shapes: x, y: (rows, C); weight, bias: (C);
 *         cache mean_hi, mean_lo, rstd: (rows, G) each.
 *
 * At the host's precision bf16 the input gradient dn - mean(dn) - xhat *
 * mean(dn xhat) (dn = dy * weight) is formed in double before it is
 * rounded to float: it cancels, and its float rounding error in small
 * elements can move them across a bfloat16 rounding boundary of the next
 * product (a 2^-8 step). With the float formula, g0.wpe of the qk_fc_norm
 * bf16 golden file (a LayerNorm feeds proj and fc2 in backward) was 1.16x
 * its tolerance; formed in double every gradient is within 0.3% of it (the
 * file's reference agrees with the exact value). At fp32 the float formula
 * is kept, bit for bit.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "lmstab/plugin.h"
#include "lmstab/plugin_math.h"
#include "lmstab/plugin_util.h"

#define GROUPS_PER_HEAD (-1)

/* Rows (or columns) per parallel chunk; work below PAR_MIN floats is serial. */
#define ROW_CHUNK 64
#define PAR_MIN 65536

typedef struct layernorm {
    const lms_host *host;
    float eps;
    int bias;
    int groups;
    int groups_heads; /* groups = heads: resolved from the model at plan */
    /* planned */
    int cols;
    size_t rows;
    int wide_dx; /* bf16: input gradient formed in double (see the top) */
} layernorm;

/* ---- hooks -------------------------------------------------------------- */

static const lms_key ln_keys[] = {
    {"eps", LMS_VALUE_FLOAT, "1e-5", "added to the variance",
     offsetof(layernorm, eps), LMS_GT, 0, 0, NULL, NULL},
    {"bias", LMS_VALUE_BOOL, "true", "learn an additive bias",
     offsetof(layernorm, bias), 0, 0, 0, NULL, NULL},
    {"groups", LMS_VALUE_INT, "1",
     "normalise each of this many equal contiguous chunks of a row "
     "separately (must divide the row width; 3 = q/k/v of a fused qkv), or "
     "'heads' = one chunk per head_dim",
     offsetof(layernorm, groups), LMS_GE | LMS_LE, 1, 1 << 20,
     "an integer >= 1 or 'heads'", NULL},
    LMS_KEYS_END,
};

static int ln_set(void *self, const char *key, const char *value, char *err,
                  size_t errlen) {
    layernorm *s = self;
    if (!strcmp(key, "groups") && !strcmp(value, "heads")) {
        s->groups = GROUPS_PER_HEAD;
        return 0;
    }
    if (lms_keys_set(self, ln_keys, key, value, err, errlen) != 0)
        return -1;
    if (!strcmp(key, "groups"))
        s->groups_heads = 0; /* a number replaces a resolved 'heads' */
    return 0;
}

static void *ln_create(const lms_host *host, char *err, size_t errlen) {
    layernorm *s =
        lms_state_new(sizeof(layernorm), ln_keys, ln_set, err, errlen);
    if (s)
        s->host = host;
    return s;
}

static int ln_plan(void *self, const lms_model_info *model, lms_plan *plan,
                   char *err, size_t errlen) {
    layernorm *s = self;
    int C = plan->in_cols;
    if (s->groups == GROUPS_PER_HEAD || s->groups_heads) {
        /* one group per head_dim chunk: for a fused qkv that is 3*n_head */
        int hd = model->n_head > 0 ? model->d_model / model->n_head : 0;
        if (hd <= 0 || C % hd != 0) {
            snprintf(err, errlen,
                     "groups = heads needs the %d input features "
                     "to be a multiple of head_dim = %d",
                     C, hd);
            return -1;
        }
        s->groups_heads = 1;
        s->groups = C / hd;
    }
    if (C % s->groups != 0) {
        snprintf(err, errlen,
                 "groups = %d does not divide the %d input features; choose "
                 "a divisor of %d",
                 s->groups, C, C);
        return -1;
    }
    s->cols = C;
    s->rows = plan->in_rows;
    s->wide_dx = lms_host_precision(s->host) == LMS_PRECISION_BF16;
    plan->out_cols = C;
    if (lms_plan_add_param(plan, "weight", 1, C, 0, LMS_INIT_ONES, 0.0f) < 0 ||
        (s->bias && lms_plan_add_param(plan, "bias", 1, C, 0, LMS_INIT_ZEROS,
                                       0.0f) < 0)) {
        snprintf(err, errlen, "too many parameters");
        return -1;
    }
    plan->cache_floats = 3 * plan->in_rows * (size_t)s->groups;
    /* weight (and bias) gradient sums per chunk of ROW_CHUNK rows */
    plan->scratch_floats = (plan->in_rows + ROW_CHUNK - 1) / ROW_CHUNK *
                           (size_t)C * (s->bias ? 2 : 1);
    return 0;
}

/* Inlined into each clone of its caller, so it vectorizes at that width. */
#define LMS_INLINE static inline __attribute__((always_inline))

/* sum of 8 double lanes in a fixed tree */
LMS_INLINE double lanes8(const double *a) {
    return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
}

/* Sum and centred sum of squares of x[0..n) in double, eight lanes. */
LMS_INLINE double sum_d(const float *x, int n) {
    double a[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++)
            a[k] += x[i + k];
    for (; i < n; i++)
        a[0] += x[i];
    return lanes8(a);
}

LMS_INLINE double sqdev_d(const float *x, int n, double m) {
    double a[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++) {
            double d = x[i + k] - m;
            a[k] += d * d;
        }
    for (; i < n; i++) {
        double d = x[i] - m;
        a[0] += d * d;
    }
    return lanes8(a);
}

/* y: (rows, C), mean (hi, lo), rstd: (rows, G) <- x: (rows, C); w, b: (C)
 * (b may be NULL). */
LMS_HOT static void layernorm_forward(float *y, float *mean, float *mlo,
                                      float *rstd, const float *x,
                                      const float *w, const float *b, size_t r0,
                                      size_t r1, int C, int G, float eps) {
    int gs = C / G;
    for (size_t r = r0; r < r1; r++) {
        for (int g = 0; g < G; g++) {
            size_t off = r * (size_t)C + (size_t)g * gs;
            const float *xg = x + off;
            float *yg = y + off;
            const float *wg = w + g * gs;
            double m = sum_d(xg, gs) / gs;
            double var = sqdev_d(xg, gs, m) / gs;
            float mf = (float)m, ml = (float)(m - mf);
            float rs = (float)(1.0 / sqrt(var + eps));
            if (b) {
                const float *bg = b + g * gs;
                for (int i = 0; i < gs; i++)
                    yg[i] = ((xg[i] - mf) - ml) * rs * wg[i] + bg[i];
            } else {
                for (int i = 0; i < gs; i++)
                    yg[i] = ((xg[i] - mf) - ml) * rs * wg[i];
            }
            mean[r * G + g] = mf;
            mlo[r * G + g] = ml;
            rstd[r * G + g] = rs;
        }
    }
}

/* Rows [r0, r1) (one chunk): dx += the input gradient; pw[c] = sum over
 * the chunk's rows of xhat * dy and pb[c] = sum of dy (pb may be NULL).
 * dy, x: (rows, C); mean (hi, lo), rstd: (rows, G); w: (C). */
LMS_HOT static void layernorm_backward_rows(float *dx, float *pw, float *pb,
                                            const float *dy, const float *x,
                                            const float *mean, const float *mlo,
                                            const float *rstd, const float *w,
                                            size_t r0, size_t r1, int C, int G,
                                            int wide_dx) {
    int gs = C / G;
    memset(pw, 0, (size_t)C * sizeof *pw);
    if (pb)
        memset(pb, 0, (size_t)C * sizeof *pb);
    for (size_t r = r0; r < r1; r++) {
        for (int g = 0; g < G; g++) {
            size_t off = r * (size_t)C + (size_t)g * gs;
            const float *xg = x + off, *dyg = dy + off, *wg = w + g * gs;
            float *dxg = dx + off, *pwg = pw + g * gs;
            float m = mean[r * G + g], ml = mlo[r * G + g];
            float rs = rstd[r * G + g];
            double a[8] = {0, 0, 0, 0, 0, 0, 0, 0};
            double c[8] = {0, 0, 0, 0, 0, 0, 0, 0};
            int i = 0;
            for (; i + 8 <= gs; i += 8)
                for (int k = 0; k < 8; k++) {
                    float dn = dyg[i + k] * wg[i + k];
                    a[k] += dn;
                    c[k] += dn * (((xg[i + k] - m) - ml) * rs);
                }
            for (; i < gs; i++) {
                float dn = dyg[i] * wg[i];
                a[0] += dn;
                c[0] += dn * (((xg[i] - m) - ml) * rs);
            }
            if (wide_dx) {
                const double dm = lanes8(a) / gs, dxh = lanes8(c) / gs;
                for (i = 0; i < gs; i++) {
                    double xh = (((double)xg[i] - m) - ml) * rs;
                    double dn = (double)dyg[i] * wg[i];
                    dxg[i] += (float)((dn - dm - xh * dxh) * rs);
                    pwg[i] += (((xg[i] - m) - ml) * rs) * dyg[i];
                }
                if (pb)
                    for (i = 0; i < gs; i++)
                        pb[g * gs + i] += dyg[i];
                continue;
            }
            float dmean = (float)(lanes8(a) / gs);
            float dxhat = (float)(lanes8(c) / gs);
            for (i = 0; i < gs; i++) {
                float xhat = ((xg[i] - m) - ml) * rs;
                float dn = dyg[i] * wg[i];
                dxg[i] += (dn - dmean - xhat * dxhat) * rs;
                pwg[i] += xhat * dyg[i];
            }
            if (pb)
                for (i = 0; i < gs; i++)
                    pb[g * gs + i] += dyg[i];
        }
    }
}

/* dst[c0..c1) += sum over k < n of part[k*C + c], chunks in order */
LMS_HOT static void sum_partials(float *dst, const float *part, size_t n, int C,
                                 int c0, int c1) {
    for (int c = c0; c < c1; c++) {
        float acc = 0.0f;
        for (size_t k = 0; k < n; k++)
            acc += part[k * (size_t)C + c];
        dst[c] += acc;
    }
}

/* Items of the host's parallel_for: chunks of ROW_CHUNK rows (forward,
 * backward's dx and partial sums) or blocks of 32 columns (backward's sums
 * of the partials). Below PAR_MIN floats one call does them all. The chunks
 * are fixed, so results do not depend on the thread count. */
typedef struct ln_call {
    const layernorm *s;
    const lms_fwd *f;
    const lms_bwd *b;
    size_t rows, nchunk;
    float *pw, *pb; /* backward: per-chunk weight / bias gradient sums */
} ln_call;

static size_t grain(const ln_call *c, size_t items) {
    return c->rows * (size_t)c->s->cols >= PAR_MIN ? 1 : items;
}

static void fwd_chunks(void *ctx, size_t lo, size_t hi) {
    const ln_call *c = ctx;
    const layernorm *s = c->s;
    const lms_fwd *a = c->f;
    size_t n = s->rows * (size_t)s->groups;
    float *mean = a->cache, *mlo = a->cache + n, *rstd = a->cache + 2 * n;
    for (size_t k = lo; k < hi; k++) {
        size_t r = k * ROW_CHUNK;
        layernorm_forward(a->y, mean, mlo, rstd, a->x, a->w[0],
                          s->bias ? a->w[1] : NULL, r,
                          r + ROW_CHUNK < c->rows ? r + ROW_CHUNK : c->rows,
                          s->cols, s->groups, s->eps);
    }
}

static void ln_forward(void *self, const lms_fwd *a) {
    const layernorm *s = self;
    ln_call c = {.s = s, .f = a, .rows = a->rows,
                 .nchunk = (a->rows + ROW_CHUNK - 1) / ROW_CHUNK};
    lms_parallel_for(s->host, c.nchunk, grain(&c, c.nchunk), fwd_chunks, &c);
}

static void bwd_chunks(void *ctx, size_t lo, size_t hi) {
    const ln_call *c = ctx;
    const layernorm *s = c->s;
    const lms_bwd *a = c->b;
    const int C = s->cols;
    size_t n = s->rows * (size_t)s->groups;
    const float *mean = a->cache, *mlo = a->cache + n, *rstd = a->cache + 2 * n;
    for (size_t k = lo; k < hi; k++) {
        size_t r = k * ROW_CHUNK;
        layernorm_backward_rows(
            a->dx, c->pw + k * C, c->pb ? c->pb + k * C : NULL, a->dy, a->x,
            mean, mlo, rstd, a->w[0], r,
            r + ROW_CHUNK < c->rows ? r + ROW_CHUNK : c->rows, C, s->groups,
            s->wide_dx);
    }
}

static void sum_blocks(void *ctx, size_t lo, size_t hi) {
    const ln_call *c = ctx;
    const int C = c->s->cols;
    for (size_t k = lo; k < hi; k++) {
        int c0 = (int)k * 32, c1 = c0 + 32 < C ? c0 + 32 : C;
        sum_partials(c->b->dw[0], c->pw, c->nchunk, C, c0, c1);
        if (c->pb)
            sum_partials(c->b->dw[1], c->pb, c->nchunk, C, c0, c1);
    }
}

static void ln_backward(void *self, const lms_bwd *a) {
    const layernorm *s = self;
    const int C = s->cols;
    ln_call c = {.s = s, .b = a, .rows = a->rows,
                 .nchunk = (a->rows + ROW_CHUNK - 1) / ROW_CHUNK};
    c.pw = a->scratch;
    c.pb = s->bias ? a->scratch + c.nchunk * C : NULL;
    /* one pass over row chunks: dx, and each chunk's weight/bias gradient
     * sums; then the chunks' sums are added in chunk order per column */
    lms_parallel_for(s->host, c.nchunk, grain(&c, c.nchunk), bwd_chunks, &c);
    size_t nblk = ((size_t)C + 31) / 32;
    lms_parallel_for(s->host, nblk, grain(&c, nblk), sum_blocks, &c);
}

static const lms_descriptor ln_desc = {
    .abi_major = LMS_ABI_MAJOR,
    .abi_minor = LMS_ABI_MINOR,
    .size = sizeof(lms_descriptor),
    .name = "layernorm",
    .kind = LMS_KIND_NORM,
    .version = "1.1.0",
    .summary = "LayerNorm (PyTorch semantics) with weight, optional bias and "
               "optional per-group statistics",
    .keys = ln_keys,
    .slots = NULL,
    .create = ln_create,
    .set = ln_set,
    .plan = ln_plan,
    .forward = ln_forward,
    .backward = ln_backward,
    .destroy = lms_state_free,
    .max_params = 2,
    .max_stats = 0,
};

LMS_PLUGIN_ENTRY(&ln_desc)
