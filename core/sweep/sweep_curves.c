/* The failure curves of a sweep directory, under each verdict rule:
 * curves.csv (one row per variant and rule), a table per rule with LR50
 * and LR10 and their bootstrap 95% intervals and LR50 relative to the
 * reference variant (matched seeds), and the report's plot data. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep/failcurve.h"
#include "sweep/sweep.h"
#include "sweep/sweep_internal.h"
#include "train/verdict.h"
#include "util/order.h"
#include "util/outfile.h"

#define CURVE_POINTS 120 /* points of a plotted curve */

static const char *const rule_names[LMS_N_RULES] = {"strict", "default",
                                                    "lenient"};

const char *lms_sweep_rule_name(int r) {
    return r >= 0 && r < LMS_N_RULES ? rule_names[r] : "?";
}

/* (a summary that cannot be read has already stopped the aggregation that
 * precedes the curves, so only finished runs are left to find) */
size_t lms_sweep_curve_runs(const lms_sweep *s,
                            lms_curve_run *const out[LMS_N_RULES], size_t max) {
    size_t n = 0;
    char dir[4300], err[512];
    lms_run_summary rs;
    for (int v = 0; v < s->n_variants; v++) {
        double opt = 0;
        if (lms_sweep_optimal_lr(s, v, &opt, err, sizeof err) != 0) {
            fprintf(stderr, "lmstab: warning: %s; %s's under-trained runs "
                    "count as failures\n", err, s->variants[v]);
            opt = 0;
        }
        for (int k = 0; k < s->n_lrs; k++)
            for (int si = 0; si < s->n_seeds; si++) {
                lms_sweep_run_dir(s->out_dir, s->variants[v], s->lrs[k],
                                  s->seeds[si], dir, sizeof dir);
                if (n == max || lms_sweep_read_summary(dir, &rs, err, sizeof err) != 0)
                    continue;
                const int below = s->lrs[k] < opt;
                for (int r = 0; r < LMS_N_RULES; r++) {
                    const int f = lms_run_unstable(dir, &rs, r, below);
                    out[r][n] = (lms_curve_run){v, s->lrs[k], s->seeds[si], f,
                                                f != lms_run_failed(&rs, r)};
                }
                n++;
            }
    }
    return n;
}

/* Runs of variant v counted as survivals because under-trained. */
static int under_trained(const lms_curve_run *runs, size_t n, int v) {
    int k = 0;
    for (size_t i = 0; i < n; i++)
        k += runs[i].variant == v && runs[i].under_trained;
    return k;
}

/* Which runs of a rule's table the curve counts as survivals, if any. */
static void under_trained_note(FILE *table, const lms_sweep *s,
                               const lms_curve_run *runs, size_t n) {
    int first = 1;
    for (int v = 0; v < s->n_variants; v++) {
        const int k = under_trained(runs, n, v);
        if (!k)
            continue;
        fprintf(table, "%s%s %d", first ? "\nCounted as survivals, as "
                "under-trained (below the variant's loss-optimal grid LR, "
                "failed only by the final loss: no spike, no divergence; "
                "protocol, section 3): " : ", ", s->variants[v], k);
        first = 0;
    }
    if (!first)
        fprintf(table, ".\n");
}

void lms_curve_lr_range(const lms_curve_run *runs, size_t n, int v, double *lo,
                       double *hi) {
    *lo = INFINITY;
    *hi = 0;
    for (size_t i = 0; i < n; i++)
        if (runs[i].variant == v) {
            *lo = fmin(*lo, runs[i].lr);
            *hi = fmax(*hi, runs[i].lr);
        }
}

