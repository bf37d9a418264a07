/* The standard normal and the bivariate normal CDF (normal.h).
 *
 * The quantile is Acklam's rational approximation (relative error 1e-9)
 * polished by one Halley step on erfc. The bivariate CDF integrates its
 * derivative in rho (Plackett 1954: dPhi2/drho is the bivariate density)
 * from 0, where it is Phi(h) Phi(k); with rho = sin(t) the integrand,
 * exp(-(h^2 - 2 h k sin t + k^2) / (2 cos^2 t)) / (2 pi), is smooth and
 * bounded up to rho = +-1; adaptive Simpson integrates it. */
#include <math.h>

#include "sweep/normal.h"

double lms_norm_cdf(double x) { return 0.5 * erfc(-x / M_SQRT2); }

double lms_norm_quantile(double p) {
    if (!(p >= 0 && p <= 1))
        return NAN;
    if (p == 0)
        return -INFINITY;
    if (p == 1)
        return INFINITY;
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                               -2.759285104469687e+02, 1.383577518672690e+02,
                               -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                               -1.556989798598866e+02, 6.680131188771972e+01,
                               -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                               -2.400758277161838e+00, -2.549732539343734e+00,
                               4.374664141464968e+00, 2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                               2.445134137142996e+00, 3.754408661907416e+00};
    const double lo = 0.02425;
    double x;
    if (p < lo || p > 1 - lo) { /* the tails */
        const double q = sqrt(-2 * log(p < lo ? p : 1 - p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q +
             c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        if (p > 1 - lo)
            x = -x;
    } else {
        const double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r +
             a[5]) *
            q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
    /* Halley: e the CDF's error, u = e / density */
    const double e = lms_norm_cdf(x) - p;
    const double u = e * sqrt(2 * M_PI) * exp(x * x / 2);
    /* (below p ~ 1e-308 the density underflows: the approximation stands) */
    return isfinite(u) ? x - u / (1 + x * u / 2) : x;
}

/* the integrand at t (rho = sin t), written so that it stays exact as cos t
 * goes to 0: h^2 - 2hk sin t + k^2 = (h - k)^2 + 2hk (1 - sin t), and
 * 1 - sin t = cos^2 t / (1 + sin t) (for rho < 0 the same with -k) */
static double plackett(double t, double h, double k) {
    const double s = sin(t), c = cos(t);
    const double d = s >= 0 ? h - k : h + k;
    const double ridge = d == 0 ? 0 : d * d / (2 * c * c); /* inf at c 0 */
    return exp(-ridge - (s >= 0 ? h * k / (1 + s) : -h * k / (1 - s)));
}

/* adaptive Simpson: the integrand falls steeply near rho = +-1 when h is
 * close to +-k, and a fixed grid would step over that shoulder */
static double simpson(double a, double b, double fa, double fm, double fb,
                      double whole, double tol, int depth, double h,
                      double k) {
    const double m = (a + b) / 2, lm = (a + m) / 2, rm = (m + b) / 2;
    const double flm = plackett(lm, h, k), frm = plackett(rm, h, k);
    const double left = (m - a) / 6 * (fa + 4 * flm + fm);
    const double right = (b - m) / 6 * (fm + 4 * frm + fb);
    if (depth <= 0 || fabs(left + right - whole) <= 15 * tol)
        return left + right + (left + right - whole) / 15;
    return simpson(a, m, fa, flm, fm, left, tol / 2, depth - 1, h, k) +
           simpson(m, b, fm, frm, fb, right, tol / 2, depth - 1, h, k);
}

double lms_bvn_cdf(double h, double k, double rho) {
    if (!(rho >= -1 && rho <= 1) || isnan(h) || isnan(k))
        return NAN;
    if (h == -INFINITY || k == -INFINITY)
        return 0;
    if (h == INFINITY)
        return lms_norm_cdf(k);
    if (k == INFINITY)
        return lms_norm_cdf(h);
    const double top = asin(rho);
    double s = 0;
    /* in 16 panels first, so that no shoulder hides between the first
     * points the adaptive rule looks at */
    for (int i = 0; i < 16; i++) {
        const double a = top * i / 16, b = top * (i + 1) / 16;
        const double fa = plackett(a, h, k), fb = plackett(b, h, k);
        const double fm = plackett((a + b) / 2, h, k);
        s += simpson(a, b, fa, fm, fb, (b - a) / 6 * (fa + 4 * fm + fb),
                     1e-14, 40, h, k);
    }
    const double v = lms_norm_cdf(h) * lms_norm_cdf(k) + s / (2 * M_PI);
    return v < 0 ? 0 : v > 1 ? 1 : v;
}
