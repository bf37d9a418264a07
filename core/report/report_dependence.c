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
 * over the pairs of f(lower) (1 - f(higher)), f an LR's failure share.
 *
 * How much they hang together is put as one number, rho, the correlation
 * of a Gaussian copula: seed s fails at LR x when sqrt(rho) u_s +
 * sqrt(1 - rho) e_x < Phi^-1(f(x)), u_s and e_x standard normal, so that
 * each LR keeps its failure share, rho 0 is independence and rho 1 a single
 * edge a seed. Inversions then number sum over the pairs of f(lower) -
 * Phi2(q(lower), q(higher); rho), q = Phi^-1(f), falling as rho grows; the
 * estimate is the rho at which that equals the count (a moment estimate,
 * 0 when there are at least as many as independence expects, 1 when no
 * more than a single edge a seed would give, NaN when every LR's runs all
 * failed or all survived: then no rho changes the count), with a
 * bootstrap interval over the seeds that describes it and enters no
 * check. The null checks simulate with the point estimate beside their
 * independent draws (null_sim.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "report/compare.h" /* LMS_NULL_SEED */
#include "report/report_internal.h"
#include "sweep/failcurve.h"
#include "sweep/normal.h"
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

/* Variant v's runs among runs[0..n) grouped by LR (group_by_lr) with
 * their outcomes and each LR's failure share; the pairs of one seed's runs
 * at two LRs, their number, and the mean of the inversions under
 * shuffling; k, the variant's runs. Arrays of n + 1 (start n + 2). */
typedef struct seed_pairs {
    size_t *idx, *group, *start;
    int *failed;
    double *share;
    size_t k, groups;
    long pairs;
    double expected;
} seed_pairs;

static int pairs_alloc(seed_pairs *p, size_t n) {
    p->idx = malloc(sizeof *p->idx * (n + 1));
    p->group = malloc(sizeof *p->group * (n + 1));
    p->start = malloc(sizeof *p->start * (n + 2));
    p->failed = malloc(sizeof *p->failed * (n + 1));
    p->share = malloc(sizeof *p->share * (n + 1));
    return p->idx && p->group && p->start && p->failed && p->share ? 0 : -1;
}

static void pairs_free(seed_pairs *p) {
    free(p->idx);
    free(p->group);
    free(p->start);
    free(p->failed);
    free(p->share);
}

static void pairs_of(const lms_curve_run *runs, size_t n, int v,
                     seed_pairs *p) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (runs[i].variant == v)
            p->idx[k++] = i;
    p->k = k;
    p->groups = group_by_lr(runs, p->idx, k, p->group, p->start);
    for (size_t g = 0; g < p->groups; g++) {
        int f = 0;
        for (size_t i = p->start[g]; i < p->start[g + 1]; i++)
            f += runs[p->idx[i]].failed;
        p->share[g] = (double)f / (double)(p->start[g + 1] - p->start[g]);
    }
    p->pairs = 0;
    p->expected = 0;
    for (size_t i = 0; i < k; i++) {
        p->failed[i] = runs[p->idx[i]].failed;
        for (size_t j = 0; j < k; j++)
            if (runs[p->idx[i]].seed == runs[p->idx[j]].seed &&
                p->group[i] < p->group[j]) {
                p->pairs++;
                p->expected +=
                    p->share[p->group[i]] * (1 - p->share[p->group[j]]);
            }
    }
}

/* The inversions the copula expects at rho, over the pairs counted by LR
 * in cnt[g * groups + h] (g below h), q[g] = Phi^-1(share[g]). */
static double copula_inversions(const seed_pairs *p, const long *cnt,
                                const double *q, double rho) {
    double e = 0;
    for (size_t g = 0; g < p->groups; g++)
        for (size_t h = g + 1; h < p->groups; h++)
            if (cnt[g * p->groups + h])
                e += (double)cnt[g * p->groups + h] *
                     (p->share[g] - lms_bvn_cdf(q[g], q[h], rho));
    return e;
}

