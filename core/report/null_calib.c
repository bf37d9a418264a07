/* A percentile interval calibrated for the test of no difference
 * (null_calib.h). */
#include <math.h>

#include "report/null_calib.h"

lms_null_rank lms_null_rank_of(const double *val, int n) {
    lms_null_rank r = {0, 0, 0};
    for (int i = 0; i < n; i++)
        if (isfinite(val[i])) {
            r.m++;
            r.le += val[i] <= 1;
            r.lt += val[i] < 1;
        }
    return r;
}

/* the index of the order statistic at level q among m values, as
 * lms_percentile_interval_at takes it */
static int rank_at(double q, int m) { return (int)floor(q * (m - 1) + 0.5); }

int lms_null_rank_side(const lms_null_rank *r, double lo, double hi) {
    if (r->m <= 0)
        return 0;
    if (r->le <= rank_at(lo, r->m)) /* the lo-th value is above 1 */
        return 1;
    if (r->lt > rank_at(hi, r->m)) /* the hi-th value is below 1 */
        return -1;
    return 0;
}

/* how many of the ranks r[first], r[first + step], ... (below n) lie on
 * side (1 above, -1 below) at levels lo, hi */
static int count_side(const lms_null_rank *r, int n, int first, int step,
                      int side, double lo, double hi) {
    int k = 0;
    for (int i = first; i < n; i += step)
        k += lms_null_rank_side(&r[i], lo, hi) == side;
    return k;
}

void lms_null_calibrate_part(const lms_null_rank *r, int n, int first,
                             int step, double tail, double *lo, double *hi) {
    /* among the simulated sweeps with an interval: a sweep being read has
     * one, and those without (which exclude nothing) would loosen it */
    int sims = 0;
    for (int i = first; i < n; i += step)
        sims += r[i].m > 0;
    if (sims * tail < 1) { /* no simulation to set a tail on */
        *lo = *hi = NAN;
        return;
    }
    const int k = (int)floor(tail * sims);
    /* above 1 grows with lo, below 1 shrinks as hi grows: bisect each with
     * the other end held where it cannot count (a lo interval's side only
     * depends on lo, a hi's on hi) */
    double a = 0, b = 0.5;
    if (count_side(r, n, first, step, 1, b, 1) <= k)
        a = b;
    else if (count_side(r, n, first, step, 1, 0, 1) > k)
        b = 0;
    for (int it = 0; it < 50 && b - a > 1e-12; it++) {
        const double mid = (a + b) / 2;
        if (count_side(r, n, first, step, 1, mid, 1) <= k)
            a = mid;
        else
            b = mid;
    }
    *lo = a;
    a = 0.5, b = 1; /* (1 when more than k have every resample below 1) */
    if (count_side(r, n, first, step, -1, 0, a) <= k)
        b = a;
    for (int it = 0; it < 50 && b - a > 1e-12; it++) {
        const double mid = (a + b) / 2;
        if (count_side(r, n, first, step, -1, 0, mid) <= k)
            b = mid;
        else
            a = mid;
    }
    *hi = b;
}

void lms_null_calibrate(const lms_null_rank *r, int n, double tail,
                        double *lo, double *hi) {
    lms_null_calibrate_part(r, n, 0, 1, tail, lo, hi);
}

int lms_null_calibration_check(const lms_null_rank *r, int n, double tail,
                               int *above, int *checked) {
    int excludes = 0;
    *above = *checked = 0;
    for (int half = 0; half < 2; half++) {
        double lo, hi;
        lms_null_calibrate_part(r, n, half, 2, tail, &lo, &hi);
        if (!isfinite(lo))
            continue;
        for (int i = 1 - half; i < n; i += 2)
            *checked += r[i].m > 0;
        const int up = count_side(r, n, 1 - half, 2, 1, lo, hi);
        excludes += up + count_side(r, n, 1 - half, 2, -1, lo, hi);
        *above += up;
    }
    return excludes;
}
