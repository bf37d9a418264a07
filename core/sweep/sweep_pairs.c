/* Declared pairs ([sweep] pairs = a:b): one variant set against another
 * that is not the reference, as the design declares (a method with and
 * without z-loss, say). Under each rule: b's LR50 over a's with a
 * bootstrap interval over matched seeds (the curves' own resamples), and
 * the runs both made at the same LR and seed, their failures side by side
 * with McNemar's exact test. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sweep/failcurve.h"
#include "sweep/sweep.h"
#include "sweep/sweep_internal.h"

/* The resamples' LR50 ratio b / a: NaN where either has no curve. */
static void ratio_interval(const double *boot, int nv, int a, int b,
                           lms_estimate *e) {
    double *r = malloc(sizeof(double) * LMS_BOOT_SAMPLES);
    if (!r) {
        e->lo = e->hi = NAN;
        e->undefined = 1;
        return;
    }
    lms_curve_ratio_samples(boot, LMS_BOOT_SAMPLES, nv, b, a, r);
    lms_percentile_interval(r, LMS_BOOT_SAMPLES, e);
    free(r);
}

/* Runs of a and b at the same LR and seed: failed in both, a only, b only;
 * how many such pairs (none without memory). */
static int shared(const lms_curve_run *runs, size_t n, int a, int b,
                  int cnt[3]) {
    size_t *ia = malloc((n + 1) * sizeof *ia), *ib = malloc((n + 1) * sizeof *ib);
    cnt[0] = cnt[1] = cnt[2] = 0;
    if (!ia || !ib) {
        free(ia);
        free(ib);
        return 0;
    }
    const size_t m = lms_curve_runs_pair(runs, n, a, runs, n, b, ia, ib);
    for (size_t i = 0; i < m; i++) {
        const int fa = runs[ia[i]].failed, fb = runs[ib[i]].failed;
        cnt[0] += fa && fb;
        cnt[1] += fa && !fb;
        cnt[2] += !fa && fb;
    }
    free(ia);
    free(ib);
    return (int)m;
}

void lms_sweep_pairs(FILE *table, FILE *csv, const lms_sweep *s, int rule,
                     const lms_curve_run *runs, size_t n, const lms_curve *c,
                     const double *boot) {
    if (!s->n_pairs)
        return;
    long seeds[LMS_SWEEP_MAX_SEEDS];
    const int one_seed = lms_curve_seeds(runs, n, seeds, LMS_SWEEP_MAX_SEEDS) < 2;
    if (table)
        fprintf(table, "\nDeclared pairs (`[sweep] pairs`), rule %s: the second "
                "variant's LR50 over the first's [95%% bootstrap interval, the "
                "same matched resamples], and the runs both made at the same LR "
                "and seed: failed in both / the first only / the second only, "
                "with McNemar's exact test of the last two (it treats the runs "
                "as independent; runs on one seed at neighbouring LRs are not, "
                "so it describes).\n\n| pair | LR50 second / first [95%% CI] | "
                "shared runs | both / first / second | McNemar p |\n"
                "|---|---|---|---|---|\n", lms_sweep_rule_name(rule));
    for (int p = 0; p < s->n_pairs; p++) {
        const int a = s->pair[p][0], b = s->pair[p][1];
        lms_estimate e = {NAN, NAN, NAN, 1};
        char q[192];
        if (!isfinite(c[a].lr50.value) || !isfinite(c[b].lr50.value)) {
            snprintf(q, sizeof q, "- (%s has no LR50)",
                     !isfinite(c[a].lr50.value) ? s->variants[a] : s->variants[b]);
        } else {
            e.value = c[b].lr50.value / c[a].lr50.value;
            if (one_seed) /* resampling one seed gives it back: no interval */
                e.lo = e.hi = NAN, e.undefined = 0;
            else
                ratio_interval(boot, s->n_variants, a, b, &e);
            int k = snprintf(q, sizeof q, "%.3g", e.value);
            if (isfinite(e.lo) && isfinite(e.hi))
                k += snprintf(q + k, sizeof q - k, " [%.3g, %.3g]", e.lo, e.hi);
            else if (one_seed)
                k += snprintf(q + k, sizeof q - k, " (one seed: no interval)");
            if (e.undefined > 0.025 && k < (int)sizeof q)
                k += snprintf(q + k, sizeof q - k,
                              " (%.0f%% of resamples without a curve)",
                              100 * e.undefined);
            if ((c[a].gof_p < 0.05 || c[b].gof_p < 0.05) && k < (int)sizeof q)
                snprintf(q + k, sizeof q - k, " (poor fit)");
        }
        int cnt[3];
        const int m = shared(runs, n, a, b, cnt);
        const double mp = lms_mcnemar_exact(cnt[1], cnt[2]);
        if (table)
            fprintf(table, "| %s → %s | %s | %d | %d / %d / %d | %.2g |\n",
                    s->variants[a], s->variants[b], q, m, cnt[0], cnt[1],
                    cnt[2], mp);
        if (csv) {
            fprintf(csv, "%s,%s,%s", s->variants[a], s->variants[b],
                    lms_sweep_rule_name(rule));
            const double x[4] = {e.value, e.lo, e.hi, e.undefined};
            for (int i = 0; i < 4; i++)
                isnan(x[i]) ? fprintf(csv, ",nan") : fprintf(csv, ",%.6g", x[i]);
            fprintf(csv, ",%d,%d,%d,%d,%.6g\n", m, cnt[0], cnt[1], cnt[2], mp);
        }
    }
}
