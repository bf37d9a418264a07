/* A sweep over MPI ranks: rank 0 owns the grid and hands whole runs to
 * ranks (itself included), one run per rank at a time. Each run is the same
 * child process as in a single-machine sweep, so the result directory has the
 * same content, and a finished run is never redone (resumable).
 * A worker running a run sends rank 0 a heartbeat every BEAT_S seconds; a
 * rank that sends nothing for LMSTAB_MPI_TIMEOUT seconds while it holds a
 * run (stopped, hung, or cut off) stops the job with a line naming it,
 * instead of leaving the coordinator waiting for ever. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "train/dist.h"
#include "util/fsutil.h"
#include "sweep/sweep.h"
#include "sweep/sweep_internal.h"

#ifdef LMS_HAVE_MPI
#include <mpi.h>

enum { TAG_DONE = 1, TAG_WORK = 2, TAG_BEAT = 3 };
#define MAX_RANKS 1024
#define BEAT_S 2.0 /* s between a worker's heartbeats (timeout >= 1 s) */

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Seconds between heartbeats: BEAT_S, or less when the timeout is short,
 * so that a live rank is never taken for a dead one. */
static double beat_interval(void) {
    double t = lms_dist_timeout() / 4;
    return t < BEAT_S ? t : BEAT_S;
}

/* Run one run to completion here, telling rank 0 we are alive meanwhile;
 * returns its exit status (0 ok). */
