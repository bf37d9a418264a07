/* The null check of a comparison (lmstab compare --null-check N): how often
 * its change intervals exclude 1, and a direction is stated, when the
 * quantity did not change: a variant's ratio to the reference, or its own
 * LR50. Each simulated comparison keeps the two sweeps' designs (their
 * runs' LRs and seeds) and draws every run's outcome from a fitted curve:
 * in the first sweep the variant's (and the reference's) own default-rule
 * curves; in the last the reference's own and the variant's own slope
 * placed so that its ratio to the reference (its LR50) is the first
 * sweep's. Both are then fitted, resampled and read as the page reads the
 * real ones. Runs are drawn independently, also across the LRs of one
 * seed, which real seeds are not: the check measures the intervals'
 * calibration under the curves, not every way the runs may vary.
 * The same simulations test no change directly (a parametric bootstrap
 * test): the share of them whose point change lies at least as far from 1
 * as the page's, a p-value that needs no interval to be calibrated. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/compare_internal.h"
#include "report/null_calib.h"
#include "report/null_sim.h"
#include "util/clock.h"
#include "util/rng.h"

/* The calibrated levels of the paired (rp) and independent (ri) intervals
 * from out->sims simulated comparisons, and their check on held-out
 * halves: a direction needs both calibrated intervals on one side. */
static void calibrate(const lms_null_rank *rp, const lms_null_rank *ri,
                      lms_null_check *out) {
    const int n = out->sims;
    lms_null_calibrate(rp, n, 0.025, &out->plevel_lo, &out->plevel_hi);
    lms_null_calibrate(ri, n, 0.025, &out->ilevel_lo, &out->ilevel_hi);
    out->cv_paired = out->cv_independent = out->cv_both = out->cv_checked = 0;
    for (int half = 0; half < 2; half++) {
        double plo, phi, ilo, ihi;
        lms_null_calibrate_part(rp, n, half, 2, 0.025, &plo, &phi);
        lms_null_calibrate_part(ri, n, half, 2, 0.025, &ilo, &ihi);
        if (!isfinite(plo) || !isfinite(ilo))
            continue;
        for (int s = 1 - half; s < n; s += 2) {
            if (rp[s].m <= 0 || ri[s].m <= 0) /* (as the levels are fitted) */
                continue;
            out->cv_checked++;
            const int a = lms_null_rank_side(&rp[s], plo, phi);
            const int b = lms_null_rank_side(&ri[s], ilo, ihi);
            out->cv_paired += a != 0;
            out->cv_independent += b != 0;
            out->cv_both += a != 0 && a == b;
        }
    }
}

/* One simulated comparison's work: the designs of both sweeps, the null
 * curves, scratch, and what one simulation gives. */
typedef struct null_sim {
    lms_curve_run *da, *dz;
    size_t na, nz;
    lms_logit fa[2], fz[2];
    int nv, samples, last;
    double *boot, *r0, *r1, *r2, *chg, *latent;
    /* the result: the change's paired and independent intervals, where 1
     * lies among their resamples, the fits' tests, the point change */
    lms_estimate chp, chi;
    lms_null_rank rp, ri;
    int pa, pz;
    double xc;
} null_sim;

/* One simulated comparison: outcomes drawn independently (rho NULL) or
 * with the seeds' copula (rho: first sweep's two, last sweep's two). */
