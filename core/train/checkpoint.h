/*
 * Checkpoints: the whole state of a training run in one safetensors file
 * (layout in docs/reliability.md), so that a run stopped at any step and
 * resumed gives the same numbers to the last bit as one that never stopped.
 *
 *   <tensor name>            F32, every lms_model tensor under its own name
 *                            ("wte", "wpe", "h.<l>.<op>.<param>", "ln_f.weight",
 *                            ...), shape [n] or [rows, cols]
 *   adam.m.<name>, adam.v.<name>
 *                            AdamW moments of every trained tensor
 *   __metadata__             format, format_version, step, rng_state,
 *                            rng_inc, config_path, config_text, overrides,
 *                            data, data_tokens, data_hash and the verdict
 *                            tracking state (all strings, see lms_ckpt_save)
 *
 * The parameter part alone (no adam.*, no metadata) is what
 * lms_ckpt_load_params needs: a file written by PyTorch's safetensors with
 * the same names initialises a model (`lmstab train --init-from`).
 */
#ifndef LMSTAB_CHECKPOINT_H
#define LMSTAB_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "io/config.h"
#include "engine/model.h"
#include "util/rng.h"
#include "io/safetensors.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LMS_CKPT_FORMAT "lmstab-checkpoint"
#define LMS_CKPT_VERSION 2 /* 2: no blow-up state (verdicts come from metrics.csv) */
#define LMS_CKPT_VERSION_MIN 1 /* oldest version read (its extra keys ignored) */
#define LMS_CKPT_FILE "checkpoint.safetensors" /* name inside a run dir */
/* A finished run's final parameters alone (no AdamW moments): what
 * `lmstab sample` and --init-from read. */
#define LMS_WEIGHTS_FILE "weights.safetensors"
#define LMS_CKPT_RECENT 20 /* train losses averaged into final_train_loss */

/* Everything of the training loop that is not in the model or the
 * optimizer, at a step boundary. */
typedef struct lms_train_state {
    long step;               /* steps completed = the next step to run */
    lms_rng rng;             /* data sampler after `step` batches */
    double init_loss;        /* validation loss at step 0 */
    double init_train_loss;  /* training loss at step 0 */
    double recent[LMS_CKPT_RECENT]; /* ring of the last training losses */
    long nrecent;            /* losses pushed into the ring so far */
    double train_seconds;    /* time in training steps (tokens/s) */
    double wall_seconds;     /* wall time of the run so far */
    long checkpoint_every;   /* the run's checkpoint cadence (0: at the end
                                only; kept so a resume keeps it) */
    int gemm;                /* lms_sgemm's backend (lms_gemm_backend) the
                                run trains with; -1: not recorded */
    int precision;           /* lms_precision of the run (a checkpoint
                                without one predates bf16: fp32) */
    int bf16_kernel;         /* at bf16, the lms_bf16_kernel it trains
                                with; -1: not recorded */
    const char *resume_overrides; /* the --set added on resumes, a JSON
                                array of {"step", "set"}; NULL: none. Saved,
                                not read back by lms_ckpt_read_state (the
                                resume reads it with the config) */
} lms_train_state;

/* Identity of the training data, checked on resume: path as resolved,
 * token count and a 64-bit FNV-1a hash of the tokens. */
typedef struct lms_data_id {
    const char *path;
    size_t n_tokens;
    uint64_t hash;
} lms_data_id;

/* FNV-1a over n int32 tokens (their values, not their bytes). */
uint64_t lms_tokens_hash(const int32_t *tokens, size_t n);

/* Write path atomically (temporary file, fsync, rename: an older file at
 * path survives any crash). adam_m/adam_v (m->n_params floats, laid out
 * like m->params) may both be NULL for a parameters-only file; st, cfg and
 * data may be NULL to leave their metadata out. Returns 0, or -1 with a
 * message naming path. */
int lms_ckpt_save(const char *path, const lms_model *m, const float *adam_m,
                  const float *adam_v, const lms_train_state *st,
                  const lms_config *cfg, const lms_data_id *data, char *err,
                  size_t errlen);

/* Copy every tensor of m from f (read from `path`, for messages): each must
 * be present, F32 and of the model's shape, or -1 names the first tensor
 * that is missing or differs, with both shapes. Tensors of f that the model
 * does not have are ignored. On error m may be partly overwritten. */
int lms_ckpt_load_params(lms_model *m, const lms_st_file *f, const char *path,
                         char *err, size_t errlen);

/* Same for the AdamW moments "adam.m.<name>" / "adam.v.<name>" of every
 * trained tensor into adam_m/adam_v (laid out like m->params). */
int lms_ckpt_load_moments(const lms_model *m, const lms_st_file *f,
                          float *adam_m, float *adam_v, const char *path,
                          char *err, size_t errlen);

/* Parse the metadata of a checkpoint into st (format and version checked,
 * every number strictly parsed). -1 names the key and the problem. */
int lms_ckpt_read_state(const lms_st_file *f, lms_train_state *st,
                        const char *path, char *err, size_t errlen);

/* Check that f was written for the same config text and data (data may be
 * NULL to skip it), and that cfg's overrides begin with f's (a resume may
 * add some after them); -1 says what differs. */
int lms_ckpt_check_run(const lms_st_file *f, const lms_config *cfg,
                       const lms_data_id *data, const char *path, char *err,
                       size_t errlen);

/* Rebuild the run's config from f: its config text parsed (origin: the
 * stored config path) and its overrides applied. c is zeroed first; free it
 * with lms_config_free even on failure. */
int lms_ckpt_config(lms_config *c, const lms_st_file *f, const char *path,
                    char *err, size_t errlen);

/* Rewrite a metrics.csv atomically keeping its header and the rows whose
 * step is < step (rows logged after the checkpoint a run resumes from).
 * A missing file is not an error (returns 1: nothing to keep). */
int lms_ckpt_truncate_metrics(const char *path, long step, char *err,
                              size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
