/* A percentile interval calibrated for the test of no difference.
 *
 * With 8 seeds the bootstrap's 2.5% and 97.5% percentiles give an interval
 * that excludes 1 about twice as often as 5% when there is no difference
 * (the null checks, report_null.c and compare_null.c). "The interval lies
 * above 1" is the test "the share of resamples at or below 1 is under
 * 2.5%"; calibrated here by prepivoting that test (Beran 1988): its
 * critical value taken from the null check's simulated sweeps, i.e. the
 * levels lo and hi at which the simulated sweeps' own percentile intervals
 * lie above 1 in at most 2.5% of them, and below 1 in at most 2.5%. The
 * real sweep's interval at those levels is the calibrated interval. Its
 * size holds under the null check's model only (the fitted curves as
 * true, independent runs), and it says nothing of coverage at other
 * ratios: not Beran's (1987) double-bootstrap confidence set, whose outer
 * level resamples the fitted model rather than a null. */
#ifndef LMSTAB_REPORT_NULL_CALIB_H
#define LMSTAB_REPORT_NULL_CALIB_H

/* Where 1 lies among one simulated sweep's resampled values: m of them
 * finite (0: no interval, which never excludes 1), le of those at most 1,
 * lt below 1. */
typedef struct lms_null_rank {
    int m, le, lt;
} lms_null_rank;

/* The rank of 1 among the finite values of val[0..n). */
lms_null_rank lms_null_rank_of(const double *val, int n);

/* Whether the sweep's percentile interval at levels lo, hi (nearest rank,
 * as lms_percentile_interval_at takes them) lies above 1 (1) or below 1
 * (-1), or holds it (0). */
int lms_null_rank_side(const lms_null_rank *r, double lo, double hi);

/* The calibrated levels from ranks r[0..n) (the n simulated sweeps under
 * no difference), over the k that have an interval (a sweep being read has
 * one): lo, the largest level in [0, 0.5] at which at most floor(tail * k)
 * of their intervals lie above 1 (0 when even the smallest resample lies
 * above 1 in more of them: the calibration cannot reach the tail), and hi,
 * the smallest in [0.5, 1] at which at most as many lie below 1 (1 in the
 * same case below); by bisection. tail is 0.025 for a 95% interval. NaN
 * when tail * k < 1: no simulation to set a tail on. */
void lms_null_calibrate(const lms_null_rank *r, int n, double tail,
                        double *lo, double *hi);

/* The same from the ranks r[first], r[first + step], ... below n alone
 * (a part of the simulations: the held-out check fits on one half). */
void lms_null_calibrate_part(const lms_null_rank *r, int n, int first,
                             int step, double tail, double *lo, double *hi);

/* The calibration checked on simulations it did not see (two-fold cross
 * validation): levels fitted on the even-numbered ranks are applied to the
 * odd-numbered ones and the other way round; how many of the intervals so
 * judged (*checked: those with an interval, in a half whose other half
 * gave levels) then exclude 1, and in *above how many lie above it. Each
 * side's expected share is about (k + 1) / (k' + 1), k' the sweeps fitted
 * on and k = floor(tail * k'): a little above tail. It measures how much
 * the levels fit their own simulations' noise, not whether the model is
 * right. */
int lms_null_calibration_check(const lms_null_rank *r, int n, double tail,
                               int *above, int *checked);

#endif
