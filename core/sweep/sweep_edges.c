/* The failure-curve design of a sweep: once a variant's grid has run on the
 * first seed, a band of edge_points learning rates (ratio edge_ratio) is
 * laid over its edge and every LR of the band gets edge_seeds seeds, so that
 * P(fail | LR) can be fitted where it changes. The band covers the edge
 * under all three verdict rules: from the last grid LR below the first
 * failure under the earliest-failing rule, to the first failure under the
 * latest one (one grid step beyond the grid when a rule never fails or the
 * first LR already does). It is decided once, from the grid alone, and kept
 * in DIR/edges.json, so later runs never move it.
 *
 * The curve is of instability, which rises with the LR. A run below the
 * variant's loss-optimal grid LR that failed a rule only by its final loss
 * (collapsed, without a spike or a divergence) is under-trained, not
 * unstable: the edge search and the curves count it as a survival
 * (docs/results/protocol.md, change of 2026-12-01). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/json_file.h"
#include "util/fsutil.h"
#include "sweep/sweep.h"
#include "sweep/sweep_internal.h"
#include "train/verdict.h"
#include "train/verdict_summary.h"

int lms_run_failed(const lms_run_summary *rs, int rule) {
    return rs->verdicts[rule] != LMS_CONVERGED;
}

/* rs->spike_reached from the run's own rules (collapsed takes precedence
 * over spiked, so the label alone cannot tell an under-trained run from one
 * that spiked and ended badly). A summary whose rules cannot be read counts
 * every rise as a spike, so nothing is taken for under-training, and says so. */
static void read_spikes(const char *run_dir, lms_run_summary *rs) {
    char path[4400], err[5600], e[1024];
    snprintf(path, sizeof path, "%s/summary.json", run_dir);
    cJSON *o = lms_json_read_object(path, LMS_SUMMARY_MAX_BYTES, err, sizeof err);
    lms_verdict_cfg vc;
    int ok = 0;
    if (o && !(ok = lms_verdict_cfg_of_summary(o, &vc, e, sizeof e) >= 0))
        snprintf(err, sizeof err, "%s: %s", path, e);
    cJSON_Delete(o);
    if (!ok)
        fprintf(stderr, "lmstab: warning: %s; its failures are not taken for "
                "under-training\n", err);
    /* a rule that never counts spikes (lenient) tells a spike from
     * under-training by the default rule's threshold; an unknown rise is
     * not taken for under-training */
    for (int r = 0; r < LMS_N_RULES; r++) {
        const double t = !ok ? 0
                         : vc.rules[r].spike > 0 ? vc.rules[r].spike
                                                 : vc.rules[1].spike;
        rs->spike_reached[r] = !ok || !isfinite(rs->max_rise) || rs->max_rise >= t;
    }
    rs->spikes = 1;
}

int lms_run_unstable(const char *run_dir, lms_run_summary *rs, int rule,
                     int below_optimum) {
    if (below_optimum && rs->verdicts[rule] == LMS_COLLAPSED) {
        if (!rs->spikes)
            read_spikes(run_dir, rs);
        if (!rs->spike_reached[rule])
            return 0; /* under-trained */
    }
    return lms_run_failed(rs, rule);
}

int lms_sweep_optimal_lr(const lms_sweep *s, int v, double *lr, char *err,
                         size_t errlen) {
    char dir[4300];
    double best = INFINITY;
    *lr = 0;
    for (int k = 0; k < s->n_lrs; k++) {
        if (!s->is_grid[k])
            continue;
        lms_run_summary rs;
        lms_sweep_run_dir(s->out_dir, s->variants[v], s->lrs[k], s->seeds[0],
                          dir, sizeof dir);
        int r = lms_sweep_read_summary(dir, &rs, err, errlen);
        if (r < 0)
            return -1;
        if (r == 0 && isfinite(rs.final_val_loss) && rs.final_val_loss < best) {
            best = rs.final_val_loss;
            *lr = s->lrs[k];
        }
    }
    return 0;
}

/* lr rounded to the 4 significant digits of its directory name */
static double dir_lr(double lr) {
    char b[32];
    snprintf(b, sizeof b, "%.4g", lr);
    return strtod(b, NULL);
}

