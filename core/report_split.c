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

#include "lmstab/sweep.h"
#include "report_internal.h"
#include "sweep_internal.h"

#define NCOL 11     /* the columns of lms_report_extract */
#define MAX_ROWS 20000
#define RULE 1      /* default */

typedef struct series {
    int n;
    double (*v)[NCOL];
} series;

static int load(const char *path, series *s) {
    s->n = 0;
    s->v = malloc(sizeof *s->v * MAX_ROWS);
    FILE *f = fopen(path, "r");
    if (!f || !s->v) {
        if (f)
            fclose(f);
        return -1;
    }
    char line[2048];
    while (s->n < MAX_ROWS && fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        char *p = line;
        for (int c = 0; c < NCOL; c++)
            s->v[s->n][c] = strtod(p, &p);
        s->n++;
    }
    fclose(f);
    return 0;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Row-wise median of column c over the runs (rows aligned: every run logs
 * the same steps); NaN where no run has a value. */
static void median(const series *runs, int n, int c, double *out, int rows) {
    double vals[64];
    for (int i = 0; i < rows; i++) {
        int m = 0;
        for (int r = 0; r < n && m < 64; r++)
            if (i < runs[r].n && isfinite(runs[r].v[i][c]))
                vals[m++] = runs[r].v[i][c];
        if (m == 0) {
            out[i] = NAN;
            continue;
        }
        qsort(vals, (size_t)m, sizeof *vals, cmp_double);
        out[i] = m % 2 ? vals[m / 2] : 0.5 * (vals[m / 2 - 1] + vals[m / 2]);
    }
}

/* The value at the first row at step >= from and the largest after. */
static void after(const double *v, const double *step, int rows, double from,
                  double *at, double *mx) {
    *at = *mx = NAN;
    for (int i = 0; i < rows; i++) {
        if (step[i] < from || !isfinite(v[i]))
            continue;
        if (isnan(*at))
            *at = v[i];
        if (isnan(*mx) || v[i] > *mx)
            *mx = v[i];
    }
}

/* First step where bad > factor * ok + add (the losses smoothed first). */
static double first_sep(const double *ok, const double *bad, const double *step,
                        int rows, double factor, double add) {
    double eo = NAN, eb = NAN;
    for (int i = 0; i < rows; i++) {
        double a = ok[i], b = bad[i];
        if (!isfinite(a) || !isfinite(b))
            continue;
        if (add > 0) {
            eo = isnan(eo) ? a : 0.8 * eo + 0.2 * a;
            eb = isnan(eb) ? b : 0.8 * eb + 0.2 * b;
            a = eo;
            b = eb;
        }
        if (b > factor * a + add)
            return step[i];
    }
    return NAN;
}

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

/* One variant's table; 0 when written. */
static int variant_table(FILE *f, const lms_sweep *s, int v, int k,
                         const char *data_dir, double warmup) {
    series grp[2][64];
    int n[2] = {0, 0}, rows = 0, rc = -1;
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
        if (lms_report_extract(dir, path) != 0 || load(path, &grp[g][n[g]]) != 0) {
            free(grp[g][n[g]].v);
            continue;
        }
        rows = grp[g][n[g]].n > rows ? grp[g][n[g]].n : rows;
        n[g]++;
    }
    double *med[2][NCOL];
    memset(med, 0, sizeof med);
    if (!n[0] || !n[1] || rows == 0)
        goto out;
    for (int g = 0; g < 2; g++)
        for (int c = 0; c < NCOL; c++) {
            if (!(med[g][c] = malloc(sizeof(double) * (size_t)rows)))
                goto out;
            median(grp[g], n[g], c, med[g][c], rows);
        }
    static const char *const names[7] = {"qkv", "proj", "fc1", "fc2",
                                         "max attention score",
                                         "max abs output logit", "log Z (mean)"};
    fprintf(f, "**%s** at lr %.4g: %d seeds failed, %d survived (default rule)."
            " Medians over each group.\n\n| signal | survived: at warmup end "
            "-> max after | failed: at warmup end -> max after | max, failed / "
            "survived | first step failed > 2x survived |\n|---|---|---|---|---|\n",
            s->variants[v], s->lrs[k], n[1], n[0]);
    const double *step = med[0][0];
    for (int o = 0; o < 7; o++) {
        int c = 4 + o;
        double ow, om, bw, bm;
        after(med[0][c], step, rows, warmup, &ow, &om);
        after(med[1][c], step, rows, warmup, &bw, &bm);
        /* log Z moves in nats: separation is a 1-nat gap, not a ratio */
        double t = o == 6 ? first_sep(med[0][c], med[1][c], step, rows, 1.0, 1.0)
                          : first_sep(med[0][c], med[1][c], step, rows, 2.0, 0.0);
        char when[32] = "never";
        if (isfinite(t))
            snprintf(when, sizeof when, "%.0f%s", t, o == 6 ? " (+1 nat)" : "");
        fprintf(f, "| %s | %.3g -> %.3g | %.3g -> %.3g | %.2fx | %s |\n",
                names[o], ow, om, bw, bm, bm / om, when);
    }
    double loss_sep = first_sep(med[0][1], med[1][1], step, rows, 1.0, 0.25);
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
        for (int c = 0; c < NCOL; c++)
            free(med[g][c]);
    }
    return rc;
}

void lms_report_split_tables(FILE *f, const lms_sweep *s, const char *data_dir,
                             double warmup) {
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
        if (k >= 0 && variant_table(f, s, v, k, data_dir, warmup) == 0)
            any = 1;
    }
    if (!any)
        fprintf(f, "No learning rate has both failing and surviving seeds of one "
                "variant yet.\n\n");
}
