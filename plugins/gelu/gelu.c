/*
 * gelu: the tanh approximation used by GPT-2 (PyTorch approximate='tanh'):
 *
 *   y = 0.5 x (1 + tanh(u)),  u = sqrt(2/pi) (x + 0.044715 x^3)
 *
 * computed as y = x * sigmoid(2u), the same function, so that the loops
 * vectorize with a polynomial exp (libm's expf/tanhf do not vectorize without
 * -ffast-math, which this project never uses). Backward recomputes from x.
 * Shapes: x, y: (rows, C), elementwise; no parameters, no cache.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lmstab/plugin.h"
#include "lmstab/plugin_math.h"
#include "lmstab/plugin_util.h"

/* Elements per parallel chunk (OpenMP threads of lms_set_threads). */
#define GELU_CHUNK 16384

#define GELU_S 0.7978845608028654f /* sqrt(2/pi) */
#define GELU_C 0.044715f

typedef struct gelu {
    const lms_host *host;
    int cols;
} gelu;

/* y = gelu(x), n elements */
LMS_HOT static void gelu_forward(float *y, const float *x, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        float u = GELU_S * (v + GELU_C * v * v * v);
        y[i] = v / (1.0f + lms_expf(-2.0f * u));
    }
}

/* dx += dy * gelu'(x), n elements */
LMS_HOT static void gelu_backward(float *dx, const float *dy, const float *x,
                                  size_t n) {
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        float u = GELU_S * (v + GELU_C * v * v * v);
        float e = lms_expf(-2.0f * u);
        float sg = 1.0f / (1.0f + e); /* (1 + tanh u) / 2 */
        float omsg =
            e < 1.0f ? e * sg : 1.0f - sg; /* 1 - sg, no cancellation */
        float du = GELU_S * (1.0f + 3.0f * GELU_C * v * v);
        /* d/dx [x sg] = sg + x * 2 sg (1 - sg) du */
        float g = sg + v * 2.0f * sg * omsg * du;
        dx[i] += dy[i] * g;
    }
}

static const lms_key ge_keys[] = {LMS_KEYS_END};

/* The core refuses every key first (there are none); this only answers a
 * direct call. */
static int ge_set(void *self, const char *key, const char *value, char *err,
                  size_t errlen) {
    (void)self;
    (void)value;
    snprintf(err, errlen, "unknown key '%s' (gelu takes no keys)", key);
    return -1;
}

static void *ge_create(const lms_host *host, char *err, size_t errlen) {
    gelu *s = lms_state_new(sizeof(gelu), ge_keys, ge_set, err, errlen);
    if (s)
        s->host = host;
    return s;
}

static int ge_plan(void *self, const lms_model_info *model, lms_plan *plan,
                   char *err, size_t errlen) {
    gelu *s = self;
    (void)model;
    (void)err;
    (void)errlen;
    s->cols = plan->in_cols;
    plan->out_cols = plan->in_cols;
    return 0;
}

/* Elementwise, so chunks may run on any thread in any order. Items of the
 * host's parallel_for are chunks of GELU_CHUNK floats; below 4 chunks one
 * call does them all. */
typedef struct ge_call {
    float *out;                  /* y (forward) or dx (backward) */
    const float *x, *dy;         /* dy: NULL in forward */
    size_t n;
} ge_call;

static void ge_chunks(void *ctx, size_t lo, size_t hi) {
    const ge_call *c = ctx;
    for (size_t k = lo; k < hi; k++) {
        size_t i = k * GELU_CHUNK;
        size_t m = c->n - i < GELU_CHUNK ? c->n - i : GELU_CHUNK;
        if (c->dy)
            gelu_backward(c->out + i, c->dy + i, c->x + i, m);
        else
            gelu_forward(c->out + i, c->x + i, m);
    }
}

static void ge_run(const gelu *s, const ge_call *c) {
    size_t nchunk = (c->n + GELU_CHUNK - 1) / GELU_CHUNK;
    lms_parallel_for(s->host, nchunk, c->n >= 4 * GELU_CHUNK ? 1 : nchunk,
                     ge_chunks, (void *)c);
}

static void ge_forward(void *self, const lms_fwd *a) {
    const gelu *s = self;
    ge_call c = {a->y, a->x, NULL, a->rows * (size_t)s->cols};
    ge_run(s, &c);
}

static void ge_backward(void *self, const lms_bwd *a) {
    const gelu *s = self;
    ge_call c = {a->dx, a->x, a->dy, a->rows * (size_t)s->cols};
    ge_run(s, &c);
}

static const lms_descriptor ge_desc = {
    .abi_major = LMS_ABI_MAJOR,
    .abi_minor = LMS_ABI_MINOR,
    .size = sizeof(lms_descriptor),
    .name = "gelu",
    .kind = LMS_KIND_ACTIVATION,
    .version = "1.0.0",
    .summary = "GELU, tanh approximation (GPT-2)",
    .keys = ge_keys,
    .slots = NULL,
    .create = ge_create,
    .set = ge_set,
    .plan = ge_plan,
    .forward = ge_forward,
    .backward = ge_backward,
    .destroy = lms_state_free,
    .max_params = 0,
    .max_stats = 0,
};

LMS_PLUGIN_ENTRY(&ge_desc)
