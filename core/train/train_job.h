/* The state of one training job, shared by train.c (the loop),
 * train_setup.c (config, data, model, resume, outputs) and train_summary.c
 * (final evaluation, verdict, summary.json). Private to the core. */
#ifndef LMSTAB_TRAIN_JOB_H
#define LMSTAB_TRAIN_JOB_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "io/core_keys.h"
#include "train/checkpoint.h"
#include "io/config.h"
#include "io/data.h"
#include "engine/loader.h"
#include "engine/metrics.h"
#include "engine/model.h"
#include "train/train.h"
#include "train/thread_governor.h"
#include "train/trainer.h"
#include "train/verdict.h"

/* What the run prints while it runs (train_progress.c). */
typedef struct lms_progress {
    int show, tty;      /* stderr lines at all; live (\r) or plain */
    int open_line;      /* a live line waits for its line end */
    long every;         /* plain: a line every N steps ... */
    double seconds;     /* ... or S seconds */
    double t0, t_last;  /* this part's start; the last plain line */
    long first_step;    /* the step this part started at */
    double val;         /* the last validation loss, if has_val */
    int has_val;
    FILE *json;         /* --json stream, or NULL */
    int own_json;       /* opened by us (not stdout) */
    int json_errno;     /* the stream's first failed write (then no more
                           events; the run stops: train.c), or 0 */
} lms_progress;

typedef struct job {
    const lms_train_opts *o;
    lms_trainer t; /* config, model, data, optimizer, batch (trainer.h) */
    lms_metrics mt;
    lms_train_state st;
    lms_verdict_cfg vc; /* [verdict] */
    long ckpt_every;    /* --checkpoint-every, or the resumed run's */
    lms_facts facts;    /* streamed over the logged rows (verdict.h) */
    char ckpt_path[4200];
    double *inst;  /* instrumentation values, n_inst of them */
    int *inst_max;
    size_t n_inst;
    int lock_fd; /* the run directory's lock (rank 0 with --out), or -1 */
    char *resume_sets; /* --set given on resumes: a JSON array of {"step",
                          "set"} (train_resume.c), or NULL */
    lms_progress pg;
    lms_governor gov; /* the threads of each step (thread_governor.h) */
    /* bits per byte (train_bytes.c): tokens per byte of text over the
     * fixed validation windows' targets (NaN: unknown), and the tokenizer
     * of data.tokenizer with its SHA-256 ("" without one) */
    double val_tok_per_byte;
    char tokenizer[4096], tokenizer_sha[65];
} job;

/* A resumed run's config: the checkpoint's text and overrides, CONFIG (if
 * given) checked against them, and the --set a resume may add
 * (train_resume.c). Sets j->ckpt_path. */
int lms_job_resume_config(job *j, char *err, size_t errlen);
/* Config, plugins, model, data and buffers; nothing is written. */
int lms_job_setup(job *j, char *err, size_t errlen);
/* Bits per byte: j->val_tok_per_byte for the loaded data (1 for bytes;
 * for a shard from the pieces of data.tokenizer, checked to match the
 * data's vocabulary; NaN with neither). -1 and a message naming the key. */
int lms_job_bytes_setup(job *j, char *err, size_t errlen);
/* val (nats per token) in bits per byte, NaN when unknown. */
double lms_job_bpb(const job *j, double val);
/* Seeded init, then --init-from or --resume. */
int lms_job_prepare(job *j, lms_train_result *r, char *err, size_t errlen);
/* lms_sgemm's backend from [training] gemm and, at bf16, the bf16 kernel
 * (after lms_job_prepare; a resumed run keeps its own). -1 and a message
 * when a resumed run's bf16 kernel cannot run here. */
int lms_job_set_numerics(job *j, char *err, size_t errlen);
/* Lock an existing output directory for this process (a resumed run locks
 * before it reads its checkpoint) and remove the temporaries of dead
 * writers there; 0 without effect when there is none yet. -1 and a message
 * naming the holder's pid when another process holds it. */
int lms_job_lock(job *j, char *err, size_t errlen);
/* Output directory, its lock (held until the job ends) and metrics.csv
 * (rank 0 only). */
int lms_job_open_outputs(job *j, char *err, size_t errlen);
/* Every MPI rank must call this at the same point with its status rc:
 * LMS_AGREE_SETUP after lms_job_setup compares the job's identity (config
 * text, overrides, data, plugins), LMS_AGREE_START after the outputs are
 * open compares the start and last step. Returns 0 when every rank is ok
 * and agrees, else -1 on every rank with a message (a failed rank keeps
 * its own). A no-op with one rank. */
enum { LMS_AGREE_SETUP, LMS_AGREE_START };
int lms_job_agree(job *j, int rc, int stage, char *err, size_t errlen);
/* Final evaluation, verdict, message and summary.json. */
int lms_job_finish(job *j, lms_train_result *r, double t_start, char *err,
                   size_t errlen);
/* Progress (train_progress.c), rank 0 only. open: the --json stream (0, or
 * -1 with a message); start: the banner and the start event, after the
 * initial state is known; eval: a validation loss at `step` steps done;
 * step: after training step `step` (1-based: steps done), `logged` when
 * metrics.csv got its row, `last` for the run's last step or a diverged
 * one; break: end a live line before other output; end: the end event;
 * close: the stream. */
int lms_progress_open(job *j, char *err, size_t errlen);
void lms_progress_start(job *j, const lms_train_result *r);
void lms_progress_eval(job *j, long step, double val);
void lms_progress_step(job *j, long step, double loss, float lr, double gnorm,
                       double tps, double elapsed, int logged, int last);
void lms_progress_break(job *j);
void lms_progress_end(job *j, const lms_train_result *r);
/* 0, or -1 with "FILE: cannot write the --json stream: reason" when an
 * event or the close failed. */
int lms_progress_close(job *j, char *err, size_t errlen);

static inline double lms_job_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

#endif
