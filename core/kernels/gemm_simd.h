/*
 * The vector helpers of lms_gemm's microkernels (gemm_kernel.inc), one set
 * per instruction set, prefixed avx512_, avx2_ and generic_: zero, ld, ldn
 * (first n lanes, rest 0), st, stn (first n lanes), bc (broadcast *p),
 * set1, fma (a * b + c), mul, add. GEMM_X86 is defined when the x86 sets
 * are compiled (gcc on x86-64). Private to core/gemm*.c.
 */
#ifndef LMSTAB_GEMM_SIMD_H
#define LMSTAB_GEMM_SIMD_H

#include <string.h>

#define CAT_(a, b) a##_##b
#define CAT(a, b) CAT_(a, b)

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&         \
    !defined(LMS_NO_CLONES)
#define GEMM_X86 1
#include <immintrin.h>

#include "lmstab/plugin_math.h" /* LMS_TARGET_AVX512, LMS_TARGET_AVX2 */

/* AVX-512 F, BW, VL, DQ (x86-64-v4) */
#define T512 LMS_TARGET_AVX512
typedef __m512 avx512_v;
#define AI static inline __attribute__((always_inline))
AI T512 __m512 avx512_zero(void) {
    return _mm512_setzero_ps();
}
AI T512 __m512 avx512_ld(const float *p) {
    return _mm512_loadu_ps(p);
}
AI T512 __m512 avx512_ldn(const float *p, int n) {
    return _mm512_maskz_loadu_ps((__mmask16)((1u << n) - 1), p);
}
AI T512 void avx512_st(float *p, __m512 v) {
    _mm512_storeu_ps(p, v);
}
AI T512 void avx512_stn(float *p, __m512 v, int n) {
    _mm512_mask_storeu_ps(p, (__mmask16)((1u << n) - 1), v);
}
AI T512 __m512 avx512_bc(const float *p) {
    return _mm512_set1_ps(*p);
}
AI T512 __m512 avx512_set1(float x) {
    return _mm512_set1_ps(x);
}
AI T512 __m512 avx512_fma(__m512 a, __m512 b, __m512 c) {
    return _mm512_fmadd_ps(a, b, c);
}
AI T512 __m512 avx512_mul(__m512 a, __m512 b) {
    return _mm512_mul_ps(a, b);
}
AI T512 __m512 avx512_add(__m512 a, __m512 b) {
    return _mm512_add_ps(a, b);
}

/* AVX2 + FMA (x86-64-v3) */
#define T256 LMS_TARGET_AVX2
typedef __m256 avx2_v;
AI T256 __m256i avx2_mask(int n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n),
                              _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
AI T256 __m256 avx2_zero(void) {
    return _mm256_setzero_ps();
}
AI T256 __m256 avx2_ld(const float *p) {
    return _mm256_loadu_ps(p);
}
AI T256 __m256 avx2_ldn(const float *p, int n) {
    return _mm256_maskload_ps(p, avx2_mask(n));
}
AI T256 void avx2_st(float *p, __m256 v) {
    _mm256_storeu_ps(p, v);
}
AI T256 void avx2_stn(float *p, __m256 v, int n) {
    _mm256_maskstore_ps(p, avx2_mask(n), v);
}
AI T256 __m256 avx2_bc(const float *p) {
    return _mm256_broadcast_ss(p);
}
AI T256 __m256 avx2_set1(float x) {
    return _mm256_set1_ps(x);
}
AI T256 __m256 avx2_fma(__m256 a, __m256 b, __m256 c) {
    return _mm256_fmadd_ps(a, b, c);
}
AI T256 __m256 avx2_mul(__m256 a, __m256 b) {
    return _mm256_mul_ps(a, b);
}
AI T256 __m256 avx2_add(__m256 a, __m256 b) {
    return _mm256_add_ps(a, b);
}
#endif

/* Portable: 4-float vectors (SSE2 on x86-64); fma rounds a * b, then
 * adds (the including file is compiled with -ffp-contract=off). */
typedef float generic_v __attribute__((vector_size(16)));
#define GI static inline __attribute__((always_inline))
GI generic_v generic_zero(void) {
    return (generic_v){0, 0, 0, 0};
}
GI generic_v generic_ld(const float *p) {
    generic_v v;
    memcpy(&v, p, sizeof v);
    return v;
}
GI generic_v generic_ldn(const float *p, int n) {
    generic_v v = {0, 0, 0, 0};
    for (int i = 0; i < n; i++)
        v[i] = p[i];
    return v;
}
GI void generic_st(float *p, generic_v v) {
    memcpy(p, &v, sizeof v);
}
GI void generic_stn(float *p, generic_v v, int n) {
    for (int i = 0; i < n; i++)
        p[i] = v[i];
}
GI generic_v generic_set1(float x) {
    return (generic_v){x, x, x, x};
}
GI generic_v generic_bc(const float *p) {
    return generic_set1(*p);
}
GI generic_v generic_fma(generic_v a, generic_v b, generic_v c) {
    return a * b + c;
}
GI generic_v generic_mul(generic_v a, generic_v b) {
    return a * b;
}
GI generic_v generic_add(generic_v a, generic_v b) {
    return a + b;
}

#endif
