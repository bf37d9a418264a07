/* lmstab compare's page (report/compare.h): the reading, the tables of
 * LR50 and its ratio to the reference per sweep and rule with their
 * change across the sweeps, LR sensitivity, compare.csv and the figures.
 * The sweeps come loaded and fitted from compare_load.c. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/compare_internal.h"
#include "report/report_internal.h"
#include "util/appendf.h"
#include "util/fsutil.h"

#define MAXV LMS_SWEEP_MAX_VARIANTS
#define B LMS_BOOT_SAMPLES

static void fmt_ratio(char *b, size_t n, const csweep *w, int r, int v) {
    const lms_curve *c = &w->c[r][v];
    if (v == w->ref)
        snprintf(b, n, "1 (reference)");
    else if (w->ref < 0)
        snprintf(b, n, "- (no reference)");
    else if (!lms_curve_defined(c) || !lms_curve_defined(&w->c[r][w->ref]))
        snprintf(b, n, "-");
    else {
        lms_curve_format(b, n, &c->ratio50, c, w->lo[v], w->hi[v]);
        lms_curve_mark_ratio(b, n, c, w->lo[v], w->hi[v], &w->c[r][w->ref],
                             w->lo[w->ref], w->hi[w->ref]);
    }
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

/* Whether the fits that a change of union variant u under
 * rule r rests on pass the test (p >= 0.05) in the first and the last sweep
 * (the variant's, and for a ratio the reference's): 0 yes, 1 one is flagged
 * (p < 0.05), 2 none flagged but one untested (too few LRs with 2 or more
 * runs). The failing ones are listed in why ("X in S, ..."). */