/* The moment estimate of rho (above) for observed inversions. */
static double rho_of(const lms_curve_run *runs, const seed_pairs *p,
                     long observed) {
    const size_t G = p->groups;
    long *cnt = calloc(G * G + 1, sizeof *cnt);
    double *q = malloc(sizeof *q * (G + 1));
    double rho = NAN;
    if (!cnt || !q)
        goto out;
    for (size_t i = 0; i < p->k; i++)
        for (size_t j = 0; j < p->k; j++)
            if (runs[p->idx[i]].seed == runs[p->idx[j]].seed &&
                p->group[i] < p->group[j])
                cnt[p->group[i] * G + p->group[j]]++;
    for (size_t g = 0; g < G; g++)
        q[g] = lms_norm_quantile(p->share[g]);
    const double x = (double)observed;
    const double e0 = copula_inversions(p, cnt, q, 0);
    const double e1 = copula_inversions(p, cnt, q, 1);
    if (e0 - e1 < 1e-9) /* every LR all failed or all survived: no telling */
        goto out;
    if (x >= e0 - 1e-9) {
        rho = 0;
        goto out;
    }
    /* at or below what one edge a seed expects (near rho 1 the expected
     * count falls below any count: 1e-9): 1, the copula's end */
    if (x <= e1 + 1e-9) {
        rho = 1;
        goto out;
    }
    double lo = 0, hi = 1; /* expected(lo) > x > expected(hi) */
    for (int it = 0; it < 40; it++) {
        const double mid = (lo + hi) / 2;
        if (copula_inversions(p, cnt, q, mid) > x)
            lo = mid;
        else
            hi = mid;
    }
    rho = (lo + hi) / 2;
out:
    free(cnt);
    free(q);
    return rho;
}

double lms_seed_rho(const lms_curve_run *runs, size_t n, int v) {
    seed_pairs p = {0};
    double rho = NAN;
    if (pairs_alloc(&p, n) == 0) {
        pairs_of(runs, n, v, &p);
        if (p.pairs > 0)
            rho = rho_of(runs, &p,
                         inversions(runs, p.idx, p.group, p.k, p.failed));
    }
    pairs_free(&p);
    return rho;
}

/* qsort: seeds ascending */
static int by_seed(const void *a, const void *b) {
    const long x = ((const lms_curve_run *)a)->seed,
               y = ((const lms_curve_run *)b)->seed;
    return (x > y) - (x < y);
}

int lms_seed_rho_interval(const lms_curve_run *runs, size_t n, int v,
                          int resamples, lms_estimate *e) {
    e->value = lms_seed_rho(runs, n, v);
    e->lo = e->hi = e->undefined = NAN;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += runs[i].variant == v;
    /* v's runs by seed; first[j] is where seed j begins (first[S] = k) */
    lms_curve_run *mine = malloc(sizeof *mine * (k + 1));
    size_t *first = malloc(sizeof *first * (k + 2));
    double *vals = malloc(sizeof *vals * (size_t)(resamples + 1));
    lms_curve_run *draw = NULL;
    int rc = -1;
    if (!mine || !first || !vals)
        goto out;
    k = 0;
    for (size_t i = 0; i < n; i++)
        if (runs[i].variant == v)
            mine[k++] = runs[i];
    qsort(mine, k, sizeof *mine, by_seed);
    size_t seeds = 0, most = 0;
    for (size_t i = 0; i < k; i++)
        if (i == 0 || mine[i].seed != mine[i - 1].seed)
            first[seeds++] = i;
    first[seeds] = k;
    for (size_t j = 0; j < seeds; j++)
        most = first[j + 1] - first[j] > most ? first[j + 1] - first[j] : most;
    rc = 0;
    if (seeds < 2 || resamples < 1) /* one seed resamples to itself */
        goto out;
    rc = -1;
    if (!(draw = malloc(sizeof *draw * (seeds * most + 1))))
        goto out;
    lms_rng rng; /* a stream of its own: the checks do not move */
    lms_rng_seed(&rng, LMS_NULL_SEED, 0x5eed0ULL + (unsigned)v);
    for (int b = 0; b < resamples; b++) {
        size_t m = 0;
        for (size_t c = 0; c < seeds; c++) {
            size_t j = (size_t)(lms_rng_uniform(&rng) * (float)seeds);
            j = j >= seeds ? seeds - 1 : j;
            for (size_t i = first[j]; i < first[j + 1]; i++) {
                draw[m] = mine[i];
                draw[m++].seed = (long)c; /* a second draw is another seed */
            }
        }
        vals[b] = lms_seed_rho(draw, m, v);
    }
    lms_percentile_interval(vals, resamples, e);
    rc = 0;
out:
    free(mine);
    free(first);
    free(vals);
    free(draw);
    return rc;
}

void lms_rho_text(char *b, size_t n, const char *name,
                  const lms_estimate *e) {
    if (!isfinite(e->value))
        snprintf(b, n, "%s -", name);
    else if (isfinite(e->lo) && isfinite(e->hi))
        snprintf(b, n, "%s %.2f [%.2f, %.2f]", name, e->value, e->lo, e->hi);
    else
        snprintf(b, n, "%s %.2f (no interval)", name, e->value);
}

