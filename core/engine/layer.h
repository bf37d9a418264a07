/*
 * A layer: one configured, planned plugin instance with its children
 * (e.g. attention + its q_norm, k_norm, score_cap). The model builds its
 * blocks from layers; the test kit uses the same code to test a plugin alone.
 *
 * Life cycle: lms_layer_create -> lms_layer_set* -> lms_layer_attach* ->
 * lms_layer_plan -> lms_layer_bind (core buffers) -> forward/backward* ->
 * lms_layer_free. Memory for parameters, gradients, caches and scratch is the
 * caller's; the layer only keeps pointers into it.
 */
#ifndef LMSTAB_LAYER_H
#define LMSTAB_LAYER_H

#include <stddef.h>

#include "engine/loader.h"
#include "lmstab/plugin.h"
#include "util/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lms_layer {
    const lms_plugin *plugin;
    void *self;
    lms_plan plan; /* its arrays are the ones below */
    int planned;
    int n_slots;                /* the descriptor's slot list */
    struct lms_layer **children; /* [n_slots] by slot index, NULL: empty */
    lms_child *child_args;      /* [n_slots] set by bind */
    const lms_child **child_ptrs; /* [n_slots] lms_fwd.children: NULL or
                                     &child_args[i] */
    int *child_present;         /* [n_slots] plan arrays */
    size_t *child_rows;
    int *child_cols;
    float **w;                  /* [desc->max_params] */
    float **dw;
    size_t *param_numel;
    float *cache;
    float *scratch;
    int training; /* passed to forward as lms_fwd.training (see set_training) */
} lms_layer;

/* Load `plugin` through ld and create an instance. Non-zero + message on
 * failure (unknown plugin, create failed). */
int lms_layer_create(lms_layer **out, lms_loader *ld, const char *plugin,
                     char *err, size_t errlen);
/* The same for a plugin already loaded (or an in-process descriptor wrapped
 * as a plugin, which must outlive the layer). */
int lms_layer_create_plugin(lms_layer **out, const lms_plugin *p, char *err,
                            size_t errlen);
void lms_layer_free(lms_layer *L); /* accepts NULL; frees children too */

/* Set one key. Unknown keys are rejected here with the list of accepted
 * keys; the plugin validates the value. The message is "what is wrong", the
 * caller prefixes the place. */
int lms_layer_set(lms_layer *L, const char *key, const char *value, char *err,
                  size_t errlen);

/* Slot index of `slot` in L's descriptor, or -1. */
int lms_layer_slot(const lms_layer *L, const char *slot);
/* Attach child to slot; checks slot name and the child's kind. Takes
 * ownership of child on success only. */
int lms_layer_attach(lms_layer *L, const char *slot, lms_layer *child,
                     char *err, size_t errlen);

/* Largest cache or scratch one plan may ask for: 2^60 floats, 2^62 bytes,
 * more than any 64-bit machine can map. More is a plugin bug (or a wrapped
 * count), refused at plan time with the plugin's name; large but possible
 * requests are checked where the arenas are summed. */
#define LMS_PLAN_MAX_FLOATS ((size_t)1 << 60)

/* Plan L (and its children, at the shapes L asks for) for input
 * (rows, cols). */
int lms_layer_plan(lms_layer *L, const lms_model_info *mi, size_t rows,
                   int cols, char *err, size_t errlen);

/* Totals over L and its children, valid after plan; SIZE_MAX when a total
 * does not fit in a size_t. */
size_t lms_layer_param_floats(const lms_layer *L);
/* Floats the core keeps for L's stats: n_stats rounded up to 8 (32 bytes),
 * at least 8, so the buffers after them keep their alignment. */
size_t lms_layer_stat_floats(const lms_layer *L);
size_t lms_layer_cache_floats(const lms_layer *L);
size_t lms_layer_scratch_floats(const lms_layer *L);

/* Hand out buffers: parameters and gradients are taken from *params and
 * *grads (advanced past what L uses), caches from *cache; scratch must hold
 * lms_layer_scratch_floats(L) floats (shared between layers). */
void lms_layer_bind(lms_layer *L, float **params, float **grads,
                    float **cache, float *scratch);

/* Initialise parameters per their declarations (N(0,std) etc.). */
void lms_layer_init_params(lms_layer *L, const lms_model_info *mi,
                           lms_rng *rng);

/* Visit every parameter (children after the parent) with a dotted name:
 * "<prefix>.<param>" or "<prefix>.<slot>.<param>". */
typedef void (*lms_param_visit_fn)(void *user, const char *name,
                                   const lms_param_decl *decl, float *w,
                                   float *dw, size_t numel);
void lms_layer_visit_params(lms_layer *L, const char *prefix,
                            lms_param_visit_fn fn, void *user);

/* Training (1) or evaluation (0) mode, like PyTorch's module.train(). */
void lms_layer_set_training(lms_layer *L, int training);

void lms_layer_forward(lms_layer *L, float *y, const float *x, size_t rows,
                       int B, int T, float *stats);
void lms_layer_backward(lms_layer *L, float *dx, const float *dy,
                        const float *x, const float *y, size_t rows, int B,
                        int T);

/* Comma-separated accepted keys of a descriptor (for messages). */
void lms_keys_list(const lms_descriptor *d, char *out, size_t outlen);

#ifdef __cplusplus
}
#endif
#endif
