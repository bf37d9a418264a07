/* Hardware peak probes (peak.h). Each probe keeps its accumulators in
 * registers, enough independent chains to cover the FMA latency times the
 * FMA ports (4 cycles x 2 ports on current Intel and AMD cores: 8; we use
 * 12 ymm and 24 zmm, leaving registers for the operands). Each probe is
 * compiled for its own instruction set (target attributes), so the build
 * stays portable and a probe runs only where the CPU has it. */
#include <stdio.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "kernels/gemm.h" /* lms_gemm_amx_isa: AMX and the tile state granted */
#include "util/clock.h"
#include "kernels/peak.h"
#include "lmstab/plugin_math.h" /* lms_simd_level */

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PEAK_X86 1
#include <immintrin.h>

/* Each loop returns a value that depends on every accumulator, so the
 * compiler cannot drop any chain. acc = acc * x + y with x just below 1
 * keeps values bounded and normal. */
#define CHAINS(N, V, FMA, ADD, INIT, X, Y, OUT)                                \
    V acc[N];                                                                  \
    for (int i = 0; i < N; i++)                                                \
        acc[i] = INIT(i);                                                      \
    for (long it = 0; it < iters; it++) {                                      \
        _Pragma("GCC unroll 24") for (int i = 0; i < N; i++) acc[i] =          \
            FMA(X, Y, acc[i]);                                                 \
    }                                                                          \
    for (int i = 1; i < N; i++)                                                \
        acc[0] = ADD(acc[0], acc[i]);                                          \
    OUT = acc[0]

__attribute__((target(LMS_ISA_AVX2), noinline)) static float
fp32_avx2(long iters) {
    const __m256 x = _mm256_set1_ps(0.999f), y = _mm256_set1_ps(1e-3f);
    __m256 r;
#define I256(i) _mm256_set1_ps((float)(i))
#define F256(x, y, a) _mm256_fmadd_ps(a, x, y)
    CHAINS(12, __m256, F256, _mm256_add_ps, I256, x, y, r);
    return _mm256_cvtss_f32(r);
}

__attribute__((target(LMS_ISA_AVX512), noinline)) static float
fp32_avx512(long iters) {
    const __m512 x = _mm512_set1_ps(0.999f), y = _mm512_set1_ps(1e-3f);
    __m512 r;
#define I512(i) _mm512_set1_ps((float)(i))
#define F512(x, y, a) _mm512_fmadd_ps(a, x, y)
    CHAINS(24, __m512, F512, _mm512_add_ps, I512, x, y, r);
    return _mm512_cvtss_f32(r);
}

__attribute__((target(LMS_ISA_AVX512 ",avx512bf16"), noinline)) static float
bf16_avx512(long iters) {
    /* pairs of bf16 ~1e-3 and ~1: each step adds ~2e-3 per lane */
    const __m512bh x =
        _mm512_cvtne2ps_pbh(_mm512_set1_ps(1e-3f), _mm512_set1_ps(1e-3f));
    const __m512bh y =
        _mm512_cvtne2ps_pbh(_mm512_set1_ps(1.0f), _mm512_set1_ps(1.0f));
    __m512 r;
#define FBF(x, y, a) _mm512_dpbf16_ps(a, x, y)
    CHAINS(24, __m512, FBF, _mm512_add_ps, I512, x, y, r);
    return _mm512_cvtss_f32(r);
}
#endif

static const double flops_per_step[LMS_PEAK_N] = {12 * 16, 24 * 32, 24 * 64,
                                                  4 * 16 * 16 * 32 * 2};

const char *lms_peak_name(lms_peak_kind k) {
    static const char *n[LMS_PEAK_N] = {"fp32 avx2", "fp32 avx512",
                                        "bf16 avx512", "bf16 amx"};
    return k >= 0 && k < LMS_PEAK_N ? n[k] : "?";
}

