/* Shared between the sweep runner and the aggregation. */
#ifndef LMSTAB_SWEEP_INTERNAL_H
#define LMSTAB_SWEEP_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "train/verdict.h" /* LMS_N_RULES */

typedef struct lms_run_summary {
    char verdict[32];
    int verdicts[3]; /* lms_verdict under strict, default, lenient (older
                        runs: the one verdict for all three) */
    double final_val_loss, final_train_loss, init_val_loss, init_train_loss;
    double final_val_bpb; /* bits per byte (NaN: unknown) */
    double max_rise, tokens_per_sec, wall_seconds, steps;
    double unigram_entropy;
    char precision[8];    /* "fp32" or "bf16" ("fp32" before the key) */
    char bf16_kernel[16]; /* at bf16: "emulated", "avx512_bf16" or "amx_bf16" */
    char gemm[16];        /* the backend that ran ("openblas", "lmstab", ...;
                             "" before the key) */
    char gemm_kernel[32]; /* its kernel set ("SkylakeX", "avx512", ...) */
    /* spike_reached[r]: the run's rise reached rule r's spike threshold
     * (its own [verdict] keys; the default rule's for a rule without one),
     * or is unknown; read by lms_run_unstable when it needs them (spikes
     * 1), as only an under-training verdict does */
    unsigned char spike_reached[LMS_N_RULES];
    unsigned char spikes;
    unsigned char reused; /* copied from another sweep ("reused_from") */
    char source[48];      /* lmstab_source: the code that ran it ("" before
                             the key) */
    char data_sha[72];    /* data_sha256, tokenizer_sha256: the inputs by */
    char tok_sha[72];     /* content ("" where not recorded) */
} lms_run_summary;

void lms_sweep_run_dir(const char *out, const char *variant, double lr,
                       long seed, char *buf, size_t n);
/* 1 when that run has finished (its summary.json exists). */
int lms_sweep_run_finished(const char *out, const char *variant, double lr,
                           long seed);
/* Largest summary.json read (it holds the run's config text, itself at most
 * 64 MiB, JSON-escaped). */
#define LMS_SUMMARY_MAX_BYTES ((size_t)512 << 20)
/* run_dir/summary.json, read whole: 0 and rs filled; 1 when there is none
 * (the run has not finished); -1 and a message naming the file when it
 * cannot be read or is not a JSON object (never taken for "missing"). */
int lms_sweep_read_summary(const char *run_dir, lms_run_summary *rs,
                           char *err, size_t errlen);

/* One matrix-product kernel of a sweep's finished runs and how many used
 * it (sweep_numerics.c). */
typedef struct lms_kernel_count {
    char gemm[16], kernel[32]; /* as lms_run_summary has them */
    char bf16[16];             /* its bf16_kernel at bf16, else "" */
    int runs;
} lms_kernel_count;
struct lms_sweep;
/* The distinct kernels of variant v's finished runs (v < 0: every
 * variant's), most runs first, at most max of them; returns how many, and
 * in *other (may be NULL) the runs on kernels beyond those max. */
int lms_sweep_kernels(const struct lms_sweep *s, int v, lms_kernel_count *out,
                      int max, int *other);
/* "openblas on kernel set SkylakeX" (", bf16 amx_bf16" at bf16). */
void lms_kernel_describe(const lms_kernel_count *k, char *out, size_t n);
/* The kernels variant v's next runs get on this machine (its [training]
 * gemm, `auto` resolved as train resolves it; at bf16 its bf16 kernel);
 * needs lms_sweep_check's gemm[] and bf16[]. runs is left 0. */
void lms_sweep_next_kernel(const struct lms_sweep *s, int v,
                           lms_kernel_count *k);

#include <sys/types.h>

typedef struct pending {
    int v, k, s; /* variant, lr index, seed index */
} pending;

/* The sweep's message for a run in dir that failed (how: "exit status",
 * "signal", or under MPI "on rank N, status"; code its number): the error
 * that ends the run's train.log; else a run that could not start (127) or
 * was killed (a signal) said to be that; else that the log ends without an
 * error (a full disk cuts it short). */
void lms_sweep_run_failure(const char *dir, const char *how, int code,
                           char *err, size_t errlen);

struct lms_sweep;
/* Runs still needed (not finished) given what is known, at most max; -1
 * and a message when a run's summary.json is unreadable. */
int lms_sweep_needed(const struct lms_sweep *s, pending *out, int max,
                     char *err, size_t errlen);
/* Start one run as a child process (its own dir, log, 1 BLAS thread),
 * which gets SIGTERM (checkpoint and stop) if the sweep dies. -1 and a
 * message when it cannot start, e.g. the run's directory is locked by a
 * run still going (of an earlier, killed sweep). */
pid_t lms_sweep_launch(const struct lms_sweep *s, const char *exe,
                       const pending *p, char *err, size_t errlen);
