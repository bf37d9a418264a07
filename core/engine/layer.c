/* Layer instances: create/set/attach/plan/bind over the plugin ABI. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/host.h" /* lms_host_default */
#include "engine/layer.h"
#include "util/sizecalc.h"
#include "util/suggest.h"

void lms_keys_list(const lms_descriptor *d, char *out, size_t outlen) {
    size_t n = 0;
    out[0] = '\0';
    for (const lms_key *k = d->keys; k && k->name && n < outlen; k++)
        n += snprintf(out + n, outlen - n, "%s%s", n ? ", " : "", k->name);
    if (n == 0)
        snprintf(out, outlen, "(none)");
}

/* The per-slot and per-parameter arrays, sized from the descriptor (the
 * loader checked max_params, max_stats and the slot list). */
static int alloc_arrays(lms_layer *L) {
    const lms_descriptor *d = L->plugin->desc;
    int ns = 0;
    while (d->slots && d->slots[ns].name)
        ns++;
    size_t np = (size_t)d->max_params, nst = (size_t)d->max_stats;
    size_t s1 = ns ? (size_t)ns : 1, p1 = np ? np : 1;
    L->n_slots = ns;
    L->children = calloc(s1, sizeof *L->children);
    L->child_args = calloc(s1, sizeof *L->child_args);
    L->child_ptrs = calloc(s1, sizeof *L->child_ptrs);
    L->child_present = calloc(s1, sizeof *L->child_present);
    L->child_rows = calloc(s1, sizeof *L->child_rows);
    L->child_cols = calloc(s1, sizeof *L->child_cols);
    L->w = calloc(p1, sizeof *L->w);
    L->dw = calloc(p1, sizeof *L->dw);
    L->param_numel = calloc(p1, sizeof *L->param_numel);
    L->plan.params = calloc(p1, sizeof *L->plan.params);
    L->plan.stat_names = calloc(nst ? nst : 1, sizeof *L->plan.stat_names);
    return L->children && L->child_args && L->child_ptrs &&
                   L->child_present && L->child_rows && L->child_cols &&
                   L->w && L->dw && L->param_numel && L->plan.params &&
                   L->plan.stat_names
               ? 0
               : -1;
}

int lms_layer_create(lms_layer **out, lms_loader *ld, const char *plugin,
                     char *err, size_t errlen) {
    *out = NULL;
    const lms_plugin *p;
    if (lms_loader_get(ld, plugin, &p, err, errlen) != 0)
        return -1;
    return lms_layer_create_plugin(out, p, err, errlen);
}

int lms_layer_create_plugin(lms_layer **out, const lms_plugin *p, char *err,
                            size_t errlen) {
    *out = NULL;
    const char *plugin = p->desc->name;
    lms_layer *L = calloc(1, sizeof *L);
    if (!L) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    L->plugin = p;
    if (alloc_arrays(L) != 0) {
        snprintf(err, errlen, "out of memory");
        lms_layer_free(L);
        return -1;
    }
    char perr[LMS_ERR_MAX] = "";
    L->self = p->desc->create(lms_host_default(), perr, sizeof perr);
    if (!L->self) {
        snprintf(err, errlen, "plugin '%s': create failed: %s", plugin,
                 perr[0] ? perr : "(no message)");
        lms_layer_free(L);
        return -1;
    }
    *out = L;
    return 0;
}

void lms_layer_free(lms_layer *L) {
    if (!L)
        return;
    for (int i = 0; L->children && i < L->n_slots; i++)
        lms_layer_free(L->children[i]);
    if (L->self)
        L->plugin->desc->destroy(L->self);
    free(L->children);
    free(L->child_args);
    free(L->child_ptrs);
    free(L->child_present);
    free(L->child_rows);
    free(L->child_cols);
    free(L->w);
    free(L->dw);
    free(L->param_numel);
    free(L->plan.params);
    free(L->plan.stat_names);
    free(L);
}