/* Index of lr in s->lrs, appended when new; -1 when the table is full.
 * An LR whose directory name (4 significant digits) is an existing LR's is
 * that LR: a band point 0.2278 next to the grid's 0.2278125 once made two
 * LRs of one run directory, and the run was counted under both. */
static int lr_index(lms_sweep *s, double lr) {
    for (int k = 0; k < s->n_lrs; k++)
        if (fabs(s->lrs[k] - lr) <= 1e-12 * lr ||
            dir_lr(s->lrs[k]) == dir_lr(lr))
            return k;
    if (s->n_lrs == LMS_SWEEP_MAX_LRS)
        return -1;
    s->lrs[s->n_lrs] = lr;
    return s->n_lrs++;
}

/* The band of variant v from its grid runs on the first seed; 1 when
 * decided, 0 when the grid is not complete yet, -1 (message in err) when a
 * run's summary cannot be read. */
static int decide(lms_sweep *s, int v, double *lo, double *hi, char *err,
                  size_t errlen) {
    char dir[4300];
    int first_fail[LMS_N_RULES];
    for (int r = 0; r < LMS_N_RULES; r++)
        first_fail[r] = s->n_grid;
    for (int k = 0; k < s->n_grid; k++) { /* the grid complete first */
        lms_sweep_run_dir(s->out_dir, s->variants[v], s->lrs[k], s->seeds[0],
                          dir, sizeof dir);
        lms_run_summary rs;
        int r = lms_sweep_read_summary(dir, &rs, err, errlen);
        if (r != 0)
            return r > 0 ? 0 : -1;
    }
    double opt;
    if (lms_sweep_optimal_lr(s, v, &opt, err, errlen) != 0)
        return -1;
    for (int k = 0; k < s->n_grid; k++) {
        lms_run_summary rs;
        lms_sweep_run_dir(s->out_dir, s->variants[v], s->lrs[k], s->seeds[0],
                          dir, sizeof dir);
        if (lms_sweep_read_summary(dir, &rs, err, errlen) != 0)
            return -1;
        for (int r = 0; r < LMS_N_RULES; r++)
            if (first_fail[r] == s->n_grid &&
                lms_run_unstable(dir, &rs, r, s->lrs[k] < opt))
                first_fail[r] = k;
    }
    int kmin = s->n_grid, kmax = 0;
    for (int r = 0; r < LMS_N_RULES; r++) {
        kmin = first_fail[r] < kmin ? first_fail[r] : kmin;
        kmax = first_fail[r] > kmax ? first_fail[r] : kmax;
    }
    const double g = s->lr_ratio;
    *lo = kmin >= 1 ? s->lrs[kmin - 1] : s->lrs[0] / g;
    *hi = kmax < s->n_grid ? s->lrs[kmax] : s->lrs[s->n_grid - 1] * g;
    return 1;
}

/* The band's LRs: geometric with ratio edge_ratio, centred on the edge
 * (geometric mean of lo and hi), edge_points of them or as many as it takes
 * to span [lo, hi]. Past LMS_SWEEP_MAX_BAND LRs the ratio widens so that
 * the band still spans [lo, hi] (said on stderr): a band cut to its middle
 * missed both ends of a wide edge. */
static int make_band(lms_sweep *s, int v, double lo, double hi) {
    double q = s->edge_ratio;
    int m = (int)ceil(log(hi / lo) / log(q) - 1e-9) + 1;
    m = m < s->edge_points ? s->edge_points : m;
    if (m > LMS_SWEEP_MAX_BAND) {
        m = LMS_SWEEP_MAX_BAND;
        q = pow(hi / lo, 1.0 / (m - 1));
        fprintf(stderr, "sweep: %s: the edge spans %.4g to %.4g, more than %d "
                "LRs at ratio %g; its band has %d LRs at ratio %.4g\n",
                s->variants[v], lo, hi, LMS_SWEEP_MAX_BAND, s->edge_ratio, m, q);
    }
    s->band_ratio[v] = q;
    const double start = sqrt(lo * hi) * pow(q, -(m - 1) / 2.0);
    s->n_band[v] = 0;
    for (int i = 0; i < m; i++) {
        int k = lr_index(s, dir_lr(start * pow(q, i)));
        if (k < 0)
            return -1;
        s->band[v][s->n_band[v]++] = k;
    }
    return 0;
}

