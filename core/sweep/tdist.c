/* Student's t quantiles for the intervals over seeds (tdist.h): the CDF by
 * Simpson's rule over the density, inverted by bisection. Seeds are few
 * (df 1 to a few dozen), where a table or a normal approximation is off in
 * the third digit; this is exact to ~1e-9 for any df and any p used here. */
#include <math.h>

#include "sweep/tdist.h"

/* P(0 <= T <= x) for T ~ t(df), x >= 0 */
static double half_cdf(double x, int df) {
    const double nu = df;
    const double c = exp(lgamma((nu + 1) / 2) - lgamma(nu / 2)) /
                     sqrt(nu * M_PI);
    /* the substitution x = tan(u) * sqrt(nu) makes the integrand smooth and
     * the range finite: density dx = c * cos(u)^(nu - 1) du * sqrt(nu) */
    const double top = atan(x / sqrt(nu));
    const int n = 4096; /* even */
    const double h = top / n;
    double s = 0;
    for (int i = 0; i <= n; i++) {
        const double w = i == 0 || i == n ? 1 : i % 2 ? 4 : 2;
        s += w * pow(cos(i * h), nu - 1);
    }
    return c * sqrt(nu) * s * h / 3;
}

double lms_t_quantile(double p, int df) {
    if (df < 1 || !(p > 0 && p < 1))
        return NAN;
    if (p == 0.5)
        return 0;
    if (p < 0.5)
        return -lms_t_quantile(1 - p, df);
    double lo = 0, hi = 1;
    while (0.5 + half_cdf(hi, df) < p && hi < 1e12)
        hi *= 2;
    for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
        const double mid = 0.5 * (lo + hi);
        if (0.5 + half_cdf(mid, df) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}