void lms_curve_format(char *b, size_t n, const lms_estimate *e,
                      const lms_curve *c, double lo, double hi) {
    if (c->runs == 0) {
        snprintf(b, n, "no runs");
        return;
    }
    if (c->fails == c->runs) {
        snprintf(b, n, "< %.3g (every run failed)", lo);
        return;
    }
    if (c->fails == 0) {
        snprintf(b, n, "> %.3g (no run failed)", hi);
        return;
    }
    if (!isfinite(e->value)) {
        /* no fit (Newton did not settle) is not a flat or falling curve */
        snprintf(b, n, isfinite(c->fit.b) ? "none (failure does not rise with "
                 "the LR)" : "none (no fit: the curve's fit did not settle)");
        return;
    }
    int k = snprintf(b, n, "%.3g", e->value);
    if (isfinite(e->lo) && isfinite(e->hi))
        k += snprintf(b + k, n - k, " [%.3g, %.3g]", e->lo, e->hi);
    if (e->undefined > 0.025 && k < (int)n)
        k += snprintf(b + k, n - k, " (%.0f%% of resamples without a curve)",
                      100 * e->undefined);
    /* an LR estimate beyond the LRs run is the fit's extrapolation (a
     * ratio is not an LR: not checked) */
    if ((e == &c->lr50 || e == &c->lr10) && (e->value < lo || e->value > hi) &&
        k < (int)n)
        snprintf(b + k, n - k, " (extrapolated: the LRs run span %.3g to %.3g)",
                 lo, hi);
}

/* plots/data/curve_<rule>_<variant>.pts: lr, failed share, runs;
 * .fit: lr, fitted P(fail), 2.5% and 97.5% of the bootstrap fits (empty
 * without a fit). 0, or -1 with a message. */
static int plot_data(const char *data_dir, int r, const char *variant, int v,
                     int nv, const lms_curve *c, const lms_curve_run *runs,
                     size_t n, const double *boot, char *err, size_t errlen) {
    char path[4400];
    snprintf(path, sizeof path, "%s/curve_%s_%s.pts", data_dir, rule_names[r],
             variant);
    lms_out out;
    FILE *f = lms_out_open(&out, path, err, errlen);
    if (!f)
        return -1;
    double lo, hi;
    lms_curve_lr_range(runs, n, v, &lo, &hi);
    double done = 0;
    for (;;) { /* each distinct LR, ascending */
        double lr = INFINITY;
        for (size_t i = 0; i < n; i++)
            if (runs[i].variant == v && runs[i].lr > done && runs[i].lr < lr)
                lr = runs[i].lr;
        if (!isfinite(lr))
            break;
        int k = 0, m = 0;
        for (size_t i = 0; i < n; i++)
            if (runs[i].variant == v && runs[i].lr == lr) {
                m++;
                k += runs[i].failed;
            }
        fprintf(f, "%.6g %.4f %d\n", lr, (double)k / m, m);
        done = lr;
    }
    if (lms_out_commit(&out, err, errlen) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/curve_%s_%s.fit", data_dir, rule_names[r],
             variant);
    if (!(f = lms_out_open(&out, path, err, errlen)))
        return -1;
    if (!(lo < hi) || !isfinite(c->fit.b))
        return lms_out_commit(&out, err, errlen);
    double p[LMS_BOOT_SAMPLES];
    for (int i = 0; i < CURVE_POINTS; i++) {
        double x = log(lo) + (log(hi) - log(lo)) * i / (CURVE_POINTS - 1);
        int m = 0;
        for (int b = 0; b < LMS_BOOT_SAMPLES; b++) {
            double a = boot[((size_t)b * nv + v) * 2], s = boot[((size_t)b * nv + v) * 2 + 1];
            if (isfinite(a) && isfinite(s))
                p[m++] = 1 / (1 + exp(-(a + s * x)));
        }
        qsort(p, (size_t)m, sizeof *p, lms_cmp_double);
        fprintf(f, "%.6g %.5f %.5f %.5f\n", exp(x),
                1 / (1 + exp(-(c->fit.a + c->fit.b * x))),
                m ? p[(int)(0.025 * (m - 1) + 0.5)] : NAN,
                m ? p[(int)(0.975 * (m - 1) + 0.5)] : NAN);
    }
    return lms_out_commit(&out, err, errlen);
}

void lms_curve_mark_ratio(char *b, size_t n, const lms_curve *v, double v_lo,
                          double v_hi, const lms_curve *ref, double r_lo,
                          double r_hi) {
    const double x = v->lr50.value, y = ref->lr50.value;
    const size_t k = strlen(b);
    if (isfinite(x) && isfinite(y) && (x < v_lo || x > v_hi || y < r_lo || y > r_hi) &&
        k < n)
        snprintf(b + k, n - k, " (from an extrapolated LR50)");
}