static int run_here(const lms_sweep *s, const char *exe, const pending *p) {
    char err[1024];
    pid_t pid = lms_sweep_launch(s, exe, p, err, sizeof err);
    if (pid < 0) { /* the coordinator reports the status only */
        fprintf(stderr, "lmstab: error: %s\n", err);
        return 127;
    }
    const double every = beat_interval();
    double last = now_s();
    int st, beat = 0;
    for (;;) {
        pid_t w = waitpid(pid, &st, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            return 127;
        if (now_s() - last >= every) { /* a tiny message: sent eagerly */
            MPI_Send(&beat, 1, MPI_INT, 0, TAG_BEAT, MPI_COMM_WORLD);
            last = now_s();
        }
        usleep(20000);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Worker ranks: ask for work, run it, report, until told to stop. */
static int worker(lms_sweep *s, const char *exe) {
    int msg[4] = {-1, -1, -1, 0}; /* v, k, s of the last run, its status */
    for (;;) {
        MPI_Send(msg, 4, MPI_INT, 0, TAG_DONE, MPI_COMM_WORLD);
        int work[3];
        MPI_Recv(work, 3, MPI_INT, 0, TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (work[0] < 0)
            return 0;
        pending p = {work[0], work[1], work[2]};
        char err[512];
        if (p.k >= s->n_lrs) /* an edge band rank 0 decided since */
            lms_sweep_edges_load(s, err, sizeof err);
        if (p.k >= s->n_lrs || p.v >= s->n_variants || p.s >= s->n_seeds) {
            msg[0] = p.v;
            msg[1] = p.k;
            msg[2] = p.s;
            msg[3] = 127;
            continue;
        }
        msg[0] = p.v;
        msg[1] = p.k;
        msg[2] = p.s;
        msg[3] = run_here(s, exe, &p);
    }
}

typedef struct coord {
    lms_sweep *s;
    const char *exe;
    int quiet, failed, nranks;
    lms_sweep_progress pg;
    pending busy[MAX_RANKS]; /* run of each rank, v < 0 when idle */
    double t0[MAX_RANKS];
    double heard[MAX_RANKS]; /* when each rank last sent anything */
    int waiting[MAX_RANKS];  /* worker asked and waits for an answer */
    pid_t local;             /* rank 0's own run */
    char *err;
    size_t errlen;
} coord;

static int taken(const coord *c, const pending *p) {
    for (int r = 0; r < c->nranks; r++)
        if (c->busy[r].v == p->v && c->busy[r].k == p->k && c->busy[r].s == p->s)
            return 1;
    return 0;
}

/* Next run no rank holds, or 0 when none is available right now; the
 * needed runs another sweep has finished ([sweep] reuse) are copied on the
 * way, and the list is read again after one (it can decide a band). */
static int next_run(coord *c, pending *out) {
    static pending todo[4096];
    for (int copied = 1; copied && !c->failed;) {
        copied = 0;
        if (lms_sweep_edges_update(c->s, c->err, c->errlen) != 0) {
            c->failed = 1;
            return 0;
        }
        int n = lms_sweep_needed(c->s, todo, 4096, c->err, c->errlen);
        if (n < 0) {
            c->failed = 1;
            return 0;
        }
        for (int i = 0; i < n && !copied; i++) {
            if (taken(c, &todo[i]))
                continue;
            char from[4096];
            int r = lms_sweep_reuse(c->s, &todo[i], from, sizeof from, c->err,
                                    c->errlen);
            if (r < 0) {
                c->failed = 1;
                return 0;
            }
            if (r > 0) {
                lms_sweep_report_reused(c->s, &c->pg, &todo[i], from);
                copied = 1;
                continue;
            }
            *out = todo[i];
            return 1;
        }
    }
    return 0;
}

static void finished(coord *c, int rank, int status) {
    pending *p = &c->busy[rank];
    if (status == 0) {
        lms_sweep_report_done(c->s, &c->pg, p, now_s() - c->t0[rank]);
    } else if (!c->failed) {
        char dir[4300];
        lms_sweep_run_dir(c->s->out_dir, c->s->variants[p->v], c->s->lrs[p->k],
                          c->s->seeds[p->s], dir, sizeof dir);
        char how[32];
        snprintf(how, sizeof how, "on rank %d, status", rank);
        lms_sweep_run_failure(dir, how, status, c->err, c->errlen);
        c->failed = 1;
    }
    p->v = -1;
}

static int any_busy(const coord *c) {
    for (int r = 0; r < c->nranks; r++)
        if (c->busy[r].v >= 0)
            return 1;
    return 0;
}

/* A worker holding a run that has sent nothing for the timeout is stopped,
 * hung or cut off: the job stops, naming it and its run (the runs finished
 * so far are kept; the same command resumes). */
static void check_silent(const coord *c) {
    const double now = now_s(), limit = lms_dist_timeout();
    for (int r = 1; r < c->nranks; r++) {
        const pending *p = &c->busy[r];
        if (p->v < 0 || now - c->heard[r] <= limit)
            continue;
        char dir[4300], msg[4600];
        lms_sweep_run_dir(c->s->out_dir, c->s->variants[p->v], c->s->lrs[p->k],
                          c->s->seeds[p->s], dir, sizeof dir);
        snprintf(msg, sizeof msg, "sweep worker rank %d has sent nothing for "
                 "%.0f s while running %s (LMSTAB_MPI_TIMEOUT); it is stopped, "
                 "hung or cut off; finished runs are kept and the same command "
                 "resumes", r, now - c->heard[r], dir);
        lms_dist_abort(msg);
    }
}

/* One pass of the coordinator; returns 1 when something happened. */
static int coordinate(coord *c) {
    int progress = 0, st;
    if (c->local > 0 && waitpid(c->local, &st, WNOHANG) == c->local) {
        finished(c, 0, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
        c->local = 0;
        progress = 1;
    }
    int flag;
    MPI_Status ms;
    for (;;) { /* heartbeats: only "still alive" */
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_BEAT, MPI_COMM_WORLD, &flag, &ms);
        if (!flag)
            break;
        int beat;
        MPI_Recv(&beat, 1, MPI_INT, ms.MPI_SOURCE, TAG_BEAT, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        c->heard[ms.MPI_SOURCE] = now_s();
    }
    check_silent(c);
    MPI_Iprobe(MPI_ANY_SOURCE, TAG_DONE, MPI_COMM_WORLD, &flag, &ms);
    if (flag) {
        int msg[4];
        MPI_Recv(msg, 4, MPI_INT, ms.MPI_SOURCE, TAG_DONE, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        c->heard[ms.MPI_SOURCE] = now_s();
        if (msg[0] >= 0)
            finished(c, ms.MPI_SOURCE, msg[3]);
        c->waiting[ms.MPI_SOURCE] = 1;
        progress = 1;
    }
    pending p;
    if (c->local == 0 && next_run(c, &p)) {
        c->busy[0] = p;
        c->t0[0] = now_s();
        char err[1024];
        c->local = lms_sweep_launch(c->s, c->exe, &p, err, sizeof err);
        if (c->local < 0) {
            c->local = 0;
            if (!c->failed)
                snprintf(c->err, c->errlen, "%s", err);
            c->failed = 1;
            finished(c, 0, 127);
        }
        progress = 1;
    }
    for (int r = 1; r < c->nranks; r++) {
        if (!c->waiting[r])
            continue;
        int work[3] = {-1, -1, -1};
        if (next_run(c, &p)) {
            c->busy[r] = p;
            c->t0[r] = c->heard[r] = now_s();
            work[0] = p.v;
            work[1] = p.k;
            work[2] = p.s;
        } else if (any_busy(c)) {
            continue; /* results pending may create work (boundary seeds) */
        }
        MPI_Send(work, 3, MPI_INT, r, TAG_WORK, MPI_COMM_WORLD);
        c->waiting[r] = work[0] >= 0 ? 0 : -1; /* -1: stopped */
        progress = 1;
    }
    return progress;
}

static int all_stopped(const coord *c) {
    for (int r = 1; r < c->nranks; r++)
        if (c->waiting[r] != -1)
            return 0;
    return c->local == 0;
}

int lms_sweep_run_mpi(lms_sweep *s, const char *exe, int quiet, char *err,
                      size_t errlen) {
    const lms_dist *d = lms_dist_world();
    int ok = 1;
    if (d->rank == 0)
        ok = lms_sweep_check_out(s, err, errlen) == 0 &&
             lms_mkdirs(s->out_dir, err, errlen) == 0 &&
             lms_sweep_write_manifest(s, err, errlen) == 0 &&
             lms_sweep_edges_load(s, err, errlen) == 0;
    int all_ok = ok;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!all_ok) {
        if (d->rank != 0)
            snprintf(err, errlen, "rank 0 could not prepare %s", s->out_dir);
        return -1;
    }
    if (d->rank != 0)
        return worker(s, exe);
    if (d->size > MAX_RANKS) {
        snprintf(err, errlen, "at most %d ranks", MAX_RANKS);
        return -1;
    }
    coord c;
    memset(&c, 0, sizeof c);
    c.s = s;
    c.exe = exe;
    c.quiet = quiet;
    c.nranks = d->size;
    c.err = err;
    c.errlen = errlen;
    for (int r = 0; r < c.nranks; r++)
        c.busy[r].v = -1;
    lms_sweep_progress_begin(s, &c.pg, quiet);
    while (!all_stopped(&c) || (!c.failed && c.local == 0 && any_busy(&c)))
        if (!coordinate(&c)) {
            pending runs[MAX_RANKS];
            double t0[MAX_RANKS];
            int n = 0;
            for (int r = 0; r < c.nranks; r++)
                if (c.busy[r].v >= 0) {
                    runs[n] = c.busy[r];
                    t0[n++] = c.t0[r];
                }
            lms_sweep_progress_tick(s, &c.pg, runs, t0, n);
            usleep(20000);
        }
    lms_sweep_reuse_end(s);
    return c.failed ? -1 : 0;
}

#else /* no MPI: a size > 1 world cannot happen */

int lms_sweep_run_mpi(lms_sweep *s, const char *exe, int quiet, char *err,
                      size_t errlen) {
    (void)s;
    (void)exe;
    (void)quiet;
    snprintf(err, errlen, "this lmstab was built without MPI");
    return -1;
}

#endif
