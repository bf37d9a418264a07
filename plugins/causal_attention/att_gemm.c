/* Attention's small products (att_gemm.h): one kernel per instruction set,
 * picked once at first use. */
#include <stdlib.h>
#include <string.h>

#include "att_gemm.h"
#include "lmstab/plugin_math.h" /* lms_simd_level */

#define CAT_(a, b) a##_##b
#define CAT(a, b) CAT_(a, b)

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&         \
    !defined(LMS_NO_CLONES)
#define ATT_X86 1
/* AVX-512: 8 rows x 32 columns = 16 of the 32 zmm registers */
#define KW 16
#define KMR 8
#define KNAME(x) CAT(avx512, x)
#define KTARGET LMS_TARGET_AVX512
#include "att_gemm_kernel.inc"
#undef KW
#undef KMR
#undef KNAME
#undef KTARGET
/* AVX2 + FMA: 4 rows x 16 columns = 8 of the 16 ymm registers */
#define KW 8
#define KMR 4
#define KNAME(x) CAT(avx2, x)
#define KTARGET LMS_TARGET_AVX2
#include "att_gemm_kernel.inc"
#undef KW
#undef KMR
#undef KNAME
#undef KTARGET
#endif
/* Portable: 4 rows x 8 columns in 4-float vectors (SSE2 on x86-64) */
#define KW 4
#define KMR 4
#define KNAME(x) CAT(generic, x)
#define KTARGET
#include "att_gemm_kernel.inc"
#undef KW
#undef KMR
#undef KNAME
#undef KTARGET

typedef void (*gemm_fn)(att_causal, int, int, int, float, const float *,
                        ptrdiff_t, ptrdiff_t, const float *, ptrdiff_t, int,
                        float *, ptrdiff_t);

typedef struct kernel {
    gemm_fn gemm;
    int mr;
    const char *isa;
} kernel;

/* The widest kernel this CPU runs; LMSTAB_ATT_KERNEL=generic|avx2|avx512
 * asks for a narrower one (tests run every kernel the CPU supports). */
static const kernel *pick(void) {
    static const kernel generic = {generic_gemm, 4, "generic"};
#ifdef ATT_X86
    static const kernel k512 = {avx512_gemm, 8, "avx512"};
    static const kernel k2 = {avx2_gemm, 4, "avx2"};
    switch (lms_simd_level("LMSTAB_ATT_KERNEL")) {
    case LMS_SIMD_AVX512: return &k512;
    case LMS_SIMD_AVX2: return &k2;
    }
#endif
    return &generic;
}

/* Written once, possibly by several threads at once with the same value. */
static const kernel *g_kernel;

static const kernel *kern(void) {
    const kernel *k = __atomic_load_n(&g_kernel, __ATOMIC_ACQUIRE);
    if (!k) {
        k = pick();
        __atomic_store_n(&g_kernel, k, __ATOMIC_RELEASE);
    }
    return k;
}

void att_gemm(att_causal causal, int m, int n, int k, float alpha,
              const float *a, ptrdiff_t ars, ptrdiff_t acs, const float *b,
              ptrdiff_t ldb, int accumulate, float *c, ptrdiff_t ldc) {
    kern()->gemm(causal, m, n, k, alpha, a, ars, acs, b, ldb, accumulate, c,
                 ldc);
}

int att_gemm_mr(void) {
    return kern()->mr;
}

const char *att_gemm_isa(void) {
    return kern()->isa;
}

void att_transpose(float *dst, ptrdiff_t ldd, const float *src, ptrdiff_t lds,
                   int rows, int cols) {
    enum { TB = 16 };
    for (int r0 = 0; r0 < rows; r0 += TB)
        for (int c0 = 0; c0 < cols; c0 += TB) {
            int r1 = r0 + TB < rows ? r0 + TB : rows;
            int c1 = c0 + TB < cols ? c0 + TB : cols;
            for (int r = r0; r < r1; r++)
                for (int c = c0; c < c1; c++)
                    dst[(ptrdiff_t)c * ldd + r] = src[(ptrdiff_t)r * lds + c];
        }
}
