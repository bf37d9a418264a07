/* Guard zones (guard.h): canaries, or ASan poisoning when built with it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/guard.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define LMS_GUARD_ASAN 1
#else
#define LMS_GUARD_ASAN 0
#endif

/* A NaN no computation produces (payload 0x25a5a5). */
#define CANARY 0x7fa5a5a5u

int lms_guard_enabled(void) {
    static int on = -1;
    if (on < 0) {
        const char *e = getenv("LMSTAB_GUARD");
        on = e && *e && strcmp(e, "0") != 0;
    }
    return on;
}

void lms_guard_fill(float *g, size_t n) {
#if LMS_GUARD_ASAN
    ASAN_POISON_MEMORY_REGION(g, n * sizeof *g);
#else
    const uint32_t c = CANARY;
    for (size_t i = 0; i < n; i++)
        memcpy(&g[i], &c, sizeof c);
#endif
}

void lms_guard_open(float *buf, size_t used, size_t cap) {
    if (used < cap)
        lms_guard_fill(buf + used, cap - used);
}

int lms_guard_close(float *buf, size_t used, size_t cap, size_t *past) {
#if LMS_GUARD_ASAN
    (void)past; /* ASan stopped the process at the write */
    if (used < cap)
        ASAN_UNPOISON_MEMORY_REGION(buf + used, (cap - used) * sizeof *buf);
    return 0;
#else
    size_t end = cap + LMS_GUARD_FLOATS;
    for (size_t i = used; i < end; i++) {
        uint32_t v;
        memcpy(&v, &buf[i], sizeof v);
        if (v != CANARY) {
            *past = i - used;
            return 1;
        }
    }
    return 0;
#endif
}

void lms_guard_release(float *arena, size_t n) {
#if LMS_GUARD_ASAN
    if (arena)
        ASAN_UNPOISON_MEMORY_REGION(arena, n * sizeof *arena);
#else
    (void)arena;
    (void)n;
#endif
}