static int simulate(null_sim *q, const double *rho, lms_rng *rng) {
    if (rho) {
        lms_null_draw_copula(q->da, q->na, q->fa, rho, q->latent, rng);
        lms_null_draw_copula(q->dz, q->nz, q->fz, rho + 2, q->latent, rng);
    } else {
        lms_null_draw(q->da, q->na, q->fa, rng);
        lms_null_draw(q->dz, q->nz, q->fz, rng);
    }
    lms_curve c[2];
    int da_ok, dz_ok;
    double xa, xz;
    const int n = q->samples;
    q->pa = lms_null_sim_value(q->da, q->na, q->nv, n, LMS_BOOT_SEED, c, 0,
                               &da_ok, &xa, q->boot, q->r0);
    q->pz = lms_null_sim_value(q->dz, q->nz, q->nv, n, LMS_BOOT_SEED, c, 0,
                               &dz_ok, &xz, q->boot, q->r1);
    /* the last sweep again, from its own generator (its curves are those
     * just fitted) */
    if (q->pa < 0 || q->pz < 0 ||
        lms_null_sim_value(q->dz, q->nz, q->nv, n,
                           LMS_CMP_INDEPENDENT_SEED(q->last), NULL, 0, &dz_ok,
                           NULL, q->boot, q->r2) < 0)
        return -1;
    q->xc = xz / xa;
    const double point[2] = {1, 1}, x[2] = {0, 1};
    const double *paired[2] = {q->r0, q->r1}, *indep[2] = {q->r0, q->r2};
    lms_estimate sl;
    lms_compare_trend(paired, point, x, 2, n, &q->chp, &sl);
    lms_compare_trend(indep, point, x, 2, n, &q->chi, &sl);
    /* where 1 lies among the change's resamples (the calibration) */
    q->rp = q->ri = (lms_null_rank){0, 0, 0};
    if (isfinite(q->chp.lo) && isfinite(q->chp.hi)) {
        lms_compare_change_samples(q->r0, q->r1, n, q->chg);
        q->rp = lms_null_rank_of(q->chg, n);
    }
    if (isfinite(q->chi.lo) && isfinite(q->chi.hi)) {
        lms_compare_change_samples(q->r0, q->r2, n, q->chg);
        q->ri = lms_null_rank_of(q->chg, n);
    }
    return 0;
}

/* The same null with the seeds' dependence (out->rho_a, rho_z): sims
 * simulated comparisons judged by the percentile intervals and by the
 * calibrated levels fitted on the independent ones. */
static int check_dependent(null_sim *q, int u, int ratio, int sims,
                           unsigned long long seed, lms_null_check *out,
                           FILE *progress, const char *label) {
    double rho[4];
    for (int i = 0; i < 2; i++) {
        rho[i] = isfinite(out->rho_a[i]) ? out->rho_a[i] : 0;
        rho[2 + i] = isfinite(out->rho_z[i]) ? out->rho_z[i] : 0;
    }
    lms_rng rng; /* a stream of its own: the draws above do not move */
    lms_rng_seed(&rng, seed, (ratio ? 0xc0b100ULL : 0xc0c100ULL) + (unsigned)u);
    char lab[200];
    snprintf(lab, sizeof lab, "%s, seeds dependent", label);
    const int cal = isfinite(out->plevel_lo) && isfinite(out->ilevel_lo);
    const double t0 = lms_now();
    double shown = t0;
    for (int s = 0; s < sims; s++) {
        lms_null_progress(progress, &shown, "compare", lab, s, sims);
        if (simulate(q, rho, &rng) != 0)
            return -1;
        out->dep_sims++;
        if (!isfinite(q->chp.lo) || !isfinite(q->chp.hi))
            continue;
        out->dep_defined++;
        out->dep_paired += q->chp.lo > 1 || q->chp.hi < 1;
        out->dep_independent +=
            isfinite(q->chi.lo) && (q->chi.lo > 1 || q->chi.hi < 1);
        /* (the calibrated ones as the levels are fitted: with both) */
        if (!cal || q->ri.m <= 0)
            continue;
        out->dep_checked++;
        const int a = lms_null_rank_side(&q->rp, out->plevel_lo,
                                         out->plevel_hi);
        const int b = lms_null_rank_side(&q->ri, out->ilevel_lo,
                                         out->ilevel_hi);
        out->dep_cal_paired += a != 0;
        out->dep_cal_independent += b != 0;
        out->dep_cal_both += a != 0 && a == b;
        const int stated = a != 0 && a == b && q->pa && q->pz &&
                           !strcmp(lms_compare_direction(&q->chp, &q->chi),
                                   a > 0 ? "grew" : "shrank");
        out->dep_grew += stated && a > 0;
        out->dep_shrank += stated && a < 0;
    }
    lms_null_progress_done(progress, "compare", lab, out->dep_sims, t0);
    return 0;
}

