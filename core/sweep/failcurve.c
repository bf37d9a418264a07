/* Failure curves: Firth logistic fits and a seed-cluster bootstrap
 * (failcurve.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sweep/failcurve.h"
#include "util/rng.h"
#include "util/order.h"

static double sigmoid(double z) {
    return z >= 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
}

/* Firth's penalized log-likelihood: sum of the binomial log-likelihoods
 * plus half the log-determinant of the Fisher information. */
static double penalized(const double *x, const double *k, const double *n,
                        int g, double a, double b) {
    double ll = 0, i00 = 0, i01 = 0, i11 = 0;
    for (int i = 0; i < g; i++) {
        double z = a + b * x[i];
        /* log p and log(1 - p) without overflow */
        double lp = z >= 0 ? -log1p(exp(-z)) : z - log1p(exp(z));
        double lq = lp - z;
        ll += k[i] * lp + (n[i] - k[i]) * lq;
        double p = sigmoid(z), w = n[i] * p * (1 - p);
        i00 += w;
        i01 += w * x[i];
        i11 += w * x[i] * x[i];
    }
    double det = i00 * i11 - i01 * i01;
    return det > 0 ? ll + 0.5 * log(det) : -INFINITY;
}

int lms_logit_fit(const double *x, const double *k, const double *n, int g,
                  lms_logit *out) {
    memset(out, 0, sizeof *out);
    int distinct = 0; /* a slope needs runs at two LRs at least */
    for (int i = 0; i < g && distinct < 2; i++)
        if (n[i] > 0 && (distinct == 0 || x[i] != x[0]))
            distinct++;
    if (distinct < 2)
        return -1;
    /* start: flat at the overall failure rate, centred on the data */
    double sn = 0, sk = 0, sx = 0;
    for (int i = 0; i < g; i++) {
        sn += n[i];
        sk += k[i];
        sx += n[i] * x[i];
    }
    if (sn <= 0)
        return -1;
    double pbar = (sk + 0.5) / (sn + 1.0);
    double a = log(pbar / (1 - pbar)), b = 0;
    double f = penalized(x, k, n, g, a, b);
    int flat = 0;
    for (int it = 0; it < 200; it++) {
        double i00 = 0, i01 = 0, i11 = 0;
        for (int i = 0; i < g; i++) {
            double p = sigmoid(a + b * x[i]), w = n[i] * p * (1 - p);
            i00 += w;
            i01 += w * x[i];
            i11 += w * x[i] * x[i];
        }
        double det = i00 * i11 - i01 * i01;
        if (!(det > 0))
            return -1;
        double j00 = i11 / det, j01 = -i01 / det, j11 = i00 / det;
        double u0 = 0, u1 = 0;
        for (int i = 0; i < g; i++) {
            double p = sigmoid(a + b * x[i]), w = n[i] * p * (1 - p);
            /* hat value of group i: w x^T I^-1 x */
            double h = w * (j00 + 2 * j01 * x[i] + j11 * x[i] * x[i]);
            double r = k[i] - n[i] * p + h * (0.5 - p);
            u0 += r;
            u1 += r * x[i];
        }
        double d0 = j00 * u0 + j01 * u1, d1 = j01 * u0 + j11 * u1;
        /* step halving on the penalized likelihood */
        double step = 1.0, fa = -INFINITY;
        for (int h = 0; h < 40; h++, step *= 0.5) {
            fa = penalized(x, k, n, g, a + step * d0, b + step * d1);
            if (fa >= f - 1e-12)
                break;
        }
        a += step * d0;
        b += step * d1;
        /* at a saturated design's optimum the iterates can alternate about
         * 1e-7 apart, forever, the penalized likelihood flat to rounding:
         * settled too, if still so at the last step (the iterations run
         * on as before, so no fit that settled before moves) */
        flat = fabs(fa - f) <= 1e-13 * (1 + fabs(f)) &&
               fabs(step * d0) < 1e-6 && fabs(step * d1) < 1e-6;
        f = fa;
        if (fabs(step * d0) < 1e-10 && fabs(step * d1) < 1e-10) {
            out->converged = 1;
            break;
        }
    }
    if (flat)
        out->converged = 1;
    out->a = a;
    out->b = b;
    /* a fit that did not settle is no fit: its LR50 would be wherever the
     * iterations stopped (none did in any published sweep) */
    return out->converged ? 0 : 1;
}

/* Slopes below this (per unit of ln LR) are flat: a 1e-6 slope moves P by
 * 1% over e^10000 in LR, so its quantiles are numerical noise. */
#define MIN_SLOPE 1e-6

