/* Aggregating a sweep directory: per run, per cell (variant x LR, over
 * seeds) and per variant (max stable LR, LR sensitivity), plus table.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fsutil.h"
#include "util/outfile.h"
#include "sweep/sweep.h"
#include "sweep/sweep_internal.h"
#include "sweep/lr_sensitivity.h"
#include "sweep/tdist.h"
#include "train/verdict.h"

typedef struct cell {
    int n, n_conv, counts[4]; /* converged, spiked, collapsed, diverged */
    double val_mean, val_std, clipped_mean; /* clipped: min(val, init) */
    double val_ci;  /* half-width of the 95% t-interval of val_mean */
    int n_val;      /* runs with a finite final val loss */
} cell;

static int verdict_index(const char *v) {
    int i = lms_verdict_parse(v);
    return i < 0 ? LMS_DIVERGED : i;
}

double lms_t975(int df) {
    /* once per df: every cell of a table asks (a quantile costs ~1 ms) */
    static _Thread_local double memo[1024];
    if (df < 1 || df >= 1024)
        return lms_t_quantile(0.975, df);
    if (memo[df] == 0)
        memo[df] = lms_t_quantile(0.975, df);
    return memo[df];
}

/* One cell over its seeds; -1 and a message when a run's summary.json is
 * unreadable (a run is never silently left out of the tables). */
static int fill_cell(const lms_sweep *s, int v, int k, cell *c, FILE *runs,
                     char *err, size_t errlen) {
    memset(c, 0, sizeof *c);
    double sum = 0, sq = 0, clip = 0;
    int nval = 0;
    char dir[4300];
    lms_run_summary rs;
    for (int si = 0; si < s->n_seeds; si++) {
        lms_sweep_run_dir(s->out_dir, s->variants[v], s->lrs[k], s->seeds[si],
                          dir, sizeof dir);
        int r = lms_sweep_read_summary(dir, &rs, err, errlen);
        if (r < 0)
            return -1;
        if (r > 0)
            continue;
        c->n++;
        int vi = verdict_index(rs.verdict);
        c->counts[vi]++;
        c->n_conv += vi == 0;
        double val = rs.final_val_loss;
        if (isfinite(val)) {
            sum += val;
            sq += val * val;
            nval++;
        }
        clip += isfinite(val) ? fmin(val, rs.init_val_loss) : rs.init_val_loss;
        if (runs)
            fprintf(runs, "%s,%.6g,%ld,%s,%s,%s,%s,%.6f,%.6f,%.6f,%.6f,%.0f,"
                    "%.1f,%.1f,%.6f,%s\n", s->variants[v], s->lrs[k], s->seeds[si],
                    rs.verdict, lms_verdict_name(rs.verdicts[0]),
                    lms_verdict_name(rs.verdicts[1]),
                    lms_verdict_name(rs.verdicts[2]), val,
                    rs.final_train_loss, rs.init_train_loss, rs.max_rise,
                    rs.steps, rs.tokens_per_sec, rs.wall_seconds,
                    rs.final_val_bpb, rs.precision);
    }
    c->val_mean = nval ? sum / nval : NAN;
    c->val_std = nval > 1 ? sqrt(fmax(0, (sq - sum * sum / nval) / (nval - 1))) : 0;
    c->n_val = nval;
    c->val_ci = nval > 1 ? lms_t975(nval - 1) * c->val_std / sqrt(nval) : NAN;
    c->clipped_mean = c->n ? clip / c->n : NAN;
    return 0;
}

/* Highest LR index k with every cell 0..k that has runs converged on all
 * its seeds (cells without runs, another variant's edge band, skipped). */
static int max_stable(const cell *cells, int n_lrs) {
    int k = -1;
    for (int i = 0; i < n_lrs; i++) {
        if (cells[i].n == 0)
            continue;
        if (cells[i].n_conv != cells[i].n)
            break;
        k = i;
    }
    return k;
}

static const char *cell_mark(const cell *c, char *buf, size_t n) {
    static const char letters[4] = {'c', 'S', 'C', 'D'};
    if (c->n == 0)
        return "";
    size_t k = 0;
    if (isfinite(c->val_mean))
        k += snprintf(buf + k, n - k, "%.3f", c->val_mean);
    else
        k += snprintf(buf + k, n - k, "-");
    { /* a letter per seed, a single converged run's too */
        k += snprintf(buf + k, n - k, " ");
        for (int i = 0; i < 4 && k < n; i++)
            for (int j = 0; j < c->counts[i] && k + 1 < n; j++)
                buf[k++] = letters[i];
        buf[k] = '\0';
    }
    return buf;
}

typedef struct vsum {
    int kmax, best_k;
    double best;
    lms_lr_sens sens;
} vsum;

/* Best cell over the grid's LRs, and LR sensitivity (Wortsman et al. 2023,
 * lr_sensitivity.h) over [lo, hi] from the grid LRs only: an edge band's
 * denser LRs would weigh the edge more. `lr`, `y`: room for n_lrs values. */
