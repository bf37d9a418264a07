/* The null check of a sweep's ratios (lmstab report --null-check N): how
 * often a variant's LR50 ratio to the reference would have an interval
 * that excludes 1, and a claim the protocol would make, when the variant's
 * edge is the reference's. Each simulated sweep keeps the two variants'
 * runs (LRs and seeds) and draws every outcome from a fitted default-rule
 * curve: the reference's own, and the variant's own slope placed at the
 * reference's LR50 (ratio 1). Both are then fitted, tested and resampled
 * over the seeds as the report's table does. The same simulations test no
 * difference directly: the share whose point ratio is at least as far from
 * 1 as the sweep's (null_sim.h). Runs are drawn independently, also across
 * one seed's LRs, which real seeds need not be: the check measures the
 * interval's calibration under the fitted curves, not every way runs vary.
 * Where a variant's seeds hang together (report_dependence.c's copula,
 * rho > 0 by its estimate), the same simulations are made again with that
 * dependence, and the percentile and calibrated intervals' exclusions
 * counted: whether the calibration survives the dependence the runs
 * show. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/compare.h" /* LMS_NULL_SAMPLES, LMS_NULL_SEED */
#include "report/null_calib.h"
#include "report/null_sim.h"
#include "report/report_internal.h"
#include "sweep/sweep.h"
#include "sweep/sweep_internal.h"
#include "util/appendf.h"
#include "util/clock.h"

#define DEFAULT_RULE 1

typedef struct ratio_null {
    int sims;      /* simulated */
    int defined;   /* with a ratio and an interval */
    int excludes;  /* ... that excludes 1 */
    int fits_pass; /* neither fit fails the test (p < 0.05) */
    int stated;    /* excludes 1 and the fits pass: a claim */
    int above;     /* the interval lies above 1 (a higher-LR claim's side) */
    int stated_above; /* ... and the fits pass: a claim of section 3 */
    double observed; /* the sweep's ratio */
    int extreme;   /* simulated ratios at least as far from 1, or none */
    int no_point;  /* simulated sweeps without a ratio */
    double level_lo, level_hi; /* the calibrated levels (null_calib.h) */
    int cv_excludes, cv_above; /* the calibration on the other half */
    int cv_checked; /* ... over so many simulated sweeps */
    double cal_lo, cal_hi; /* the sweep's ratio at the calibrated levels */
    double rho[2]; /* the copula's rho of the variant and the reference */
    int dep_sims, dep_defined; /* simulated with rho, with an interval */
    int dep_excludes, dep_above; /* the percentile interval excludes 1 ... */
    int dep_cal_excludes, dep_cal_above; /* ... the calibrated one */
    int dep_claims, dep_claims_below; /* both intervals above (below) 1 and
                                         the fits pass: a claim */
    const char *declared; /* the claim the protocol states (stop 25) */
    char name[160]; /* the variant, or "b/a" for a declared pair a:b */
    int num, den;   /* their indices: the variant (b), the reference (a) */
    double ratio, lo, hi; /* the sweep's ratio and its percentile interval */
} ratio_null;

/* Whether either variant's seeds hang together by the copula's estimate. */
static int dependent(const ratio_null *q) {
    return q->rho[0] > 0 || q->rho[1] > 0;
}

/* One simulated sweep of the design d under the curves f: drawn
 * independently, or with the copula's rho (null_sim.h) when rho is given;
 * then fitted and resampled as the report's table is (lms_null_sim_value:
 * whether the fits pass, or -1). */
static int simulate(lms_curve_run *d, size_t nd, const lms_logit f[2],
                    const double *rho, double *latent, lms_rng *rng,
                    lms_curve c[2], int *defined, double *point, double *boot,
                    double *val) {
    if (rho)
        lms_null_draw_copula(d, nd, f, rho, latent, rng);
    else
        lms_null_draw(d, nd, f, rng);
    return lms_null_sim_value(d, nd, 2, LMS_NULL_SAMPLES, LMS_BOOT_SEED, c, 1,
                              defined, point, boot, val);
}

/* The same null with the seeds' dependence (out->rho): sims simulated
 * sweeps of the design d, their percentile intervals and those at the
 * calibrated levels (none without levels) counted into out. */
