/* The sweeps of a comparison loaded, fitted under every rule with their
 * bootstrap resamples kept, lined up by variant name, and described by
 * what differs between them (compare_internal.h). Each sweep's curves are
 * fitted with the generator its own report uses; sweeps that ran the same
 * seeds are resampled alike (failcurve.h), so resample b is matched across
 * them. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/json_file.h"
#include "report/compare_internal.h"
#include "report/report_internal.h"
#include "util/appendf.h"
#include "util/fsutil.h"

#define MAXV LMS_SWEEP_MAX_VARIANTS
#define B LMS_BOOT_SAMPLES

static void base_name(const char *dir, char *out, size_t n) {
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    size_t start = len;
    while (start > 0 && dir[start - 1] != '/')
        start--;
    snprintf(out, n, "%.*s", (int)(len - start), dir + start);
}

/* The reference variant's parameter count (its first finished run), else
 * the sweep's first run's; NaN without runs. */
static double params_of(const lms_sweep *s, int ref) {
    char dir[4300], path[4400], err[512];
    for (int pass = 0; pass < 2; pass++)
        for (int v = 0; v < s->n_variants; v++) {
            if (pass == 0 && v != ref)
                continue;
            for (int k = 0; k < s->n_lrs; k++)
                for (int si = 0; si < s->n_seeds; si++) {
                    lms_sweep_run_dir(s->out_dir, s->variants[v], s->lrs[k],
                                      s->seeds[si], dir, sizeof dir);
                    snprintf(path, sizeof path, "%s/summary.json", dir);
                    cJSON *o = lms_json_read_object(path, LMS_SUMMARY_MAX_BYTES,
                                                    err, sizeof err);
                    cJSON *np = cJSON_GetObjectItemCaseSensitive(o, "n_params");
                    double p = cJSON_IsNumber(np) ? np->valuedouble : NAN;
                    cJSON_Delete(o);
                    if (isfinite(p))
                        return p;
                }
        }
    return NAN;
}

/* The value of override key (the "section.key" before '=') in s, or NULL. */
static const char *override_value(const lms_sweep *s, const char *key,
                                  size_t klen) {
    for (int i = 0; i < s->n_sets; i++)
        if (!strncmp(s->sets[i], key, klen) && s->sets[i][klen] == '=')
            return s->sets[i] + klen + 1;
    return NULL;
}

/* Each sweep's overrides whose value is not the same in every sweep. */
static void settings(cmp *m) {
    for (int j = 0; j < m->n; j++) {
        const lms_sweep *s = &m->sw[j].s;
        size_t k = 0;
        m->sw[j].setting[0] = '\0';
        for (int i = 0; i < s->n_sets; i++) {
            const char *eq = strchr(s->sets[i], '=');
            if (!eq)
                continue;
            const size_t klen = (size_t)(eq - s->sets[i]);
            int same = 1;
            for (int o = 0; o < m->n && same; o++) {
                const char *w = override_value(&m->sw[o].s, s->sets[i], klen);
                same = w && !strcmp(w, eq + 1);
            }
            if (!same)
                lms_appendf(m->sw[j].setting, sizeof m->sw[j].setting, &k, "%s`%s`",
                    k ? ", " : "", s->sets[i]);
        }
    }
}

/* The resamples' LR50 and ratio to the reference of the runs, drawn from
 * the bootstrap generator seeded with seed, into lr50 and ratio
 * ([v * B + b]), with the curves fitted into c (NULL: the resamples alone);
 * boot: scratch for B * n_variants (a, b) pairs. */
static int resample(const csweep *w, const lms_curve_run *runs, size_t n,
                    unsigned long long seed, lms_curve *c, double *boot,
                    double *lr50, double *ratio) {
    const int nv = w->s.n_variants;
    if (c ? lms_curves_fit(runs, n, nv, w->ref >= 0 ? w->ref : 0, B, seed, c,
                           boot) != 0
          : lms_curves_resample(runs, n, nv, B, seed, boot) != 0)
        return -1;
    for (int v = 0; v < nv; v++)
        for (int b = 0; b < B; b++) {
            const lms_logit f = {boot[((size_t)b * nv + v) * 2],
                                 boot[((size_t)b * nv + v) * 2 + 1], 1};
            lr50[(size_t)v * B + b] = lms_logit_lr_at(&f, 0.5);
        }
    for (int v = 0; v < nv; v++)
        for (int b = 0; b < B; b++)
            ratio[(size_t)v * B + b] =
                w->ref >= 0 ? lr50[(size_t)v * B + b] / lr50[(size_t)w->ref * B + b]
                            : NAN;
    return 0;
}

