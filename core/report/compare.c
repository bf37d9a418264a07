/* lmstab compare: several sweeps that differ in one setting, side by side
 * (report/compare.h). Each sweep's curves are fitted with the same
 * bootstrap generator as its own report; when the sweeps ran the same
 * seeds, resample b draws the same seeds in every sweep, so the change
 * across sweeps compares matched seeds too. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/compare.h"
#include "report/report_internal.h"
#include "sweep/sweep.h"
#include "sweep/sweep_internal.h"
#include "util/fsutil.h"

#define MAXV LMS_SWEEP_MAX_VARIANTS
#define B LMS_BOOT_SAMPLES

typedef struct csweep {
    lms_sweep s;
    char name[256];    /* the directory's last component */
    char setting[1024]; /* the overrides no other sweep shares, or "" */
    double params;     /* the reference variant's parameter count */
    int runs;
    double seconds;
    int ref;           /* the reference's index in s, or -1 */
    int n_seeds;
    long seeds[LMS_SWEEP_MAX_SEEDS]; /* seeds with a finished run, ascending */
    lms_curve c[LMS_N_RULES][MAXV];
    double lo[MAXV], hi[MAXV];       /* each variant's LR range */
    double *lr50[LMS_N_RULES];       /* [v * B + b] */
    double *ratio[LMS_N_RULES];      /* [v * B + b] */
    double sens[MAXV];
    int sens_n[MAXV];
} csweep;

typedef struct cmp {
    int n;
    csweep *sw;
    int nv;
    char variants[MAXV][64];
    int vmap[16][MAXV]; /* [sweep][union variant] -> index in s, or -1 */
    char reference[64];
    int by_size;        /* the sweeps' parameter counts all differ */
    int slope;          /* by_size with 3 or more sweeps: an exponent */
    int matched;        /* every sweep ran the same seeds */
} cmp;

#define LMS_COMPARE_MAX 16

/* printf onto out at *k, never past n (a truncated text stays terminated) */
__attribute__((format(printf, 4, 5))) static void app(char *out, size_t n,
                                                      size_t *k,
                                                      const char *fmt, ...) {
    if (*k + 1 >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(out + *k, n - *k, fmt, ap);
    va_end(ap);
    if (w > 0)
        *k = *k + (size_t)w < n ? *k + (size_t)w : n - 1;
}

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
                    char *buf = lms_read_file(path, LMS_SUMMARY_MAX_BYTES, NULL,
                                              err, sizeof err);
                    if (!buf)
                        continue;
                    cJSON *o = cJSON_Parse(buf);
                    free(buf);
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
                app(m->sw[j].setting, sizeof m->sw[j].setting, &k, "%s`%s`",
                    k ? ", " : "", s->sets[i]);
        }
    }
}

static int cmp_long(const void *a, const void *b) {
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* Fit one sweep's curves under each rule and keep its resamples. */
static int fit_sweep(csweep *w, char *err, size_t errlen) {
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
        if (!w->lr50[r] || !w->ratio[r] || !runs[r])
            goto out;
    }
    if (!boot)
        goto out;
    const size_t n = lms_sweep_curve_runs(s, runs, max);
    w->n_seeds = 0;
    for (size_t i = 0; i < n; i++) {
        int k = 0;
        while (k < w->n_seeds && w->seeds[k] != runs[0][i].seed)
            k++;
        if (k == w->n_seeds && k < LMS_SWEEP_MAX_SEEDS)
            w->seeds[w->n_seeds++] = runs[0][i].seed;
    }
    qsort(w->seeds, (size_t)w->n_seeds, sizeof *w->seeds, cmp_long);
    for (int v = 0; v < s->n_variants; v++)
        lms_curve_lr_range(runs[0], n, v, &w->lo[v], &w->hi[v]);
    for (int r = 0; r < LMS_N_RULES; r++) {
        if (lms_curves_fit(runs[r], n, s->n_variants, w->ref >= 0 ? w->ref : 0,
                           B, LMS_BOOT_SEED, w->c[r], boot) != 0)
            goto out;
        for (int v = 0; v < s->n_variants; v++)
            for (int b = 0; b < B; b++) {
                const lms_logit f = {boot[((size_t)b * s->n_variants + v) * 2],
                                     boot[((size_t)b * s->n_variants + v) * 2 + 1], 1};
                w->lr50[r][(size_t)v * B + b] = lms_logit_lr_at(&f, 0.5);
            }
        for (int v = 0; v < s->n_variants; v++)
            for (int b = 0; b < B; b++)
                w->ratio[r][(size_t)v * B + b] =
                    w->ref >= 0 ? w->lr50[r][(size_t)v * B + b] /
                                      w->lr50[r][(size_t)w->ref * B + b]
                                : NAN;
    }
    rc = lms_sweep_sensitivity(s, w->sens, w->sens_n, err, errlen);
out:
    if (rc != 0 && !err[0])
        snprintf(err, errlen, "out of memory");
    for (int r = 0; r < LMS_N_RULES; r++)
        free(runs[r]);
    free(boot);
    return rc;
}