static int check_dependent(lms_curve_run *d, size_t nd, const lms_logit f[2],
                           int v, int sims, FILE *progress, const char *name,
                           double *boot, double *val, double *latent,
                           ratio_null *out) {
    const double rho[2] = {isfinite(out->rho[0]) ? out->rho[0] : 0,
                           isfinite(out->rho[1]) ? out->rho[1] : 0};
    lms_rng rng; /* a stream of its own: the draws above do not move */
    lms_rng_seed(&rng, LMS_NULL_SEED, 0xc0b1aULL + (unsigned)v);
    char label[200];
    snprintf(label, sizeof label, "%s, seeds dependent", name);
    const double t0 = lms_now();
    double shown = t0;
    const int cal = isfinite(out->level_lo) && isfinite(out->level_hi);
    for (int s = 0; s < sims; s++) {
        lms_null_progress(progress, &shown, "report", label, s, sims);
        lms_curve c[2];
        int defined;
        double point;
        const int pass = simulate(d, nd, f, rho, latent, &rng, c, &defined,
                                  &point, boot, val);
        if (pass < 0)
            return -1;
        out->dep_sims++;
        const lms_estimate *e = &c[0].ratio50;
        if (!(defined && isfinite(e->lo) && isfinite(e->hi)))
            continue;
        out->dep_defined++;
        out->dep_excludes += e->lo > 1 || e->hi < 1;
        out->dep_above += e->lo > 1;
        if (!cal)
            continue;
        const lms_null_rank r = lms_null_rank_of(val, LMS_NULL_SAMPLES);
        const int side = lms_null_rank_side(&r, out->level_lo, out->level_hi);
        out->dep_cal_excludes += side != 0;
        out->dep_cal_above += side > 0;
        out->dep_claims += side > 0 && e->lo > 1 && pass;
        out->dep_claims_below += side < 0 && e->hi < 1 && pass;
    }
    lms_null_progress_done(progress, "report", label, out->dep_sims, t0);
    return 0;
}

/* sims simulated sweeps of variant v against ref under the null. */
static int check_one(const lms_curve_run *runs, size_t n, int v, int ref,
                     const lms_curve *cv, const lms_curve *cr,
                     const double rho[2], int sims, FILE *progress,
                     const char *name, ratio_null *out) {
    const double t0 = lms_now();
    memset(out, 0, sizeof *out);
    out->rho[0] = rho[0];
    out->rho[1] = rho[1];
    out->observed = cv->lr50.value / cr->lr50.value;
    const lms_logit f[2] = {{-cv->fit.b * log(cr->lr50.value), cv->fit.b, 1},
                            cr->fit};
    lms_curve_run *d = malloc(sizeof *d * (n + 1));
    double *boot = malloc(sizeof(double) * 4 * LMS_NULL_SAMPLES);
    double *val = malloc(sizeof(double) * LMS_NULL_SAMPLES);
    lms_null_rank *rank = malloc(sizeof *rank * (size_t)(sims + 1));
    double *latent = malloc(sizeof *latent * (n + 1));
    int rc = -1;
    if (!d || !boot || !val || !rank || !latent)
        goto out;
    const size_t nd = lms_null_design(runs, n, v, ref, d);
    lms_rng rng; /* a stream per variant */
    lms_rng_seed(&rng, LMS_NULL_SEED, 0x4e0a1ULL + (unsigned)v);
    double shown = lms_now();
    for (int s = 0; s < sims; s++) {
        lms_null_progress(progress, &shown, "report", name, s, sims);
        lms_curve c[2];
        int defined;
        double point;
        const int pass = simulate(d, nd, f, NULL, NULL, &rng, c, &defined,
                                  &point, boot, val);
        if (pass < 0)
            goto out;
        out->sims++;
        out->no_point += !(isfinite(point) && point > 0);
        out->extreme += lms_null_extreme(point, out->observed);
        const lms_estimate *e = &c[0].ratio50;
        const int has = defined && isfinite(e->lo) && isfinite(e->hi);
        /* val holds the resamples behind e (NaN without a curve) */
        rank[s] = has ? lms_null_rank_of(val, LMS_NULL_SAMPLES)
                      : (lms_null_rank){0, 0, 0};
        if (!has)
            continue;
        const int ex = e->lo > 1 || e->hi < 1;
        out->defined++;
        out->excludes += ex;
        out->fits_pass += pass;
        out->stated += ex && pass;
        out->above += e->lo > 1;
        out->stated_above += e->lo > 1 && pass;
    }
    lms_null_calibrate(rank, out->sims, 0.025, &out->level_lo,
                       &out->level_hi);
    out->cv_excludes = lms_null_calibration_check(
        rank, out->sims, 0.025, &out->cv_above, &out->cv_checked);
    lms_null_progress_done(progress, "report", name, out->sims, t0);
    if (dependent(out) &&
        check_dependent(d, nd, f, v, sims, progress, name, boot, val, latent,
                        out) != 0)
        goto out;
    rc = 0;
out:
    free(latent);
    free(d);
    free(boot);
    free(val);
    free(rank);
    return rc;
}

