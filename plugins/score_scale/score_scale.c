/*
 * score_scale: y = beta * x, elementwise.
 *
 * The "soft temperature" baseline of Rybakov et al. 2024: as attention's
 * score_cap it divides the scaled scores by a temperature 1/beta (beta < 1
 * flattens the attention distribution and shrinks the score gradients by
 * beta), without bounding them as tanh_cap does.
 *
 * Backward: dx += beta * dy.
 * Shapes: x, y: (rows, cols), any layout. No parameters, no cache.
 */
#include <stddef.h>

#include "lmstab/plugin.h"
#include "lmstab/plugin_util.h"

typedef struct score_scale {
    float beta;
    /* planned */
    int cols;
} score_scale;

static const lms_key ss_keys[] = {
    {"beta", LMS_VALUE_FLOAT, "0.5", "multiplier of the scores (1/temperature)",
     offsetof(score_scale, beta), LMS_GT, 0, 0, NULL, NULL},
    LMS_KEYS_END,
};

static int ss_set(void *self, const char *key, const char *value, char *err,
                  size_t errlen) {
    return lms_keys_set(self, ss_keys, key, value, err, errlen);
}

static void *ss_create(const lms_host *host, char *err, size_t errlen) {
    (void)host;
    return lms_state_new(sizeof(score_scale), ss_keys, ss_set, err, errlen);
}

static int ss_plan(void *self, const lms_model_info *model, lms_plan *plan,
                   char *err, size_t errlen) {
    score_scale *s = self;
    (void)model;
    (void)err;
    (void)errlen;
    s->cols = plan->in_cols;
    plan->out_cols = plan->in_cols;
    return 0;
}

/* y: (rows, cols) = beta * x */
static void ss_forward(void *self, const lms_fwd *a) {
    const score_scale *s = self;
    const size_t n = a->rows * (size_t)s->cols;
    const float beta = s->beta;
    for (size_t i = 0; i < n; i++)
        a->y[i] = beta * a->x[i];
}

/* dx += beta * dy */
static void ss_backward(void *self, const lms_bwd *a) {
    const score_scale *s = self;
    const size_t n = a->rows * (size_t)s->cols;
    const float beta = s->beta;
    for (size_t i = 0; i < n; i++)
        a->dx[i] += beta * a->dy[i];
}

static const lms_descriptor ss_desc = {
    .abi_major = LMS_ABI_MAJOR,
    .abi_minor = LMS_ABI_MINOR,
    .size = sizeof(lms_descriptor),
    .name = "score_scale",
    .kind = LMS_KIND_SCORE_MAP,
    .version = "1.0.0",
    .summary = "soft temperature y = beta * x on attention scores or logits",
    .keys = ss_keys,
    .slots = NULL,
    .create = ss_create,
    .set = ss_set,
    .plan = ss_plan,
    .forward = ss_forward,
    .backward = ss_backward,
    .destroy = lms_state_free,
    .max_params = 0,
    .max_stats = 0,
};

LMS_PLUGIN_ENTRY(&ss_desc)
