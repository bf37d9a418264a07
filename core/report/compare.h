/*
 * lmstab compare DIR...: sweeps that differ in one setting (a size ladder's
 * d_model, the warmup length, ...) side by side. Each sweep's failure
 * curves are fitted as in its own report; across the sweeps, each
 * variant's LR50 and its ratio to the reference variant are followed from
 * the first sweep to the last, with bootstrap intervals:
 *   OUT/compare.md, compare.html  the tables and a one-paragraph reading
 *   OUT/compare.csv               one row per sweep, variant and rule
 *   OUT/plots/compare_*.png       LR50 and the ratio against the sweeps
 */
#ifndef LMSTAB_REPORT_COMPARE_H
#define LMSTAB_REPORT_COMPARE_H

#include <stddef.h>

#include "sweep/failcurve.h"

#define LMS_COMPARE_MAX 16 /* sweeps in one comparison */
#define LMS_NULL_SAMPLES 1000 /* resamples of each simulated comparison */
#define LMS_NULL_SEED 20261201ULL

/* Write OUT's files for the 2 <= n <= LMS_COMPARE_MAX sweep directories dirs (in the order
 * given: the "change" is last / first); with null_sims > 0 also the null
 * check of each ratio's change (compare_null.csv and a section). reading receives the page's
 * opening paragraph. 0; 1 when gnuplot is missing or failed (the page
 * says so); -1 and a message naming the directory or file. */
int lms_compare_write(const char *const *dirs, int n, const char *out_dir,
                      int null_sims, char *reading, size_t rlen, char *err,
                      size_t errlen);

/* How a positive quantity moves across n sweeps, from its bootstrap:
 * point[j] is its estimate in sweep j, samples[j][b] its value in resample
 * b (NaN where undefined), x[j] where sweep j sits (log2 of its parameter
 * count, say). change = point[n-1] / point[0], with the percentile
 * interval of samples[n-1][b] / samples[0][b]; slope = the least-squares
 * slope of log2(quantity) on x (an exponent when x is log2 of a size),
 * with the interval of the per-resample slopes; NaN with undefined = 1
 * when n < 3 or the x do not vary. A resample counts as undefined when a
 * sweep's value is not finite and positive. */
void lms_compare_trend(const double *const *samples, const double *point,
                       const double *x, int n, int n_samples,
                       lms_estimate *change, lms_estimate *slope);

/* How far sweep j of n (0 < j < n-1) lies off the line through the first
 * and the last in log2(quantity) against x (log2 of a size): point[j]
 * over point[0]^(1-t) * point[n-1]^t, t = (x[j] - x[0]) / (x[n-1] - x[0]),
 * with the percentile interval of the same quotient per resample (matched
 * across the sweeps); *t set. NaN with undefined = 1 when the x of the
 * ends agree or a value is not finite and positive; a resample without
 * one counts as undefined. 0, or -1 out of memory. */
int lms_compare_off_line(const double *const *samples, const double *point,
                          const double *x, int n, int j, int n_samples,
                          double *t, lms_estimate *off);

/* The change's resamples as lms_compare_trend takes them: last[b] /
 * first[b] into out[b], NaN unless both are finite and positive. */
void lms_compare_change_samples(const double *first, const double *last,
                                int n_samples, double *out);


/* "grew", "shrank" or "not resolved": where a change's intervals lie.
 * Both must exclude 1 on the same side: the one over resamples paired
 * across the sweeps and the one over independent resamples (with 8 seeds
 * either alone excludes 1 more often than 5% of the time when nothing
 * changed; protocol, Changes, 2026-12-01); "not resolved (the paired
 * interval alone excludes 1)" when only the first does, "no interval"
 * without a paired interval. */
const char *lms_compare_direction(const lms_estimate *paired,
                                  const lms_estimate *indep);

/* Whose advantage a resolved change of a ratio to the reference moved:
 * with the ratio below 1 in the first and last sweep, the reference's
 * (its advantage shrinks as the ratio grows): returns 1 and *word the
 * opposite of the change's; above 1 in both, the variant's: 2 and the
 * same word; else (the ratio crossed 1, or the change is not resolved:
 * change_lo <= 1 <= change_hi) 0. */
int lms_compare_advantage(double first, double last, double change_lo,
                          double change_hi, const char **word);

#endif