/* The calibrated intervals' table (null_calib.h). */
static void write_calibrated(FILE *md, const ratio_null *rows, int n_rows) {
    fprintf(md, "### Intervals calibrated for the test of 1\n\nThe "
            "percentile interval above excludes 1 more often than 5%% when "
            "there is no difference. \"It lies above 1\" is a test (fewer "
            "than 2.5%% of the resamples at or below 1); the same simulated "
            "sweeps give its critical value (prepivoting, Beran 1988): the "
            "percentile levels at which the simulated sweeps' intervals lie "
            "above 1 in at most 2.5%% of those with an interval, and below 1 "
            "in at most 2.5%%, applied to this sweep's %d resamples (the "
            "simulations have %d each). It holds under the check's model only "
            "(the fitted curves as true, independent runs), and says nothing "
            "of coverage at other ratios. \"-\": fewer than 40 simulated "
            "sweeps with an interval. \"Declared\": the claim the protocol "
            "states for a sweep read after its stop 25 entry (section 3; for "
            "a pair b/a, b against a): a higher (lower) LR only when the "
            "percentile and the calibrated interval both lie above (below) 1 "
            "and neither fit is flagged (p < 0.05); the other rules have no "
            "calibrated interval. The last two columns check the levels "
            "on simulations they were not fitted to: fitted on half of them, "
            "applied to the other half, and the other way round (expected a "
            "little above 5%% and 2.5%%: each tail rests on its half's "
            "simulations; this measures that noise, not the model). A check "
            "beside the declared reading (protocol, Changes, 2026-12-02, stop "
            "25).\n\n"
            "| variant | ratio | 95%% interval (percentile) | "
            "calibrated at 1 | levels | declared | held out: excludes 1 | "
            "held out: above 1 |\n|---|---|---|---|---|---|---|---|\n",
            LMS_BOOT_SAMPLES, LMS_NULL_SAMPLES);
    for (int r = 0; r < n_rows; r++) {
        const ratio_null *q = &rows[r];
        char cal[96] = "-", cv[64], ca[64];
        if (isfinite(q->cal_lo) && isfinite(q->cal_hi))
            snprintf(cal, sizeof cal, "[%.3g, %.3g]", q->cal_lo, q->cal_hi);
        lms_null_fmt_share(cv, sizeof cv, q->cv_excludes, q->cv_checked);
        lms_null_fmt_share(ca, sizeof ca, q->cv_above, q->cv_checked);
        char lv[64] = "-";
        if (isfinite(q->level_lo))
            snprintf(lv, sizeof lv, "%.2f%%, %.2f%%", 100 * q->level_lo,
                     100 * q->level_hi);
        char pct[96] = "-";
        if (isfinite(q->lo) && isfinite(q->hi))
            snprintf(pct, sizeof pct, "[%.3g, %.3g]", q->lo, q->hi);
        fprintf(md, "| %s | %.3g | %s | %s | %s | %s | %s | %s |\n", q->name,
                q->ratio, pct, cal, lv, q->declared, cv, ca);
    }
    fputc('\n', md);
}