int lms_cmp_null_check(const cmp *m, int u, int what, int sims, int samples,
                       unsigned long long seed, lms_null_check *out,
                       FILE *progress, const char *label) {
    memset(out, 0, sizeof *out);
    const csweep *a = &m->sw[0], *z = &m->sw[m->n - 1];
    const int va = m->vmap[0][u], vz = m->vmap[m->n - 1][u];
    const int ratio = what == 1, nv = ratio ? 2 : 1;
    if (va < 0 || vz < 0 || (ratio && (a->ref < 0 || z->ref < 0 || va == a->ref)))
        return 0;
    const lms_curve *ca = &a->c[1][va], *cz = &z->c[1][vz];
    const lms_curve *ra = ratio ? &a->c[1][a->ref] : ca;
    const lms_curve *rz = ratio ? &z->c[1][z->ref] : cz;
    if (!lms_curve_defined(ca) || !lms_curve_defined(ra) ||
        !lms_curve_defined(cz) || !lms_curve_defined(rz))
        return 0;
    lms_estimate obs, sl;
    out->observed = lms_cmp_trend(m, u, 1, what, 0, &obs, &sl) ? obs.value : NAN;
    /* the null: the last sweep's variant at the first sweep's ratio (its
     * LR50) */
    const double lr50 = ratio ? ca->ratio50.value * rz->lr50.value : ca->lr50.value;
    null_sim q = {.fa = {ca->fit, ra->fit},
                  .fz = {{-cz->fit.b * log(lr50), cz->fit.b, 1}, rz->fit},
                  .nv = nv, .samples = samples, .last = m->n - 1};
    const size_t most = a->n_runs > z->n_runs ? a->n_runs : z->n_runs;
    q.da = malloc(sizeof *q.da * (a->n_runs + 1));
    q.dz = malloc(sizeof *q.dz * (z->n_runs + 1));
    q.latent = malloc(sizeof *q.latent * (most + 1));
    q.boot = malloc(sizeof(double) * 4 * (size_t)samples);
    q.r0 = malloc(sizeof(double) * (size_t)samples);
    q.r1 = malloc(sizeof(double) * (size_t)samples);
    q.r2 = malloc(sizeof(double) * (size_t)samples);
    q.chg = malloc(sizeof(double) * (size_t)samples);
    lms_null_rank *rp = malloc(sizeof *rp * (size_t)(sims + 1));
    lms_null_rank *ri = malloc(sizeof *ri * (size_t)(sims + 1));
    int rc = -1;
    if (!q.da || !q.dz || !q.latent || !q.boot || !q.r0 || !q.r1 || !q.r2 ||
        !q.chg || !rp || !ri)
        goto out;
    q.na = lms_null_design(a->curve_runs[1], a->n_runs, va,
                           ratio ? a->ref : -1, q.da);
    q.nz = lms_null_design(z->curve_runs[1], z->n_runs, vz,
                           ratio ? z->ref : -1, q.dz);
    lms_rng rng; /* a stream per variant and quantity */
    lms_rng_seed(&rng, seed, (ratio ? 0x4e011ULL : 0x4e111ULL) + (unsigned)u);
    const double t0 = lms_now();
    double shown = t0;
    for (int s = 0; s < sims; s++) {
        lms_null_progress(progress, &shown, "compare", label, s, sims);
        if (simulate(&q, NULL, &rng) != 0)
            goto out;
        out->no_point += !(isfinite(q.xc) && q.xc > 0);
        out->extreme += lms_null_extreme(q.xc, out->observed);
        out->sims++;
        rp[s] = q.rp;
        ri[s] = q.ri;
        if (!isfinite(q.chp.lo) || !isfinite(q.chp.hi))
            continue;
        out->defined++;
        const int ep = q.chp.lo > 1 || q.chp.hi < 1;
        const int ei = isfinite(q.chi.lo) && (q.chi.lo > 1 || q.chi.hi < 1);
        const char *d = lms_compare_direction(&q.chp, &q.chi);
        const int stated = !strcmp(d, "grew") || !strcmp(d, "shrank");
        out->paired += ep;
        out->independent += ei;
        out->both += stated;
        out->fits_pass += q.pa && q.pz;
        out->stated += stated && q.pa && q.pz;
    }
    calibrate(rp, ri, out);
    if (out->sims)
        lms_null_progress_done(progress, "compare", label, out->sims, t0);
    /* the seeds' dependence in each sweep (report_dependence.c) */
    out->rho_a[0] = lms_seed_rho(a->curve_runs[1], a->n_runs, va);
    out->rho_z[0] = lms_seed_rho(z->curve_runs[1], z->n_runs, vz);
    out->rho_a[1] = ratio ? lms_seed_rho(a->curve_runs[1], a->n_runs, a->ref) : 0;
    out->rho_z[1] = ratio ? lms_seed_rho(z->curve_runs[1], z->n_runs, z->ref) : 0;
    if (lms_null_check_dependent(out) &&
        check_dependent(&q, u, ratio, sims, seed, out, progress, label) != 0)
        goto out;
    rc = 0;
out:
    free(q.da);
    free(q.dz);
    free(q.latent);
    free(q.boot);
    free(q.r0);
    free(q.r1);
    free(q.r2);
    free(q.chg);
    free(rp);
    free(ri);
    return rc;
}

