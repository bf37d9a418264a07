/* The monotonic clock every timing in lmstab reads (progress, ETA, bench). */
#ifndef LMSTAB_CLOCK_H
#define LMSTAB_CLOCK_H

/* Monotonic clock in seconds. */
double lms_now(void);

#endif