/* The intervals under the seeds' estimated dependence (check_dependent). */
static void write_dependent(FILE *md, const ratio_null *rows, int n_rows,
                            int sims) {
    fprintf(md, "### The same null with dependent seeds\n\nThe simulations "
            "above draw every run on its own. Where the variant's or the "
            "reference's seeds (for a pair b/a: b's or a's) hang together "
            "across LRs by the estimate below (ρ > 0, the Gaussian copula of "
            "the next section, which keeps each LR's failure probability), "
            "%d sweeps are simulated again, each variant's runs with its own "
            "ρ, and their intervals judged as above: the percentile interval "
            "at 2.5%% and 97.5%% (shares of all simulated sweeps, as above), "
            "and the calibrated one at the levels fitted on the independent "
            "simulations (shares of those with an interval, as the levels "
            "are fitted). A claim: both intervals on one side of 1 and the "
            "fits passing. Nominal: 5%% excluding 1, 2.5%% a side; a share "
            "well above says the intervals are too short for seeds that hang "
            "together as much as these, and a claim should wait for more "
            "seeds. ρ is a point estimate: a check beside the declared "
            "reading (protocol, Changes, stop 26), not a rule.\n\n"
            "| variant | ρ (variant, reference) | simulated (with an "
            "interval) | percentile: excludes 1 | percentile: above 1 | "
            "calibrated: excludes 1 | calibrated: a claim above 1 | "
            "calibrated: a claim below 1 |\n"
            "|---|---|---|---|---|---|---|---|\n", sims);
    for (int r = 0; r < n_rows; r++) {
        const ratio_null *q = &rows[r];
        char rh[64], r0[24] = "-", r1[24] = "-";
        if (isfinite(q->rho[0]))
            snprintf(r0, sizeof r0, "%.2f", q->rho[0]);
        if (isfinite(q->rho[1]))
            snprintf(r1, sizeof r1, "%.2f", q->rho[1]);
        snprintf(rh, sizeof rh, "%s, %s", r0, r1);
        if (!dependent(q)) {
            fprintf(md, "| %s | %s | (independent: the check above) | | | | "
                    "| |\n", q->name, rh);
            continue;
        }
        char ex[64], ab[64], cex[64] = "-", cab[64] = "-", cbe[64] = "-";
        lms_null_fmt_share(ex, sizeof ex, q->dep_excludes, q->dep_sims);
        lms_null_fmt_share(ab, sizeof ab, q->dep_above, q->dep_sims);
        if (isfinite(q->level_lo)) {
            lms_null_fmt_share(cex, sizeof cex, q->dep_cal_excludes,
                               q->dep_defined);
            lms_null_fmt_share(cab, sizeof cab, q->dep_claims, q->dep_defined);
            lms_null_fmt_share(cbe, sizeof cbe, q->dep_claims_below,
                               q->dep_defined);
        }
        fprintf(md, "| %s | %s | %d (%d) | %s | %s | %s | %s | %s |\n",
                q->name, rh, q->dep_sims, q->dep_defined, ex, ab, cex, cab,
                cbe);
    }
    fputc('\n', md);
}

/* One comparison's null check (variant num against den: a variant and the
 * reference, or a declared pair), calibrated, as a row of the section's
 * table and of report_null.csv (ratio: scratch for 2 * LMS_BOOT_SAMPLES);
 * 0, or -1 out of memory. */