/* 1 when the estimate's curve exists (some runs failed and some did not,
 * and failure rises with the LR) */
static int has_curve(const lms_curve *c) {
    return c->runs && c->fails > 0 && c->fails < c->runs && isfinite(c->lr50.value);
}

static void fmt_ratio(char *b, size_t n, const csweep *w, int r, int v) {
    const lms_curve *c = &w->c[r][v];
    if (v == w->ref)
        snprintf(b, n, "1 (reference)");
    else if (w->ref < 0)
        snprintf(b, n, "- (no reference)");
    else if (!has_curve(c) || !has_curve(&w->c[r][w->ref]))
        snprintf(b, n, "-");
    else
        lms_curve_format(b, n, &c->ratio50, c, w->lo[v], w->hi[v]);
}

static void fmt_change(char *b, size_t n, const lms_estimate *e, int exponent) {
    if (!isfinite(e->value)) {
        snprintf(b, n, "-");
        return;
    }
    int k = exponent ? snprintf(b, n, "%+.2f", e->value)
                     : snprintf(b, n, "%.3gx", e->value);
    if (isfinite(e->lo) && isfinite(e->hi))
        k += exponent ? snprintf(b + k, n - k, " [%+.2f, %+.2f]", e->lo, e->hi)
                      : snprintf(b + k, n - k, " [%.3g, %.3g]", e->lo, e->hi);
    if (e->undefined > 0.025 && k < (int)n)
        snprintf(b + k, n - k, " (%.0f%% of resamples undefined)",
                 100 * e->undefined);
}

/* "grew", "shrank" or "not resolved": where the change's interval lies. */
static const char *direction(const lms_estimate *e) {
    if (!isfinite(e->lo) || !isfinite(e->hi))
        return "no curve";
    return e->lo > 1 ? "grew" : e->hi < 1 ? "shrank" : "not resolved";
}

/* The trend of union variant u's LR50 (what 0) or ratio (what 1) under
 * rule r across the sweeps; 0 when a sweep lacks it. */
static int trend(const cmp *m, int u, int r, int what, lms_estimate *change,
                 lms_estimate *slope) {
    const double *samples[LMS_COMPARE_MAX];
    double point[LMS_COMPARE_MAX], x[LMS_COMPARE_MAX];
    for (int j = 0; j < m->n; j++) {
        const csweep *w = &m->sw[j];
        const int v = m->vmap[j][u];
        if (v < 0 || !has_curve(&w->c[r][v]) ||
            (what == 1 && (w->ref < 0 || !has_curve(&w->c[r][w->ref]))))
            return 0;
        samples[j] = (what ? w->ratio[r] : w->lr50[r]) + (size_t)v * B;
        point[j] = what ? w->c[r][v].ratio50.value : w->c[r][v].lr50.value;
        x[j] = log2(w->params);
    }
    lms_compare_trend(samples, point, x, m->by_size ? m->n : 2, B, change,
                      slope);
    if (!m->by_size) { /* only first vs last: the slope needs sizes */
        lms_compare_trend(samples, point, x, m->n, B, change, slope);
        slope->value = slope->lo = slope->hi = NAN;
    }
    return 1;
}

static void table_header(FILE *f, const cmp *m, const char *first) {
    fprintf(f, "| %s |", first);
    for (int j = 0; j < m->n; j++)
        fprintf(f, " %s |", m->sw[j].name);
    fprintf(f, " %s / %s [95%% CI] |%s\n|---|", m->sw[m->n - 1].name,
            m->sw[0].name, m->slope ? " exponent in parameters [95% CI] |" : "");
    for (int j = 0; j < m->n + 1 + m->slope; j++)
        fprintf(f, "---|");
    fputc('\n', f);
}

