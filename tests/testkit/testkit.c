/* Test kit: build, plan, bind and gradient-check layers through the real
 * loader and lms_layer API. See testkit.h. */
#include "testkit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/guard.h"
#include "engine/guard_call.h"
#include "engine/layer.h"
#include "engine/loader.h"
#include "kernels/host.h" /* lms_set_threads */
#include "util/rng.h"

static int g_guard = -1; /* -1: as $LMSTAB_GUARD says */

void lms_tk_set_guard(int on) {
    g_guard = on ? 1 : 0;
}

static const lms_layer *child_of(const lms_layer *L, const char *slot) {
    if (!slot)
        return L;
    int i = lms_layer_slot(L, slot);
    return i < 0 ? NULL : L->children[i];
}

const lms_plan *lms_tk_layer_plan(const lms_layer *L, const char *slot) {
    const lms_layer *c = child_of(L, slot);
    return c && c->planned ? &c->plan : NULL;
}

float *lms_tk_layer_w(lms_layer *L, const char *slot, int i) {
    const lms_layer *c = child_of(L, slot);
    return c && c->planned && i >= 0 && i < c->plan.n_params ? c->w[i] : NULL;
}

float *lms_tk_layer_dw(lms_layer *L, const char *slot, int i) {
    const lms_layer *c = child_of(L, slot);
    return c && c->planned && i >= 0 && i < c->plan.n_params ? c->dw[i] : NULL;
}

const lms_descriptor *lms_tk_layer_desc(const lms_layer *L) {
    return L->plugin->desc;
}

lms_model_info lms_tk_model_small(void) {
    lms_model_info mi = {0};
    mi.d_model = 32;
    mi.n_head = 2;
    mi.n_layer = 2;
    mi.context = 8;
    mi.batch = 2;
    mi.vocab = 256;
    mi.layer = 0;
    return mi;
}

void lms_tk_set_threads(int n) {
    lms_set_threads(n);
}

const char *lms_tk_plugin_dir(void) {
    const char *d = getenv("LMS_TEST_PLUGIN_DIR");
    return d && d[0] ? d : NULL;
}

lms_loader *lms_tk_loader(char *err, size_t errlen) {
    const char *dir = lms_tk_plugin_dir();
    if (!dir) {
        snprintf(err, errlen,
                 "LMS_TEST_PLUGIN_DIR is not set (run the tests "
                 "through ctest)");
        return NULL;
    }
    lms_loader *ld = lms_loader_new(dir);
    if (!ld)
        snprintf(err, errlen, "out of memory");
    return ld;
}

int lms_tk_set_kvs(lms_layer *L, const char *const *kvs, char *err,
                   size_t errlen) {
    for (int i = 0; kvs && kvs[i]; i++) {
        const char *eq = strchr(kvs[i], '=');
        char key[128];
        if (!eq || (size_t)(eq - kvs[i]) >= sizeof key) {
            snprintf(err, errlen, "bad key=value '%s'", kvs[i]);
            return -1;
        }
        memcpy(key, kvs[i], (size_t)(eq - kvs[i]));
        key[eq - kvs[i]] = '\0';
        char e[LMS_ERR_MAX];
        if (lms_layer_set(L, key, eq + 1, e, sizeof e) != 0) {
            snprintf(err, errlen, "%s: %s", key, e);
            return -1;
        }
    }
    return 0;
}

int lms_tk_layer_new(lms_layer **out, lms_loader *ld, const char *plugin,
                     const char *const *kvs, const lms_tk_child *children,
                     char *err, size_t errlen) {
    *out = NULL;
    lms_layer *L;
    if (lms_layer_create(&L, ld, plugin, err, errlen) != 0)
        return -1;
    if (lms_tk_set_kvs(L, kvs, err, errlen) != 0) {
        lms_layer_free(L);
        return -1;
    }
    for (int i = 0; children && children[i].slot; i++) {
        lms_layer *c;
        if (lms_tk_layer_new(&c, ld, children[i].plugin, children[i].kvs, NULL,
                             err, errlen) != 0) {
            lms_layer_free(L);
            return -1;
        }
        if (lms_layer_attach(L, children[i].slot, c, err, errlen) != 0) {
            lms_layer_free(c);
            lms_layer_free(L);
            return -1;
        }
    }
    *out = L;
    return 0;
}