static int one_row(FILE *md, FILE *csv, const lms_curve_run *runs, size_t n,
                   const lms_curve *c, const double *boot, int nv, int num,
                   int den, const double *rho, const char *name, int sims,
                   FILE *progress, double *ratio, ratio_null *q) {
    const double r[2] = {rho[num], rho[den]};
    if (check_one(runs, n, num, den, &c[num], &c[den], r, sims, progress,
                  name, q) != 0)
        return -1;
    snprintf(q->name, sizeof q->name, "%s", name);
    q->num = num;
    q->den = den;
    /* the sweep's resampled ratios, as the table's interval takes them
     * (twice: an interval reorders its copy) */
    double *again = ratio + LMS_BOOT_SAMPLES;
    lms_curve_ratio_samples(boot, LMS_BOOT_SAMPLES, nv, num, den, ratio);
    memcpy(again, ratio, sizeof *again * LMS_BOOT_SAMPLES);
    lms_estimate e = {NAN, NAN, NAN, NAN};
    q->ratio = c[num].lr50.value / c[den].lr50.value;
    lms_percentile_interval(ratio, LMS_BOOT_SAMPLES, &e);
    long seeds[2];
    const int one_seed = lms_curve_seeds(runs, n, seeds, 2) < 2;
    q->lo = one_seed ? NAN : e.lo; /* (one seed resampled is itself) */
    q->hi = one_seed ? NAN : e.hi;
    e.lo = e.hi = NAN;
    if (isfinite(q->level_lo) && isfinite(q->lo))
        lms_percentile_interval_at(again, LMS_BOOT_SAMPLES, q->level_lo,
                                   q->level_hi, &e);
    q->cal_lo = e.lo;
    q->cal_hi = e.hi;
    /* section 3 with stop 25: both intervals on one side, neither fit
     * flagged (p < 0.05; an untested fit does not block a claim here) */
    if (c[num].gof_p < 0.05 || c[den].gof_p < 0.05)
        q->declared = "no claim (a fit flagged)";
    else if (!isfinite(q->cal_lo) || !isfinite(q->lo))
        q->declared = "-";
    else if (q->lo > 1 && q->cal_lo > 1)
        q->declared = "higher LR";
    else if (q->hi < 1 && q->cal_hi < 1)
        q->declared = "lower LR";
    else
        q->declared = "not resolved";
    char ex[64], fp[64], st[64], ab[64], t[96];
    lms_null_fmt_share(ex, sizeof ex, q->excludes, q->sims);
    lms_null_fmt_share(fp, sizeof fp, q->fits_pass, q->sims);
    lms_null_fmt_share(st, sizeof st, q->stated, q->sims);
    lms_null_fmt_share(ab, sizeof ab, q->stated_above, q->sims);
    const double p = lms_null_pvalue(q->extreme, q->sims, q->observed);
    snprintf(t, sizeof t, "%.3gx: %.3g (%d of %d)", q->observed, p,
             q->extreme, q->sims);
    fprintf(md, "| %s | %d (%d with an interval) | %s | %s | %s | %s | %s |\n",
            name, q->sims, q->defined, ex, fp, st, ab, t);
    fprintf(csv, "%s,%d,%d,%d,%d,%d,%.6g,%d,%d,%.6g,%d,%d,%.6g,%.6g,%.6g,"
            "%.6g,%d,%d,%d,%.6g,%.6g,%d,%d,%d,%d,%d,%d,%d,%d,\"%s\"\n", name, q->sims,
            q->defined, q->excludes, q->fits_pass, q->stated, q->observed,
            q->extreme, q->no_point, p, q->above, q->stated_above,
            q->level_lo, q->level_hi, q->cal_lo, q->cal_hi, q->cv_excludes,
            q->cv_above, q->cv_checked, q->rho[0], q->rho[1], q->dep_sims,
            q->dep_defined, q->dep_excludes, q->dep_above,
            q->dep_cal_excludes, q->dep_cal_above, q->dep_claims,
            q->dep_claims_below, q->declared);
    return 0;
}

/* The reading's sentence of the declared claims (one per row), each
 * claim with stop 26's check beside it: where the same null simulated
 * with the seeds' dependence makes a claim on its side in more than 5% of
 * the simulated sweeps with an interval, it says so, with both variants'
 * ρ and their intervals (stop 27) for the reader to judge how firm that
 * dependence is. */
