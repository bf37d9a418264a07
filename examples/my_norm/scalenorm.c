/*
 * scalenorm: ScaleNorm (Nguyen & Salazar 2019, "Transformers without Tears:
 * Improving the Normalization of Self-Attention"): each row is projected onto
 * the sphere of a learned radius g, one scalar for the whole layer:
 *
 *   y = g * x / max(||x||_2, eps),   g initialised to sqrt(d) (key g_init)
 *
 * Used as attention's q_norm and k_norm it turns the scores into
 * g_q g_k cos(q, k) / sqrt(head_dim): the "QKNorm" of Henry et al. 2020, the
 * scaled cosine attention that bounds attention logits by construction.
 *
 * An out-of-tree lmstab plugin: it needs only <lmstab/plugin.h> (and the
 * header-only <lmstab/plugin_util.h> for its key parsing and threading) and
 * libm, and is built for plugin ABI 2.0 (the descriptor's max_params and
 * max_stats size the core's plan arrays; docs/plugins.md section 13 is the
 * port from 1.x). Rows run on the host's threads in fixed chunks
 * (lms_parallel_for);
 * the gradient of g is summed per chunk and the chunks are added in order,
 * so the result is the same for any thread count.
 * Shapes: x, y: (rows, C); g: (1); cache ||x||: (rows);
 *         scratch: one double per chunk of ROWS_PER_CHUNK rows.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <lmstab/plugin.h>
#include <lmstab/plugin_util.h>

#define ROWS_PER_CHUNK 64

typedef struct scalenorm {
    const lms_host *host;
    float eps;
    float g_init; /* <= 0: sqrt(C), decided at plan */
    int cols;     /* planned */
} scalenorm;

/* ---- hooks -----------------------------------------------------------------
 */

/* Each key declared once: type, default, help, member and valid values
 * (set() parses it from this entry, <lmstab/plugin_util.h>). */
static const lms_key sn_keys[] = {
    {"eps", LMS_VALUE_FLOAT, "1e-5",
     "lower bound of the row norm (rows shorter than eps are scaled by g/eps)",
     offsetof(scalenorm, eps), LMS_GT, 0, 0, NULL, NULL},
    {"g_init", LMS_VALUE_FLOAT, "sqrt_d",
     "initial radius g: 'sqrt_d' (sqrt of the row width, as in the paper) or "
     "a number",
     offsetof(scalenorm, g_init), LMS_GT, 0, 0,
     "'sqrt_d' or a finite number > 0", NULL},
    LMS_KEYS_END,
};

/* key is one of sn_keys (the core checked); the value is ours to validate.
 * On error: non-zero, "what is wrong" in err, self unchanged. */
static int sn_set(void *self, const char *key, const char *value, char *err,
                  size_t errlen) {
    scalenorm *s = self;
    if (!strcmp(key, "g_init") && !strcmp(value, "sqrt_d")) {
        s->g_init = 0.0f; /* sqrt(C), decided at plan */
        return 0;
    }
    return lms_keys_set(self, sn_keys, key, value, err, errlen);
}

/* Only configuration lives here, starting from the defaults of sn_keys:
 * buffers are the core's. */
static void *sn_create(const lms_host *host, char *err, size_t errlen) {
    scalenorm *s =
        lms_state_new(sizeof(scalenorm), sn_keys, sn_set, err, errlen);
    if (s)
        s->host = host; /* for lms_parallel_for */
    return s;
}

/* (rows, C) -> (rows, C); one parameter g of shape (1); one cached norm per
 * row. C is whatever the parent gives: d_model as a block op, head_dim as
 * attention's q_norm / k_norm. */
static int sn_plan(void *self, const lms_model_info *model, lms_plan *plan,
                   char *err, size_t errlen) {
    (void)model;
    scalenorm *s = self;
    int C = plan->in_cols;
    if (C < 1) {
        snprintf(err, errlen, "needs at least one input feature (got %d)", C);
        return -1;
    }
    s->cols = C;
    plan->out_cols = C;
    float g0 = s->g_init > 0 ? s->g_init : (float)sqrt((double)C);
    if (lms_plan_add_param(plan, "g", 1, 1, 0, LMS_INIT_CONSTANT, g0) < 0) {
        snprintf(err, errlen, "too many parameters");
        return -1;
    }
    plan->cache_floats = plan->in_rows;
    /* a double (2 floats) per chunk: the chunks' sums for dg */
    plan->scratch_floats =
        2 * ((plan->in_rows + ROWS_PER_CHUNK - 1) / ROWS_PER_CHUNK);
    return 0;
}

