/* Are a seed's runs independent across learning rates? The null checks
 * (report_null.c, compare_null.c) draw every run independently, also the
 * runs one seed made at several LRs, which share its initialisation and
 * batches. If a seed had one edge (failing at every LR above it), its
 * failures would never be followed by a survival at a higher LR, and the
 * checks' simulations would vary less across seeds than real sweeps do.
 * The data can tell, without a model of P(fail | LR): count, over each
 * seed's pairs of runs at two LRs, the inversions (failed at the lower LR,
 * survived at the higher), and set them beside their distribution when the
 * outcomes at each LR are shuffled among that LR's runs (a permutation
 * test: each LR keeps its failure count, and only which seed failed is
 * left to chance, as independence would have it). Its mean is exact: sum
 * over the pairs of f(lower) (1 - f(higher)), f an LR's failure share. */
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

/* runs idx[0..k) in ascending LR: group[i] numbers their LRs, and
 * start[g] is where LR g begins (start[groups] = k); how many LRs */
static size_t group_by_lr(const lms_curve_run *runs, size_t *idx, size_t k,
                          size_t *group, size_t *start) {
    for (size_t i = 1; i < k; i++) /* insertion sort: a few hundred runs */
        for (size_t j = i; j > 0 && runs[idx[j]].lr < runs[idx[j - 1]].lr; j--) {
            const size_t t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    size_t g = 0;
    for (size_t i = 0; i < k; i++) {
        if (i == 0 || lower(runs[idx[i - 1]].lr, runs[idx[i]].lr))
            start[g++] = i;
        group[i] = g - 1;
    }
    start[g] = k;
    return g;
}

/* Inversions among the runs idx[0..k) of a variant (their LRs numbered
 * by group), outcomes in failed. */
static long inversions(const lms_curve_run *runs, const size_t *idx,
                       const size_t *group, size_t k, const int *failed) {
    long n = 0;
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; failed[i] && j < k; j++)
            n += !failed[j] && group[i] < group[j] &&
                 runs[idx[i]].seed == runs[idx[j]].seed;
    return n;
}

int lms_report_dependence(FILE *md, FILE *csv, const lms_sweep *s,
                          const lms_curve_run *runs, size_t n, int sims) {
    fprintf(md, "### Are a seed's runs independent across learning rates?\n\n"
            "The simulations above draw every run independently, also the "
            "runs one seed made at several LRs. Over each seed's pairs of "
            "runs at two LRs (default rule): the inversions, failed at the "
            "lower LR and survived at the higher, beside their number when "
            "the outcomes at each LR are shuffled among that LR's runs (each "
            "LR keeps its failures; only which seeds failed is left to "
            "chance): its mean, sum of f(lower) × (1 − f(higher)) with f an "
            "LR's failure share, and the share of %d shuffles with at most "
            "as many (generator seed %llu). No model of the curve enters. A "
            "seed with a single edge would have none; a small p says that a "
            "seed's runs hang together, and that the null checks' "
            "simulations vary less than real sweeps do. Where few inversions "
            "are expected (failures that rise within one or two LRs) the "
            "count cannot tell the two apart.\n\n"
            "| variant | runs | pairs at two LRs | inversions | expected if "
            "independent | p of as few |\n|---|---|---|---|---|---|\n", sims,
            LMS_NULL_SEED);
    fprintf(csv, "variant,runs,pairs,inversions,expected,sims,as_few,p\n");
    size_t *idx = malloc(sizeof *idx * (n + 1));
    size_t *group = malloc(sizeof *group * (n + 1));
    size_t *start = malloc(sizeof *start * (n + 2));
    int *failed = malloc(sizeof *failed * (n + 1));
    double *share = malloc(sizeof *share * (n + 1));
    int rc = -1, any = 0;
    if (!idx || !group || !start || !failed || !share)
        goto out;
    for (int v = 0; v < s->n_variants; v++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (runs[i].variant == v)
                idx[k++] = i;
        if (k == 0)
            continue;
        const size_t groups = group_by_lr(runs, idx, k, group, start);
        for (size_t g = 0; g < groups; g++) {
            int f = 0;
            for (size_t i = start[g]; i < start[g + 1]; i++)
                f += runs[idx[i]].failed;
            share[g] = (double)f / (double)(start[g + 1] - start[g]);
        }
        long pairs = 0;
        double expected = 0;
        for (size_t i = 0; i < k; i++) {
            failed[i] = runs[idx[i]].failed;
            for (size_t j = 0; j < k; j++)
                if (runs[idx[i]].seed == runs[idx[j]].seed &&
                    group[i] < group[j]) {
                    pairs++;
                    expected += share[group[i]] * (1 - share[group[j]]);
                }
        }
        if (pairs == 0)
            continue;
        const long observed = inversions(runs, idx, group, k, failed);
        lms_rng rng; /* a stream of its own: the checks above do not move */
        lms_rng_seed(&rng, LMS_NULL_SEED, 0xde9e0ULL + (unsigned)v);
        int as_few = 0;
        for (int t = 0; t < sims; t++) {
            for (size_t g = 0; g < groups; g++) /* Fisher-Yates within LR g */
                for (size_t i = start[g + 1] - 1; i > start[g]; i--) {
                    const size_t span = i - start[g] + 1;
                    size_t j = start[g] +
                               (size_t)(lms_rng_uniform(&rng) * (float)span);
                    j = j > i ? i : j;
                    const int x = failed[i];
                    failed[i] = failed[j];
                    failed[j] = x;
                }
            as_few += inversions(runs, idx, group, k, failed) <= observed;
        }
        const double pv = sims > 0 ? (1.0 + as_few) / (1.0 + sims) : NAN;
        any = 1;
        fprintf(md, "| %s | %zu | %ld | %ld | %.1f | %.3g |\n", s->variants[v],
                k, pairs, observed, expected, pv);
        fprintf(csv, "%s,%zu,%ld,%ld,%.6g,%d,%d,%.6g\n", s->variants[v], k,
                pairs, observed, expected, sims, as_few, pv);
    }
    if (!any)
        fprintf(md, "| (no variant with runs of one seed at two LRs) | | | | | "
                "|\n");
    fputc('\n', md);
    rc = 0;
out:
    free(idx);
    free(group);
    free(start);
    free(failed);
    free(share);
    return rc;
}