double lms_logit_lr_at(const lms_logit *f, double p) {
    if (!(f->b > MIN_SLOPE) || !(p > 0 && p < 1))
        return NAN;
    double lr = exp((log(p / (1 - p)) - f->a) / f->b);
    return isfinite(lr) && lr > 0 ? lr : NAN;
}

/* k ln(k / m), 0 when k = 0 (its limit) */
static double xlogx_over(double k, double m) {
    return k > 0 ? k * log(k / m) : 0;
}

double lms_logit_deviance(const lms_logit *f, const double *x, const double *k,
                          const double *n, int g) {
    double d = 0;
    for (int i = 0; i < g; i++) {
        double p = sigmoid(f->a + f->b * x[i]);
        d += xlogx_over(k[i], n[i] * p) + xlogx_over(n[i] - k[i], n[i] * (1 - p));
    }
    return 2 * d;
}

/* The test's statistic: the deviance over the LRs with 2+ runs only. With
 * one run at an LR, a Bernoulli deviance term is nearly a function of the
 * fitted P alone and says little about the fit; the grid's first-seed LRs
 * are such. The fit itself uses every LR. */
static double tested_deviance(const lms_logit *f, const double *x,
                              const double *k, const double *n, int g) {
    double d = 0;
    for (int i = 0; i < g; i++)
        if (n[i] >= 2)
            d += lms_logit_deviance(f, x + i, k + i, n + i, 1);
    return d;
}

/* Parametric bootstrap of that statistic: draws from the fitted curve f at
 * the observed LRs and run counts (n whole numbers), each refitted the
 * same way; (1 + draws at least as extreme) / (1 + draws), the p-value
 * that counts the observation among the draws. sim holds g doubles. */
static double gof_p(const lms_logit *f, const double *x, const double *n,
                    int g, double observed, int samples, lms_rng *rng,
                    double *sim) {
    int extreme = 0, valid = 0;
    for (int b = 0; b < samples; b++) {
        for (int i = 0; i < g; i++) {
            const double p = sigmoid(f->a + f->b * x[i]);
            sim[i] = 0;
            for (int j = 0; j < (int)n[i]; j++)
                sim[i] += (double)lms_rng_uniform(rng) < p;
        }
        lms_logit fb;
        if (lms_logit_fit(x, sim, n, g, &fb) != 0)
            continue;
        valid++;
        /* a relative tolerance: a draw equal to the observation, up to
         * rounding, counts as at least as extreme */
        extreme += tested_deviance(&fb, x, sim, n, g) >=
                   observed * (1 - 1e-9) - 1e-12;
    }
    return valid ? (1.0 + extreme) / (1.0 + valid) : NAN;
}

/* Grouped data of one variant, each run counted weight[seed index] times. */
typedef struct groups {
    double *x, *k, *n;
    int g;
} groups;

static void group(const lms_curve_run *runs, size_t n_runs, int v,
                  const long *seeds, const double *weight, int n_seeds,
                  groups *gr) {
    gr->g = 0;
    for (size_t r = 0; r < n_runs; r++) {
        if (runs[r].variant != v)
            continue;
        double w = 1;
        if (weight) {
            int s = 0;
            while (s < n_seeds && seeds[s] != runs[r].seed)
                s++;
            w = weight[s];
        }
        if (w <= 0)
            continue;
        double x = log(runs[r].lr);
        int i = 0;
        while (i < gr->g && gr->x[i] != x)
            i++;
        if (i == gr->g) {
            gr->x[i] = x;
            gr->k[i] = gr->n[i] = 0;
            gr->g++;
        }
        gr->n[i] += w;
        gr->k[i] += w * runs[r].failed;
    }
}

/* Percentile interval of the defined values among vals[0..n). */
static int cmp_long(const void *a, const void *b) {
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

void lms_percentile_interval(double *vals, int n, lms_estimate *e) {
    lms_percentile_interval_at(vals, n, 0.025, 0.975, e);
}

void lms_curve_ratio_samples(const double *boot, int samples, int nv, int v,
                             int ref, double *out) {
    for (int b = 0; b < samples; b++) {
        const double *f = boot + (size_t)b * nv * 2;
        const lms_logit fv = {f[2 * v], f[2 * v + 1], 1};
        const lms_logit fr = {f[2 * ref], f[2 * ref + 1], 1};
        out[b] = lms_logit_lr_at(&fv, 0.5) / lms_logit_lr_at(&fr, 0.5);
    }
}

void lms_percentile_interval_at(double *vals, int n, double lo_level,
                                double hi_level, lms_estimate *e) {
    if (!isfinite(lo_level) || !isfinite(hi_level)) { /* no levels */
        e->lo = e->hi = NAN;
        e->undefined = 1;
        return;
    }
    int m = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(vals[i]))
            vals[m++] = vals[i];
    e->undefined = n ? (double)(n - m) / n : 1.0;
    if (m == 0) {
        e->lo = e->hi = NAN;
        return;
    }
    qsort(vals, (size_t)m, sizeof *vals, lms_cmp_double);
    /* the order statistics at the two levels (nearest rank) */
    const int lo = (int)floor(lo_level * (m - 1) + 0.5);
    const int hi = (int)floor(hi_level * (m - 1) + 0.5);
    e->lo = vals[lo];
    e->hi = vals[hi];
}

