/* The training loop. Errors before the first step leave no output
 * directory behind; summary.json (written atomically at the end) marks a
 * finished run; checkpoint.safetensors (optional, see checkpoint.h) lets a
 * stopped run continue bit-exactly. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lmstab/checkpoint.h"
#include "lmstab/data.h"
#include "lmstab/dist.h"
#include "lmstab/fsutil.h"
#include "lmstab/metrics.h"
#include "lmstab/model.h"
#include "lmstab/train.h"

#ifndef LMS_SOURCE_DIR
#define LMS_SOURCE_DIR "."
#endif

const char *lms_train_accepted_keys(void *user, const char *section);

typedef struct job {
    const lms_train_opts *o;
    lms_config cfg;
    lms_train_cfg tc;
    lms_loader *ld;
    lms_model m;
    lms_data data;
    float *mstate, *vstate;
    int32_t *x, *y;
    lms_metrics mt;
    lms_train_state st;
    char data_path[4096];
    char ckpt_path[4200];
    /* data parallel (MPI): every rank draws the same global batch x, y and
     * trains on its slice of local_b sequences; rank 0 writes all output */
    int rank, nranks, root;
    long local_b;
    double *inst;  /* instrumentation values, n_inst of them */
    int *inst_max;
    size_t n_inst;
} job;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int resolve_data(job *j, char *err, size_t errlen) {
    const char *p = j->o->data_path ? j->o->data_path : j->tc.train_path;
    if (p && strcmp(p, "tinyshakespeare.txt") != 0) {
        snprintf(j->data_path, sizeof j->data_path, "%s", p);
        return 0;
    }
    return lms_data_find_corpus(NULL, LMS_SOURCE_DIR, j->data_path,
                                sizeof j->data_path, err, errlen);
}

