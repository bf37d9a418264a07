/* Sorting numbers (order.h). */
#include "util/order.h"

#include <stdlib.h>

int lms_cmp_double(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double lms_median(double *v, size_t n) {
    qsort(v, n, sizeof *v, lms_cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}