size_t lms_curve_seeds(const lms_curve_run *runs, size_t n_runs, long *seeds,
                       size_t max) {
    size_t n = 0;
    for (size_t r = 0; r < n_runs; r++) {
        size_t s = 0;
        while (s < n && seeds[s] != runs[r].seed)
            s++;
        if (s == n && n < max)
            seeds[n++] = runs[r].seed;
    }
    /* ascending: a resample draws the same seeds whatever order the runs
     * came in, so two sweeps that ran the same seeds are resampled alike */
    qsort(seeds, n, sizeof *seeds, cmp_long);
    return n;
}

int lms_curve_defined(const lms_curve *c) {
    return c->runs && c->fails > 0 && c->fails < c->runs && isfinite(c->lr50.value);
}

int lms_curves_resample(const lms_curve_run *runs, size_t n_runs, int nv,
                        int samples, unsigned long long seed, double *boot) {
    long *seeds = malloc((n_runs + 1) * sizeof *seeds);
    double *weight = malloc((n_runs + 1) * sizeof *weight);
    groups gr = {malloc((n_runs + 1) * sizeof(double)),
                 malloc((n_runs + 1) * sizeof(double)),
                 malloc((n_runs + 1) * sizeof(double)), 0};
    int rc = -1;
    if (!seeds || !weight || !gr.x || !gr.k || !gr.n)
        goto out;
    /* the distinct seeds: the clusters of the bootstrap */
    const int n_seeds = (int)lms_curve_seeds(runs, n_runs, seeds, n_runs + 1);
    lms_rng rng;
    lms_rng_seed(&rng, seed, 0xb007);
    for (int b = 0; b < samples; b++) {
        for (int s = 0; s < n_seeds; s++)
            weight[s] = 0;
        for (int s = 0; s < n_seeds; s++)
            weight[lms_rng_below(&rng, (uint64_t)n_seeds)] += 1;
        for (int v = 0; v < nv; v++) {
            lms_logit f;
            group(runs, n_runs, v, seeds, weight, n_seeds, &gr);
            const int ok = lms_logit_fit(gr.x, gr.k, gr.n, gr.g, &f) == 0;
            boot[((size_t)b * nv + v) * 2] = ok ? f.a : NAN;
            boot[((size_t)b * nv + v) * 2 + 1] = ok ? f.b : NAN;
        }
    }
    rc = 0;
out:
    free(seeds);
    free(weight);
    free(gr.x);
    free(gr.k);
    free(gr.n);
    return rc;
}

