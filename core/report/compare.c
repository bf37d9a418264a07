/* lmstab compare's page (report/compare.h): the tables of LR50 and its
 * ratio to the reference per sweep and rule with their change across the
 * sweeps, LR sensitivity, and the files written in order. The sweeps come
 * loaded and fitted from compare_load.c; the reading is compare_reading.c's,
 * the CSVs compare_csv.c's, the figures compare_plots.c's and the null
 * check compare_null.c's. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/compare_internal.h"
#include "report/report_internal.h"
#include "util/appendf.h"
#include "util/fsutil.h"
#include "util/outfile.h"

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
            lms_cmp_fmt_change(a, sizeof a, &ch, 0);
            lms_cmp_fmt_change(b, sizeof b, &sl, 1);
            if (lms_cmp_trend(m, u, r, what, 1, &chi, &sli) &&
                isfinite(chi.lo) && isfinite(chi.hi))
                snprintf(a + strlen(a), sizeof a - strlen(a),
                         "; independent [%.3g, %.3g]", chi.lo, chi.hi);
            const int fb = lms_cmp_fits_blocking(m, u, r, what, why, sizeof why);
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

/* The middle sweeps against the line through the first and the last
 * (3 or more sweeps of different sizes): descriptive (protocol, 3d). */
static int line_table(FILE *f, const cmp *m, int r) {
    fprintf(f, "### The middle sweeps against the line\n\nEach middle "
            "sweep's value over the line through the first and the last in "
            "log value against log parameters, at its size (t: where it lies "
            "between them, 0 the first, 1 the last), with the 95%% interval "
            "of that quotient over the matched resamples (none where one of "
            "the three sweeps has a single seed): **off the line** "
            "when it excludes 1; a sweep whose size is not between the "
            "ends' has no row. It describes the shape of the trend; the "
            "reading is the change from the first sweep to the last "
            "(protocol, section 3d).\n\n| variant | quantity | sweep (t) | "
            "value | the line | value / line [95%% CI] |\n"
            "|---|---|---|---|---|---|\n");
    int any = 0;
    for (int u = 0; u < m->nv; u++)
        for (int what = 0; what < 2; what++)
            for (int j = 1; j < m->n - 1; j++) {
                double t;
                lms_estimate off;
                if (what && !strcmp(m->variants[u], m->reference))
                    continue;
                const int ok = lms_cmp_off_line(m, u, r, what, j, &t, &off);
                if (ok < 0)
                    return -1;
                if (!ok)
                    continue;
                const lms_curve *c = &m->sw[j].c[r][m->vmap[j][u]];
                const double v = what ? c->ratio50.value : c->lr50.value;
                char b[200];
                lms_cmp_fmt_change(b, sizeof b, &off, 0);
                const int out = off.lo > 1 || off.hi < 1;
                fprintf(f, "| %s | %s | %s (%.2f) | %.3g | %.3g | %s%s |\n",
                        m->variants[u], what ? "ratio" : "LR50",
                        m->sw[j].name, t, v, v / off.value, b,
                        out ? " **off the line**" : "");
                any = 1;
            }
    if (!any)
        fprintf(f, "| (no variant with an estimate in every sweep, or no "
                "middle sweep between the ends' sizes) | | | | | |\n");
    fputc('\n', f);
    return 0;
}

static int write_page(FILE *f, FILE *runs_csv, const cmp *m,
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
        if (m->slope && line_table(f, m, rr) != 0)
            return -1;
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
    return 0;
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
    lms_null_check *checks = NULL;
    int rc = -1, plots = 1, drawn[2] = {0, 0};
    char path[4400];
    /* the page's files, committed together: compare.csv, compare_change.csv,
     * compare_runs.csv, compare.md, compare_null.csv, compare_line.csv */
    lms_out page[6] = {{0}}, html = {0};
    lms_out *csv = &page[0], *chg = &page[1], *runs = &page[2], *md = &page[3],
            *nul = &page[4], *line = &page[5];
    snprintf(path, sizeof path, "%s/sweep.json", out_dir);
    if (lms_path_exists(path)) { /* its plots/ and pages are the sweep's */
        lms_errf(err, errlen, "%s: --out names a sweep directory; a "
                 "comparison goes to a directory of its own", out_dir);
        goto out;
    }
    if (lms_cmp_load(&m, dirs, n, err, errlen) != 0 || lms_mkdirs(out_dir, err, errlen) != 0)
        goto out;
    static const char *const parts[3] = {"", "/plots", "/plots/data"};
    for (int i = 0; i < 3; i++) { /* what a killed compare left */
        snprintf(path, sizeof path, "%s%s", out_dir, parts[i]);
        lms_out_clean(path, NULL, 0);
    }
    /* the null check first: the reading states its declared directions
     * (minutes to hours at large N: its progress on stderr) */
    if (null_sims > 0 && lms_cmp_null_run(&m, null_sims, stderr, &checks) != 0) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    lms_cmp_reading(&m, checks, reading, rlen);
    snprintf(path, sizeof path, "%s/compare.csv", out_dir);
    if (!lms_out_open(csv, path, err, errlen))
        goto out;
    lms_cmp_write_csv(csv->f, &m);
    snprintf(path, sizeof path, "%s/compare_change.csv", out_dir);
    if (!lms_out_open(chg, path, err, errlen))
        goto out;
    lms_cmp_write_change_csv(chg->f, &m);
    snprintf(path, sizeof path, "%s/compare_line.csv", out_dir);
    if (!lms_out_open(line, path, err, errlen))
        goto out;
    if (lms_cmp_write_line_csv(line->f, &m) != 0) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if ((plots = lms_cmp_write_plots(out_dir, &m, drawn, err, errlen)) < 0)
        goto out;
    snprintf(path, sizeof path, "%s/compare_runs.csv", out_dir);
    if (!lms_out_open(runs, path, err, errlen))
        goto out;
    snprintf(path, sizeof path, "%s/compare.md", out_dir);
    if (!lms_out_open(md, path, err, errlen))
        goto out;
    if (write_page(md->f, runs->f, &m, reading, plots == 0, drawn) != 0) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    snprintf(path, sizeof path, "%s/compare_null.csv", out_dir);
    if (null_sims > 0) {
        if (!lms_out_open(nul, path, err, errlen))
            goto out;
        lms_cmp_write_null(md->f, nul->f, &m, checks, null_sims);
    }
    if (lms_out_commit_all(page, 6, err, errlen) != 0)
        goto out;
    /* without a null check, an earlier one goes with the page it belonged
     * to (a stale one would be published beside this page) */
    snprintf(path, sizeof path, "%s/compare_null.csv", out_dir);
    if (null_sims <= 0 && remove(path) != 0 && errno != ENOENT) {
        lms_errf(err, errlen, "%s: cannot remove: %s", path, strerror(errno));
        goto out;
    }
    snprintf(path, sizeof path, "%s/compare.md", out_dir); /* to HTML */
    FILE *in = lms_fopen_regular(path, err, errlen);
    if (!in)
        goto out;
    snprintf(path, sizeof path, "%s/compare.html", out_dir);
    if (!lms_out_open(&html, path, err, errlen)) {
        fclose(in);
        goto out;
    }
    lms_md_to_html(in, html.f, "lmstab sweep comparison");
    fclose(in);
    if (lms_out_commit(&html, err, errlen) != 0)
        goto out;
    rc = plots == 0 ? 0 : 1;
out:
    for (int i = 0; i < 6; i++)
        lms_out_abort(&page[i]);
    lms_out_abort(&html);
    free(checks);
    lms_cmp_free(&m);
    return rc;
}
