/*
 * lmstab report DIR: DIR/report.md and DIR/report.html for a sweep
 * directory, with figures DIR/plots/ (PNG) drawn by gnuplot:
 *   val_vs_lr.png     final validation loss vs learning rate per variant
 *   loss_<v>.png      training-loss curves of every learning rate
 *   norms_<v>.png     linear-output norms (qkv, proj, fc1, fc2), max attention
 *                     score and loss vs step for a converging and an unstable
 *                     run of the same variant
 */
#ifndef LMSTAB_REPORT_H
#define LMSTAB_REPORT_H

#include <stddef.h>

/* Returns 0 on success; plots are skipped with a note in the page when
 * gnuplot is missing (then 1 is returned). null_sims > 0: the page also
 * checks its ratios' intervals on that many simulated sweeps per variant
 * (report_null.csv; its progress on stderr); otherwise a report_null.csv
 * of an earlier report is removed with the page it belonged to. */
int lms_report_write(const char *dir, int null_sims, char *err,
                     size_t errlen);

struct lms_sweep;
/* The report's opening reading: for a sweep of one learning rate (a
 * quality comparison), each variant's final validation loss against the
 * reference's on matched seeds; otherwise where failure shares differ most
 * (lms_sweep_reading). 0, or -1 on allocation failure. */
int lms_report_reading(const struct lms_sweep *s, char *out, size_t n);

#endif
