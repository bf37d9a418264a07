/*
 * Learning-rate sweeps: variants x learning rates (geometric grid) x seeds.
 * Each run is a separate `lmstab train` process with one BLAS thread; runs
 * are spread over `jobs` processes and a run whose summary.json exists is
 * never run again (resumable). Extra seeds are added where the verdict
 * changes: either `boundary_seeds` at the boundary grid LRs, or (failure
 * curves, `edge_points` > 0) `edge_seeds` seeds on a finer band of
 * `edge_points` LRs around each variant's edge, decided once from the first
 * seed's grid and recorded in DIR/edges.json. Then per-variant results are
 * aggregated:
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
#include <stdio.h>

#define LMS_SWEEP_MAX_VARIANTS 32
#define LMS_SWEEP_MAX_LRS 256 /* the grid and every variant's edge band */
#define LMS_SWEEP_MAX_SEEDS 64
#define LMS_SWEEP_MAX_BAND 24
#define LMS_SWEEP_MAX_SETS 64
#define LMS_SWEEP_MAX_PAIRS 16
#define LMS_SWEEP_MAX_REUSE 8

struct lms_sweep_reuse; /* sweep_reuse.c's memory of a running sweep */

typedef struct lms_sweep {
    char path[4096];     /* the sweep file */
    char out_dir[4096];
    int n_variants;
    char variants[LMS_SWEEP_MAX_VARIANTS][64];
    char configs[LMS_SWEEP_MAX_VARIANTS][4096]; /* resolved config paths */
    char precisions[LMS_SWEEP_MAX_VARIANTS][8]; /* [training] precision the
                            variant's runs get ("fp32", "bf16"), or "" for
                            the config's own (no `precisions` key) */
    int n_lrs;           /* the grid's LRs first, then the edge bands' */
    double lrs[LMS_SWEEP_MAX_LRS];
    int n_grid;          /* how many of lrs are the grid (a sweep file) */
    unsigned char is_grid[LMS_SWEEP_MAX_LRS]; /* lrs[k] is a grid LR (a
                            loaded manifest: lrs sorted, bands' indices void) */
    double lr_ratio;     /* the grid's ratio */
    /* failure curves (edge_points 0: off) */
    int edge_points;     /* LRs in each variant's edge band (at least) */
    double edge_ratio;   /* their spacing */
    int edge_seeds;      /* seeds run on each */
    int n_band[LMS_SWEEP_MAX_VARIANTS]; /* 0: not decided yet */
    int band[LMS_SWEEP_MAX_VARIANTS][LMS_SWEEP_MAX_BAND]; /* indices in lrs */
    double band_ratio[LMS_SWEEP_MAX_VARIANTS]; /* its spacing: edge_ratio, or
                            wider when the edge needed more LRs than a band
                            has (0: not decided) */
    int n_seeds;
    long seeds[LMS_SWEEP_MAX_SEEDS];
    int grid_seeds;      /* seeds run on every grid LR (>= 1) */
    int boundary_seeds;  /* seeds run at the boundary LRs (>= 1) */
    int jobs;            /* parallel runs */
    double progress_seconds; /* a line per run in progress every this many
                                seconds (0: 60) */
    int n_sets;
    char sets[LMS_SWEEP_MAX_SETS][512]; /* "section.key=value" for every run */
    int set_line[LMS_SWEEP_MAX_SETS]; /* its line in the sweep file's
                                         [overrides]; 0: --set */
    long max_steps[LMS_SWEEP_MAX_VARIANTS]; /* each variant's training.max_steps
                                         (lms_sweep_check) */
    int gemm[LMS_SWEEP_MAX_VARIANTS]; /* each variant's [training] gemm, an
                           lms_gemm_backend, and whether it trains at bf16
                           (lms_sweep_check fills both) */
    unsigned char bf16[LMS_SWEEP_MAX_VARIANTS];
    char reference[64];  /* variant the table's LR ratios are relative to */
    int n_pairs;         /* [sweep] pairs: variants set against each other */
    int pair[LMS_SWEEP_MAX_PAIRS][2]; /* (first, second) variant indices: the
                            report gives second's LR50 over first's and
                            their runs side by side */
    char plugin_dir[4096];
    char data_path[4096];
    /* [sweep] reuse: other sweeps' directories whose identical finished
     * runs are copied instead of trained (sweep_reuse.c) */
    int n_reuse;
    char reuse[LMS_SWEEP_MAX_REUSE][4096];
    char data_sha[LMS_SWEEP_MAX_VARIANTS][65]; /* each variant's training
                            data and tokenizer ("" none), by SHA-256
                            (lms_sweep_check, when n_reuse > 0) */
    char tok_sha[LMS_SWEEP_MAX_VARIANTS][65];
    char val_sha[LMS_SWEEP_MAX_VARIANTS][65]; /* data.val's ("" none) */
    char plugins[4096];  /* "name version" of every plugin the variants
                            load, one a line (lms_sweep_check) */
    struct lms_sweep_reuse *reuse_state; /* while the sweep runs */
} lms_sweep;

