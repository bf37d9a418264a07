/* Running a sweep: a pool of `lmstab train` child processes, resumable, with
 * extra seeds added at the boundary learning rates. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io/json_file.h"
#include "train/checkpoint.h"
#include "train/dist.h"
#include "util/fsutil.h"
#include "sweep/sweep.h"
#include "util/outpath.h"
#include "util/signame.h"
#include "train/runlock.h"
#include "sweep/sweep_internal.h"
#include "train/verdict.h"

/* Runs still needed: the first grid_seeds seeds on the whole grid; once a
 * variant's grid is
 * known, either its edge band's LRs on `edge_seeds` seeds (failure curves,
 * lms_sweep_edges_update decides the band), or `boundary_seeds` seeds on its
 * last stable and first unstable grid LR (stable = every finished seed
 * converged), repeated as the boundary moves. */
int lms_sweep_needed(const lms_sweep *s, pending *out, int max, char *err,
                     size_t errlen) {
    int n = 0;
    char dir[4300];
    lms_run_summary rs;
    for (int v = 0; v < s->n_variants; v++) {
        int ok[LMS_SWEEP_MAX_LRS], missing = 0;
        for (int k = 0; k < s->n_grid; k++) {
            ok[k] = 1;
            for (int si = 0; si < s->n_seeds; si++) {
                lms_sweep_run_dir(s->out_dir, s->variants[v], s->lrs[k],
                                  s->seeds[si], dir, sizeof dir);
                int r = lms_sweep_read_summary(dir, &rs, err, errlen);
                if (r < 0)
                    return -1;
                if (r == 0)
                    ok[k] &= !strcmp(rs.verdict, "converged");
                else if (si < s->grid_seeds) {
                    missing = 1;
                    if (n < max)
                        out[n++] = (pending){v, k, si};
                }
            }
        }
        if (missing || s->edge_points > 0 || s->boundary_seeds <= 1)
            continue;
        int last = -1;
        while (last + 1 < s->n_grid && ok[last + 1])
            last++;
        int cells[2] = {last, last + 1 < s->n_grid ? last + 1 : -1};
        for (int c = 0; c < 2; c++) {
            if (cells[c] < 0)
                continue;
            for (int si = 1; si < s->boundary_seeds; si++) {
                lms_sweep_run_dir(s->out_dir, s->variants[v], s->lrs[cells[c]],
                                  s->seeds[si], dir, sizeof dir);
                int r = lms_sweep_read_summary(dir, &rs, err, errlen);
                if (r < 0)
                    return -1;
                if (r > 0 && n < max)
                    out[n++] = (pending){v, cells[c], si};
            }
        }
    }
    /* edge bands seed by seed across variants, so that a sweep stopped
     * half-way has every variant's curve at the same number of seeds */
    for (int si = 0; si < s->edge_seeds && s->edge_points > 0; si++)
        for (int v = 0; v < s->n_variants; v++)
            for (int i = 0; i < s->n_band[v]; i++) {
                lms_sweep_run_dir(s->out_dir, s->variants[v],
                                  s->lrs[s->band[v][i]], s->seeds[si], dir,
                                  sizeof dir);
                int r = lms_sweep_read_summary(dir, &rs, err, errlen);
                if (r < 0)
                    return -1;
                if (r > 0 && n < max)
                    out[n++] = (pending){v, s->band[v][i], si};
            }
    return n;
}

/* A run without summary.json but with a checkpoint was interrupted (a
 * stopped sweep's runs checkpoint on SIGINT/SIGTERM): it continues from
 * there, bit-exactly, instead of starting over. */
static int interrupted(const char *dir) {
    char path[4400];
    snprintf(path, sizeof path, "%s/" LMS_CKPT_FILE, dir);
    return access(path, F_OK) == 0;
}

int lms_sweep_run_sets(const lms_sweep *s, const pending *p, char bufs[3][64],
                       const char *out[3]) {
    int n = 0;
    snprintf(bufs[n], 64, "training.lr=%.9g", s->lrs[p->k]);
    out[n] = bufs[n];
    n++;
    snprintf(bufs[n], 64, "training.seed=%ld", s->seeds[p->s]);
    out[n] = bufs[n];
    n++;
    if (s->precisions[p->v][0]) { /* [sweep] precisions */
        snprintf(bufs[n], 64, "training.precision=%s", s->precisions[p->v]);
        out[n] = bufs[n];
        n++;
    }
    return n;
}

