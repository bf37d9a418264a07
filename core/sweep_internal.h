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
/* 0 and rs filled when run_dir/summary.json exists and parses. */
int lms_sweep_read_summary(const char *run_dir, lms_run_summary *rs);

/* Read DIR/sweep.json (the grid written when the sweep started). */
struct lms_sweep;
int lms_sweep_load_manifest(const char *dir, struct lms_sweep *s, char *err,
                            size_t errlen);

#endif
