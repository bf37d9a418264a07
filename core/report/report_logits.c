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
#include "sweep/failcurve.h"
#include "sweep/sweep.h"
#include "sweep/sweep_internal.h"
#include "util/fsutil.h"
#include "util/order.h"

typedef struct cell {
    int runs, fails;   /* as the failure curves count them (default rule) */
    int n, nonfinite;  /* runs that logged the signals, finite / not */
    int drifted;       /* finite runs whose final |log Z| passed the line */
    double *logz, *peak;
} cell;

/* One run's signals (parallel to the curve runs): got 1 (finite), -1
 * (non-finite) or 0 (not logged). */
typedef struct rsig {
    int v, got;
    double logz;
} rsig;

/* Drift, as declared before the z-loss runs (protocol, section 3c): the
 * final mean log Z beyond twice its value at initialisation, ln V, either
 * way, or non-finite. */
static int drifted(const rsig *r, double line) {
    return r->got < 0 || (r->got > 0 && fabs(r->logz) > line);
}

/* Column index of name in a header split by split(), or -1. */
static int column(char **cols, int n, const char *name) {
    for (int i = 0; i < n; i++)
        if (!strcmp(cols[i], name))
            return i;
    return -1;
}

/* Split a CSV line in place (no quoting in metrics.csv) into at most max
 * fields; how many. */
static int split(char *line, char **cols, int max) {
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; n < max; p++) {
        cols[n++] = p;
        if (!(p = strchr(p, ',')))
            break;
        *p = '\0';
    }
    return n;
}

/* The run's last logged mean log Z and its largest max |logit|, straight
 * from metrics.csv (training rows only, any length). 1 when it logged them
 * and every value was finite, -1 when one was not (the divergence the
 * table is for), 0 when it logged none. */
static int run_signals(const char *dir, double *logz, double *peak) {
    char path[4400], err[512];
    snprintf(path, sizeof path, "%s/metrics.csv", dir);
    FILE *f = lms_fopen_regular(path, err, sizeof err);
    if (!f)
        return 0;
    enum { MAXC = 8192 };
    char **cols = malloc(sizeof *cols * MAXC), *line = NULL;
    size_t cap = 0;
    int have = 0, bad = 0, cz = -1, cm = -1, cl = -1, nh = 0;
    if (cols && getline(&line, &cap, f) > 0) {
        nh = split(line, cols, MAXC);
        cz = column(cols, nh, "head.log_z");
        cm = column(cols, nh, "head.max_abs_logit");
        cl = column(cols, nh, "train_loss");
    }
    *logz = *peak = NAN;
    while (cz >= 0 && cm >= 0 && cl >= 0 && getline(&line, &cap, f) > 0) {
        const int n = split(line, cols, MAXC);
        if (n <= cz || n <= cm || n <= cl || !cols[cl][0])
            continue; /* short, or the final evaluation-only row */
        if (cols[cz][0]) {
            *logz = strtod(cols[cz], NULL);
            bad |= !isfinite(*logz);
            have = 1;
        }
        if (cols[cm][0]) {
            const double m = strtod(cols[cm], NULL);
            bad |= !isfinite(m);
            if (isfinite(m) && !(m <= *peak))
                *peak = m;
            have = 1;
        }
    }
    free(line);
    free(cols);
    fclose(f);
    return bad ? -1 : have && isfinite(*logz) && isfinite(*peak);
}

/* Runs that drifted per variant, and for each declared pair the runs both
 * made (same LR and seed) that logged the signals, drifted side by side
 * with McNemar's exact test: does the second variant (z-loss, say) drift
 * less on the same runs? */
static void drift_summary(FILE *f, const lms_sweep *s, const rsig *sig,
                          const lms_curve_run *runs, size_t n, double line) {
    fprintf(f, "\nRuns that drifted (final |log Z| > %.2f, or non-finite), "
            "of those that logged the signals:", line);
    for (int v = 0; v < s->n_variants; v++) {
        int d = 0, m = 0;
        for (size_t i = 0; i < n; i++)
            if (sig[i].v == v && sig[i].got) {
                m++;
                d += drifted(&sig[i], line);
            }
        fprintf(f, "%s %s %d of %d", v ? ";" : "", s->variants[v], d, m);
    }
    fprintf(f, ".\n\n");
    size_t *ia = malloc((n + 1) * sizeof *ia), *ib = malloc((n + 1) * sizeof *ib);
    if (s->n_pairs && ia && ib) {
        fprintf(f, "Drift in the declared pairs (`[sweep] pairs`), on the runs "
                "both variants made at the same LR and seed: drifted in both / "
                "the first only / the second only, McNemar's exact test of the "
                "last two (runs treated as independent: it describes).\n\n"
                "| pair | shared runs | both / first / second | McNemar p |\n"
                "|---|---|---|---|\n");
        for (int p = 0; p < s->n_pairs; p++) {
            const int a = s->pair[p][0], b = s->pair[p][1];
            const size_t np = lms_curve_runs_pair(runs, n, a, runs, n, b, ia, ib);
            int m = 0, cnt[3] = {0, 0, 0};
            for (size_t i = 0; i < np; i++) {
                const rsig *x = &sig[ia[i]], *y = &sig[ib[i]];
                if (!x->got || !y->got) /* both must have logged the signals */
                    continue;
                const int da = drifted(x, line), db = drifted(y, line);
                cnt[0] += da && db;
                cnt[1] += da && !db;
                cnt[2] += !da && db;
                m++;
            }
            fprintf(f, "| %s → %s | %d | %d / %d / %d | %.2g |\n",
                    s->variants[a], s->variants[b], m, cnt[0], cnt[1], cnt[2],
                    lms_mcnemar_exact(cnt[1], cnt[2]));
        }
        fputc('\n', f);
    }
    free(ia);
    free(ib);
}