/* "unknown key", with the closest key or slot name to a typo, the keys and
 * the slots (a misspelled slot name arrives here as a key). */
static void unknown_key(const lms_descriptor *d, const char *key, char *err,
                        size_t errlen) {
    const char *cand[64];
    size_t n = 0;
    for (const lms_key *k = d->keys; k && k->name && n < 64; k++)
        cand[n++] = k->name;
    for (const lms_slot *sl = d->slots; sl && sl->name && n < 64; sl++)
        cand[n++] = sl->name;
    const char *near = lms_suggest(key, cand, n);
    char keys[512];
    lms_keys_list(d, keys, sizeof keys);
    int k = snprintf(err, errlen, "unknown key for plugin '%s'", d->name);
    if (near && k > 0 && (size_t)k < errlen)
        k += snprintf(err + k, errlen - k, " (did you mean '%s'?)", near);
    if (k > 0 && (size_t)k < errlen)
        k += snprintf(err + k, errlen - k, "; accepted: %s", keys);
    for (const lms_slot *sl = d->slots; sl && sl->name; sl++)
        if (k > 0 && (size_t)k < errlen)
            k += snprintf(err + k, errlen - k, "%s%s", sl == d->slots
                          ? "; slots: " : ", ", sl->name);
}

int lms_layer_set(lms_layer *L, const char *key, const char *value, char *err,
                  size_t errlen) {
    const lms_descriptor *d = L->plugin->desc;
    const lms_key *k = d->keys;
    while (k && k->name && strcmp(k->name, key) != 0)
        k++;
    if (!k || !k->name) {
        unknown_key(d, key, err, errlen);
        return -1;
    }
    char perr[LMS_ERR_MAX] = "";
    if (d->set(L->self, key, value, perr, sizeof perr) != 0) {
        snprintf(err, errlen, "%s", perr[0] ? perr : "invalid value");
        return -1;
    }
    return 0;
}

int lms_layer_slot(const lms_layer *L, const char *slot) {
    const lms_slot *s = L->plugin->desc->slots;
    for (int i = 0; s && s[i].name; i++)
        if (strcmp(s[i].name, slot) == 0)
            return i;
    return -1;
}

int lms_layer_attach(lms_layer *L, const char *slot, lms_layer *child,
                     char *err, size_t errlen) {
    const lms_descriptor *d = L->plugin->desc;
    int i = lms_layer_slot(L, slot);
    if (i < 0) {
        size_t n = snprintf(err, errlen, "plugin '%s' has no slot '%s'",
                            d->name, slot);
        const lms_slot *s = d->slots;
        for (int j = 0; s && s[j].name && n < errlen; j++)
            n += snprintf(err + n, errlen - n, "%s%s", j ? ", " : "; slots: ",
                          s[j].name);
        return -1;
    }
    if (child->plugin->desc->kind != d->slots[i].kind) {
        snprintf(err, errlen,
                 "slot '%s' of '%s' takes a %s plugin, '%s' is a %s plugin",
                 slot, d->name, lms_kind_name(d->slots[i].kind),
                 child->plugin->desc->name,
                 lms_kind_name(child->plugin->desc->kind));
        return -1;
    }
    if (L->children[i]) {
        snprintf(err, errlen, "slot '%s' of '%s' is already set", slot,
                 d->name);
        return -1;
    }
    L->children[i] = child;
    return 0;
}

static size_t decl_numel(const lms_param_decl *p) {
    size_t n = 1;
    for (int i = 0; i < p->ndim; i++)
        n = lms_sz_mul(n, (size_t)p->shape[i]);
    return n;
}

/* A parameter or stat name becomes a tensor name in checkpoints and a
 * column of metrics.csv: NUL-terminated in its array, non-empty, printable
 * ASCII without space, ',', '"' or '\\' (a newline split metrics.csv's
 * header). */
