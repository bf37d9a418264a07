/*
 * layerscale: LayerScale (Touvron et al. 2021, "Going deeper with Image
 * Transformers", CaiT): a learned per-channel gain on a residual branch's
 * output, started small so that each block begins close to the identity:
 *
 *   y = x * gamma,  gamma: (C) initialised to the constant `init`
 *
 * Place it last in a branch (`attn = ln1, qkv, attn, proj, ls1`).
 * Backward: dx += dy * gamma; dgamma += sum over rows of dy * x.
 * Shapes: x, y: (rows, C); gamma: (C). No cache.
 */
#include <stddef.h>
#include <stdio.h>

#include "lmstab/plugin.h"
#include "lmstab/plugin_util.h"

typedef struct layerscale {
    float init;
    /* planned */
    int cols;
} layerscale;

static const lms_key ls_keys[] = {
    {"init", LMS_VALUE_FLOAT, "0.1",
     "initial value of every channel's gain (CaiT: 0.1 up to 18 layers, "
     "1e-5 for deeper)",
     offsetof(layerscale, init), 0, 0, 0, NULL, NULL},
    LMS_KEYS_END,
};

static int ls_set(void *self, const char *key, const char *value, char *err,
                  size_t errlen) {
    return lms_keys_set(self, ls_keys, key, value, err, errlen);
}

static void *ls_create(const lms_host *host, char *err, size_t errlen) {
    (void)host;
    return lms_state_new(sizeof(layerscale), ls_keys, ls_set, err, errlen);
}

static int ls_plan(void *self, const lms_model_info *model, lms_plan *plan,
                   char *err, size_t errlen) {
    layerscale *s = self;
    (void)model;
    s->cols = plan->in_cols;
    plan->out_cols = plan->in_cols;
    if (lms_plan_add_param(plan, "gamma", 1, s->cols, 0, LMS_INIT_CONSTANT,
                           s->init) < 0) {
        snprintf(err, errlen, "too many parameters");
        return -1;
    }
    return 0;
}

/* y: (rows, C) = x * gamma: (C) */
static void ls_forward(void *self, const lms_fwd *a) {
    const layerscale *s = self;
    const int C = s->cols;
    const float *g = a->w[0];
    for (size_t r = 0; r < a->rows; r++) {
        const float *x = a->x + r * C;
        float *y = a->y + r * C;
        for (int c = 0; c < C; c++)
            y[c] = x[c] * g[c];
    }
}

/* dx += dy * gamma; dgamma += sum_r dy * x */
static void ls_backward(void *self, const lms_bwd *a) {
    const layerscale *s = self;
    const int C = s->cols;
    const float *g = a->w[0];
    float *dg = a->dw[0];
    for (size_t r = 0; r < a->rows; r++) {
        const float *x = a->x + r * C, *dy = a->dy + r * C;
        float *dx = a->dx + r * C;
        for (int c = 0; c < C; c++) {
            dx[c] += dy[c] * g[c];
            dg[c] += dy[c] * x[c];
        }
    }
}

static const lms_descriptor ls_desc = {
    .abi_major = LMS_ABI_MAJOR,
    .abi_minor = LMS_ABI_MINOR,
    .size = sizeof(lms_descriptor),
    .name = "layerscale",
    .kind = LMS_KIND_ACTIVATION,
    .version = "1.0.0",
    .summary = "LayerScale y = x * gamma, a learned per-channel gain on a "
               "branch output (Touvron et al. 2021)",
    .keys = ls_keys,
    .slots = NULL,
    .create = ls_create,
    .set = ls_set,
    .plan = ls_plan,
    .forward = ls_forward,
    .backward = ls_backward,
    .destroy = lms_state_free,
    .max_params = 1,
    .max_stats = 0,
};

LMS_PLUGIN_ENTRY(&ls_desc)
