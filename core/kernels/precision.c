/* The precision of the model's products and the host's matmul (host.h):
 * float32, or bfloat16 operands with a float32 sum on the native
 * (AVX512_BF16), the AMX or the emulated path. */
#include <stdlib.h>
#include <string.h>

#include "kernels/gemm.h"
#include "kernels/host.h"
#include "lmstab/plugin_math.h"
#include "kernels/tlsbuf.h"

static lms_precision g_precision = LMS_PRECISION_FP32;

void lms_set_precision(lms_precision p) {
    g_precision = p == LMS_PRECISION_BF16 ? LMS_PRECISION_BF16
                                          : LMS_PRECISION_FP32;
}

lms_precision lms_get_precision(void) {
    return g_precision;
}

const char *lms_precision_name(lms_precision p) {
    return p == LMS_PRECISION_BF16 ? "bf16" : "fp32";
}

int lms_precision_parse(const char *s, lms_precision *out) {
    if (s && !strcmp(s, "fp32"))
        *out = LMS_PRECISION_FP32;
    else if (s && !strcmp(s, "bf16"))
        *out = LMS_PRECISION_BF16;
    else
        return -1;
    return 0;
}

int lms_bf16_native_available(void) {
    return lms_gemm_bf16_isa() != NULL;
}

int lms_bf16_amx_available(void) {
    return lms_gemm_amx_isa() != NULL;
}

const char *lms_bf16_kernel_name(lms_bf16_kernel k) {
    switch (k) {
    case LMS_BF16_NATIVE: return "avx512_bf16";
    case LMS_BF16_AMX: return "amx_bf16";
    default: return "emulated";
    }
}

/* k where this CPU runs it, else EMULATED */
static lms_bf16_kernel runnable(lms_bf16_kernel k) {
    if (k == LMS_BF16_NATIVE && lms_bf16_native_available())
        return k;
    if (k == LMS_BF16_AMX && lms_bf16_amx_available())
        return k;
    return LMS_BF16_EMULATED;
}

int lms_bf16_kernel_parse(const char *s, lms_bf16_kernel *out) {
    if (s && !strcmp(s, "emulated"))
        *out = LMS_BF16_EMULATED;
    else if (s && (!strcmp(s, "avx512_bf16") || !strcmp(s, "native")))
        *out = LMS_BF16_NATIVE;
    else if (s && (!strcmp(s, "amx_bf16") || !strcmp(s, "amx")))
        *out = LMS_BF16_AMX;
    else
        return -1;
    return 0;
}

/* The default, by a fixed rule on what the CPU has (never by timing: the
 * kernels round differently). It rests on docs/performance.md: on a
 * Sapphire Rapids VM, training at bf16 ran faster on the AMX kernel than on
 * the emulation, and the native vdpbf16ps kernel slower than both. */
const char *lms_bf16_kernel_rule(void) {
    return "amx_bf16 where the CPU has AMX-BF16 and Linux grants the tile "
           "state, else emulated (LMSTAB_BF16_KERNEL overrides)";
}

lms_bf16_kernel lms_bf16_kernel_auto(int *forced) {
    const char *e = getenv("LMSTAB_BF16_KERNEL");
    lms_bf16_kernel k =
        lms_bf16_amx_available() ? LMS_BF16_AMX : LMS_BF16_EMULATED;
    int f = e && lms_bf16_kernel_parse(e, &k) == 0;
    if (forced)
        *forced = f;
    return runnable(k);
}

/* -1: not chosen yet (lms_bf16_kernel_auto at first use) */
static int g_kernel = -1;

void lms_set_bf16_kernel(lms_bf16_kernel k) {
    g_kernel = (int)runnable(k);
}

lms_bf16_kernel lms_get_bf16_kernel(void) {
    if (g_kernel < 0)
        g_kernel = (int)lms_bf16_kernel_auto(NULL);
    return (lms_bf16_kernel)g_kernel;
}

/* Below this many floats an operand is rounded on one thread. */
#define ROUND_PAR_MIN 65536

/* x: rows x cols, row stride ld, rounded into this thread's scratch `slot`
 * (dense, row stride cols). Element-wise, so threads change no bit. */
static const float *rounded(int slot, const float *x, int ld, int rows,
                            int cols) {
    const size_t n = (size_t)rows * (size_t)cols;
    float *d = lms_tls_floats(slot, n > 0 ? n : 1);
    const int nt = lms_get_threads();
    (void)nt;
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && n >= ROUND_PAR_MIN)
#endif
    for (int r = 0; r < rows; r++)
        lms_bf16_round_rows(d + (size_t)r * cols, (size_t)cols,
                            x + (size_t)r * ld, (size_t)ld, 1, (size_t)cols);
    return d;
}

void lms_matmul(int trans_a, int trans_b, int m, int n, int k, float alpha,
                const float *a, int lda, const float *b, int ldb, float beta,
                float *c, int ldc) {
    if (g_precision == LMS_PRECISION_FP32) {
        lms_sgemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c,
                  ldc);
        return;
    }
    if (m <= 0 || n <= 0)
        return;
    if (k < 0)
        k = 0;
    if (lms_get_bf16_kernel() == LMS_BF16_NATIVE) {
        lms_gemm_bf16(lms_get_threads(), trans_a, trans_b, m, n, k, alpha, a,
                      lda, b, ldb, beta, c, ldc);
        return;
    }
    if (lms_get_bf16_kernel() == LMS_BF16_AMX) {
        lms_gemm_amx(lms_get_threads(), trans_a, trans_b, m, n, k, alpha, a,
                     lda, b, ldb, beta, c, ldc);
        return;
    }
    /* op(A) is stored as (k, m) when transposed, else (m, k); op(B) as
     * (n, k) or (k, n) */
    const int ar = trans_a ? k : m, ac = trans_a ? m : k;
    const int br = trans_b ? n : k, bc = trans_b ? k : n;
    const float *ra = rounded(LMS_TLS_ROUND_A, a, lda, ar, ac);
    const float *rb = rounded(LMS_TLS_ROUND_B, b, ldb, br, bc);
    lms_sgemm(trans_a, trans_b, m, n, k, alpha, ra, ac > 0 ? ac : 1, rb,
              bc > 0 ? bc : 1, beta, c, ldc);
}
