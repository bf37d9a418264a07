/* What a sweep says while it runs (stderr): how many runs it has to do,
 * then "[k/N]" as each finishes with its verdict, the elapsed time and an
 * ETA, and every --progress-seconds (default 60) one line per run in
 * progress with its step. N counts the runs known to be needed; while
 * some are not known yet (an edge band decided once its variant's grid has
 * run, boundary seeds that follow a moving boundary) it is a lower bound,
 * and said to be one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/duration.h"
#include "sweep/sweep.h"
#include "sweep/sweep_internal.h"

double lms_sweep_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int lms_sweep_remaining(const lms_sweep *s, int *at_least, char *err,
                        size_t errlen) {
    pending *todo = malloc(sizeof(pending) * 4096);
    if (!todo) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int n = lms_sweep_needed(s, todo, 4096, err, errlen);
    free(todo);
    if (n < 0)
        return -1;
    *at_least = 0;
    for (int v = 0; v < s->n_variants; v++) {
        if (s->edge_points > 0 && !s->n_band[v]) {
            /* a band of edge_points LRs or more; its first grid_seeds seeds
             * may fall on grid runs already done, the others are new */
            int extra = s->edge_seeds - s->grid_seeds;
            n += s->edge_points * (extra > 0 ? extra : 0);
            *at_least = 1;
        }
        if (s->edge_points == 0 && s->boundary_seeds > 1)
            *at_least = 1; /* the boundary may move as its seeds finish */
    }
    if (n == 0)
        *at_least = 0;
    return n;
}

void lms_sweep_progress_begin(const lms_sweep *s, lms_sweep_progress *pg,
                              int quiet) {
    memset(pg, 0, sizeof pg[0]);
    pg->quiet = quiet;
    pg->t0 = pg->t_last = lms_sweep_now();
    pg->every = s->progress_seconds > 0 ? s->progress_seconds : 60.0;
    char err[512];
    int at_least;
    int n = lms_sweep_remaining(s, &at_least, err, sizeof err);
    if (!quiet && n >= 0)
        fprintf(stderr, "sweep: %s%d run%s to do%s\n", at_least ? "at least "
                : "", n, n == 1 ? "" : "s", at_least ? " (more once the "
                "first seed's grid shows each variant's edge)" : "");
}

/* "[k/N] variant lr seed verdict val (what)  elapsed, ETA": the ETA from
 * the runs trained here, not the ones copied in an instant. */
static void report(const lms_sweep *s, lms_sweep_progress *pg,
                   const pending *p, const char *what) {
    char dir[4300], err[512], total[48], el[32], eta[40];
    lms_run_summary rs;
    lms_sweep_run_dir(s->out_dir, s->variants[p->v], s->lrs[p->k],
                      s->seeds[p->s], dir, sizeof dir);
    if (lms_sweep_read_summary(dir, &rs, err, sizeof err) != 0)
        return;
    int at_least = 0;
    int left = lms_sweep_remaining(s, &at_least, err, sizeof err);
    const double elapsed = lms_sweep_now() - pg->t0;
    const int trained = pg->done - pg->reused;
    snprintf(total, sizeof total, "%s%d", at_least ? "at least " : "",
             pg->done + (left > 0 ? left : 0));
    lms_fmt_duration(el, sizeof el, elapsed);
    if (left > 0 && trained == 0)
        snprintf(eta, sizeof eta, "?");
    else
        lms_fmt_duration(eta, sizeof eta,
                         left > 0 ? elapsed / trained * left : 0);
    fprintf(stderr, "[%d/%s] %-12s lr %-9.4g seed %-3ld %-9s val %.4f  (%s)"
            "  elapsed %s, ETA %s%s\n", pg->done, total, s->variants[p->v],
            s->lrs[p->k], s->seeds[p->s], rs.verdict, rs.final_val_loss, what,
            el, at_least ? "at least " : "", left >= 0 ? eta : "?");
}

void lms_sweep_report_done(const lms_sweep *s, lms_sweep_progress *pg,
                           const pending *p, double secs) {
    pg->done++;
    if (pg->quiet)
        return;
    char what[32];
    snprintf(what, sizeof what, "%.0f s", secs);
    report(s, pg, p, what);
}

void lms_sweep_report_reused(const lms_sweep *s, lms_sweep_progress *pg,
                             const pending *p, const char *from) {
    pg->done++;
    pg->reused++;
    if (pg->quiet)
        return;
    char what[4400];
    snprintf(what, sizeof what, "reused from %s", from);
    report(s, pg, p, what);
}

/* The step of the last row of dir/metrics.csv, or -1. */
static long last_step(const char *dir) {
    char path[4400], buf[4096];
    snprintf(path, sizeof path, "%s/metrics.csv", dir);
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    long step = -1;
    if (fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        long off = size > (long)sizeof buf - 1 ? size - (long)sizeof buf + 1 : 0;
        fseek(f, off, SEEK_SET);
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = '\0';
        /* the last complete row: the line before the final newline */
        char *end = n ? strrchr(buf, '\n') : NULL;
        if (end) {
            *end = '\0';
            char *start = strrchr(buf, '\n');
            start = start ? start + 1 : (off == 0 ? buf : NULL);
            char *e;
            long v = start ? strtol(start, &e, 10) : -1;
            if (start && e != start && *e == ',')
                step = v;
        }
    }
    fclose(f);
    return step;
}

void lms_sweep_progress_tick(const lms_sweep *s, lms_sweep_progress *pg,
                             const pending *runs, const double *t0, int n) {
    const double now = lms_sweep_now();
    if (pg->quiet || now - pg->t_last < pg->every)
        return;
    pg->t_last = now;
    for (int i = 0; i < n; i++) {
        const pending *p = &runs[i];
        char dir[4300], t[32], steps[64] = "starting";
        lms_sweep_run_dir(s->out_dir, s->variants[p->v], s->lrs[p->k],
                          s->seeds[p->s], dir, sizeof dir);
        long step = last_step(dir);
        long max = s->max_steps[p->v];
        if (max > 0 && step >= max) /* the final evaluation's row */
            step = max - 1;
        if (step >= 0 && max > 0)
            snprintf(steps, sizeof steps, "step %ld/%ld (%.0f%%)", step + 1,
                     max, 100.0 * (double)(step + 1) / (double)max);
        else if (step >= 0)
            snprintf(steps, sizeof steps, "step %ld", step + 1);
        lms_fmt_duration(t, sizeof t, now - t0[i]);
        fprintf(stderr, "  running %-12s lr %-9.4g seed %-3ld %s, %s\n",
                s->variants[p->v], s->lrs[p->k], s->seeds[p->s], steps, t);
    }
}