int lms_null_check_dependent(const lms_null_check *nc) {
    return nc->rho_a[0] > 0 || nc->rho_a[1] > 0 || nc->rho_z[0] > 0 ||
           nc->rho_z[1] > 0;
}

double lms_null_p(const lms_null_check *nc) {
    return lms_null_pvalue(nc->extreme, nc->sims, nc->observed);
}

/* A calibrated interval, "[lo, hi] (levels a%, b%)", or "-". */
static void fmt_cal(char *b, size_t n, const lms_estimate *e, double lo,
                    double hi) {
    if (!isfinite(e->lo) || !isfinite(e->hi))
        snprintf(b, n, "-");
    else
        snprintf(b, n, "[%.3g, %.3g] (%.2f%%, %.2f%%)", e->lo, e->hi,
                 100 * lo, 100 * hi);
}

/* The direction the protocol declares for a sweep read after its stop 25
 * entry (section 3d with the calibrated rule): the fits pass, both
 * percentile intervals of the change lie on one side of 1 (the page's
 * direction) and both calibrated ones on the same side; "-" without
 * calibrated intervals. -1 on allocation failure. */
static int declared(const cmp *m, int u, int what, const lms_null_check *q,
                    const char **out) {
    char why[512];
    const int blocked = lms_cmp_fits_blocking(m, u, 1, what, why, sizeof why);
    lms_estimate pc, ic;
    if (lms_cmp_change_at(m, u, 1, what, 0, 0.025, 0.975, &pc) < 0 ||
        lms_cmp_change_at(m, u, 1, what, 1, 0.025, 0.975, &ic) < 0)
        return -1;
    if (blocked)
        *out = blocked == 1 ? "no direction (a fit flagged)"
                            : "no direction (a fit untested)";
    else if (!isfinite(q->pcal.lo) || !isfinite(q->ical.lo))
        *out = "-";
    else {
        const char *pct = lms_compare_direction(&pc, &ic);
        const char *cal = lms_compare_direction(&q->pcal, &q->ical);
        *out = (!strcmp(pct, "grew") || !strcmp(pct, "shrank")) &&
                       !strcmp(pct, cal)
                   ? pct : "not resolved";
    }
    return 0;
}

