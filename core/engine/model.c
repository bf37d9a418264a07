/* core/engine (above io): plugin loader and host, layers, the model's passes, AdamW, metrics. */
/* Building the model graph from an INI description: plugins are loaded,
 * configured and planned (their buffers: model_alloc.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/core_keys.h"
#include "kernels/bigalloc.h"
#include "engine/empty_slot.h"
#include "engine/guard.h"
#include "engine/guard_call.h"
#include "engine/model.h"
#include "engine/model_internal.h"
#include "util/rng.h"
#include "util/sizecalc.h"

static const char *const branch_keys[] = {"attn", "mlp"};
#define N_BRANCH_KEYS 2

/* Build one layer from `section` (plugin = given name): set its keys, attach
 * children named by slot keys (their keys in "<section>.<slot>"). where: the
 * entry that named the plugin, for messages. */
static int build_layer(lms_config *c, lms_loader *ld, const char *section,
                       const char *plugin, const lms_cfg_entry *where,
                       int depth, lms_layer **out, char *err, size_t errlen) {
    char e2[1024];
    *out = NULL;
    lms_layer *L;
    if (lms_layer_create(&L, ld, plugin, e2, sizeof e2) != 0) {
        if (where)
            lms_config_errorf(where, err, errlen, "%s", e2);
        else
            snprintf(err, errlen, "[%s]: %s", section, e2);
        return -1;
    }
    lms_config_has_section(c, section);
    for (size_t i = 0; i < c->n; i++) {
        lms_cfg_entry *e = &c->entries[i];
        if (strcmp(e->section, section) != 0 || strcmp(e->key, "plugin") == 0)
            continue;
        e->used = 1;
        if (lms_layer_slot(L, e->key) >= 0) {
            if (strcmp(e->value, "none") == 0)
                continue;
            if (depth > 0) {
                lms_config_errorf(e, err, errlen,
                                  "child plugins cannot have children");
                goto fail;
            }
            char sub[256];
            snprintf(sub, sizeof sub, "%s.%s", section, e->key);
            lms_layer *child;
            if (build_layer(c, ld, sub, e->value, e, depth + 1, &child, err,
                            errlen) != 0)
                goto fail;
            if (lms_layer_attach(L, e->key, child, e2, sizeof e2) != 0) {
                lms_layer_free(child);
                lms_config_errorf(e, err, errlen, "%s", e2);
                goto fail;
            }
            continue;
        }
        if (lms_layer_set(L, e->key, e->value, e2, sizeof e2) != 0) {
            lms_config_errorf(e, err, errlen, "%s", e2);
            goto fail;
        }
    }
    /* keys for a slot left empty are an error of their own (empty_slot.c) */
    const lms_descriptor *d = L->plugin->desc;
    for (int i = 0; d->slots && d->slots[i].name; i++)
        if (!L->children[i] &&
            lms_empty_slot_check(c, ld, section, d->name, d->slots[i].name,
                                 d->slots[i].kind, err, errlen) != 0)
            goto fail;
    *out = L;
    return 0;
fail:
    lms_layer_free(L);
    return -1;
}

static int read_dims(lms_model *m, lms_config *c, int batch, char *err,
                     size_t errlen) {
    long v[5];
    /* defaults and bounds: core/io/core_keys.c */
    if (lms_core_int(c, "model", "vocab_size", &v[0], err, errlen) ||
        lms_core_int(c, "model", "context", &v[1], err, errlen) ||
        lms_core_int(c, "model", "d_model", &v[2], err, errlen) ||
        lms_core_int(c, "model", "n_layer", &v[3], err, errlen) ||
        lms_core_int(c, "model", "n_head", &v[4], err, errlen))
        return -1;
    if (v[2] % v[4] != 0) {
        lms_cfg_entry *e = lms_config_find(c, "model", "n_head");
        if (!e)
            e = lms_config_find(c, "model", "d_model");
        if (e)
            lms_config_errorf(e, err, errlen,
                              "d_model (%ld) must be divisible by n_head (%ld)",
                              v[2], v[4]);
        else
            snprintf(err, errlen, "[model]: d_model (%ld) must be divisible "
                     "by n_head (%ld)", v[2], v[4]);
        return -1;
    }
    double std;
    if (lms_core_bool(c, "model", "tie_embeddings", &m->tied, err, errlen) ||
        lms_core_float(c, "model", "init_std", &std, err, errlen))
        return -1;
    m->init_std = (float)std;
    m->mi = (lms_model_info){sizeof(lms_model_info), (int)v[2], (int)v[4],
                             (int)v[3], (int)v[1], batch, (int)v[0], -1};
    return 0;
}