int lms_tk_layer_from_desc(lms_layer **out, const lms_descriptor *d, char *err,
                           size_t errlen) {
    /* plugin records must outlive the layers: a small static pool */
    static lms_plugin pool[32];
    static int npool;
    *out = NULL;
    lms_plugin *p = NULL;
    for (int i = 0; i < npool; i++)
        if (pool[i].desc == d)
            p = &pool[i];
    if (!p) {
        if (npool == 32) {
            snprintf(err, errlen, "too many in-process plugins");
            return -1;
        }
        p = &pool[npool++];
        snprintf(p->name, sizeof p->name, "%s", d->name);
        snprintf(p->path, sizeof p->path, "(in-process %s)", d->name);
        p->desc = d;
    }
    lms_layer *L = calloc(1, sizeof *L);
    if (!L) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    L->plugin = p;
    char e[LMS_ERR_MAX] = "";
    L->self = d->create(lms_host_default(), e, sizeof e);
    if (!L->self) {
        snprintf(err, errlen, "%s: create failed: %s", d->name, e);
        free(L);
        return -1;
    }
    *out = L;
    return 0;
}

void lms_tk_free(lms_tk *t) {
    if (!t)
        return;
    lms_layer_free(t->L);
    lms_guard_stage_free(t->gstage);
    if (t->guard) { /* y and dx end in a guard */
        lms_guard_release(t->y, t->rows * (size_t)t->out_cols + LMS_GUARD_FLOATS);
        lms_guard_release(t->dx, t->rows * (size_t)t->in_cols + LMS_GUARD_FLOATS);
        lms_guard_release(t->stats, LMS_MAX_STATS);
    }
    free(t->params);
    free(t->grads);
    free(t->cache);
    free(t->scratch);
    free(t->x);
    free(t->y);
    free(t->dx);
    free(t->dy);
    memset(t, 0, sizeof *t);
}

static float *zalloc(size_t n) {
    return calloc(n ? n : 1, sizeof(float));
}

int lms_tk_setup(lms_tk *t, lms_layer *L, const lms_model_info *mi, int B,
                 int T, int in_cols, char *err, size_t errlen) {
    memset(t, 0, sizeof *t);
    t->L = L;
    t->mi = *mi;
    t->B = B;
    t->T = T;
    t->rows = (size_t)B * (size_t)T;
    t->in_cols = in_cols;
    if (lms_layer_plan(L, mi, t->rows, in_cols, err, errlen) != 0) {
        lms_tk_free(t);
        return -1;
    }
    t->out_cols = L->plan.out_cols;
    t->n_params = lms_layer_param_floats(L);
    t->n_cache = lms_layer_cache_floats(L);
    t->n_scratch = lms_layer_scratch_floats(L);
    t->params = zalloc(t->n_params);
    t->grads = zalloc(t->n_params);
    t->cache = zalloc(t->n_cache);
    t->scratch = zalloc(t->n_scratch);
    t->guard = g_guard < 0 ? lms_guard_enabled() : g_guard;
    size_t pad = t->guard ? LMS_GUARD_FLOATS : 0;
    t->x = zalloc(t->rows * (size_t)in_cols);
    t->dx = zalloc(t->rows * (size_t)in_cols + pad);
    t->y = zalloc(t->rows * (size_t)t->out_cols + pad);
    t->dy = zalloc(t->rows * (size_t)t->out_cols);
    if (t->guard) {
        t->gstage = lms_guard_stage_new(lms_guard_stage_floats(L));
        if (t->gstage) {
            lms_guard_fill(t->y + t->rows * (size_t)t->out_cols, pad);
            lms_guard_fill(t->dx + t->rows * (size_t)in_cols, pad);
        }
    }
    if (!t->params || !t->grads || !t->cache || !t->scratch || !t->x ||
        !t->dx || !t->y || !t->dy || (t->guard && !t->gstage)) {
        snprintf(err, errlen, "out of memory");
        lms_tk_free(t);
        return -1;
    }
    float *p = t->params, *g = t->grads, *c = t->cache;
    lms_layer_bind(L, &p, &g, &c, t->scratch);
    return 0;
}

