/* How lmstab compare reads a change (compare_internal.h): its text, the
 * fits it rests on, and the page's opening paragraph, under the rules of
 * docs/results/protocol.md (sections 3, 3d and its Changes). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/compare_internal.h"
#include "util/appendf.h"

void lms_cmp_fmt_change(char *b, size_t n, const lms_estimate *e, int exponent) {
    if (!isfinite(e->value)) {
        snprintf(b, n, "-");
        return;
    }
    int k = exponent ? snprintf(b, n, "%+.2f", e->value)
                     : snprintf(b, n, "%.3gx", e->value);
    if (isfinite(e->lo) && isfinite(e->hi))
        k += exponent ? snprintf(b + k, n - k, " [%+.2f, %+.2f]", e->lo, e->hi)
                      : snprintf(b + k, n - k, " [%.3g, %.3g]", e->lo, e->hi);
    if (e->undefined > 0.025 && k < (int)n)
        snprintf(b + k, n - k, " (%.0f%% of resamples undefined)",
                 100 * e->undefined);
}

/* Whether the fits that a change of union variant u under
 * rule r rests on pass the test (p >= 0.05) in the first and the last sweep
 * (the variant's, and for a ratio the reference's): 0 yes, 1 one is flagged
 * (p < 0.05), 2 none flagged but one untested (too few LRs with 2 or more
 * runs). The failing ones are listed in why ("X in S, ..."). */
int lms_cmp_fits_blocking(const cmp *m, int u, int r, int ratio, char *why,
                         size_t n) {
    size_t k = 0;
    int worst = 0;
    why[0] = '\0';
    for (int e = 0; e < 2; e++) {
        const int j = e ? m->n - 1 : 0;
        const csweep *w = &m->sw[j];
        for (int side = 0; side < 1 + ratio; side++) {
            const int v = side ? w->ref : m->vmap[j][u];
            if (v < 0)
                continue;
            const double p = w->c[r][v].gof_p;
            const int bad = p < 0.05 ? 1 : isnan(p) ? 2 : 0;
            if (!bad)
                continue;
            lms_appendf(why, n, &k, "%s%s in %s (%s)", k ? ", " : "",
                        side ? m->reference : m->variants[u], w->name,
                        bad == 1 ? "flagged" : "untested");
            worst = worst == 1 || bad == 1 ? 1 : 2;
        }
    }
    return worst;
}

/* ": DIR under the declared rule (...)" for a change with a null check q
 * whose fits pass: the protocol's direction after its stop 25 entry (both
 * percentile and both calibrated intervals on one side of 1), with the
 * calibrated intervals, and what the percentile rule alone would say where
 * the two differ. Returns the direction. */
static const char *declared_direction(char *out, size_t n, size_t *k,
                                      const lms_estimate *pct,
                                      const lms_estimate *ind,
                                      const lms_null_check *q) {
    const char *p = lms_compare_direction(pct, ind);
    if (!strcmp(q->declared, "-")) {
        lms_appendf(out, n, k, ": not resolved under the declared rule, "
                    "which needs intervals calibrated on at least 40 "
                    "simulated comparisons with one (percentile intervals "
                    "alone: %s)", p);
        return "not resolved";
    }
    lms_appendf(out, n, k, ": %s under the declared rule (section 3d with "
                "the protocol's stop 25 entry, for a comparison read after it: "
                "both percentile and both calibrated intervals on one side of "
                "1; calibrated: paired "
                "[%.3g, %.3g], independent [%.3g, %.3g]", q->declared,
                q->pcal.lo, q->pcal.hi, q->ical.lo, q->ical.hi);
    if (strcmp(p, q->declared))
        lms_appendf(out, n, k, "; percentile intervals alone: %s", p);
    lms_appendf(out, n, k, ")");
    return q->declared;
}

/* "name r [lo, hi]" of a variant's rho in sweep w (stop 27's interval;
 * "-" without a rho) */
static void rho_text(char *b, size_t n, const csweep *w, int v,
                     const char *name) {
    lms_estimate e = {NAN, NAN, NAN, NAN};
    if (lms_seed_rho_interval(w->curve_runs[1], w->n_runs, v,
                              LMS_RHO_RESAMPLES, &e) != 0)
        e.value = NAN; /* (out of memory: said as no rho) */
    lms_rho_text(b, n, name, &e);
}

/* Stop 26's check beside a stated direction of union variant u's change
 * (ratio: against the reference): how often the null simulated with the
 * seeds' dependence states one on the same side, said when above 5%
 * (twice nominal), with each sweep's rho and its 95% interval (stop 27)
 * for the reader to judge how firm that dependence is. */