/* Parse the [block] branch lists and build every op of every layer. */
static int build_blocks(lms_model *m, lms_config *c, lms_loader *ld,
                        char *err, size_t errlen) {
    const int L = m->mi.n_layer;
    m->blocks = calloc((size_t)L, sizeof *m->blocks);
    if (!m->blocks) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (!lms_config_has_section(c, "block")) {
        snprintf(err, errlen, "%s: missing [block] section (e.g. attn = ln1, "
                 "qkv, attn, proj)", c->path);
        return -1;
    }
    for (int k = 0; k < N_BRANCH_KEYS; k++) {
        lms_cfg_entry *e = lms_config_find(c, "block", branch_keys[k]);
        if (!e)
            continue;
        char list[1024], *items[LMS_MAX_OPS];
        snprintf(list, sizeof list, "%s", e->value);
        int n = lms_split_list(list, items, LMS_MAX_OPS);
        if (n <= 0) {
            lms_config_errorf(e, err, errlen, "must be a comma-separated list "
                              "of 1 to %d op names (got '%s')", LMS_MAX_OPS,
                              e->value);
            return -1;
        }
        int b = m->n_branches++;
        snprintf(m->branch_names[b], LMS_NAME_MAX, "%s", branch_keys[k]);
        for (int i = 0; i < n; i++) {
            char section[128];
            snprintf(section, sizeof section, "block.%s", items[i]);
            lms_cfg_entry *pe = lms_config_find(c, section, "plugin");
            if (!pe) {
                lms_config_errorf(e, err, errlen, "op '%s' needs a [%s] "
                                  "section with a 'plugin' key", items[i], section);
                return -1;
            }
            for (int l = 0; l < L; l++) {
                lms_op *op = &m->blocks[l].br[b].ops[i];
                if (build_layer(c, ld, section, pe->value, pe, 0, &op->layer,
                                err, errlen) != 0)
                    return -1;
                snprintf(op->name, sizeof op->name, "%s", items[i]);
            }
            for (int l = 0; l < L; l++)
                m->blocks[l].br[b].n_ops = i + 1;
        }
    }
    if (m->n_branches == 0) {
        snprintf(err, errlen, "%s: [block] needs 'attn' and/or 'mlp' op lists",
                 c->path);
        return -1;
    }
    return 0;
}

/* Optional model-level plugin: [model] key = plugin|none, keys in
 * [model.key]. */
static int build_extra(lms_config *c, lms_loader *ld, const char *key,
                       const char *def, int kind, lms_layer **out, char *err,
                       size_t errlen) {
    *out = NULL;
    lms_cfg_entry *e = lms_config_find(c, "model", key);
    const char *name = e ? e->value : def;
    if (!name || strcmp(name, "none") == 0)
        return lms_empty_slot_check(c, ld, "model", NULL, key, kind, err,
                                    errlen);
    char section[64];
    snprintf(section, sizeof section, "model.%s", key);
    if (build_layer(c, ld, section, name, e, 0, out, err, errlen) != 0)
        return -1;
    if ((int)(*out)->plugin->desc->kind != kind) {
        char msg[256];
        snprintf(msg, sizeof msg, "'%s' is a %s plugin, this key takes a %s "
                 "plugin", name, lms_kind_name((*out)->plugin->desc->kind),
                 lms_kind_name(kind));
        if (e)
            lms_config_errorf(e, err, errlen, "%s", msg);
        else
            snprintf(err, errlen, "[model] %s: %s", key, msg);
        return -1;
    }
    return 0;
}