static int name_ok(const char *s) {
    if (!memchr(s, '\0', LMS_NAME_MAX) || !s[0])
        return 0;
    for (; *s; s++)
        if (*s <= ' ' || *s > '~' || *s == ',' || *s == '"' || *s == '\\')
            return 0;
    return 1;
}

/* Every declaration carries the size of the lms_param_decl its plugin was
 * built with (lms_plan_add_param sets it). ABI 2.0 is the first with the
 * field, so today it must equal ours; a later minor that grows the struct
 * will spread an older plugin's declarations out to its own size here. */
static int decl_sizes(const lms_layer *L, char *err, size_t errlen) {
    for (int i = 0; i < L->plan.n_params; i++)
        if (L->plan.params[i].size != sizeof(lms_param_decl)) {
            snprintf(err, errlen, "plugin '%s' declared parameter %d with "
                     "size %zu, expected %zu (declare parameters with "
                     "lms_plan_add_param, which sets it)",
                     L->plugin->desc->name, i, L->plan.params[i].size,
                     sizeof(lms_param_decl));
            return -1;
        }
    return 0;
}

/* What the plugin declared: names safe and unique, caches possible. */
static int check_plan(const lms_layer *L, char *err, size_t errlen) {
    const char *pn = L->plugin->desc->name;
    const lms_plan *p = &L->plan;
    for (int i = 0; i < p->n_params; i++) {
        if (!name_ok(p->params[i].name)) {
            snprintf(err, errlen, "plugin '%s' declared parameter %d with an "
                     "invalid name (printable, no space, ',', '\"' or '\\')",
                     pn, i);
            return -1;
        }
        for (int k = 0; k < i; k++)
            if (!strcmp(p->params[i].name, p->params[k].name)) {
                snprintf(err, errlen, "plugin '%s' declared parameter '%s' "
                         "twice", pn, p->params[i].name);
                return -1;
            }
    }
    for (int i = 0; i < p->n_stats; i++) {
        if (!name_ok(p->stat_names[i])) {
            snprintf(err, errlen, "plugin '%s' reports stat %d with an invalid "
                     "name (printable, no space, ',', '\"' or '\\': it "
                     "becomes a metrics.csv column)", pn, i);
            return -1;
        }
        for (int k = 0; k < i; k++)
            if (!strcmp(p->stat_names[i], p->stat_names[k])) {
                snprintf(err, errlen, "plugin '%s' reports stat '%s' twice",
                         pn, p->stat_names[i]);
                return -1;
            }
    }
    if (p->cache_floats > LMS_PLAN_MAX_FLOATS ||
        p->scratch_floats > LMS_PLAN_MAX_FLOATS) {
        int cache = p->cache_floats > LMS_PLAN_MAX_FLOATS;
        snprintf(err, errlen, "plugin '%s' asks for %zu %s floats (more than "
                 "the limit of %zu)", pn,
                 cache ? p->cache_floats : p->scratch_floats,
                 cache ? "cache" : "scratch", (size_t)LMS_PLAN_MAX_FLOATS);
        return -1;
    }
    return 0;
}

