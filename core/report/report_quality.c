/* Quality by matched seeds: at one learning rate, each variant's final
 * validation loss against the reference's on the same seeds (the paired
 * difference and its 95% t interval: seeds share data order and
 * initialisation stream, so pairing removes most of the seed-to-seed
 * spread), and whether the validation loss was still falling at the end
 * (the overfitting check of a long run on a small corpus). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep/sweep.h"
#include "report/report_internal.h"
#include "sweep/sweep_internal.h"
#include "sweep/tdist.h"

#define RULE 1 /* default */
#define MAXS LMS_SWEEP_MAX_SEEDS

static int ref_index(const lms_sweep *s) {
    for (int v = 0; v < s->n_variants; v++)
        if (!strcmp(s->variants[v], s->reference))
            return v;
    return 0;
}

/* final[v][si]: the run's final val loss, NaN when absent or unfinished */
static void finals(const lms_sweep *s, int k, double (*fin)[MAXS],
                   int (*failed)[MAXS]) {
    char dir[4300], err[512];
    lms_run_summary rs;
    for (int v = 0; v < s->n_variants; v++)
        for (int si = 0; si < s->n_seeds; si++) {
            fin[v][si] = NAN;
            failed[v][si] = 0;
            lms_sweep_run_dir(s->out_dir, s->variants[v], s->lrs[k],
                              s->seeds[si], dir, sizeof dir);
            if (lms_sweep_read_summary(dir, &rs, err, sizeof err) == 0) {
                fin[v][si] = rs.final_val_loss;
                failed[v][si] = lms_run_failed(&rs, RULE);
            }
        }
}

/* The LR where the reference converged on every seed it ran (>= 2) and
 * the most runs pair with it; ties go to the lower LR. -1 when none. */
static int pick_lr(const lms_sweep *s, int ref, double (*fin)[MAXS],
                   int (*failed)[MAXS]) {
    int best = -1, best_pairs = 0;
    for (int k = 0; k < s->n_lrs; k++) {
        finals(s, k, fin, failed);
        int nref = 0, bad = 0, pairs = 0;
        for (int si = 0; si < s->n_seeds; si++) {
            if (!isfinite(fin[ref][si]))
                continue;
            nref++;
            bad |= failed[ref][si];
            for (int v = 0; v < s->n_variants; v++)
                pairs += v != ref && isfinite(fin[v][si]);
        }
        if (nref >= 2 && !bad && pairs > best_pairs) {
            best = k;
            best_pairs = pairs;
        }
    }
    if (best >= 0)
        finals(s, best, fin, failed);
    return best;
}

static void mean_ci(const double *x, int n, double *mean, double *ci) {
    double m = 0, ss = 0;
    for (int i = 0; i < n; i++)
        m += x[i];
    m /= n;
    for (int i = 0; i < n; i++)
        ss += (x[i] - m) * (x[i] - m);
    *mean = m;
    *ci = n > 1 ? lms_t975(n - 1) * sqrt(ss / (n - 1)) / sqrt(n) : NAN;
}

typedef struct overfit {
    int runs, at_end;
    double worst_rise, worst_from;
    int worst_v;
    long worst_seed;
} overfit;

/* The run's validation curve: is its final value (summary.json's, from
 * the evaluation after the last step) its minimum? 0, or -1 with a message
 * when its data file cannot be written. */
static int check_curve(const lms_sweep *s, int v, int k, int si, double final,
                       const char *data_dir, overfit *o, char *err,
                       size_t errlen) {
    char dir[4300], path[4600];
    lms_sweep_run_dir(s->out_dir, s->variants[v], s->lrs[k], s->seeds[si], dir,
                      sizeof dir);
    snprintf(path, sizeof path, "%s/quality_%s_%ld.dat", data_dir,
             s->variants[v], s->seeds[si]);
    lms_series sr;
    const int x = lms_report_extract(dir, path, err, errlen);
    if (x != 0 || lms_series_load(path, &sr) != 0)
        return x < 0 ? -1 : 0;
    double mn = INFINITY, mn_step = NAN, last = final;
    for (int i = 0; i < sr.n; i++) {
        double val = sr.v[i][2];
        if (!isfinite(val))
            continue;
        if (val < mn) {
            mn = val;
            mn_step = sr.v[i][0];
        }
    }
    free(sr.v);
    if (!isfinite(last) || !isfinite(mn))
        return 0;
    o->runs++;
    if (last <= mn)
        o->at_end++;
    else if (last - mn > o->worst_rise) {
        o->worst_rise = last - mn;
        o->worst_from = mn_step;
        o->worst_v = v;
        o->worst_seed = s->seeds[si];
    }
    return 0;
}

