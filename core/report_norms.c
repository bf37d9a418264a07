/* The paper's signal in numbers: how much each linear op's output norm grows
 * in an unstable run against a converging run of the same variant, and
 * whether it grows before the loss separates. Reads the plot data files. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lmstab/fsutil.h"
#include "report_internal.h"

#define MAX_ROWS 100000
#define NCOL 11 /* step train_loss val_loss grad_norm qkv proj fc1 fc2
                    max_score max_abs_logit log_z */

typedef struct series {
    int n;
    double (*v)[NCOL];
} series;

static int load(const char *path, series *s) {
    s->n = 0;
    s->v = NULL;
    char err[512];
    FILE *f = lms_fopen_regular(path, err, sizeof err);
    if (!f)
        return -1;
    s->v = malloc(sizeof *s->v * MAX_ROWS);
    char line[1024];
    while (s->v && s->n < MAX_ROWS && fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        char *p = line;
        for (int c = 0; c < NCOL; c++)
            s->v[s->n][c] = strtod(p, &p);
        s->n++;
    }
    fclose(f);
    return s->n > 1 ? 0 : -1;
}

/* Value of column c at the first logged step >= from, and the largest
 * value at steps >= from. */
static void after(const series *s, int c, double from, double *at, double *mx) {
    *at = NAN;
    *mx = NAN;
    for (int i = 0; i < s->n; i++) {
        double v = s->v[i][c];
        if (s->v[i][0] < from || !isfinite(v))
            continue;
        if (isnan(*at))
            *at = v;
        if (isnan(*mx) || v > *mx)
            *mx = v;
    }
}

/* First step where bad's column exceeds factor x ok's at the same row
 * (rows are aligned by step: both runs log at the same steps). */
static double first_sep(const series *ok, const series *bad, int c, double factor,
                        double add) {
    int n = ok->n < bad->n ? ok->n : bad->n;
    double eo = NAN, eb = NAN;
    for (int i = 0; i < n; i++) {
        double a = ok->v[i][c], b = bad->v[i][c];
        if (!isfinite(a) || !isfinite(b))
            continue;
        if (add > 0) { /* smooth losses before comparing them */
            eo = isnan(eo) ? a : 0.8 * eo + 0.2 * a;
            eb = isnan(eb) ? b : 0.8 * eb + 0.2 * b;
            a = eo;
            b = eb;
        }
        if (b > factor * a + add)
            return bad->v[i][0];
    }
    return NAN;
}

int lms_report_norm_table(FILE *f, const char *variant, const char *ok_path,
                          const char *bad_path, double lr_ok, double lr_bad,
                          double warmup) {
    series ok, bad;
    if (load(ok_path, &ok) != 0 || load(bad_path, &bad) != 0) {
        free(ok.v);
        free(bad.v);
        return -1;
    }
    static const char *const names[LMS_REPORT_NOPS + 1] = {
        "qkv", "proj", "fc1", "fc2", "max attention score"};
    fprintf(f, "**%s** (converging: lr %.3g; unstable: lr %.3g)\n\n"
            "| output | converging: at warmup end -> max after | unstable: at "
            "warmup end -> max after | growth after warmup, unstable | max, "
            "unstable / converging | first step unstable > 2x converging |\n"
            "|---|---|---|---|---|---|\n", variant, lr_ok, lr_bad);
    for (int o = 0; o <= LMS_REPORT_NOPS; o++) {
        double ow, om, bw, bm;
        after(&ok, 4 + o, warmup, &ow, &om);
        after(&bad, 4 + o, warmup, &bw, &bm);
        double t = first_sep(&ok, &bad, 4 + o, 2.0, 0.0);
        char when[32] = "never";
        if (isfinite(t))
            snprintf(when, sizeof when, "%.0f", t);
        fprintf(f, "| %s | %.3g -> %.3g | %.3g -> %.3g | %.1fx | %.1fx | %s |\n",
                names[o], ow, om, bw, bm, bm / bw, bm / om, when);
    }
    double loss_sep = first_sep(&ok, &bad, 1, 1.0, 0.25);
    if (isfinite(loss_sep))
        fprintf(f, "\nThe smoothed training loss of the unstable run first exceeds "
                "the converging run's by 0.25 nats at step %.0f.\n\n", loss_sep);
    else
        fprintf(f, "\nThe smoothed training losses never differ by 0.25 nats.\n\n");
    free(ok.v);
    free(bad.v);
    return 0;
}