/* Fit sweep j's curves under each rule and keep its resamples: those of
 * the report's generator (matched across sweeps that ran the same seeds),
 * and for the last sweep (last, j > 0) another set from a generator of its
 * own (independent of sweep 0's, for the change's second interval). */
static int fit_sweep(csweep *w, int j, int last, char *err, size_t errlen) {
    lms_sweep *s = &w->s;
    const size_t max = (size_t)s->n_variants * s->n_lrs * s->n_seeds + 1;
    lms_curve_run *runs[LMS_N_RULES] = {malloc(max * sizeof(lms_curve_run)),
                                        malloc(max * sizeof(lms_curve_run)),
                                        malloc(max * sizeof(lms_curve_run))};
    double *boot = malloc(sizeof(double) * 2 * B * (size_t)s->n_variants);
    int rc = -1;
    for (int r = 0; r < LMS_N_RULES; r++) {
        w->lr50[r] = malloc(sizeof(double) * B * (size_t)s->n_variants);
        w->ratio[r] = malloc(sizeof(double) * B * (size_t)s->n_variants);
        w->lr50_ind[r] = malloc(sizeof(double) * B * (size_t)s->n_variants);
        w->ratio_ind[r] = malloc(sizeof(double) * B * (size_t)s->n_variants);
        if (!w->lr50[r] || !w->ratio[r] || !w->lr50_ind[r] || !w->ratio_ind[r] ||
            !runs[r])
            goto out;
    }
    if (!boot)
        goto out;
    const size_t n = lms_sweep_curve_runs(s, runs, max);
    w->n_runs = n;
    w->n_seeds = (int)lms_curve_seeds(runs[0], n, w->seeds, LMS_SWEEP_MAX_SEEDS);
    for (int v = 0; v < s->n_variants; v++)
        lms_curve_lr_range(runs[0], n, v, &w->lo[v], &w->hi[v]);
    for (int r = 0; r < LMS_N_RULES; r++) {
        if (resample(w, runs[r], n, LMS_BOOT_SEED, w->c[r], boot, w->lr50[r],
                     w->ratio[r]) != 0)
            goto out;
        if (!last) { /* only the last sweep's are read (the change is last
                      * over first): the others keep their own */
            memcpy(w->lr50_ind[r], w->lr50[r], sizeof(double) * B * (size_t)s->n_variants);
            memcpy(w->ratio_ind[r], w->ratio[r], sizeof(double) * B * (size_t)s->n_variants);
        } else if (resample(w, runs[r], n, LMS_CMP_INDEPENDENT_SEED(j), NULL,
                            boot, w->lr50_ind[r], w->ratio_ind[r]) != 0)
            goto out;
    }
    rc = lms_sweep_sensitivity(s, LMS_SENS_LR_MIN, LMS_SENS_LR_MAX, w->sens,
                               err, errlen);
out:
    if (rc != 0 && !err[0])
        snprintf(err, errlen, "out of memory");
    for (int r = 0; r < LMS_N_RULES; r++)
        w->curve_runs[r] = runs[r]; /* kept for the run-by-run table */
    free(boot);
    return rc;
}

void lms_cmp_free(cmp *m) {
    if (!m->sw)
        return;
    for (int j = 0; j < m->n; j++)
        for (int r = 0; r < LMS_N_RULES; r++) {
            free(m->sw[j].lr50[r]);
            free(m->sw[j].ratio[r]);
            free(m->sw[j].lr50_ind[r]);
            free(m->sw[j].ratio_ind[r]);
            free(m->sw[j].curve_runs[r]);
        }
    free(m->sw);
}

