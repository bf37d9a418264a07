/* The lock of a run directory (runlock.c) and its stale temporaries. */
#ifndef LMSTAB_CORE_RUNLOCK_H
#define LMSTAB_CORE_RUNLOCK_H

#include <stddef.h>

#define LMS_RUNLOCK_FILE ".lock"

/* Lock dir for this process (until lms_runlock_release or exit) and write
 * our pid into DIR/.lock. Returns the lock's fd, or -1 and "DIR: this run
 * directory is in use by process N ..." when another process holds it. */
int lms_runlock_acquire(const char *dir, char *err, size_t errlen);
/* 0 when nobody holds dir's lock right now, -1 and the same message when
 * someone does (the sweep asks before it launches a run there). */
int lms_runlock_check(const char *dir, char *err, size_t errlen);
/* Drop the lock (accepts -1). */
void lms_runlock_release(int fd);
/* Remove DIR/<our file>.tmp.<pid> (checkpoint, weights, summary, metrics) whose
 * writer is dead: what a killed run leaves. Call with the lock held.
 * Returns how many were removed. */
int lms_runlock_clean_temps(const char *dir);

#endif
