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
    return lms_layer_create_plugin(out, p, err, errlen);
}

void lms_tk_free(lms_tk *t) {
    if (!t)
        return;
    lms_layer_free(t->L);
    lms_guard_stage_free(t->gstage);
    if (t->guard) { /* y and dx end in a guard */
        lms_guard_release(t->y, t->rows * (size_t)t->out_cols + LMS_GUARD_FLOATS);
        lms_guard_release(t->dx, t->rows * (size_t)t->in_cols + LMS_GUARD_FLOATS);
        lms_guard_release(t->stats, t->n_stats + LMS_GUARD_FLOATS);
    }
    free(t->params);
    free(t->grads);
    free(t->cache);
    free(t->scratch);
    free(t->x);
    free(t->y);
    free(t->dx);
    free(t->dy);
    free(t->stats);
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
    t->n_stats = (size_t)L->plan.n_stats;
    t->stats = zalloc(t->n_stats + pad);
    if (t->guard) {
        t->gstage = lms_guard_stage_new(lms_guard_stage_floats(L));
        if (t->gstage && t->stats) {
            lms_guard_fill(t->y + t->rows * (size_t)t->out_cols, pad);
            lms_guard_fill(t->dx + t->rows * (size_t)in_cols, pad);
            lms_guard_fill(t->stats + t->n_stats, pad);
        }
    }
    if (!t->params || !t->grads || !t->cache || !t->scratch || !t->x ||
        !t->dx || !t->y || !t->dy || !t->stats || (t->guard && !t->gstage)) {
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
    /* stats (t->stats): n_stats floats, then a guard */
    if (stats)
        lms_guard_call_zone(t->gstage, "its stats", stats, t->n_stats,
                            t->n_stats);
    lms_layer_forward(t->L, t->y, t->x, rows, B, t->T, stats);
    guard_end(t);
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
    memset(t->stats, 0, t->n_stats * sizeof *t->stats);
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
