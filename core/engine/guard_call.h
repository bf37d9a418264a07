/*
 * One guarded plugin call (LMSTAB_GUARD=1, see guard.h). The activations a
 * call reads and writes (its output y, its input gradient dx, its stats)
 * sit in the activation arena with a guard after each, and their unused
 * tails join the guard for the call. Everything else the call is handed
 * lives in shared regions packed tight: the parameters and gradients of
 * the layer and of its children, their caches and scratch. For the call,
 * each of these is copied into a staging arena where a guard follows it,
 * the layer's pointers are pointed at the copies, and afterwards the
 * copies are checked, copied back and the pointers restored. Numbers are
 * the same as without guards: every copy is exact and keeps its address
 * modulo 64 bytes (vector alignment).
 *
 * A write past any of these buffers is reported naming the plugin, the op
 * and the buffer: under ASan by the ASan report itself plus one
 * "LMSTAB_GUARD: ..." line printed before it; otherwise by the canary
 * check after the call (lms_guard_call_end's message).
 */
#ifndef LMSTAB_CORE_GUARD_CALL_H
#define LMSTAB_CORE_GUARD_CALL_H

#include <stddef.h>

#include "engine/layer.h"

typedef struct lms_guard_stage lms_guard_stage;

/* Floats the staging arena needs for calls of L (and its children). */
size_t lms_guard_stage_floats(const lms_layer *L);
/* A staging arena of n floats (the largest lms_guard_stage_floats over
 * the model's layers); NULL when out of memory. */
lms_guard_stage *lms_guard_stage_new(size_t n);
void lms_guard_stage_free(lms_guard_stage *g); /* accepts NULL */

/* Before calling L for op `op` ("act", "final_norm", ...) in `pass`
 * ("forward", "backward"): stage L's parameters, gradients, caches and
 * scratch and those of its children. The strings must outlive the call. */
void lms_guard_call_begin(lms_guard_stage *g, lms_layer *L, const char *op,
                          const char *pass);
/* A buffer of the call in the activation arena: what ("its output y"),
 * used floats written by this call, cap floats allocated, followed by a
 * guard of LMS_GUARD_FLOATS. Its tail [used, cap) is a guard meanwhile. */
void lms_guard_call_zone(lms_guard_stage *g, const char *what, float *buf,
                         size_t used, size_t cap);
/* After the call: 0, or 1 and msg = the first buffer written past, as
 * "plugin 'P' (op 'O', pass) wrote past the end of <buffer>: N floats past
 * its M (LMSTAB_GUARD)". The layer's buffers hold the call's results and
 * its pointers are restored either way. */
int lms_guard_call_end(lms_guard_stage *g, char *msg, size_t msglen);

#endif