static void write_claims(char *out, size_t n, const ratio_null *rows,
                         int n_rows, const lms_estimate *rho_iv,
                         const lms_sweep *s, int sims) {
    size_t k = 0;
    out[0] = '\0';
    if (!n_rows)
        return;
    lms_appendf(out, n, &k, "Declared (protocol, section 3 with its stop 25 "
                "entry, for a sweep read after it; one read before keeps its "
                "reading: a higher or lower LR only when the percentile and the "
                "calibrated interval lie on that side of 1 and neither fit is "
                "flagged; %d simulated sweeps; a pair b/a is b against a):",
                sims);
    for (int r = 0; r < n_rows; r++) {
        const ratio_null *q = &rows[r];
        lms_appendf(out, n, &k, "%s %s against %s: %s", r ? ";" : "",
                    s->variants[q->num], s->variants[q->den],
                    strcmp(q->declared, "-") ? q->declared
                    : "no claim (no calibrated interval: fewer than 40 "
                      "simulated sweeps with one)");
        if (isfinite(q->lo) && isfinite(q->hi))
            lms_appendf(out, n, &k, " (ratio %.3g, percentile [%.3g, %.3g]",
                        q->ratio, q->lo, q->hi);
        else
            lms_appendf(out, n, &k, " (ratio %.3g, no interval", q->ratio);
        if (isfinite(q->cal_lo) && isfinite(q->cal_hi))
            lms_appendf(out, n, &k, ", calibrated [%.3g, %.3g]", q->cal_lo,
                        q->cal_hi);
        lms_appendf(out, n, &k, ")");
        const int up = !strcmp(q->declared, "higher LR"),
                  down = !strcmp(q->declared, "lower LR");
        if (!(up || down) || !dependent(q) || q->dep_defined <= 0 ||
            !isfinite(q->level_lo))
            continue;
        const int hits = up ? q->dep_claims : q->dep_claims_below;
        const double rate = (double)hits / q->dep_defined;
        if (!(rate > 0.05))
            continue;
        char a[96], b[96];
        lms_rho_text(a, sizeof a, s->variants[q->num], &rho_iv[q->num]);
        lms_rho_text(b, sizeof b, s->variants[q->den], &rho_iv[q->den]);
        lms_appendf(out, n, &k, ", but with the seeds' dependence (ρ %s; "
                    "%s) the null check makes this claim in %.1f%% of %d "
                    "simulated sweeps with an interval, above 5%% (protocol, "
                    "Changes, stop 26)", a, b, 100 * rate, q->dep_defined);
    }
    lms_appendf(out, n, &k, ".");
}

