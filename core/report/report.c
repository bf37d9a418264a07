/* core/report (above sweep): pages, tables and figures from a sweep's runs. */
/* lmstab report: a Markdown + HTML page for a sweep directory, with plots
 * drawn by gnuplot from data files extracted from the runs. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/outfile.h"
#include "report/report.h"
#include "sweep/sweep.h"
#include "report/report_internal.h"
#include "sweep/sweep_internal.h"

typedef struct vinfo {
    int stable, bad;  /* last stable LR index, first unstable (-1: none) */
    int has_runs;
} vinfo;

/* Which grid cells converged on every finished seed. */
static void classify(const lms_sweep *s, int v, vinfo *vi) {
    char dir[4300], err[512];
    lms_run_summary rs;
    vi->stable = -1;
    vi->bad = -1;
    vi->has_runs = 0;
    for (int k = 0; k < s->n_lrs; k++) {
        if (!s->is_grid[k]) /* the figures compare grid neighbours */
            continue;
        int n = 0, ok = 1;
        for (int si = 0; si < s->n_seeds; si++) {
            lms_sweep_run_dir(s->out_dir, s->variants[v], s->lrs[k],
                              s->seeds[si], dir, sizeof dir);
            if (lms_sweep_read_summary(dir, &rs, err, sizeof err) == 0) {
                n++;
                ok &= !strcmp(rs.verdict, "converged");
            }
        }
        if (!n)
            continue;
        vi->has_runs = 1;
        if (ok && vi->bad < 0)
            vi->stable = k;
        else if (!ok && vi->bad < 0)
            vi->bad = k;
    }
}

/* plots/data/val_<v>.dat: lr, mean, std of the final val loss over seeds.
 * 0, or -1 with a message. */
static int write_val(const lms_sweep *s, int v, const char *path, char *werr,
                     size_t werrlen) {
    lms_out out;
    FILE *f = lms_out_open(&out, path, werr, werrlen);
    if (!f)
        return -1;
    char dir[4300], err[512];
    lms_run_summary rs;
    for (int k = 0; k < s->n_lrs; k++) {
        double sum = 0, sq = 0;
        int n = 0;
        for (int si = 0; si < s->n_seeds; si++) {
            lms_sweep_run_dir(s->out_dir, s->variants[v], s->lrs[k],
                              s->seeds[si], dir, sizeof dir);
            if (lms_sweep_read_summary(dir, &rs, err, sizeof err) == 0 &&
                isfinite(rs.final_val_loss)) {
                sum += rs.final_val_loss;
                sq += rs.final_val_loss * rs.final_val_loss;
                n++;
            }
        }
        if (n)
            fprintf(f, "%.6g %.6f %.6f\n", s->lrs[k], sum / n,
                    n > 1 ? sqrt(fmax(0, (sq - sum * sum / n) / (n - 1))) : 0.0);
    }
    return lms_out_commit(&out, werr, werrlen);
}

static double unigram_of(const lms_sweep *s) {
    char dir[4300], err[512];
    lms_run_summary rs;
    for (int v = 0; v < s->n_variants; v++)
        for (int k = 0; k < s->n_lrs; k++) {
            lms_sweep_run_dir(s->out_dir, s->variants[v], s->lrs[k], s->seeds[0],
                              dir, sizeof dir);
            if (lms_sweep_read_summary(dir, &rs, err, sizeof err) == 0)
                return rs.unigram_entropy;
        }
    return NAN;
}

static void gp_header(FILE *g, const char *png, int w, int h) {
    fprintf(g, "set terminal pngcairo size %d,%d font ',10'\nset output '%s'\n"
            "set grid\nset key outside right\nset termoption noenhanced\n", w, h,
            png);
}

/* The failure curves under each rule: every variant's failed share per LR
 * (points), its fit and the fit's 95% bootstrap band. */
