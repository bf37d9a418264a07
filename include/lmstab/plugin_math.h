/*
 * Optional header-only math for plugins' element loops: functions that
 * vectorize without -ffast-math (libm's expf and tanhf do not), so a plugin
 * still links libc/libm only. Each is branch-free; the selects are bit
 * blends, because gcc turns `?:` on floats next to trapping operations into
 * branches, which stops the loops around them from vectorizing.
 */
#ifndef LMSTAB_PLUGIN_MATH_H
#define LMSTAB_PLUGIN_MATH_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* LMS_HOT on a function whose loops should vectorize: gcc compiles it for
 * AVX-512, AVX2+FMA and baseline x86-64 and picks one at load time, so a
 * portable build runs wide vectors where the CPU has them. The v3/v4 clones
 * contract a*b+c into FMA (results differ from the baseline clone by
 * rounding; one machine stays deterministic). -DLMS_NO_CLONES turns it off. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&         \
    !defined(LMS_NO_CLONES)
#define LMS_HOT                                                                \
    __attribute__((                                                            \
        target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define LMS_HOT
#endif

/* Instruction sets for hand-written kernels (intrinsics), as lists of
 * features for __attribute__((target(...))): LMS_ISA_AVX512 is x86-64-v4
 * (AVX-512 F, BW, CD, DQ, VL), LMS_ISA_AVX2 x86-64-v3 (AVX2, FMA, BMI).
 * Features, not "arch=": a feature list adds to the build's own target,
 * while arch= replaces it, and under -march=native (LMS_NATIVE) a kernel
 * with a narrower target than its file cannot inline the intrinsics
 * ("target specific option mismatch"). LMS_TARGET_* wrap them. */
#define LMS_ISA_AVX2 "avx2,fma,bmi,bmi2,f16c,lzcnt,movbe,popcnt"
#define LMS_ISA_AVX512                                                         \
    "avx512f,avx512bw,avx512cd,avx512dq,avx512vl," LMS_ISA_AVX2
#define LMS_TARGET_AVX2 __attribute__((target(LMS_ISA_AVX2)))
#define LMS_TARGET_AVX512 __attribute__((target(LMS_ISA_AVX512)))

/* The widest fp32 SIMD level this CPU runs, for a plugin (or the core)
 * that picks its own kernels at run time: LMS_SIMD_AVX512 (AVX-512 F, BW,
 * VL, DQ), LMS_SIMD_AVX2 (AVX2 + FMA) or LMS_SIMD_GENERIC (portable C, and
 * every non-x86 CPU). The environment variable `env` (NULL: none) may ask
 * for a narrower level, "avx2" or "generic", never a wider one, so tests can
 * run every kernel the CPU supports. */
enum { LMS_SIMD_GENERIC = 0, LMS_SIMD_AVX2 = 1, LMS_SIMD_AVX512 = 2 };

static inline int lms_simd_supported(void) {
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma"))
        return LMS_SIMD_GENERIC;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
        return LMS_SIMD_AVX512;
    return LMS_SIMD_AVX2;
#else
    return LMS_SIMD_GENERIC;
#endif
}

static inline int lms_simd_level(const char *env) {
    int level = lms_simd_supported();
    const char *want = env ? getenv(env) : NULL;
    if (want && !strcmp(want, "generic"))
        return LMS_SIMD_GENERIC;
    if (want && !strcmp(want, "avx2") && level > LMS_SIMD_AVX2)
        return LMS_SIMD_AVX2;
    return level;
}

/* bits of a float and back */
static inline uint32_t lms_f2u(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static inline float lms_u2f(uint32_t u) {
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/*
 * x rounded to bfloat16 (the top 16 bits of a float), round to nearest,
 * ties to even, returned as the float it represents: what a bf16 GEMM
 * reads. Subnormals round like any other value (bf16 has float's exponent
 * range), values past the largest bf16 round to +-inf, +-inf stay, and a
 * NaN stays a (quiet) NaN of the same sign, never inf: its rounding carry
 * is not applied.
 */
static inline uint32_t lms_bf16_bits(float x) {
    uint32_t u = lms_f2u(x);
    uint32_t nan = 0u - (uint32_t)((u & 0x7fffffffu) > 0x7f800000u);
    uint32_t rne = u + 0x7fffu + ((u >> 16) & 1u);
    /* a bit blend, not a branch, so loops over it vectorize */
    return (((u | 0x00400000u) & nan) | (rne & ~nan)) >> 16;
}

static inline float lms_bf16_round(float x) {
    return lms_u2f(lms_bf16_bits(x) << 16);
}

/* dst = lms_bf16_round(src) over rows x cols (row strides ldd, lds; dst may
 * be src for the same strides). */
static inline void lms_bf16_round_rows(float *dst, size_t ldd, const float *src,
                                       size_t lds, size_t rows, size_t cols) {
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++)
            dst[r * ldd + c] = lms_bf16_round(src[r * lds + c]);
}

/* c ? a : b as a bit blend (c is 0 or 1) */
static inline float lms_fsel(int c, float a, float b) {
    uint32_t m = 0u - (uint32_t)c;
    return lms_u2f((lms_f2u(a) & m) | (lms_f2u(b) & ~m));
}

/*
 * exp(x) in float (Cephes expf, 2^n from the exponent bits): within 2 ulp
 * of expf on [-87.3, 88.3], 0 below -87.3, +inf above 88.4, NaN for NaN.
 */
static inline float lms_expf(float x) {
    float xc = lms_fsel(x < -87.3f, -87.3f, x); /* NaN stays NaN */
    xc = lms_fsel(xc > 89.0f, 89.0f, xc);
    float t = xc * 1.44269504088896341f + 12582912.0f; /* round to integer */
    float n = t - 12582912.0f;
    int32_t ni = (int32_t)(lms_f2u(t) - 0x4B400000u);
    float r = xc - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.0f;
    float scale = lms_u2f((uint32_t)(ni + 127) << 23);
    return lms_fsel(x < -87.3f, 0.0f, p * scale);
}

/* max of x[0..n), n >= 1, in 8 independent lanes (vectorizes; a NaN may
 * be skipped, so callers that must see NaN check the sum they build on it) */
static inline float lms_row_max(const float *x, int n) {
    float m[8];
    for (int k = 0; k < 8; k++)
        m[k] = x[0];
    int j = 0;
    for (; j + 8 <= n; j += 8)
        for (int k = 0; k < 8; k++)
            m[k] = x[j + k] > m[k] ? x[j + k] : m[k];
    for (; j < n; j++)
        m[0] = x[j] > m[0] ? x[j] : m[0];
    float r = m[0];
    for (int k = 1; k < 8; k++)
        r = m[k] > r ? m[k] : r;
    return r;
}

#endif