/* LR sensitivity again over the span every sweep's grid covers, so that
 * the sweeps are compared over the same learning rates (lr_sensitivity.h):
 * m->sens_lo, m->sens_hi (NaN when they share none: each keeps its own). */
static int common_sensitivity(cmp *m, char *err, size_t errlen) {
    lms_lr_sens all[LMS_COMPARE_MAX * LMS_SWEEP_MAX_VARIANTS];
    int k = 0;
    for (int j = 0; j < m->n; j++)
        for (int v = 0; v < m->sw[j].s.n_variants; v++)
            all[k++] = m->sw[j].sens[v];
    m->sens_lo = m->sens_hi = NAN;
    double lo, hi;
    if (lms_lr_sens_common(all, k, &lo, &hi) != 0)
        return 0;
    m->sens_lo = lo;
    m->sens_hi = hi;
    for (int j = 0; j < m->n; j++)
        if (lms_sweep_sensitivity(&m->sw[j].s, lo, hi, m->sw[j].sens, err,
                                  errlen) != 0)
            return -1;
    return 0;
}

int lms_cmp_load(cmp *m, const char *const *dirs, int n, char *err,
                 size_t errlen) {
    m->n = n;
    m->nv = 0;
    if (!(m->sw = calloc((size_t)n, sizeof *m->sw))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (int j = 0; j < n; j++) {
        csweep *w = &m->sw[j];
        if (lms_sweep_load_manifest(dirs[j], &w->s, err, errlen) != 0)
            return -1;
        base_name(dirs[j], w->name, sizeof w->name);
        const size_t bad = strcspn(w->name, ",\"|\n\r\t");
        if (w->name[bad]) {
            char what[32];
            snprintf(what, sizeof what, w->name[bad] < ' ' ? "a control "
                     "character" : "'%c'", w->name[bad]);
            snprintf(err, errlen, "%s: the sweep's name (its directory's last "
                     "component, which names it in compare.csv and the tables) "
                     "holds %s, which they cannot: rename the directory",
                     dirs[j], what);
            return -1;
        }
        for (int o = 0; o < j; o++)
            if (!strcmp(m->sw[o].name, w->name)) {
                snprintf(err, errlen, "%s: a second sweep named '%s' (%s): the "
                         "tables name sweeps by their directory's last "
                         "component", dirs[j], w->name, dirs[o]);
                return -1;
            }
        if (j == 0)
            snprintf(m->reference, sizeof m->reference, "%s", w->s.reference);
        w->ref = -1;
        for (int v = 0; v < w->s.n_variants; v++) {
            if (!strcmp(w->s.variants[v], m->reference))
                w->ref = v;
            int u = 0;
            while (u < m->nv && strcmp(m->variants[u], w->s.variants[v]))
                u++;
            if (u == m->nv) {
                if (m->nv == MAXV) {
                    snprintf(err, errlen, "%s: more than %d variants in all",
                             dirs[j], MAXV);
                    return -1;
                }
                snprintf(m->variants[m->nv++], sizeof m->variants[0], "%s",
                         w->s.variants[v]);
            }
        }
        w->params = params_of(&w->s, w->ref);
        lms_report_compute(&w->s, &w->compute);
        err[0] = '\0';
        if (fit_sweep(w, j, j > 0 && j == n - 1, err, errlen) != 0)
            return -1;
    }
    for (int j = 0; j < n; j++)
        for (int u = 0; u < m->nv; u++) {
            m->vmap[j][u] = -1;
            for (int v = 0; v < m->sw[j].s.n_variants; v++)
                if (!strcmp(m->sw[j].s.variants[v], m->variants[u]))
                    m->vmap[j][u] = v;
        }
    m->by_size = 1;
    m->matched = 1;
    m->slope = 0;
    for (int j = 0; j < n; j++) {
        m->by_size &= isfinite(m->sw[j].params) && m->sw[j].params > 0;
        for (int o = 0; o < j; o++)
            m->by_size &= m->sw[o].params != m->sw[j].params;
        m->matched &= m->sw[j].n_seeds == m->sw[0].n_seeds &&
                      !memcmp(m->sw[j].seeds, m->sw[0].seeds,
                              sizeof(long) * (size_t)m->sw[0].n_seeds);
    }
    m->slope = m->by_size && n >= 3;
    settings(m);
    return common_sensitivity(m, err, errlen);
}

/* The resamples and point estimates of union variant u's quantity in
 * every sweep, as lms_cmp_trend reads them; 0 when a sweep has none. */
static int trend_inputs(const cmp *m, int u, int r, int what, int independent,
                        const double **samples, double *point, double *x) {
    for (int j = 0; j < m->n; j++) {
        const csweep *w = &m->sw[j];
        const int v = m->vmap[j][u];
        if (v < 0 || !lms_curve_defined(&w->c[r][v]) ||
            (what == 1 &&
             (w->ref < 0 || !lms_curve_defined(&w->c[r][w->ref]))))
            return 0;
        const int ind = independent && j == m->n - 1;
        samples[j] = (what ? (ind ? w->ratio_ind[r] : w->ratio[r])
                           : (ind ? w->lr50_ind[r] : w->lr50[r])) + (size_t)v * B;
        point[j] = what ? w->c[r][v].ratio50.value : w->c[r][v].lr50.value;
        x[j] = log2(w->params);
    }
    return 1;
}

int lms_cmp_trend(const cmp *m, int u, int r, int what, int independent,
                  lms_estimate *change, lms_estimate *slope) {
    const double *samples[LMS_COMPARE_MAX];
    double point[LMS_COMPARE_MAX], x[LMS_COMPARE_MAX];
    if (!trend_inputs(m, u, r, what, independent, samples, point, x))
        return 0;
    lms_compare_trend(samples, point, x, m->n, B, change, slope);
    if (!m->slope || independent) { /* an exponent needs 3+ model sizes
                                      * (and the resamples of one generator) */
        slope->value = slope->lo = slope->hi = NAN;
        slope->undefined = 1;
    }
    /* a sweep of one seed resamples to itself: no interval rests on it */
    int one = 0;
    for (int j = 0; j < m->n; j++)
        one |= m->sw[j].n_seeds < 2;
    if (one) /* (the exponent: every sweep) */
        slope->lo = slope->hi = NAN;
    if (m->sw[0].n_seeds < 2 || m->sw[m->n - 1].n_seeds < 2)
        change->lo = change->hi = NAN;
    return 1;
}

int lms_cmp_change_at(const cmp *m, int u, int r, int what, int independent,
                      double lo, double hi, lms_estimate *change) {
    const double *samples[LMS_COMPARE_MAX];
    double point[LMS_COMPARE_MAX], x[LMS_COMPARE_MAX];
    if (!trend_inputs(m, u, r, what, independent, samples, point, x))
        return 0;
    double *c = malloc(sizeof *c * B);
    if (!c)
        return -1;
    lms_compare_change_samples(samples[0], samples[m->n - 1], B, c);
    change->value = point[m->n - 1] / point[0];
    change->lo = change->hi = NAN;
    change->undefined = 1;
    /* (NaN: no levels to read at; one seed: nothing to resample) */
    if (isfinite(lo) && isfinite(hi) && m->sw[0].n_seeds >= 2 &&
        m->sw[m->n - 1].n_seeds >= 2)
        lms_percentile_interval_at(c, B, lo, hi, change);
    free(c);
    return 1;
}

int lms_cmp_off_line(const cmp *m, int u, int r, int what, int j, double *t,
                     lms_estimate *off) {
    const double *samples[LMS_COMPARE_MAX];
    double point[LMS_COMPARE_MAX], x[LMS_COMPARE_MAX];
    if (j <= 0 || j >= m->n - 1 ||
        !trend_inputs(m, u, r, what, 0, samples, point, x))
        return 0;
    if (lms_compare_off_line(samples, point, x, m->n, j, B, t, off) != 0)
        return -1;
    if (!(*t > 0 && *t < 1)) /* not between the ends: no line to lie off */
        return 0;
    /* a sweep of one seed resamples to itself: its interval would be too
     * narrow, so there is none */
    if (m->sw[0].n_seeds < 2 || m->sw[j].n_seeds < 2 ||
        m->sw[m->n - 1].n_seeds < 2)
        off->lo = off->hi = NAN;
    return 1;
}
