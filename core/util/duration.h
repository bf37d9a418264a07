/* Durations as people read them in progress lines (duration.c). */
#ifndef LMSTAB_CORE_DURATION_H
#define LMSTAB_CORE_DURATION_H

#include <stddef.h>

/* s seconds as "42s", "3m07s" or "2h05m" (0s for negative or absurd s). */
void lms_fmt_duration(char *out, size_t n, double s);

#endif
