/* core/train (above engine): one run: train, resume, checkpoints, verdicts, bench, golden, sample, MPI. */
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

#include "kernels/bigalloc.h"
#include "train/checkpoint.h"
#include "io/data.h"
#include "train/dist.h"
#include "util/fsutil.h"
#include "engine/metrics.h"
#include "engine/model.h"
#include "train/train.h"
#include "train/runlock.h"
#include "train/train_job.h"



/* This rank's slice of the global batch in j->x, j->y. */
static const int32_t *slice(const job *j, const int32_t *a) {
    return a + (size_t)j->rank * j->local_b * j->m.mi.context;
}

double lms_job_evaluate(job *j) {
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

/* The last training losses (final_train_loss) and the loss at step 0. */
static void track_loss(job *j, long step, double loss) {
    lms_train_state *st = &j->st;
    st->recent[st->nrecent++ % LMS_CKPT_RECENT] = loss;
    if (step == 0)
        st->init_train_loss = loss;
}

/* The verdict's facts see a logged row as metrics.csv holds it, so that
 * they can be recomputed from the file (verdict.h). */
static void track_facts(job *j, const lms_metrics_row *row) {
    lms_facts_add(&j->facts, &j->vc, row->step, 1,
                  lms_metrics_as_written(row->train_loss, 0),
                  lms_metrics_as_written(row->grad_norm, 1),
                  row->has_val ? lms_metrics_as_written(row->val_loss, 0) : NAN);
}

static int save_checkpoint(job *j, char *err, size_t errlen) {
    if (!j->root)
        return 0;
    lms_data_id id = {j->data_path, j->data.n_tokens,
                      lms_tokens_hash(j->data.tokens, j->data.n_tokens)};
    j->st.checkpoint_every = j->ckpt_every;
    j->st.resume_overrides = j->resume_sets;
    return lms_ckpt_save(j->ckpt_path, &j->m, j->mstate, j->vstate, &j->st,
                         &j->cfg, &id, err, errlen);
}

/* Rank 0 saves; every rank learns whether it could (a rank going on alone
 * would wait for ever in the next allreduce). */
static int save_voted(job *j, char *err, size_t errlen) {
    int bad = save_checkpoint(j, err, errlen) != 0;
    if (j->nranks > 1) {
        double b = bad;
        lms_dist_max_doubles(&b, 1);
        if (b != 0 && !bad)
            snprintf(err, errlen, "rank 0 could not save the checkpoint (see "
                     "its message)");
        bad = b != 0;
    }
    return bad ? -1 : 0;
}

/* 1 when the caller asked the loop to stop after this step. */
static int stop_requested(const job *j) {
    if (j->o->stop && *j->o->stop)
        return *j->o->stop;
    if (j->o->stop_after > 0 && j->st.step >= j->o->stop_after)
        return SIGINT;
    return 0;
}

static int train_loop(job *j, lms_train_result *r, char *err, size_t errlen) {
    const lms_train_cfg *tc = &j->tc;
    lms_train_state *st = &j->st;
    int B = (int)tc->batch_size, T = j->m.mi.context;
    lms_schedule sch = {tc->schedule, (float)tc->lr, (int)tc->warmup_steps,
                        (int)tc->max_steps, (float)tc->min_lr_ratio};
    double t_start = lms_job_now() - st->wall_seconds;
    double loss = 0.0, gnorm = 0.0;
    for (long step = st->step; step < tc->max_steps; step++) {
        lms_dist_set_step(step); /* checked against the other ranks' */
        float lr = lms_schedule_lr(&sch, (int)step);
        lms_metrics_row row = {step, lr, 0, 0, 0, 0, 0, 0, 0};
        if (tc->eval_every > 0 && step % tc->eval_every == 0) {
            row.val_loss = lms_job_evaluate(j);
            row.has_val = 1;
            if (step == 0)
                st->init_loss = row.val_loss;
            if (j->root)
                lms_progress_eval(j, step, row.val_loss);
        }
        int log = step % tc->log_every == 0 || step == tc->max_steps - 1;
        row.instrumented = log && tc->instrument_every > 0 &&
                           step % tc->instrument_every == 0;
        lms_data_train_batch(&j->data, &st->rng, B, T, j->x, j->y);
        double t0 = lms_job_now();
        int div = train_step(j, step, lr, row.instrumented, &loss, &gnorm, r);
        if (j->m.guard_err[0]) { /* LMSTAB_GUARD: a plugin wrote out of bounds */
            snprintf(err, errlen, "step %ld: %s", step, j->m.guard_err);
            return -1;
        }
        st->train_seconds += lms_job_now() - t0;
        r->steps = step + 1;
        row.train_loss = loss;
        row.grad_norm = gnorm;
        row.tokens_per_sec = (double)(step + 1) * B * T / st->train_seconds;
        row.elapsed = lms_job_now() - t_start;
        if (!div)
            track_loss(j, step, loss);
        if (row.instrumented)
            collect_inst(j);
        /* a row that cannot be written stops the run at once (every rank:
         * the flag rides on the stop vote below) */
        int wbad = (log || div) && lms_metrics_write(&j->mt, &row, j->inst,
                                                     j->n_inst, err, errlen) != 0;
        if (wbad && (j->nranks == 1 || div))
            return -1;
        if (log || div)
            track_facts(j, &row);
        if (j->root)
            lms_progress_step(j, step + 1, loss, lr, gnorm, row.tokens_per_sec,
                              row.elapsed, log, div || step == tc->max_steps - 1);
        if (div) {
            r->diverged = 1;
            break;
        }
        st->step = step + 1;
        st->wall_seconds = lms_job_now() - t_start;
        int stop = stop_requested(j);
        if (j->nranks > 1) { /* all ranks stop at the same step, or none */
            double sv[2] = {stop, wbad};
            lms_dist_max_doubles(sv, 2);
            stop = (int)sv[0];
            if (sv[1] != 0) {
                if (!wbad)
                    snprintf(err, errlen, "rank 0 could not write metrics.csv "
                             "(see its message)");
                return -1;
            }
        }
        int every = j->ckpt_every > 0 && st->step % j->ckpt_every == 0;
        if (j->o->out_dir && (stop || (every && st->step < tc->max_steps)) &&
            save_voted(j, err, errlen) != 0)
            return -1;
        if (stop && st->step < tc->max_steps) {
            r->interrupted = stop;
            r->checkpointed = j->o->out_dir != NULL;
            if (j->root)
                lms_progress_end(j, r);
            return 0;
        }
    }
    lms_dist_set_step(st->step); /* the final evaluation's */
    if (!r->diverged && j->o->out_dir && j->ckpt_every > 0) {
        st->wall_seconds = lms_job_now() - t_start;
        if (save_voted(j, err, errlen) != 0)
            return -1;
    }
    if (lms_job_finish(j, r, t_start, err, errlen) != 0)
        return -1;
    if (j->root)
        lms_progress_end(j, r);
    return 0;
}

int lms_train_run(const lms_train_opts *o, lms_train_result *r, char *err,
                  size_t errlen) {
    job j;
    memset(&j, 0, sizeof j);
    memset(r, 0, sizeof *r);
    j.o = o;
    j.lock_fd = -1;
    err[0] = '\0';
    /* (the agreements are collective: every rank reaches each of them) */
    int rc = lms_job_agree(&j, lms_job_setup(&j, err, errlen),
                           LMS_AGREE_SETUP, err, errlen);
    if (rc == 0) {
        rc = lms_job_lock(&j, err, errlen);
        if (rc == 0)
            rc = lms_progress_open(&j, err, errlen);
        if (rc == 0)
            rc = lms_job_prepare(&j, r, err, errlen);
        if (rc == 0)
            rc = lms_job_set_numerics(&j, err, errlen);
        if (rc == 0)
            rc = lms_job_open_outputs(&j, err, errlen);
        rc = lms_job_agree(&j, rc, LMS_AGREE_START, err, errlen);
    }
    if (rc == 0 && j.root)
        lms_progress_start(&j, r);
    if (rc == 0)
        rc = train_loop(&j, r, err, errlen);
    if (j.root)
        lms_progress_break(&j); /* an error message starts on its own line */
    lms_progress_close(&j);
    lms_metrics_close(&j.mt);
    free(j.inst);
    free(j.inst_max);
    lms_big_free(j.mstate);
    lms_big_free(j.vstate);
    free(j.x);
    free(j.y);
    lms_data_free(&j.data);
    lms_model_free(&j.m);
    lms_loader_free(j.ld);
    lms_config_free(&j.cfg);
    free(j.resume_sets);
    lms_runlock_release(j.lock_fd); /* last: every file is written */
    return rc;
}
