/*
 * linear: y = x W^T + b (PyTorch nn.Linear; W is (out, in)), one sgemm over
 * all rows through the host table.
 *
 * Shapes: x: (rows, in); y: (rows, out); weight: (out, in); bias: (out).
 * out = `out` when set, else out_mult * d_model.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lmstab/plugin.h"

typedef struct linear {
    const lms_host *host;
    int out_mult;
    int out;
    int bias;
    float init_std;
    int residual_init;
    /* planned */
    int in_f, out_f;
} linear;

/* ---- key parsing ------------------------------------------------------- */

static int parse_number(const char *s, double *out) {
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(d))
        return -1;
    *out = d;
    return 0;
}

static int parse_int(const char *s, long lo, long hi, long *out) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_bool(const char *s, int *out) {
    if (!strcmp(s, "true") || !strcmp(s, "1"))
        *out = 1;
    else if (!strcmp(s, "false") || !strcmp(s, "0"))
        *out = 0;
    else
        return -1;
    return 0;
}

/* ---- hooks -------------------------------------------------------------- */

static void *lin_create(const lms_host *host, char *err, size_t errlen) {
    if (!host || host->size < offsetof(lms_host, sgemm) + sizeof host->sgemm ||
        !host->sgemm) {
        snprintf(err, errlen, "the host provides no sgemm");
        return NULL;
    }
    linear *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->host = host;
    s->out_mult = 1;
    s->out = 0;
    s->bias = 1;
    s->init_std = 0.02f;
    s->residual_init = 0;
    return s;
}

static void lin_destroy(void *self) {
    free(self);
}

static int lin_set(void *self, const char *key, const char *value, char *err,
                   size_t errlen) {
    linear *s = self;
    long v;
    double d;
    if (!strcmp(key, "out_mult")) {
        if (parse_int(value, 1, 1 << 16, &v) != 0) {
            snprintf(err, errlen, "must be an integer >= 1 (got '%s')", value);
            return -1;
        }
        s->out_mult = (int)v;
    } else if (!strcmp(key, "out")) {
        if (parse_int(value, 0, 1 << 24, &v) != 0) {
            snprintf(err, errlen,
                     "must be an integer >= 0 (0 = use out_mult) (got '%s')",
                     value);
            return -1;
        }
        s->out = (int)v;
    } else if (!strcmp(key, "bias")) {
        if (parse_bool(value, &s->bias) != 0) {
            snprintf(err, errlen, "must be true or false (got '%s')", value);
            return -1;
        }
    } else if (!strcmp(key, "init_std")) {
        if (parse_number(value, &d) != 0 || !(d > 0) || !((float)d > 0) ||
            !isfinite((float)d)) {
            snprintf(err, errlen, "must be a finite number > 0 (got '%s')",
                     value);
            return -1;
        }
        s->init_std = (float)d;
    } else if (!strcmp(key, "residual_init")) {
        if (parse_bool(value, &s->residual_init) != 0) {
            snprintf(err, errlen, "must be true or false (got '%s')", value);
            return -1;
        }
    } else {
        snprintf(err, errlen, "unknown key '%s'", key);
        return -1;
    }
    return 0;
}

static int lin_plan(void *self, const lms_model_info *model, lms_plan *plan,
                    char *err, size_t errlen) {
    linear *s = self;
    long out = s->out > 0 ? s->out : (long)s->out_mult * model->d_model;
    if (out <= 0 || out > (1 << 24)) {
        snprintf(err, errlen,
                 "output width %ld is invalid (out_mult = %d, d_model = %d); "
                 "set out or out_mult",
                 out, s->out_mult, model->d_model);
        return -1;
    }
    s->in_f = plan->in_cols;
    s->out_f = (int)out;
    plan->out_cols = s->out_f;
    plan->n_params = s->bias ? 2 : 1;
    plan->params[0] = (lms_param_decl){
        .name = "weight",
        .ndim = 2,
        .shape = {s->out_f, s->in_f},
        .init = s->residual_init ? LMS_INIT_NORMAL_RESIDUAL : LMS_INIT_NORMAL,
        .std = s->init_std};
    if (s->bias)
        plan->params[1] = (lms_param_decl){.name = "bias",
                                           .ndim = 1,
                                           .shape = {s->out_f, 0},
                                           .init = LMS_INIT_ZEROS};
    return 0;
}

/* y: (rows, out) = x: (rows, in) @ w^T: (in, out) + b: (out) (b may be NULL) */
static void lin_forward(void *self, const lms_fwd *a) {
    const linear *s = self;
    int N = (int)a->rows, I = s->in_f, O = s->out_f;
    const float *b = s->bias ? a->w[1] : NULL;
    if (b)
        for (int r = 0; r < N; r++)
            memcpy(a->y + (size_t)r * O, b, (size_t)O * sizeof *b);
    s->host->sgemm(0, 1, N, O, I, 1.0f, a->x, I, a->w[0], I, b ? 1.0f : 0.0f,
                   a->y, O);
}

/* dx += dy W; dW += dy^T x; db += column sums of dy */
static void lin_backward(void *self, const lms_bwd *a) {
    const linear *s = self;
    int N = (int)a->rows, I = s->in_f, O = s->out_f;
    s->host->sgemm(0, 0, N, I, O, 1.0f, a->dy, O, a->w[0], I, 1.0f, a->dx, I);
    s->host->sgemm(1, 0, O, I, N, 1.0f, a->dy, O, a->x, I, 1.0f, a->dw[0], I);
    if (s->bias) {
        float *db = a->dw[1];
        for (int r = 0; r < N; r++) {
            const float *d = a->dy + (size_t)r * O;
            for (int c = 0; c < O; c++)
                db[c] += d[c];
        }
    }
}

static const lms_key lin_keys[] = {
    {"out_mult", LMS_VALUE_INT, "1",
     "output width = out_mult * d_model (integer >= 1), unless out is set"},
    {"out", LMS_VALUE_INT, "0", "absolute output width; 0 = use out_mult"},
    {"bias", LMS_VALUE_BOOL, "true", "add a learned bias (true/false)"},
    {"init_std", LMS_VALUE_FLOAT, "0.02",
     "weights start as N(0, init_std); finite > 0"},
    {"residual_init", LMS_VALUE_BOOL, "false",
     "scale init_std by 1/sqrt(2*n_layer) (GPT-2 residual projections)"},
    {NULL, 0, NULL, NULL},
};

static const lms_descriptor lin_desc = {
    .abi_major = LMS_ABI_MAJOR,
    .abi_minor = LMS_ABI_MINOR,
    .size = sizeof(lms_descriptor),
    .name = "linear",
    .kind = LMS_KIND_LINEAR,
    .version = "1.0.0",
    .summary = "fully connected layer y = x W^T + b (PyTorch layout)",
    .keys = lin_keys,
    .slots = NULL,
    .create = lin_create,
    .set = lin_set,
    .plan = lin_plan,
    .forward = lin_forward,
    .backward = lin_backward,
    .destroy = lin_destroy,
};

LMS_PLUGIN_ENTRY(&lin_desc)