/* The calibrated intervals' table (null_calib.h). */
static void write_calibrated(FILE *f, const cmp *m, const lms_null_check *all) {
    fprintf(f, "### Intervals calibrated for the test of 1\n\nThat a "
            "change's interval excludes 1 is a test; the same simulations "
            "give each interval's critical value (prepivoting, Beran 1988): "
            "the percentile levels at which the simulated comparisons' "
            "intervals lie above 1 in at most 2.5%% of those with an "
            "interval and below 1 in at most 2.5%%, applied to this page's "
            "resamples, for the paired and the independent interval each. "
            "It holds under the check's model only (the fitted curves as "
            "true, independent runs), and says nothing of coverage at other "
            "changes. \"Calibrated\": both calibrated intervals on one "
            "side of 1, whatever the fits; \"declared\": the direction the "
            "protocol states for a sweep read after its stop 25 entry, grew "
            "or shrank only where the fits pass and both percentile "
            "intervals (the reading above) and both calibrated ones lie on "
            "that side of 1; \"-\": fewer than 40 "
            "simulated comparisons with an interval. The held-out columns "
            "check the levels on simulations they were not fitted to: "
            "fitted on half of them, applied to the other half, and the "
            "other way round (expected a little above 5%% for an interval: "
            "this measures the noise of the levels, not the model). A check "
            "beside the declared reading (protocol, Changes, 2026-12-02, "
            "stop 25).\n\n| variant | quantity | change | "
            "paired, calibrated (levels) | independent, calibrated (levels) "
            "| calibrated | declared | held out: paired excludes 1 | held "
            "out: independent excludes 1 | held out: a direction |\n"
            "|---|---|---|---|---|---|---|---|---|---|\n");
    for (int u = 0; u < m->nv; u++)
        for (int what = 0; what < 2; what++) {
            const lms_null_check *q = &all[u * 2 + what];
            if (!q->sims)
                continue;
            char pc[128], ic[128], cp[64], ci[64], cb[64];
            fmt_cal(pc, sizeof pc, &q->pcal, q->plevel_lo, q->plevel_hi);
            fmt_cal(ic, sizeof ic, &q->ical, q->ilevel_lo, q->ilevel_hi);
            lms_null_fmt_share(cp, sizeof cp, q->cv_paired, q->cv_checked);
            lms_null_fmt_share(ci, sizeof ci, q->cv_independent,
                               q->cv_checked);
            lms_null_fmt_share(cb, sizeof cb, q->cv_both, q->cv_checked);
            const char *d = isfinite(q->pcal.lo) && isfinite(q->ical.lo)
                                ? lms_compare_direction(&q->pcal, &q->ical)
                                : "-";
            fprintf(f, "| %s | %s | %.3gx | %s | %s | %s | %s | %s | %s | %s "
                    "|\n", m->variants[u], what ? "ratio" : "LR50",
                    q->pcal.value, pc, ic, d, q->declared, cp, ci, cb);
        }
    fputc('\n', f);
}

/* "a, b" of two rhos ("-" for one not estimated) */
static void fmt_rho(char *b, size_t n, const double r[2], int ratio) {
    char x[2][24];
    for (int i = 0; i < 2; i++)
        if (isfinite(r[i]))
            snprintf(x[i], sizeof x[i], "%.2f", r[i]);
        else
            snprintf(x[i], sizeof x[i], "-");
    if (ratio)
        snprintf(b, n, "%s, %s", x[0], x[1]);
    else
        snprintf(b, n, "%s", x[0]);
}