static void estimate_table(FILE *f, const cmp *m, int r, int what) {
    table_header(f, m, "variant");
    for (int u = 0; u < m->nv; u++) {
        if (what == 1 && !strcmp(m->variants[u], m->reference))
            continue;
        fprintf(f, "| %s |", m->variants[u]);
        for (int j = 0; j < m->n; j++) {
            const csweep *w = &m->sw[j];
            const int v = m->vmap[j][u];
            char b[160];
            if (v < 0)
                snprintf(b, sizeof b, "(not run)");
            else if (what == 0)
                lms_curve_format(b, sizeof b, &w->c[r][v].lr50, &w->c[r][v],
                                 w->lo[v], w->hi[v]);
            else
                fmt_ratio(b, sizeof b, w, r, v);
            fprintf(f, " %s |", b);
        }
        lms_estimate ch, sl;
        char a[160] = "-", b[160] = "-";
        if (trend(m, u, r, what, &ch, &sl)) {
            fmt_change(a, sizeof a, &ch, 0);
            fmt_change(b, sizeof b, &sl, 1);
        }
        fprintf(f, " %s |", a);
        if (m->slope)
            fprintf(f, " %s |", b);
        fputc('\n', f);
    }
    fputc('\n', f);
}

/* The opening paragraph: per variant, how its LR50 ratio to the reference
 * (the reference: its LR50) moved from the first sweep to the last under
 * the default rule, and where the other rules put the change. */
static void write_reading(const cmp *m, char *out, size_t n) {
    size_t k = 0;
    out[0] = '\0';
    const csweep *a = &m->sw[0], *z = &m->sw[m->n - 1];
    for (int u = 0; u < m->nv; u++) {
        lms_estimate ch[LMS_N_RULES], sl;
        const int is_ref = !strcmp(m->variants[u], m->reference);
        if (m->vmap[0][u] < 0 || m->vmap[m->n - 1][u] < 0)
            continue; /* not in both: nothing to follow */
        if (!trend(m, u, 1, is_ref ? 0 : 1, &ch[1], &sl)) {
            int j = 0; /* the first sweep without it */
            while (j < m->n - 1 && m->vmap[j][u] >= 0 &&
                   has_curve(&m->sw[j].c[1][m->vmap[j][u]]) &&
                   (is_ref || (m->sw[j].ref >= 0 &&
                               has_curve(&m->sw[j].c[1][m->sw[j].ref]))))
                j++;
            if (is_ref)
                app(out, n, &k, "%s%s: no LR50 in %s under the default rule "
                    "(it failed on all or none of its runs there, or was not "
                    "run).", k ? " " : "", m->variants[u], m->sw[j].name);
            else
                app(out, n, &k, "%s%s: no LR50 ratio to %s in %s under the "
                    "default rule (one of the two failed on all or none of its "
                    "runs there, or was not run).", k ? " " : "",
                    m->variants[u], m->reference, m->sw[j].name);
            continue;
        }
        for (int r = 0; r < LMS_N_RULES; r += 2)
            if (!trend(m, u, r, is_ref ? 0 : 1, &ch[r], &sl))
                ch[r].lo = ch[r].hi = NAN;
        const int va = m->vmap[0][u], vz = m->vmap[m->n - 1][u];
        const lms_estimate *ea = is_ref ? &a->c[1][va].lr50 : &a->c[1][va].ratio50;
        const lms_estimate *ez = is_ref ? &z->c[1][vz].lr50 : &z->c[1][vz].ratio50;
        char c1[160];
        fmt_change(c1, sizeof c1, &ch[1], 0);
        if (is_ref)
            app(out, n, &k, "%sFrom %s to %s, the LR50 of %s went from %.3g to "
                "%.3g", k ? " " : "", a->name, z->name, m->variants[u],
                ea->value, ez->value);
        else
            app(out, n, &k, "%sFrom %s to %s, the LR50 of %s relative to %s "
                "went from %.3g to %.3g", k ? " " : "", a->name, z->name,
                m->variants[u], m->reference, ea->value, ez->value);
        app(out, n, &k, ", a change of %s: %s (default rule; strict: %s, "
            "lenient: %s).", c1, direction(&ch[1]), direction(&ch[0]),
            direction(&ch[2]));
    }
    if (!k)
        snprintf(out, n, "No variant was run in both %s and %s yet.", a->name,
                 z->name);
}

