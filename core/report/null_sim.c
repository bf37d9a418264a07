/* Simulated sweeps under a fitted null (null_sim.h). */
#include <math.h>
#include <stdio.h>

#include "report/null_sim.h"
#include "sweep/normal.h"
#include "util/clock.h"

size_t lms_null_design(const lms_curve_run *runs, size_t n, int v, int ref,
                       lms_curve_run *out) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (runs[i].variant == v || (ref >= 0 && runs[i].variant == ref)) {
            out[k] = runs[i];
            out[k].variant = runs[i].variant == v ? 0 : 1;
            out[k].under_trained = 0;
            k++;
        }
    return k;
}

void lms_null_draw(lms_curve_run *runs, size_t n, const lms_logit f[2],
                   lms_rng *rng) {
    for (size_t i = 0; i < n; i++) {
        const lms_logit *c = &f[runs[i].variant];
        const double p = 1 / (1 + exp(-(c->a + c->b * log(runs[i].lr))));
        runs[i].failed = (double)lms_rng_uniform(rng) < p;
    }
}

void lms_null_draw_copula(lms_curve_run *runs, size_t n, const lms_logit f[2],
                          const double rho[2], double *latent, lms_rng *rng) {
    for (size_t i = 0; i < n; i++) {
        size_t j = 0; /* the first run of its variant and seed */
        while (j < i && (runs[j].variant != runs[i].variant ||
                         runs[j].seed != runs[i].seed))
            j++;
        latent[i] = j < i ? latent[j] : (double)lms_rng_normal(rng);
        const lms_logit *c = &f[runs[i].variant];
        const double r = rho[runs[i].variant];
        const double z = sqrt(r) * latent[i] +
                         sqrt(1 - r) * (double)lms_rng_normal(rng);
        /* Phi(z) < p, on the logit scale: logit(p) = a + b ln LR */
        runs[i].failed = z < lms_norm_quantile(
                                 1 / (1 + exp(-(c->a + c->b * log(runs[i].lr)))));
    }
}

int lms_null_sim_value(const lms_curve_run *runs, size_t n, int nv,
                       int samples, unsigned long long seed, lms_curve *c,
                       int untested_passes, int *defined, double *point,
                       double *boot, double *val) {
    int pass = 1;
    if (c) {
        if (lms_curves_fit(runs, n, nv, nv - 1, samples, seed, c, boot) != 0)
            return -1;
        *defined = 1;
        for (int v = 0; v < nv; v++) {
            *defined &= lms_curve_defined(&c[v]);
            pass &= untested_passes ? !(c[v].gof_p < 0.05)
                                    : c[v].gof_p >= 0.05;
        }
        *point = !*defined ? NAN : nv == 2 ? c[0].lr50.value / c[1].lr50.value
                                           : c[0].lr50.value;
    } else if (lms_curves_resample(runs, n, nv, samples, seed, boot) != 0)
        return -1;
    for (int b = 0; b < samples; b++) {
        const double *f = boot + (size_t)b * nv * 2;
        const lms_logit fv = {f[0], f[1], 1};
        val[b] = lms_logit_lr_at(&fv, 0.5);
        if (nv == 2) {
            const lms_logit fr = {f[2], f[3], 1};
            val[b] /= lms_logit_lr_at(&fr, 0.5);
        }
        if (!*defined)
            val[b] = NAN;
    }
    return *defined && pass;
}

int lms_null_extreme(double simulated, double observed) {
    if (!(isfinite(simulated) && simulated > 0))
        return 1;
    return fabs(log(simulated)) >= fabs(log(observed)) * (1 - 1e-12);
}

double lms_null_pvalue(int extreme, int sims, double observed) {
    if (sims <= 0 || !(isfinite(observed) && observed > 0))
        return NAN;
    return (1.0 + extreme) / (1.0 + sims);
}

void lms_null_fmt_share(char *b, size_t len, int k, int n) {
    if (n <= 0) {
        snprintf(b, len, "-");
        return;
    }
    const double z = 1.959964, p = (double)k / n, d = 1 + z * z / n;
    const double c = (p + z * z / (2.0 * n)) / d;
    const double h = z * sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / d;
    snprintf(b, len, "%.1f%% [%.1f, %.1f]", 100 * p, 100 * fmax(0, c - h),
             100 * fmin(1, c + h));
}

void lms_null_progress(FILE *progress, double *shown, const char *cmd,
                       const char *label, int s, int sims) {
    if (!progress || lms_now() - *shown < 10)
        return;
    *shown = lms_now();
    fprintf(progress, "lmstab %s: null check: %s: %d of %d simulations\n",
            cmd, label, s, sims);
    fflush(progress);
}

void lms_null_progress_done(FILE *progress, const char *cmd,
                            const char *label, int sims, double t0) {
    if (!progress)
        return;
    fprintf(progress, "lmstab %s: null check: %s: %d simulations in %.0f s\n",
            cmd, label, sims, lms_now() - t0);
    fflush(progress);
}
