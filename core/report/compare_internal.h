/* Shared by the comparison's parts: the sweeps loaded, lined up by
 * variant and fitted (compare_load.c), and the page written from them
 * (compare.c). */
#ifndef LMSTAB_REPORT_COMPARE_INTERNAL_H
#define LMSTAB_REPORT_COMPARE_INTERNAL_H

#include "report/compare.h"
#include "sweep/sweep.h"
#include "report/report_internal.h"
#include "sweep/sweep_internal.h"
#include "sweep/lr_sensitivity.h"

/* The bootstrap generator seed of sweep j's independent resamples */
#define LMS_CMP_INDEPENDENT_SEED(j) (LMS_BOOT_SEED + 0x1dULL * (unsigned)(j))

/* One sweep, fitted. */
typedef struct csweep {
    lms_sweep s;
    char name[256];    /* the directory's last component */
    char setting[1024]; /* the overrides no other sweep shares, or "" */
    double params;     /* the reference variant's parameter count */
    lms_compute compute; /* its runs and their core time */
    int ref;           /* the reference's index in s, or -1 */
    int n_seeds;
    long seeds[LMS_SWEEP_MAX_SEEDS]; /* seeds with a finished run, ascending */
    lms_curve c[LMS_N_RULES][LMS_SWEEP_MAX_VARIANTS];
    /* each variant's LR range */
    double lo[LMS_SWEEP_MAX_VARIANTS], hi[LMS_SWEEP_MAX_VARIANTS];
    /* the resamples' LR50 and its ratio to the reference: [v * samples + b] */
    double *lr50[LMS_N_RULES];
    double *ratio[LMS_N_RULES];
    /* the last sweep's from a generator of its own
     * (LMS_CMP_INDEPENDENT_SEED), independent of sweep 0's resamples (the
     * other sweeps: a copy of the above) */
    double *lr50_ind[LMS_N_RULES];
    double *ratio_ind[LMS_N_RULES];
    /* its finished runs as its failure curves count them, per rule */
    lms_curve_run *curve_runs[LMS_N_RULES];
    size_t n_runs;
    lms_lr_sens sens[LMS_SWEEP_MAX_VARIANTS]; /* LR sensitivity */
} csweep;

/* The sweeps of one comparison, in the order given. */
typedef struct cmp {
    int n;
    csweep *sw;
    int nv;
    char variants[LMS_SWEEP_MAX_VARIANTS][64];
    /* [sweep][union variant] -> the variant's index in the sweep, or -1 */
    int vmap[LMS_COMPARE_MAX][LMS_SWEEP_MAX_VARIANTS];
    char reference[64];
    int by_size;        /* the sweeps' parameter counts all differ */
    int slope;          /* by_size with 3 or more sweeps: an exponent */
    int matched;        /* every sweep ran the same seeds */
    /* the LR span every sweep's LR sensitivity is taken over (NaN: none
     * shared, each over its own) */
    double sens_lo, sens_hi;
} cmp;

/* Load the n sweep directories, fit each one's curves under every rule
 * (keeping the resamples), line their variants up by name and find what
 * differs between them. 0, or -1 with a message (free with lms_cmp_free
 * either way). */
int lms_cmp_load(cmp *m, const char *const *dirs, int n, char *err,
                 size_t errlen);
void lms_cmp_free(cmp *m);

/* The trend of union variant u's LR50 (what 0) or its ratio to the
 * reference (what 1) under rule r from the first sweep to the last (and
 * its exponent in the parameter count when m->slope, else NaN); 0 when a
 * sweep has no such estimate. independent: the last sweep's resamples from
 * its own generator, so the change's interval treats the two sweeps as
 * independent experiments (no exponent). */
int lms_cmp_trend(const cmp *m, int u, int r, int what, int independent,
                  lms_estimate *change, lms_estimate *slope);

/* How far middle sweep j (0 < j < n-1) lies off the line through the
 * first and the last sweep's union variant u's LR50 (what 0) or ratio
 * (what 1) under rule r, in log value against log parameters
 * (lms_compare_off_line, over the paired resamples; no interval when one
 * of the three has a single seed; *t: where j lies between them): 1; 0
 * when a sweep has no such estimate or j's size does not lie between the
 * ends' (0 < t < 1); -1 out of memory. */
int lms_cmp_off_line(const cmp *m, int u, int r, int what, int j, double *t,
                     lms_estimate *off);

/* The change of lms_cmp_trend with its interval at percentile levels lo,
 * hi (a calibrated interval: null_calib.h; NaN levels, no interval): 1, 0
 * when a sweep has no such estimate, -1 on allocation failure. */
int lms_cmp_change_at(const cmp *m, int u, int r, int what, int independent,
                      double lo, double hi, lms_estimate *change);

/* The null check (compare_null.c) of the change of union variant u's
 * ratio to the reference (what 1) or its LR50 (what 0) from the first
 * sweep to the last: sims simulated comparisons, each resampled `samples`
 * times, generator seeded by seed. */
