/*
 * Test kit shared by the plugin tests and the conformance test. Everything
 * goes through the real loader and the lms_layer API, so a plugin is tested
 * exactly as the model runs it.
 *
 * Typical use:
 *   lms_loader *ld = lms_tk_loader(err, sizeof err);     //
 * $LMS_TEST_PLUGIN_DIR lms_layer *L; lms_tk_layer_new(&L, ld, "layernorm",
 * (const char *[]){"eps=1e-6", NULL}, NULL, err, sizeof err); lms_tk t;
 *   lms_model_info mi = lms_tk_model_small();
 *   lms_tk_setup(&t, L, &mi, 2, 8, 32, err, sizeof err); // takes L
 *   lms_tk_init_params(&t, 1); lms_tk_fill_input(&t, 2);
 *   lms_tk_gradcheck(&t, NULL, err, sizeof err);
 *   lms_tk_free(&t); lms_loader_free(ld);
 *
 * Functions returning int give 0 on success, non-zero with a message in err.
 * The plugin checks of the conformance test and of `lmstab check` are in
 * tk_check.h.
 */
#ifndef LMSTAB_TESTKIT_H
#define LMSTAB_TESTKIT_H

#include <stddef.h>
#include <stdint.h>

#include "lmstab/plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the engine, as the kit shows it ------------------------------------
 * This header is self-contained: it needs only lmstab/plugin.h. A layer
 * (one configured plugin instance with its children) and a loader are
 * opaque here; the functions below are the engine's own (core/engine
 * layer.h, loader.h; testkit.c includes both, so a prototype that drifts
 * does not compile), re-declared so that no engine header is installed. */
typedef struct lms_layer lms_layer;
typedef struct lms_loader lms_loader;

void lms_loader_free(lms_loader *ld); /* accepts NULL; dlcloses all */
void lms_layer_free(lms_layer *L);    /* accepts NULL; frees children too */
/* Set one key (unknown keys are rejected with the list of accepted ones;
 * the plugin validates the value). */
int lms_layer_set(lms_layer *L, const char *key, const char *value, char *err,
                  size_t errlen);
/* Attach child to slot (checks the slot name and the child's kind); takes
 * ownership of child on success only. */
int lms_layer_attach(lms_layer *L, const char *slot, lms_layer *child,
                     char *err, size_t errlen);
/* Plan L and its children for input (rows, cols). */
int lms_layer_plan(lms_layer *L, const lms_model_info *mi, size_t rows,
                   int cols, char *err, size_t errlen);
/* Training (1) or evaluation (0) mode, like PyTorch's module.train(). */
void lms_layer_set_training(lms_layer *L, int training);

/* The plan of L (slot NULL) or of its child in `slot`, after planning;
 * NULL when there is no such child or nothing is planned yet. */
const lms_plan *lms_tk_layer_plan(const lms_layer *L, const char *slot);
/* Parameter i (in plan order) of L or of its child in `slot`, and its
 * gradient, after lms_tk_setup bound them; NULL when there is none. */
float *lms_tk_layer_w(lms_layer *L, const char *slot, int i);
float *lms_tk_layer_dw(lms_layer *L, const char *slot, int i);
/* The descriptor of L's plugin (owned by the loader). */
const lms_descriptor *lms_tk_layer_desc(const lms_layer *L);

/* The small default model: d_model 32, n_head 2, n_layer 2, context 8,
 * batch 2, vocab 256, layer 0. */
lms_model_info lms_tk_model_small(void);

/* The number of threads the host gives plugins (host->parallel_for) and
 * its sgemm: a determinism test runs the same layer at 1 and at n. */
void lms_tk_set_threads(int n);

/* $LMS_TEST_PLUGIN_DIR, or NULL when unset/empty. */
const char *lms_tk_plugin_dir(void);

/* A loader searching $LMS_TEST_PLUGIN_DIR first. NULL + message if the
 * variable is unset. Free with lms_loader_free. */
lms_loader *lms_tk_loader(char *err, size_t errlen);

/* Apply a NULL-terminated list of "key=value" strings (kvs may be NULL). */
int lms_tk_set_kvs(lms_layer *L, const char *const *kvs, char *err,
                   size_t errlen);

/* A child for lms_tk_layer_new: plugin `plugin` with keys `kvs` in `slot`. */
typedef struct lms_tk_child {
    const char *slot;
    const char *plugin;
    const char *const *kvs;
} lms_tk_child;

/* Create plugin `plugin`, set kvs, attach children (array terminated by an
 * entry with slot == NULL; may be NULL). *out is NULL on failure. */
int lms_tk_layer_new(lms_layer **out, lms_loader *ld, const char *plugin,
                     const char *const *kvs, const lms_tk_child *children,
                     char *err, size_t errlen);

/* Wrap an in-process descriptor (a mock plugin defined in a test) as a layer
 * without dlopen; the descriptor must be static. */
int lms_tk_layer_from_desc(lms_layer **out, const lms_descriptor *d, char *err,
                           size_t errlen);

/* A planned layer with every buffer it needs. */
typedef struct lms_tk {
    lms_layer *L; /* owned */
    lms_model_info mi;
    int B, T;
    size_t rows; /* B*T */
    int in_cols, out_cols;
    size_t n_params, n_cache, n_scratch;
    float *params, *grads, *cache, *scratch;
    float *x, *y, *dx, *dy; /* (rows, in_cols) / (rows, out_cols) */
    float *stats; /* [n_stats], then a guard zone when guarded */
    size_t n_stats;
    /* guard zones (lms_tk_set_guard before lms_tk_setup): a write past
     * any buffer the plugin is handed is recorded in guard_err */
    int guard;
    struct lms_guard_stage *gstage;
    char guard_err[400];
} lms_tk;

