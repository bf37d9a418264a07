/*
 * The model graph: token + position embeddings, n_layer blocks of residual
 * branches (each an ordered list of plugin layers), an optional final norm,
 * the (tied) LM head, an optional map on the logits (e.g. a soft cap), an
 * optional auxiliary loss (e.g. z-loss) and the cross-entropy. The core never
 * names a normalization or attention variant: those come from the INI.
 *
 *   x = wte[tok] + wpe[pos]
 *   for each block, for each branch: x = x + ops_n(...ops_1(x))
 *   logits = map(final_norm(x) @ W_head^T);  loss = CE(logits, y) + aux
 */
#ifndef LMSTAB_MODEL_H
#define LMSTAB_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "io/config.h"
#include "engine/layer.h"
#include "engine/loader.h"
#include "engine/op_timer.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LMS_MAX_OPS 16
#define LMS_MAX_BRANCHES 4

typedef struct lms_op {
    char name[LMS_NAME_MAX];
    lms_layer *layer;
    int in_cols, out_cols;
    float *out;   /* (B*T, out_cols), this op's forward output */
    float *stats; /* [layer->plan.n_stats] when instrumented */
    double in_grad_norm; /* mean token L2 norm of dL/d(input), instrumented */
} lms_op;

typedef struct lms_branch {
    int n_ops;
    lms_op ops[LMS_MAX_OPS];
} lms_branch;

typedef struct lms_block {
    lms_branch br[LMS_MAX_BRANCHES];
} lms_block;

/* One parameter tensor, as named in checkpoints and golden files. */
typedef struct lms_tensor {
    char name[128];
    float *w, *dw;
    size_t numel;
    int ndim;
    int shape[2];
    int decay;  /* weight decay applies (ndim >= 2) */
    int buffer; /* plugin-updated state: not trained, skipped by AdamW */
} lms_tensor;

/* lms_model_forward flags */
#define LMS_FWD_INSTRUMENT 1 /* plugins fill their stats */
#define LMS_FWD_TRAINING 2   /* training step (state updates allowed) */

typedef struct lms_model {
    lms_model_info mi; /* d_model, n_head, n_layer, context, batch, vocab */
    int n_branches;
    char branch_names[LMS_MAX_BRANCHES][LMS_NAME_MAX];
    lms_block *blocks;
    lms_layer *final_norm; /* NULL: none */
    lms_layer *logit_map;  /* NULL: none (score_map plugin on the logits) */
    lms_layer *aux_loss;   /* NULL: none (aux_loss plugin on the logits) */
    int tied;
    float init_std;

    float *params, *grads; /* one arena each */
    size_t n_params;
    lms_tensor *tensors;
    size_t n_tensors;
    float *wte, *wpe, *head; /* head == wte when tied */
    float *dwte, *dwpe, *dhead;

    /* activations, sized once for (batch, context) */
    float *acts;
    float *resid;      /* (n_layer*n_branches + 1, B*T, C) */
    float *normed;     /* (B*T, C) final-norm output (or resid alias) */
    float *logits;     /* (B*T, V) head output (pre-map) */
    float *mapped;     /* (B*T, V) after logit_map, or == logits */
    float *probs;      /* (B*T, V) softmax, reused as dlogits */
    float *aux_out;    /* (B*T) */
    float *losses;     /* (B*T) per-token CE */
    float *cache, *scratch;
    float *dresid, *dnormed, *dbuf[2], *dlogits2;
    size_t max_cols;
    int32_t *x, *y;    /* last batch (B*T) */
    int B, T;          /* of the last forward */
    int training;      /* mode the layers are in */
    int instrumented;  /* the last forward asked for stats: backward then
                          records each op's input-gradient norm */
    /* LMSTAB_GUARD=1 (core/engine/guard.h, core/engine/guard_call.h): guard zones
     * around every buffer handed to a plugin (block ops, their children,
     * the model-level plugins); the first write past one is described in
     * guard_err */
    int guard;
    size_t n_acts;     /* floats in the activation arena */
    struct lms_guard_stage *gstage; /* copies of the shared buffers */
    char guard_err[400];
    /* profiling observer (engine/op_timer.h): NULL = off; set and owned
     * by the caller, never freed by the model */
    lms_op_timer *timer;
} lms_model;

/* Build the model described by the [model] and [block...] sections of c:
 * load plugins through ld, set their keys, plan, allocate. Entries used are
 * marked in c. Errors name file:line: [section] key. batch is the largest
 * B that forward will see. */
int lms_model_build(lms_model *m, lms_config *c, lms_loader *ld, int batch,
                    char *err, size_t errlen);
void lms_model_free(lms_model *m); /* accepts zeroed */

/* GPT-2 initialisation from a seed (N(0, init_std), residual projections
 * scaled per their plugins' declarations, norms 1, biases 0). */
void lms_model_init(lms_model *m, uint64_t seed);

lms_tensor *lms_model_tensor(lms_model *m, const char *name);

/* Forward pass on tokens x, targets y (B, T), B <= batch, T <= context.
 * Returns the mean loss (CE + aux) over B*T tokens; y may be NULL (then only
 * logits are computed and 0 is returned). flags: LMS_FWD_*. */
float lms_model_forward(lms_model *m, const int32_t *x, const int32_t *y,
                        int B, int T, int flags);
/* Put every layer in training (1) or evaluation (0) mode. */
void lms_model_set_training(lms_model *m, int training);

/* Backward of the last forward (with targets): ACCUMULATES into m->grads. */
void lms_model_backward(lms_model *m);
void lms_model_zero_grad(lms_model *m);

/* Mean CE (without aux) of the last forward; logits of the last forward are
 * in m->mapped. */
double lms_model_last_ce(const lms_model *m);

/* The op of block l, branch b, named name (NULL if absent). */
lms_op *lms_model_op(lms_model *m, int l, const char *name);

/* Where did a NaN/inf come from? Call after a forward (check_grads 0) or a
 * forward + backward (check_grads 1) of a step that produced a non-finite
 * loss or gradient norm. Scans, in this order: the parameters; the last
 * forward's stored activations in forward order (embeddings, every op's
 * output, every residual sum, the final norm, the logits, the mapped
 * logits); then, with check_grads, the gradient of each tensor in backward
 * order. Writes the first hit into out, e.g. "non-finite output first in
 * h.2.attn (causal_attention)" or "non-finite gradient first in
 * h.3.fc2.weight", and returns 1; returns 0 (out: "no non-finite value
 * found") when everything is finite. Reads only; cost: one pass. */
int lms_model_find_nonfinite(const lms_model *m, int check_grads, char *out,
                             size_t outlen);

#ifdef __cplusplus
}
#endif
#endif