/* The same null with dependent seeds (check_dependent). */
static void write_dependent(FILE *f, const cmp *m, const lms_null_check *all,
                            int sims) {
    fprintf(f, "### The same null with dependent seeds\n\nThe simulations "
            "above draw every run on its own. Where a variant's or %s's "
            "seeds hang together across LRs in either sweep (ρ > 0: the "
            "Gaussian copula of `lmstab report --null-check`, which keeps "
            "each LR's failure probability; docs/cli.md), %d comparisons are "
            "simulated again with each sweep's ρ and judged as above: the "
            "percentile intervals (shares of all simulated comparisons, as "
            "above), and the calibrated ones at the levels fitted on the "
            "independent simulations (shares of those with both intervals, "
            "as the levels are fitted), with the directions the page would "
            "state, grew and shrank apart. Nominal: 5%% for an interval, "
            "2.5%% a side; a share well above says the intervals "
            "are too short for seeds that hang together as much as these. ρ "
            "is a point estimate: a check beside the declared reading "
            "(protocol, Changes, stop 26), not a rule.\n\n| variant | "
            "quantity | ρ in %s | ρ in %s | simulated (with an interval) | "
            "paired excludes 1 | independent excludes 1 | calibrated: paired "
            "| calibrated: independent | calibrated: grew stated | "
            "calibrated: shrank stated |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|\n", m->reference, sims,
            m->sw[0].name, m->sw[m->n - 1].name);
    for (int u = 0; u < m->nv; u++)
        for (int what = 0; what < 2; what++) {
            const lms_null_check *q = &all[u * 2 + what];
            if (!q->sims)
                continue;
            char ra[64], rz[64];
            fmt_rho(ra, sizeof ra, q->rho_a, what);
            fmt_rho(rz, sizeof rz, q->rho_z, what);
            if (!lms_null_check_dependent(q)) {
                fprintf(f, "| %s | %s | %s | %s | (independent: the check "
                        "above) | | | | | | |\n", m->variants[u],
                        what ? "ratio" : "LR50", ra, rz);
                continue;
            }
            char p[64], i[64], cp[64] = "-", ci[64] = "-", cg[64] = "-",
                                                        cs[64] = "-";
            lms_null_fmt_share(p, sizeof p, q->dep_paired, q->dep_sims);
            lms_null_fmt_share(i, sizeof i, q->dep_independent, q->dep_sims);
            if (isfinite(q->plevel_lo) && isfinite(q->ilevel_lo)) {
                lms_null_fmt_share(cp, sizeof cp, q->dep_cal_paired,
                                   q->dep_checked);
                lms_null_fmt_share(ci, sizeof ci, q->dep_cal_independent,
                                   q->dep_checked);
                lms_null_fmt_share(cg, sizeof cg, q->dep_grew, q->dep_checked);
                lms_null_fmt_share(cs, sizeof cs, q->dep_shrank,
                                   q->dep_checked);
            }
            fprintf(f, "| %s | %s | %s | %s | %d (%d) | %s | %s | %s | %s | "
                    "%s | %s |\n", m->variants[u], what ? "ratio" : "LR50", ra,
                    rz, q->dep_sims, q->dep_defined, p, i, cp, ci, cg, cs);
        }
    fputc('\n', f);
}

int lms_cmp_null_run(const cmp *m, int sims, FILE *progress,
                     lms_null_check **out) {
    lms_null_check *all = calloc((size_t)m->nv * 2 + 1, sizeof *all);
    if (!all)
        return -1;
    for (int u = 0; u < m->nv; u++)
        for (int what = 0; what < 2; what++) {
            lms_null_check *q = &all[u * 2 + what];
            char label[160];
            snprintf(label, sizeof label, "%s %s", m->variants[u],
                     what ? "ratio" : "LR50");
            if (lms_cmp_null_check(m, u, what, sims, LMS_NULL_SAMPLES,
                                   LMS_NULL_SEED, q, progress, label) != 0)
                goto fail;
            q->pcal = q->ical = (lms_estimate){NAN, NAN, NAN, NAN};
            q->declared = "-";
            if (!q->sims)
                continue;
            if (lms_cmp_change_at(m, u, 1, what, 0, q->plevel_lo,
                                  q->plevel_hi, &q->pcal) < 0 ||
                lms_cmp_change_at(m, u, 1, what, 1, q->ilevel_lo,
                                  q->ilevel_hi, &q->ical) < 0 ||
                declared(m, u, what, q, &q->declared) != 0)
                goto fail;
        }
    *out = all;
    return 0;
fail:
    free(all);
    return -1;
}

