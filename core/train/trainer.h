/*
 * The trainer: one model with its data and optimizer, and the one training
 * step every command runs (`lmstab train` and the sweeps' runs through
 * lms_train_run, `lmstab bench`, `lmstab golden`).
 *
 *   open      config -> plugins and model -> data (its vocabulary checked
 *             against the model's) -> AdamW moments and batch buffers
 *   init      the seeded start (weights, zero moments, the batch stream)
 *   draw      the next training batch into t->x, t->y (or the caller
 *             writes its own batch there: golden's fixed batch)
 *   step      forward_backward, then update:
 *             forward (loss averaged over MPI ranks), backward, gradients
 *             averaged over ranks; global grad norm, clip, AdamW over every
 *             trained tensor (plugin buffers are not trained)
 *   evaluate  mean validation loss over the fixed validation windows
 *   checkpoint / close
 *
 * Between forward_backward and update the gradients are in t->m.grads
 * (each tensor's dw) and may be read or replaced (golden does both).
 * Profiling: point t->m.timer at an lms_op_timer (engine/op_timer.h); the
 * passes fill its op kinds and update adds its time as LMS_TK_OPTIMIZER.
 * Data parallel (MPI): every rank draws the same global batch and trains
 * on its slice of local_b sequences. Single-threaded use only.
 */
#ifndef LMSTAB_TRAINER_H
#define LMSTAB_TRAINER_H

#include <stddef.h>
#include <stdint.h>

#include "engine/loader.h"
#include "engine/model.h"
#include "io/config.h"
#include "io/data.h"
#include "train/checkpoint.h"
#include "train/train.h"
#include "util/rng.h"

typedef struct lms_trainer lms_trainer;

typedef struct lms_trainer_opts {
    const char *plugin_dir; /* NULL: the default search path */
    const char *data_path;  /* overrides data.train when not NULL */
    long threads;           /* lms_threads_choice(threads, [training]
                               threads); < 0: threads left as they are */
    int no_data;            /* 1: no data is loaded (the caller writes
                               every batch into t->x, t->y; no evaluate) */
    /* Called after [training] and [data] are read (t->tc), before the
     * model is built, to read the caller's own sections (marking their
     * keys used) or check the settings. 0, or -1 with a message. May be
     * NULL. */
    int (*configure)(void *user, lms_trainer *t, char *err, size_t errlen);
    void *user;
} lms_trainer_opts;

struct lms_trainer {
    lms_config cfg;      /* loaded by the caller before open; owned */
    lms_train_cfg tc;    /* [training] and [data] */
    lms_loader *ld;
    lms_model m;         /* built for local_b sequences of context T */
    lms_data data;
    char data_path[4096]; /* data.train (or opts.data_path) resolved */
    float *mstate, *vstate; /* AdamW moments, m.n_params each */
    int32_t *x, *y;      /* the global batch: (batch_size, T) tokens */
    int rank, nranks, root; /* MPI (one rank without) */
    long local_b;        /* this rank's sequences: batch_size / nranks */
    int T;               /* the model's context */
};

/* Everything that can fail on bad input, nothing written: t zeroed but
 * for t->cfg, which the caller has loaded (lms_trainer_load_config, or its
 * own way) and whose overrides are applied. 0, or -1 with a message
 * naming the file, section and key. Call lms_trainer_close either way. */
int lms_trainer_open(lms_trainer *t, const lms_trainer_opts *o, char *err,
                     size_t errlen);
/* t->cfg from path with the --set assignments sets[0..nsets). */
int lms_trainer_load_config(lms_trainer *t, const char *path,
                            const char *const *sets, int nsets, char *err,
                            size_t errlen);
/* The seeded start from [training] seed: weights (lms_model_init), zero
 * moments, and rng (may be NULL) seeded for lms_trainer_draw. */
void lms_trainer_init(lms_trainer *t, lms_rng *rng);
/* The next training batch from rng into t->x, t->y. */
void lms_trainer_draw(lms_trainer *t, lms_rng *rng);
/* Forward on this rank's slice of t->x, t->y (flags LMS_FWD_INSTRUMENT
 * may be given; a training forward either way), backward into the zeroed
 * gradients, averaged over ranks. *loss: the mean over ranks. Returns 0,
 * or 1 when the loss is not finite (why: where it came from, for step
 * `step`; no backward then). */
int lms_trainer_forward_backward(lms_trainer *t, long step, int flags,
                                 double *loss, char *why, size_t whylen);
/* The update after forward_backward: *gnorm = the gradients' global norm,
 * clipped to [training] grad_clip, AdamW at lr as step `step` (0-based) of
 * the run. Returns 0, or 1 (why) when the norm is not finite (nothing
 * updated). */
int lms_trainer_update(lms_trainer *t, long step, float lr, double *gnorm,
                       char *why, size_t whylen);
/* forward_backward, then update (*gnorm left as it was when the loss is
 * not finite: metrics.csv's diverged row keeps the last norm, as ever). */
int lms_trainer_step(lms_trainer *t, long step, float lr, int flags,
                     double *loss, double *gnorm, char *why, size_t whylen);
/* The learning rate of step `step` under [training]'s schedule. */
float lms_trainer_lr(const lms_trainer *t, long step);
/* Mean validation loss over [training] eval_batches fixed windows (every
 * rank; overwrites t->x, t->y). */
double lms_trainer_evaluate(lms_trainer *t);
/* Model, moments and st (the caller's run state) into a checkpoint at
 * path (checkpoint.h), rank 0 only (others return 0). */
int lms_trainer_checkpoint(const lms_trainer *t, const char *path,
                           const lms_train_state *st, char *err,
                           size_t errlen);
/* Frees everything t holds; accepts a zeroed or partly opened t. */
void lms_trainer_close(lms_trainer *t);

#endif