/* Everything that can fail on bad input happens here, before any output. */
static int setup(job *j, char *err, size_t errlen) {
    const lms_train_opts *o = j->o;
    if (lms_config_load(&j->cfg, o->config_path, err, errlen) != 0)
        return -1;
    for (int i = 0; i < o->nsets; i++)
        if (lms_config_override(&j->cfg, o->sets[i], err, errlen) != 0)
            return -1;
    if (lms_train_cfg_read(&j->tc, &j->cfg, err, errlen) != 0)
        return -1;
    if (!(j->ld = lms_loader_new(o->plugin_dir))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    const lms_dist *d = lms_dist_world();
    j->rank = d->rank;
    j->nranks = d->size;
    j->root = d->rank == 0;
    if (j->tc.batch_size % d->size != 0) {
        lms_cfg_entry *e = lms_config_find(&j->cfg, "training", "batch_size");
        char msg[160];
        snprintf(msg, sizeof msg, "%ld sequences cannot be split evenly over "
                 "%d MPI ranks", j->tc.batch_size, d->size);
        if (e)
            lms_config_errorf(e, err, errlen, "%s", msg);
        else
            snprintf(err, errlen, "[training] batch_size: %s", msg);
        return -1;
    }
    j->local_b = j->tc.batch_size / d->size;
    if (lms_model_build(&j->m, &j->cfg, j->ld, (int)j->local_b, err,
                        errlen) != 0)
        return -1;
    j->n_inst = lms_metrics_collect(&j->m, NULL, NULL, 0);
    j->inst = calloc(j->n_inst + 1, sizeof *j->inst);
    j->inst_max = calloc(j->n_inst + 1, sizeof *j->inst_max);
    if (!j->inst || !j->inst_max) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (lms_config_check_unused(&j->cfg, lms_train_accepted_keys, NULL, err,
                                errlen) != 0)
        return -1;
    if (resolve_data(j, err, errlen) != 0 ||
        lms_data_load(&j->data, j->data_path, j->m.mi.context, err, errlen) != 0)
        return -1;
    if (j->data.vocab > j->m.mi.vocab) {
        snprintf(err, errlen, "%s: tokens up to %d but model.vocab_size is %d",
                 j->data_path, j->data.vocab - 1, j->m.mi.vocab);
        return -1;
    }
    size_t BT = (size_t)j->tc.batch_size * j->m.mi.context;
    j->mstate = calloc(j->m.n_params, sizeof(float));
    j->vstate = calloc(j->m.n_params, sizeof(float));
    j->x = calloc(BT, sizeof(int32_t));
    j->y = calloc(BT, sizeof(int32_t));
    if (!j->mstate || !j->vstate || !j->x || !j->y) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* This rank's slice of the global batch in j->x, j->y. */
static const int32_t *slice(const job *j, const int32_t *a) {
    return a + (size_t)j->rank * j->local_b * j->m.mi.context;
}

static double evaluate(job *j) {
    int B = (int)j->tc.batch_size, T = j->m.mi.context;
    double s = 0.0;
    for (int i = 0; i < j->tc.eval_batches; i++) {
        lms_data_val_batch(&j->data, i, (int)j->tc.eval_batches, B, T, j->x, j->y);
        lms_model_forward(&j->m, slice(j, j->x), slice(j, j->y),
                          (int)j->local_b, T, 0);
        s += lms_model_last_ce(&j->m);
    }
    return lms_dist_mean(s / (double)j->tc.eval_batches);
}

/* Average the gradients over ranks (one in-place allreduce of the arena). */
static void reduce_grads(job *j) {
    if (j->nranks == 1)
        return;
    lms_dist_sum_floats(j->m.grads, j->m.n_params);
    const float inv = 1.0f / (float)j->nranks;
    for (size_t i = 0; i < j->m.n_params; i++)
        j->m.grads[i] *= inv;
}

/* Instrumentation of the last forward, combined over ranks (mean, or max
 * for maxima). */
static void collect_inst(job *j) {
    lms_metrics_collect(&j->m, j->inst, j->inst_max, j->n_inst);
    if (j->nranks == 1)
        return;
    double *tmp = j->inst + j->n_inst; /* spare slot: reduce one at a time */
    for (size_t i = 0; i < j->n_inst; i++) {
        *tmp = j->inst[i];
        if (j->inst_max[i])
            lms_dist_max_doubles(tmp, 1);
        else
            *tmp = lms_dist_mean(*tmp);
        j->inst[i] = *tmp;
    }
}

static void optimizer_step(job *j, float lr, int t) {
    lms_adamw o = {(float)j->tc.beta1, (float)j->tc.beta2, (float)j->tc.eps,
                   (float)j->tc.weight_decay};
    for (size_t i = 0; i < j->m.n_tensors; i++) {
        lms_tensor *tt = &j->m.tensors[i];
        if (tt->buffer)
            continue;
        size_t off = (size_t)(tt->w - j->m.params);
        lms_adamw_update(&o, tt->w, tt->dw, j->mstate + off, j->vstate + off,
                         tt->numel, lr, t, tt->decay);
    }
}

static void progress(const job *j, long step, double loss, float lr,
                     double tps, double elapsed, int final) {
    if (!j->o->progress || !j->root)
        return;
    double eta = step > 0 ? elapsed / step * (j->tc.max_steps - step) : 0.0;
    fprintf(stderr, "\rstep %6ld/%ld  loss %.4f  lr %.3e  %8.0f tok/s  ETA %5.0fs%s",
            step, j->tc.max_steps, loss, lr, tps, eta, final ? "\n" : "");
    fflush(stderr);
}

static int write_summary(job *j, const lms_train_result *r, char *err,
                         size_t errlen);

/* One optimisation step; returns 0, or 1 when the run diverged. */
static int train_step(job *j, long step, float lr, int instrument,
                      double *loss, double *gnorm, lms_train_result *r) {
    int T = j->m.mi.context;
    *loss = lms_model_forward(&j->m, slice(j, j->x), slice(j, j->y),
                              (int)j->local_b, T,
                              LMS_FWD_TRAINING | (instrument ? LMS_FWD_INSTRUMENT : 0));
    *loss = lms_dist_mean(*loss);
    char where[300];
    if (!isfinite(*loss)) {
        lms_model_find_nonfinite(&j->m, 0, where, sizeof where);
        snprintf(r->diverged_reason, sizeof r->diverged_reason,
                 "non-finite training loss at step %ld: %s", step, where);
        return 1;
    }
    lms_model_zero_grad(&j->m);
    lms_model_backward(&j->m);
    reduce_grads(j);
    *gnorm = lms_grad_norm(j->m.grads, j->m.n_params);
    if (!isfinite(*gnorm)) {
        lms_model_find_nonfinite(&j->m, 1, where, sizeof where);
        snprintf(r->diverged_reason, sizeof r->diverged_reason,
                 "non-finite gradient norm at step %ld: %s", step, where);
        return 1;
    }
    lms_clip_grads(j->m.grads, j->m.n_params, *gnorm, (float)j->tc.grad_clip);
    optimizer_step(j, lr, (int)step + 1);
    return 0;
}

/* Smoothed training loss against its value at init (the blow-up rule). */
static void track_blowup(job *j, long step, double loss) {
    lms_train_state *st = &j->st;
    const double a = j->tc.verdict_ema;
    st->recent[st->nrecent++ % LMS_CKPT_RECENT] = loss;
    if (step == 0) {
        st->init_train_loss = loss;
        st->ema = loss;
        return;
    }
    st->ema = a * st->ema + (1.0 - a) * loss;
    if (step < j->tc.warmup_steps)
        return;
    if (st->ema > st->max_smoothed_loss)
        st->max_smoothed_loss = st->ema;
    if (st->blew_up_step < 0 && st->ema > j->tc.blowup_factor * st->init_train_loss)
        st->blew_up_step = step;
}

static int save_checkpoint(job *j, char *err, size_t errlen) {
    if (!j->root)
        return 0;
    lms_data_id id = {j->data_path, j->data.n_tokens,
                      lms_tokens_hash(j->data.tokens, j->data.n_tokens)};
    return lms_ckpt_save(j->ckpt_path, &j->m, j->mstate, j->vstate, &j->st,
                         &j->cfg, &id, err, errlen);
}

/* 1 when the caller asked the loop to stop after this step. */
static int stop_requested(const job *j) {
    if (j->o->stop && *j->o->stop)
        return *j->o->stop;
    if (j->o->stop_after > 0 && j->st.step >= j->o->stop_after)
        return SIGINT;
    return 0;
}

/* The final evaluation, verdict, message and summary. */
static int finish(job *j, lms_train_result *r, double t_start, char *err,
                  size_t errlen);

static int train_loop(job *j, lms_train_result *r, char *err, size_t errlen) {
    const lms_train_cfg *tc = &j->tc;
    lms_train_state *st = &j->st;
    int B = (int)tc->batch_size, T = j->m.mi.context;
    lms_schedule sch = {tc->schedule, (float)tc->lr, (int)tc->warmup_steps,
                        (int)tc->max_steps, (float)tc->min_lr_ratio};
    int tty = isatty(2);
    double t_start = now_s() - st->wall_seconds;
    double loss = 0.0, gnorm = 0.0;
    for (long step = st->step; step < tc->max_steps; step++) {
        float lr = lms_schedule_lr(&sch, (int)step);
        lms_metrics_row row = {step, lr, 0, 0, 0, 0, 0, 0, 0};
        if (tc->eval_every > 0 && step % tc->eval_every == 0) {
            row.val_loss = evaluate(j);
            row.has_val = 1;
            if (step == 0)
                st->init_loss = row.val_loss;
        }
        int log = step % tc->log_every == 0 || step == tc->max_steps - 1;
        row.instrumented = log && tc->instrument_every > 0 &&
                           step % tc->instrument_every == 0;
        lms_data_train_batch(&j->data, &st->rng, B, T, j->x, j->y);
        double t0 = now_s();
        int div = train_step(j, step, lr, row.instrumented, &loss, &gnorm, r);
        st->train_seconds += now_s() - t0;
        r->steps = step + 1;
        row.train_loss = loss;
        row.grad_norm = gnorm;
        row.tokens_per_sec = (double)(step + 1) * B * T / st->train_seconds;
        row.elapsed = now_s() - t_start;
        if (!div)
            track_blowup(j, step, loss);
        if (row.instrumented)
            collect_inst(j);
        if (log || div)
            lms_metrics_write(&j->mt, &row, j->inst, j->n_inst);
        if ((tty && log) || div || (!tty && step % (tc->log_every * 20) == 0))
            progress(j, step + 1, loss, lr, row.tokens_per_sec, row.elapsed, !tty);
        if (div) {
            r->diverged = 1;
            break;
        }
        st->step = step + 1;
        st->wall_seconds = now_s() - t_start;
        int stop = stop_requested(j);
        if (j->nranks > 1) { /* all ranks stop at the same step, or none */
            double sv = stop;
            lms_dist_max_doubles(&sv, 1);
            stop = (int)sv;
        }
        int every = j->o->checkpoint_every > 0 &&
                    st->step % j->o->checkpoint_every == 0;
        if (j->o->out_dir && (stop || (every && st->step < tc->max_steps)) &&
            save_checkpoint(j, err, errlen) != 0)
            return -1;
        if (stop && st->step < tc->max_steps) {
            r->interrupted = stop;
            r->checkpointed = j->o->out_dir != NULL;
            if (tty && j->o->progress)
                fputc('\n', stderr);
            return 0;
        }
    }
    if (!r->diverged && j->o->out_dir && j->o->checkpoint_every > 0) {
        st->wall_seconds = now_s() - t_start;
        if (save_checkpoint(j, err, errlen) != 0)
            return -1;
    }
    return finish(j, r, t_start, err, errlen);
}

static int finish(job *j, lms_train_result *r, double t_start, char *err,
                  size_t errlen) {
    const lms_train_cfg *tc = &j->tc;
    const lms_train_state *st = &j->st;
    int B = (int)tc->batch_size, T = j->m.mi.context;
    r->init_loss = st->init_loss;
    r->init_train_loss = st->init_train_loss;
    r->max_smoothed_loss = st->max_smoothed_loss;
    r->blew_up_step = st->blew_up_step;
    if (r->steps < st->step)
        r->steps = st->step; /* resumed at the end: no step ran */
    r->tokens_per_sec = st->train_seconds > 0
                            ? (double)r->steps * B * T / st->train_seconds : 0;
    double sum = 0.0;
    long nr = st->nrecent < LMS_CKPT_RECENT ? st->nrecent : LMS_CKPT_RECENT;
    for (long i = 0; i < nr; i++)
        sum += st->recent[i];
    r->final_train_loss = r->diverged || nr == 0 ? NAN : sum / nr;
    r->final_val_loss = r->diverged ? NAN : evaluate(j);
    r->unigram_entropy = lms_data_unigram_entropy(&j->data);
    r->verdict = r->diverged ? LMS_DIVERGED
                 : r->final_val_loss >= r->unigram_entropy - tc->collapse_margin
                     ? LMS_COLLAPSED
                 : r->blew_up_step >= 0 ? LMS_BLEW_UP
                                        : LMS_CONVERGED;
    r->wall_seconds = now_s() - t_start;
    if (j->o->progress && j->root) {
        if (isatty(2))
            fputc('\n', stderr);
        if (r->diverged)
            fprintf(stderr, "diverged: %s\n", r->diverged_reason);
        else if (r->verdict != LMS_CONVERGED)
            fprintf(stderr, "verdict: %s\n", lms_verdict_name(r->verdict));
        else
            fprintf(stderr, "final validation loss %.4f nats/token (perplexity "
                    "%.2f), %.0f tokens/s, %.1f s\n", r->final_val_loss,
                    exp(r->final_val_loss), r->tokens_per_sec, r->wall_seconds);
    }
    return write_summary(j, r, err, errlen);
}

static int write_summary(job *j, const lms_train_result *r, char *err,
                         size_t errlen) {
    if (!j->o->out_dir || !j->root)
        return 0;
    cJSON *o = cJSON_CreateObject(), *ov = cJSON_CreateArray();
    cJSON_AddStringToObject(o, "config", j->o->config_path);
    for (size_t i = 0; i < j->cfg.noverrides; i++)
        cJSON_AddItemToArray(ov, cJSON_CreateString(j->cfg.overrides[i]));
    cJSON_AddItemToObject(o, "overrides", ov);
    cJSON_AddStringToObject(o, "data", j->data_path);
    cJSON_AddNumberToObject(o, "steps", (double)r->steps);
    cJSON_AddNumberToObject(o, "max_steps", (double)j->tc.max_steps);
    cJSON_AddNumberToObject(o, "lr", j->tc.lr);
    cJSON_AddNumberToObject(o, "seed", (double)j->tc.seed);
    cJSON_AddNumberToObject(o, "n_params", (double)j->m.n_params);
    cJSON_AddNumberToObject(o, "init_val_loss", r->init_loss);
    cJSON_AddNumberToObject(o, "final_train_loss", r->final_train_loss);
    cJSON_AddNumberToObject(o, "final_val_loss", r->final_val_loss);
    cJSON_AddNumberToObject(o, "val_perplexity", exp(r->final_val_loss));
    cJSON_AddNumberToObject(o, "unigram_entropy", r->unigram_entropy);
    cJSON_AddNumberToObject(o, "init_train_loss", r->init_train_loss);
    cJSON_AddNumberToObject(o, "max_smoothed_loss", r->max_smoothed_loss);
    cJSON_AddNumberToObject(o, "blew_up_step", (double)r->blew_up_step);
    cJSON_AddStringToObject(o, "verdict", lms_verdict_name(r->verdict));
    cJSON_AddBoolToObject(o, "diverged", r->diverged);
    cJSON_AddStringToObject(o, "diverged_reason", r->diverged_reason);
    cJSON_AddNumberToObject(o, "tokens_per_sec", r->tokens_per_sec);
    cJSON_AddNumberToObject(o, "wall_seconds", r->wall_seconds);
    cJSON_AddStringToObject(o, "config_text", j->cfg.text);
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    if (!text) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.json", j->o->out_dir);
    size_t n = strlen(text);
    text[n] = '\n';
    int rc = lms_write_atomic(path, text, n + 1, err, errlen);
    free(text);
    return rc;
}

/* Resume: everything in the checkpoint is checked before it is used. */
static int load_checkpoint(job *j, lms_train_result *r, char *err,
                           size_t errlen) {
    const char *path = j->ckpt_path;
    lms_st_file *f = lms_st_open(path, err, errlen);
    if (!f)
        return -1;
    lms_data_id id = {j->data_path, j->data.n_tokens,
                      lms_tokens_hash(j->data.tokens, j->data.n_tokens)};
    int rc = lms_ckpt_read_state(f, &j->st, path, err, errlen);
    if (rc == 0)
        rc = lms_ckpt_check_run(f, &j->cfg, &id, path, err, errlen);
    if (rc == 0 && j->st.step > j->tc.max_steps) {
        snprintf(err, errlen, "%s: is at step %ld, past training.max_steps = "
                 "%ld", path, j->st.step, j->tc.max_steps);
        rc = -1;
    }
    if (rc == 0)
        rc = lms_ckpt_load_params(&j->m, f, path, err, errlen);
    if (rc == 0)
        rc = lms_ckpt_load_moments(&j->m, f, j->mstate, j->vstate, path, err,
                                   errlen);
    lms_st_close(f);
    r->resumed_from = j->st.step;
    return rc;
}

/* Initial state: seeded init, then --init-from, or a checkpoint. */
static int prepare(job *j, lms_train_result *r, char *err, size_t errlen) {
    const lms_train_opts *o = j->o;
    r->resumed_from = -1;
    if (o->out_dir)
        snprintf(j->ckpt_path, sizeof j->ckpt_path, "%s/" LMS_CKPT_FILE,
                 o->out_dir);
    if ((o->resume || o->checkpoint_every > 0) && !o->out_dir) {
        snprintf(err, errlen, "checkpoints need an output directory (--out)");
        return -1;
    }
    if (o->resume && o->init_from) {
        snprintf(err, errlen, "--resume and --init-from exclude each other");
        return -1;
    }
    memset(&j->st, 0, sizeof j->st);
    j->st.blew_up_step = -1;
    lms_rng_seed(&j->st.rng, (uint64_t)j->tc.seed, 0xda7a);
    lms_model_init(&j->m, (uint64_t)j->tc.seed);
    if (o->resume)
        return load_checkpoint(j, r, err, errlen);
    if (!o->init_from)
        return 0;
    lms_st_file *f = lms_st_open(o->init_from, err, errlen);
    int rc = f ? lms_ckpt_load_params(&j->m, f, o->init_from, err, errlen) : -1;
    lms_st_close(f);
    return rc;
}

/* Output directory, stale summary removed, metrics.csv fresh or (resume)
 * truncated to the checkpoint's step and appended to. */
static int open_outputs(job *j, char *err, size_t errlen) {
    const char *dir = j->o->out_dir;
    char path[4200];
    if (!dir || !j->root)
        return 0;
    if (lms_mkdirs(dir, err, errlen) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/summary.json", dir);
    unlink(path); /* a stale summary would mark this run finished */
    snprintf(path, sizeof path, "%s/metrics.csv", dir);
    if (j->o->resume) {
        int rc = lms_ckpt_truncate_metrics(path, j->st.step, err, errlen);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            memset(&j->mt, 0, sizeof j->mt);
            if (!(j->mt.f = fopen(path, "a"))) {
                snprintf(err, errlen, "%s: cannot append: %s", path,
                         strerror(errno));
                return -1;
            }
            return 0;
        }
    }
    return lms_metrics_open(&j->mt, path, &j->m, err, errlen);
}

int lms_train_run(const lms_train_opts *o, lms_train_result *r, char *err,
                  size_t errlen) {
    job j;
    memset(&j, 0, sizeof j);
    memset(r, 0, sizeof *r);
    j.o = o;
    err[0] = '\0';
    int rc = setup(&j, err, errlen);
    if (rc == 0)
        rc = prepare(&j, r, err, errlen);
    if (rc == 0)
        rc = open_outputs(&j, err, errlen);
    if (rc == 0)
        rc = train_loop(&j, r, err, errlen);
    lms_metrics_close(&j.mt);
    free(j.inst);
    free(j.inst_max);
    free(j.mstate);
    free(j.vstate);
    free(j.x);
    free(j.y);
    lms_data_free(&j.data);
    lms_model_free(&j.m);
    lms_loader_free(j.ld);
    lms_config_free(&j.cfg);
    return rc;
}
