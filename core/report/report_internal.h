/* Shared by the report's files. */
#ifndef LMSTAB_REPORT_INTERNAL_H
#define LMSTAB_REPORT_INTERNAL_H

#define LMS_REPORT_NOPS 4 /* qkv, proj, fc1, fc2 */

/* Write a whitespace table (step train_loss val_loss grad_norm qkv proj fc1
 * fc2 max_score max_abs_logit log_z) from run_dir/metrics.csv; layer means
 * of each linear op's out_norm, max over layers of max_score, the LM head's
 * logit signals; NaN where not logged. 0; 1 when the run has no readable
 * metrics.csv (nothing written); -1 with "out_path: cannot write: ..." when
 * the table cannot be written whole (out_path as it was). */
int lms_report_extract(const char *run_dir, const char *out_path, char *err,
                       size_t errlen);

#include "lmstab/plugin.h" /* LMS_NAME_MAX, the kinds */

/* The op names of run_dir's model that play the four roles, found by
 * plugin kind in the model description of its summary.json (config text +
 * overrides): the LINEAR op feeding the ATTENTION op ("qkv"), the first
 * LINEAR after it in its branch ("proj"), the first and last LINEAR ops of
 * the other branch ("fc1", "fc2"); "" where the model has none. 0, or -1
 * when the run has no readable summary.json (roles all ""). */
int lms_report_op_roles(const char *run_dir,
                        char roles[LMS_REPORT_NOPS][LMS_NAME_MAX]);

#include <stdio.h>

#include "sweep/failcurve.h" /* lms_curve_run, lms_curve */

/* A run's plot data file read back: n rows of the lms_report_extract
 * columns (row i of two runs of one sweep is the same step). */
#define LMS_SERIES_NCOL 11
typedef struct lms_series {
    int n;
    double (*v)[LMS_SERIES_NCOL];
} lms_series;

/* 0 and s filled (caller frees s->v) when path has a row, else -1. */
int lms_series_load(const char *path, lms_series *s);
/* Row-wise median of n runs' series (NaN where none has a value); 0, or
 * -1 on allocation failure. Caller frees out->v. */
int lms_series_median(const lms_series *runs, int n, lms_series *out);
/* Column c at the first row at step >= from, and its largest value there
 * and after (NaN when none). */
void lms_series_after(const lms_series *s, int c, double from, double *at,
                      double *mx);
/* The first step where bad's column c exceeds factor * ok's + add (with
 * add > 0 both are smoothed first, as losses are); NaN when never. */
double lms_series_first_sep(const lms_series *ok, const lms_series *bad, int c,
                            double factor, double add);

/* A Markdown table of each linear op's output norm (layer mean) in a
 * converging and an unstable run of one variant: its value at the end of
 * warmup and its largest value after, the unstable/converging ratio, the
 * first step the unstable norm exceeds twice the converging one, and the
 * first step the smoothed losses differ by 0.25 nats. -1 if a file is
 * missing or empty. */
int lms_report_norm_table(FILE *f, const char *variant, const char *ok_path,
                          const char *bad_path, double lr_ok, double lr_bad,
                          double warmup);

struct lms_sweep;
/* The matched-LR comparison of failing and surviving seeds, one table per
 * variant whose seeds split at some LR (report_split.c); data files are
 * written to data_dir. 0, or -1 with a message when one cannot be. */
/* "The LM head's logits by learning rate": per variant and LR, medians over
 * the seeds of the final log Z and the peak max |logit| beside the failures
 * as the curves count them (report_logits.c); nothing when no run logged
 * them. vocab: for ln V, log Z at init. */
void lms_report_logits_table(FILE *f, const struct lms_sweep *s, int vocab);
int lms_report_split_tables(FILE *f, const struct lms_sweep *s,
                            const char *data_dir, double warmup, char *err,
                            size_t errlen);

/* Quality by matched seeds at one LR (report_quality.c): each variant's
 * final validation loss and its paired difference from the reference, and
 * whether the validation curves were still falling at the end. */
int lms_report_quality_table(FILE *f, const struct lms_sweep *s,
                             const char *data_dir, char *err, size_t errlen);