int lms_report_null(FILE *md, FILE *csv, FILE *dep, const lms_sweep *s,
                    int sims, FILE *progress, char *claims, size_t claims_len,
                    char *err, size_t errlen) {
    size_t max = (size_t)s->n_variants * s->n_lrs * s->n_seeds + 1;
    lms_curve_run *rr[LMS_N_RULES] = {malloc(max * sizeof(lms_curve_run)),
                                      malloc(max * sizeof(lms_curve_run)),
                                      malloc(max * sizeof(lms_curve_run))};
    lms_curve *c = malloc(sizeof *c * (size_t)s->n_variants);
    /* the table's resamples, for the calibrated intervals */
    double *boot = malloc(sizeof(double) * 2 * LMS_BOOT_SAMPLES *
                          (size_t)s->n_variants);
    double *ratio = malloc(sizeof(double) * 2 * LMS_BOOT_SAMPLES);
    ratio_null *nc = calloc((size_t)(s->n_variants + s->n_pairs), sizeof *nc);
    double *rho = malloc(sizeof *rho * (size_t)(s->n_variants + 1));
    lms_estimate *rho_iv = malloc(sizeof *rho_iv * (size_t)(s->n_variants + 1));
    int rc = -1, ref = -1;
    if (claims_len > 0)
        claims[0] = '\0';
    if (!rr[0] || !rr[1] || !rr[2] || !c || !boot || !ratio || !nc || !rho ||
        !rho_iv) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (int v = 0; v < s->n_variants; v++)
        if (!strcmp(s->variants[v], s->reference))
            ref = v;
    const size_t n = lms_sweep_curve_runs(s, rr, max);
    const lms_curve_run *runs = rr[DEFAULT_RULE];
    for (int v = 0; v < s->n_variants; v++) { /* NaN: no seed at two LRs */
        if (lms_seed_rho_interval(runs, n, v, LMS_RHO_RESAMPLES,
                                  &rho_iv[v]) != 0) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
        rho[v] = rho_iv[v].value;
    }
    /* the table's fits (its generator seed and resamples) */
    if (lms_curves_fit(runs, n, s->n_variants, ref >= 0 ? ref : 0,
                                   LMS_BOOT_SAMPLES, LMS_BOOT_SEED, c,
                                   boot) != 0) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    fprintf(md, "## Null check of the ratios\n\nHow often a variant's LR50 "
            "ratio to %s (default rule) would have an interval that excludes "
            "1, and a claim would be made (the interval excludes 1 and "
            "neither fit fails the test, p < 0.05, as the table reads it), if "
            "the variant's edge were %s's: from %d simulated sweeps per "
            "variant (`lmstab report --null-check %d`, generator seed %llu; "
            "%d resamples and fit-test draws each, the table's %d). Each "
            "keeps the two variants' runs (LRs and seeds) and draws every "
            "outcome from a fitted default-rule curve: %s's own, and the "
            "variant's own slope placed at %s's LR50. Outcomes are drawn "
            "independently, also across one seed's LRs (real seeds are not), "
            "so this measures the interval's calibration under the fitted "
            "curves. Nominal: 5%%. Shares with Wilson 95%% intervals. The "
            "last column tests no difference with the same simulations, "
            "without an interval: p = (1 + k) / (1 + n), k of the n simulated "
            "sweeps having a point ratio at least as far from 1 (on the log "
            "scale) as this sweep's, or none (counted against it). The "
            "protocol's claim is one-sided (a variant trains at a higher LR "
            "when its interval lies above 1): its false-claim rate is the "
            "column \"above 1, a claim\", nominal 2.5%%. Declared pairs "
            "(`[sweep] pairs` a:b) are checked the same way, in rows b/a with "
            "a in the reference's place. A check "
            "of the declared interval and a test beside it, not a rule "
            "(protocol, Changes, 2026-12-02).\n\n"
            "| variant | simulated | interval excludes 1 | fits pass | a "
            "claim (both) | above 1, a claim | ratio: p of no difference (k "
            "of n) |\n|---|---|---|---|---|---|---|\n",
            s->reference, s->reference, sims, sims, LMS_NULL_SEED,
            LMS_NULL_SAMPLES, LMS_BOOT_SAMPLES, s->reference, s->reference);
    fprintf(csv, "variant,sims,defined,excludes,fits_pass,stated,observed,"
            "extreme,no_point,p,above,stated_above,level_lo,level_hi,cal_lo,"
            "cal_hi,cv_excludes,cv_above,cv_checked,rho,rho_ref,dep_sims,"
            "dep_defined,dep_excludes,dep_above,dep_cal_excludes,dep_cal_above,"
            "dep_claims,dep_claims_below,declared\n");
    int rows = 0;
    for (int v = 0; ref >= 0 && v < s->n_variants; v++) {
        if (v == ref || !lms_curve_defined(&c[v]) ||
            !lms_curve_defined(&c[ref]))
            continue;
        if (one_row(md, csv, runs, n, c, boot, s->n_variants, v, ref, rho,
                    s->variants[v], sims, progress, ratio, &nc[rows++]) != 0) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
    }
    /* declared pairs a:b, b's LR50 over a's (one against the reference is
     * a row above already) */
    for (int k = 0; k < s->n_pairs; k++) {
        const int a = s->pair[k][0], b = s->pair[k][1];
        if (a == ref || !lms_curve_defined(&c[a]) || !lms_curve_defined(&c[b]))
            continue;
        char name[160];
        snprintf(name, sizeof name, "%s/%s", s->variants[b], s->variants[a]);
        if (one_row(md, csv, runs, n, c, boot, s->n_variants, b, a, rho, name,
                    sims, progress, ratio, &nc[rows++]) != 0) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
    }
    const int any = rows > 0;
    if (!any)
        fprintf(md, "| (no variant and %s with a default-rule LR50) | | | | "
                "| | |\n", s->reference);
    fputc('\n', md);
    if (any) {
        write_calibrated(md, nc, rows);
        write_dependent(md, nc, rows, sims);
    }
    if (lms_report_dependence(md, dep, s, runs, n, sims, rho_iv) != 0) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (claims_len > 0)
        write_claims(claims, claims_len, nc, rows, rho_iv, s, sims);
    rc = 0;
out:
    for (int r = 0; r < LMS_N_RULES; r++)
        free(rr[r]);
    free(c);
    free(boot);
    free(ratio);
    free(nc);
    free(rho);
    free(rho_iv);
    return rc;
}