typedef struct lms_null_check {
    int sims;        /* simulated */
    int defined;     /* with a paired interval of the change */
    int paired;      /* ... that excludes 1 */
    int independent; /* the independent interval excludes 1 */
    int both;        /* a direction (both exclude 1, on one side) */
    int fits_pass;   /* both sweeps' fits (2 or 4) pass the test */
    int stated;      /* a direction the page would state (both, fits pass) */
    /* The test of no change: the page's change (default rule, point
     * estimates; NaN without one) and the simulated comparisons whose own
     * point change is at least as far from 1 on the log scale, or has no
     * value (counted against the change: conservative). */
    double observed;
    int extreme;
    int no_point;    /* simulated comparisons without a point change */
    /* The calibrated levels of the paired and the independent interval
     * (null_calib.h), and on held-out halves how often each calibrated
     * interval excludes 1 and both do on one side (a direction). */
    double plevel_lo, plevel_hi, ilevel_lo, ilevel_hi;
    int cv_paired, cv_independent, cv_both;
    int cv_checked; /* held-out comparisons with both intervals */
    /* the page's change at those levels (lms_cmp_write_null) */
    lms_estimate pcal, ical;
    /* The seeds' dependence (the copula's rho, report_dependence.c) of the
     * variant and the reference (0 for an LR50) in the first and the last
     * sweep, and the same null simulated with it: of dep_sims, those with
     * a paired interval, whose percentile intervals exclude 1 (paired,
     * independent); of dep_checked (both intervals, as the levels are
     * fitted), whose calibrated ones do, both on one side, and the
     * directions the page would state, grew and shrank (both calibrated
     * on that side, the percentile direction the same, the fits passing). */
    double rho_a[2], rho_z[2];
    int dep_sims, dep_defined, dep_paired, dep_independent, dep_checked;
    int dep_cal_paired, dep_cal_independent, dep_cal_both;
    int dep_grew, dep_shrank;
    /* the direction the protocol declares after its stop 25 entry
     * (compare_null.c), set with pcal and ical */
    const char *declared;
} lms_null_check;

/* Whether a check's seeds hang together in either sweep (some rho > 0). */
int lms_null_check_dependent(const lms_null_check *nc);

/* The null check's Monte Carlo p-value of no change: (1 + extreme) /
 * (1 + sims), NaN without an observed change or simulations. */
double lms_null_p(const lms_null_check *nc);

/* 0 (out->sims 0 when u has no such curve in the first or last sweep), or
 * -1 on allocation failure. progress (or NULL): a line every 10 s of how
 * many of the sims are done, headed by label. */
int lms_cmp_null_check(const cmp *m, int u, int what, int sims, int samples,
                       unsigned long long seed, lms_null_check *out,
                       FILE *progress, const char *label);

/* A change as the tables and the reading give it: "0.953x [0.868, 1.07]"
 * (exponent: "+0.12 [...]"), its share of resamples without one when
 * above 2.5%; "-" without a value (compare_reading.c). */
void lms_cmp_fmt_change(char *b, size_t n, const lms_estimate *e, int exponent);

/* Whether the fits a change of union variant u under rule r rests on pass
 * the test (p >= 0.05) in the first and the last sweep (the variant's, and
 * for a ratio the reference's): 0 yes, 1 one is flagged (p < 0.05), 2 none
 * flagged but one untested (too few LRs with 2 or more runs); the failing
 * ones listed in why ("X in S (flagged), ..."). */
int lms_cmp_fits_blocking(const cmp *m, int u, int r, int ratio, char *why,
                          size_t n);

/* The page's opening paragraph into out (compare_reading.c). With the
 * null check's results (all, from lms_cmp_null_run; or NULL), a default-
 * rule direction is the declared one (section 3d with the protocol's stop
 * 25 entry), and stop 26's dependent check is said beside it. */
void lms_cmp_reading(const cmp *m, const lms_null_check *all, char *out,
                     size_t n);

/* compare.csv, compare_change.csv and compare_line.csv (its rows only
 * with 3 or more sweeps of different sizes) (compare_csv.c). */
void lms_cmp_write_csv(FILE *f, const cmp *m);
void lms_cmp_write_change_csv(FILE *f, const cmp *m);
int lms_cmp_write_line_csv(FILE *f, const cmp *m); /* -1 out of memory */

/* plots/data/compare_<variant>.dat, plots/compare.gp and the figures
 * (compare_plots.c); drawn[i]: figure i had a series. 0, 1 when gnuplot is
 * missing or failed, -1 with a message when a file cannot be written. */
int lms_cmp_write_plots(const char *out_dir, const cmp *m, int drawn[2],
                        char *err, size_t errlen);

/* The null check of every union variant u and quantity what, sims
 * simulated comparisons each (compare_null.c): *all (free it), indexed
 * u * 2 + what, with the calibrated intervals and the declared direction
 * set; a line on progress (or NULL) per variant and quantity done, and
 * every 10 s within one. 0, or -1 on allocation failure. */
int lms_cmp_null_run(const cmp *m, int sims, FILE *progress,
                     lms_null_check **all);

/* The null check's section on f and compare_null.csv on csv, from
 * lms_cmp_null_run's results. */
void lms_cmp_write_null(FILE *f, FILE *csv, const cmp *m,
                        const lms_null_check *all, int sims);

/* Run by run (compare_runs.c): the runs each later sweep shares with the
 * first (same variant, LR and seed), their labels' agreement per rule with
 * McNemar's exact test, and the change of their final validation loss:
 * a Markdown section on md and rows of compare_runs.csv on csv. */
void lms_cmp_runs(FILE *md, FILE *csv, const cmp *m);

#endif