pid_t lms_sweep_launch(const lms_sweep *s, const char *exe, const pending *p,
                       char *err, size_t errlen) {
    char dir[4300], log[4400];
    lms_sweep_run_dir(s->out_dir, s->variants[p->v], s->lrs[p->k],
                      s->seeds[p->s], dir, sizeof dir);
    /* (a run still going there would have its log cut by the launch) */
    if (lms_mkdirs(dir, err, errlen) != 0 ||
        lms_runlock_check(dir, err, errlen) != 0)
        return -1;
    const int resume = interrupted(dir);
    snprintf(log, sizeof log, "%s/train.log", dir);
    char runsets[3][64];
    const char *own[3];
    const int n_own = lms_sweep_run_sets(s, p, runsets, own);
    const char *argv[20 + 2 * LMS_SWEEP_MAX_SETS];
    int a = 0;
    argv[a++] = "lmstab"; /* what its log's messages call it (no path) */
    argv[a++] = "train";
    argv[a++] = s->configs[p->v];
    for (int i = 0; i < s->n_sets; i++) {
        argv[a++] = "--set";
        argv[a++] = s->sets[i];
    }
    for (int i = 0; i < n_own; i++) {
        argv[a++] = "--set";
        argv[a++] = own[i];
    }
    argv[a++] = resume ? "--resume" : "--out";
    argv[a++] = dir;
    if (!resume) /* a run that left no checkpoint starts over */
        argv[a++] = "--overwrite";
    if (s->plugin_dir[0]) {
        argv[a++] = "--plugin-dir";
        argv[a++] = s->plugin_dir;
    }
    if (s->data_path[0]) {
        argv[a++] = "--data";
        argv[a++] = s->data_path;
    }
    argv[a] = NULL;
    const pid_t sweep_pid = getpid();
    /* A stop that came between the fork and the run's own handlers would
     * be caught by the sweep's handler, copied into the child, and lost:
     * the run would go on to its end. So the stop signals stay blocked
     * across the fork and the exec, pending, until `lmstab train` has its
     * handlers and lets them through (cmd_train.c). */
    sigset_t stops, was;
    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    sigaddset(&stops, SIGHUP);
    sigprocmask(SIG_BLOCK, &stops, &was);
    pid_t pid = fork();
    if (pid == 0) {
        /* the sweep killed (even by kill -9): the run checkpoints and stops
         * instead of going on as an orphan */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != sweep_pid)
            _exit(143); /* it died before the line above */
        /* its own process group: a terminal's Ctrl-C reaches the sweep
         * alone, which passes it on once (a second SIGINT makes a run give
         * up its checkpoint) */
        setpgid(0, 0);
        /* a resumed run keeps the log of its first part */
        int fd = open(log, O_WRONLY | O_CREAT | (resume ? O_APPEND : O_TRUNC),
                      0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        setenv("OPENBLAS_NUM_THREADS", "1", 1); /* one core per run */
        setenv("LMSTAB_THREADS", "1", 1);
        lms_sweep_clean_env(); /* a run is a plain process, not an MPI rank */
        execv(exe, (char *const *)argv);
        fprintf(stderr, "exec %s: %s\n", exe, strerror(errno));
        _exit(127);
    }
    const int fork_errno = errno;
    sigprocmask(SIG_SETMASK, &was, NULL); /* the sweep's own, delivered now */
    if (pid < 0)
        snprintf(err, errlen, "cannot start a run: %s", strerror(fork_errno));
    return pid;
}

