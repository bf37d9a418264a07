/* The standard normal distribution and the bivariate normal's CDF, for
 * the Gaussian copula that lets one seed's runs hang together across
 * learning rates (report_dependence.c, null_sim.c). */
#ifndef LMSTAB_SWEEP_NORMAL_H
#define LMSTAB_SWEEP_NORMAL_H

/* P(Z <= x), Z standard normal (x may be infinite). */
double lms_norm_cdf(double x);

/* The p quantile of the standard normal: -inf at 0, +inf at 1, NaN
 * outside [0, 1]. Relative error ~1e-15. */
double lms_norm_quantile(double p);

/* P(X <= h, Y <= k) for standard normals X, Y with correlation rho in
 * [-1, 1] (h, k may be infinite; NaN for rho outside). Absolute error
 * below 1e-10. */
double lms_bvn_cdf(double h, double k, double rho);

#endif