static void write_csv(FILE *f, const cmp *m) {
    fprintf(f, "sweep,setting,params,variant,rule,runs,fails,lr50,lr50_lo,"
            "lr50_hi,ratio50,ratio50_lo,ratio50_hi,lr_sensitivity,"
            "lr_sensitivity_lrs\n");
    for (int j = 0; j < m->n; j++) {
        const csweep *w = &m->sw[j];
        char setting[1024];
        size_t k = 0;
        for (const char *p = w->setting; *p && k + 1 < sizeof setting; p++)
            if (*p != '`') /* CSV: no Markdown, ';' between overrides */
                setting[k++] = *p == ',' ? ';' : *p;
        setting[k] = '\0';
        for (int u = 0; u < m->nv; u++) {
            const int v = m->vmap[j][u];
            if (v < 0)
                continue;
            for (int r = 0; r < LMS_N_RULES; r++) {
                const lms_curve *c = &w->c[r][v];
                const int hc = has_curve(c);
                const int hr = hc && w->ref >= 0 && has_curve(&w->c[r][w->ref]);
                const double x[6] = {hc ? c->lr50.value : NAN,
                                     hc ? c->lr50.lo : NAN, hc ? c->lr50.hi : NAN,
                                     hr ? c->ratio50.value : NAN,
                                     hr ? c->ratio50.lo : NAN,
                                     hr ? c->ratio50.hi : NAN};
                fprintf(f, "%s,\"%s\",%.0f,%s,%s,%d,%d", w->name, setting,
                        w->params, m->variants[u], lms_sweep_rule_name(r),
                        c->runs, c->fails);
                for (int i = 0; i < 6; i++)
                    isnan(x[i]) ? fprintf(f, ",nan") : fprintf(f, ",%.6g", x[i]);
                isnan(w->sens[v]) ? fprintf(f, ",nan") : fprintf(f, ",%.6f", w->sens[v]);
                fprintf(f, ",%d\n", w->sens_n[v]);
            }
        }
    }
}

/* plots/data/compare_<variant>.dat (default rule): x, LR50 and its
 * interval, the ratio and its interval; "NaN" where there is none. */
static int write_plots(const char *out_dir, const cmp *m, int drawn[2],
                       char *err, size_t errlen) {
    int has[2][MAXV] = {{0}};
    char path[4400];
    snprintf(path, sizeof path, "%s/plots/data", out_dir);
    if (lms_mkdirs(path, err, errlen) != 0)
        return -1;
    for (int u = 0; u < m->nv; u++) {
        snprintf(path, sizeof path, "%s/plots/data/compare_%s.dat", out_dir,
                 m->variants[u]);
        FILE *f = fopen(path, "w");
        if (!f) {
            snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
            return -1;
        }
        fprintf(f, "# x lr50 lo hi ratio lo hi (default rule)\n");
        for (int j = 0; j < m->n; j++) {
            const csweep *w = &m->sw[j];
            const int v = m->vmap[j][u];
            const lms_curve *c = v >= 0 ? &w->c[1][v] : NULL;
            const int hc = c && has_curve(c);
            const int hr = hc && w->ref >= 0 && has_curve(&w->c[1][w->ref]);
            has[0][u] |= hc;
            has[1][u] |= hr && v != w->ref;
            fprintf(f, "%.6g %.6g %.6g %.6g %.6g %.6g %.6g\n",
                    m->by_size ? w->params : (double)(j + 1),
                    hc ? c->lr50.value : NAN, hc ? c->lr50.lo : NAN,
                    hc ? c->lr50.hi : NAN, hr ? c->ratio50.value : NAN,
                    hr ? c->ratio50.lo : NAN, hr ? c->ratio50.hi : NAN);
        }
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/plots/compare.gp", out_dir);
    FILE *g = fopen(path, "w");
    if (!g) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        return -1;
    }
    static const char *const fig[2][3] = {
        {"compare_lr50.png", "LR50 (default rule)", "2:3:4"},
        {"compare_ratio.png", "LR50 / LR50 of the reference", "5:6:7"}};
    for (int i = 0; i < 2; i++) {
        drawn[i] = 0; /* a figure with no series is not drawn */
        for (int u = 0; u < m->nv; u++)
            drawn[i] |= has[i][u];
        if (!drawn[i])
            continue;
        fprintf(g, "set terminal pngcairo size 900,500 font ',10'\n"
                "set output '%s'\nset grid\nset key outside right\n"
                "set termoption noenhanced\nset logscale y\nset ylabel '%s'\n"
                "set title '%s per sweep, default rule (bars: 95%% bootstrap "
                "interval)'\n", fig[i][0], fig[i][1], fig[i][1]);
        if (m->by_size)
            fprintf(g, "set logscale x\nset xlabel 'parameters (%s)'\n"
                    "set xrange [*:*]\nset xtics auto\n", m->reference);
        else {
            fprintf(g, "unset logscale x\nset xlabel 'sweep'\nset xrange "
                    "[0.5:%d.5]\nset xtics (", m->n);
            for (int j = 0; j < m->n; j++)
                fprintf(g, "%s'%s' %d", j ? ", " : "", m->sw[j].name, j + 1);
            fprintf(g, ")\n");
        }
        fprintf(g, "plot ");
        int first = 1;
        for (int u = 0; u < m->nv; u++) {
            if (!has[i][u])
                continue;
            fprintf(g, "%s'data/compare_%s.dat' using 1:%s with yerrorlines "
                    "lw 2 pt 7 lc %d title '%s'", first ? "" : ", ",
                    m->variants[u], fig[i][2], u + 1, m->variants[u]);
            first = 0;
        }
        fputc('\n', g);
    }
    fclose(g);
    snprintf(path, sizeof path, "%s/plots", out_dir);
    return lms_report_gnuplot(path, "compare.gp") == 0 ? 0 : 1;
}