void lms_tk_fill(float *a, size_t n, uint64_t seed, float lo, float hi) {
    lms_rng r;
    lms_rng_seed(&r, seed, 7);
    for (size_t i = 0; i < n; i++)
        a[i] = lo + (hi - lo) * lms_rng_uniform(&r);
}

void lms_tk_fill_probs(float *a, size_t rows, int cols, uint64_t seed) {
    lms_rng r;
    lms_rng_seed(&r, seed, 11);
    for (size_t i = 0; i < rows; i++) {
        float *p = a + i * (size_t)cols;
        double z = 0;
        for (int j = 0; j < cols; j++) {
            p[j] = expf(1.5f * lms_rng_normal(&r));
            z += p[j];
        }
        for (int j = 0; j < cols; j++)
            p[j] = (float)(p[j] / z);
    }
}

void lms_tk_fill_input(lms_tk *t, uint64_t seed) {
    size_t n = t->rows * (size_t)t->in_cols;
    switch (t->L->plugin->desc->kind) {
    case LMS_KIND_PROB_MAP:
        lms_tk_fill_probs(t->x, t->rows, t->in_cols, seed);
        break;
    case LMS_KIND_SCORE_MAP: lms_tk_fill(t->x, n, seed, -3.0f, 3.0f); break;
    default: lms_tk_fill(t->x, n, seed, -1.0f, 1.0f); break;
    }
}

typedef struct init_ctx {
    lms_rng r;
    const lms_model_info *mi;
} init_ctx;

static void init_visit(void *user, const char *name, const lms_param_decl *d,
                       float *w, float *dw, size_t n) {
    init_ctx *c = user;
    (void)name;
    (void)dw;
    float std = d->std;
    if (d->init == LMS_INIT_NORMAL_RESIDUAL)
        std /= sqrtf(2.0f * (float)(c->mi->n_layer > 0 ? c->mi->n_layer : 1));
    for (size_t i = 0; i < n && d->buffer; i++) { /* state: as declared */
        float z = lms_rng_normal(&c->r);
        w[i] = d->init == LMS_INIT_ONES       ? 1.0f
               : d->init == LMS_INIT_ZEROS    ? 0.0f
               : d->init == LMS_INIT_CONSTANT ? d->std
                                              : std * z;
    }
    for (size_t i = 0; i < n && !d->buffer; i++) {
        float z = lms_rng_normal(&c->r);
        switch (d->init) {
        case LMS_INIT_ONES: w[i] = 1.0f + 0.2f * z; break;
        case LMS_INIT_ZEROS: w[i] = (d->ndim == 1 ? 0.2f : 0.02f) * z; break;
        case LMS_INIT_CONSTANT: w[i] = d->std * (1.0f + 0.1f * z); break;
        default:
            w[i] = std * z;
            if (d->ndim == 1)
                w[i] += 0.1f * lms_rng_normal(&c->r);
            break;
        }
    }
}

void lms_tk_init_params(lms_tk *t, uint64_t seed) {
    init_ctx c;
    lms_rng_seed(&c.r, seed, 3);
    c.mi = &t->mi;
    lms_layer_visit_params(t->L, "", init_visit, &c);
}

/* One plugin call, guarded when t->guard (see lms_tk_set_guard): the
 * first write past a buffer is kept in t->guard_err. stats may be NULL. */
