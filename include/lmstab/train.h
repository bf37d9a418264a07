/*
 * The training loop: data, model, AdamW, schedule, clipping, evaluation,
 * divergence guard, metrics.csv and summary.json.
 */
#ifndef LMSTAB_TRAIN_H
#define LMSTAB_TRAIN_H

#include <stddef.h>

#include "lmstab/config.h"
#include "lmstab/optim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* [training] and [data] settings (names are what --set and sweeps use). */
typedef struct lms_train_cfg {
    double lr, weight_decay, beta1, beta2, eps, grad_clip, min_lr_ratio;
    long max_steps, batch_size, warmup_steps, eval_every, eval_batches, seed;
    long log_every;        /* metrics.csv row + progress every N steps */
    long instrument_every; /* per-layer norms/stats every N steps (0 off) */
    lms_sched_kind schedule;
    const char *train_path; /* data.train as written (NULL: default corpus) */
} lms_train_cfg;

/* Read and validate [training] and [data]; marks entries used. */
int lms_train_cfg_read(lms_train_cfg *t, lms_config *c, char *err,
                       size_t errlen);

typedef struct lms_train_opts {
    const char *config_path;
    const char *const *sets;
    int nsets;
    const char *out_dir;    /* NULL: no files written */
    const char *plugin_dir; /* NULL: default search path */
    const char *data_path;  /* overrides data.train when not NULL */
    int progress;           /* 1: live progress line on stderr */
} lms_train_opts;

typedef struct lms_train_result {
    long steps;
    double final_train_loss, final_val_loss, init_loss;
    double tokens_per_sec, wall_seconds;
    int diverged;
    char diverged_reason[256];
} lms_train_result;

/* Run a whole training job. Returns 0 when the run completed (diverged runs
 * included: that is a result, not an error), -1 on an error with the
 * message in err (config, plugin, data, I/O). */
int lms_train_run(const lms_train_opts *o, lms_train_result *r, char *err,
                  size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