static int fits_blocking(const cmp *m, int u, int r, int ratio, char *why,
                         size_t n) {
    size_t k = 0;
    int worst = 0;
    why[0] = '\0';
    for (int e = 0; e < 2; e++) {
        const int j = e ? m->n - 1 : 0;
        const csweep *w = &m->sw[j];
        for (int side = 0; side < 1 + ratio; side++) {
            const int v = side ? w->ref : m->vmap[j][u];
            if (v < 0)
                continue;
            const double p = w->c[r][v].gof_p;
            const int bad = p < 0.05 ? 1 : isnan(p) ? 2 : 0;
            if (!bad)
                continue;
            lms_appendf(why, n, &k, "%s%s in %s (%s)", k ? ", " : "",
                        side ? m->reference : m->variants[u], w->name,
                        bad == 1 ? "flagged" : "untested");
            worst = worst == 1 || bad == 1 ? 1 : 2;
        }
    }
    return worst;
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
            /* protocol, section 3: a ratio rests on the reference's fit too */
            if (v >= 0 && (w->c[r][v].gof_p < 0.05 ||
                           (what == 1 && w->ref >= 0 && w->c[r][w->ref].gof_p < 0.05)))
                snprintf(b + strlen(b), sizeof b - strlen(b), " (poor fit)");
            fprintf(f, " %s |", b);
        }
        lms_estimate ch, sl, chi, sli;
        char a[400] = "-", b[160] = "-";
        if (lms_cmp_trend(m, u, r, what, 0, &ch, &sl)) {
            char why[512];
            fmt_change(a, sizeof a, &ch, 0);
            fmt_change(b, sizeof b, &sl, 1);
            if (lms_cmp_trend(m, u, r, what, 1, &chi, &sli) &&
                isfinite(chi.lo) && isfinite(chi.hi))
                snprintf(a + strlen(a), sizeof a - strlen(a),
                         "; independent [%.3g, %.3g]", chi.lo, chi.hi);
            const int fb = fits_blocking(m, u, r, what, why, sizeof why);
            if (fb)
                snprintf(a + strlen(a), sizeof a - strlen(a), " (%s)",
                         fb == 1 ? "poor fit" : "fit untested");
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
        if (!lms_cmp_trend(m, u, 1, is_ref ? 0 : 1, 0, &ch[1], &sl)) {
            int j = 0; /* the first sweep without it */
            while (j < m->n - 1 && m->vmap[j][u] >= 0 &&
                   lms_curve_defined(&m->sw[j].c[1][m->vmap[j][u]]) &&
                   (is_ref || (m->sw[j].ref >= 0 &&
                               lms_curve_defined(&m->sw[j].c[1][m->sw[j].ref]))))
                j++;
            if (is_ref)
                lms_appendf(out, n, &k, "%s%s: no LR50 in %s under the default rule "
                    "(it failed on all or none of its runs there, or was not "
                    "run).", k ? " " : "", m->variants[u], m->sw[j].name);
            else
                lms_appendf(out, n, &k, "%s%s: no LR50 ratio to %s in %s under the "
                    "default rule (one of the two failed on all or none of its "
                    "runs there, or was not run).", k ? " " : "",
                    m->variants[u], m->reference, m->sw[j].name);
            continue;
        }
        lms_estimate ind[LMS_N_RULES];
        for (int r = 0; r < LMS_N_RULES; r++) {
            if (r != 1 && !lms_cmp_trend(m, u, r, is_ref ? 0 : 1, 0, &ch[r], &sl))
                ch[r].lo = ch[r].hi = NAN;
            if (!lms_cmp_trend(m, u, r, is_ref ? 0 : 1, 1, &ind[r], &sl))
                ind[r].lo = ind[r].hi = NAN;
        }
        const int va = m->vmap[0][u], vz = m->vmap[m->n - 1][u];
        const lms_estimate *ea = is_ref ? &a->c[1][va].lr50 : &a->c[1][va].ratio50;
        const lms_estimate *ez = is_ref ? &z->c[1][vz].lr50 : &z->c[1][vz].ratio50;
        char c1[160];
        fmt_change(c1, sizeof c1, &ch[1], 0);
        if (is_ref)
            lms_appendf(out, n, &k, "%sFrom %s to %s, the LR50 of %s went from %.3g to "
                "%.3g", k ? " " : "", a->name, z->name, m->variants[u],
                ea->value, ez->value);
        else
            lms_appendf(out, n, &k, "%sFrom %s to %s, the LR50 of %s relative to %s "
                "went from %.3g to %.3g", k ? " " : "", a->name, z->name,
                m->variants[u], m->reference, ea->value, ez->value);
        lms_appendf(out, n, &k, ", a change of %s", c1);
        if (isfinite(ind[1].lo) && isfinite(ind[1].hi))
            lms_appendf(out, n, &k, " (independent resampling: [%.3g, %.3g])",
                        ind[1].lo, ind[1].hi);
        /* a curve the runs do not follow, or one not tested, carries no
         * direction (protocol, sections 3 and 3d): then the failures are
         * to be read LR by LR in the sweeps' reports */
        char why[512];
        const int blocked = fits_blocking(m, u, 1, !is_ref, why, sizeof why);
        if (blocked) {
            lms_appendf(out, n, &k, " under the default rule; no direction is "
                        "stated, since a fit it rests on did not pass the test "
                        "(flagged: p < 0.05; untested: fewer than 3 LRs with 2 "
                        "or more runs): %s; read its failures LR by LR in each "
                        "sweep's report", why);
        } else {
            const char *dir = lms_compare_direction(&ch[1], &ind[1]);
            lms_appendf(out, n, &k, ": %s", dir);
            /* a ratio below 1 that grows is the reference's advantage
             * shrinking: said in those words, which is how it is read */
            const char *word = NULL;
            const int resolved = !strcmp(dir, "grew") || !strcmp(dir, "shrank");
            const int whose = is_ref || !resolved ? 0
                : lms_compare_advantage(ea->value, ez->value, ch[1].lo,
                                        ch[1].hi, &word);
            if (whose == 1)
                lms_appendf(out, n, &k, ", so %s's advantage over it %s",
                            m->reference, word);
            else if (whose == 2)
                lms_appendf(out, n, &k, ", so its advantage over %s %s",
                            m->reference, word);
            lms_appendf(out, n, &k, " (default rule)");
        }
        /* the other rules, each under the same fit condition */
        lms_appendf(out, n, &k, "; the other rules, for sensitivity:");
        for (int r = 0; r < LMS_N_RULES; r += 2) {
            char w2[512];
            const int b2 = fits_blocking(m, u, r, !is_ref, w2, sizeof w2);
            lms_appendf(out, n, &k, "%s %s %s", r ? "," : "",
                        lms_sweep_rule_name(r),
                        !isfinite(ch[r].lo) ? "no curve"
                        : b2 == 1 ? "no direction (a fit flagged)"
                        : b2 == 2 ? "no direction (a fit untested)"
                                  : lms_compare_direction(&ch[r], &ind[r]));
        }
        lms_appendf(out, n, &k, ".");
        /* a middle sweep's flagged fit: the change does not rest on it */
        int mid = 0;
        for (int j = 1; j < m->n - 1; j++)
            for (int side = 0; side < 2 - is_ref; side++) {
                const int v = side ? m->sw[j].ref : m->vmap[j][u];
                if (v < 0 || !(m->sw[j].c[1][v].gof_p < 0.05))
                    continue;
                lms_appendf(out, n, &k, "%s %s in %s",
                            mid ? "," : " The default rule's fit is flagged "
                                        "also for",
                            side ? m->reference : m->variants[u], m->sw[j].name);
                mid = 1;
            }
        if (mid)
            lms_appendf(out, n, &k, " (a middle sweep: the change does not "
                        "rest on it).");
    }
    if (!k)
        lms_appendf(out, n, &k, "No variant was run in both %s and %s yet.",
                    a->name, z->name);
    /* the protocol's provisional rule holds for a comparison too */
    for (int j = 0; j < m->n; j++) {
        int lo, hi;
        char have[32];
        if (!lms_sweep_band_seeds(&m->sw[j].s, &lo, &hi) ||
            lo >= m->sw[j].s.edge_seeds)
            continue;
        snprintf(have, sizeof have, lo == hi ? "%d" : "%d to %d", lo, hi);
        lms_appendf(out, n, &k, " Provisional: %s's edge bands have %s of "
                    "their %d seeds so far, and no claim is made before all "
                    "(docs/results/protocol.md).", m->sw[j].name, have,
                    m->sw[j].s.edge_seeds);
    }
}