/* The overrides run p gets after the sweep's own (its LR, seed and, with
 * [sweep] precisions, precision), written into bufs and pointed to by
 * out; returns how many (2 or 3). */
int lms_sweep_run_sets(const struct lms_sweep *s, const pending *p,
                       char bufs[3][64], const char *out[3]);
/* Reuse (sweep_reuse.c): run p copied from one of [sweep] reuse's
 * directories when one holds the same run finished: 1 (from: that run's
 * directory as shown), 0 when none does (a note on stderr, once per
 * variant, says why a run found there is not the same run), -1 and a
 * message when the copy fails. */
int lms_sweep_reuse(struct lms_sweep *s, const pending *p, char *from,
                    size_t fromlen, char *err, size_t errlen);
/* 0 when the effective configuration of the finished run whose summary is
 * o (config_text with its overrides) is the one run p gets here, else 1 and
 * how it differs (sweep_reuse.c). */
struct cJSON;
int lms_sweep_config_differs(const struct lms_sweep *s, const pending *p,
                             const struct cJSON *o, char *why, size_t n);
/* Whether out_dir may hold this sweep (sweep_outdir.c): absent, empty, or
 * a sweep directory whose finished runs were made with this sweep's
 * configuration (one run per variant is compared: a changed [overrides] or
 * variant config would mix two designs in one table). 0, or -1 with a
 * message naming the directory or the run and the difference. */
int lms_sweep_check_out(const struct lms_sweep *s, char *err, size_t errlen);
/* Frees what lms_sweep_reuse remembered. */
void lms_sweep_reuse_end(struct lms_sweep *s);
/* Progress of a sweep on stderr (sweep_progress.c). */
typedef struct lms_sweep_progress {
    double t0;       /* the sweep's start */
    int done;        /* runs finished since */
    int reused;      /* of them, copied from other sweeps (no time spent) */
    int quiet;
    double every;    /* a line per run in progress every this many s */
    double t_last;   /* when those lines were last printed */
} lms_sweep_progress;
double lms_sweep_now(void); /* monotonic seconds */
/* Runs still to do as far as known now (running ones included); *at_least
 * when more may come (undecided edge bands, moving boundaries); -1 and a
 * message when a summary cannot be read. */
int lms_sweep_remaining(const struct lms_sweep *s, int *at_least, char *err,
                        size_t errlen);
/* "sweep: N runs to do", and the clock starts. */
void lms_sweep_progress_begin(const struct lms_sweep *s,
                              lms_sweep_progress *pg, int quiet);
/* "[k/N] variant lr seed verdict val (secs) elapsed, ETA" for a run that
 * finished (its summary.json is read). */
void lms_sweep_report_done(const struct lms_sweep *s, lms_sweep_progress *pg,
                           const pending *p, double secs);
/* The same for a run copied from another sweep (from: its directory). */
void lms_sweep_report_reused(const struct lms_sweep *s, lms_sweep_progress *pg,
                             const pending *p, const char *from);
/* When every-seconds have passed: one line per run in progress (runs[i]
 * started at t0[i]) with its step from metrics.csv. */
void lms_sweep_progress_tick(const struct lms_sweep *s,
                             lms_sweep_progress *pg, const pending *runs,
                             const double *t0, int n);
int lms_sweep_write_manifest(const struct lms_sweep *s, char *err,
                             size_t errlen);
/* Remove MPI launcher variables so a child is not an MPI rank. */
void lms_sweep_clean_env(void);
/* The sweep over MPI ranks (rank 0 hands whole runs to every rank). */
int lms_sweep_run_mpi(struct lms_sweep *s, const char *exe, int quiet,
                      char *err, size_t errlen);

/* Failure curves (sweep_edges.c): decide each variant's edge band once its
 * grid has run on the first seed (written to DIR/edges.json), and load the
 * bands already decided. 0, or -1 with a message. */
int lms_sweep_edges_update(struct lms_sweep *s, char *err, size_t errlen);
/* Load DIR/edges.json into s when present (0 when absent). */
int lms_sweep_edges_load(struct lms_sweep *s, char *err, size_t errlen);
/* 1 when run (v, lr index k) failed under rule r (a finished run). */
int lms_run_failed(const lms_run_summary *rs, int rule);
/* 1 when run_dir's run (rs, read by lms_sweep_read_summary) failed under
 * rule r as the failure curves count it: an under-trained run (below_optimum:
 * its LR is below the variant's loss-optimal grid LR; collapsed under r
 * without reaching r's spike threshold) survives. Reads the run's rules
 * once, and only for such a candidate. */
int lms_run_unstable(const char *run_dir, lms_run_summary *rs, int rule,
                     int below_optimum);
/* Variant v's loss-optimal grid LR: the grid LR whose first-seed run ended
 * with the lowest validation loss (0 when none has finished). 0, or -1
 * with a message when a summary cannot be read. */
