/* lms_gemm_bf16 (gemm.h): lms_gemm's driver with a vdpbf16ps microkernel
 * (AVX512_BF16). Packing rounds each element of op(A) and op(B) to
 * bfloat16 (lms_bf16_bits: round to nearest even, the same rounding as the
 * emulated path) and stores two consecutive k of a row or column in one
 * 32-bit element, low half first, as vdpbf16ps reads them. Each element of
 * C is one in-order chain over those pairs, so, as for lms_gemm, thread
 * count, blocking and sub-matrix bounds change no bit. Compiled with
 * -ffp-contract=off like gemm.c (the epilogue scales in float). */
#include <stdint.h>
#include <string.h>

#include "kernels/gemm.h"
#include "kernels/gemm_internal.h"
#include "lmstab/plugin_math.h"

#include "kernels/gemm_simd.h"

/* Elements p and p + 1 of a row or column s (elements `step` apart), each
 * rounded, as one packed word; an element at or past k is 0. */
static uint32_t pair(const float *s, size_t step, int p, int k) {
    uint32_t lo = p < k ? lms_bf16_bits(s[(size_t)p * step]) : 0u;
    uint32_t hi = p + 1 < k ? lms_bf16_bits(s[(size_t)(p + 1) * step]) : 0u;
    return lo | hi << 16;
}

/* Columns [j0, j0 + nr) of op(B), all of k: pair q of column j at
 * dst[q * NR + j]. B(p, j) = tb ? b[j * ldb + p] : b[p * ldb + j]. */
static void pack_b_bf16(const gemm_job *g, float *dstf, int j0, int nr) {
    const int NR = g->kr->nr, k = g->k, kw = g->kw;
    uint32_t *dst = (uint32_t *)dstf;
    for (int j = 0; j < NR; j++) {
        if (j >= nr) {
            for (int q = 0; q < kw; q++)
                dst[(size_t)q * NR + j] = 0u;
            continue;
        }
        const float *s = g->tb ? g->b + (size_t)(j0 + j) * g->ldb : g->b + j0 + j;
        const size_t step = g->tb ? 1 : (size_t)g->ldb;
        for (int q = 0; q < kw; q++)
            dst[(size_t)q * NR + j] = pair(s, step, 2 * q, k);
    }
}

/* Rows [i0, i0 + mr) of op(A), k in [p0, p0 + kc) (p0 even): pair q of
 * row r at dst[q * MR + r]. A(i, p) = ta ? a[p * lda + i] : a[i * lda + p]. */
static void pack_a_bf16(const gemm_job *g, float *dstf, int i0, int mr, int p0,
                        int kc) {
    const int MR = g->kr->mr, kcw = (kc + 1) / 2;
    uint32_t *dst = (uint32_t *)dstf;
    for (int r = 0; r < MR; r++) {
        if (r >= mr) {
            for (int q = 0; q < kcw; q++)
                dst[(size_t)q * MR + r] = 0u;
            continue;
        }
        const float *s = g->ta ? g->a + (size_t)p0 * g->lda + i0 + r
                               : g->a + (size_t)(i0 + r) * g->lda + p0;
        const size_t step = g->ta ? (size_t)g->lda : 1;
        for (int q = 0; q < kcw; q++)
            dst[(size_t)q * MR + r] = pair(s, step, 2 * q, kc);
    }
}

#ifdef GEMM_X86
/* The AVX-512 helpers, but a "float" of the panels is a bf16 pair: bc
 * broadcasts its 32 bits, fma is vdpbf16ps (c += a.lo * b.lo + a.hi * b.hi
 * per lane, in float32). 8 rows x 32 columns, as the float kernel. */
#define TBF __attribute__((target(LMS_ISA_AVX512 ",avx512bf16")))
typedef __m512 avx512bf16_v;
AI TBF __m512 avx512bf16_zero(void) {
    return avx512_zero();
}
AI TBF __m512 avx512bf16_ld(const float *p) {
    return avx512_ld(p);
}
AI TBF __m512 avx512bf16_ldn(const float *p, int n) {
    return avx512_ldn(p, n);
}
AI TBF void avx512bf16_st(float *p, __m512 v) {
    avx512_st(p, v);
}
AI TBF void avx512bf16_stn(float *p, __m512 v, int n) {
    avx512_stn(p, v, n);
}
AI TBF __m512 avx512bf16_bc(const float *p) {
    uint32_t w;
    memcpy(&w, p, sizeof w);
    return _mm512_castsi512_ps(_mm512_set1_epi32((int)w));
}
AI TBF __m512 avx512bf16_set1(float x) {
    return avx512_set1(x);
}
AI TBF __m512 avx512bf16_fma(__m512 a, __m512 b, __m512 c) {
    return _mm512_dpbf16_ps(c, (__m512bh)_mm512_castps_si512(a),
                            (__m512bh)_mm512_castps_si512(b));
}
AI TBF __m512 avx512bf16_mul(__m512 a, __m512 b) {
    return avx512_mul(a, b);
}
AI TBF __m512 avx512bf16_add(__m512 a, __m512 b) {
    return avx512_add(a, b);
}
#define KW 16
#define KMR 8
#define KNV 2
#define KNAME(x) CAT(avx512bf16, x)
#define KTARGET TBF
#include "kernels/gemm_kernel.inc"
#undef KW
#undef KMR
#undef KNV
#undef KNAME
#undef KTARGET

static int cpu_has_bf16(void) {
    __builtin_cpu_init();
    return lms_simd_supported() == LMS_SIMD_AVX512 &&
           __builtin_cpu_supports("avx512bf16");
}
#endif

const gemm_kernel *lms_gemm_bf16_kernel(void) {
#ifdef GEMM_X86
    static const gemm_kernel k = {avx512bf16_tile, 8,           32,
                                  2,               pack_a_bf16, pack_b_bf16,
                                  "avx512_bf16"};
    return cpu_has_bf16() ? &k : NULL;
#else
    (void)pack_a_bf16;
    (void)pack_b_bf16;
    return NULL;
#endif
}

const char *lms_gemm_bf16_isa(void) {
    const gemm_kernel *k = lms_gemm_bf16_kernel();
    return k ? k->isa : NULL;
}

void lms_gemm_bf16(int threads, int ta, int tb, int m, int n, int k,
                   float alpha, const float *a, int lda, const float *b,
                   int ldb, float beta, float *c, int ldc) {
    lms_gemm_with(lms_gemm_bf16_kernel(), threads, ta, tb, m, n, k, alpha, a,
                  lda, b, ldb, beta, c, ldc);
}
