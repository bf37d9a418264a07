/*
 * lms_expf_rows (expf_rows.h): libm's expf, many lanes at a time.
 *
 * glibc's expf (2.28 on, sysdeps/ieee754/flt-32/e_expf.c, from Arm's
 * optimized-routines) works in double: z = x * 32/ln2, k = z rounded to an
 * integer by adding 1.5 * 2^52, r = z - k; then 2^(k/32) is a table entry
 * 2^((k mod 32)/32) with k/32's integer part added to its exponent bits,
 * times a cubic in r, rounded once to float. Its x86-64 variant for CPUs
 * with FMA (__expf_fma) contracts four multiply-adds; the lanes below run
 * that variant's operations in its order (read from its disassembly), with
 * glibc's constants (__exp2f_data), so each lane rounds exactly as the call
 * it replaces. Arguments whose |x| >= 88 (by the top 12 bits, as glibc
 * tests) or NaN take glibc's special cases: those lanes call libm.
 *
 * Whether this process's libm is that expf is checked once, not assumed:
 * the vector path is used only if it matches libm on every argument of a
 * fixed set (self_check). tests/core/test_expf_rows.c compares every float
 * of the softmax's domain, [-inf, 0], and a sample of the rest.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/expf_rows.h"
#include "lmstab/plugin_math.h"

/* __exp2f_data.tab: 2^(j/32) for j < 32, minus j << 47 (the exponent bits
 * that k's integer part adds back) */
static const uint64_t g_tab[32] = {
    0x3ff0000000000000, 0x3fefd9b0d3158574, 0x3fefb5586cf9890f,
    0x3fef9301d0125b51, 0x3fef72b83c7d517b, 0x3fef54873168b9aa,
    0x3fef387a6e756238, 0x3fef1e9df51fdee1, 0x3fef06fe0a31b715,
    0x3feef1a7373aa9cb, 0x3feedea64c123422, 0x3feece086061892d,
    0x3feebfdad5362a27, 0x3feeb42b569d4f82, 0x3feeab07dd485429,
    0x3feea47eb03a5585, 0x3feea09e667f3bcd, 0x3fee9f75e8ec5f74,
    0x3feea11473eb0187, 0x3feea589994cce13, 0x3feeace5422aa0db,
    0x3feeb737b0cdc5e5, 0x3feec49182a3f090, 0x3feed503b23e255d,
    0x3feee89f995ad3ad, 0x3feeff76f2fb5e47, 0x3fef199bdd85529c,
    0x3fef3720dcef9069, 0x3fef5818dcfba487, 0x3fef7c97337b9b5f,
    0x3fefa4afa2a490da, 0x3fefd0765b6e4540,
};
#define INVLN2N 0x1.71547652b82fep+5 /* 32 / ln 2 */
#define SHIFT 0x1.8p+52              /* z + SHIFT rounds z to an integer */
#define C0 0x1.c6af84b912394p-20     /* the cubic's coefficients, */
#define C1 0x1.ebfce50fac4f3p-13     /* scaled for r in units of 1/32 */
#define C2 0x1.62e42ff0c52d6p-6

/* glibc's test for its special cases: |x| >= 88 or x not finite */
static inline int special(float x) {
    return ((lms_f2u(x) >> 20) & 0x7ff) >= 0x42b;
}