/* The manifest: what the grid is, so report/aggregate need no sweep file. */
int lms_sweep_write_manifest(const lms_sweep *s, char *err, size_t errlen) {
    cJSON *o = cJSON_CreateObject();
    char shown[4096];
    lms_output_path(s->path, shown, sizeof shown);
    cJSON_AddStringToObject(o, "sweep_file", shown);
    cJSON *v = cJSON_AddArrayToObject(o, "variants");
    cJSON *c = cJSON_AddArrayToObject(o, "configs");
    cJSON *pr = cJSON_AddArrayToObject(o, "precisions");
    for (int i = 0; i < s->n_variants; i++) {
        cJSON_AddItemToArray(v, cJSON_CreateString(s->variants[i]));
        lms_output_path(s->configs[i], shown, sizeof shown);
        cJSON_AddItemToArray(c, cJSON_CreateString(shown));
        cJSON_AddItemToArray(pr, cJSON_CreateString(s->precisions[i]));
    }
    cJSON *l = cJSON_AddArrayToObject(o, "lrs");
    for (int i = 0; i < s->n_grid; i++)
        cJSON_AddItemToArray(l, cJSON_CreateNumber(s->lrs[i]));
    cJSON *sd = cJSON_AddArrayToObject(o, "seeds");
    for (int i = 0; i < s->n_seeds; i++)
        cJSON_AddItemToArray(sd, cJSON_CreateNumber((double)s->seeds[i]));
    cJSON_AddNumberToObject(o, "grid_seeds", s->grid_seeds);
    cJSON_AddNumberToObject(o, "boundary_seeds", s->boundary_seeds);
    cJSON_AddNumberToObject(o, "edge_points", s->edge_points);
    cJSON_AddNumberToObject(o, "edge_ratio", s->edge_ratio);
    cJSON_AddNumberToObject(o, "edge_seeds", s->edge_seeds);
    cJSON_AddStringToObject(o, "reference", s->reference);
    if (s->n_pairs) {
        cJSON *pa = cJSON_AddArrayToObject(o, "pairs");
        for (int i = 0; i < s->n_pairs; i++) {
            cJSON *one = cJSON_CreateArray();
            cJSON_AddItemToArray(one, cJSON_CreateString(s->variants[s->pair[i][0]]));
            cJSON_AddItemToArray(one, cJSON_CreateString(s->variants[s->pair[i][1]]));
            cJSON_AddItemToArray(pa, one);
        }
    }
    if (s->n_reuse) { /* where identical runs were copied from */
        cJSON *ru = cJSON_AddArrayToObject(o, "reuse");
        for (int i = 0; i < s->n_reuse; i++) {
            lms_output_path(s->reuse[i], shown, sizeof shown);
            cJSON_AddItemToArray(ru, cJSON_CreateString(shown));
        }
    }
    cJSON *st = cJSON_AddArrayToObject(o, "overrides");
    for (int i = 0; i < s->n_sets; i++) {
        char set[8192]; /* (a path in a setting: never absolute) */
        lms_output_setting(s->sets[i], set, sizeof set);
        cJSON_AddItemToArray(st, cJSON_CreateString(set));
    }
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    char path[4200];
    snprintf(path, sizeof path, "%s/sweep.json", s->out_dir);
    int rc = text ? lms_write_atomic(path, text, strlen(text), err, errlen) : -1;
    free(text);
    return rc;
}

typedef struct slot {
    pid_t pid;
    pending p;
    double t0;
} slot;

static int is_running(const slot *sl, int n, const pending *p) {
    for (int i = 0; i < n; i++)
        if (sl[i].pid > 0 && sl[i].p.v == p->v && sl[i].p.k == p->k &&
            sl[i].p.s == p->s)
            return 1;
    return 0;
}

void lms_sweep_clean_env(void) {
    extern char **environ;
    for (int again = 1; again;) {
        again = 0;
        for (char **e = environ; *e; e++)
            if (!strncmp(*e, "OMPI_", 5) || !strncmp(*e, "PMIX_", 5) ||
                !strncmp(*e, "PMI_", 4)) {
                char name[256];
                size_t n = strcspn(*e, "=");
                snprintf(name, sizeof name, "%.*s", (int)n, *e);
                unsetenv(name);
                again = 1;
                break;
            }
    }
}

/* SIGINT/SIGTERM to the sweep: passed on to the runs, which checkpoint and
 * stop; no new run starts, and the same command continues later. A second
 * one within ABORT_SECONDS is passed on too: the runs (and the sweep) then
 * stop at once, without checkpoints. */
#define ABORT_SECONDS 5
static volatile sig_atomic_t g_stop_sig, g_stops;

static void on_stop(int sig) {
    g_stop_sig = sig;
    g_stops++;
}

/* Caught from lms_sweep_catch_stops until lms_sweep_run returns. */
static int g_caught;
static struct sigaction g_old_int, g_old_term, g_old_hup, g_old_pipe;