/* ||x|| of n floats, accumulated in double (rows of 1e20 do not overflow). */
static double norm_d(const float *x, int n) {
    double a = 0.0;
    for (int i = 0; i < n; i++)
        a += (double)x[i] * x[i];
    return sqrt(a);
}

/* One call's tensors, shared by the chunks of a parallel loop. */
typedef struct sn_call {
    float *y, *nrm, *dx;
    const float *x, *dy;
    float *dg_part; /* a double per chunk, as 2 floats (backward) */
    float g, eps;
    int C;
} sn_call;

/* rows [lo, hi): y = g x / max(||x||, eps), nrm = ||x|| */
static void forward_rows(void *ctx, size_t lo, size_t hi) {
    const sn_call *c = ctx;
    for (size_t r = lo; r < hi; r++) {
        const float *xr = c->x + r * (size_t)c->C;
        float *yr = c->y + r * (size_t)c->C;
        double n = norm_d(xr, c->C);
        float sc = (float)(c->g / fmax(n, (double)c->eps));
        for (int i = 0; i < c->C; i++)
            yr[i] = xr[i] * sc;
        c->nrm[r] = (float)n;
    }
}

/*
 * Rows [lo, hi) of the backward pass, with d = max(||x||, eps) and
 * xhat = x / ||x||:
 *   dg += sum(dy * x) / d                    (this chunk's part)
 *   dx += g/d * (dy - xhat * (dy . xhat))    when ||x|| > eps
 *   dx += g/eps * dy                         when clamped (d constant)
 */
static void backward_rows(void *ctx, size_t lo, size_t hi) {
    const sn_call *c = ctx;
    const int C = c->C;
    double dgs = 0.0;
    for (size_t r = lo; r < hi; r++) {
        const float *xr = c->x + r * (size_t)C, *dyr = c->dy + r * (size_t)C;
        float *dxr = c->dx + r * (size_t)C;
        double n = c->nrm[r], d = fmax(n, (double)c->eps);
        double dot = 0.0; /* dy . x */
        for (int i = 0; i < C; i++)
            dot += (double)dyr[i] * xr[i];
        dgs += dot / d;
        float a = (float)(c->g / d);
        float b = n > c->eps ? (float)(c->g * dot / (d * n * n)) : 0.0f;
        for (int i = 0; i < C; i++)
            dxr[i] += a * dyr[i] - b * xr[i];
    }
    /* scratch is float-aligned only: copy the double's bytes */
    memcpy(c->dg_part + 2 * (lo / ROWS_PER_CHUNK), &dgs, sizeof dgs);
}

static void sn_forward(void *self, const lms_fwd *a) {
    const scalenorm *s = self;
    sn_call c = {.y = a->y, .nrm = a->cache, .x = a->x, .g = a->w[0][0],
                 .eps = s->eps, .C = s->cols};
    lms_parallel_for(s->host, a->rows, ROWS_PER_CHUNK, forward_rows, &c);
}

static void sn_backward(void *self, const lms_bwd *a) {
    const scalenorm *s = self;
    sn_call c = {.nrm = a->cache, .dx = a->dx, .x = a->x, .dy = a->dy,
                 .dg_part = a->scratch, .g = a->w[0][0],
                 .eps = s->eps, .C = s->cols};
    lms_parallel_for(s->host, a->rows, ROWS_PER_CHUNK, backward_rows, &c);
    double dg = 0.0; /* chunk order: the same sum for any thread count */
    for (size_t k = 0; k * ROWS_PER_CHUNK < a->rows; k++) {
        double part;
        memcpy(&part, c.dg_part + 2 * k, sizeof part);
        dg += part;
    }
    a->dw[0][0] += (float)dg;
}

static const lms_descriptor sn_desc = {
    .abi_major = LMS_ABI_MAJOR,
    .abi_minor = LMS_ABI_MINOR,
    .size = sizeof(lms_descriptor),
    .name = "scalenorm",
    .kind = LMS_KIND_NORM,
    .version = "2.0.0", /* 2.0.0: ported to plugin ABI 2.0 */
    .summary = "ScaleNorm y = g * x / max(||x||, eps), one learned scalar g "
               "(Nguyen & Salazar 2019)",
    .keys = sn_keys,
    .slots = NULL,
    .create = sn_create,
    .set = sn_set,
    .plan = sn_plan,
    .forward = sn_forward,
    .backward = sn_backward,
    .destroy = lms_state_free,
    .max_params = 1,
    .max_stats = 0,
};

LMS_PLUGIN_ENTRY(&sn_desc)