static const char *direction(double lo, double hi) {
    return hi < 0 ? "lower" : lo > 0 ? "higher" : "not resolved";
}

int lms_report_quality_table(FILE *f, const lms_sweep *s,
                             const char *data_dir, char *err, size_t errlen) {
    static double fin[LMS_SWEEP_MAX_VARIANTS][MAXS];
    static int failed[LMS_SWEEP_MAX_VARIANTS][MAXS];
    const int ref = ref_index(s);
    fprintf(f, "## Quality by matched seeds\n\n");
    const int k = pick_lr(s, ref, fin, failed);
    if (k < 0) {
        fprintf(f, "No learning rate has %s converged on two or more seeds "
                "that another variant also ran, so there is no matched-seed "
                "comparison of quality here (each variant's edge band has its "
                "own learning rates).\n\n", s->reference);
        return 0;
    }
    fprintf(f, "At lr %.4g, where %s converged on every seed it ran: the final "
            "validation loss of each variant (mean and 95%% t interval over "
            "seeds) and its difference from %s on the same seeds (paired; "
            "negative = better). Failed runs count with their final loss.\n\n"
            "| variant | seeds | final val loss [95%% CI] | minus %s, paired "
            "[95%% CI] | |\n|---|---|---|---|---|\n", s->lrs[k], s->reference,
            s->reference, s->reference);
    /* the comparisons with the reference, for the Bonferroni intervals */
    int n_cmp = 0;
    for (int v = 0; v < s->n_variants; v++) {
        int nd = 0;
        for (int si = 0; si < s->n_seeds; si++)
            nd += v != ref && isfinite(fin[v][si]) && isfinite(fin[ref][si]);
        n_cmp += nd >= 2;
    }
    char bonf[LMS_SWEEP_MAX_VARIANTS][96];
    overfit o = {0, 0, 0, NAN, -1, 0};
    for (int v = 0; v < s->n_variants; v++) {
        double x[MAXS], d[MAXS];
        int n = 0, nd = 0, nfail = 0;
        for (int si = 0; si < s->n_seeds; si++) {
            if (!isfinite(fin[v][si]))
                continue;
            x[n++] = fin[v][si];
            nfail += failed[v][si];
            if (check_curve(s, v, k, si, fin[v][si], data_dir, &o, err,
                            errlen) != 0)
                return -1;
            if (isfinite(fin[ref][si]))
                d[nd++] = fin[v][si] - fin[ref][si];
        }
        if (!n)
            continue;
        double m, ci, dm, dci;
        mean_ci(x, n, &m, &ci);
        char cell[96], diff[96] = "(reference)", word[64] = "";
        snprintf(cell, sizeof cell, isfinite(ci) ? "%.4f [%.4f, %.4f]" : "%.4f",
                 m, m - ci, m + ci);
        bonf[v][0] = '\0';
        if (v != ref && nd >= 2) {
            mean_ci(d, nd, &dm, &dci);
            snprintf(diff, sizeof diff, "%+.4f [%+.4f, %+.4f] (n %d)", dm,
                     dm - dci, dm + dci, nd);
            snprintf(word, sizeof word, "%s", direction(dm - dci, dm + dci));
            /* the same interval at 1 - 0.05/n_cmp two-sided */
            const double b = dci / lms_t975(nd - 1) *
                             lms_t_quantile(1 - 0.025 / n_cmp, nd - 1);
            snprintf(bonf[v], sizeof bonf[v], "%s %+.4f [%+.4f, %+.4f]: %s",
                     s->variants[v], dm, dm - b, dm + b,
                     direction(dm - b, dm + b));
        } else if (v != ref) {
            snprintf(diff, sizeof diff, "needs 2 matched seeds (has %d)", nd);
        }
        if (nfail)
            snprintf(word + strlen(word), sizeof word - strlen(word),
                     "%s%d failed", *word ? "; " : "", nfail);
        fprintf(f, "| %s | %d | %s | %s | %s |\n", s->variants[v], n, cell,
                diff, word);
    }
    if (n_cmp > 1) {
        fprintf(f, "\nCorrected for the %d comparisons with %s (Bonferroni: "
                "each paired interval at %.2f%%):", n_cmp, s->reference,
                100 * (1 - 0.05 / n_cmp));
        int first = 1;
        for (int v = 0; v < s->n_variants; v++)
            if (bonf[v][0]) {
                fprintf(f, "%s %s", first ? "" : ";", bonf[v]);
                first = 0;
            }
        fprintf(f, ".\n");
    }
    if (o.runs == 0)
        fprintf(f, "\n");
    else if (o.at_end == o.runs)
        fprintf(f, "\nOverfitting check: in all %d runs the validation loss was "
                "lowest at the last evaluation (still falling).\n\n", o.runs);
    else
        fprintf(f, "\nOverfitting check: the validation loss was lowest at the "
                "last evaluation in %d of %d runs; the largest rise after the "
                "minimum is %.4f nats (%s seed %ld, minimum at step %.0f).\n\n",
                o.at_end, o.runs, o.worst_rise, s->variants[o.worst_v],
                o.worst_seed, o.worst_from);
    return 0;
}