int lms_sweep_optimal_lr(const struct lms_sweep *s, int v, double *lr,
                         char *err, size_t errlen);
/* The 97.5% quantile of Student's t with df degrees of freedom (NaN for
 * df < 1): a 95% interval is mean +- lms_t975(n - 1) * sd / sqrt(n). */
double lms_t975(int df);

/* Failure curves per verdict rule (sweep_curves.c): curves.csv at csv_path
 * (and pairs.csv beside it, with declared pairs), their tables appended to
 * `table`, and plot data (curve_<rule>_<variant>.pts/.fit) in data_dir;
 * each may be NULL. With `files` (room for 2), the CSVs are left there
 * written but not yet in place, for the caller to commit with its own
 * (lms_out_commit_all); without, they are committed here. 0, or -1 with a
 * message. */
struct lms_out;
int lms_sweep_curves(const struct lms_sweep *s, FILE *table,
                     const char *csv_path, const char *data_dir,
                     struct lms_out *files, char *err, size_t errlen);
/* The declared pairs under rule r (sweep_pairs.c), from the curves c of
 * runs[0..n) and their resamples boot (lms_curves_fit's layout): a table
 * appended to `table` and rows of pairs.csv on csv (either may be NULL). */
struct lms_curve;
struct lms_curve_run;
struct lms_lr_sens;
void lms_sweep_pairs(FILE *table, FILE *csv, const struct lms_sweep *s,
                     int rule, const struct lms_curve_run *runs, size_t n,
                     const struct lms_curve *c, const double *boot);
#define LMS_PAIRS_CSV_HEADER                                                 \
    "first,second,rule,ratio50,ratio50_lo,ratio50_hi,undefined50,"           \
    "shared_runs,failed_both,failed_first_only,failed_second_only,"          \
    "mcnemar_p\n"
/* The bootstrap of every failure curve: resamples, and the generator's
 * seed (fixed, so every table and comparison is reproducible). */
#define LMS_BOOT_SAMPLES 2000
#define LMS_BOOT_SEED 20241130ULL
struct lms_curve_run;
/* Every finished run of the sweep, read once: out[r][i] is run i (variant,
 * LR, seed), failed or not under rule r; at most max. Returns how many runs
 * (the same for every rule). */
size_t lms_sweep_curve_runs(const struct lms_sweep *s,
                            struct lms_curve_run *const out[LMS_N_RULES],
                            size_t max);
/* Lowest and highest LR run by variant v among runs[0..n). */
void lms_curve_lr_range(const struct lms_curve_run *runs, size_t n, int v,
                        double *lo, double *hi);
struct lms_estimate;
struct lms_curve;
/* An estimate of curve c as a table shows it: "0.342 [0.30, 0.39]", or why
 * there is none ("< lo (every run failed)", "> hi (no run failed)", ...);
 * lo, hi: the variant's LR range (an LR50 or LR10 outside it is marked as
 * extrapolated). */
void lms_curve_format(char *b, size_t n, const struct lms_estimate *e,
                      const struct lms_curve *c, double lo, double hi);
/* Append " (from an extrapolated LR50)" to the ratio text b when the
 * variant's LR50 (its LRs run span v_lo..v_hi) or the reference's
 * (r_lo..r_hi) lies beyond the LRs run: the ratio then rests on the fit's
 * extrapolation. */
void lms_curve_mark_ratio(char *b, size_t n, const struct lms_curve *v,
                          double v_lo, double v_hi, const struct lms_curve *ref,
                          double r_lo, double r_hi);
/* Each variant's LR sensitivity (Wortsman et al. 2023, lr_sensitivity.h)
 * from the sweep's grid LRs, over [lo, hi] (Wortsman et al.'s range:
 * LMS_SENS_LR_MIN, LMS_SENS_LR_MAX): sens[v] (value NaN without runs
 * there). 0, or -1 with a message when a run's summary.json is unreadable. */
int lms_sweep_sensitivity(const struct lms_sweep *s, double lo, double hi,
                          struct lms_lr_sens *sens, char *err, size_t errlen);
/* The finished seeds at every LR of every variant's edge band: fewest in
 * *lo (0 while a variant's band is not decided), most in *hi. 1, or 0 for
 * a sweep without the failure-curve design. */
int lms_sweep_band_seeds(const struct lms_sweep *s, int *lo, int *hi);
/* One plain sentence per variant against the reference: the learning rate
 * (run on 2+ seeds by both) where their failure shares differ most, with
 * the counts under each rule. 0, or -1 on allocation failure. */
int lms_sweep_reading(const struct lms_sweep *s, char *out, size_t outlen);
/* "strict", "default", "lenient" for 0, 1, 2 */
const char *lms_sweep_rule_name(int r);

/* Read DIR/sweep.json (the grid written when the sweep started). */
int lms_sweep_load_manifest(const char *dir, struct lms_sweep *s, char *err,
                            size_t errlen);

#endif