static void write_csv(FILE *f, const cmp *m) {
    fprintf(f, "sweep,setting,params,variant,rule,runs,fails,lr50,lr50_lo,"
            "lr50_hi,ratio50,ratio50_lo,ratio50_hi,lr_sensitivity,"
            "lr_sensitivity_lrs,gof_p,lr_sensitivity_from,lr_sensitivity_to\n");
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
                const int hc = lms_curve_defined(c);
                const int hr = hc && w->ref >= 0 && lms_curve_defined(&w->c[r][w->ref]);
                const double x[6] = {hc ? c->lr50.value : NAN,
                                     hc ? c->lr50.lo : NAN, hc ? c->lr50.hi : NAN,
                                     hr ? c->ratio50.value : NAN,
                                     hr ? c->ratio50.lo : NAN,
                                     hr ? c->ratio50.hi : NAN};
                fprintf(f, "%s,\"", w->name);
                for (const char *q = setting; *q; q++) { /* "" inside quotes */
                    if (*q == '"')
                        putc('"', f);
                    putc(*q, f);
                }
                fprintf(f, "\",%.0f,%s,%s,%d,%d", w->params, m->variants[u],
                        lms_sweep_rule_name(r), c->runs, c->fails);
                for (int i = 0; i < 6; i++)
                    isnan(x[i]) ? fprintf(f, ",nan") : fprintf(f, ",%.6g", x[i]);
                const lms_lr_sens *sv = &w->sens[v];
                isnan(sv->value) ? fprintf(f, ",nan") : fprintf(f, ",%.6f", sv->value);
                fprintf(f, ",%d", sv->in_range);
                isnan(c->gof_p) ? fprintf(f, ",nan") : fprintf(f, ",%.4f", c->gof_p);
                isnan(sv->value) ? fprintf(f, ",nan,nan\n")
                                 : fprintf(f, ",%.6g,%.6g\n", sv->from, sv->to);
            }
        }
    }
}