int lms_curves_fit(const lms_curve_run *runs, size_t n_runs, int nv, int ref,
                   int samples, unsigned long long seed, lms_curve *out,
                   double *boot) {
    long *seeds = malloc((n_runs + 1) * sizeof *seeds);
    groups gr = {malloc((n_runs + 1) * sizeof(double)),
                 malloc((n_runs + 1) * sizeof(double)),
                 malloc((n_runs + 1) * sizeof(double)), 0};
    double *own = boot ? NULL : malloc(((size_t)samples * nv * 2 + 1) * sizeof(double));
    double *b50 = malloc(((size_t)samples * nv + 1) * sizeof(double));
    double *b10 = malloc(((size_t)samples * nv + 1) * sizeof(double));
    double *tmp = malloc(((size_t)samples + 1) * sizeof(double));
    double *sim = malloc((n_runs + 1) * sizeof(double));
    int rc = -1;
    if (!boot)
        boot = own;
    if (!seeds || !gr.x || !gr.k || !gr.n || !boot || !b50 || !b10 || !tmp ||
        !sim)
        goto out;
    const int n_seeds = (int)lms_curve_seeds(runs, n_runs, seeds, n_runs + 1);
    for (int v = 0; v < nv; v++) {
        lms_curve *c = &out[v];
        memset(c, 0, sizeof *c);
        for (size_t r = 0; r < n_runs; r++)
            if (runs[r].variant == v) {
                c->runs++;
                c->fails += runs[r].failed;
            }
        group(runs, n_runs, v, NULL, NULL, 0, &gr);
        if (lms_logit_fit(gr.x, gr.k, gr.n, gr.g, &c->fit) != 0)
            c->fit.b = NAN;
        c->lr50.value = lms_logit_lr_at(&c->fit, 0.5);
        c->lr10.value = lms_logit_lr_at(&c->fit, 0.1);
        int tested = 0; /* LRs with 2+ runs */
        for (int i = 0; i < gr.g; i++)
            tested += gr.n[i] >= 2;
        c->gof_df = tested > 2 ? tested - 2 : 0;
        c->deviance = c->gof_p = NAN;
        if (isfinite(c->fit.b)) {
            c->deviance = tested_deviance(&c->fit, gr.x, gr.k, gr.n, gr.g);
            /* a stream of its own per variant (see the header): one
             * variant's p does not move when another's runs change */
            lms_rng gof_rng;
            lms_rng_seed(&gof_rng, seed, 0x90f000ULL + (unsigned)v);
            if (c->gof_df >= 1)
                c->gof_p = gof_p(&c->fit, gr.x, gr.n, gr.g, c->deviance,
                                 samples, &gof_rng, sim);
        }
    }
    if (lms_curves_resample(runs, n_runs, nv, samples, seed, boot) != 0)
        goto out;
    for (size_t i = 0; i < (size_t)samples * nv; i++) {
        /* (a resample without a fit holds NaN: no quantile) */
        const lms_logit f = {boot[i * 2], boot[i * 2 + 1], 1};
        b50[i] = lms_logit_lr_at(&f, 0.5);
        b10[i] = lms_logit_lr_at(&f, 0.1);
    }
    for (int v = 0; v < nv; v++) {
        lms_curve *c = &out[v];
        for (int b = 0; b < samples; b++)
            tmp[b] = b50[(size_t)b * nv + v];
        lms_percentile_interval(tmp, samples, &c->lr50);
        for (int b = 0; b < samples; b++)
            tmp[b] = b10[(size_t)b * nv + v];
        lms_percentile_interval(tmp, samples, &c->lr10);
        c->ratio50.value = c->lr50.value / out[ref].lr50.value;
        lms_curve_ratio_samples(boot, samples, nv, v, ref, tmp);
        lms_percentile_interval(tmp, samples, &c->ratio50);
        if (n_seeds < 2) /* every resample is the one seed: no interval */
            c->lr50.lo = c->lr50.hi = c->lr10.lo = c->lr10.hi =
                c->ratio50.lo = c->ratio50.hi = NAN;
    }
    rc = 0;
out:
    free(seeds);
    free(own);
    free(gr.x);
    free(gr.k);
    free(gr.n);
    free(b50);
    free(b10);
    free(tmp);
    free(sim);
    return rc;
}

/* log C(n, k) */
static double log_choose(int n, int k) {
    return lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0);
}

double lms_fisher_exact(int a, int n1, int b, int n2) {
    const int k = a + b, n = n1 + n2;
    const int lo = k - n2 > 0 ? k - n2 : 0, hi = k < n1 ? k : n1;
    const double denom = log_choose(n, k);
    const double p_obs = exp(log_choose(n1, a) + log_choose(n2, b) - denom);
    double p = 0;
    for (int x = lo; x <= hi; x++) {
        double px = exp(log_choose(n1, x) + log_choose(n2, k - x) - denom);
        if (px <= p_obs * (1 + 1e-7))
            p += px;
    }
    return p < 1 ? p : 1;
}

double lms_mcnemar_exact(int b, int c) {
    const int n = b + c, k = b < c ? b : c;
    if (n == 0)
        return 1;
    double tail = 0; /* P(X <= k), X ~ Binomial(n, 1/2) */
    for (int x = 0; x <= k; x++)
        tail += exp(log_choose(n, x) - n * log(2.0));
    const double p = 2 * tail;
    return p < 1 ? p : 1;
}

size_t lms_curve_runs_pair(const lms_curve_run *a, size_t na, int va,
                           const lms_curve_run *b, size_t nb, int vb,
                           size_t *ia, size_t *ib) {
    size_t m = 0;
    for (size_t i = 0; i < na; i++) {
        if (a[i].variant != va)
            continue;
        for (size_t j = 0; j < nb; j++)
            if (b[j].variant == vb && b[j].seed == a[i].seed &&
                fabs(b[j].lr - a[i].lr) <= 1e-9 * fmax(a[i].lr, b[j].lr)) {
                ia[m] = i;
                ib[m++] = j;
                break;
            }
    }
    return m;
}