static int curve_figures(const lms_sweep *s, FILE *g) {
    for (int r = 0; r < 3; r++) {
        char png[64];
        snprintf(png, sizeof png, "curves_%s.png", lms_sweep_rule_name(r));
        gp_header(g, png, 900, 500);
        fprintf(g, "set logscale x\nset xlabel 'peak learning rate'\n"
                "set ylabel 'P(fail)'\nset yrange [-0.05:1.05]\n"
                "set style fill transparent solid 0.15 noborder\n"
                "set title 'Failure probability vs learning rate, rule %s "
                "(points: share of seeds that failed; line, band: fit, 95%% "
                "bootstrap)'\nplot ", lms_sweep_rule_name(r));
        for (int v = 0; v < s->n_variants; v++)
            fprintf(g, "'data/curve_%s_%s.fit' using 1:3:4 with filledcurves lc %d "
                    "notitle, '' using 1:2 with lines lw 2 lc %d title '%s', "
                    "'data/curve_%s_%s.pts' using 1:2 with points pt 7 lc %d "
                    "notitle%s", lms_sweep_rule_name(r), s->variants[v], v + 1,
                    v + 1, s->variants[v], lms_sweep_rule_name(r),
                    s->variants[v], v + 1, v + 1 < s->n_variants ? ", " : "\n");
        fprintf(g, "set yrange [*:*]\nunset logscale x\nunset title\n");
    }
    return 3;
}

/* One gnuplot script for every figure; returns the number of figures. */
static int write_script(const lms_sweep *s, const vinfo *vi, double unigram,
                        FILE *g) {
    int figs = 1 + curve_figures(s, g);
    gp_header(g, "val_vs_lr.png", 900, 500);
    fprintf(g, "set logscale x\nset xlabel 'peak learning rate'\n"
            "set ylabel 'final validation loss (nats/byte)'\n");
    fprintf(g, "set title 'Final validation loss vs learning rate (mean +- std over the seeds run)'\n");
    fprintf(g, "plot ");
    for (int v = 0; v < s->n_variants; v++)
        fprintf(g, "'data/val_%s.dat' using 1:2:3 with yerrorlines lw 2 title '%s', ",
                s->variants[v], s->variants[v]);
    fprintf(g, "%.6f with lines dt 2 lc 'black' title 'unigram entropy'\n", unigram);
    fprintf(g, "unset logscale x\n");
    for (int v = 0; v < s->n_variants; v++) {
        if (!vi[v].has_runs)
            continue;
        char png[128];
        snprintf(png, sizeof png, "loss_%s.png", s->variants[v]);
        gp_header(g, png, 900, 450);
        fprintf(g, "set title '%s: training loss (seed %ld)'\nset xlabel 'step'\n"
                "set ylabel 'train loss'\nset yrange [*:6]\nplot ", s->variants[v],
                s->seeds[0]);
        for (int k = 0; k < s->n_lrs; k++)
            if (lms_sweep_run_finished(s->out_dir, s->variants[v], s->lrs[k],
                                       s->seeds[0])) /* not others' band LRs */
                fprintf(g, "'data/run_%s_%d.dat' using 1:2 with lines title "
                        "'lr %.3g', ", s->variants[v], k, s->lrs[k]);
        fprintf(g, "%.6f with lines dt 2 lc 'black' title 'unigram'\nset yrange [*:*]\n"
                "unset title\n", unigram);
        figs++;
        if (vi[v].stable < 0 || vi[v].bad < 0)
            continue;
        snprintf(png, sizeof png, "norms_%s.png", s->variants[v]);
        gp_header(g, png, 900, 800);
        fprintf(g, "set multiplot layout 3,1 title '%s: converging (lr %.3g, solid) vs "
                "unstable (lr %.3g, dashed)'\nunset title\nset logscale y\n"
                "set ylabel 'mean L2 norm of output'\n", s->variants[v],
                s->lrs[vi[v].stable], s->lrs[vi[v].bad]);
        static const char *const ops[] = {"qkv", "proj", "fc1", "fc2"};
        fprintf(g, "plot ");
        for (int o = 0; o < 4; o++)
            fprintf(g, "'data/run_%s_%d.dat' using 1:%d with lines lw 2 lc %d title '%s', "
                    "'data/run_%s_%d.dat' using 1:%d with lines lw 2 dt 2 lc %d notitle%s",
                    s->variants[v], vi[v].stable, 5 + o, o + 1, ops[o],
                    s->variants[v], vi[v].bad, 5 + o, o + 1, o < 3 ? ", " : "\n");
        fprintf(g, "set ylabel 'max attention score'\nplot "
                "'data/run_%s_%d.dat' using 1:9 with lines lw 2 lc 1 title 'converging', "
                "'data/run_%s_%d.dat' using 1:9 with lines lw 2 dt 2 lc 2 title 'unstable'\n",
                s->variants[v], vi[v].stable, s->variants[v], vi[v].bad);
        fprintf(g, "unset logscale y\nset xlabel 'step'\nset ylabel 'train loss'\nplot "
                "'data/run_%s_%d.dat' using 1:2 with lines lw 2 lc 1 title 'converging', "
                "'data/run_%s_%d.dat' using 1:2 with lines lw 2 dt 2 lc 2 title 'unstable'\n"
                "unset multiplot\nunset xlabel\n",
                s->variants[v], vi[v].stable, s->variants[v], vi[v].bad);
        figs++;
    }
    return figs;
}