static vsum summarize(const lms_sweep *s, const cell *cells,
                      const unsigned char *grid, double lo, double hi,
                      double *lr, double *y) {
    vsum r = {max_stable(cells, s->n_lrs), -1, INFINITY, {NAN, 0, NAN, NAN}};
    int n = 0;
    for (int k = 0; k < s->n_lrs; k++) {
        if (!cells[k].n || !grid[k])
            continue;
        double c = cells[k].clipped_mean;
        if (isfinite(c) && c < r.best) {
            r.best = c;
            r.best_k = k;
        }
        lr[n] = s->lrs[k];
        y[n++] = c;
    }
    r.sens = lms_lr_sensitivity(lr, y, n, lo, hi);
    return r;
}

int lms_sweep_sensitivity(const lms_sweep *s, double lo, double hi,
                          lms_lr_sens *sens, char *err, size_t errlen) {
    const size_t n = (size_t)s->n_lrs + 1;
    cell *row = calloc(n, sizeof *row);
    double *lr = calloc(n, sizeof *lr), *y = calloc(n, sizeof *y);
    int rc = -1;
    if (!row || !lr || !y) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (int v = 0; v < s->n_variants; v++) {
        for (int k = 0; k < s->n_lrs; k++) /* grid cells only: it uses no other */
            if (s->is_grid[k] && fill_cell(s, v, k, &row[k], NULL, err, errlen) != 0)
                goto out;
        sens[v] = summarize(s, row, s->is_grid, lo, hi, lr, y).sens;
    }
    rc = 0;
out:
    free(row);
    free(lr);
    free(y);
    return rc;
}

static void write_table(FILE *f, const lms_sweep *s, const cell *cells,
                        const vsum *vs) {
    int ref = 0;
    for (int v = 0; v < s->n_variants; v++)
        if (!strcmp(s->variants[v], s->reference))
            ref = v;
    double ref_lr = vs[ref].kmax >= 0 ? s->lrs[vs[ref].kmax] : NAN;
    /* a failure-curve sweep's edges are its curves: no max stable LR */
    const int curves = s->edge_points > 0;
    if (curves)
        fprintf(f, "| variant | lowest mean val loss over the grid LRs (at "
                "LR; [95%% CI] where 2+ seeds) | LR sensitivity (Wortsman et "
                "al.) |\n|---|---|---|\n");
    else
        fprintf(f, "| variant | max stable LR (own rule) | vs %s | lowest mean "
                "val loss over the grid LRs (at LR; [95%% CI] where 2+ seeds) "
                "| LR sensitivity (Wortsman et al.) |\n|---|---|---|---|---|\n",
                s->reference);
    for (int v = 0; v < s->n_variants; v++) {
        const vsum *r = &vs[v];
        char lr[32] = "< grid", ratio[32] = "-", best[128] = "-";
        if (r->kmax >= 0) {
            snprintf(lr, sizeof lr, "%.4g", s->lrs[r->kmax]);
            if (isfinite(ref_lr))
                snprintf(ratio, sizeof ratio, "%.2fx", s->lrs[r->kmax] / ref_lr);
        }
        if (r->best_k >= 0) {
            const cell *b = &cells[v * s->n_lrs + r->best_k];
            if (isfinite(b->val_ci))
                snprintf(best, sizeof best, "%.4f [%.4f, %.4f] (%.4g, n %d)",
                         r->best, b->val_mean - b->val_ci,
                         b->val_mean + b->val_ci, s->lrs[r->best_k], b->n_val);
            else
                snprintf(best, sizeof best, "%.4f (%.4g)", r->best,
                         s->lrs[r->best_k]);
        }
        char sens[80] = "- (no grid LR in range)";
        if (isfinite(r->sens.value))
            lms_lr_sens_format(sens, sizeof sens, &r->sens, LMS_SENS_LR_MIN,
                               LMS_SENS_LR_MAX);
        if (curves)
            fprintf(f, "| %s | %s | %s |\n", s->variants[v], best, sens);
        else
            fprintf(f, "| %s | %s | %s | %s | %s |\n", s->variants[v], lr,
                    ratio, best, sens);
    }
    fprintf(f, "\nLR sensitivity: Wortsman et al. 2023's definition, the mean "
            "over learning rates in [3e-4, 3e-1] of min(final val loss, val "
            "loss at init) minus the best of them; estimated from this "
            "sweep's grid LRs as the mean, uniform in log LR, of the line "
            "through them (their number in the range in brackets, with the "
            "span where the grid does not reach an end of the range), so that "
            "sweeps on different grids estimate the same quantity; a grid LR "
            "that is also an edge-band LR averages over all its seeds.%s\n",
            curves ? " The learning rates each variant survives are its "
                     "failure curves (below), under every rule."
                   : " Max stable LR: the highest LR with every lower LR "
                     "converged on every seed run, under each run's own "
                     "rule.");
    fprintf(f, "\nFinal validation loss per learning rate (mean over seeds; "
            "letters = verdict per seed: c converged, S spiked, C collapsed, "
            "D diverged):\n\n| variant |");
    for (int k = 0; k < s->n_lrs; k++)
        fprintf(f, " %.3g |", s->lrs[k]);
    fprintf(f, "\n|---|");
    for (int k = 0; k < s->n_lrs; k++)
        fprintf(f, "---|");
    fputc('\n', f);
    char buf[64];
    for (int v = 0; v < s->n_variants; v++) {
        fprintf(f, "| %s |", s->variants[v]);
        for (int k = 0; k < s->n_lrs; k++)
            fprintf(f, " %s |", cell_mark(&cells[v * s->n_lrs + k], buf, sizeof buf));
        fputc('\n', f);
    }
}

