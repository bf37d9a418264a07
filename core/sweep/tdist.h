/* Student's t distribution, for intervals over a few seeds. */
#ifndef LMSTAB_SWEEP_TDIST_H
#define LMSTAB_SWEEP_TDIST_H

/* The p quantile of Student's t with df degrees of freedom (NaN for df < 1
 * or p outside (0, 1)): a two-sided 95% interval is mean +-
 * lms_t_quantile(0.975, n - 1) * sd / sqrt(n). */
double lms_t_quantile(double p, int df);

#endif
