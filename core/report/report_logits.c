/* The LM head's logits by learning rate: does the output softmax drift
 * (output-logit divergence, Wortsman et al. 2023, section 3.1.2), where, and
 * does z-loss hold it? Per variant and LR, medians over the seeds of the
 * final mean log Z and of the largest max |logit| any logged step reached,
 * beside how many of those seeds failed (default rule). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"
#include "sweep/sweep.h"
#include "sweep/sweep_internal.h"

#define COL_LOGIT 9 /* lms_report_extract's columns */
#define COL_LOGZ 10

typedef struct cell {
    int runs, fails, n; /* n: runs with logit signals */
    double *logz, *peak;
} cell;

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The run's final log Z and peak max |logit| from its metrics; 0 when it
 * logged them. tmp: a scratch data file. */
static int run_signals(const char *dir, const char *tmp, double *logz,
                       double *peak) {
    lms_series sr = {0, NULL};
    if (lms_report_extract(dir, tmp) != 0 || lms_series_load(tmp, &sr) != 0) {
        free(sr.v);
        return -1;
    }
    *logz = *peak = NAN;
    for (int i = 0; i < sr.n; i++) {
        if (isfinite(sr.v[i][COL_LOGZ]))
            *logz = sr.v[i][COL_LOGZ];
        if (isfinite(sr.v[i][COL_LOGIT]) && !(sr.v[i][COL_LOGIT] <= *peak))
            *peak = sr.v[i][COL_LOGIT];
    }
    free(sr.v);
    return isfinite(*logz) && isfinite(*peak) ? 0 : -1;
}

void lms_report_logits_table(FILE *f, const lms_sweep *s, const char *data_dir,
                             int vocab) {
    const int nv = s->n_variants, nk = s->n_lrs, ns = s->n_seeds;
    cell *c = calloc((size_t)nv * nk, sizeof *c);
    double *store = malloc(sizeof(double) * 2 * ((size_t)nv * nk * ns + 1));
    int order[LMS_SWEEP_MAX_LRS];
    if (!c || !store)
        goto out;
    char dir[4300], tmp[4400], err[512];
    snprintf(tmp, sizeof tmp, "%s/logits_scratch.dat", data_dir);
    lms_run_summary rs;
    int any = 0;
    for (int v = 0; v < nv; v++)
        for (int k = 0; k < nk; k++) {
            cell *x = &c[v * nk + k];
            x->logz = store + 2 * ((size_t)(v * nk + k) * ns);
            x->peak = x->logz + ns;
            for (int si = 0; si < ns; si++) {
                lms_sweep_run_dir(s->out_dir, s->variants[v], s->lrs[k],
                                  s->seeds[si], dir, sizeof dir);
                if (lms_sweep_read_summary(dir, &rs, err, sizeof err) != 0)
                    continue;
                x->runs++;
                x->fails += lms_run_failed(&rs, 1);
                if (run_signals(dir, tmp, &x->logz[x->n], &x->peak[x->n]) == 0)
                    x->n++;
            }
            any |= x->n > 0;
        }
    remove(tmp);
    if (!any)
        goto out;
    fprintf(f, "## The LM head's logits by learning rate\n\nOutput-logit "
            "divergence (Wortsman et al. 2023, section 3.1.2) is the output "
            "softmax's log-partition log Z drifting away while the loss, "
            "invariant to it, does not show it; z-loss penalises log Z^2 to "
            "hold it. Each cell: the median over the seeds run of the final "
            "mean log Z / the largest max |logit| any logged step reached "
            "(failed / runs, default rule). At initialisation log Z is about "
            "ln %d = %.2f.\n\n| LR |", vocab, log(vocab > 0 ? vocab : 1));
    for (int v = 0; v < nv; v++)
        fprintf(f, " %s |", s->variants[v]);
    fprintf(f, "\n|---|");
    for (int v = 0; v < nv; v++)
        fprintf(f, "---|");
    fputc('\n', f);
    for (int k = 0; k < nk; k++) { /* ascending LR (bands follow the grid) */
        int j = k;
        for (; j > 0 && s->lrs[order[j - 1]] > s->lrs[k]; j--)
            order[j] = order[j - 1];
        order[j] = k;
    }
    for (int i = 0; i < nk; i++) {
        const int k = order[i];
        int row = 0;
        for (int v = 0; v < nv; v++)
            row |= c[v * nk + k].n > 0;
        if (!row)
            continue;
        fprintf(f, "| %.4g |", s->lrs[k]);
        for (int v = 0; v < nv; v++) {
            cell *x = &c[v * nk + k];
            if (!x->n) {
                fprintf(f, " |");
                continue;
            }
            fprintf(f, " %.2f / %.3g (%d/%d) |", median(x->logz, x->n),
                    median(x->peak, x->n), x->fails, x->runs);
        }
        fputc('\n', f);
    }
    fputc('\n', f);
out:
    free(c);
    free(store);
}
