/* Claim (a) without the learning-rate confound: at a learning rate where
 * seeds split (some fail, some survive, under the default rule), the
 * per-layer output norms, the attention score and the LM head's logit
 * signals of the failing seeds against the surviving seeds, median over
 * each group, and the step each signal separates against the step the loss
 * does. One LR per variant: the most even split. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep/sweep.h"
#include "report/report_internal.h"
#include "sweep/sweep_internal.h"

#define RULE 1 /* default */

/* The LR of variant v whose seeds split most evenly under the default rule
 * (most runs on a tie); -1 when none splits. */
static int split_lr(const lms_sweep *s, int v, int *nfail, int *nok) {
    int best = -1;
    double best_bal = -1;
    char dir[4300], err[512];
    lms_run_summary rs;
    for (int k = 0; k < s->n_lrs; k++) {
        int f = 0, o = 0;
        for (int si = 0; si < s->n_seeds; si++) {
            lms_sweep_run_dir(s->out_dir, s->variants[v], s->lrs[k],
                              s->seeds[si], dir, sizeof dir);
            if (lms_sweep_read_summary(dir, &rs, err, sizeof err) == 0)
                lms_run_failed(&rs, RULE) ? f++ : o++;
        }
        if (!f || !o)
            continue;
        double bal = (double)(f < o ? f : o) + 1e-3 * (f + o);
        if (bal > best_bal) {
            best_bal = bal;
            best = k;
            *nfail = f;
            *nok = o;
        }
    }
    return best;
}

/* One variant's table: 0 when written, 1 when its seeds do not give one,
 * -1 with a message when a data file cannot be written. */
static int variant_table(FILE *f, const lms_sweep *s, int v, int k,
                         const char *data_dir, double warmup, char *werr,
                         size_t werrlen) {
    lms_series grp[2][64], med[2] = {{0, NULL}, {0, NULL}};
    int n[2] = {0, 0}, rc = 1;
    char dir[4300], path[4600], err[512];
    lms_run_summary rs;
    for (int si = 0; si < s->n_seeds; si++) {
        lms_sweep_run_dir(s->out_dir, s->variants[v], s->lrs[k], s->seeds[si],
                          dir, sizeof dir);
        if (lms_sweep_read_summary(dir, &rs, err, sizeof err) != 0)
            continue;
        int g = lms_run_failed(&rs, RULE);
        if (n[g] == 64)
            continue;
        snprintf(path, sizeof path, "%s/split_%s_%ld.dat", data_dir,
                 s->variants[v], s->seeds[si]);
        const int x = lms_report_extract(dir, path, werr, werrlen);
        if (x < 0) {
            rc = -1;
            goto out;
        }
        if (x > 0) /* no metrics.csv (a run kept by its summary alone) */
            continue;
        if (lms_series_load(path, &grp[g][n[g]]) != 0) {
            free(grp[g][n[g]].v); /* (NULL: the load sets it first) */
            continue;
        }
        n[g]++;
    }
    if (!n[0] || !n[1] || lms_series_median(grp[0], n[0], &med[0]) != 0 ||
        lms_series_median(grp[1], n[1], &med[1]) != 0)
        goto out;
    static const char *const names[7] = {"qkv", "proj", "fc1", "fc2",
                                         "max attention score",
                                         "max abs output logit", "log Z (mean)"};
    fprintf(f, "**%s** at lr %.4g: %d seeds failed, %d survived (default rule)."
            " Medians over each group.%s\n\n| signal | survived: at warmup end "
            "-> max after | failed: at warmup end -> max after | max, failed / "
            "survived | first step failed > 2x survived |\n|---|---|---|---|---|\n",
            s->variants[v], s->lrs[k], n[1], n[0],
            n[0] < 3 || n[1] < 3 ? " With fewer than 3 seeds on a side, a "
            "median is one run or the mean of two: an example, not a "
            "comparison." : "");
    for (int o = 0; o < 7; o++) {
        int c = 4 + o;
        double ow, om, bw, bm;
        lms_series_after(&med[0], c, warmup, &ow, &om);
        lms_series_after(&med[1], c, warmup, &bw, &bm);
        /* log Z moves in nats: separation is a 1-nat gap, not a ratio */
        double t = o == 6 ? lms_series_first_sep(&med[0], &med[1], c, 1.0, 1.0)
                          : lms_series_first_sep(&med[0], &med[1], c, 2.0, 0.0);
        char when[32] = "never";
        if (isfinite(t))
            snprintf(when, sizeof when, "%.0f%s", t, o == 6 ? " (+1 nat)" : "");
        fprintf(f, "| %s | %.3g -> %.3g | %.3g -> %.3g | %.2fx | %s |\n",
                names[o], ow, om, bw, bm, bm / om, when);
    }
    double loss_sep = lms_series_first_sep(&med[0], &med[1], 1, 1.0, 0.25);
    if (isfinite(loss_sep))
        fprintf(f, "\nThe failed seeds' smoothed training loss first exceeds the "
                "survivors' by 0.25 nats at step %.0f.\n\n", loss_sep);
    else
        fprintf(f, "\nThe groups' smoothed training losses never differ by 0.25 "
                "nats.\n\n");
    rc = 0;
out:
    for (int g = 0; g < 2; g++) {
        for (int i = 0; i < n[g]; i++)
            free(grp[g][i].v);
        free(med[g].v);
    }
    return rc;
}

int lms_report_split_tables(FILE *f, const lms_sweep *s, const char *data_dir,
                            double warmup, char *err, size_t errlen) {
    fprintf(f, "## Signals of failing vs surviving seeds at the same learning "
            "rate\n\nThe paper's claim (a), tested without comparing different "
            "learning rates: at the LR where a variant's seeds split most evenly "
            "under the default rule, the layer-mean output norm of each linear "
            "op, the max attention score and the LM head's logit signals, "
            "median over the seeds that failed against the seeds that survived. "
            "Warmup ends at step %.0f.\n\n", warmup);
    int any = 0;
    for (int v = 0; v < s->n_variants; v++) {
        int nf = 0, no = 0, k = split_lr(s, v, &nf, &no);
        const int t = k >= 0 ? variant_table(f, s, v, k, data_dir, warmup,
                                             err, errlen) : 1;
        if (t < 0)
            return -1;
        any |= t == 0;
    }
    if (!any)
        fprintf(f, "No learning rate has both failing and surviving seeds of one "
                "variant yet.\n\n");
    return 0;
}
