/*
 * tanh_cap: soft cap y = cap * tanh(x / cap), elementwise.
 *
 * As attention's score_cap it bounds the scaled scores to (-cap, cap)
 * (Gemma 2, Grok-1; method 3 of Rybakov et al. 2024 with cap = 50); as the
 * model's logit_cap it bounds the output logits (Gemma 2 uses cap = 30).
 * Near 0 it is the identity (slope 1); |y| < cap for every finite x, and
 * y = +-cap exactly once |x| / cap > ~9.
 *
 * Backward: dx += dy * (1 - (y / cap)^2), computed from the forward output.
 * Shapes: x, y: (rows, cols), any layout (as a score map: (B,H,T,Tc)).
 * No parameters, no cache.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lmstab/plugin.h"
#include "lmstab/plugin_math.h"
#include "lmstab/plugin_util.h"

typedef struct tanh_cap {
    float cap;
    /* planned */
    int cols;
} tanh_cap;

/*
 * tanh(z) in float, branch-free (Cephes tanhf): an odd polynomial for
 * |z| < 0.625, 1 - 2 / (exp(2|z|) + 1) with z's sign above. Within 1.2 ulp
 * of tanh on [-20, 20]; +-1 for huge |z| and +-inf, NaN for NaN.
 */
static inline float vtanhf(float z) {
    float az = fabsf(z);
    float z2 = z * z;
    float p = -5.70498872745e-3f;
    p = p * z2 + 2.06390887954e-2f;
    p = p * z2 - 5.37397155531e-2f;
    p = p * z2 + 1.33314422036e-1f;
    p = p * z2 - 3.33332819422e-1f;
    float small = p * z2 * z + z;
    float big = copysignf(1.0f - 2.0f / (lms_expf(2.0f * az) + 1.0f), z);
    return lms_fsel(az < 0.625f, small, big);
}

/* ---- hooks -------------------------------------------------------------- */

static const lms_key tc_keys[] = {
    {"cap", LMS_VALUE_FLOAT, "50",
     "outputs stay within (-cap, cap) (50 for scores, 30 for logits as in "
     "Gemma 2)",
     offsetof(tanh_cap, cap), LMS_GT, 0, 0, NULL, NULL},
    LMS_KEYS_END,
};

static int tc_set(void *self, const char *key, const char *value, char *err,
                  size_t errlen) {
    return lms_keys_set(self, tc_keys, key, value, err, errlen);
}

static void *tc_create(const lms_host *host, char *err, size_t errlen) {
    (void)host;
    return lms_state_new(sizeof(tanh_cap), tc_keys, tc_set, err, errlen);
}

static int tc_plan(void *self, const lms_model_info *model, lms_plan *plan,
                   char *err, size_t errlen) {
    tanh_cap *s = self;
    (void)model;
    (void)err;
    (void)errlen;
    s->cols = plan->in_cols;
    plan->out_cols = plan->in_cols;
    return 0;
}

/* y = cap * tanh(x / cap) <- x: (n) */
static void tanh_cap_forward(float *y, const float *x, size_t n, float cap) {
    for (size_t i = 0; i < n; i++)
        y[i] = cap * vtanhf(x[i] / cap);
}

/* dx += dy * (1 - (y / cap)^2) <- dy, y: (n) */
static void tanh_cap_backward(float *dx, const float *dy, const float *y,
                              size_t n, float cap) {
    for (size_t i = 0; i < n; i++) {
        float t = y[i] / cap; /* exactly +-1 where y saturated at +-cap */
        dx[i] += dy[i] * (1.0f - t * t);
    }
}

static void tc_forward(void *self, const lms_fwd *a) {
    const tanh_cap *s = self;
    tanh_cap_forward(a->y, a->x, a->rows * (size_t)s->cols, s->cap);
}

static void tc_backward(void *self, const lms_bwd *a) {
    const tanh_cap *s = self;
    tanh_cap_backward(a->dx, a->dy, a->y, a->rows * (size_t)s->cols, s->cap);
}

static const lms_descriptor tc_desc = {
    .abi_major = LMS_ABI_MAJOR,
    .abi_minor = LMS_ABI_MINOR,
    .size = sizeof(lms_descriptor),
    .name = "tanh_cap",
    .kind = LMS_KIND_SCORE_MAP,
    .version = "1.0.0",
    .summary = "soft cap y = cap * tanh(x / cap) for attention scores or "
               "output logits",
    .keys = tc_keys,
    .slots = NULL,
    .create = tc_create,
    .set = tc_set,
    .plan = tc_plan,
    .forward = tc_forward,
    .backward = tc_backward,
    .destroy = lms_state_free,
    .max_params = 0,
    .max_stats = 0,
};

LMS_PLUGIN_ENTRY(&tc_desc)
