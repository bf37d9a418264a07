/* Seeded, portable random numbers (xoshiro128+-free: splitmix64 + PCG32) so
 * that the same seed gives the same run on every machine. */
#ifndef LMSTAB_RNG_H
#define LMSTAB_RNG_H

#include <stdint.h>

typedef struct lms_rng {
    uint64_t state;
    uint64_t inc;
} lms_rng;

void lms_rng_seed(lms_rng *r, uint64_t seed, uint64_t stream);
uint32_t lms_rng_u32(lms_rng *r);
/* Uniform integer in [0, n), unbiased. */
uint64_t lms_rng_below(lms_rng *r, uint64_t n);
/* Uniform float in [0, 1). */
float lms_rng_uniform(lms_rng *r);
/* Standard normal (Box-Muller, no cached second value so state is explicit). */
float lms_rng_normal(lms_rng *r);

#endif