void lms_sweep_catch_stops(void) {
    if (g_caught)
        return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop; /* no SA_RESTART: the sleep returns at once */
    sigemptyset(&sa.sa_mask);
    g_stop_sig = 0;
    g_stops = 0;
    sigaction(SIGINT, &sa, &g_old_int);
    sigaction(SIGTERM, &sa, &g_old_term);
    /* a closed terminal: as SIGTERM, unless ignored already (nohup) */
    sigaction(SIGHUP, NULL, &g_old_hup);
    if (g_old_hup.sa_handler != SIG_IGN)
        sigaction(SIGHUP, &sa, NULL);
    /* a progress reader gone (`| head`) must not end the sweep: its lines
     * are dropped, the runs go on */
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &g_old_pipe);
    g_caught = 1;
}

static void forward_stop(const slot *sl, int jobs, int sig) {
    for (int j = 0; j < jobs; j++)
        if (sl[j].pid > 0)
            kill(sl[j].pid, sig);
}

/* Copy in the needed runs that another sweep ([sweep] reuse) has finished,
 * then start needed runs in the free slots; the number started, -1 on an
 * error (message in err). A copied run can decide an edge band, whose runs
 * may be there too: the needed runs are listed again until none is copied. */
static int fill_slots(lms_sweep *s, const char *exe, slot *sl, int running,
                      pending *todo, lms_sweep_progress *pg, char *err,
                      size_t errlen) {
    int started = 0;
    for (int copied = 1; copied;) {
        copied = 0;
        if (lms_sweep_edges_update(s, err, errlen) != 0)
            return -1;
        int n = lms_sweep_needed(s, todo, 4096, err, errlen);
        if (n < 0)
            return -1;
        for (int i = 0; i < n; i++) {
            if (g_stop_sig)
                return started;
            if (is_running(sl, s->jobs, &todo[i]))
                continue;
            char from[4096];
            int r = lms_sweep_reuse(s, &todo[i], from, sizeof from, err,
                                    errlen);
            if (r < 0)
                return -1;
            if (r > 0) {
                lms_sweep_report_reused(s, pg, &todo[i], from);
                copied = 1;
                continue;
            }
            if (running + started >= s->jobs)
                continue; /* (the rest may still be copied) */
            int j = 0;
            while (sl[j].pid > 0)
                j++;
            sl[j].p = todo[i];
            sl[j].t0 = lms_sweep_now();
            sl[j].pid = lms_sweep_launch(s, exe, &todo[i], err, errlen);
            if (sl[j].pid < 0) {
                sl[j].pid = 0;
                return -1;
            }
            started++;
        }
    }
    return started;
}

/* Runs a stop found without a checkpoint: they exited otherwise than a
 * stopped run does (128 + the signal, after its checkpoint). */
typedef struct unsaved {
    int n;
    char first[4300]; /* the first one's directory */
} unsaved;

/* A child exited: report it, or (not stopping) record its failure, or
 * (stopping, sig) count it in *lost when it did not checkpoint. */
static void reap(const lms_sweep *s, slot *sl, pid_t pid, int status, int sig,
                 lms_sweep_progress *pg, int *failed, unsaved *lost, char *err,
                 size_t errlen) {
    for (int j = 0; j < s->jobs; j++) {
        if (sl[j].pid != pid)
            continue;
        sl[j].pid = 0;
        char dir[4300];
        lms_sweep_run_dir(s->out_dir, s->variants[sl[j].p.v],
                          s->lrs[sl[j].p.k], s->seeds[sl[j].p.s], dir,
                          sizeof dir);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            lms_sweep_report_done(s, pg, &sl[j].p, lms_sweep_now() - sl[j].t0);
        } else if (sig) {
            if (!(WIFEXITED(status) && WEXITSTATUS(status) == 128 + sig) &&
                lost->n++ == 0)
                snprintf(lost->first, sizeof lost->first, "%s", dir);
        } else if (!*failed && !g_stop_sig) {
            lms_sweep_run_failure(
                dir, WIFEXITED(status) ? "exit status" : "signal",
                WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), err,
                errlen);
            *failed = 1;
        }
    }
}