int lms_sweep_aggregate(const char *dir, int print, char *err, size_t errlen) {
    lms_sweep *s = malloc(sizeof *s);
    if (!s || lms_sweep_load_manifest(dir, s, err, errlen) != 0) {
        free(s);
        return -1;
    }
    cell *cells = calloc((size_t)s->n_variants * s->n_lrs, sizeof *cells);
    vsum *vs = calloc((size_t)s->n_variants, sizeof *vs);
    double *lr = calloc((size_t)s->n_lrs + 1, sizeof *lr);
    double *y = calloc((size_t)s->n_lrs + 1, sizeof *y);
    /* the six files whole and together, or the previous ones (a full disk
     * fails the command; a stop waits for the renames) */
    lms_out out[6] = {{0}}; /* and curves.csv, pairs.csv */
    static const char *const names[4] = {"results.csv", "cells.csv",
                                         "variants.csv", "table.md"};
    char path[4300];
    int rc = -1;
    if (!cells || !vs || !lr || !y) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    lms_out_clean(dir, NULL, 0); /* what a killed aggregate left */
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (!lms_out_open(&out[i], path, err, errlen))
            goto out;
    }
    FILE *runs = out[0].f, *fc = out[1].f, *fv = out[2].f, *ft = out[3].f;
    fprintf(runs, "variant,lr,seed,verdict,strict,default,lenient,"
            "final_val_loss,final_train_loss,init_train_loss,max_rise,steps,"
            "tokens_per_sec,wall_seconds,final_val_bpb,precision\n");
    fprintf(fc, "variant,lr,runs,converged,spiked,collapsed,diverged,"
            "val_loss_mean,val_loss_std,val_loss_ci95,val_perplexity\n");
    fprintf(fv, "variant,max_stable_lr,best_val_loss,best_lr,lr_sensitivity,"
            "lr_sensitivity_lrs,lr_sensitivity_from,lr_sensitivity_to\n");
    for (int v = 0; v < s->n_variants; v++) {
        cell *row = &cells[v * s->n_lrs];
        for (int k = 0; k < s->n_lrs; k++) {
            if (fill_cell(s, v, k, &row[k], runs, err, errlen) != 0)
                goto out;
            if (row[k].n)
                fprintf(fc, "%s,%.6g,%d,%d,%d,%d,%d,%.6f,%.6f,%.6f,%.4f\n",
                        s->variants[v], s->lrs[k], row[k].n, row[k].counts[0],
                        row[k].counts[1], row[k].counts[2], row[k].counts[3],
                        row[k].val_mean, row[k].val_std, row[k].val_ci,
                        exp(row[k].val_mean));
        }
        vs[v] = summarize(s, row, s->is_grid, LMS_SENS_LR_MIN, LMS_SENS_LR_MAX,
                          lr, y);
        fprintf(fv, "%s,%.6g,%.6f,%.6g,%.6f,%d,%.6g,%.6g\n", s->variants[v],
                vs[v].kmax >= 0 ? s->lrs[vs[v].kmax] : 0.0, vs[v].best,
                vs[v].best_k >= 0 ? s->lrs[vs[v].best_k] : 0.0,
                vs[v].sens.value, vs[v].sens.in_range, vs[v].sens.from,
                vs[v].sens.to);
    }
    write_table(ft, s, cells, vs);
    snprintf(path, sizeof path, "%s/curves.csv", dir);
    if (lms_sweep_curves(s, ft, path, NULL, &out[4], err, errlen) != 0)
        goto out;
    if (lms_out_commit_all(out, 6, err, errlen) != 0)
        goto out;
    if (print) /* after the files are whole: a reader gone loses no file */
        write_table(stdout, s, cells, vs);
    rc = 0;
out:
    for (int i = 0; i < 6; i++)
        lms_out_abort(&out[i]);
    free(cells);
    free(vs);
    free(lr);
    free(y);
    free(s);
    return rc;
}
