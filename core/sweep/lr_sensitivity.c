/* LR sensitivity over the interpolated loss curve (lr_sensitivity.h). */
#include "sweep/lr_sensitivity.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct pt {
    double x, y; /* ln LR, value */
} pt;

static int by_x(const void *a, const void *b) {
    const double u = ((const pt *)a)->x, v = ((const pt *)b)->x;
    return (u > v) - (u < v);
}

/* The piecewise-linear curve through p[0..m) (distinct x, ascending) at x,
 * p[0].x <= x <= p[m-1].x. */
static double at(const pt *p, int m, double x) {
    int i = 1;
    while (i < m - 1 && p[i].x < x)
        i++;
    if (m == 1)
        return p[0].y;
    const double w = (x - p[i - 1].x) / (p[i].x - p[i - 1].x);
    return p[i - 1].y + w * (p[i].y - p[i - 1].y);
}

lms_lr_sens lms_lr_sensitivity(const double *lr, const double *y, int n,
                               double lo, double hi) {
    lms_lr_sens r = {NAN, 0, NAN, NAN};
    if (n <= 0 || !(lo > 0) || !(hi > lo))
        return r;
    pt *p = malloc((size_t)n * sizeof *p);
    if (!p)
        return r;
    /* relative 1e-9: a grid LR printed as 3e-4 counts as inside */
    const double A = log(lo), B = log(hi), eps = 1e-9;
    int m = 0, unknown = 0;
    for (int i = 0; i < n; i++) {
        if (!(lr[i] > 0) || !isfinite(lr[i]))
            continue;
        const double x = log(lr[i]);
        if (isfinite(y[i]))
            p[m++] = (pt){x, y[i]};
        else
            unknown |= x >= A - eps && x <= B + eps;
    }
    qsort(p, (size_t)m, sizeof *p, by_x);
    int u = 0; /* an LR given twice: once, at the mean of its values */
    for (int i = 0; i < m; u++) {
        int j = i + 1;
        double sum = p[i].y;
        while (j < m && p[j].x == p[i].x)
            sum += p[j++].y;
        p[u] = (pt){p[i].x, sum / (j - i)};
        i = j;
    }
    m = u;
    int first = -1, last = -1;
    for (int i = 0; i < m; i++)
        if (p[i].x >= A - eps && p[i].x <= B + eps) {
            if (first < 0)
                first = i;
            last = i;
        }
    if (first < 0) {
        free(p);
        return r;
    }
    r.in_range = last - first + 1;
    /* the points in range, and one anchor beyond each end where there is */
    const int a0 = first > 0 ? first - 1 : first;
    const int a1 = last < m - 1 ? last + 1 : last;
    const pt *q = p + a0;
    const int k = a1 - a0 + 1;
    const double from = fmax(A, q[0].x), to = fmin(B, q[k - 1].x);
    r.from = exp(from);
    r.to = exp(to);
    /* exact integral of a piecewise-linear curve: trapezoids between the
     * span's ends and every node inside it; its minimum is at one of them */
    double prev_x = from, prev_y = at(q, k, from), area = 0, best = prev_y;
    for (int i = 0; i <= k; i++) {
        const double x = i < k ? q[i].x : to;
        if (x <= prev_x || (i < k && x >= to))
            continue;
        const double v = i < k ? q[i].y : at(q, k, to);
        area += 0.5 * (prev_y + v) * (x - prev_x);
        best = v < best ? v : best;
        prev_x = x;
        prev_y = v;
    }
    free(p);
    r.value = unknown ? NAN : to > from ? area / (to - from) - best : 0.0;
    return r;
}

void lms_lr_sens_format(char *buf, size_t n, const lms_lr_sens *s, double lo,
                        double hi) {
    if (!isfinite(s->value)) {
        snprintf(buf, n, "-");
        return;
    }
    const int whole = s->from <= lo * (1 + 1e-6) && s->to >= hi * (1 - 1e-6);
    if (whole)
        snprintf(buf, n, "%.4f (%d LRs)", s->value, s->in_range);
    else
        snprintf(buf, n, "%.4f (%d LRs, %.3g to %.3g)", s->value, s->in_range,
                 s->from, s->to);
}

int lms_lr_sens_common(const lms_lr_sens *s, int n, double *lo, double *hi) {
    int any = 0;
    *lo = 0;
    *hi = INFINITY;
    for (int i = 0; i < n; i++)
        if (isfinite(s[i].value)) {
            any = 1;
            *lo = fmax(*lo, s[i].from);
            *hi = fmin(*hi, s[i].to);
        }
    return any && *hi > *lo ? 0 : -1;
}