/* The same comparison in one sentence (each variant's paired difference
 * from the reference and whether it is lower, higher or not resolved);
 * -1 when no variant pairs with the reference on 2+ seeds. */
int lms_report_quality_reading(const struct lms_sweep *s, char *out, size_t n);

/* The first finished run's summary.json, parsed (NULL if none); the caller
 * frees it with cJSON_Delete. */
struct cJSON;
struct cJSON *lms_report_first_summary(const struct lms_sweep *s);
/* Distinct values among the runs: up to 8 with their run counts, the runs
 * of further ones, and those without the key (from before it). */
typedef struct lms_tally {
    int n, runs[8], other, none;
    char key[8][72];
} lms_tally;
/* The sweep's finished runs and their summed wall-clock seconds (each run
 * is one process on one thread), and of them those copied from another
 * sweep ([sweep] reuse: trained there). */
typedef struct lms_compute {
    int runs, reused;
    double seconds, reused_seconds;
    /* the code that made them (summary.json's lmstab_source), and their
     * inputs by content (data_sha256, tokenizer_sha256) */
    lms_tally source, data, tok;
} lms_compute;
void lms_report_compute(const struct lms_sweep *s, lms_compute *c);
/* Run gnuplot on script in dir (its warnings to dir/gnuplot.log); -1 when
 * it is missing or fails. */
int lms_report_gnuplot(const char *dir, const char *script);

/* The null check of the sweep's default-rule LR50 ratios (report_null.c):
 * its section on md and report_null.csv on csv, sims simulated sweeps per
 * variant, progress (or NULL) a line per variant and every 10 s; with the
 * check of its model's independence (report_dependence.c) on md and dep
 * (report_dependence.csv); and into claims (claims_len > 0) a sentence for
 * the page's reading: the claims the protocol declares (section 3 with its
 * stop 25 entry), with stop 26's dependent check and stop 27's ρ interval
 * beside each, or "". 0, or -1 with a message. */
int lms_report_null(FILE *md, FILE *csv, FILE *dep, const struct lms_sweep *s,
                    int sims, FILE *progress, char *claims, size_t claims_len,
                    char *err, size_t errlen);

/* Whether a seed's runs are independent across LRs, as the null checks
 * draw them (report_dependence.c): per variant, the inversions among
 * runs[0..n) (default rule) against their distribution over sims shuffles
 * of the outcomes within each LR, beside rhos[v] (lms_seed_rho_interval's,
 * LMS_RHO_RESAMPLES draws); a subsection on md and rows on csv. 0, or -1
 * on allocation failure. */
#define LMS_RHO_RESAMPLES 400 /* draws of the seeds behind rho's interval */
int lms_report_dependence(FILE *md, FILE *csv, const struct lms_sweep *s,
                          const lms_curve_run *runs, size_t n, int sims,
                          const lms_estimate *rhos);
/* How much variant v's runs of one seed hang together across LRs among
 * runs[0..n) (report_dependence.c): the Gaussian copula's rho in [0, 1]
 * at which the inversions it expects, given each LR's failure share,
 * equal the count; NaN without a seed at two LRs, or out of memory. */
double lms_seed_rho(const lms_curve_run *runs, size_t n, int v);
/* lms_seed_rho with its bootstrap interval over the seeds: resamples
 * draws of v's seeds with replacement (each drawn seed's runs kept
 * together, a seed drawn twice counted as two), the 2.5 and 97.5
 * percentiles of their rho, and the share of draws without one
 * (lms_percentile_interval). e->value is rho; lo, hi and undefined are NaN
 * with fewer than two seeds. 0, or -1 out of memory. */
int lms_seed_rho_interval(const lms_curve_run *runs, size_t n, int v,
                          int resamples, lms_estimate *e);
/* "name rho [lo, hi]" of lms_seed_rho_interval's e into b, as the
 * readings' dependent-seeds caveats give it: "(no interval)" without one,
 * "name -" without a rho (report_dependence.c). */
void lms_rho_text(char *b, size_t n, const char *name, const lms_estimate *e);
/* The Markdown lmstab writes, as a self-contained HTML page (md_html.c). */
void lms_md_to_html(FILE *in, FILE *out, const char *title);

#endif