/* Guard zones for the lms_tk set up after this call (0 off, 1 on; the
 * default is on when $LMSTAB_GUARD is set and not "0"). With guards, every
 * buffer a plugin call is handed (y, dx, stats, each parameter and
 * gradient, cache and scratch, its children's too) is followed by a
 * canary zone; a call that writes into one is recorded in t->guard_err as
 * "plugin 'P' (op 'check', forward) wrote past the end of its parameter
 * 'bias': 0 floats past its 32 (LMSTAB_GUARD)" and fails the gradient
 * check with that message. Numbers are the same with and without. */
void lms_tk_set_guard(int on);

/* Plan L for input (B*T, in_cols) under mi, allocate and bind all buffers
 * (zeroed). Takes ownership of L, also on failure (t is then zeroed). */
int lms_tk_setup(lms_tk *t, lms_layer *L, const lms_model_info *mi, int B,
                 int T, int in_cols, char *err, size_t errlen);
void lms_tk_free(lms_tk *t); /* accepts a zeroed struct */

/* Deterministic uniform [lo, hi) fill. */
void lms_tk_fill(float *a, size_t n, uint64_t seed, float lo, float hi);
/* Each of `rows` rows of `cols` floats a random probability vector (softmax
 * of N(0, 1.5^2) logits). */
void lms_tk_fill_probs(float *a, size_t rows, int cols, uint64_t seed);
/* Fill t->x with an input suited to the plugin's kind: probability rows for
 * PROB_MAP, U(-3, 3) for SCORE_MAP, U(-1, 1) otherwise. */
void lms_tk_fill_input(lms_tk *t, uint64_t seed);

/* Random parameters (layer and children), near their declared init but with
 * every 1-D parameter perturbed so affines and biases matter:
 * ONES -> 1 + 0.2 N, ZEROS -> 0.2 N (1-D) / 0.02 N (2-D), CONSTANT -> std *
 * (1 + 0.1 N), NORMAL[_RESIDUAL] -> std N (+ 0.1 N when 1-D). Buffers
 * (decl.buffer) get their declared init and are skipped by the gradient
 * check. */
void lms_tk_init_params(lms_tk *t, uint64_t seed);
/* Parameters exactly as the model initialises them (their declarations). */
void lms_tk_init_declared(lms_tk *t, uint64_t seed);

/* y = layer(x), stats into t->stats. */
void lms_tk_forward(lms_tk *t);
/* y[0 .. B*T rows) = layer(x) on the first B sequences only (B <= t->B),
 * no stats: a plugin must handle fewer rows than planned. */
void lms_tk_forward_rows(lms_tk *t, int B);
/* Zero dx and every gradient, then backward with t->dy (after a forward). */
void lms_tk_backward(lms_tk *t);
/* Backward with t->dy adding to dx and the gradients as they are. */
void lms_tk_backward_acc(lms_tk *t);

/* Finite-difference gradient check of loss = sum(y * r), r ~ U(-1, 1), for
 * the input and every parameter (children included). Zero fields take the
 * defaults in brackets. */
typedef struct lms_tk_gc_opts {
    double h;     /* step, times max(min(1, RMS of the tensor), |v|) [1e-2] */
    double tol;   /* max accepted error [5e-3] */
    double floor; /* error denominator >= floor * max|g| of the tensor [1e-2] */
    double
        abs_floor; /* ... and >= abs_floor * max|g| over all tensors [1e-3] */
    size_t max_elems; /* elements checked per tensor (random subset) [256] */
    uint64_t seed;    /* [1234] */
    int skip_input;   /* do not check dx (e.g. integer-like inputs) */
} lms_tk_gc_opts;

/* Result of a gradient check: worst error and where it occurred. */
typedef struct lms_tk_gc_result {
    double worst;     /* max error over all tensors */
    double raw_worst; /* the same without the rounding allowance */
    char where[160];  /* "x[12]" or "q_norm.weight[3]" */
    double analytic, numeric;
    size_t checked, kinks; /* elements compared; skipped as non-smooth */
} lms_tk_gc_result;

/* Returns 0 when every checked element has error <= tol. The error of an
 * element is max(0, |a - n| - noise) / max(|n|, floor * max|n| of its
 * tensor, abs_floor * max|n| of all tensors, 1e-6), where noise is 16 float
 * ulps of the loss's terms divided by the step (what rounding alone can
 * explain). Elements where the one-sided differences
 * disagree by more than 2 * tol * denominator (a kink, e.g. a clip) are
 * accepted if the analytic value matches either side. Also fails when forward leaves a non-finite output, when
 * forward is not deterministic, or when backward does not accumulate; cache
 * and scratch are filled with NaN before forward and scratch again before
 * backward, so relying on their previous contents fails too. With guard
 * zones (lms_tk_set_guard), a write past any buffer fails it with the
 * guard's message, whatever else it broke. res may be NULL. */
int lms_tk_gradcheck(lms_tk *t, const lms_tk_gc_opts *o, lms_tk_gc_result *res,
                     char *err, size_t errlen);

/* Max |a - b| over n floats. */
double lms_tk_max_abs_diff(const float *a, const float *b, size_t n);

#ifdef __cplusplus
}
#endif
#endif