static void dependent_caveat(char *out, size_t n, size_t *k, const cmp *m,
                             int u, int ratio, const lms_null_check *q,
                             int grew) {
    if (!lms_null_check_dependent(q) || q->dep_checked <= 0)
        return;
    const int hits = grew ? q->dep_grew : q->dep_shrank;
    const double rate = (double)hits / q->dep_checked;
    if (!(rate > 0.05))
        return;
    lms_appendf(out, n, k, "; but with the seeds' dependence (ρ");
    for (int e = 0; e < 2; e++) {
        const int j = e ? m->n - 1 : 0;
        const csweep *w = &m->sw[j];
        char a[96], b[96] = "";
        rho_text(a, sizeof a, w, m->vmap[j][u], m->variants[u]);
        if (ratio)
            rho_text(b, sizeof b, w, w->ref, m->reference);
        lms_appendf(out, n, k, "%s in %s: %s%s%s", e ? ";" : "", w->name, a,
                    ratio ? ", " : "", b);
    }
    lms_appendf(out, n, k, ") the null check states a direction on this "
                "side in %.1f%% of %d simulated comparisons with no change "
                "and both intervals, above 5%% (protocol, Changes, stop 26)",
                100 * rate, q->dep_checked);
}

/* The opening paragraph: per variant, how its LR50 ratio to the reference
 * (the reference: its LR50) moved from the first sweep to the last under
 * the default rule, and where the other rules put the change. */
