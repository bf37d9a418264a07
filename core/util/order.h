/* Sorting numbers: the qsort comparison and the median, written once. */
#ifndef LMSTAB_CORE_ORDER_H
#define LMSTAB_CORE_ORDER_H

#include <stddef.h>

/* qsort comparison of doubles, ascending (no NaN expected). */
int lms_cmp_double(const void *a, const void *b);
/* The median of v[0..n), n > 0 (the mean of the middle two when n is
 * even). Sorts v. */
double lms_median(double *v, size_t n);

#endif
