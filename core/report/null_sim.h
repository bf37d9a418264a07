/* Simulated sweeps under a fitted null, shared by the null checks of a
 * comparison (compare_null.c: a change across sweeps) and of a sweep
 * (report_null.c: a variant's LR50 ratio to the reference): keep the
 * sweep's design (its runs' LRs and seeds), draw every run's outcome from
 * a fitted curve, refit and resample as the page does, and count how
 * often the page's interval would exclude 1, and how often the point value
 * lies at least as far from 1 as the real one (a parametric bootstrap
 * test of no difference). */
#ifndef LMSTAB_REPORT_NULL_SIM_H
#define LMSTAB_REPORT_NULL_SIM_H

#include <stddef.h>
#include <stdio.h>

#include "sweep/failcurve.h"
#include "util/rng.h"

/* The runs of variant v (as variant 0) and, when ref >= 0, of ref (as 1)
 * among runs[0..n), their outcomes to be drawn, into out; how many. */
size_t lms_null_design(const lms_curve_run *runs, size_t n, int v, int ref,
                       lms_curve_run *out);

/* Each run's outcome drawn from f[its variant]: failed with probability
 * sigmoid(a + b ln LR). */
void lms_null_draw(lms_curve_run *runs, size_t n, const lms_logit f[2],
                   lms_rng *rng);

/* As lms_null_draw, with one seed's runs of a variant hanging together
 * by the Gaussian copula of report_dependence.c: the run fails when
 * sqrt(rho) u + sqrt(1 - rho) e < Phi^-1(p), u drawn once per variant and
 * seed, e per run, rho[its variant] in [0, 1] (0: lms_null_draw's
 * outcomes, though from other draws). latent: room for n values. */
void lms_null_draw_copula(lms_curve_run *runs, size_t n, const lms_logit f[2],
                          const double rho[2], double *latent, lms_rng *rng);

/* A simulated sweep of nv variants (1: the variant; 2: and the reference):
 * its resamples' LR50 (nv 1) or ratio (nv 2) from the generator seeded by
 * seed into val[0..samples), NaN throughout when *defined is 0 (a point fit
 * without a curve: the page would have none). With c (the first call on
 * these runs) the curves are fitted into it and *defined, *point (the
 * point LR50 or ratio, NaN when not defined) and the return value are
 * set: whether the fits pass the test (p >= 0.05; a fit the test cannot
 * take, with fewer than 3 LRs of 2 or more runs, passes when
 * untested_passes, as a sweep's table reads it, and not otherwise, as a
 * comparison reads it); without c, the resamples alone, *defined as
 * given. boot: room for samples * nv * 2. -1 on allocation failure. */
int lms_null_sim_value(const lms_curve_run *runs, size_t n, int nv,
                       int samples, unsigned long long seed, lms_curve *c,
                       int untested_passes, int *defined, double *point,
                       double *boot, double *val);

/* Whether a simulated value (a change or a ratio; 1 is no difference) is
 * at least as far from 1 on the log scale as the observed one: 1 also
 * when it has no value (counted against the observed: conservative). */
int lms_null_extreme(double simulated, double observed);

/* The Monte Carlo p-value of no difference: (1 + extreme) / (1 + sims);
 * NaN without simulations or an observed value. */
double lms_null_pvalue(int extreme, int sims, double observed);

/* A null check's progress on progress (or nothing when NULL): "lmstab
 * CMD: null check: LABEL: S of N simulations" once 10 s have passed since
 * *shown (then reset), and at the end "... LABEL: N simulations in T s"
 * (t0: when it began, lms_now()). */
void lms_null_progress(FILE *progress, double *shown, const char *cmd,
                       const char *label, int s, int sims);
void lms_null_progress_done(FILE *progress, const char *cmd,
                            const char *label, int sims, double t0);

/* Wilson's 95% interval of k successes in n: "12.3% [9.0, 16.4]"; "-"
 * when n is 0. */
void lms_null_fmt_share(char *b, size_t len, int k, int n);

#endif
