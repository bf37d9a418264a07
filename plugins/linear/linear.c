/*
 * linear: y = x W^T + b (PyTorch nn.Linear; W is (out, in)), one product
 * over all rows through the host table's matmul, so at [training]
 * precision = bf16 x, W (forward) and dy, W, x (backward) are rounded to
 * bfloat16 and summed in float32; the bias stays float32.
 *
 * Shapes: x: (rows, in); y: (rows, out); weight: (out, in); bias: (out).
 * out = `out` when set, else out_mult * d_model.
 */
#include <stddef.h>
#include <string.h>

#include "lmstab/plugin.h"
#include "lmstab/plugin_linear.h"
#include "lmstab/plugin_util.h"

/* Below this many floats the bias loops stay on one thread. */
#define PAR_MIN 65536

typedef struct linear {
    const lms_host *host;
    lms_linear_cfg cfg; /* the keys */
    /* planned */
    int in_f, out_f;
    int iw, ib; /* parameter indices: 0 and 1 (-1 without bias) */
} linear;

/* ---- hooks -------------------------------------------------------------- */

static const lms_key lin_keys[] = {
    LMS_LINEAR_KEYS,
    LMS_KEYS_END,
};

static int lin_set(void *self, const char *key, const char *value, char *err,
                   size_t errlen) {
    linear *s = self;
    return lms_linear_set(&s->cfg, key, value, err, errlen);
}

static void *lin_create(const lms_host *host, char *err, size_t errlen) {
    if (lms_host_need_sgemm(host, err, errlen) != 0)
        return NULL;
    linear *s = lms_state_new(sizeof(linear), lin_keys, lin_set, err, errlen);
    if (s)
        s->host = host;
    return s;
}

static int lin_plan(void *self, const lms_model_info *model, lms_plan *plan,
                    char *err, size_t errlen) {
    linear *s = self;
    int out =
        lms_linear_plan(&s->cfg, model, plan, &s->iw, &s->ib, err, errlen);
    if (out < 0)
        return -1;
    s->in_f = plan->in_cols;
    s->out_f = out;
    return 0;
}

/* db[c0, c1) += column sums of dy over all N rows, in row order */
static void col_sums(float *db, const float *dy, int N, int O, int c0, int c1) {
    for (int r = 0; r < N; r++) {
        const float *d = dy + (size_t)r * O;
        for (int c = c0; c < c1; c++)
            db[c] += d[c];
    }
}

/* Items of the host's parallel_for: rows (the bias copy) or 64-float
 * column blocks (the bias gradient, each column summed in row order
 * whatever the thread count). Below PAR_MIN floats one call does all. */
typedef struct lin_call {
    float *out;      /* y (forward) or db (backward) */
    const float *in; /* b (forward) or dy (backward) */
    int N, O;
} lin_call;

static size_t lin_grain(const lin_call *c, size_t items) {
    return (size_t)c->N * c->O >= PAR_MIN ? 1 : items;
}

static void bias_rows(void *ctx, size_t lo, size_t hi) {
    const lin_call *c = ctx;
    for (size_t r = lo; r < hi; r++)
        memcpy(c->out + r * c->O, c->in, (size_t)c->O * sizeof *c->in);
}

static void bias_blocks(void *ctx, size_t lo, size_t hi) {
    const lin_call *c = ctx;
    for (size_t k = lo; k < hi; k++) {
        int c0 = (int)k * 64;
        col_sums(c->out, c->in, c->N, c->O, c0, c0 + 64 < c->O ? c0 + 64 : c->O);
    }
}

static void bias_grad(const linear *s, float *db, const float *dy, int N,
                      int O) {
    lin_call c = {db, dy, N, O};
    size_t nblk = ((size_t)O + 63) / 64;
    lms_parallel_for(s->host, nblk, lin_grain(&c, nblk), bias_blocks, &c);
}

/* y: (rows, out) = x: (rows, in) @ w^T: (in, out) + b: (out) (b may be NULL) */
static void lin_forward(void *self, const lms_fwd *a) {
    const linear *s = self;
    int N = (int)a->rows, I = s->in_f, O = s->out_f;
    const float *b = s->cfg.bias ? a->w[1] : NULL;
    if (b) {
        lin_call c = {a->y, b, N, O};
        lms_parallel_for(s->host, (size_t)N, lin_grain(&c, (size_t)N),
                         bias_rows, &c);
    }
    lms_host_matmul(s->host, 0, 1, N, O, I, 1.0f, a->x, I, a->w[0], I,
                    b ? 1.0f : 0.0f, a->y, O);
}

/* dx += dy W; dW += dy^T x; db += column sums of dy */
static void lin_backward(void *self, const lms_bwd *a) {
    const linear *s = self;
    int N = (int)a->rows, I = s->in_f, O = s->out_f;
    lms_host_matmul(s->host, 0, 0, N, I, O, 1.0f, a->dy, O, a->w[0], I, 1.0f,
                    a->dx, I);
    lms_host_matmul(s->host, 1, 0, O, I, N, 1.0f, a->dy, O, a->x, I, 1.0f,
                    a->dw[0], I);
    if (s->cfg.bias)
        bias_grad(s, a->dw[1], a->dy, N, O);
}

static const lms_descriptor lin_desc = {
    .abi_major = LMS_ABI_MAJOR,
    .abi_minor = LMS_ABI_MINOR,
    .size = sizeof(lms_descriptor),
    .name = "linear",
    .kind = LMS_KIND_LINEAR,
    .version = "1.1.0",
    .summary = "fully connected layer y = x W^T + b (PyTorch layout)",
    .keys = lin_keys,
    .slots = NULL,
    .create = lin_create,
    .set = lin_set,
    .plan = lin_plan,
    .forward = lin_forward,
    .backward = lin_backward,
    .destroy = lms_state_free,
    .max_params = 2,
    .max_stats = 0,
};

LMS_PLUGIN_ENTRY(&lin_desc)