void lms_expf_rows_libm(float *p, const float *z, float shift, size_t n) {
    for (size_t i = 0; i < n; i++)
        p[i] = expf(z[i] - shift);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&         \
    !defined(LMS_NO_CLONES)
#define EXPF_X86 1
#include <immintrin.h>

/* One lane as __expf_fma computes it (|x| < 88); inlined into the targets
 * below, where __builtin_fma is the instruction. */
static inline __attribute__((always_inline)) float lane(float x) {
    const double xd = (double)x;
    const double kr = __builtin_fma(INVLN2N, xd, SHIFT);
    uint64_t ki, t;
    memcpy(&ki, &kr, sizeof ki);
    const double kd = kr - SHIFT;
    const double r = __builtin_fma(INVLN2N, xd, -kd);
    t = g_tab[ki % 32] + (ki << 47);
    double s;
    memcpy(&s, &t, sizeof s);
    const double zc = __builtin_fma(C0, r, C1);
    const double r2 = r * r;
    double y = __builtin_fma(C2, r, 1.0);
    y = __builtin_fma(zc, r2, y);
    return (float)(y * s);
}

/* the lanes of a block whose x is special, from libm; x: the block's
 * arguments, y: its results, mask: bit j set for lane j */
static void fix_special(float *y, const float *x, unsigned mask) {
    for (int j = 0; mask; j++, mask >>= 1)
        if (mask & 1u)
            y[j] = expf(x[j]);
}

static inline __attribute__((always_inline)) void tail(float *p, const float *z, float shift, size_t i, size_t n) {
    for (; i < n; i++) {
        const float x = z[i] - shift;
        p[i] = special(x) ? expf(x) : lane(x);
    }
}

LMS_TARGET_AVX512 static void rows_avx512(float *p, const float *z,
                                          float shift, size_t n) {
    const __m512d inv = _mm512_set1_pd(INVLN2N), sh = _mm512_set1_pd(SHIFT);
    const __m512d c0 = _mm512_set1_pd(C0), c1 = _mm512_set1_pd(C1);
    const __m512d c2 = _mm512_set1_pd(C2), one = _mm512_set1_pd(1.0);
    /* the table in four registers: entries 0-15 by vpermt2q from t0, t1,
     * 16-31 from t2, t3, picked by bit 4 of k */
    const __m512i t0 = _mm512_loadu_si512(g_tab), t1 = _mm512_loadu_si512(g_tab + 8);
    const __m512i t2 = _mm512_loadu_si512(g_tab + 16), t3 = _mm512_loadu_si512(g_tab + 24);
    const __m512i bit4 = _mm512_set1_epi64(16);
    const __m256 shv = _mm256_set1_ps(shift);
    const __m256i top_mask = _mm256_set1_epi32(0x7ff), lim = _mm256_set1_epi32(0x42a);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 x = _mm256_sub_ps(_mm256_loadu_ps(z + i), shv);
        const __m512d xd = _mm512_cvtps_pd(x);
        const __m512d kr = _mm512_fmadd_pd(inv, xd, sh);
        const __m512i ki = _mm512_castpd_si512(kr);
        const __m512d kd = _mm512_sub_pd(kr, sh);
        const __m512d r = _mm512_fmsub_pd(inv, xd, kd); /* = fma(inv, xd, -kd) */
        const __m512i lo = _mm512_permutex2var_epi64(t0, ki, t1);
        const __m512i hi = _mm512_permutex2var_epi64(t2, ki, t3);
        const __m512i tb = _mm512_mask_blend_epi64(_mm512_test_epi64_mask(ki, bit4), lo, hi);
        const __m512d s = _mm512_castsi512_pd(_mm512_add_epi64(tb, _mm512_slli_epi64(ki, 47)));
        const __m512d zc = _mm512_fmadd_pd(c0, r, c1);
        const __m512d r2 = _mm512_mul_pd(r, r);
        __m512d y = _mm512_fmadd_pd(c2, r, one);
        y = _mm512_fmadd_pd(zc, r2, y);
        const __m256 yf = _mm512_cvtpd_ps(_mm512_mul_pd(y, s));
        const __m256i top = _mm256_and_si256(
            _mm256_srli_epi32(_mm256_castps_si256(x), 20), top_mask);
        const unsigned sp = _mm256_cmpgt_epi32_mask(top, lim);
        if (__builtin_expect(sp != 0, 0)) {
            float xs[8], ys[8];
            _mm256_storeu_ps(xs, x);
            _mm256_storeu_ps(ys, yf);
            fix_special(ys, xs, sp);
            memcpy(p + i, ys, sizeof ys);
        } else {
            _mm256_storeu_ps(p + i, yf);
        }
    }
    tail(p, z, shift, i, n);
}

