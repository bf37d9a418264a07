/*
 * z_loss: the auxiliary "z-loss" of PaLM (Chowdhery et al. 2022), studied
 * for stability by Wortsman et al. 2023 ("Small-scale proxies for
 * large-scale Transformer training instabilities"): per token,
 *
 *   y[r] = coeff * lse(x[r])^2,  lse(x) = log(sum_v exp(x[v]))
 *
 * added to the loss by the core (averaged over tokens like the cross
 * entropy). It pulls the softmax normaliser log Z towards 0 and so keeps
 * the output logits from drifting to large values.
 *
 * lse is computed stably (max subtracted) with the sum in double; the row
 * max m and log of the shifted sum ls are cached so that backward rebuilds
 * softmax = exp((x - m) - ls) without cancellation.
 * Backward: dx[r, v] += dy[r] * coeff * 2 * lse[r] * softmax(x[r])[v].
 * Shapes: x: (rows, V) logits; y: (rows, 1); cache m, ls: (rows) each.
 * The portable build has no FMA contraction here (CMakeLists.txt), so the
 * AVX2 and AVX-512 clones (LMS_HOT) round as the baseline one does, on
 * every CPU.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lmstab/plugin.h"
#include "lmstab/plugin_math.h"
#include "lmstab/plugin_util.h"

typedef struct z_loss {
    float coeff;
    /* planned */
    int V;
    size_t rows;
} z_loss;

/* ---- hooks -------------------------------------------------------------- */

static const lms_key zl_keys[] = {
    {"coeff", LMS_VALUE_FLOAT, "1e-4",
     "weight of lse^2 per token (PaLM: 1e-4); 0 disables",
     offsetof(z_loss, coeff), LMS_GE, 0, 0, NULL, NULL},
    LMS_KEYS_END,
};

static int zl_set(void *self, const char *key, const char *value, char *err,
                  size_t errlen) {
    return lms_keys_set(self, zl_keys, key, value, err, errlen);
}

static void *zl_create(const lms_host *host, char *err, size_t errlen) {
    (void)host;
    return lms_state_new(sizeof(z_loss), zl_keys, zl_set, err, errlen);
}

static int zl_plan(void *self, const lms_model_info *model, lms_plan *plan,
                   char *err, size_t errlen) {
    z_loss *s = self;
    (void)model;
    if (plan->in_cols < 1) {
        snprintf(err, errlen, "needs at least one logit per row (got %d)",
                 plan->in_cols);
        return -1;
    }
    s->V = plan->in_cols;
    s->rows = plan->in_rows;
    plan->out_cols = 1;
    plan->cache_floats = 2 * plan->in_rows;
    return 0;
}


/* sum of exp(x[j] - m) over [0, n) in double, 8 lanes (each lane in
 * order, so the vector width changes no bit) */
LMS_HOT static double row_sumexp(const float *x, int n, float m) {
    double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int j = 0;
    for (; j + 8 <= n; j += 8)
        for (int k = 0; k < 8; k++)
            s[k] += lms_expf(x[j + k] - m);
    for (; j < n; j++)
        s[0] += lms_expf(x[j] - m);
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

/* y: (rows, 1), cache m, ls: (rows) <- x: (rows, V) */
static void zl_forward(void *self, const lms_fwd *a) {
    const z_loss *s = self;
    const int V = s->V;
    float *mc = a->cache, *lsc = a->cache + s->rows;
    for (size_t r = 0; r < a->rows; r++) {
        const float *x = a->x + r * V;
        float m = lms_row_max(x, V);
        double ls = log(row_sumexp(x, V, m));
        double lse = (double)m + ls;
        mc[r] = m;
        lsc[r] = (float)ls;
        a->y[r] = (float)((double)s->coeff * lse * lse);
    }
}

/* dx[0, V) += g * exp((x - m) - ls) */
LMS_HOT static void row_backward(float *dx, const float *x, int V, float m,
                                 float ls, float g) {
    for (int v = 0; v < V; v++)
        dx[v] += g * lms_expf((x[v] - m) - ls);
}

/* dx[r, :] += dy[r] * coeff * 2 * lse * exp((x - m) - ls) */
static void zl_backward(void *self, const lms_bwd *a) {
    const z_loss *s = self;
    const int V = s->V;
    const float *mc = a->cache, *lsc = a->cache + s->rows;
    for (size_t r = 0; r < a->rows; r++) {
        const float *x = a->x + r * V;
        float *dx = a->dx + r * V;
        const float m = mc[r], ls = lsc[r];
        const float g =
            (float)((double)a->dy[r] * s->coeff * 2.0 * ((double)m + ls));
        if (g == 0.0f)
            continue; /* coeff = 0 (or a zero upstream gradient) */
        row_backward(dx, x, V, m, ls, g);
    }
}

static const lms_descriptor zl_desc = {
    .abi_major = LMS_ABI_MAJOR,
    .abi_minor = LMS_ABI_MINOR,
    .size = sizeof(lms_descriptor),
    .name = "z_loss",
    .kind = LMS_KIND_AUX_LOSS,
    .version = "1.0.0",
    .summary = "z-loss coeff * logsumexp(logits)^2 per token (PaLM, "
               "Wortsman et al. 2023)",
    .keys = zl_keys,
    .slots = NULL,
    .create = zl_create,
    .set = zl_set,
    .plan = zl_plan,
    .forward = zl_forward,
    .backward = zl_backward,
    .destroy = lms_state_free,
    .max_params = 0,
    .max_stats = 0,
};

LMS_PLUGIN_ENTRY(&zl_desc)
