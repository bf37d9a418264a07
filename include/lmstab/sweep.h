/*
 * Learning-rate sweeps: variants x learning rates (geometric grid) x seeds.
 * Each run is a separate `lmstab train` process with one BLAS thread; runs
 * are spread over `jobs` processes and a run whose summary.json exists is
 * never run again (resumable). Extra seeds are added where the verdict
 * changes (the boundary LRs), then per-variant results are aggregated:
 *
 *   DIR/<variant>/lr_<lr>/seed_<s>/{metrics.csv,summary.json,train.log}
 *   DIR/results.csv     one row per run
 *   DIR/cells.csv       one row per (variant, lr): mean/std over seeds
 *   DIR/variants.csv    one row per variant: max stable LR, sensitivity
 *   DIR/table.md        the table, also printed
 */
#ifndef LMSTAB_SWEEP_H
#define LMSTAB_SWEEP_H

#include <stddef.h>

#define LMS_SWEEP_MAX_VARIANTS 32
#define LMS_SWEEP_MAX_LRS 64
#define LMS_SWEEP_MAX_SEEDS 16
#define LMS_SWEEP_MAX_SETS 64

typedef struct lms_sweep {
    char path[4096];     /* the sweep file */
    char out_dir[4096];
    int n_variants;
    char variants[LMS_SWEEP_MAX_VARIANTS][64];
    char configs[LMS_SWEEP_MAX_VARIANTS][4096]; /* resolved config paths */
    int n_lrs;
    double lrs[LMS_SWEEP_MAX_LRS];
    int n_seeds;
    long seeds[LMS_SWEEP_MAX_SEEDS];
    int boundary_seeds;  /* seeds run at the boundary LRs (>= 1) */
    int jobs;            /* parallel runs */
    int n_sets;
    char sets[LMS_SWEEP_MAX_SETS][512]; /* "section.key=value" for every run */
    char reference[64];  /* variant the table's LR ratios are relative to */
    char plugin_dir[4096];
    char data_path[4096];
} lms_sweep;

/* Parse SWEEP.ini: [sweep] variants, configs_dir, lr_min, lr_max, lr_ratio,
 * seeds, boundary_seeds, jobs, out; [overrides] section.key = value. */
int lms_sweep_load(lms_sweep *s, const char *path, char *err, size_t errlen);

/* Run (or resume) every run of the sweep; exe is the lmstab binary. Prints
 * progress to stderr. Returns 0 when all runs finished. */
int lms_sweep_run(lms_sweep *s, const char *exe, int quiet, char *err,
                  size_t errlen);

/* Aggregate the finished runs in dir into results.csv, cells.csv,
 * variants.csv and table.md (printed to stdout when print). Works on any
 * sweep directory (reads DIR/sweep.json). */
int lms_sweep_aggregate(const char *dir, int print, char *err, size_t errlen);

#endif