LMS_TARGET_AVX2 static void rows_avx2(float *p, const float *z, float shift,
                                      size_t n) {
    const __m256d inv = _mm256_set1_pd(INVLN2N), sh = _mm256_set1_pd(SHIFT);
    const __m256d c0 = _mm256_set1_pd(C0), c1 = _mm256_set1_pd(C1);
    const __m256d c2 = _mm256_set1_pd(C2), one = _mm256_set1_pd(1.0);
    const __m256i low5 = _mm256_set1_epi64x(31);
    const __m128 shv = _mm_set1_ps(shift);
    const __m128i top_mask = _mm_set1_epi32(0x7ff), lim = _mm_set1_epi32(0x42a);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const __m128 x = _mm_sub_ps(_mm_loadu_ps(z + i), shv);
        const __m256d xd = _mm256_cvtps_pd(x);
        const __m256d kr = _mm256_fmadd_pd(inv, xd, sh);
        const __m256i ki = _mm256_castpd_si256(kr);
        const __m256d kd = _mm256_sub_pd(kr, sh);
        const __m256d r = _mm256_fmsub_pd(inv, xd, kd);
        const __m256i tb = _mm256_i64gather_epi64(
            (const long long *)g_tab, _mm256_and_si256(ki, low5), 8);
        const __m256d s = _mm256_castsi256_pd(_mm256_add_epi64(tb, _mm256_slli_epi64(ki, 47)));
        const __m256d zc = _mm256_fmadd_pd(c0, r, c1);
        const __m256d r2 = _mm256_mul_pd(r, r);
        __m256d y = _mm256_fmadd_pd(c2, r, one);
        y = _mm256_fmadd_pd(zc, r2, y);
        const __m128 yf = _mm256_cvtpd_ps(_mm256_mul_pd(y, s));
        const __m128i top = _mm_and_si128(_mm_srli_epi32(_mm_castps_si128(x), 20), top_mask);
        const unsigned sp = (unsigned)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpgt_epi32(top, lim)));
        if (__builtin_expect(sp != 0, 0)) {
            float xs[4], ys[4];
            _mm_storeu_ps(xs, x);
            _mm_storeu_ps(ys, yf);
            fix_special(ys, xs, sp);
            memcpy(p + i, ys, sizeof ys);
        } else {
            _mm_storeu_ps(p + i, yf);
        }
    }
    tail(p, z, shift, i, n);
}
#endif

typedef void (*rows_fn)(float *, const float *, float, size_t);

/*
 * The vector path against libm on 131,072 arguments: every 2^-7 step of
 * [-110, 94] with a pseudo-random low mantissa (so each of the table's 32
 * entries and the rounding of r are hit many times over), the boundaries of
 * glibc's special cases, zeros, infinities and NaN. Another algorithm (an
 * older glibc's, a correctly rounded one) differs on a share of such
 * arguments. glibc's own variant without FMA (picked where the CPU or
 * GLIBC_TUNABLES hides FMA or AVX2) differs from the FMA one on exactly two
 * floats of all 2^32, found by comparing both over every float: they are
 * in the set, so that libm is detected too.
 */
static int self_check(rows_fn fn) {
    enum { N = 131072 };
    float *x = malloc(2 * N * sizeof *x), *a = x + N;
    if (!x)
        return 0;
    uint32_t rng = 20241130u;
    for (int i = 0; i < N; i++) {
        rng = rng * 1664525u + 1013904223u;
        const float base = -110.0f + (float)(i % 26112) * 0x1p-7f;
        x[i] = lms_u2f((lms_f2u(base) & ~0x3fffu) | (rng >> 18));
    }
    const float edge[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN, 88.0f,
                          -88.0f, 0x1.62e42ep6f, 0x1.62e430p6f, -0x1.9fe368p6f,
                          -0x1.9fe36ap6f, -0x1.9d1d9ep6f, -0x1.9d1da0p6f,
                          0x1p-149f, -0x1p-149f, 1e-30f,
                          -0x1.f8cbb2p+5f, 0x1.04845ep+5f};
    memcpy(x, edge, sizeof edge);
    fn(a, x, 0.0f, N);
    int same = 1;
    for (int i = 0; i < N && same; i++) {
        const float e = expf(x[i]);
        same = !memcmp(&e, &a[i], sizeof e);
    }
    free(x);
    return same;
}

static rows_fn g_fn = lms_expf_rows_libm;
static const char *g_name = "libm";
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void pick(void) {
#ifdef EXPF_X86
    const int level = lms_simd_level("LMSTAB_EXPF_KERNEL");
    rows_fn fn = level == LMS_SIMD_AVX512 ? rows_avx512
                 : level == LMS_SIMD_AVX2 ? rows_avx2
                                          : NULL;
    if (fn && self_check(fn)) {
        g_fn = fn;
        g_name = level == LMS_SIMD_AVX512 ? "avx512" : "avx2";
    }
#else
    (void)self_check;
#endif
}

void lms_expf_rows(float *p, const float *z, float shift, size_t n) {
    pthread_once(&g_once, pick);
    g_fn(p, z, shift, n);
}

const char *lms_expf_rows_kernel(void) {
    pthread_once(&g_once, pick);
    return g_name;
}