/* The null check's section and compare_null.csv (null_sims > 0). */
void lms_cmp_write_null(FILE *f, FILE *csv, const cmp *m,
                        const lms_null_check *all, int sims) {
    fprintf(f, "## Null check\n\nHow often this page's change of an LR50, "
            "or of a ratio to %s, would exclude 1 if it did not change, "
            "from %d simulated comparisons per variant and quantity (`lmstab "
            "compare --null-check %d`, %d resamples each, generator seed "
            "%llu). Each keeps both sweeps' runs (LRs and seeds) and draws "
            "every outcome from a fitted default-rule curve: in %s the "
            "variant's (and %s's) own; in %s, for an LR50, the variant's own "
            "slope placed at its LR50 in %s, and for a ratio %s's own curve "
            "and the variant's own slope placed at %s's ratio. Outcomes are "
            "drawn independently, also across one seed's LRs and across the "
            "sweeps (real seeds are not), so this measures the intervals' "
            "calibration under the fitted curves. Nominal: 5%% for an "
            "interval; a direction is stated only when both intervals "
            "exclude 1 and the fits pass. Shares of all simulated "
            "comparisons (one without a curve excludes nothing), with "
            "Wilson 95%% intervals. The last column tests no change with the "
            "same simulations, without an interval: p = (1 + k) / (1 + n), "
            "k of the n simulated comparisons having a point change at least "
            "as far from 1 (on the log scale) as this page's, or none (counted "
            "against the change).\n\n| variant | quantity | simulated | "
            "paired excludes 1 | independent excludes 1 | both (a "
            "direction) | fits pass | direction stated | change: p of no "
            "change (k of n) |\n|---|---|---|---|---|---|---|---|---|\n", m->reference, sims, sims, LMS_NULL_SAMPLES,
            (unsigned long long)LMS_NULL_SEED, m->sw[0].name, m->reference,
            m->sw[m->n - 1].name, m->sw[0].name, m->reference, m->sw[0].name);
    fprintf(csv, "variant,quantity,sims,defined,paired,independent,both,"
            "fits_pass,stated,observed,extreme,no_point,p,plevel_lo,"
            "plevel_hi,pcal_lo,pcal_hi,ilevel_lo,ilevel_hi,ical_lo,ical_hi,"
            "cv_paired,cv_independent,cv_both,cv_checked,rho_a,rho_a_ref,"
            "rho_z,rho_z_ref,dep_sims,dep_defined,dep_paired,dep_independent,"
            "dep_checked,dep_cal_paired,dep_cal_independent,dep_cal_both,"
            "dep_grew,dep_shrank,declared\n");
    int any = 0;
    for (int u = 0; u < m->nv; u++)
        for (int what = 0; what < 2; what++) {
            const lms_null_check *q = &all[u * 2 + what];
            if (!q->sims)
                continue;
            any = 1;
            char p[64], i[64], b[64], s[64], fp[64];
            lms_null_fmt_share(p, sizeof p, q->paired, q->sims);
            lms_null_fmt_share(i, sizeof i, q->independent, q->sims);
            lms_null_fmt_share(b, sizeof b, q->both, q->sims);
            lms_null_fmt_share(fp, sizeof fp, q->fits_pass, q->sims);
            lms_null_fmt_share(s, sizeof s, q->stated, q->sims);
            char t[96] = "-";
            const double pv = lms_null_p(q);
            if (isfinite(pv))
                snprintf(t, sizeof t, "%.3gx: %.3g (%d of %d)", q->observed,
                         pv, q->extreme, q->sims);
            fprintf(f, "| %s | %s | %d (%d with an interval) | %s | %s | %s | "
                    "%s | %s | %s |\n", m->variants[u], what ? "ratio" : "LR50",
                    q->sims, q->defined, p, i, b, fp, s, t);
            const lms_estimate *pc = &q->pcal, *ic = &q->ical;
            fprintf(csv, "%s,%s,%d,%d,%d,%d,%d,%d,%d,%.6g,%d,%d,%.6g,%.6g,"
                    "%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%d,%d,%d,%d,%.6g,%.6g,"
                    "%.6g,%.6g,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,\"%s\"\n",
                    m->variants[u], what ? "ratio50" : "lr50", q->sims,
                    q->defined, q->paired, q->independent, q->both,
                    q->fits_pass, q->stated, q->observed, q->extreme,
                    q->no_point, pv, q->plevel_lo, q->plevel_hi, pc->lo, pc->hi,
                    q->ilevel_lo, q->ilevel_hi, ic->lo, ic->hi, q->cv_paired,
                    q->cv_independent, q->cv_both, q->cv_checked, q->rho_a[0],
                    q->rho_a[1], q->rho_z[0], q->rho_z[1], q->dep_sims,
                    q->dep_defined, q->dep_paired, q->dep_independent,
                    q->dep_checked, q->dep_cal_paired, q->dep_cal_independent,
                    q->dep_cal_both, q->dep_grew, q->dep_shrank, q->declared);
        }
    if (!any)
        fprintf(f, "| (no variant has a curve in both %s and %s) | | | | | | "
                "| | |\n", m->sw[0].name, m->sw[m->n - 1].name);
    fputc('\n', f);
    if (any) {
        write_calibrated(f, m, all);
        write_dependent(f, m, all, sims);
    }
}