static void write_page(FILE *f, const cmp *m, const char *reading,
                       int plots_ok, const int drawn[2]) {
    fprintf(f, "# lmstab sweep comparison\n\n**Reading.** %s\n\nGenerated by "
            "`lmstab compare`; each sweep's verdict rules and failure curves "
            "are those of its own report (docs/results/protocol.md).\n\n"
            "## Sweeps\n\n| sweep | differs in | parameters (%s) | runs | "
            "seeds | core-hours |\n|---|---|---|---|---|---|\n", reading,
            m->reference);
    for (int j = 0; j < m->n; j++) {
        const csweep *w = &m->sw[j];
        char seeds[256] = "";
        size_t k = 0;
        for (int i = 0; i < w->n_seeds; i++)
            app(seeds, sizeof seeds, &k, "%s%ld", i ? ", " : "", w->seeds[i]);
        fprintf(f, "| %s | %s | %.0f | %d | %s | %.2f |\n", w->name,
                w->setting[0] ? w->setting : "(nothing in [overrides])",
                w->params, w->runs, seeds[0] ? seeds : "-", w->seconds / 3600);
    }
    fprintf(f, "\nIntervals: 95%% percentiles of %d bootstrap resamples of "
            "the seeds in each sweep (generator seed %llu). %s The change is "
            "the last sweep's value over the first's, with the interval of "
            "that quotient over the resamples: a change whose interval lies "
            "above 1 grew, below 1 shrank, and one that contains 1 is not "
            "resolved.%s\n\n", B, (unsigned long long)LMS_BOOT_SEED,
            m->matched ? "The sweeps ran the same seeds, so resample b draws "
                         "the same seeds in every sweep (matched across sweeps "
                         "as well as across variants)."
                       : "The sweeps did not run the same seeds (yet), so "
                         "their resamples are independent.",
            m->slope ? " The exponent is the least-squares slope of log2 of "
                         "the value against log2 of the reference variant's "
                         "parameter count, per resample: the value grows like "
                         "parameters^exponent." : "");
    static const int order[LMS_N_RULES] = {1, 0, 2}; /* default first */
    for (int i = 0; i < LMS_N_RULES; i++) {
        const int rr = order[i];
        fprintf(f, "## Rule: %s\n\n### LR50 [95%% CI]\n\n",
                lms_sweep_rule_name(rr));
        estimate_table(f, m, rr, 0);
        fprintf(f, "### LR50 / LR50 of %s [95%% CI]\n\n", m->reference);
        estimate_table(f, m, rr, 1);
    }
    fprintf(f, "## LR sensitivity (Wortsman et al. 2023)\n\nThe mean over "
            "each sweep's grid learning rates in [3e-4, 3e-1] of min(final "
            "val loss, val loss at init) minus the best of them (the number "
            "of learning rates in brackets); comparable between sweeps only "
            "when their grids are the same.\n\n| variant |");
    for (int j = 0; j < m->n; j++)
        fprintf(f, " %s |", m->sw[j].name);
    fprintf(f, "\n|---|");
    for (int j = 0; j < m->n; j++)
        fprintf(f, "---|");
    fputc('\n', f);
    for (int u = 0; u < m->nv; u++) {
        fprintf(f, "| %s |", m->variants[u]);
        for (int j = 0; j < m->n; j++) {
            const int v = m->vmap[j][u];
            if (v < 0 || !m->sw[j].sens_n[v] || !isfinite(m->sw[j].sens[v]))
                fprintf(f, " - |");
            else
                fprintf(f, " %.4f (%d) |", m->sw[j].sens[v], m->sw[j].sens_n[v]);
        }
        fputc('\n', f);
    }
    fprintf(f, "\n## Figures\n\n");
    if (!plots_ok)
        fprintf(f, "Plots were not drawn: gnuplot is missing or failed "
                "(`apt-get install gnuplot-nox`, then run `lmstab compare` "
                "again).\n\n");
    else if (!drawn[0])
        fprintf(f, "No variant has a failure curve under the default rule in "
                "any sweep yet: nothing to plot.\n\n");
    if (plots_ok && drawn[0])
        fprintf(f, "![LR50 per sweep, default rule](plots/compare_lr50.png)"
                "\n\n");
    if (plots_ok && drawn[1])
        fprintf(f, "![LR50 relative to %s per sweep, default rule]"
                "(plots/compare_ratio.png)\n\n", m->reference);
}

