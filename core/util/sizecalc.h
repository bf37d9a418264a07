/*
 * Saturating size arithmetic for buffer sizes computed from the INI and
 * from plugin plans: a product or sum that would wrap yields SIZE_MAX, which
 * is never a valid size, so one check at the allocator catches an overflow
 * anywhere on the way (a wrapped total would allocate too little and train
 * on memory it does not own).
 */
#ifndef LMSTAB_CORE_SIZECALC_H
#define LMSTAB_CORE_SIZECALC_H

#include <stddef.h>
#include <stdint.h>

/* a * b, or SIZE_MAX when it does not fit (or either is SIZE_MAX). */
static inline size_t lms_sz_mul(size_t a, size_t b) {
    size_t r;
    if (a == SIZE_MAX || b == SIZE_MAX || __builtin_mul_overflow(a, b, &r))
        return SIZE_MAX;
    return r;
}

/* a + b, or SIZE_MAX when it does not fit. */
static inline size_t lms_sz_add(size_t a, size_t b) {
    size_t r;
    if (__builtin_add_overflow(a, b, &r))
        return SIZE_MAX;
    return r;
}

#endif
