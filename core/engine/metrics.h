/*
 * metrics.csv: one row per logged step, header first. Fixed columns
 * (step, lr, train_loss, val_loss, grad_norm, tokens_per_sec, elapsed_s,
 * val_bpb: val_loss in bits per byte of the text, empty when unknown)
 * then instrumentation columns, filled on instrumented steps and empty
 * otherwise: head.max_abs_logit (max |logit|) and head.log_z (mean log
 * partition function) of the LM head, then per layer h<l>.<op>.<what>:
 *   out_norm  mean over tokens of the L2 norm of a linear op's output
 *   in_grad_norm  the same for the gradient w.r.t. its input
 *   w_norm    Frobenius norm of a linear op's weight
 *   gain_rms  RMS of a norm's weight (gain), also <slot>.gain_rms of q/k norms
 *   <stat>    scalars a plugin reports (attention: max_score, ...)
 */
#ifndef LMSTAB_METRICS_H
#define LMSTAB_METRICS_H

#include <stdio.h>

#include "engine/model.h"

typedef struct lms_metrics {
    FILE *f;
    int ncols_inst;
    char path[4200]; /* for messages */
} lms_metrics;

typedef struct lms_metrics_row {
    long step;
    double lr, train_loss, val_loss, grad_norm, tokens_per_sec, elapsed;
    int has_val, instrumented;
    double val_bpb; /* with has_val; NaN: unknown (no tokenizer) */
} lms_metrics_row;

/* Create path with its header row; -1 and a message naming path when it
 * cannot be created or the header cannot be written. */
int lms_metrics_open(lms_metrics *mt, const char *path, const lms_model *m,
                     char *err, size_t errlen);
/* Open an existing metrics.csv (a resumed run's) to append rows. */
int lms_metrics_append(lms_metrics *mt, const char *path, char *err,
                       size_t errlen);
/* The instrumentation values of the model's last forward, in column order
 * (is_max[i]: a maximum, to be combined over ranks with max rather than
 * mean). Returns how many there are (only counts when cap is 0). */
size_t lms_metrics_collect(const lms_model *m, double *vals, int *is_max,
                           size_t cap);
/* Write one row and flush it; vals (nvals) are written when
 * r->instrumented, else the instrumentation cells stay empty. -1 and a
 * message naming the file when the row could not be written whole (disk
 * full, file size limit): the rows before it stay in the file. 0 when
 * there is no file (not the root rank). */
int lms_metrics_write(lms_metrics *mt, const lms_metrics_row *r,
                      const double *vals, size_t nvals, char *err,
                      size_t errlen);
/* The last row of a finished run: its final validation loss alone, at
 * step = the number of steps trained; -1 and a message as above. */
int lms_metrics_write_final(lms_metrics *mt, long step, double val_loss,
                            double val_bpb, char *err, size_t errlen);
void lms_metrics_close(lms_metrics *mt); /* accepts zeroed */
/* x as a metrics.csv cell holds it: the loss columns (%.6f, general 0) or
 * the grad_norm column (%.6g, general 1), read back. */
double lms_metrics_as_written(double x, int general);

/* Mean over rows of the L2 norm of each row of x (rows, cols). */
double lms_mean_row_norm(const float *x, size_t rows, int cols);

#endif
