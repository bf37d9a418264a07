/* The model's memory (model_alloc.c): the parameter, gradient and
 * activation arenas sized once from the plans, each layer bound to its
 * slices, the named tensor list, and the guard zones' staging arena. */
#include <stdlib.h>
#include <string.h>

#include "engine/guard.h"
#include "engine/guard_call.h"
#include "engine/model.h"
#include "engine/model_internal.h"
#include "kernels/bigalloc.h"
#include "util/sizecalc.h"

void lms_model_for_each_layer(lms_model *m, lms_layer_fn fn, void *user) {
    char prefix[128];
    for (int l = 0; l < m->mi.n_layer; l++)
        for (int b = 0; b < m->n_branches; b++)
            for (int i = 0; i < m->blocks[l].br[b].n_ops; i++) {
                lms_op *op = &m->blocks[l].br[b].ops[i];
                snprintf(prefix, sizeof prefix, "h.%d.%s", l, op->name);
                fn(op->layer, prefix, user);
            }
    if (m->final_norm)
        fn(m->final_norm, "ln_f", user);
    if (m->logit_map)
        fn(m->logit_map, "logit_cap", user);
    if (m->aux_loss)
        fn(m->aux_loss, "aux_loss", user);
}

typedef struct sizes { size_t params, cache, scratch, stats; } sizes;

static void size_layer(lms_layer *L, const char *prefix, void *user) {
    (void)prefix;
    sizes *s = user;
    s->params = lms_sz_add(s->params, lms_layer_param_floats(L));
    s->cache = lms_sz_add(s->cache, lms_layer_cache_floats(L));
    size_t sc = lms_layer_scratch_floats(L);
    if (sc > s->scratch)
        s->scratch = sc;
    s->stats += lms_layer_stat_floats(L);
}

typedef struct binder { float *p, *g, *cache, *scratch; } binder;
static void bind_layer(lms_layer *L, const char *prefix, void *user) {
    (void)prefix;
    binder *bd = user;
    lms_layer_bind(L, &bd->p, &bd->g, &bd->cache, bd->scratch);
}

static void add_tensor(lms_model *m, const char *name, float *w, float *dw,
                       int ndim, int s0, int s1) {
    lms_tensor *t = &m->tensors[m->n_tensors++];
    snprintf(t->name, sizeof t->name, "%s", name);
    t->w = w;
    t->dw = dw;
    t->ndim = ndim;
    t->shape[0] = s0;
    t->shape[1] = ndim > 1 ? s1 : 1;
    t->numel = (size_t)s0 * (size_t)(ndim > 1 ? s1 : 1);
    t->decay = ndim >= 2;
}

static void tensor_visit(void *user, const char *name, const lms_param_decl *d,
                         float *w, float *dw, size_t numel) {
    (void)numel;
    lms_model *m = user;
    add_tensor(m, name, w, dw, d->ndim, d->shape[0], d->ndim > 1 ? d->shape[1] : 1);
    m->tensors[m->n_tensors - 1].buffer = d->buffer;
    if (d->buffer)
        m->tensors[m->n_tensors - 1].decay = 0;
}
static void tensor_layer(lms_layer *L, const char *prefix, void *user) {
    lms_layer_visit_params(L, prefix, tensor_visit, user);
}
static void count_layer(lms_layer *L, const char *prefix, void *user) {
    (void)prefix;
    size_t *n = user;
    *n += L->plan.n_params;
    for (int i = 0; i < L->n_slots; i++)
        if (L->children[i])
            *n += L->children[i]->plan.n_params;
}

static float *take(float **cursor, size_t n) {
    float *p = *cursor;
    *cursor += n;
    return p;
}

/* Float counts of the parameter and activation arenas, overflow-checked:
 * -1 and a message naming the dimensions when they do not fit a size_t. */
static int arena_sizes(lms_model *m, const sizes *s, size_t *nact,
                       char *err, size_t errlen) {
    const size_t C = m->mi.d_model, V = m->mi.vocab, Tm = m->mi.context;
    const size_t BT = lms_sz_mul((size_t)m->mi.batch, Tm);
    const size_t VC = lms_sz_mul(V, C);
    size_t emb = lms_sz_add(lms_sz_add(VC, lms_sz_mul(Tm, C)), m->tied ? 0 : VC);
    m->n_params = lms_sz_add(emb, s->params);
    size_t nresid = (size_t)m->mi.n_layer * m->n_branches + 1;
    size_t n = lms_sz_mul(lms_sz_mul(nresid, BT), C);
    n = lms_sz_add(n, lms_sz_mul(BT, C));
    n = lms_sz_add(n, lms_sz_mul(3, lms_sz_mul(BT, V)));
    n = lms_sz_add(n, lms_sz_mul(2, BT));
    for (int l = 0; l < m->mi.n_layer; l++)
        for (int b = 0; b < m->n_branches; b++)
            for (int i = 0; i < m->blocks[l].br[b].n_ops; i++)
                n = lms_sz_add(n, lms_sz_mul(BT, (size_t)m->blocks[l].br[b].ops[i].out_cols));
    n = lms_sz_add(lms_sz_add(n, s->cache), lms_sz_add(s->scratch, s->stats));
    /* gradients */
    n = lms_sz_add(n, lms_sz_mul(2, lms_sz_mul(BT, C)));
    n = lms_sz_add(n, lms_sz_mul(2, lms_sz_mul(BT, m->max_cols)));
    n = lms_sz_add(n, lms_sz_mul(BT, V));
    *nact = n;
    /* the optimizer holds 2 more copies of the parameters: 4 in all */
    if (n > SIZE_MAX / sizeof(float) ||
        m->n_params > SIZE_MAX / (4 * sizeof(float))) {
        snprintf(err, errlen, "[model]: the model's size overflows a 64-bit "
                 "byte count (vocab_size %d, context %d, d_model %d, n_layer "
                 "%d, batch_size %d%s): make it smaller", m->mi.vocab,
                 m->mi.context, m->mi.d_model, m->mi.n_layer, m->mi.batch,
                 s->cache == SIZE_MAX || s->params == SIZE_MAX
                     ? ", and the plugins' parameters or caches" : "");
        return -1;
    }
    return 0;
}