/* compare_change.csv: per variant, rule and quantity (its LR50, its
 * ratio to the reference), the change from the first sweep to the last
 * with both intervals, the share of resamples without one, whether the
 * fits it rests on pass, and the direction the page states. */
static void write_change_csv(FILE *f, const cmp *m) {
    fprintf(f, "variant,rule,quantity,from_sweep,to_sweep,from,to,change,lo,hi,"
            "undefined,lo_independent,hi_independent,undefined_independent,"
            "fits,direction\n");
    const csweep *a = &m->sw[0], *z = &m->sw[m->n - 1];
    for (int u = 0; u < m->nv; u++)
        for (int r = 0; r < LMS_N_RULES; r++)
            for (int what = 0; what < 2; what++) {
                lms_estimate ch, chi, sl;
                if (what && !strcmp(m->variants[u], m->reference))
                    continue;
                if (!lms_cmp_trend(m, u, r, what, 0, &ch, &sl))
                    continue;
                if (!lms_cmp_trend(m, u, r, what, 1, &chi, &sl))
                    chi.lo = chi.hi = NAN, chi.undefined = 1;
                char why[512];
                const int fb = fits_blocking(m, u, r, what, why, sizeof why);
                const int va = m->vmap[0][u], vz = m->vmap[m->n - 1][u];
                const double from = what ? a->c[r][va].ratio50.value : a->c[r][va].lr50.value;
                const double to = what ? z->c[r][vz].ratio50.value : z->c[r][vz].lr50.value;
                fprintf(f, "%s,%s,%s,%s,%s", m->variants[u],
                        lms_sweep_rule_name(r), what ? "ratio50" : "lr50",
                        a->name, z->name);
                const double x[5] = {from, to, ch.value, ch.lo, ch.hi};
                for (int i = 0; i < 5; i++)
                    isfinite(x[i]) ? fprintf(f, ",%.6g", x[i]) : fprintf(f, ",nan");
                fprintf(f, ",%.4f", ch.undefined);
                isfinite(chi.lo) ? fprintf(f, ",%.6g", chi.lo) : fprintf(f, ",nan");
                isfinite(chi.hi) ? fprintf(f, ",%.6g", chi.hi) : fprintf(f, ",nan");
                fprintf(f, ",%.4f,%s,\"%s\"\n", chi.undefined,
                        fb == 1 ? "flagged" : fb == 2 ? "untested" : "pass",
                        fb ? "no direction" : lms_compare_direction(&ch, &chi));
            }
}

/* plots/data/compare_<variant>.dat (default rule): x, LR50 and its
 * interval, the ratio and its interval; "NaN" where there is none. */
