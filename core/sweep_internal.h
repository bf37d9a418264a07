/* Shared between the sweep runner and the aggregation. */
#ifndef LMSTAB_SWEEP_INTERNAL_H
#define LMSTAB_SWEEP_INTERNAL_H

#include <stddef.h>

typedef struct lms_run_summary {
    char verdict[32];
    double final_val_loss, final_train_loss, init_val_loss, init_train_loss;
    double max_smoothed_loss, tokens_per_sec, wall_seconds, steps;
    double unigram_entropy;
} lms_run_summary;

void lms_sweep_run_dir(const char *out, const char *variant, double lr,
                       long seed, char *buf, size_t n);
/* Largest summary.json read (it holds the run's config text, itself at most
 * 64 MiB, JSON-escaped). */
#define LMS_SUMMARY_MAX_BYTES ((size_t)512 << 20)
/* run_dir/summary.json, read whole: 0 and rs filled; 1 when there is none
 * (the run has not finished); -1 and a message naming the file when it
 * cannot be read or is not a JSON object (never taken for "missing"). */
int lms_sweep_read_summary(const char *run_dir, lms_run_summary *rs,
                           char *err, size_t errlen);

#include <sys/types.h>

typedef struct pending {
    int v, k, s; /* variant, lr index, seed index */
} pending;

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
void lms_sweep_report_done(const struct lms_sweep *s, const pending *p,
                           double secs, int done, int quiet);
int lms_sweep_write_manifest(const struct lms_sweep *s, char *err,
                             size_t errlen);
/* Remove MPI launcher variables so a child is not an MPI rank. */
void lms_sweep_clean_env(void);
/* The sweep over MPI ranks (rank 0 hands whole runs to every rank). */
int lms_sweep_run_mpi(struct lms_sweep *s, const char *exe, int quiet,
                      char *err, size_t errlen);

/* Read DIR/sweep.json (the grid written when the sweep started). */
int lms_sweep_load_manifest(const char *dir, struct lms_sweep *s, char *err,
                            size_t errlen);

#endif
