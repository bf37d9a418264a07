/* lmstab compare's tables as CSV (compare_internal.h): compare.csv, one
 * row per sweep, variant and rule, and compare_change.csv, one row per
 * variant, rule and quantity. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/compare_internal.h"

void lms_cmp_write_csv(FILE *f, const cmp *m) {
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
void lms_cmp_write_change_csv(FILE *f, const cmp *m) {
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
                const int fb = lms_cmp_fits_blocking(m, u, r, what, why, sizeof why);
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

/* compare_line.csv: per variant, rule, quantity and middle sweep, its
 * value, the line's through the first and the last sweep at its size, and
 * their quotient with its interval (lms_cmp_off_line). */
int lms_cmp_write_line_csv(FILE *f, const cmp *m) {
    fprintf(f, "variant,rule,quantity,sweep,params,t,value,line,off,lo,hi,"
            "undefined\n");
    for (int u = 0; m->slope && u < m->nv; u++)
        for (int r = 0; r < LMS_N_RULES; r++)
            for (int what = 0; what < 2; what++)
                for (int j = 1; j < m->n - 1; j++) {
                    if (what && !strcmp(m->variants[u], m->reference))
                        continue;
                    double t;
                    lms_estimate off;
                    const int ok = lms_cmp_off_line(m, u, r, what, j, &t, &off);
                    if (ok < 0)
                        return -1;
                    if (!ok)
                        continue;
                    const csweep *w = &m->sw[j];
                    const lms_curve *c = &w->c[r][m->vmap[j][u]];
                    const double v = what ? c->ratio50.value : c->lr50.value;
                    const double x[6] = {t, v, v / off.value, off.value,
                                         off.lo, off.hi};
                    fprintf(f, "%s,%s,%s,%s,%.0f", m->variants[u],
                            lms_sweep_rule_name(r), what ? "ratio50" : "lr50",
                            w->name, w->params);
                    for (int i = 0; i < 6; i++)
                        isfinite(x[i]) ? fprintf(f, ",%.6g", x[i])
                                       : fprintf(f, ",nan");
                    fprintf(f, ",%.4f\n", off.undefined);
                }
    return 0;
}
