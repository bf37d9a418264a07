/* lmstab compare's figures (compare_internal.h): LR50 and its ratio to
 * the reference per sweep, default rule, their data and gnuplot script. */
#include <math.h>
#include <stdio.h>

#include "report/compare_internal.h"
#include "util/fsutil.h"
#include "util/outfile.h"

#define MAXV LMS_SWEEP_MAX_VARIANTS

/* plots/data/compare_<variant>.dat (default rule): x, LR50 and its
 * interval, the ratio and its interval; "NaN" where there is none. */
int lms_cmp_write_plots(const char *out_dir, const cmp *m, int drawn[2],
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
        lms_out o;
        FILE *f = lms_out_open(&o, path, err, errlen);
        if (!f)
            return -1;
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
        if (lms_out_commit(&o, err, errlen) != 0)
            return -1;
    }
    snprintf(path, sizeof path, "%s/plots/compare.gp", out_dir);
    lms_out go;
    FILE *g = lms_out_open(&go, path, err, errlen);
    if (!g)
        return -1;
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
    if (lms_out_commit(&go, err, errlen) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/plots", out_dir);
    return lms_report_gnuplot(path, "compare.gp") == 0 ? 0 : 1;
}
