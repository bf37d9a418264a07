/*
 * clipped_softmax: stretch and clip attention probabilities (Bondarenko et
 * al. 2023, "Quantizable Transformers: Removing Outliers by Helping
 * Attention Heads Do Nothing"):
 *
 *   y = clip((zeta - gamma) * p + gamma, 0, 1),  zeta >= 1, gamma <= 0
 *
 * so that a head can give exactly 0 (and 1) probability with finite scores
 * instead of pushing them towards -inf. A zero input (a causally masked
 * entry) maps to clip(gamma) = 0 and stays 0.
 *
 * Backward: dx += (zeta - gamma) * dy where 0 < pre-clip value < 1, else 0
 * (computed from x, exactly as forward decides).
 * Shapes: x, y: (rows, cols), as a prob_map (B,H,T,Tc). No parameters.
 */
#include <stddef.h>

#include "lmstab/plugin.h"
#include "lmstab/plugin_util.h"

typedef struct clipped_softmax {
    float zeta, gamma;
    /* planned */
    int cols;
} clipped_softmax;

static const lms_key cs_keys[] = {
    {"zeta", LMS_VALUE_FLOAT, "1.03",
     "stretch upper end; probabilities above (1 - gamma) / (zeta - gamma) "
     "become 1",
     offsetof(clipped_softmax, zeta), LMS_GE, 1, 0, NULL, NULL},
    {"gamma", LMS_VALUE_FLOAT, "-0.03",
     "stretch lower end; probabilities below -gamma / (zeta - gamma) become "
     "0",
     offsetof(clipped_softmax, gamma), LMS_LE, 0, 0, NULL,
     "; a positive gamma would give masked entries probability gamma"},
    LMS_KEYS_END,
};

static int cs_set(void *self, const char *key, const char *value, char *err,
                  size_t errlen) {
    return lms_keys_set(self, cs_keys, key, value, err, errlen);
}

static void *cs_create(const lms_host *host, char *err, size_t errlen) {
    (void)host;
    return lms_state_new(sizeof(clipped_softmax), cs_keys, cs_set, err, errlen);
}

static int cs_plan(void *self, const lms_model_info *model, lms_plan *plan,
                   char *err, size_t errlen) {
    clipped_softmax *s = self;
    (void)model;
    (void)err;
    (void)errlen;
    s->cols = plan->in_cols;
    plan->out_cols = plan->in_cols;
    return 0;
}

/* y = clip(a * x + gamma, 0, 1), a = zeta - gamma <- x: (n) */
static void cs_forward(void *self, const lms_fwd *a) {
    const clipped_softmax *s = self;
    const size_t n = a->rows * (size_t)s->cols;
    const float st = s->zeta - s->gamma, g = s->gamma;
    const float *x = a->x;
    float *y = a->y;
    for (size_t i = 0; i < n; i++) {
        float v = st * x[i] + g;
        float c = v > 0.0f ? v : 0.0f;
        c = c < 1.0f ? c : 1.0f;
        y[i] = v != v ? v : c; /* a NaN input stays NaN */
    }
}

/* dx += a * dy where 0 < a * x + gamma < 1 */
static void cs_backward(void *self, const lms_bwd *a) {
    const clipped_softmax *s = self;
    const size_t n = a->rows * (size_t)s->cols;
    const float st = s->zeta - s->gamma, g = s->gamma;
    const float *x = a->x, *dy = a->dy;
    float *dx = a->dx;
    for (size_t i = 0; i < n; i++) {
        float v = st * x[i] + g;
        float pass = (v > 0.0f && v < 1.0f) ? st : 0.0f;
        dx[i] += pass * dy[i];
    }
}

static const lms_descriptor cs_desc = {
    .abi_major = LMS_ABI_MAJOR,
    .abi_minor = LMS_ABI_MINOR,
    .size = sizeof(lms_descriptor),
    .name = "clipped_softmax",
    .kind = LMS_KIND_PROB_MAP,
    .version = "1.0.0",
    .summary = "clipped softmax y = clip((zeta - gamma) p + gamma, 0, 1) "
               "(Bondarenko et al. 2023)",
    .keys = cs_keys,
    .slots = NULL,
    .create = cs_create,
    .set = cs_set,
    .plan = cs_plan,
    .forward = cs_forward,
    .backward = cs_backward,
    .destroy = lms_state_free,
    .max_params = 0,
    .max_stats = 0,
};

LMS_PLUGIN_ENTRY(&cs_desc)