static void guard_end(lms_tk *t) {
    char msg[sizeof t->guard_err];
    if (lms_guard_call_end(t->gstage, msg, sizeof msg) && !t->guard_err[0])
        snprintf(t->guard_err, sizeof t->guard_err, "%s", msg);
}

static void tk_fwd(lms_tk *t, size_t rows, int B, float *stats) {
    if (!t->guard) {
        lms_layer_forward(t->L, t->y, t->x, rows, B, t->T, stats);
        return;
    }
    size_t cap = t->rows * (size_t)t->out_cols;
    lms_guard_call_begin(t->gstage, t->L, "check", "forward");
    lms_guard_call_zone(t->gstage, "its output y", t->y,
                        rows * (size_t)t->out_cols, cap);
    /* stats: a copy with a guard after the plan's n_stats */
    float st[LMS_MAX_STATS + LMS_GUARD_FLOATS];
    int ns = t->L->plan.n_stats;
    if (stats) {
        memcpy(st, stats, (size_t)ns * sizeof *st);
        lms_guard_call_zone(t->gstage, "its stats", st, (size_t)ns,
                            LMS_MAX_STATS);
        lms_guard_fill(st + LMS_MAX_STATS, LMS_GUARD_FLOATS);
    }
    lms_layer_forward(t->L, t->y, t->x, rows, B, t->T, stats ? st : NULL);
    guard_end(t);
    if (stats) {
        lms_guard_release(st, LMS_MAX_STATS + LMS_GUARD_FLOATS);
        memcpy(stats, st, (size_t)ns * sizeof *st);
    }
}

static void tk_bwd(lms_tk *t) {
    if (!t->guard) {
        lms_layer_backward(t->L, t->dx, t->dy, t->x, t->y, t->rows, t->B,
                           t->T);
        return;
    }
    size_t n = t->rows * (size_t)t->in_cols;
    lms_guard_call_begin(t->gstage, t->L, "check", "backward");
    lms_guard_call_zone(t->gstage, "its input gradient dx", t->dx, n, n);
    lms_layer_backward(t->L, t->dx, t->dy, t->x, t->y, t->rows, t->B, t->T);
    guard_end(t);
}

void lms_tk_forward(lms_tk *t) {
    memset(t->stats, 0, sizeof t->stats);
    tk_fwd(t, t->rows, t->B, t->stats);
}

void lms_tk_forward_rows(lms_tk *t, int B) {
    tk_fwd(t, (size_t)B * (size_t)t->T, B, NULL);
}

void lms_tk_backward(lms_tk *t) {
    memset(t->dx, 0, t->rows * (size_t)t->in_cols * sizeof *t->dx);
    memset(t->grads, 0, (t->n_params ? t->n_params : 1) * sizeof *t->grads);
    tk_bwd(t);
}

void lms_tk_backward_acc(lms_tk *t) {
    tk_bwd(t);
}

void lms_tk_init_declared(lms_tk *t, uint64_t seed) {
    lms_rng r;
    lms_rng_seed(&r, seed, 1);
    lms_layer_init_params(t->L, &t->mi, &r);
}

double lms_tk_max_abs_diff(const float *a, const float *b, size_t n) {
    double m = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - (double)b[i]);
        if (!(d <= m)) /* NaN counts as infinitely bad */
            m = isnan(d) ? INFINITY : d;
    }
    return m;
}

/* ---- finite-difference gradient check ----------------------------------- */

#define GC_MAX_TENSORS 64

typedef struct gc_tensor {
    char name[128];
    float *w;         /* values perturbed */
    const float *ana; /* analytic gradient */
    size_t n;
} gc_tensor;

typedef struct gc_list {
    gc_tensor t[GC_MAX_TENSORS];
    int n;
    float *ana_base; /* analytic gradients, laid out like t->grads */
    float *grads;
} gc_list;

