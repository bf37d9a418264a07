/* Durations for progress lines (duration.h). */
#include <stdio.h>

#include "util/duration.h"

void lms_fmt_duration(char *out, size_t n, double s) {
    long t = s > 0 && s < 1e9 ? (long)(s + 0.5) : 0;
    if (t < 60)
        snprintf(out, n, "%lds", t);
    else if (t < 3600)
        snprintf(out, n, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(out, n, "%ldh%02ldm", t / 3600, t % 3600 / 60);
}