/* An activation buffer of n floats; in guard mode followed by a guard. */
static float *take_act(lms_model *m, float **cursor, size_t n) {
    float *p = take(cursor, n);
    if (m->guard)
        lms_guard_fill(take(cursor, LMS_GUARD_FLOATS), LMS_GUARD_FLOATS);
    return p;
}

static void stage_size(lms_layer *L, const char *prefix, void *user) {
    (void)prefix;
    size_t *n = user, k = lms_guard_stage_floats(L);
    if (k > *n)
        *n = k;
}

/* Guard mode: the staging arena for the largest plugin call. */
static int alloc_guard_stage(lms_model *m, char *err, size_t errlen) {
    size_t n = 0;
    lms_model_for_each_layer(m, stage_size, &n);
    if (!(m->gstage = lms_guard_stage_new(n))) {
        snprintf(err, errlen, "out of memory: LMSTAB_GUARD staging needs "
                 "%.1f MiB", (double)n * 4.0 / 1048576);
        return -1;
    }
    return 0;
}

int lms_model_allocate(lms_model *m, char *err, size_t errlen) {
    const size_t C = m->mi.d_model, V = m->mi.vocab, Tm = m->mi.context;
    const size_t BT = (size_t)m->mi.batch * Tm;
    sizes s = {0, 0, 0, 0};
    lms_model_for_each_layer(m, size_layer, &s);
    size_t nact;
    if (arena_sizes(m, &s, &nact, err, errlen) != 0)
        return -1;
    size_t nresid = (size_t)m->mi.n_layer * m->n_branches + 1;
    size_t ntensors = 3;
    lms_model_for_each_layer(m, count_layer, &ntensors);
    m->guard = lms_guard_enabled();
    if (m->guard) { /* one guard per activation buffer (take_act) */
        size_t nops = 0;
        for (int l = 0; l < m->mi.n_layer; l++)
            for (int b = 0; b < m->n_branches; b++)
                nops += (size_t)m->blocks[l].br[b].n_ops;
        nact = lms_sz_add(nact, lms_sz_mul(LMS_GUARD_FLOATS, 16 + 2 * nops));
    }
    m->n_acts = nact;
    m->params = lms_big_floats(m->n_params);
    m->grads = lms_big_floats(m->n_params);
    m->acts = lms_big_floats(nact);
    m->tensors = calloc(ntensors, sizeof *m->tensors);
    m->x = calloc(BT, sizeof(int32_t));
    m->y = calloc(BT, sizeof(int32_t));
    if (!m->params || !m->grads || !m->acts || !m->tensors || !m->x || !m->y) {
        snprintf(err, errlen, "out of memory: model needs %.1f MiB of "
                 "activations and %.1f MiB of parameters",
                 (double)nact * 4.0 / 1048576,
                 (double)m->n_params * 8.0 / 1048576);
        return -1;
    }
    float *pc = m->params, *gc = m->grads, *ac = m->acts;
    m->wte = take(&pc, V * C);
    m->dwte = take(&gc, V * C);
    m->wpe = take(&pc, Tm * C);
    m->dwpe = take(&gc, Tm * C);
    add_tensor(m, "wte", m->wte, m->dwte, 2, (int)V, (int)C);
    add_tensor(m, "wpe", m->wpe, m->dwpe, 2, (int)Tm, (int)C);
    m->resid = take_act(m, &ac, nresid * BT * C);
    m->normed = take_act(m, &ac, BT * C);
    m->logits = take_act(m, &ac, BT * V);
    m->mapped = m->logit_map ? take_act(m, &ac, BT * V) : m->logits;
    m->probs = take_act(m, &ac, BT * V);
    m->aux_out = take_act(m, &ac, BT);
    m->losses = take_act(m, &ac, BT);
    for (int l = 0; l < m->mi.n_layer; l++)
        for (int b = 0; b < m->n_branches; b++)
            for (int i = 0; i < m->blocks[l].br[b].n_ops; i++) {
                lms_op *op = &m->blocks[l].br[b].ops[i];
                op->out = take_act(m, &ac, BT * (size_t)op->out_cols);
                op->stats = take_act(m, &ac, lms_layer_stat_floats(op->layer));
            }
    binder bd = {pc, gc, NULL, NULL};
    bd.cache = take_act(m, &ac, s.cache);
    bd.scratch = take_act(m, &ac, s.scratch);
    lms_model_for_each_layer(m, bind_layer, &bd);
    pc = bd.p;
    gc = bd.g;
    if (m->tied) {
        m->head = m->wte;
        m->dhead = m->dwte;
    } else {
        m->head = take(&pc, V * C);
        m->dhead = take(&gc, V * C);
    }
    lms_model_for_each_layer(m, tensor_layer, m);
    if (!m->tied)
        add_tensor(m, "lm_head.weight", m->head, m->dhead, 2, (int)V, (int)C);
    m->dresid = take_act(m, &ac, BT * C);
    m->dnormed = take_act(m, &ac, BT * C);
    m->dbuf[0] = take_act(m, &ac, BT * m->max_cols);
    m->dbuf[1] = take_act(m, &ac, BT * m->max_cols);
    m->dlogits2 = take_act(m, &ac, BT * V);
    return m->guard ? alloc_guard_stage(m, err, errlen) : 0;
}