static void collect_visit(void *user, const char *name, const lms_param_decl *d,
                          float *w, float *dw, size_t n) {
    gc_list *l = user;
    if (l->n == GC_MAX_TENSORS || d->buffer)
        return; /* buffers are state the plugin updates, not trained */
    gc_tensor *t = &l->t[l->n++];
    snprintf(t->name, sizeof t->name, "%s", name);
    t->w = w;
    t->ana = l->ana_base + (dw - l->grads);
    t->n = n;
}

static double loss_at(lms_tk *t, const float *r) {
    tk_fwd(t, t->rows, t->B, NULL);
    double s = 0;
    size_t ny = t->rows * (size_t)t->out_cols;
    for (size_t i = 0; i < ny; i++)
        s += (double)t->y[i] * (double)r[i];
    return s;
}

/* Cache and scratch hold anything between calls (scratch is shared with
 * other layers): poison them so that a plugin relying on their contents
 * shows up as NaN. */
static void poison(lms_tk *t, int cache) {
    for (size_t i = 0; i < t->n_scratch; i++)
        t->scratch[i] = NAN;
    for (size_t i = 0; cache && i < t->n_cache; i++)
        t->cache[i] = NAN;
}

/* Forward leaves finite outputs and stats, and is deterministic. */
static int check_forward(lms_tk *t, char *err, size_t errlen) {
    size_t ny = t->rows * (size_t)t->out_cols;
    for (size_t i = 0; i < ny; i++)
        t->y[i] = NAN;
    poison(t, 1);
    lms_tk_forward(t);
    for (size_t i = 0; i < ny; i++)
        if (!isfinite(t->y[i])) {
            snprintf(err, errlen,
                     "forward left y[%zu] = %g on finite input (does it "
                     "write every output?)",
                     i, t->y[i]);
            return -1;
        }
    for (int i = 0; i < t->L->plan.n_stats; i++)
        if (!isfinite(t->stats[i])) {
            snprintf(err, errlen, "forward wrote a non-finite stat '%s'",
                     t->L->plan.stat_names[i]);
            return -1;
        }
    float *y0 = malloc(ny * sizeof *y0);
    if (!y0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(y0, t->y, ny * sizeof *y0);
    poison(t, 1);
    lms_tk_forward(t);
    int rc = memcmp(y0, t->y, ny * sizeof *y0) != 0;
    free(y0);
    if (rc)
        snprintf(err, errlen,
                 "forward is not deterministic (two calls on "
                 "the same input differ)");
    return rc ? -1 : 0;
}

/* Backward on buffers pre-filled with `pre`: analytic = result - pre. */
static int analytic_grads(lms_tk *t, const float *r, float *ana_x, float *ana_p,
                          float pre, char *err, size_t errlen) {
    size_t nx = t->rows * (size_t)t->in_cols;
    size_t ny = t->rows * (size_t)t->out_cols;
    memcpy(t->dy, r, ny * sizeof *r);
    poison(t, 1);
    tk_fwd(t, t->rows, t->B, NULL);
    poison(t, 0);
    for (size_t i = 0; i < nx; i++)
        t->dx[i] = pre;
    for (size_t i = 0; i < t->n_params; i++)
        t->grads[i] = pre;
    tk_bwd(t);
    for (size_t i = 0; i < nx; i++)
        ana_x[i] = t->dx[i] - pre;
    for (size_t i = 0; i < t->n_params; i++)
        ana_p[i] = t->grads[i] - pre;
    for (size_t i = 0; i < nx; i++)
        if (!isfinite(ana_x[i])) {
            snprintf(err, errlen, "backward left dx[%zu] = %g", i, t->dx[i]);
            return -1;
        }
    for (size_t i = 0; i < t->n_params; i++)
        if (!isfinite(ana_p[i])) {
            snprintf(err, errlen,
                     "backward left a non-finite parameter "
                     "gradient");
            return -1;
        }
    return 0;
}

typedef struct gc_point {
    int tensor;
    size_t idx;
    double ana, num, fwd, bwd;
    double noise; /* rounding noise expected in num */
} gc_point;

/* Central, forward and backward differences at up to max_elems elements of
 * each tensor. Returns the number of points written. */
static size_t numeric_points(lms_tk *t, const gc_list *l, const float *r,
                             const lms_tk_gc_opts *o, gc_point *pts) {
    double L0 = loss_at(t, r);
    /* float rounding moves each y_i by a few ulps: |dL| ~ 2^-24 *
     * sqrt(sum (y_i r_i)^2) per evaluation; allow 16 times that */
    double ss = 0;
    for (size_t i = 0; i < t->rows * (size_t)t->out_cols; i++)
        ss += ((double)t->y[i] * r[i]) * ((double)t->y[i] * r[i]);
    double dL = 16.0 * ldexp(1.0, -24) * sqrt(ss);
    size_t np = 0;
    lms_rng rng;
    lms_rng_seed(&rng, o->seed, 5);
    for (int k = 0; k < l->n; k++) {
        const gc_tensor *g = &l->t[k];
        size_t m = g->n < o->max_elems ? g->n : o->max_elems;
        /* step scale: the tensor's RMS when below 1, so that small
         * scale-invariant weights (std 0.02) are not probed with a step
         * comparable to their size */
        double ss = 0;
        for (size_t i = 0; i < g->n; i++)
            ss += (double)g->w[i] * g->w[i];
        double rms = g->n ? sqrt(ss / (double)g->n) : 0.0;
        double scale = rms > 0 && rms < 1 ? rms : 1.0;
        for (size_t e = 0; e < m; e++) {
            size_t idx = e;
            if (m < g->n) { /* spread: one random element per stride */
                size_t lo = e * g->n / m, hi = (e + 1) * g->n / m;
                idx = lo + (size_t)lms_rng_below(&rng, hi - lo);
            }
            float v = g->w[idx];
            float h = (float)(o->h * fmax(scale, fabs((double)v)));
            g->w[idx] = v + h;
            double hp = (double)g->w[idx] - v; /* the step actually taken */
            double Lp = loss_at(t, r);
            g->w[idx] = v - h;
            double hm = v - (double)g->w[idx];
            double Lm = loss_at(t, r);
            g->w[idx] = v;
            gc_point *p = &pts[np++];
            p->tensor = k;
            p->idx = idx;
            p->ana = g->ana[idx];
            p->num = (Lp - Lm) / (hp + hm);
            p->fwd = (Lp - L0) / hp;
            p->bwd = (L0 - Lm) / hm;
            p->noise = 2 * dL / (hp + hm);
        }
    }
    return np;
}

int lms_tk_gradcheck(lms_tk *t, const lms_tk_gc_opts *oin,
                     lms_tk_gc_result *res, char *err, size_t errlen) {
    lms_tk_gc_opts o = {1e-2, 5e-3, 1e-2, 1e-3, 256, 1234, 0};
    if (oin) {
        o.h = oin->h > 0 ? oin->h : o.h;
        o.tol = oin->tol > 0 ? oin->tol : o.tol;
        o.floor = oin->floor > 0 ? oin->floor : o.floor;
        o.abs_floor = oin->abs_floor > 0 ? oin->abs_floor : o.abs_floor;
        o.max_elems = oin->max_elems > 0 ? oin->max_elems : o.max_elems;
        o.seed = oin->seed ? oin->seed : o.seed;
        o.skip_input = oin->skip_input;
    }
    lms_tk_gc_result rdummy;
    if (!res)
        res = &rdummy;
    memset(res, 0, sizeof *res);
    size_t nx = t->rows * (size_t)t->in_cols;
    size_t ny = t->rows * (size_t)t->out_cols;
    float *r = malloc(ny * sizeof *r);
    float *ana_x = malloc((nx ? nx : 1) * sizeof *ana_x);
    float *ana_p = malloc((t->n_params ? t->n_params : 1) * sizeof *ana_p);
    gc_list *l = calloc(1, sizeof *l);
    gc_point *pts = NULL;
    int rc = -1;
    if (!r || !ana_x || !ana_p || !l) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    lms_tk_fill(r, ny, o.seed + 1, -1.0f, 1.0f);
    if (check_forward(t, err, errlen) != 0 ||
        analytic_grads(t, r, ana_x, ana_p, 0.25f, err, errlen) != 0)
        goto done;

    l->ana_base = ana_p;
    l->grads = t->grads;
    if (!o.skip_input) {
        snprintf(l->t[0].name, sizeof l->t[0].name, "x");
        l->t[0].w = t->x;
        l->t[0].ana = ana_x;
        l->t[0].n = nx;
        l->n = 1;
    }
    lms_layer_visit_params(t->L, "", collect_visit, l);
    size_t maxp = (size_t)l->n * o.max_elems;
    pts = malloc((maxp ? maxp : 1) * sizeof *pts);
    if (!pts) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    size_t np = numeric_points(t, l, r, &o, pts);

    double tmax[GC_MAX_TENSORS] = {0}, gmax = 0;
    for (size_t i = 0; i < np; i++) {
        double a = fabs(pts[i].num);
        tmax[pts[i].tensor] = fmax(tmax[pts[i].tensor], a);
        gmax = fmax(gmax, a);
    }
    rc = 0;
    for (size_t i = 0; i < np; i++) {
        const gc_point *p = &pts[i];
        double den = fmax(fmax(fabs(p->num), o.floor * tmax[p->tensor]),
                          fmax(o.abs_floor * gmax, 1e-6));
        double e = fmax(0, fabs(p->ana - p->num) - p->noise) / den;
        double e1 = fmax(0, fmin(fabs(p->ana - p->fwd), fabs(p->ana - p->bwd)) -
                                2 * p->noise) /
                    den;
        /* one-sided differences disagreeing by more than twice the
         * tolerance: the step crossed a kink (e.g. a clip) */
        int kink = fabs(p->fwd - p->bwd) > 2 * o.tol * den + 4 * p->noise;
        if (e > o.tol && kink && e1 <= o.tol) {
            res->kinks++;
            continue;
        }
        res->checked++;
        double raw = fabs(p->ana - p->num) / den;
        if (raw > res->raw_worst || isnan(raw))
            res->raw_worst = isnan(raw) ? INFINITY : raw;
        if (e > res->worst || isnan(e) || !res->where[0]) {
            res->worst = isnan(e) ? INFINITY : e;
            res->analytic = p->ana;
            res->numeric = p->num;
            snprintf(res->where, sizeof res->where, "%s[%zu]",
                     l->t[p->tensor].name, p->idx);
        }
    }
    if (res->worst > o.tol) {
        const char *hint = "";
        double ov = fabs(res->analytic + 0.25 - res->numeric);
        if (ov < 0.5 * fabs(res->analytic - res->numeric))
            hint = " (backward seems to overwrite instead of accumulating)";
        snprintf(err, errlen,
                 "gradient mismatch at %s: analytic %.6g, numeric %.6g, error "
                 "%.3g > %.3g%s",
                 res->where, res->analytic, res->numeric, res->worst, o.tol,
                 hint);
        rc = -1;
    } else {
        snprintf(err, errlen,
                 "ok: worst error %.3g at %s (before the rounding allowance "
                 "%.3g) over %zu elements, %zu kinks skipped",
                 res->worst, res->where[0] ? res->where : "-", res->raw_worst,
                 res->checked, res->kinks);
    }
done:
    if (t->guard_err[0]) { /* the cause of whatever else went wrong */
        snprintf(err, errlen, "%s", t->guard_err);
        rc = -1;
    }
    free(r);
    free(ana_x);
    free(ana_p);
    free(l);
    free(pts);
    return rc;
}