/* Nothing exited: the lines of the runs in progress when due, then a
 * short sleep (a signal cuts it short). */
static void idle(const lms_sweep *s, const slot *sl, lms_sweep_progress *pg) {
    pending runs[1024];
    double t0[1024];
    int n = 0;
    for (int j = 0; j < s->jobs && n < 1024; j++)
        if (sl[j].pid > 0) {
            runs[n] = sl[j].p;
            t0[n++] = sl[j].t0;
        }
    lms_sweep_progress_tick(s, pg, runs, t0, n);
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

int lms_sweep_run(lms_sweep *s, const char *exe, int quiet, char *err,
                  size_t errlen) {
    if (lms_dist_world()->size > 1)
        return lms_sweep_run_mpi(s, exe, quiet, err, errlen);
    if (lms_sweep_check_out(s, err, errlen) != 0 ||
        lms_mkdirs(s->out_dir, err, errlen) != 0 ||
        lms_sweep_write_manifest(s, err, errlen) != 0 ||
        lms_sweep_edges_load(s, err, errlen) != 0 ||
        lms_sweep_edges_update(s, err, errlen) != 0)
        return -1;
    slot *sl = calloc((size_t)s->jobs, sizeof *sl);
    pending *todo = malloc(sizeof(pending) * 4096);
    if (!sl || !todo) {
        free(sl);
        free(todo);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    lms_sweep_progress pg;
    lms_sweep_progress_begin(s, &pg, quiet);
    int running = 0, failed = 0, stopped = 0, aborted = 0, second = 0;
    int changed = 1;
    unsaved lost = {0, ""};
    double stop_t = 0;
    lms_sweep_catch_stops(); /* (a stop caught before now is kept) */
    for (;;) {
        if (g_stop_sig && !stopped) {
            stopped = (int)g_stop_sig;
            stop_t = lms_sweep_now();
            forward_stop(sl, s->jobs, stopped);
            snprintf(err, errlen,
                     running ? "stopped by %s: the runs in progress were "
                               "checkpointed; run the same command to continue"
                             : "stopped by %s before a run started; run the "
                               "same command to continue",
                     lms_signal_name(stopped));
            failed = 1;
        } else if (stopped && !second && g_stops > 1) {
            second = 1; /* (later than ABORT_SECONDS: the runs keep on
                           checkpointing, and their exits are counted) */
            if (lms_sweep_now() - stop_t <= ABORT_SECONDS) {
                aborted = 1;
                forward_stop(sl, s->jobs, stopped); /* runs give up at once */
                snprintf(err, errlen, "aborted by a second %s: the runs in "
                         "progress stopped without a checkpoint and will "
                         "start over", lms_signal_name(stopped));
            }
        }
        /* the summaries are read again only when a run has ended */
        if (changed && !failed) {
            int k = fill_slots(s, exe, sl, running, todo, &pg, err, errlen);
            if (k < 0)
                failed = 1;
            else
                running += k;
        }
        changed = 0;
        if (running == 0 && g_stop_sig && !stopped)
            continue; /* a stop while runs were copied: said above */
        if (running == 0)
            break;
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid == 0 || (pid < 0 && errno == EINTR)) {
            idle(s, sl, &pg);
            continue;
        }
        if (pid < 0)
            break; /* no child left (cannot happen while running > 0) */
        running--;
        changed = 1;
        reap(s, sl, pid, status, aborted ? 0 : stopped, &pg, &failed, &lost,
             err, errlen);
    }
    if (lost.n) /* a checkpoint that failed (a full disk): said, not hidden */
        snprintf(err, errlen, "stopped by %s, but %d run%s in progress did "
                 "not stop with a checkpoint and will start over (the first: "
                 "%s, see its train.log); run the same command to continue",
                 lms_signal_name(stopped), lost.n, lost.n > 1 ? "s" : "", lost.first);
    sigaction(SIGINT, &g_old_int, NULL);
    sigaction(SIGTERM, &g_old_term, NULL);
    sigaction(SIGHUP, &g_old_hup, NULL);
    sigaction(SIGPIPE, &g_old_pipe, NULL);
    g_caught = 0;
    lms_sweep_reuse_end(s);
    free(sl);
    free(todo);
    return lost.n ? -1 : stopped ? 128 + stopped : failed ? -1 : 0;
}