/* The model-level slots of the core key table ([model] final_norm,
 * logit_cap, aux_loss), each built from its row: name, kind, default. */
static int build_slots(lms_model *m, lms_config *c, lms_loader *ld, char *err,
                       size_t errlen) {
    size_t n;
    const lms_core_key *k = lms_core_keys(&n);
    for (size_t i = 0; i < n; i++) {
        if (!k[i].slot || strcmp(k[i].section, "model") != 0)
            continue;
        const char *name = k[i].key.name;
        lms_layer **out = !strcmp(name, "final_norm")  ? &m->final_norm
                          : !strcmp(name, "logit_cap") ? &m->logit_map
                          : !strcmp(name, "aux_loss")  ? &m->aux_loss
                                                       : NULL;
        if (!out) {
            snprintf(err, errlen, "[model] %s: the model has no place for "
                     "this slot", name);
            return -1;
        }
        if (build_extra(c, ld, name, k[i].key.default_value, (int)k[i].slot,
                        out, err, errlen) != 0)
            return -1;
    }
    return 0;
}

static int plan_one(lms_config *c, lms_layer *Lr, const char *section,
                    const lms_model_info *mi, size_t rows, int cols, char *err,
                    size_t errlen) {
    char e2[1024];
    if (lms_layer_plan(Lr, mi, rows, cols, e2, sizeof e2) == 0)
        return 0;
    char where[160];
    snprintf(where, sizeof where, "%s", section);
    lms_cfg_entry *pe = lms_config_find(c, where, "plugin");
    if (!pe) {
        char *dot = strrchr(where, '.');
        const char *key = dot ? dot + 1 : where;
        if (dot)
            *dot = '\0';
        pe = lms_config_find(c, where, key);
    }
    if (pe)
        lms_config_errorf(pe, err, errlen, "%s", e2);
    else
        snprintf(err, errlen, "[%s]: %s", section, e2);
    return -1;
}

static int plan_all(lms_model *m, lms_config *c, char *err, size_t errlen) {
    const int C = m->mi.d_model;
    const size_t rows = (size_t)m->mi.batch * (size_t)m->mi.context;
    m->max_cols = (size_t)C > (size_t)m->mi.vocab ? (size_t)C : (size_t)m->mi.vocab;
    for (int l = 0; l < m->mi.n_layer; l++) {
        lms_model_info mi = m->mi;
        mi.layer = l;
        for (int b = 0; b < m->n_branches; b++) {
            lms_branch *br = &m->blocks[l].br[b];
            int cols = C;
            for (int i = 0; i < br->n_ops; i++) {
                lms_op *op = &br->ops[i];
                char section[128];
                snprintf(section, sizeof section, "block.%s", op->name);
                if (plan_one(c, op->layer, section, &mi, rows, cols, err, errlen))
                    return -1;
                op->in_cols = cols;
                op->out_cols = cols = op->layer->plan.out_cols;
                if ((size_t)cols > m->max_cols)
                    m->max_cols = (size_t)cols;
            }
            if (cols != C) {
                lms_cfg_entry *e = lms_config_find(c, "block", m->branch_names[b]);
                lms_config_errorf(e, err, errlen, "the branch ends with %d "
                                  "features but must return to d_model = %d "
                                  "for the residual add", cols, C);
                return -1;
            }
        }
    }
    if (m->final_norm &&
        plan_one(c, m->final_norm, "model.final_norm", &m->mi, rows, C, err, errlen))
        return -1;
    if (m->logit_map &&
        plan_one(c, m->logit_map, "model.logit_cap", &m->mi, rows, m->mi.vocab, err, errlen))
        return -1;
    if (m->aux_loss &&
        plan_one(c, m->aux_loss, "model.aux_loss", &m->mi, rows, m->mi.vocab, err, errlen))
        return -1;
    if (m->final_norm && m->final_norm->plan.out_cols != C) {
        snprintf(err, errlen, "[model] final_norm: must keep d_model features");
        return -1;
    }
    if (m->logit_map && m->logit_map->plan.out_cols != m->mi.vocab) {
        snprintf(err, errlen, "[model] logit_cap: must keep vocab_size features");
        return -1;
    }
    if (m->aux_loss && m->aux_loss->plan.out_cols != 1) {
        snprintf(err, errlen, "[model] aux_loss: must output one value per token");
        return -1;
    }
    return 0;
}

