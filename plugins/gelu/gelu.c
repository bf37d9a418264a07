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
    (void)host;
    return lms_state_new(sizeof(gelu), ge_keys, ge_set, err, errlen);
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

/* Elementwise, so chunks may run on any thread in any order. */
static void ge_forward(void *self, const lms_fwd *a) {
    const gelu *s = self;
    long n = (long)(a->rows * (size_t)s->cols);
#pragma omp parallel for schedule(static) if (n >= 4 * GELU_CHUNK)
    for (long i = 0; i < n; i += GELU_CHUNK)
        gelu_forward(a->y + i, a->x + i,
                     (size_t)(n - i < GELU_CHUNK ? n - i : GELU_CHUNK));
}

static void ge_backward(void *self, const lms_bwd *a) {
    const gelu *s = self;
    long n = (long)(a->rows * (size_t)s->cols);
#pragma omp parallel for schedule(static) if (n >= 4 * GELU_CHUNK)
    for (long i = 0; i < n; i += GELU_CHUNK)
        gelu_backward(a->dx + i, a->dy + i, a->x + i,
                      (size_t)(n - i < GELU_CHUNK ? n - i : GELU_CHUNK));
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
};

LMS_PLUGIN_ENTRY(&ge_desc)