void lms_report_logits_table(FILE *f, const lms_sweep *s, int vocab) {
    const int nv = s->n_variants, nk = s->n_lrs, ns = s->n_seeds;
    const size_t max = (size_t)nv * nk * ns + 1;
    cell *c = calloc((size_t)nv * nk, sizeof *c);
    double *store = malloc(sizeof(double) * 2 * max);
    rsig *sig = malloc(sizeof *sig * max);
    const double line = 2 * log(vocab > 1 ? vocab : 2);
    lms_curve_run *runs[LMS_N_RULES] = {malloc(max * sizeof(lms_curve_run)),
                                        malloc(max * sizeof(lms_curve_run)),
                                        malloc(max * sizeof(lms_curve_run))};
    int order[LMS_SWEEP_MAX_LRS];
    if (!c || !store || !sig || !runs[0] || !runs[1] || !runs[2])
        goto out;
    for (int i = 0; i < nv * nk; i++) {
        c[i].logz = store + 2 * (size_t)i * ns;
        c[i].peak = c[i].logz + ns;
    }
    /* the runs and their failures exactly as the failure curves count them */
    const size_t n = lms_sweep_curve_runs(s, runs, max);
    char dir[4300];
    int any = 0;
    for (size_t i = 0; i < n; i++) {
        const lms_curve_run *r = &runs[1][i];
        sig[i] = (rsig){r->variant, 0, NAN};
        int k = 0;
        while (k < nk && s->lrs[k] != r->lr)
            k++;
        if (k == nk)
            continue;
        cell *x = &c[r->variant * nk + k];
        x->runs++;
        x->fails += r->failed;
        lms_sweep_run_dir(s->out_dir, s->variants[r->variant], r->lr, r->seed,
                          dir, sizeof dir);
        const int got = run_signals(dir, &x->logz[x->n], &x->peak[x->n]);
        sig[i] = (rsig){r->variant, got, x->logz[x->n]};
        x->drifted += got > 0 && drifted(&sig[i], line);
        x->n += got > 0;
        x->nonfinite += got < 0;
        any |= got != 0;
    }
    if (!any)
        goto out;
    fprintf(f, "## The LM head's logits by learning rate\n\nOutput-logit "
            "divergence (Wortsman et al. 2023, section 3.1.2) is the output "
            "softmax's log-partition log Z drifting away while the loss, "
            "invariant to it, does not show it; z-loss penalises log Z^2 to "
            "hold it. Each cell: the median over the seeds run of the final "
            "mean log Z / the largest max |logit| any logged step reached "
            "(failed / runs under the default rule, counted as the failure "
            "curves count them; runs whose log Z or max |logit| became "
            "infinite or NaN are counted apart as non-finite, and a cell says "
            "how many runs logged the signals when not all did). At "
            "initialisation log Z is about ln %d = %.2f; \"drifted\": runs "
            "whose final |log Z| passed twice that, %.2f (declared before "
            "the z-loss runs: protocol, section 3c).\n\n| LR |", vocab,
            line / 2, line);
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
            row |= c[v * nk + k].n + c[v * nk + k].nonfinite > 0;
        if (!row)
            continue;
        fprintf(f, "| %.4g |", s->lrs[k]);
        for (int v = 0; v < nv; v++) {
            cell *x = &c[v * nk + k];
            if (!x->n && !x->nonfinite) {
                fprintf(f, " |");
                continue;
            }
            if (x->n)
                fprintf(f, " %.2f / %.3g", lms_median(x->logz, (size_t)x->n),
                        lms_median(x->peak, (size_t)x->n));
            else
                fprintf(f, " -");
            fprintf(f, " (%d/%d", x->fails, x->runs);
            if (x->drifted)
                fprintf(f, "; %d drifted", x->drifted);
            if (x->nonfinite)
                fprintf(f, "; %d non-finite", x->nonfinite);
            if (x->n + x->nonfinite < x->runs)
                fprintf(f, "; %d logged", x->n + x->nonfinite);
            fprintf(f, ") |");
        }
        fputc('\n', f);
    }
    drift_summary(f, s, sig, runs[1], n, line);
out:
    free(c);
    free(store);
    free(sig);
    for (int r = 0; r < LMS_N_RULES; r++)
        free(runs[r]);
}