int lms_report_quality_reading(const lms_sweep *s, char *out, size_t n) {
    static double fin[LMS_SWEEP_MAX_VARIANTS][MAXS];
    static int failed[LMS_SWEEP_MAX_VARIANTS][MAXS];
    const int ref = ref_index(s);
    const int k = pick_lr(s, ref, fin, failed);
    if (k < 0)
        return -1;
    size_t w = (size_t)snprintf(out, n, "At learning rate %.4g, the final "
                                "validation loss minus %s's on the same seeds "
                                "(mean, paired 95%% t interval):", s->lrs[k],
                                s->reference);
    int listed = 0, dv[LMS_SWEEP_MAX_VARIANTS], dn[LMS_SWEEP_MAX_VARIANTS];
    double dmean[LMS_SWEEP_MAX_VARIANTS], dhalf[LMS_SWEEP_MAX_VARIANTS];
    for (int v = 0; v < s->n_variants && w < n; v++) {
        double d[MAXS], dm, dci;
        int nd = 0;
        for (int si = 0; si < s->n_seeds; si++)
            if (v != ref && isfinite(fin[v][si]) && isfinite(fin[ref][si]))
                d[nd++] = fin[v][si] - fin[ref][si];
        if (nd < 2)
            continue;
        mean_ci(d, nd, &dm, &dci);
        w += (size_t)snprintf(out + w, n - w, "%s %s %+.4f [%+.4f, %+.4f] "
                              "(%s, %d seeds)", listed ? "," : "",
                              s->variants[v], dm, dm - dci, dm + dci,
                              direction(dm - dci, dm + dci), nd);
        dv[listed] = v;
        dmean[listed] = dm;
        dhalf[listed] = dci / lms_t975(nd - 1);
        dn[listed++] = nd;
    }
    if (!listed)
        return -1;
    if (w < n)
        w += (size_t)snprintf(out + w, n - w, ".");
    if (listed < 2)
        return 0;
    /* which directions survive the correction for the comparisons made */
    int kept = 0;
    for (int i = 0; i < listed && w < n; i++) {
        const double b = dhalf[i] * lms_t_quantile(1 - 0.025 / listed, dn[i] - 1);
        const char *d = direction(dmean[i] - b, dmean[i] + b);
        if (strcmp(d, "not resolved") == 0)
            continue;
        w += (size_t)snprintf(out + w, n - w, "%s %s %s", kept ? ";" :
                              " Corrected for the comparisons (Bonferroni):",
                              s->variants[dv[i]], d);
        kept++;
    }
    if (w < n)
        snprintf(out + w, n - w, kept ? "; the rest not resolved." :
                 " Corrected for the comparisons (Bonferroni), none is "
                 "resolved.");
    return 0;
}
