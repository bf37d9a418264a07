/* How a bootstrap estimate moves across sweeps: the change from the first
 * to the last, and the log-log slope when there are three or more. */
#include <math.h>
#include <stdlib.h>

#include "report/compare.h"

static int positive(double v) {
    return isfinite(v) && v > 0;
}

/* Least-squares slope of log2(y) on x; NaN when a y is not positive or
 * the x do not vary. */
static double slope_of(const double *x, const double *y, int n) {
    double mx = 0, my = 0;
    for (int j = 0; j < n; j++) {
        if (!positive(y[j]) || !isfinite(x[j]))
            return NAN;
        mx += x[j];
        my += log2(y[j]);
    }
    mx /= n;
    my /= n;
    double sxy = 0, sxx = 0;
    for (int j = 0; j < n; j++) {
        sxy += (x[j] - mx) * (log2(y[j]) - my);
        sxx += (x[j] - mx) * (x[j] - mx);
    }
    return sxx > 0 ? sxy / sxx : NAN;
}

void lms_compare_trend(const double *const *samples, const double *point,
                       const double *x, int n, int n_samples,
                       lms_estimate *change, lms_estimate *slope) {
    change->value = positive(point[0]) && positive(point[n - 1])
                        ? point[n - 1] / point[0] : NAN;
    slope->value = n >= 3 ? slope_of(x, point, n) : NAN;
    double *c = malloc(sizeof *c * (size_t)(n_samples + 1));
    double *s = malloc(sizeof *s * (size_t)(n_samples + 1));
    double *y = malloc(sizeof *y * (size_t)(n + 1));
    if (!c || !s || !y || n < 2) {
        change->lo = change->hi = slope->lo = slope->hi = NAN;
        change->undefined = slope->undefined = 1;
        free(c);
        free(s);
        free(y);
        return;
    }
    lms_compare_change_samples(samples[0], samples[n - 1], n_samples, c);
    for (int b = 0; b < n_samples; b++) {
        for (int j = 0; j < n; j++)
            y[j] = samples[j][b];
        s[b] = n >= 3 ? slope_of(x, y, n) : NAN;
    }
    lms_percentile_interval(c, n_samples, change);
    lms_percentile_interval(s, n_samples, slope);
    free(c);
    free(s);
    free(y);
}

/* a / (f^(1-t) z^t), NaN unless all three are finite and positive */
static double off_of(double f, double a, double z, double t) {
    if (!positive(f) || !positive(a) || !positive(z))
        return NAN;
    return a / exp2((1 - t) * log2(f) + t * log2(z));
}

int lms_compare_off_line(const double *const *samples, const double *point,
                         const double *x, int n, int j, int n_samples,
                         double *t, lms_estimate *off) {
    const double span = x[n - 1] - x[0];
    *t = span != 0 && isfinite(span) ? (x[j] - x[0]) / span : NAN;
    off->value = off->lo = off->hi = NAN;
    off->undefined = 1;
    if (!isfinite(*t))
        return 0;
    double *o = malloc(sizeof *o * (size_t)(n_samples + 1));
    if (!o)
        return -1;
    off->value = off_of(point[0], point[j], point[n - 1], *t);
    for (int b = 0; b < n_samples; b++)
        o[b] = off_of(samples[0][b], samples[j][b], samples[n - 1][b], *t);
    lms_percentile_interval(o, n_samples, off);
    free(o);
    return 0;
}

void lms_compare_change_samples(const double *first, const double *last,
                                int n_samples, double *out) {
    for (int b = 0; b < n_samples; b++)
        out[b] = positive(first[b]) && positive(last[b]) ? last[b] / first[b]
                                                         : NAN;
}

/* +1 above 1, -1 below, 0 containing it, 2 without an interval */
static int side_of(const lms_estimate *e) {
    if (!isfinite(e->lo) || !isfinite(e->hi))
        return 2;
    return e->lo > 1 ? 1 : e->hi < 1 ? -1 : 0;
}

const char *lms_compare_direction(const lms_estimate *paired,
                                  const lms_estimate *indep) {
    const int a = side_of(paired), b = side_of(indep);
    if (a == 2)
        return "no interval";
    if (a != 0 && a == b)
        return a > 0 ? "grew" : "shrank";
    if (a != 0)
        return "not resolved (the paired interval alone excludes 1)";
    return "not resolved";
}

int lms_compare_advantage(double first, double last, double change_lo,
                          double change_hi, const char **word) {
    const int grew = change_lo > 1, shrank = change_hi < 1;
    if (!grew && !shrank)
        return 0;
    if (first < 1 && last < 1) {
        *word = grew ? "shrank" : "grew";
        return 1;
    }
    if (first > 1 && last > 1) {
        *word = grew ? "grew" : "shrank";
        return 2;
    }
    return 0;
}
