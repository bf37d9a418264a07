/*
 * Debug guard zones (LMSTAB_GUARD=1; on in the sanitizer CI job). The
 * activation arena gets a guard of LMS_GUARD_FLOATS after every buffer,
 * and around each plugin call the unused tail of the buffers it writes
 * (its output y, its input gradient dx) joins the guard: a plugin writing
 * past the end of what it was given hits the guard instead of a neighbour.
 * Under AddressSanitizer guards are poisoned (ASan stops at the write, in
 * the plugin's frame); otherwise they hold a canary, checked after the
 * call, and the model names the plugin, op and buffer (lms_model.guard_err).
 * Buffer offsets move by multiples of 16 KiB: alignment, hence every
 * number, is the same as without guards.
 */
#ifndef LMSTAB_CORE_GUARD_H
#define LMSTAB_CORE_GUARD_H

#include <stddef.h>

#define LMS_GUARD_FLOATS ((size_t)4096) /* 16 KiB */

/* 1 when LMSTAB_GUARD is set to something other than "0" (read once). */
int lms_guard_enabled(void);
/* Make g[0..n) a guard (canary, or poisoned under ASan). */
void lms_guard_fill(float *g, size_t n);
/* Before a call that may write buf[0..used): the tail [used, cap) becomes
 * part of the guard that follows buf + cap. */
void lms_guard_open(float *buf, size_t used, size_t cap);
/* After the call: 0 when the tail and the guard after cap are intact, else
 * 1 and *past = how many floats past used the first write landed. The tail
 * is usable memory again either way. */
int lms_guard_close(float *buf, size_t used, size_t cap, size_t *past);
/* Before freeing an arena that holds guards (ASan: unpoison it). */
void lms_guard_release(float *arena, size_t n);

#endif