void lms_cmp_reading(const cmp *m, const lms_null_check *all, char *out,
                     size_t n) {
    size_t k = 0;
    out[0] = '\0';
    const csweep *a = &m->sw[0], *z = &m->sw[m->n - 1];
    for (int u = 0; u < m->nv; u++) {
        lms_estimate ch[LMS_N_RULES], sl;
        const int is_ref = !strcmp(m->variants[u], m->reference);
        if (m->vmap[0][u] < 0 || m->vmap[m->n - 1][u] < 0)
            continue; /* not in both: nothing to follow */
        if (!lms_cmp_trend(m, u, 1, is_ref ? 0 : 1, 0, &ch[1], &sl)) {
            int j = 0; /* the first sweep without it */
            while (j < m->n - 1 && m->vmap[j][u] >= 0 &&
                   lms_curve_defined(&m->sw[j].c[1][m->vmap[j][u]]) &&
                   (is_ref || (m->sw[j].ref >= 0 &&
                               lms_curve_defined(&m->sw[j].c[1][m->sw[j].ref]))))
                j++;
            if (is_ref)
                lms_appendf(out, n, &k, "%s%s: no LR50 in %s under the default rule "
                    "(it failed on all or none of its runs there, or was not "
                    "run).", k ? " " : "", m->variants[u], m->sw[j].name);
            else
                lms_appendf(out, n, &k, "%s%s: no LR50 ratio to %s in %s under the "
                    "default rule (one of the two failed on all or none of its "
                    "runs there, or was not run).", k ? " " : "",
                    m->variants[u], m->reference, m->sw[j].name);
            continue;
        }
        lms_estimate ind[LMS_N_RULES];
        for (int r = 0; r < LMS_N_RULES; r++) {
            if (r != 1 && !lms_cmp_trend(m, u, r, is_ref ? 0 : 1, 0, &ch[r], &sl))
                ch[r].value = ch[r].lo = ch[r].hi = NAN;
            if (!lms_cmp_trend(m, u, r, is_ref ? 0 : 1, 1, &ind[r], &sl))
                ind[r].lo = ind[r].hi = NAN;
        }
        const int va = m->vmap[0][u], vz = m->vmap[m->n - 1][u];
        const lms_estimate *ea = is_ref ? &a->c[1][va].lr50 : &a->c[1][va].ratio50;
        const lms_estimate *ez = is_ref ? &z->c[1][vz].lr50 : &z->c[1][vz].ratio50;
        char c1[160];
        lms_cmp_fmt_change(c1, sizeof c1, &ch[1], 0);
        if (is_ref)
            lms_appendf(out, n, &k, "%sFrom %s to %s, the LR50 of %s went from %.3g to "
                "%.3g", k ? " " : "", a->name, z->name, m->variants[u],
                ea->value, ez->value);
        else
            lms_appendf(out, n, &k, "%sFrom %s to %s, the LR50 of %s relative to %s "
                "went from %.3g to %.3g", k ? " " : "", a->name, z->name,
                m->variants[u], m->reference, ea->value, ez->value);
        lms_appendf(out, n, &k, ", a change of %s", c1);
        if (isfinite(ind[1].lo) && isfinite(ind[1].hi))
            lms_appendf(out, n, &k, " (independent resampling: [%.3g, %.3g])",
                        ind[1].lo, ind[1].hi);
        /* a curve the runs do not follow, or one not tested, carries no
         * direction (protocol, sections 3 and 3d): then the failures are
         * to be read LR by LR in the sweeps' reports */
        char why[512];
        const int blocked = lms_cmp_fits_blocking(m, u, 1, !is_ref, why, sizeof why);
        if (blocked) {
            lms_appendf(out, n, &k, " under the default rule; no direction is "
                        "stated, since a fit it rests on did not pass the test "
                        "(flagged: p < 0.05; untested: fewer than 3 LRs with 2 "
                        "or more runs): %s; read its failures LR by LR in each "
                        "sweep's report", why);
        } else {
            const lms_null_check *q = all && all[u * 2 + !is_ref].sims
                                          ? &all[u * 2 + !is_ref] : NULL;
            const char *dir = q ? declared_direction(out, n, &k, &ch[1],
                                                     &ind[1], q)
                                : lms_compare_direction(&ch[1], &ind[1]);
            if (!q)
                lms_appendf(out, n, &k, ": %s", dir);
            /* a ratio below 1 that grows is the reference's advantage
             * shrinking: said in those words, which is how it is read */
            const char *word = NULL;
            const int resolved = !strcmp(dir, "grew") || !strcmp(dir, "shrank");
            const int whose = is_ref || !resolved ? 0
                : lms_compare_advantage(ea->value, ez->value, ch[1].lo,
                                        ch[1].hi, &word);
            if (whose == 1)
                lms_appendf(out, n, &k, ", so %s's advantage over it %s",
                            m->reference, word);
            else if (whose == 2)
                lms_appendf(out, n, &k, ", so its advantage over %s %s",
                            m->reference, word);
            lms_appendf(out, n, &k, " (default rule)");
            if (q && resolved)
                dependent_caveat(out, n, &k, m, u, !is_ref, q,
                                 !strcmp(dir, "grew"));
        }
        /* the other rules, each under the same fit condition */
        lms_appendf(out, n, &k, "; the other rules, for sensitivity:");
        for (int r = 0; r < LMS_N_RULES; r += 2) {
            char w2[512];
            const int b2 = lms_cmp_fits_blocking(m, u, r, !is_ref, w2, sizeof w2);
            lms_appendf(out, n, &k, "%s %s %s", r ? "," : "",
                        lms_sweep_rule_name(r),
                        !isfinite(ch[r].value) ? "no curve"
                        : b2 == 1 ? "no direction (a fit flagged)"
                        : b2 == 2 ? "no direction (a fit untested)"
                                  : lms_compare_direction(&ch[r], &ind[r]));
        }
        lms_appendf(out, n, &k, ".");
        /* a middle sweep's flagged fit: the change does not rest on it */
        int mid = 0;
        for (int j = 1; j < m->n - 1; j++)
            for (int side = 0; side < 2 - is_ref; side++) {
                const int v = side ? m->sw[j].ref : m->vmap[j][u];
                if (v < 0 || !(m->sw[j].c[1][v].gof_p < 0.05))
                    continue;
                lms_appendf(out, n, &k, "%s %s in %s",
                            mid ? "," : " The default rule's fit is flagged "
                                        "also for",
                            side ? m->reference : m->variants[u], m->sw[j].name);
                mid = 1;
            }
        if (mid)
            lms_appendf(out, n, &k, " (a middle sweep: the change does not "
                        "rest on it).");
    }
    if (!k) {
        int shared = 0;
        for (int u = 0; u < m->nv; u++)
            shared |= m->vmap[0][u] >= 0 && m->vmap[m->n - 1][u] >= 0;
        if (shared)
            lms_appendf(out, n, &k, "No variant has runs in both %s and %s "
                        "to compare yet.", a->name, z->name);
        else
            lms_appendf(out, n, &k, "No variant of %s is one of %s (variants "
                        "are matched by name): nothing to compare.", a->name,
                        z->name);
    }
    if (all && k)
        lms_appendf(out, n, &k, " A default-rule direction here is the "
                    "one declared for a comparison read after the protocol's "
                    "stop 25 entry (section 3d with that entry; one read "
                    "before keeps its reading: the column \"declared\" of \"Intervals "
                    "calibrated for the test of 1\" below); the other "
                    "rules' directions, for sensitivity, rest on the "
                    "percentile intervals alone.");
    /* the protocol's provisional rule holds for a comparison too */
    for (int j = 0; j < m->n; j++) {
        int lo, hi;
        char have[32];
        if (!lms_sweep_band_seeds(&m->sw[j].s, &lo, &hi) ||
            lo >= m->sw[j].s.edge_seeds)
            continue;
        snprintf(have, sizeof have, lo == hi ? "%d" : "%d to %d", lo, hi);
        lms_appendf(out, n, &k, " Provisional: %s's edge bands have %s of "
                    "their %d seeds so far, and no claim is made before all "
                    "(docs/results/protocol.md).", m->sw[j].name, have,
                    m->sw[j].s.edge_seeds);
    }
}