/* The table's fit p: the p-value, flagged below 0.05 */
static void fmt_gof(char *b, size_t n, const lms_curve *c) {
    if (isnan(c->gof_p))
        snprintf(b, n, "-");
    else if (c->gof_p < 0.001)
        snprintf(b, n, "< 0.001 (poor fit)");
    else if (c->gof_p < 0.05) /* truncated: 0.04996 is not "0.050" */
        snprintf(b, n, "%.3f (poor fit)", floor(c->gof_p * 1000) / 1000);
    else
        snprintf(b, n, "%.2f", c->gof_p);
}

int lms_sweep_curves(const lms_sweep *s, FILE *table, const char *csv_path,
                     const char *data_dir, lms_out *files, char *err,
                     size_t errlen) {
    size_t max = (size_t)s->n_variants * s->n_lrs * s->n_seeds + 1;
    lms_curve_run *rule_runs[LMS_N_RULES] = {
        malloc(max * sizeof(lms_curve_run)), malloc(max * sizeof(lms_curve_run)),
        malloc(max * sizeof(lms_curve_run))};
    lms_curve *c = malloc(sizeof *c * (size_t)s->n_variants);
    double *boot = malloc(sizeof(double) * 2 * LMS_BOOT_SAMPLES * (size_t)s->n_variants);
    lms_out co[2] = {{0}}; /* curves.csv, pairs.csv */
    lms_out *csv_out = &co[0], *pcsv_out = &co[1];
    FILE *csv = NULL, *pcsv = NULL; /* pairs.csv beside curves.csv, with
                                       declared pairs */
    int rc = -1, ref = 0;
    if (!rule_runs[0] || !rule_runs[1] || !rule_runs[2] || !c || !boot) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (csv_path && !(csv = lms_out_open(csv_out, csv_path, err, errlen)))
        goto out;
    if (csv_path && s->n_pairs) {
        char pp[4400];
        const char *slash = strrchr(csv_path, '/');
        snprintf(pp, sizeof pp, "%.*spairs.csv",
                 slash ? (int)(slash - csv_path + 1) : 0, csv_path);
        if (!(pcsv = lms_out_open(pcsv_out, pp, err, errlen)))
            goto out;
        fputs(LMS_PAIRS_CSV_HEADER, pcsv);
    }
    for (int v = 0; v < s->n_variants; v++)
        if (!strcmp(s->variants[v], s->reference))
            ref = v;
    if (csv)
        fprintf(csv, "variant,rule,runs,fails,a,b,lr50,lr50_lo,lr50_hi,lr10,"
                "lr10_lo,lr10_hi,ratio50,ratio50_lo,ratio50_hi,undefined50,"
                "under_trained,deviance,gof_df,gof_p\n");
    if (table)
        fprintf(table, "\n## Failure curves\n\nP(fail | LR) = sigmoid(a + b ln "
                "LR) fitted per variant and rule by Firth's penalized likelihood "
                "over every run; LR50 and LR10 are the LRs where it reaches 50%% "
                "and 10%%. Brackets: 95%% bootstrap intervals (%d resamples of "
                "the seeds, shared by all variants, so ratios compare matched "
                "seeds). Ratio = LR50 / LR50 of %s. Fit p: are the runs plausible "
                "under the fitted curve? The deviance of the runs against it, "
                "over the variant's LRs with 2 or more runs, compared with %d "
                "data sets drawn from that curve at the same LRs and run counts "
                "(a parametric bootstrap; '-' with fewer than 3 such LRs). Below "
                "0.05 the runs are unlikely under the fitted logistic curve: "
                "P(fail) may have another shape (flat over a range of LRs, not "
                "monotone, lopsided), or the runs vary more than independent "
                "ones would, and the LR50 summarises a curve the runs do not "
                "follow. The test has little power with 8 seeds an LR and is "
                "conservative (runs on one seed are not independent across "
                "LRs), and with one test per variant and rule about 1 in 20 "
                "would be flagged by chance alone: a p above 0.05 does not show "
                "the shape is logistic.\n",
                LMS_BOOT_SAMPLES, s->reference, LMS_BOOT_SAMPLES);
    const size_t n = lms_sweep_curve_runs(s, rule_runs, max);
    for (int r = 0; r < LMS_N_RULES; r++) {
        const lms_curve_run *runs = rule_runs[r];
        if (lms_curves_fit(runs, n, s->n_variants, ref, LMS_BOOT_SAMPLES,
                           LMS_BOOT_SEED, c, boot) != 0) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
        if (table)
            fprintf(table, "\n### Rule: %s\n\n| variant | runs | failed | LR50 "
                    "[95%% CI] | LR10 [95%% CI] | LR50 / %s [95%% CI] | fit p |\n"
                    "|---|---|---|---|---|---|---|\n", rule_names[r], s->reference);
        for (int v = 0; v < s->n_variants; v++) {
            char a[128], b[128], q[128], gp[48];
            fmt_gof(gp, sizeof gp, &c[v]);
            double lo, hi;
            lms_curve_lr_range(runs, n, v, &lo, &hi);
            lms_curve_format(a, sizeof a, &c[v].lr50, &c[v], lo, hi);
            lms_curve_format(b, sizeof b, &c[v].lr10, &c[v], lo, hi);
            lms_curve_format(q, sizeof q, &c[v].ratio50, &c[v], lo, hi);
            if (v != ref) {
                double rlo, rhi;
                lms_curve_lr_range(runs, n, ref, &rlo, &rhi);
                lms_curve_mark_ratio(q, sizeof q, &c[v], lo, hi, &c[ref], rlo, rhi);
            }
            if (v != ref && c[v].runs && (c[v].fails == 0 || c[v].fails == c[v].runs))
                snprintf(q, sizeof q, "-");
            else if (v != ref && !isfinite(c[ref].lr50.value))
                snprintf(q, sizeof q, "- (%s has no LR50)", s->reference);
            if (table)
                fprintf(table, "| %s | %d | %d | %s | %s | %s | %s |\n",
                        s->variants[v], c[v].runs, c[v].fails, a, b,
                        v == ref ? "1 (reference)" : q, gp);
            if (csv) {
                const double x[11] = {c[v].fit.a, c[v].fit.b, c[v].lr50.value,
                                      c[v].lr50.lo, c[v].lr50.hi, c[v].lr10.value,
                                      c[v].lr10.lo, c[v].lr10.hi,
                                      c[v].ratio50.value, c[v].ratio50.lo,
                                      c[v].ratio50.hi};
                fprintf(csv, "%s,%s,%d,%d", s->variants[v], rule_names[r],
                        c[v].runs, c[v].fails);
                for (int i = 0; i < 11; i++) /* one spelling of "none" */
                    isnan(x[i]) ? fprintf(csv, ",nan") : fprintf(csv, ",%.6g", x[i]);
                fprintf(csv, ",%.4f,%d", c[v].lr50.undefined,
                        under_trained(runs, n, v));
                isnan(c[v].deviance) ? fprintf(csv, ",nan")
                                     : fprintf(csv, ",%.6g", c[v].deviance);
                fprintf(csv, ",%d", c[v].gof_df);
                isnan(c[v].gof_p) ? fprintf(csv, ",nan\n")
                                  : fprintf(csv, ",%.4f\n", c[v].gof_p);
            }
            if (data_dir && plot_data(data_dir, r, s->variants[v], v,
                                      s->n_variants, &c[v], runs, n, boot,
                                      err, errlen) != 0)
                goto out;
        }
        if (table)
            under_trained_note(table, s, runs, n);
        lms_sweep_pairs(table, pcsv, s, r, runs, n, c, boot);
    }
    if (files) { /* the caller's to commit, with its own files */
        files[0] = co[0];
        files[1] = co[1];
        co[0].f = co[1].f = NULL;
        rc = 0;
    } else if (lms_out_commit_all(co, 2, err, errlen) == 0)
        rc = 0;
out:
    lms_out_abort(csv_out);
    lms_out_abort(pcsv_out);
    for (int r = 0; r < LMS_N_RULES; r++)
        free(rule_runs[r]);
    free(c);
    free(boot);
    return rc;
}