int lms_layer_plan(lms_layer *L, const lms_model_info *mi, size_t rows,
                   int cols, char *err, size_t errlen) {
    const lms_descriptor *d = L->plugin->desc;
    lms_param_decl *params = L->plan.params;
    char(*stat_names)[LMS_NAME_MAX] = L->plan.stat_names;
    memset(&L->plan, 0, sizeof L->plan);
    memset(params, 0, (d->max_params ? d->max_params : 1) * sizeof *params);
    memset(stat_names, 0,
           (d->max_stats ? d->max_stats : 1) * sizeof *stat_names);
    for (int i = 0; i < L->n_slots; i++) {
        L->child_present[i] = L->children[i] != NULL;
        L->child_rows[i] = 0;
        L->child_cols[i] = 0;
    }
    L->plan = (lms_plan){.size = sizeof(lms_plan), .in_rows = rows,
                         .in_cols = cols, .n_slots = L->n_slots,
                         .child_present = L->child_present,
                         .max_params = d->max_params,
                         .max_stats = d->max_stats, .params = params,
                         .child_rows = L->child_rows,
                         .child_cols = L->child_cols,
                         .stat_names = stat_names};
    lms_model_info info = *mi;
    info.size = sizeof info;
    char perr[LMS_ERR_MAX] = "";
    if (d->plan(L->self, &info, &L->plan, perr, sizeof perr) != 0) {
        snprintf(err, errlen, "%s", perr[0] ? perr : "plan failed");
        return -1;
    }
    /* the arrays are the core's: a plan that moved them is broken */
    if (L->plan.params != params || L->plan.stat_names != stat_names ||
        L->plan.child_rows != L->child_rows ||
        L->plan.child_cols != L->child_cols) {
        snprintf(err, errlen, "plugin '%s' replaced the plan's arrays (fill "
                 "them, do not reassign them)", d->name);
        return -1;
    }
    if (L->plan.out_cols <= 0 || L->plan.n_params < 0 ||
        L->plan.n_stats < 0) {
        snprintf(err, errlen, "plugin '%s' returned an invalid plan", d->name);
        return -1;
    }
    if (L->plan.n_params > d->max_params || L->plan.n_stats > d->max_stats) {
        int par = L->plan.n_params > d->max_params;
        snprintf(err, errlen, "plugin '%s' declared %d %s, more than its "
                 "descriptor's %s = %d", d->name,
                 par ? L->plan.n_params : L->plan.n_stats,
                 par ? "parameters" : "stats",
                 par ? "max_params" : "max_stats",
                 par ? d->max_params : d->max_stats);
        return -1;
    }
    if (decl_sizes(L, err, errlen) != 0 || check_plan(L, err, errlen) != 0)
        return -1;
    for (int i = 0; i < L->plan.n_params; i++) {
        const lms_param_decl *p = &L->plan.params[i];
        if (p->ndim < 1 || p->ndim > 2 || p->shape[0] <= 0 ||
            (p->ndim == 2 && p->shape[1] <= 0)) {
            snprintf(err, errlen, "plugin '%s' declared parameter '%s' with "
                     "an invalid shape", d->name, p->name);
            return -1;
        }
        L->param_numel[i] = decl_numel(p);
    }
    for (int i = 0; i < L->n_slots; i++) {
        if (!L->children[i])
            continue;
        char cerr[LMS_ERR_MAX];
        if (lms_layer_plan(L->children[i], mi, L->plan.child_rows[i],
                           L->plan.child_cols[i], cerr, sizeof cerr) != 0) {
            snprintf(err, errlen, "%s: %s", d->slots[i].name, cerr);
            return -1;
        }
    }
    L->planned = 1;
    return 0;
}

size_t lms_layer_param_floats(const lms_layer *L) {
    size_t n = 0;
    for (int i = 0; i < L->plan.n_params; i++)
        n = lms_sz_add(n, L->param_numel[i]);
    for (int i = 0; i < L->n_slots; i++)
        if (L->children[i])
            n = lms_sz_add(n, lms_layer_param_floats(L->children[i]));
    return n;
}

size_t lms_layer_stat_floats(const lms_layer *L) {
    size_t n = L->plan.n_stats > 0 ? (size_t)L->plan.n_stats : 1;
    return (n + 7) & ~(size_t)7;
}

size_t lms_layer_cache_floats(const lms_layer *L) {
    size_t n = L->plan.cache_floats;
    for (int i = 0; i < L->n_slots; i++)
        if (L->children[i])
            n = lms_sz_add(n, lms_layer_cache_floats(L->children[i]));
    return n;
}

size_t lms_layer_scratch_floats(const lms_layer *L) {
    size_t n = L->plan.scratch_floats;
    for (int i = 0; i < L->n_slots; i++)
        if (L->children[i])
            n = lms_sz_add(n, lms_layer_scratch_floats(L->children[i]));
    return n;
}