int lms_report_dependence(FILE *md, FILE *csv, const lms_sweep *s,
                          const lms_curve_run *runs, size_t n, int sims,
                          const lms_estimate *rhos) {
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
            "count cannot tell the two apart. ρ puts how much they hang "
            "together in one number: the correlation of a Gaussian copula "
            "that keeps each LR's failure share (a seed fails at LR x when "
            "√ρ u + √(1 − ρ) e < Φ⁻¹(f(x)), u the seed's and e the run's "
            "standard normal draw; 0 is independence, 1 a single edge a "
            "seed) at which the inversions expected equal the count (0 when "
            "there are as many as independence expects or more; 1 when no "
            "more than one edge a seed gives; \"-\" when every LR's runs all "
            "failed or all survived). A point estimate: with few expected "
            "inversions it is loose: its interval is the 2.5 and 97.5 "
            "percentiles over %d draws of the variant's seeds with "
            "replacement (each drawn seed with all its runs; a draw without a "
            "ρ is left out and counted, as \"n undefined\"). It describes the "
            "estimate only; the checks above use the point.\n\n"
            "| variant | runs | pairs at two LRs | inversions | expected if "
            "independent | p of as few | ρ within a seed (95%% interval) |\n"
            "|---|---|---|---|---|---|---|\n", sims, LMS_NULL_SEED,
            LMS_RHO_RESAMPLES);
    fprintf(csv, "variant,runs,pairs,inversions,expected,sims,as_few,p,rho,"
                 "rho_lo,rho_hi,rho_resamples,rho_undefined\n");
    seed_pairs pr = {0};
    int rc = -1, any = 0;
    if (pairs_alloc(&pr, n) != 0)
        goto out;
    for (int v = 0; v < s->n_variants; v++) {
        pairs_of(runs, n, v, &pr);
        if (pr.k == 0 || pr.pairs == 0)
            continue;
        const long observed =
            inversions(runs, pr.idx, pr.group, pr.k, pr.failed);
        const lms_estimate rho = rhos[v];
        lms_rng rng; /* a stream of its own: the checks above do not move */
        lms_rng_seed(&rng, LMS_NULL_SEED, 0xde9e0ULL + (unsigned)v);
        int as_few = 0;
        const size_t *start = pr.start;
        int *failed = pr.failed;
        for (int t = 0; t < sims; t++) {
            for (size_t g = 0; g < pr.groups; g++) /* Fisher-Yates in LR g */
                for (size_t i = start[g + 1] - 1; i > start[g]; i--) {
                    const size_t span = i - start[g] + 1;
                    size_t j = start[g] +
                               (size_t)(lms_rng_uniform(&rng) * (float)span);
                    j = j > i ? i : j;
                    const int x = failed[i];
                    failed[i] = failed[j];
                    failed[j] = x;
                }
            as_few += inversions(runs, pr.idx, pr.group, pr.k, failed) <=
                      observed;
        }
        const double pv = sims > 0 ? (1.0 + as_few) / (1.0 + sims) : NAN;
        any = 1;
        char r[96] = "-";
        if (isfinite(rho.value)) {
            int at = snprintf(r, sizeof r, "%.2f", rho.value);
            if (isfinite(rho.lo))
                at += snprintf(r + at, sizeof r - (size_t)at, " (%.2f–%.2f)",
                               rho.lo, rho.hi);
            if (rho.undefined > 0)
                snprintf(r + at, sizeof r - (size_t)at, ", %.0f undefined",
                         rho.undefined * LMS_RHO_RESAMPLES);
        }
        fprintf(md, "| %s | %zu | %ld | %ld | %.1f | %.3g | %s |\n",
                s->variants[v], pr.k, pr.pairs, observed, pr.expected, pv, r);
        fprintf(csv, "%s,%zu,%ld,%ld,%.6g,%d,%d,%.6g,%.6g,%.6g,%.6g,%d,%.6g\n",
                s->variants[v], pr.k, pr.pairs, observed, pr.expected, sims,
                as_few, pv, rho.value, rho.lo, rho.hi,
                isnan(rho.undefined) ? 0 : LMS_RHO_RESAMPLES, /* < 2 seeds */
                rho.undefined);
    }
    if (!any)
        fprintf(md, "| (no variant with runs of one seed at two LRs) | | | | | "
                "| |\n");
    fputc('\n', md);
    rc = 0;
out:
    pairs_free(&pr);
    return rc;
}