static int write_edges(const lms_sweep *s, char *err, size_t errlen) {
    cJSON *o = cJSON_CreateObject();
    cJSON *b = cJSON_AddObjectToObject(o, "bands");
    for (int v = 0; v < s->n_variants; v++) {
        if (!s->n_band[v])
            continue;
        cJSON *a = cJSON_AddArrayToObject(b, s->variants[v]);
        for (int i = 0; i < s->n_band[v]; i++)
            cJSON_AddItemToArray(a, cJSON_CreateNumber(s->lrs[s->band[v][i]]));
    }
    cJSON_AddNumberToObject(o, "edge_seeds", s->edge_seeds);
    /* the spacing of each band: edge_ratio unless it had to widen */
    cJSON *q = cJSON_AddObjectToObject(o, "ratios");
    for (int v = 0; v < s->n_variants; v++)
        if (s->n_band[v])
            cJSON_AddItemToObject(q, s->variants[v], cJSON_CreateNumber(
                s->band_ratio[v] > 0 ? s->band_ratio[v] : s->edge_ratio));
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    char path[4200];
    snprintf(path, sizeof path, "%s/edges.json", s->out_dir);
    int rc = text ? lms_write_atomic(path, text, strlen(text), err, errlen) : -1;
    if (!text)
        snprintf(err, errlen, "out of memory");
    free(text);
    return rc;
}

int lms_sweep_edges_load(lms_sweep *s, char *err, size_t errlen) {
    char path[4200];
    snprintf(path, sizeof path, "%s/edges.json", s->out_dir);
    /* ours: read whole, never from a FIFO (lms_read_file) */
    cJSON *o = lms_json_read_object(path, (size_t)1 << 20, err, errlen);
    if (!o)
        return errno == ENOENT ? 0 : -1;
    cJSON *b = cJSON_GetObjectItemCaseSensitive(o, "bands");
    if (!cJSON_IsObject(b)) {
        cJSON_Delete(o);
        snprintf(err, errlen, "%s: malformed (no \"bands\" object)", path);
        return -1;
    }
    for (int v = 0; v < s->n_variants; v++) {
        cJSON *a = cJSON_GetObjectItemCaseSensitive(b, s->variants[v]), *it;
        s->n_band[v] = 0;
        cJSON_ArrayForEach(it, a) {
            int k = cJSON_IsNumber(it) && it->valuedouble > 0
                        ? lr_index(s, it->valuedouble) : -1;
            if (k < 0 || s->n_band[v] == LMS_SWEEP_MAX_BAND) {
                cJSON_Delete(o);
                snprintf(err, errlen, "%s: bad band of '%s'", path,
                         s->variants[v]);
                return -1;
            }
            s->band[v][s->n_band[v]++] = k;
        }
        /* edges.json from before "ratios": the band's own spacing */
        cJSON *q = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(o, "ratios"), s->variants[v]);
        const int m = s->n_band[v];
        s->band_ratio[v] =
            m < 2 ? s->edge_ratio
            : cJSON_IsNumber(q) && q->valuedouble > 1
                ? q->valuedouble
                : pow(s->lrs[s->band[v][m - 1]] / s->lrs[s->band[v][0]],
                      1.0 / (m - 1));
    }
    cJSON_Delete(o);
    return 0;
}

int lms_sweep_edges_update(lms_sweep *s, char *err, size_t errlen) {
    if (s->edge_points <= 0)
        return 0;
    int changed = 0;
    for (int v = 0; v < s->n_variants; v++) {
        double lo, hi;
        if (s->n_band[v])
            continue;
        int d = decide(s, v, &lo, &hi, err, errlen);
        if (d < 0)
            return -1;
        if (d == 0)
            continue;
        if (make_band(s, v, lo, hi) != 0) {
            snprintf(err, errlen, "more than %d learning rates in the sweep",
                     LMS_SWEEP_MAX_LRS);
            return -1;
        }
        changed = 1;
    }
    return changed ? write_edges(s, err, errlen) : 0;
}
