/*
 * Failure curves: P(fail | LR) = sigmoid(a + b log LR), fitted by Firth's
 * penalized maximum likelihood (finite even when the failures separate
 * cleanly, as they do at a sharp edge with few seeds), and a bootstrap over
 * seeds for confidence intervals. Seeds are resampled as clusters across
 * every variant at once, so variants trained on the same seeds are compared
 * pairwise (matched seeds). Deterministic: the bootstrap's generator is
 * seeded.
 */
#ifndef LMSTAB_CORE_FAILCURVE_H
#define LMSTAB_CORE_FAILCURVE_H

#include <stddef.h>

/* a + b * log(lr); converged 0 when Newton did not settle */
typedef struct lms_logit {
    double a, b;
    int converged;
} lms_logit;

/* Fit by Firth's method on grouped data: at log LR x[i], fails[i] failures
 * out of n[i] runs (n[i] > 0, may be fractional: bootstrap weights). 0, or
 * -1 when there is no data or the design is degenerate (one distinct LR),
 * or 1 when Newton did not settle in 200 steps (out holds where it stopped,
 * converged 0): callers take both as no fit (a bootstrap resample's LR50
 * undefined). */
int lms_logit_fit(const double *x, const double *fails, const double *n,
                  int groups, lms_logit *out);

/* The LR at which P(fail) = p (0 < p < 1); NAN unless the curve rises
 * (b > 1e-6: failure must grow with the LR for a quantile to mean
 * anything) and the LR is a finite positive number. */
double lms_logit_lr_at(const lms_logit *f, double p);

/* The deviance of grouped data against the curve f: twice the log-likelihood
 * ratio of the saturated model (each LR its own failure rate) to f,
 * 2 sum [k ln(k / n P) + (n - k) ln((n - k) / n (1 - P))], 0 ln 0 = 0. */
double lms_logit_deviance(const lms_logit *f, const double *x,
                          const double *fails, const double *n, int groups);

/* One run of a sweep, as the curves see it. */
typedef struct lms_curve_run {
    int variant;
    double lr;
    long seed;
    int failed;
    int under_trained; /* failed the rule only by not learning, below the
                          variant's loss-optimal LR: counted as a survival
                          (lms_run_unstable) */
} lms_curve_run;

/* A quantity with its bootstrap 95% percentile interval. undefined = share
 * of bootstrap samples where it did not exist (no increasing curve). */
typedef struct lms_estimate {
    double value, lo, hi;
    double undefined;
} lms_estimate;

/* The 2.5% and 97.5% order statistics (nearest rank) of the finite values
 * among vals[0..n) into e->lo, e->hi, and the share of the others into
 * e->undefined (e->value untouched). Reorders vals. */
void lms_percentile_interval(double *vals, int n, lms_estimate *e);

/* The same at other levels: the lo and hi order statistics (nearest rank:
 * index floor(level * (m - 1) + 0.5) of the m finite values, ascending),
 * 0 <= lo <= hi <= 1. lms_percentile_interval is this at 0.025, 0.975. */
void lms_percentile_interval_at(double *vals, int n, double lo, double hi,
                                lms_estimate *e);

typedef struct lms_curve {
    lms_logit fit;
    int runs, fails;
    lms_estimate lr50, lr10;
    lms_estimate ratio50; /* lr50 / the reference variant's lr50 */
    /* Are the runs plausible under the fitted curve? The deviance against
     * it over the variant's LRs with 2+ runs (one run at an LR says little
     * about fit; the fit uses every LR), its degrees of freedom (those LRs
     * - 2) and a parametric bootstrap p-value: the share of data sets drawn
     * from the fitted curve (same LRs and run counts, independent runs,
     * refitted) whose statistic is at least this one's. gof_p is NAN with
     * fewer than 3 such LRs or no fit. A small gof_p says the runs are
     * unlikely under the fitted logistic curve: P(fail) may have another
     * shape (flat over a range, not monotone, lopsided), or the runs vary
     * more than independent binomials would. Runs on the same seed are not
     * independent across LRs; that makes the test conservative. */
    double deviance, gof_p;
    int gof_df;
} lms_curve;

/* Fit every variant (0..n_variants-1) (with runs of one seed only, the
 * intervals are NaN: resampling one seed gives that seed back), test each fit (gof_p, from
 * `samples` parametric draws on a generator stream of the variant's own,
 * so the seed bootstrap below is the same with or without it, and one
 * variant's p does not depend on another's runs) and bootstrap `samples`
 * times over the seeds (clusters, in ascending order of seed: two calls with the same
 * generator seed over the same seeds draw the same resamples), with the
 * generator seeded by `seed`. ref: index of
 * the reference variant for ratio50. out has n_variants entries. boot, when
 * not NULL, receives each sample's fit: boot[(b * n_variants + v) * 2] = a,
 * [+ 1] = b (NAN when the sample had no fit). 0, or -1 on allocation
 * failure. */
int lms_curves_fit(const lms_curve_run *runs, size_t n_runs, int n_variants,
                   int ref, int samples, unsigned long long seed,
                   lms_curve *out, double *boot);

/* Each resample's LR50 ratio of variant v to ref, from boot as
 * lms_curves_fit fills it (samples resamples of nv variants), into out
 * (NaN where either has no LR50): what ratio50's interval is taken over. */
void lms_curve_ratio_samples(const double *boot, int samples, int nv, int v,
                             int ref, double *out);

/* lms_curves_fit's bootstrap alone: the same resamples of the seeds (the
 * generator seeded by seed), each variant refitted, into boot (samples *
 * n_variants (a, b) pairs, NAN where a resample had no fit), without the
 * point fits and their fit tests. 0, or -1 on allocation failure. */
int lms_curves_resample(const lms_curve_run *runs, size_t n_runs, int n_variants,
                        int samples, unsigned long long seed, double *boot);

/* The distinct seeds of runs[0..n_runs), ascending (the bootstrap's
 * clusters), at most max of them into seeds; how many. */
size_t lms_curve_seeds(const lms_curve_run *runs, size_t n_runs, long *seeds,
                       size_t max);

/* The runs of variant va in a[0..na) paired with those of variant vb in
 * b[0..nb) made on the same seed at the same LR (to a relative 1e-9: a
 * band LR and a grid LR may print alike yet differ): their indices into
 * ia and ib (room for na each); how many pairs. a and b may be one array
 * (two variants of a sweep) or two sweeps' runs. */
size_t lms_curve_runs_pair(const lms_curve_run *a, size_t na, int va,
                           const lms_curve_run *b, size_t nb, int vb,
                           size_t *ia, size_t *ib);

/* 1 when c has an LR50: some of its runs failed and some did not, and
 * failure rises with the LR. */
int lms_curve_defined(const lms_curve *c);

/* Fisher's exact test, two-sided, of a 2x2 table: a failures in n1 runs
 * against b failures in n2 runs (the probability, under equal failure
 * rates and the observed margins, of a table at most as likely as this
 * one). */
double lms_fisher_exact(int a, int n1, int b, int n2);

/* McNemar's exact test, two-sided, of paired outcomes: b pairs failed only
 * in the first condition, c only in the second (the binomial probability,
 * with p = 1/2 over the b + c discordant pairs, of a split at least as
 * uneven; 1 when there are none). */
double lms_mcnemar_exact(int b, int c);

#endif