int lms_peak_supported(lms_peak_kind k) {
#ifdef PEAK_X86
    const int level = lms_simd_supported();
    const int v3 = level >= LMS_SIMD_AVX2, v4 = level >= LMS_SIMD_AVX512;
    switch (k) {
    case LMS_PEAK_FP32_AVX2: return v3;
    case LMS_PEAK_FP32_AVX512: return v4;
    case LMS_PEAK_BF16_AVX512:
        return v4 && __builtin_cpu_supports("avx512bf16");
    case LMS_PEAK_BF16_AMX: return lms_gemm_amx_isa() != NULL;
    default: return 0;
    }
#else
    (void)k;
    return 0;
#endif
}

/* volatile sink: the probes' results are used */
static volatile float g_sink;

static void probe(lms_peak_kind k, long iters) {
#ifdef PEAK_X86
    float r = k == LMS_PEAK_FP32_AVX2     ? fp32_avx2(iters)
              : k == LMS_PEAK_FP32_AVX512 ? fp32_avx512(iters)
              : k == LMS_PEAK_BF16_AMX    ? lms_peak_amx_probe(iters)
                                          : bf16_avx512(iters);
    g_sink = r;
#else
    (void)k;
    (void)iters;
#endif
}

/* Seconds for `threads` threads each running `iters` steps at once. */
static double timed(lms_peak_kind k, int threads, long iters) {
    double t0 = lms_now();
#ifdef _OPENMP
#pragma omp parallel num_threads(threads) if (threads > 1)
    probe(k, iters);
#else
    (void)threads;
    probe(k, iters);
#endif
    return lms_now() - t0;
}

double lms_peak_gflops(lms_peak_kind k, int threads, double min_sec,
                       int trials) {
    if (!lms_peak_supported(k))
        return 0.0;
#ifndef _OPENMP
    threads = 1;
#endif
    threads = threads < 1 ? 1 : threads;
    long iters = 1000;
    while (timed(k, threads, iters) < min_sec / 4 && iters < (1L << 40))
        iters *= 2; /* calibrate (and warm up the vector units) */
    double el = timed(k, threads, iters);
    if (el < min_sec)
        iters = (long)(iters * (min_sec / (el > 1e-6 ? el : 1e-6))) + 1;
    double best = 0.0;
    for (int t = 0; t < trials; t++) {
        el = timed(k, threads, iters);
        double r = flops_per_step[k] * iters * threads / el * 1e-9;
        best = r > best ? r : best;
    }
    return best;
}

void lms_peak_cpu_name(char *buf, size_t len) {
    snprintf(buf, len, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) != 0)
            continue;
        const char *v = strchr(line, ':');
        if (!v)
            break;
        v++;
        while (*v == ' ' || *v == '\t')
            v++;
        snprintf(buf, len, "%.*s", (int)strcspn(v, "\n"), v);
        break;
    }
    fclose(f);
}

void lms_peak_isa(char *buf, size_t len) {
    snprintf(buf, len, "none");
#ifdef PEAK_X86
    static const char *names[] = {"avx2",        "fma",      "avx512f",
                                  "avx512bw",    "avx512vl", "avx512dq",
                                  "avx512_bf16", "amx_tile", "amx_bf16"};
    __builtin_cpu_init();
    /* __builtin_cpu_supports needs literal names */
    const int has[] = {__builtin_cpu_supports("avx2"),
                       __builtin_cpu_supports("fma"),
                       __builtin_cpu_supports("avx512f"),
                       __builtin_cpu_supports("avx512bw"),
                       __builtin_cpu_supports("avx512vl"),
                       __builtin_cpu_supports("avx512dq"),
                       __builtin_cpu_supports("avx512bf16"),
                       __builtin_cpu_supports("amx-tile"),
                       __builtin_cpu_supports("amx-bf16")};
    size_t n = 0;
    for (size_t i = 0; i < sizeof has / sizeof has[0] && n < len; i++)
        if (has[i])
            n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "",
                                  names[i]);
#endif
}
