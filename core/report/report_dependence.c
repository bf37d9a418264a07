/* Are a seed's runs independent across learning rates? The null checks
 * (report_null.c, compare_null.c) draw every run independently, also the
 * runs one seed made at several LRs, which share its initialisation and
 * batches. If a seed had one edge (failing at every LR above it), its
 * failures would never be followed by a survival at a higher LR, and the
 * checks' simulations would vary less across seeds than real sweeps do.
 * The data can tell: count, over each seed's pairs of runs at two LRs, the
 * inversions (failed at the lower LR, survived at the higher) and set them
 * beside the count expected if the runs were independent under the fitted
 * curve, sum p_lo (1 - p_hi), and beside the counts of N sweeps drawn so
 * (p of as few inversions: a small p says the seed's runs hang together). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "report/compare.h" /* LMS_NULL_SEED */
#include "report/report_internal.h"
#include "sweep/failcurve.h"
#include "sweep/sweep.h"
#include "util/rng.h"

/* two LRs are one when they agree to 1e-9 relative (lms_curve_runs_pair) */
static int lower(double a, double b) { return a < b * (1 - 1e-9); }

static double p_fail(const lms_logit *f, double lr) {
    return 1 / (1 + exp(-(f->a + f->b * log(lr))));
}

/* Inversions among the runs idx[0..k) of variant v, outcomes in failed. */
static long inversions(const lms_curve_run *runs, const size_t *idx, size_t k,
                       const int *failed) {
    long n = 0;
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++)
            n += runs[idx[i]].seed == runs[idx[j]].seed && failed[i] &&
                 !failed[j] && lower(runs[idx[i]].lr, runs[idx[j]].lr);
    return n;
}

int lms_report_dependence(FILE *md, FILE *csv, const lms_sweep *s,
                          const lms_curve_run *runs, size_t n,
                          const lms_curve *c, int sims) {
    fprintf(md, "### Are a seed's runs independent across learning rates?\n\n"
            "The simulations above draw every run independently, also the "
            "runs one seed made at several LRs. Over each seed's pairs of "
            "runs at two LRs (default rule): the inversions, failed at the "
            "lower LR and survived at the higher, beside the number expected "
            "if the runs were independent under the variant's fitted curve "
            "(sum of P(fail at the lower) × P(survive at the higher)) and "
            "the share of %d sweeps drawn so with at most as many (generator "
            "seed %llu). A seed with a single edge would have none; a small p "
            "says that the seed's runs hang together, and that the null "
            "checks' simulations vary less than real sweeps do. Where few "
            "inversions are expected (a curve that rises within one or two "
            "LRs) the count cannot tell the two apart.\n\n"
            "| variant | runs | pairs at two LRs | inversions | expected if "
            "independent | p of as few |\n|---|---|---|---|---|---|\n", sims,
            LMS_NULL_SEED);
    fprintf(csv, "variant,runs,pairs,inversions,expected,sims,as_few,p\n");
    size_t *idx = malloc(sizeof *idx * (n + 1));
    int *failed = malloc(sizeof *failed * (n + 1));
    double *p = malloc(sizeof *p * (n + 1));
    if (!idx || !failed || !p) {
        free(idx);
        free(failed);
        free(p);
        return -1;
    }
    int any = 0;
    for (int v = 0; v < s->n_variants; v++) {
        if (!lms_curve_defined(&c[v]))
            continue;
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (runs[i].variant == v)
                idx[k++] = i;
        long pairs = 0;
        double expected = 0;
        for (size_t i = 0; i < k; i++) {
            p[i] = p_fail(&c[v].fit, runs[idx[i]].lr);
            failed[i] = runs[idx[i]].failed;
        }
        for (size_t i = 0; i < k; i++)
            for (size_t j = 0; j < k; j++)
                if (runs[idx[i]].seed == runs[idx[j]].seed &&
                    lower(runs[idx[i]].lr, runs[idx[j]].lr)) {
                    pairs++;
                    expected += p[i] * (1 - p[j]);
                }
        const long observed = inversions(runs, idx, k, failed);
        lms_rng rng; /* a stream of its own: the checks above do not move */
        lms_rng_seed(&rng, LMS_NULL_SEED, 0xde9e0ULL + (unsigned)v);
        int as_few = 0;
        for (int t = 0; t < sims; t++) {
            for (size_t i = 0; i < k; i++)
                failed[i] = (double)lms_rng_uniform(&rng) < p[i];
            as_few += inversions(runs, idx, k, failed) <= observed;
        }
        const double pv = sims > 0 ? (1.0 + as_few) / (1.0 + sims) : NAN;
        any = 1;
        fprintf(md, "| %s | %zu | %ld | %ld | %.1f | %.3g |\n", s->variants[v],
                k, pairs, observed, expected, pv);
        fprintf(csv, "%s,%zu,%ld,%ld,%.6g,%d,%d,%.6g\n", s->variants[v], k,
                pairs, observed, expected, sims, as_few, pv);
    }
    if (!any)
        fprintf(md, "| (no variant with a default-rule curve) | | | | | |\n");
    fputc('\n', md);
    free(idx);
    free(failed);
    free(p);
    return 0;
}