int lms_sweep_band_seeds(const lms_sweep *s, int *lo, int *hi) {
    *lo = 1 << 30;
    *hi = 0;
    if (s->edge_points <= 0)
        return 0;
    for (int v = 0; v < s->n_variants; v++) {
        if (!s->n_band[v]) /* not decided yet: none of its seeds run */
            *lo = 0;
        for (int i = 0; i < s->n_band[v]; i++) {
            int n = 0;
            for (int si = 0; si < s->n_seeds; si++)
                n += lms_sweep_run_finished(s->out_dir, s->variants[v],
                                            s->lrs[s->band[v][i]], s->seeds[si]);
            *lo = n < *lo ? n : *lo;
            *hi = n > *hi ? n : *hi;
        }
    }
    return 1;
}

/* Failed and total runs of variant v at lr under rule r. */
static void count_at(const lms_curve_run *runs, size_t n, int v, double lr,
                     int *fails, int *total) {
    *fails = *total = 0;
    for (size_t i = 0; i < n; i++)
        if (runs[i].variant == v && runs[i].lr == lr) {
            (*total)++;
            *fails += runs[i].failed;
        }
}

int lms_sweep_reading(const lms_sweep *s, char *out, size_t outlen) {
    lms_curve (*cv)[LMS_SWEEP_MAX_VARIANTS] = NULL;
    size_t max = (size_t)s->n_variants * s->n_lrs * s->n_seeds + 1;
    lms_curve_run *runs[LMS_N_RULES] = {NULL, NULL, NULL};
    int rc = -1, ref = 0;
    for (int r = 0; r < LMS_N_RULES; r++)
        if (!(runs[r] = malloc(max * sizeof *runs[r])))
            goto done;
    const size_t n = lms_sweep_curve_runs(s, runs, max);
    for (int v = 0; v < s->n_variants; v++)
        if (!strcmp(s->variants[v], s->reference))
            ref = v;
    size_t k = 0;
    out[0] = '\0';
    int fitted = 0, curves_ok = 1;
    if (!(cv = malloc(sizeof *cv * LMS_N_RULES)))
        goto done;
    /* the variants with no LR run on 2+ seeds by both: one sentence */
    int none[LMS_SWEEP_MAX_VARIANTS], n_none = 0;
    for (int v = 0; v < s->n_variants && k < outlen; v++) {
        if (v == ref)
            continue;
        /* the LR (run on 2+ seeds by both) where the default rule's failure
         * shares differ most; the lowest such LR on a tie */
        double best_lr = 0, best = -1;
        for (int i = 0; i < s->n_lrs; i++) {
            int fa, na, fb, nb;
            count_at(runs[1], n, v, s->lrs[i], &fa, &na);
            count_at(runs[1], n, ref, s->lrs[i], &fb, &nb);
            if (na < 2 || nb < 2)
                continue;
            double d = fabs((double)fa / na - (double)fb / nb);
            if (d > best) {
                best = d;
                best_lr = s->lrs[i];
            }
        }
        if (best < 0) { /* no shared LR: the failure curves, if both have one */
            if (!fitted) {
                fitted = 1;
                for (int r = 0; r < LMS_N_RULES && curves_ok; r++)
                    curves_ok = lms_curves_fit(runs[r], n, s->n_variants, ref,
                                               LMS_BOOT_SAMPLES, LMS_BOOT_SEED,
                                               cv[r], NULL) == 0;
            }
            if (!curves_ok || !lms_curve_defined(&cv[1][v]) ||
                !lms_curve_defined(&cv[1][ref])) {
                none[n_none++] = v;
                continue;
            }
            char q[LMS_N_RULES][96];
            for (int r = 0; r < LMS_N_RULES; r++) {
                const lms_estimate *e = &cv[r][v].ratio50;
                if (!lms_curve_defined(&cv[r][v]) ||
                    !lms_curve_defined(&cv[r][ref]))
                    snprintf(q[r], sizeof q[r], "no curve");
                else if (isfinite(e->lo) && isfinite(e->hi))
                    snprintf(q[r], sizeof q[r], "%.3g [%.3g, %.3g]", e->value,
                             e->lo, e->hi);
                else
                    snprintf(q[r], sizeof q[r], "%.3g (no interval)", e->value);
            }
            const lms_estimate *d = &cv[1][v].ratio50;
            k += snprintf(out + k, outlen - k, "%sThe LR50 of %s is %s times "
                          "%s's (default rule, failure curves over %d and %d "
                          "runs, %s; strict %s, lenient %s).", k ? " " : "",
                          s->variants[v], q[1], s->reference, cv[1][v].runs,
                          cv[1][ref].runs, isfinite(d->lo) && isfinite(d->hi)
                          ? "95% bootstrap interval" : "no bootstrap interval",
                          q[0], q[2]);
            const int bad[2] = {v, ref}; /* a curve the runs do not follow */
            for (int j = 0; j < 2 && k < outlen; j++)
                if (cv[1][bad[j]].gof_p < 0.05)
                    k += snprintf(out + k, outlen - k, " The default rule's "
                                  "failures of %s are unlikely under its fitted "
                                  "logistic curve (fit p = %.2g), so this ratio "
                                  "carries no claim (protocol, section 3).",
                                  s->variants[bad[j]], cv[1][bad[j]].gof_p);
            continue;
        }
        int f[LMS_N_RULES][2], t[2];
        for (int r = 0; r < LMS_N_RULES; r++) {
            count_at(runs[r], n, v, best_lr, &f[r][0], &t[0]);
            count_at(runs[r], n, ref, best_lr, &f[r][1], &t[1]);
        }
        if (best == 0)
            k += snprintf(out + k, outlen - k, "%s%s and %s failed equally often "
                          "at every learning rate run on several seeds (at LR "
                          "%.3g: %d of %d and %d of %d, default rule).",
                          k ? " " : "", s->variants[v], s->reference, best_lr,
                          f[1][0], t[0], f[1][1], t[1]);
        else
            k += snprintf(out + k, outlen - k, "%sAt learning rate %.3g, %s "
                          "failed in %d of %d seeds and %s in %d of %d (default "
                          "rule, Fisher's exact p = %.2g; strict %d vs %d, "
                          "p = %.2g; lenient %d vs %d, p = %.2g).",
                          k ? " " : "", best_lr, s->variants[v], f[1][0], t[0],
                          s->reference, f[1][1], t[1],
                          lms_fisher_exact(f[1][0], t[0], f[1][1], t[1]),
                          f[0][0], f[0][1],
                          lms_fisher_exact(f[0][0], t[0], f[0][1], t[1]),
                          f[2][0], f[2][1],
                          lms_fisher_exact(f[2][0], t[0], f[2][1], t[1]));
    }
    for (int i = 0; i < n_none && k < outlen; i++)
        k += snprintf(out + k, outlen - k, "%s%s", i ? (i + 1 < n_none ? ", "
                                                                   : " and ")
                                                     : (k ? " " : ""),
                      s->variants[none[i]]);
    if (n_none && k < outlen)
        k += snprintf(out + k, outlen - k, " %s no learning rate run on two or "
                      "more seeds with %s yet.", n_none > 1 ? "share" : "shares",
                      s->reference);
    int lo, hi;
    if (lms_sweep_band_seeds(s, &lo, &hi) && lo < s->edge_seeds && k < outlen) {
        char have[32];
        snprintf(have, sizeof have, lo == hi ? "%d" : "%d to %d", lo, hi);
        k += snprintf(out + k, outlen - k, " Provisional: the edge bands' "
                      "learning rates have %s of their %d seeds so far, and no "
                      "claim is made before all %d (docs/results/protocol.md).",
                      have, s->edge_seeds, s->edge_seeds);
    }
    rc = 0;
done:
    free(cv);
    for (int r = 0; r < LMS_N_RULES; r++)
        free(runs[r]);
    return rc;
}