void lms_layer_bind(lms_layer *L, float **params, float **grads,
                    float **cache, float *scratch) {
    for (int i = 0; i < L->plan.n_params; i++) {
        L->w[i] = *params;
        L->dw[i] = *grads;
        *params += L->param_numel[i];
        *grads += L->param_numel[i];
    }
    L->cache = *cache;
    *cache += L->plan.cache_floats;
    L->scratch = scratch;
    /* children get scratch after the parent's: both are live in one call */
    float *child_scratch = scratch + L->plan.scratch_floats;
    for (int i = 0; i < L->n_slots; i++) {
        lms_layer *c = L->children[i];
        memset(&L->child_args[i], 0, sizeof L->child_args[i]);
        L->child_ptrs[i] = NULL;
        if (!c)
            continue;
        lms_layer_bind(c, params, grads, cache, child_scratch);
        child_scratch += lms_layer_scratch_floats(c);
        L->child_args[i] = (lms_child){sizeof(lms_child), c->plugin->desc,
                                       c->self, c->w, c->dw, c->cache,
                                       c->scratch, L->training};
        L->child_ptrs[i] = &L->child_args[i];
    }
}

void lms_layer_init_params(lms_layer *L, const lms_model_info *mi,
                           lms_rng *rng) {
    for (int i = 0; i < L->plan.n_params; i++) {
        const lms_param_decl *p = &L->plan.params[i];
        float std = p->std;
        if (p->init == LMS_INIT_NORMAL_RESIDUAL)
            std = p->std / sqrtf(2.0f * (float)(mi->n_layer > 0 ? mi->n_layer : 1));
        for (size_t j = 0; j < L->param_numel[i]; j++) {
            switch (p->init) {
            case LMS_INIT_ZEROS: L->w[i][j] = 0.0f; break;
            case LMS_INIT_ONES: L->w[i][j] = 1.0f; break;
            case LMS_INIT_CONSTANT: L->w[i][j] = p->std; break;
            default: L->w[i][j] = std * lms_rng_normal(rng); break;
            }
        }
    }
    for (int i = 0; i < L->n_slots; i++)
        if (L->children[i])
            lms_layer_init_params(L->children[i], mi, rng);
}

void lms_layer_visit_params(lms_layer *L, const char *prefix,
                            lms_param_visit_fn fn, void *user) {
    char name[256];
    for (int i = 0; i < L->plan.n_params; i++) {
        snprintf(name, sizeof name, "%s%s%s", prefix, prefix[0] ? "." : "",
                 L->plan.params[i].name);
        fn(user, name, &L->plan.params[i], L->w[i], L->dw[i],
           L->param_numel[i]);
    }
    for (int i = 0; i < L->n_slots; i++) {
        if (!L->children[i])
            continue;
        snprintf(name, sizeof name, "%s%s%s", prefix, prefix[0] ? "." : "",
                 L->plugin->desc->slots[i].name);
        lms_layer_visit_params(L->children[i], name, fn, user);
    }
}

void lms_layer_forward(lms_layer *L, float *y, const float *x, size_t rows,
                       int B, int T, float *stats) {
    lms_fwd a = {sizeof a, y, x, L->w, L->cache, L->scratch, rows, B, T,
                 L->child_ptrs, L->n_slots, stats, L->training};
    L->plugin->desc->forward(L->self, &a);
}

void lms_layer_backward(lms_layer *L, float *dx, const float *dy,
                        const float *x, const float *y, size_t rows, int B,
                        int T) {
    lms_bwd a = {sizeof a, dx, dy, x, y, L->w, L->dw, L->cache, L->scratch,
                 rows, B, T, L->child_ptrs, L->n_slots};
    L->plugin->desc->backward(L->self, &a);
}

void lms_layer_set_training(lms_layer *L, int training) {
    L->training = training;
    for (int i = 0; i < L->n_slots; i++)
        if (L->children[i]) {
            lms_layer_set_training(L->children[i], training);
            L->child_args[i].training = training;
        }
}