/* Parse SWEEP.ini: [sweep] variants, configs_dir, lr_min, lr_max, lr_ratio,
 * lr_anchor (the grid is lr_anchor x lr_ratio^k for the integers k that
 * keep it within [lr_min, lr_max]; default lr_min, so two sweeps with one
 * anchor and ratio share their LRs bit for bit), seeds (items or ranges:
 * "1-8, 20"), grid_seeds, boundary_seeds, edge_points, edge_ratio,
 * edge_seeds, jobs, out, precisions, pairs ("a:b, c:d": the comparisons
 * declared besides the reference), reuse (other sweeps' directories,
 * relative to the working directory as `out` is); [overrides] section.key =
 * value. With `precisions = fp32, bf16` every variant runs at each
 * precision, as variants named <variant>_<precision> (one precision: the
 * names stay), so that one sweep, its tables and its report compare them. */
int lms_sweep_load(lms_sweep *s, const char *path, char *err, size_t errlen);

/* Check every variant's config with the overrides as its runs will get
 * them (model built with the plugins, every key known), before any run
 * starts; fills s->max_steps. -1 and the first error, at the sweep file's
 * line for an [overrides] entry, naming the variant. */
int lms_sweep_check(lms_sweep *s, char *err, size_t errlen);

/* Before a sweep continues: when a variant's finished runs used another
 * matrix-product kernel than its runs will use on this machine (a sweep
 * carried to another CPU, or an OPENBLAS_CORETYPE set or unset), a note
 * on f naming both and how to keep the arithmetic; nothing is changed.
 * Runs on two kernels are valid draws of the same experiment, but round
 * differently, so they are no longer bit-reproducible on one machine.
 * Needs lms_sweep_check's gemm[]. */
void lms_sweep_numerics_note(const lms_sweep *s, FILE *f);

/* From now on SIGINT/SIGTERM stop the sweep (as lms_sweep_run describes),
 * also during its loading and checks: call it first, since a sweep started
 * in the background by a shell begins with SIGINT ignored, and a signal
 * sent then would be lost. lms_sweep_run calls it when not called yet. */
void lms_sweep_catch_stops(void);

/* Run (or resume) every run of the sweep; exe is the lmstab binary. Prints
 * progress to stderr. Returns 0 when all runs finished, 128 + the signal
 * when SIGINT/SIGTERM stopped it (message in err: the runs in progress were
 * checkpointed, or, after a second signal, aborted), -1 on an error. */
int lms_sweep_run(lms_sweep *s, const char *exe, int quiet, char *err,
                  size_t errlen);

/* Aggregate the finished runs in dir into results.csv, cells.csv,
 * variants.csv and table.md (printed to stdout when print). Works on any
 * sweep directory (reads DIR/sweep.json). */
int lms_sweep_aggregate(const char *dir, int print, char *err, size_t errlen);

/* The finished runs of sweep directory src relabelled under other [verdict]
 * keys (sets: "verdict.KEY=VALUE") into the new sweep directory dst, then
 * aggregated (sweep_relabel.c). 0, or -1 with a message. */
int lms_sweep_relabel(const char *src, const char *dst,
                      const char *const *sets, int n, char *err,
                      size_t errlen);

#endif
