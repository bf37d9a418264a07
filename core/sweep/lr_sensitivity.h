/*
 * LR sensitivity (Wortsman et al. 2023): the expectation, over learning
 * rates log-uniform in [lo, hi], of min(final loss, loss at init) minus its
 * best value in that range. A sweep knows the loss only at its grid LRs, so
 * the expectation is taken over the piecewise-linear interpolation of those
 * points in ln LR (the trapezoid rule, exact for that curve), with the
 * nearest grid LR outside the range on each side as the end's anchor.
 * Unlike the plain mean over the grid LRs in range, this estimates the same
 * quantity on any grid that spans [lo, hi]: a ratio-2 grid from 3e-4 and a
 * ratio-1.5 grid from 0.03 agree up to interpolation error, where their
 * plain means weigh different parts of the range (docs/results/protocol.md,
 * Changes). Where the grid does not reach an end of the range, nothing is
 * extrapolated: the expectation is over the part the grid spans, which is
 * reported, and grids that span different parts are compared over the part
 * they share (lms_lr_sens_common), since the value depends on the span.
 */
#ifndef LMSTAB_CORE_LR_SENSITIVITY_H
#define LMSTAB_CORE_LR_SENSITIVITY_H

#include <stddef.h>

/* Wortsman et al. 2023's LR range for LR sensitivity: 3e-4 to 3e-1. */
#define LMS_SENS_LR_MIN 3e-4
#define LMS_SENS_LR_MAX 3e-1

typedef struct lms_lr_sens {
    double value;    /* NAN when no usable point lies in [lo, hi] */
    int in_range;    /* usable points inside [lo, hi] */
    double from, to; /* the LRs the expectation is over: [lo, hi] or less */
} lms_lr_sens;

/* lr[i] > 0 (any order), y[i] the value at lr[i]; an LR given twice counts
 * once, at the mean of its values. A non-finite y inside [lo, hi] leaves
 * no value (the line is not drawn across an unknown point); outside, such
 * a point is skipped, as is a non-positive LR. */
lms_lr_sens lms_lr_sensitivity(const double *lr, const double *y, int n,
                               double lo, double hi);

/* The span [*lo, *hi] that every estimate of s[0..n) with a value covers:
 * to compare sweeps on different grids over the same learning rates. 0, or
 * -1 when none has a value or they share no span. */
int lms_lr_sens_common(const lms_lr_sens *s, int n, double *lo, double *hi);

/* For tables: "0.1234 (17 LRs)", with the span when it is less than
 * [lo, hi]: "0.1234 (9 LRs, 0.03 to 0.3)"; "-" without a value. */
void lms_lr_sens_format(char *buf, size_t n, const lms_lr_sens *s, double lo,
                        double hi);

#endif
