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
 */
#ifndef LMSTAB_TESTKIT_H
#define LMSTAB_TESTKIT_H

#include <stddef.h>
#include <stdint.h>

#include "engine/layer.h"
#include "engine/loader.h"
#include "lmstab/plugin.h"

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
    float *stats; /* [L->plan.n_stats] */
} lms_tk;

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

/* y = layer(x), stats into t->stats. */
void lms_tk_forward(lms_tk *t);
/* Zero dx and every gradient, then backward with t->dy (after a forward). */
void lms_tk_backward(lms_tk *t);

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
 * backward, so relying on their previous contents fails too.
 * res may be NULL. */
int lms_tk_gradcheck(lms_tk *t, const lms_tk_gc_opts *o, lms_tk_gc_result *res,
                     char *err, size_t errlen);

/* Max |a - b| over n floats. */
double lms_tk_max_abs_diff(const float *a, const float *b, size_t n);

#endif
