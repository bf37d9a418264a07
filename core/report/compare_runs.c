/* Run by run: the runs a later sweep shares with the first (same variant,
 * learning rate and seed). Sweeps that differ in one setting (warmup, the
 * machine's kernel set, a z-loss) then say, run for run, which runs the
 * setting turned from failing to surviving and back, beside the curves
 * fitted over all runs; and how far it moved their final loss. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/compare_internal.h"
#include "util/order.h"

static double final_val(const csweep *w, int v, double lr, long seed) {
    char dir[4300], err[512];
    lms_run_summary rs;
    lms_sweep_run_dir(w->s.out_dir, w->s.variants[v], lr, seed, dir, sizeof dir);
    return lms_sweep_read_summary(dir, &rs, err, sizeof err) == 0
               ? rs.final_val_loss : NAN;
}

typedef struct pairs {
    size_t n, *ia, *ib; /* indices into the two sweeps' runs */
} pairs;

/* The runs of variant va in a matched with those of vb in b. */
static int match(const csweep *a, int va, const csweep *b, int vb, pairs *p) {
    p->n = 0;
    p->ia = malloc((a->n_runs + 1) * sizeof *p->ia);
    p->ib = malloc((a->n_runs + 1) * sizeof *p->ib);
    if (!p->ia || !p->ib)
        return -1;
    p->n = lms_curve_runs_pair(a->curve_runs[0], a->n_runs, va,
                               b->curve_runs[0], b->n_runs, vb, p->ia, p->ib);
    return 0;
}

static const int order[LMS_N_RULES] = {1, 0, 2}; /* default first */

static void one_pair(FILE *md, FILE *csv, const cmp *m, int j, int u,
                     const pairs *p) {
    const csweep *a = &m->sw[0], *b = &m->sw[j];
    const int va = m->vmap[0][u], vb = m->vmap[j][u];
    fprintf(md, "| %s vs %s | %s | %zu |", b->name, a->name, m->variants[u],
            p->n);
    int cnt[LMS_N_RULES][3] = {{0}}; /* both, first only, second only */
    for (int r = 0; r < LMS_N_RULES; r++)
        for (size_t i = 0; i < p->n; i++) {
            const int fa = a->curve_runs[r][p->ia[i]].failed;
            const int fb = b->curve_runs[r][p->ib[i]].failed;
            cnt[r][0] += fa && fb;
            cnt[r][1] += fa && !fb;
            cnt[r][2] += !fa && fb;
        }
    double *d = malloc((p->n + 1) * sizeof *d);
    size_t nd = 0;
    for (size_t i = 0; d && i < p->n; i++) {
        const lms_curve_run *x = &a->curve_runs[0][p->ia[i]];
        const double la = final_val(a, va, x->lr, x->seed);
        const double lb = final_val(b, vb, b->curve_runs[0][p->ib[i]].lr, x->seed);
        if (isfinite(la) && isfinite(lb))
            d[nd++] = lb - la;
    }
    double med = NAN, maxabs = NAN;
    if (nd) {
        med = lms_median(d, nd); /* (sorted) */
        maxabs = fmax(fabs(d[0]), fabs(d[nd - 1]));
    }
    free(d);
    for (int i = 0; i < LMS_N_RULES; i++) {
        const int r = order[i];
        const double pv = lms_mcnemar_exact(cnt[r][1], cnt[r][2]);
        fprintf(md, " %d / %d / %d (p %.2g) |", cnt[r][0], cnt[r][1],
                cnt[r][2], pv);
        if (csv)
            fprintf(csv, "%s,%s,%s,%s,%zu,%d,%d,%d,%.6g,%.6g,%.6g,%zu\n",
                    a->name, b->name, m->variants[u], lms_sweep_rule_name(r),
                    p->n, cnt[r][0], cnt[r][1], cnt[r][2], pv, med, maxabs, nd);
    }
    if (nd)
        fprintf(md, " %+.4f (%.4f; %zu) |\n", med, maxabs, nd);
    else
        fprintf(md, " - |\n");
}

void lms_cmp_runs(FILE *md, FILE *csv, const cmp *m) {
    if (csv)
        fprintf(csv, "first,second,variant,rule,runs_both,failed_both,"
                "failed_first_only,failed_second_only,mcnemar_p,median_dval,"
                "max_abs_dval,n_dval\n");
    fprintf(md, "## Run by run\n\nThe runs a later sweep shares with %s "
            "(same variant, learning rate and seed), each labelled as its own "
            "sweep's failure curves count it: failed in both / in %s only / "
            "in the later sweep only, and McNemar's exact test (two-sided) of "
            "those two counts, which asks whether one sweep fails more often "
            "on the same runs. It treats the runs as independent; runs on one "
            "seed at neighbouring learning rates are not, so the p-value "
            "describes rather than decides. Δ val: the median over the runs "
            "of the later sweep's final validation loss minus %s's (nats), "
            "with the largest |Δ| and the number of runs with both losses "
            "finite. Raw counts: compare_runs.csv.\n\n", m->sw[0].name,
            m->sw[0].name, m->sw[0].name);
    int header = 0;
    for (int j = 1; j < m->n; j++) {
        int any = 0;
        for (int u = 0; u < m->nv; u++) {
            const int va = m->vmap[0][u], vb = m->vmap[j][u];
            if (va < 0 || vb < 0)
                continue;
            pairs p;
            if (match(&m->sw[0], va, &m->sw[j], vb, &p) == 0 && p.n) {
                if (!header) {
                    fprintf(md, "| sweeps | variant | runs in both |");
                    for (int i = 0; i < LMS_N_RULES; i++)
                        fprintf(md, " %s: both / first / later (p) |",
                                lms_sweep_rule_name(order[i]));
                    fprintf(md, " Δ val: median (max abs; runs) |\n"
                            "|---|---|---|---|---|---|---|\n");
                    header = 1;
                }
                one_pair(md, csv, m, j, u, &p);
                any = 1;
            }
            free(p.ia);
            free(p.ib);
        }
        if (!any) {
            if (header)
                fputc('\n', md);
            fprintf(md, "%s shares no run with %s.\n\n", m->sw[j].name,
                    m->sw[0].name);
            header = 0;
        }
    }
    if (header)
        fputc('\n', md);
}
