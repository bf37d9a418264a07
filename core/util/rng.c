/* Portable seeded random numbers: PCG32 (O'Neill, pcg-random.org, the
 * "pcg32_random_r" XSH-RR variant) seeded through splitmix64, so that nearby
 * seeds (0, 1, 2, ...) give unrelated streams. Pure integer arithmetic: the
 * same seed gives the same sequence on every machine and compiler. */
#include <math.h>

#include "util/rng.h"

#define PCG_MULT 6364136223846793005ULL

/* splitmix64 (Steele, Lea, Flood 2014): one step of a well-mixed 64-bit
 * hash sequence; used only to turn user seeds into PCG state. */
static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Seed r. `seed` picks the starting point, `stream` one of 2^63 independent
 * sequences (e.g. 0 for data order, 1 for init). Any values are valid. */
void lms_rng_seed(lms_rng *r, uint64_t seed, uint64_t stream) {
    uint64_t s = seed, q = stream;
    uint64_t initstate = splitmix64(&s);
    uint64_t initseq = splitmix64(&q);
    r->state = 0;
    r->inc = (initseq << 1) | 1u; /* must be odd */
    (void)lms_rng_u32(r);
    r->state += initstate;
    (void)lms_rng_u32(r);
}

/* Next 32 uniformly distributed bits; advances the state by one step. */
uint32_t lms_rng_u32(lms_rng *r) {
    uint64_t old = r->state;
    r->state = old * PCG_MULT + r->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18) ^ old) >> 27);
    uint32_t rot = (uint32_t)(old >> 59);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31u));
}

static uint64_t rng_u64(lms_rng *r) {
    uint64_t hi = lms_rng_u32(r);
    return (hi << 32) | lms_rng_u32(r);
}

/* Uniform integer in [0, n) without modulo bias (rejection of the low
 * 2^k mod n values). Returns 0 for n <= 1 without consuming randomness for
 * n == 0; n == 1 consumes one draw so that call counts stay predictable. */
uint64_t lms_rng_below(lms_rng *r, uint64_t n) {
    if (n == 0)
        return 0;
    if (n <= UINT32_MAX) {
        uint32_t n32 = (uint32_t)n;
        uint32_t threshold = (uint32_t)(-n32) % n32;
        for (;;) {
            uint32_t x = lms_rng_u32(r);
            if (x >= threshold)
                return x % n32;
        }
    }
    uint64_t threshold = (-n) % n;
    for (;;) {
        uint64_t x = rng_u64(r);
        if (x >= threshold)
            return x % n;
    }
}

/* Uniform float in [0, 1): the top 24 bits of one draw times 2^-24, so
 * every value is exactly representable and 1.0 never occurs. */
float lms_rng_uniform(lms_rng *r) {
    return (float)(lms_rng_u32(r) >> 8) * (1.0f / 16777216.0f);
}

/* Standard normal N(0, 1) by Box-Muller from two fresh uniforms (the sine
 * branch is discarded so the generator state alone determines the next
 * value). Computed in double; always finite (|z| < ~5.8). */
float lms_rng_normal(lms_rng *r) {
    double u1 = 1.0 - (double)lms_rng_uniform(r); /* (0, 1]: log is finite */
    double u2 = (double)lms_rng_uniform(r);
    double radius = sqrt(-2.0 * log(u1));
    return (float)(radius * cos(2.0 * M_PI * u2));
}
