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
 * header-only <lmstab/plugin_util.h> for its key parsing) and libm.
 * Shapes: x, y: (rows, C); g: (1); cache ||x||: (rows).
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <lmstab/plugin.h>
#include <lmstab/plugin_util.h>

typedef struct scalenorm {
    float eps;
    float g_init; /* <= 0: sqrt(C), decided at plan */
    int cols;     /* planned */
} scalenorm;

/* ---- hooks -----------------------------------------------------------------
 */

static const lms_key sn_keys[] = {
    {"eps", LMS_VALUE_FLOAT, "1e-5",
     "lower bound of the row norm (rows shorter than eps are scaled by g/eps); "
     "finite > 0"},
    {"g_init", LMS_VALUE_STRING, "sqrt_d",
     "initial radius g: 'sqrt_d' (sqrt of the row width, as in the paper) or "
     "a finite number > 0"},
    {NULL, 0, NULL, NULL},
};

/* How set() validates each key (<lmstab/plugin_util.h>). */
static const lms_field sn_fields[] = {
    {"eps", LMS_FIELD_FLOAT, offsetof(scalenorm, eps), LMS_GT, 0, 0, NULL,
     NULL},
    {"g_init", LMS_FIELD_FLOAT, offsetof(scalenorm, g_init), LMS_GT, 0, 0,
     "'sqrt_d' or a finite number > 0", NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
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
    return lms_fields_set(self, sn_fields, key, value, err, errlen);
}

/* Only configuration lives here, starting from the defaults of sn_keys:
 * buffers are the core's. */
static void *sn_create(const lms_host *host, char *err, size_t errlen) {
    (void)host;
    return lms_state_new(sizeof(scalenorm), sn_keys, sn_set, err, errlen);
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
    return 0;
}

/* ||x|| of n floats, accumulated in double (rows of 1e20 do not overflow). */
static double norm_d(const float *x, int n) {
    double a = 0.0;
    for (int i = 0; i < n; i++)
        a += (double)x[i] * x[i];
    return sqrt(a);
}

/* y: (rows, C), nrm: (rows) <- x: (rows, C); g: scalar */
static void scalenorm_forward(float *y, float *nrm, const float *x, float g,
                              size_t rows, int C, float eps) {
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * (size_t)C;
        float *yr = y + r * (size_t)C;
        double n = norm_d(xr, C);
        float sc = (float)(g / fmax(n, (double)eps));
        for (int i = 0; i < C; i++)
            yr[i] = xr[i] * sc;
        nrm[r] = (float)n;
    }
}

/*
 * With d = max(||x||, eps) and xhat = x / ||x||:
 *   dg += sum(dy * x) / d
 *   dx += g/d * (dy - xhat * (dy . xhat))   when ||x|| > eps
 *   dx += g/eps * dy                        when clamped (d constant)
 * <- dy, x: (rows, C); nrm: (rows)
 */
static void scalenorm_backward(float *dx, float *dg, const float *dy,
                               const float *x, const float *nrm, float g,
                               size_t rows, int C, float eps) {
    double dgs = 0.0;
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * (size_t)C, *dyr = dy + r * (size_t)C;
        float *dxr = dx + r * (size_t)C;
        double n = nrm[r], d = fmax(n, (double)eps);
        double dot = 0.0; /* dy . x */
        for (int i = 0; i < C; i++)
            dot += (double)dyr[i] * xr[i];
        dgs += dot / d;
        float a = (float)(g / d);
        float b = n > eps ? (float)(g * dot / (d * n * n)) : 0.0f;
        for (int i = 0; i < C; i++)
            dxr[i] += a * dyr[i] - b * xr[i];
    }
    dg[0] += (float)dgs;
}

static void sn_forward(void *self, const lms_fwd *a) {
    const scalenorm *s = self;
    scalenorm_forward(a->y, a->cache, a->x, a->w[0][0], a->rows, s->cols,
                      s->eps);
}

static void sn_backward(void *self, const lms_bwd *a) {
    const scalenorm *s = self;
    scalenorm_backward(a->dx, a->dw[0], a->dy, a->x, a->cache, a->w[0][0],
                       a->rows, s->cols, s->eps);
}

static const lms_descriptor sn_desc = {
    .abi_major = LMS_ABI_MAJOR,
    .abi_minor = LMS_ABI_MINOR,
    .size = sizeof(lms_descriptor),
    .name = "scalenorm",
    .kind = LMS_KIND_NORM,
    .version = "1.0.0",
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
};

LMS_PLUGIN_ENTRY(&sn_desc)