static void free_cmp(cmp *m) {
    if (!m->sw)
        return;
    for (int j = 0; j < m->n; j++)
        for (int r = 0; r < LMS_N_RULES; r++) {
            free(m->sw[j].lr50[r]);
            free(m->sw[j].ratio[r]);
        }
    free(m->sw);
}

/* Load every sweep and line up their variants. */
static int load(cmp *m, const char *const *dirs, int n, char *err,
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
        lms_report_compute(&w->s, &w->runs, &w->seconds);
        err[0] = '\0';
        if (fit_sweep(w, err, errlen) != 0)
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
    return 0;
}

int lms_compare_write(const char *const *dirs, int n, const char *out_dir,
                      char *reading, size_t rlen, char *err, size_t errlen) {
    if (n < 2 || n > LMS_COMPARE_MAX) {
        snprintf(err, errlen, "compare needs 2 to %d sweep directories (got %d)",
                 LMS_COMPARE_MAX, n);
        return -1;
    }
    cmp m = {0};
    int rc = -1, plots = 1, drawn[2] = {0, 0};
    char path[4400];
    FILE *f = NULL;
    if (load(&m, dirs, n, err, errlen) != 0 || lms_mkdirs(out_dir, err, errlen) != 0)
        goto out;
    write_reading(&m, reading, rlen);
    snprintf(path, sizeof path, "%s/compare.csv", out_dir);
    if (!(f = fopen(path, "w")))
        goto cannot;
    write_csv(f, &m);
    fclose(f);
    if ((plots = write_plots(out_dir, &m, drawn, err, errlen)) < 0)
        goto out;
    snprintf(path, sizeof path, "%s/compare.md", out_dir);
    if (!(f = fopen(path, "w")))
        goto cannot;
    write_page(f, &m, reading, plots == 0, drawn);
    fclose(f);
    FILE *in = lms_fopen_regular(path, err, errlen);
    if (!in)
        goto out;
    snprintf(path, sizeof path, "%s/compare.html", out_dir);
    if (!(f = fopen(path, "w"))) {
        fclose(in);
        goto cannot;
    }
    lms_md_to_html(in, f, "lmstab sweep comparison");
    fclose(in);
    fclose(f);
    rc = plots == 0 ? 0 : 1;
    goto out;
cannot:
    snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
out:
    free_cmp(&m);
    return rc;
}