int lms_model_build(lms_model *m, lms_config *c, lms_loader *ld, int batch,
                    char *err, size_t errlen) {
    memset(m, 0, sizeof *m);
    if (read_dims(m, c, batch, err, errlen) != 0 ||
        build_blocks(m, c, ld, err, errlen) != 0 ||
        build_slots(m, c, ld, err, errlen) != 0 ||
        plan_all(m, c, err, errlen) != 0 ||
        lms_model_allocate(m, err, errlen) != 0) {
        lms_model_free(m);
        return -1;
    }
    return 0;
}

void lms_model_free(lms_model *m) {
    if (!m)
        return;
    if (m->blocks) {
        for (int l = 0; l < m->mi.n_layer; l++)
            for (int b = 0; b < LMS_MAX_BRANCHES; b++)
                for (int i = 0; i < LMS_MAX_OPS; i++)
                    lms_layer_free(m->blocks[l].br[b].ops[i].layer);
    }
    lms_layer_free(m->final_norm);
    lms_layer_free(m->logit_map);
    lms_layer_free(m->aux_loss);
    free(m->blocks);
    lms_big_free(m->params);
    lms_big_free(m->grads);
    lms_guard_release(m->acts, m->n_acts);
    lms_guard_stage_free(m->gstage);
    lms_big_free(m->acts);
    free(m->tensors);
    free(m->x);
    free(m->y);
    memset(m, 0, sizeof *m);
}

void lms_model_init(lms_model *m, uint64_t seed) {
    lms_rng rng;
    lms_rng_seed(&rng, seed, 0x1417);
    const size_t C = m->mi.d_model;
    for (size_t i = 0; i < (size_t)m->mi.vocab * C; i++)
        m->wte[i] = m->init_std * lms_rng_normal(&rng);
    for (size_t i = 0; i < (size_t)m->mi.context * C; i++)
        m->wpe[i] = m->init_std * lms_rng_normal(&rng);
    for (int l = 0; l < m->mi.n_layer; l++)
        for (int b = 0; b < m->n_branches; b++)
            for (int i = 0; i < m->blocks[l].br[b].n_ops; i++)
                lms_layer_init_params(m->blocks[l].br[b].ops[i].layer, &m->mi, &rng);
    if (m->final_norm)
        lms_layer_init_params(m->final_norm, &m->mi, &rng);
    if (m->logit_map)
        lms_layer_init_params(m->logit_map, &m->mi, &rng);
    if (m->aux_loss)
        lms_layer_init_params(m->aux_loss, &m->mi, &rng);
    if (!m->tied)
        for (size_t i = 0; i < (size_t)m->mi.vocab * C; i++)
            m->head[i] = m->init_std * lms_rng_normal(&rng);
}

lms_tensor *lms_model_tensor(lms_model *m, const char *name) {
    for (size_t i = 0; i < m->n_tensors; i++)
        if (strcmp(m->tensors[i].name, name) == 0)
            return &m->tensors[i];
    return NULL;
}

lms_op *lms_model_op(lms_model *m, int l, const char *name) {
    for (int b = 0; b < m->n_branches; b++)
        for (int i = 0; i < m->blocks[l].br[b].n_ops; i++)
            if (strcmp(m->blocks[l].br[b].ops[i].name, name) == 0)
                return &m->blocks[l].br[b].ops[i];
    return NULL;
}

static void set_mode(lms_layer *L, const char *prefix, void *user) {
    (void)prefix;
    lms_layer_set_training(L, *(int *)user);
}

void lms_model_set_training(lms_model *m, int training) {
    lms_model_for_each_layer(m, set_mode, &training);
}
