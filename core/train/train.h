/*
 * The training loop: data, model, AdamW, schedule, clipping, evaluation,
 * divergence guard, metrics.csv and summary.json.
 */
#ifndef LMSTAB_TRAIN_H
#define LMSTAB_TRAIN_H

#include <signal.h>
#include <stddef.h>

#include "io/config.h"
#include "kernels/host.h"
#include "engine/optim.h"

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
    lms_gemm_backend gemm;  /* [training] gemm, may be LMS_GEMM_AUTO */
    lms_precision precision; /* [training] precision of the model's products */
    const char *train_path; /* data.train as written (NULL: default corpus) */
    const char *tokenizer_path; /* data.tokenizer (NULL: none) */
    const char *val_path;   /* data.val (NULL: the last 10% of data.train) */
    long threads;           /* [training] threads (0: see lms_train_opts) */
    int adapt_threads;      /* [training] adapt_threads (thread_governor.h) */
} lms_train_cfg;

/* Outcome of a run under one verdict rule ([verdict], core/train/verdict.h), in
 * order of precedence. */
typedef enum lms_verdict {
    LMS_CONVERGED = 0, /* none of the below */
    LMS_SPIKED = 1,    /* the smoothed train loss rose by the rule's spike
                          threshold above its running minimum (and the run
                          ended fine) */
    LMS_COLLAPSED = 2, /* final val loss >= unigram entropy - the rule's margin */
    LMS_DIVERGED = 3   /* non-finite loss or gradient: stopped early */
} lms_verdict;

const char *lms_verdict_name(lms_verdict v);

/* [training] gemm of c into *out (LMS_GEMM_OPENBLAS when absent); marks
 * it used. -1 with "file:line: [training] gemm: ..." on a bad value. */
int lms_train_cfg_gemm(lms_config *c, lms_gemm_backend *out, char *err,
                       size_t errlen);

/* [training] precision of c into *out (LMS_PRECISION_FP32 when absent);
 * marks it used. -1 with "file:line: [training] precision: ..." on a bad
 * value. */
int lms_train_cfg_precision(lms_config *c, lms_precision *out, char *err,
                            size_t errlen);

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
    int progress;           /* 1: banner and progress lines on stderr */
    long progress_every;    /* stderr not a terminal: a line every N steps
                               (0: a tenth of the run) ... */
    double progress_seconds; /* ... or every S seconds (0: 60) */
    const char *json_path;  /* a JSON object per line (docs/cli.md) to this
                               file, "-" for stdout; NULL: none */
    long threads;           /* --threads N; 0: [training] threads, then
                               $LMSTAB_THREADS, then the CPUs this process
                               may run on (its affinity mask) */
    /* Checkpoints (docs/reliability.md). All need out_dir. */
    long checkpoint_every;  /* > 0: out_dir/checkpoint.safetensors after
                               every N steps and at the end */
    int overwrite;          /* 1: out_dir may hold a run, which is replaced
                               (without it such a directory is refused) */
    int resume;             /* 1: continue bit-exactly from the checkpoint
                               in out_dir (same config, --set and data) */
    const char *init_from;  /* safetensors file with every model tensor:
                               replaces the seeded initialisation */
    const char *const *maps; /* --map OURS=THEIRS rules for init_from, nmaps */
    int nmaps;
    const char *map_preset;  /* --map-preset nanogpt|hf-gpt2, or NULL */
    /* Set to a signal number (by the caller's SIGINT/SIGTERM handler): the
       loop finishes its step, writes a checkpoint (when out_dir is set) and
       returns with result.interrupted = that number. May be NULL. */
    volatile sig_atomic_t *stop;
    long stop_after;        /* > 0: act as if stopped after this many steps
                               (tests; like a signal, but deterministic) */
} lms_train_opts;

typedef struct lms_train_result {
    long steps;
    double final_train_loss, final_val_loss, init_loss;
    double init_train_loss;   /* training loss at step 0 */
    double max_rise;          /* largest rise of the smoothed train loss
                                 above its running minimum ([verdict]) */
    long max_rise_step;       /* where, -1 if none counted */
    double unigram_entropy;
    lms_verdict verdict;      /* under the run's own rule ([verdict] rule) */
    lms_verdict verdicts[3];  /* under strict, default and lenient */
    double tokens_per_sec, wall_seconds;
    int diverged;
    char diverged_reason[512];
    int interrupted;      /* signal number that stopped the run (then no
                             summary.json: the run is not finished), else 0 */
    long resumed_from;    /* step the run resumed at, or -1 */
    int checkpointed;     /* 1 if a checkpoint was written at the stop */
    int stream_failed;    /* the --json stream failed (message in err; the
                             run stopped at its next step, interrupted =
                             SIGPIPE, or had finished) */
} lms_train_result;

/* Run a whole training job. Returns 0 when the run completed (diverged runs
 * included: that is a result, not an error) or was stopped through
 * o->stop (r->interrupted), -1 on an error with the message in err
 * (config, plugin, data, checkpoint, I/O). Errors in the inputs (config,
 * plugins, data, --resume and --init-from files) are found before anything
 * is written. */
int lms_train_run(const lms_train_opts *o, lms_train_result *r, char *err,
                  size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