static int write_plots(const char *out_dir, const cmp *m, int drawn[2],
                       char *err, size_t errlen) {
    int has[2][MAXV] = {{0}};
    /* each figure's y range: its points' (not their intervals': an
     * interval of a poor fit can span ten decades and flatten the rest) */
    double ymin[2] = {INFINITY, INFINITY}, ymax[2] = {0, 0};
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
        fprintf(f, "# x lr50 lo hi ratio lo hi poor_lr50 poor_ratio (default "
                "rule; poor: fit p < 0.05, for a ratio the variant's or the "
                "reference's)\n");
        for (int j = 0; j < m->n; j++) {
            const csweep *w = &m->sw[j];
            const int v = m->vmap[j][u];
            const lms_curve *c = v >= 0 ? &w->c[1][v] : NULL;
            const int hc = c && lms_curve_defined(c);
            const int hr = hc && w->ref >= 0 && lms_curve_defined(&w->c[1][w->ref]);
            has[0][u] |= hc;
            has[1][u] |= hr && v != w->ref;
            const int poor = hc && c->gof_p < 0.05;
            const int poor_r = poor || (hr && w->c[1][w->ref].gof_p < 0.05);
            const double val[2] = {hc ? c->lr50.value : NAN,
                                   hr && v != w->ref ? c->ratio50.value : NAN};
            for (int i = 0; i < 2; i++)
                if (isfinite(val[i]) && val[i] > 0) {
                    ymin[i] = fmin(ymin[i], val[i]);
                    ymax[i] = fmax(ymax[i], val[i]);
                }
            fprintf(f, "%.6g %.6g %.6g %.6g %.6g %.6g %.6g %d %d\n",
                    m->by_size ? w->params : (double)(j + 1),
                    hc ? c->lr50.value : NAN, hc ? c->lr50.lo : NAN,
                    hc ? c->lr50.hi : NAN, hr ? c->ratio50.value : NAN,
                    hr ? c->ratio50.lo : NAN, hr ? c->ratio50.hi : NAN, poor,
                    poor_r);
        }
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/plots/compare.gp", out_dir);
    FILE *g = fopen(path, "w");
    if (!g) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        return -1;
    }
    /* value, interval and poor-fit columns of each figure */
    static const char *const fig[2][2] = {
        {"compare_lr50.png", "LR50"},
        {"compare_ratio.png", "LR50 / LR50 of the reference"}};
    static const int col[2][4] = {{2, 3, 4, 8}, {5, 6, 7, 9}};
    for (int i = 0; i < 2; i++) {
        drawn[i] = 0; /* a figure with no series is not drawn */
        for (int u = 0; u < m->nv; u++)
            drawn[i] |= has[i][u];
        if (!drawn[i])
            continue;
        fprintf(g, "set terminal pngcairo size 900,500 font ',10'\n"
                "set output '%s'\nset grid\nset key outside right\n"
                "set termoption noenhanced\nset logscale y\nset ylabel '%s'\n"
                "set title \"%s per sweep, default rule\\n(bars: 95%% "
                "bootstrap interval, cut at the plot; open circle: poor fit, "
                "no bar)\"\n",
                fig[i][0], fig[i][1], fig[i][1]);
        if (ymax[i] > 0)
            fprintf(g, "set yrange [%.6g:%.6g]\n", ymin[i] / 4, ymax[i] * 4);
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
            /* a line through every point; bars on the fits that pass the
             * test; an open circle, no bar, on those that do not */
            const int *c = col[i];
            fprintf(g, "%s'data/compare_%s.dat' using 1:%d with lines lw 1 "
                    "lc %d notitle, '' using 1:($%d > 0 ? 1/0 : $%d):%d:%d with "
                    "yerrorbars lw 2 pt 7 lc %d title '%s', '' using 1:($%d > 0 "
                    "? $%d : 1/0) with points pt 6 ps 1.5 lc %d notitle",
                    first ? "" : ", ", m->variants[u], c[0], u + 1, c[3], c[0],
                    c[1], c[2], u + 1, m->variants[u], c[3], c[0], u + 1);
            first = 0;
        }
        fputc('\n', g);
    }
    fclose(g);
    snprintf(path, sizeof path, "%s/plots", out_dir);
    return lms_report_gnuplot(path, "compare.gp") == 0 ? 0 : 1;
}

