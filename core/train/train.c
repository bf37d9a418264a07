/* core/train (above engine): one run: train, resume, checkpoints, verdicts, bench, golden, sample, MPI. */
/* The training loop. Errors before the first step leave no output
 * directory behind; summary.json (written atomically at the end) marks a
 * finished run; checkpoint.safetensors (optional, see checkpoint.h) lets a
 * stopped run continue bit-exactly. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "train/checkpoint.h"
#include "train/dist.h"
#include "util/fsutil.h"
#include "engine/metrics.h"
#include "engine/model.h"
#include "train/train.h"
#include "train/runlock.h"
#include "train/train_job.h"



/* Instrumentation of the last forward, combined over ranks (mean, or max
 * for maxima). */
static void collect_inst(job *j) {
    lms_metrics_collect(&j->t.m, j->inst, j->inst_max, j->n_inst);
    if (j->t.nranks == 1)
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
    j->st.checkpoint_every = j->ckpt_every;
    j->st.resume_overrides = j->resume_sets;
    return lms_trainer_checkpoint(&j->t, j->ckpt_path, &j->st, err, errlen);
}

/* Rank 0 saves; every rank learns whether it could (a rank going on alone
 * would wait for ever in the next allreduce). */
static int save_voted(job *j, char *err, size_t errlen) {
    int bad = save_checkpoint(j, err, errlen) != 0;
    if (j->t.nranks > 1) {
        double b = bad;
        lms_dist_max_doubles(&b, 1);
        if (b != 0 && !bad)
            snprintf(err, errlen, "rank 0 could not save the checkpoint (see "
                     "its message)");
        bad = b != 0;
    }
    return bad ? -1 : 0;
}

/* The signal number of a stop after this step: the caller's (o->stop), or
 * SIGPIPE when the --json stream failed (progress.c), or 0. */
static int stop_requested(const job *j) {
    if (j->o->stop && *j->o->stop)
        return *j->o->stop;
    if (j->pg.json_errno)
        return SIGPIPE;
    if (j->o->stop_after > 0 && j->st.step >= j->o->stop_after)
        return SIGINT;
    return 0;
}

static int train_loop(job *j, lms_train_result *r, char *err, size_t errlen) {
    const lms_train_cfg *tc = &j->t.tc;
    lms_train_state *st = &j->st;
    int B = (int)tc->batch_size, T = j->t.m.mi.context;
    double t_start = lms_job_now() - st->wall_seconds;
    double loss = 0.0, gnorm = 0.0;
    for (long step = st->step; step < tc->max_steps; step++) {
        lms_dist_set_step(step); /* checked against the other ranks' */
        if (lms_governor_threads(&j->gov) != lms_get_threads())
            lms_set_threads(lms_governor_threads(&j->gov));
        float lr = lms_trainer_lr(&j->t, step);
        lms_metrics_row row = {step, lr, 0, 0, 0, 0, 0, 0, 0, NAN};
        if (tc->eval_every > 0 && step % tc->eval_every == 0) {
            row.val_loss = lms_trainer_evaluate(&j->t);
            row.has_val = 1;
            row.val_bpb = lms_job_bpb(j, row.val_loss);
            if (step == 0)
                st->init_loss = row.val_loss;
            if (j->t.root)
                lms_progress_eval(j, step, row.val_loss);
        }
        /* an evaluation is always a row: its loss is never computed only
         * to be dropped when eval_every is no multiple of log_every */
        int log = step % tc->log_every == 0 || step == tc->max_steps - 1 ||
                  row.has_val;
        row.instrumented = log && tc->instrument_every > 0 &&
                           step % tc->instrument_every == 0;
        lms_trainer_draw(&j->t, &st->rng);
        double t0 = lms_job_now();
        int div = lms_trainer_step(&j->t, step, lr,
                                   row.instrumented ? LMS_FWD_INSTRUMENT : 0,
                                   &loss, &gnorm, r->diverged_reason,
                                   sizeof r->diverged_reason);
        if (j->t.m.guard_err[0]) { /* LMSTAB_GUARD: a plugin wrote out of bounds */
            snprintf(err, errlen, "step %ld: %s", step, j->t.m.guard_err);
            return -1;
        }
        const double dt = lms_job_now() - t0;
        st->train_seconds += dt;
        lms_governor_step(&j->gov, dt);
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
        if (wbad && (j->t.nranks == 1 || div))
            return -1;
        if (log || div)
            track_facts(j, &row);
        if (j->t.root)
            lms_progress_step(j, step + 1, loss, lr, gnorm, row.tokens_per_sec,
                              row.elapsed, log, div || step == tc->max_steps - 1);
        if (div) {
            r->diverged = 1;
            break;
        }
        st->step = step + 1;
        st->wall_seconds = lms_job_now() - t_start;
        int stop = stop_requested(j);
        if (j->t.nranks > 1) { /* all ranks stop at the same step, or none */
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
            if (j->t.root)
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
    if (j->t.root)
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
    lms_governor_init(&j.gov, lms_get_threads(), j.t.tc.adapt_threads);
    if (rc == 0 && j.t.root)
        lms_progress_start(&j, r);
    if (rc == 0)
        rc = train_loop(&j, r, err, errlen);
    if (j.t.root)
        lms_progress_break(&j); /* an error message starts on its own line */
    char serr[600];
    if (lms_progress_close(&j, serr, sizeof serr) != 0 && rc == 0) {
        r->stream_failed = 1; /* the run stopped, or finished, as it was */
        snprintf(err, errlen, "%s", serr);
    }
    lms_metrics_close(&j.mt);
    free(j.inst);
    free(j.inst_max);
    lms_trainer_close(&j.t);
    free(j.resume_sets);
    lms_runlock_release(j.lock_fd); /* last: every file is written */
    return rc;
}