int lms_report_gnuplot(const char *dir, const char *script) {
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(126);
        FILE *log = freopen("gnuplot.log", "w", stderr); /* warnings */
        (void)log;
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int lms_report_page(const char *dir, const lms_sweep *s, const int *stable,
                    const int *bad, int plots_ok, int null_sims, char *err,
                    size_t errlen);

int lms_report_write(const char *dir, int null_sims, char *err,
                     size_t errlen) {
    static lms_sweep s;
    if (lms_sweep_aggregate(dir, 0, err, errlen) != 0 ||
        lms_sweep_load_manifest(dir, &s, err, errlen) != 0)
        return -1;
    char pdir[4300], path[4500];
    snprintf(pdir, sizeof pdir, "%s/plots/data", dir);
    if (lms_mkdirs(pdir, err, errlen) != 0)
        return -1;
    lms_out_clean(pdir, NULL, 0); /* what a killed report left */
    snprintf(path, sizeof path, "%s/plots", dir);
    lms_out_clean(path, NULL, 0);
    vinfo vi[LMS_SWEEP_MAX_VARIANTS];
    int stable[LMS_SWEEP_MAX_VARIANTS], bad[LMS_SWEEP_MAX_VARIANTS];
    char rdir[4300];
    for (int v = 0; v < s.n_variants; v++) {
        classify(&s, v, &vi[v]);
        stable[v] = vi[v].stable;
        bad[v] = vi[v].bad;
        snprintf(path, sizeof path, "%s/val_%s.dat", pdir, s.variants[v]);
        if (write_val(&s, v, path, err, errlen) != 0)
            return -1;
        for (int k = 0; k < s.n_lrs; k++) {
            lms_sweep_run_dir(s.out_dir, s.variants[v], s.lrs[k], s.seeds[0],
                              rdir, sizeof rdir);
            snprintf(path, sizeof path, "%s/run_%s_%d.dat", pdir, s.variants[v], k);
            const int x = lms_report_extract(rdir, path, err, errlen);
            if (x < 0)
                return -1;
            if (x > 0) { /* no run: an empty table, which gnuplot skips */
                lms_out out;
                if (!lms_out_open(&out, path, err, errlen))
                    return -1;
                fputs("# no run\n", out.f);
                if (lms_out_commit(&out, err, errlen) != 0)
                    return -1;
            }
        }
    }
    if (lms_sweep_curves(&s, NULL, NULL, pdir, NULL, err, errlen) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/plots/report.gp", dir);
    lms_out gp;
    if (!lms_out_open(&gp, path, err, errlen))
        return -1;
    write_script(&s, vi, unigram_of(&s), gp.f);
    if (lms_out_commit(&gp, err, errlen) != 0)
        return -1;
    snprintf(pdir, sizeof pdir, "%s/plots", dir);
    int plots_ok = lms_report_gnuplot(pdir, "report.gp") == 0;
    if (lms_report_page(dir, &s, stable, bad, plots_ok, null_sims, err,
                        errlen) != 0)
        return -1;
    return plots_ok ? 0 : 1;
}