/* Wilson's 95% interval of k successes in n, as "[lo, hi]" in percent */
static void wilson(char *b, size_t len, int k, int n) {
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

/* The null check's section and compare_null.csv (null_sims > 0). */
static int write_null_check(FILE *f, FILE *csv, const cmp *m, int sims) {
    fprintf(f, "## Null check\n\nHow often this page's change of an LR50, "
            "or of a ratio to %s, would exclude 1 if it did not change, "
            "from %d simulated comparisons per variant and quantity (`lmstab "
            "compare --null-check %d`, %d resamples each, generator seed "
            "%llu). Each keeps both sweeps' runs (LRs and seeds) and draws "
            "every outcome from a fitted default-rule curve: in %s the "
            "variant's (and %s's) own; in %s, for an LR50, the variant's own "
            "slope placed at its LR50 in %s, and for a ratio %s's own curve "
            "and the variant's own slope placed at %s's ratio. Outcomes are "
            "drawn independently, also across one seed's LRs and across the "
            "sweeps (real seeds are not), so this measures the intervals' "
            "calibration under the fitted curves. Nominal: 5%% for an "
            "interval; a direction is stated only when both intervals "
            "exclude 1 and the fits pass. Shares of all simulated "
            "comparisons (one without a curve excludes nothing), with "
            "Wilson 95%% intervals.\n\n| variant | quantity | simulated | "
            "paired excludes 1 | independent excludes 1 | both (a "
            "direction) | fits pass | direction stated |\n|---|---|---|---|"
            "---|---|---|---|\n", m->reference, sims, sims, LMS_NULL_SAMPLES,
            (unsigned long long)LMS_NULL_SEED, m->sw[0].name, m->reference,
            m->sw[m->n - 1].name, m->sw[0].name, m->reference, m->sw[0].name);
    fprintf(csv, "variant,quantity,sims,defined,paired,independent,both,"
            "fits_pass,stated\n");
    int any = 0;
    for (int u = 0; u < m->nv; u++)
        for (int what = 0; what < 2; what++) {
            lms_null_check nc;
            if (lms_cmp_null_check(m, u, what, sims, LMS_NULL_SAMPLES,
                                   LMS_NULL_SEED, &nc) != 0)
                return -1;
            if (!nc.sims)
                continue;
            any = 1;
            char p[64], i[64], b[64], s[64], fp[64];
            wilson(p, sizeof p, nc.paired, nc.sims);
            wilson(i, sizeof i, nc.independent, nc.sims);
            wilson(b, sizeof b, nc.both, nc.sims);
            wilson(fp, sizeof fp, nc.fits_pass, nc.sims);
            wilson(s, sizeof s, nc.stated, nc.sims);
            fprintf(f, "| %s | %s | %d (%d with an interval) | %s | %s | %s | "
                    "%s | %s |\n", m->variants[u], what ? "ratio" : "LR50",
                    nc.sims, nc.defined, p, i, b, fp, s);
            fprintf(csv, "%s,%s,%d,%d,%d,%d,%d,%d,%d\n", m->variants[u],
                    what ? "ratio50" : "lr50", nc.sims, nc.defined, nc.paired,
                    nc.independent, nc.both, nc.fits_pass, nc.stated);
        }
    if (!any)
        fprintf(f, "| (no variant has a curve in both %s and %s) | | | | | | "
                "| |\n", m->sw[0].name, m->sw[m->n - 1].name);
    fputc('\n', f);
    return 0;
}

static void write_page(FILE *f, FILE *runs_csv, const cmp *m,
                       const char *reading, int plots_ok, const int drawn[2]) {
    fprintf(f, "# lmstab sweep comparison\n\n**Reading.** %s\n\nGenerated by "
            "`lmstab compare`; each sweep's verdict rules and failure curves "
            "are those of its own report (docs/results/protocol.md).\n\n"
            "## Sweeps\n\n| sweep | differs in | parameters (%s) | runs | "
            "seeds | core-hours | matrix products (runs) |\n"
            "|---|---|---|---|---|---|---|\n", reading,
            m->reference);
    for (int j = 0; j < m->n; j++) {
        const csweep *w = &m->sw[j];
        char seeds[256] = "";
        size_t k = 0;
        for (int i = 0; i < w->n_seeds; i++)
            lms_appendf(seeds, sizeof seeds, &k, "%s%ld", i ? ", " : "", w->seeds[i]);
        /* the kernel sets: sweeps alike in every setting may differ here */
        lms_kernel_count kc[4];
        int other;
        const int nk = lms_sweep_kernels(&w->s, -1, kc, 4, &other);
        char kern[512] = "";
        k = 0;
        for (int i = 0; i < nk; i++)
            lms_appendf(kern, sizeof kern, &k, "%s%s %s%s%s (%d)", i ? ", " : "",
                        kc[i].gemm[0] ? kc[i].gemm : "?",
                        kc[i].kernel[0] ? kc[i].kernel : "?",
                        kc[i].bf16[0] ? ", bf16 " : "", kc[i].bf16, kc[i].runs);
        if (other)
            lms_appendf(kern, sizeof kern, &k, ", other (%d)", other);
        char runs[64];
        snprintf(runs, sizeof runs, w->compute.reused ? "%d (%d reused)" : "%d",
                 w->compute.runs, w->compute.reused);
        fprintf(f, "| %s | %s | %.0f | %s | %s | %.2f | %s |\n", w->name,
                w->setting[0] ? w->setting : "(nothing in [overrides])",
                w->params, runs, seeds[0] ? seeds : "-",
                w->compute.seconds / 3600, kern[0] ? kern : "-");
    }
    fprintf(f, "\nIntervals: 95%% percentiles of %d bootstrap resamples of "
            "the seeds in each sweep (generator seed %llu, the sweep's own "
            "report's). Resample b draws the same seed positions (the i-th "
            "smallest seed) in every sweep with as many seeds: %s The change "
            "is the last sweep's value over the first's, with the interval of "
            "that quotient over those resamples, and a second interval "
            "(\"independent\") over resamples of the last sweep drawn from a "
            "generator of its own, which treats the two sweeps as independent "
            "experiments. A change **grew** when both intervals lie above 1, "
            "**shrank** when both lie below, and is **not resolved** "
            "otherwise: with as few seeds as these sweeps have, a percentile "
            "interval of a change excludes 1 more often than 5%% of the time "
            "when nothing changed (measure it with --null-check), "
            "and requiring both is the stricter reading (protocol, Changes, "
            "2026-12-01). A change resting on a fit the test flags (\"poor "
            "fit\": that sweep's failures, for a ratio the variant's or the "
            "reference's, are unlikely under the fitted logistic curve, fit p "
            "< 0.05 in its report) or could not test (\"fit untested\": fewer "
            "than 3 LRs with 2 or more runs), in the first or the last sweep, "
            "is given a value but no direction (protocol, sections 3 and 3d)."
            "%s\n\n", B, (unsigned long long)LMS_BOOT_SEED,
            m->matched ? "the sweeps ran the same seeds, so resample b is "
                         "matched across sweeps as well as across variants (a "
                         "seed fixes the order of the training batches, the "
                         "same in every sweep on the same data, batch and "
                         "context, and the initialisation, the same only where "
                         "the models' shapes are)."
                       : "the sweeps did not run the same seeds (yet), so "
                         "resample b pairs seeds by rank, not by number, "
                         "where their counts agree.",
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
            "learning rates in [3e-4, 3e-1] of min(final val loss, val loss "
            "at init) minus the best of them, estimated from each sweep's "
            "grid learning rates as the mean, uniform in log LR, of the line "
            "through them (the number of its grid LRs inside the span in "
            "brackets). ");
    if (isfinite(m->sens_lo))
        fprintf(f, "Every sweep is taken over the learning rates all of their "
                "grids span, %.3g to %.3g, so that they are compared over the "
                "same range (a sweep's own report may give it over a wider "
                "one); sweeps on different grids then differ only by the "
                "interpolation between their grid LRs.\n\n| variant |",
                m->sens_lo, m->sens_hi);
    else
        fprintf(f, "The sweeps' grids share no span of learning rates in that "
                "range: each is taken over its own (in brackets), and they do "
                "not compare.\n\n| variant |");
    for (int j = 0; j < m->n; j++)
        fprintf(f, " %s |", m->sw[j].name);
    /* the span each sweep was taken over: the common one, else its own */
    const int common = isfinite(m->sens_lo);
    const double span[2] = {common ? m->sens_lo : LMS_SENS_LR_MIN,
                            common ? m->sens_hi : LMS_SENS_LR_MAX};
    fprintf(f, "\n|---|");
    for (int j = 0; j < m->n; j++)
        fprintf(f, "---|");
    fputc('\n', f);
    for (int u = 0; u < m->nv; u++) {
        fprintf(f, "| %s |", m->variants[u]);
        for (int j = 0; j < m->n; j++) {
            const int v = m->vmap[j][u];
            char b[80] = "-";
            if (v >= 0)
                lms_lr_sens_format(b, sizeof b, &m->sw[j].sens[v], span[0],
                                   span[1]);
            fprintf(f, " %s |", b);
        }
        fputc('\n', f);
    }
    fputc('\n', f);
    lms_cmp_runs(f, runs_csv, m);
    fprintf(f, "## Figures\n\n");
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

int lms_compare_write(const char *const *dirs, int n, const char *out_dir,
                      int null_sims, char *reading, size_t rlen, char *err,
                      size_t errlen) {
    if (n < 2 || n > LMS_COMPARE_MAX) {
        snprintf(err, errlen, "compare needs 2 to %d sweep directories (got %d)",
                 LMS_COMPARE_MAX, n);
        return -1;
    }
    cmp m = {0};
    int rc = -1, plots = 1, drawn[2] = {0, 0};
    char path[4400];
    FILE *f = NULL;
    if (lms_cmp_load(&m, dirs, n, err, errlen) != 0 || lms_mkdirs(out_dir, err, errlen) != 0)
        goto out;
    write_reading(&m, reading, rlen);
    snprintf(path, sizeof path, "%s/compare.csv", out_dir);
    if (!(f = fopen(path, "w")))
        goto cannot;
    write_csv(f, &m);
    fclose(f);
    snprintf(path, sizeof path, "%s/compare_change.csv", out_dir);
    if (!(f = fopen(path, "w")))
        goto cannot;
    write_change_csv(f, &m);
    if (fclose(f) != 0)
        goto cannot;
    if ((plots = write_plots(out_dir, &m, drawn, err, errlen)) < 0)
        goto out;
    snprintf(path, sizeof path, "%s/compare_runs.csv", out_dir);
    FILE *rc_csv = fopen(path, "w");
    if (!rc_csv)
        goto cannot;
    snprintf(path, sizeof path, "%s/compare.md", out_dir);
    if (!(f = fopen(path, "w"))) {
        fclose(rc_csv);
        goto cannot;
    }
    write_page(f, rc_csv, &m, reading, plots == 0, drawn);
    snprintf(path, sizeof path, "%s/compare_null.csv", out_dir);
    if (null_sims <= 0 && remove(path) != 0 && errno != ENOENT) {
        fclose(f); /* (a stale one would be published beside this page) */
        fclose(rc_csv);
        goto cannot;
    }
    if (null_sims > 0) {
        FILE *nc = fopen(path, "w");
        if (!nc) {
            fclose(f);
            fclose(rc_csv);
            goto cannot;
        }
        const int nrc = write_null_check(f, nc, &m, null_sims);
        if (fclose(nc) != 0 || nrc != 0) {
            fclose(f);
            fclose(rc_csv);
            if (nrc != 0) {
                snprintf(err, errlen, "out of memory");
                goto out;
            }
            goto cannot;
        }
    }
    fclose(f);
    if (fclose(rc_csv) != 0) {
        snprintf(path, sizeof path, "%s/compare_runs.csv", out_dir);
        goto cannot;
    }
    snprintf(path, sizeof path, "%s/compare.md", out_dir); /* to HTML */
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
    lms_cmp_free(&m);
    return rc;
}
