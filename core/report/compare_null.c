/* The null check of a comparison (lmstab compare --null-check N): how often
 * its change intervals exclude 1, and a direction is stated, when the
 * ratio did not change. Each simulated comparison keeps the two sweeps'
 * designs (their runs' LRs and seeds) and draws every run's outcome from
 * a fitted curve: in the first sweep the variant's and the reference's own
 * default-rule curves; in the last the reference's own and the variant's
 * own slope placed so that its ratio to the reference is the first
 * sweep's. Both are then fitted, resampled and read as the page reads the
 * real ones. Runs are drawn independently, also across the LRs of one
 * seed, which real seeds are not: the check measures the intervals'
 * calibration under the curves, not every way the runs may vary. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/compare_internal.h"
#include "util/rng.h"

/* The runs of variants v (as 0) and ref (as 1) of a sweep, their outcomes
 * to be drawn; how many. */
static size_t design(const csweep *w, int v, lms_curve_run *out) {
    size_t n = 0;
    const lms_curve_run *runs = w->curve_runs[1];
    for (size_t i = 0; i < w->n_runs; i++)
        if (runs[i].variant == v || runs[i].variant == w->ref) {
            out[n] = runs[i];
            out[n].variant = runs[i].variant == v ? 0 : 1;
            out[n].under_trained = 0;
            n++;
        }
    return n;
}

static void draw(lms_curve_run *runs, size_t n, const lms_logit f[2],
                 lms_rng *rng) {
    for (size_t i = 0; i < n; i++) {
        const lms_logit *c = &f[runs[i].variant];
        const double p = 1 / (1 + exp(-(c->a + c->b * log(runs[i].lr))));
        runs[i].failed = (double)lms_rng_uniform(rng) < p;
    }
}

/* Fit a simulated sweep and put its resamples' ratio in ratio[0..samples)
 * (NaN throughout when a point fit has no curve, as the page would have
 * none); whether both fits pass the test (p >= 0.05). -1 on allocation
 * failure. */
static int fit_ratio(const lms_curve_run *runs, size_t n, int samples,
                     unsigned long long seed, double *boot, double *ratio) {
    lms_curve c[2];
    if (lms_curves_fit(runs, n, 2, 1, samples, seed, c, boot) != 0)
        return -1;
    if (!lms_curve_defined(&c[0]) || !lms_curve_defined(&c[1])) {
        for (int b = 0; b < samples; b++)
            ratio[b] = NAN;
        return 0;
    }
    for (int b = 0; b < samples; b++) {
        const lms_logit fv = {boot[(size_t)b * 4], boot[(size_t)b * 4 + 1], 1};
        const lms_logit fr = {boot[(size_t)b * 4 + 2], boot[(size_t)b * 4 + 3], 1};
        ratio[b] = lms_logit_lr_at(&fv, 0.5) / lms_logit_lr_at(&fr, 0.5);
    }
    return c[0].gof_p >= 0.05 && c[1].gof_p >= 0.05;
}

int lms_cmp_null_check(const cmp *m, int u, int sims, int samples,
                       unsigned long long seed, lms_null_check *out) {
    memset(out, 0, sizeof *out);
    const csweep *a = &m->sw[0], *z = &m->sw[m->n - 1];
    const int va = m->vmap[0][u], vz = m->vmap[m->n - 1][u];
    if (va < 0 || vz < 0 || a->ref < 0 || z->ref < 0 || va == a->ref)
        return 0;
    const lms_curve *ca = &a->c[1][va], *ra = &a->c[1][a->ref];
    const lms_curve *cz = &z->c[1][vz], *rz = &z->c[1][z->ref];
    if (!lms_curve_defined(ca) || !lms_curve_defined(ra) ||
        !lms_curve_defined(cz) || !lms_curve_defined(rz))
        return 0;
    /* the null: the last sweep's variant at the first sweep's ratio */
    const double lr50 = ca->ratio50.value * rz->lr50.value;
    const lms_logit fa[2] = {ca->fit, ra->fit};
    const lms_logit fz[2] = {{-cz->fit.b * log(lr50), cz->fit.b, 1}, rz->fit};
    lms_curve_run *da = malloc(sizeof *da * (a->n_runs + 1));
    lms_curve_run *dz = malloc(sizeof *dz * (z->n_runs + 1));
    double *boot = malloc(sizeof(double) * 4 * (size_t)samples);
    double *r0 = malloc(sizeof(double) * (size_t)samples);
    double *r1 = malloc(sizeof(double) * (size_t)samples);
    double *r2 = malloc(sizeof(double) * (size_t)samples);
    int rc = -1;
    if (!da || !dz || !boot || !r0 || !r1 || !r2)
        goto out;
    const size_t na = design(a, va, da), nz = design(z, vz, dz);
    lms_rng rng;
    lms_rng_seed(&rng, seed, 0x4e011ULL + (unsigned)u);
    for (int s = 0; s < sims; s++) {
        draw(da, na, fa, &rng);
        draw(dz, nz, fz, &rng);
        const int pa = fit_ratio(da, na, samples, LMS_BOOT_SEED, boot, r0);
        const int pz = fit_ratio(dz, nz, samples, LMS_BOOT_SEED, boot, r1);
        const int pi = fit_ratio(dz, nz, samples,
                                 LMS_CMP_INDEPENDENT_SEED(m->n - 1), boot, r2);
        if (pa < 0 || pz < 0 || pi < 0)
            goto out;
        const double point[2] = {1, 1}, x[2] = {0, 1};
        const double *paired[2] = {r0, r1}, *indep[2] = {r0, r2};
        lms_estimate chp, chi, sl;
        lms_compare_trend(paired, point, x, 2, samples, &chp, &sl);
        lms_compare_trend(indep, point, x, 2, samples, &chi, &sl);
        out->sims++;
        if (!isfinite(chp.lo) || !isfinite(chp.hi))
            continue;
        out->defined++;
        const int ep = chp.lo > 1 || chp.hi < 1;
        const int ei = isfinite(chi.lo) && (chi.lo > 1 || chi.hi < 1);
        const char *d = lms_compare_direction(&chp, &chi);
        const int stated = !strcmp(d, "grew") || !strcmp(d, "shrank");
        out->paired += ep;
        out->independent += ei;
        out->both += stated;
        out->fits_pass += pa && pz;
        out->stated += stated && pa && pz;
    }
    rc = 0;
out:
    free(da);
    free(dz);
    free(boot);
    free(r0);
    free(r1);
    free(r2);
    return rc;
}
