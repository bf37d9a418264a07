/* core/kernels (above util): GEMM backends and kernels, threads, precision, the peak probe. */
/* lmstab's own sgemm (gemm.h): packing, cache blocks, the thread split and
 * the run-time choice of microkernel. The microkernels are gemm_kernel.inc,
 * one instantiation per instruction set; the driver (lms_gemm_with) also
 * runs the bf16 kernel of gemm_bf16.c (gemm_internal.h). This file is compiled with
 * -ffp-contract=off: the portable kernel must round a * b + s the same way
 * in every build (-march=native would otherwise fuse it in some places). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "kernels/gemm.h"
#include "kernels/gemm_internal.h"
#include "lmstab/plugin_math.h" /* lms_simd_level */

#include "kernels/gemm_simd.h"
#include "kernels/tlsbuf.h"

#ifdef GEMM_X86
/* AVX-512: 8 rows x 32 columns = 16 zmm accumulators (FMA latency 4 x 2
 * ports needs 8), 2 B vectors and 8 broadcasts per k: loads stay under
 * the FMAs. */
#define KW 16
#define KMR 8
#define KNV 2
#define KNAME(x) CAT(avx512, x)
#define KTARGET T512
#include "kernels/gemm_kernel.inc"
#undef KW
#undef KMR
#undef KNV
#undef KNAME
#undef KTARGET

/* AVX2 + FMA: 6 rows x 16 columns = 12 of the 16 ymm registers. */
#define KW 8
#define KMR 6
#define KNV 2
#define KNAME(x) CAT(avx2, x)
#define KTARGET T256
#include "kernels/gemm_kernel.inc"
#undef KW
#undef KMR
#undef KNV
#undef KNAME
#undef KTARGET
#endif

/* Portable: 4 rows x 8 columns in 4-float vectors (SSE2 on x86-64), a * b
 * rounded, then added (no fusion: see the top of the file). */
#define KW 4
#define KMR 4
#define KNV 2
#define KNAME(x) CAT(generic, x)
#define KTARGET
#include "kernels/gemm_kernel.inc"
#undef KW
#undef KMR
#undef KNV
#undef KNAME
#undef KTARGET

/* ---- the float32 kernels ---------------------------------------------- */

/* Packs columns [j0, j0 + nr) of op(B), all k rows: dst[p * NR + j]. */
static void pack_b_f32(const gemm_job *g, float *dst, int j0, int nr) {
    const int NR = g->kr->nr, k = g->k;
    if (!g->tb) {
        for (int p = 0; p < k; p++) {
            const float *s = g->b + (size_t)p * g->ldb + j0;
            float *d = dst + (size_t)p * NR;
            memcpy(d, s, (size_t)nr * sizeof(float));
            memset(d + nr, 0, (size_t)(NR - nr) * sizeof(float));
        }
        return;
    }
    for (int j = 0; j < NR; j++) {
        if (j >= nr) {
            for (int p = 0; p < k; p++)
                dst[(size_t)p * NR + j] = 0.0f;
            continue;
        }
        const float *s = g->b + (size_t)(j0 + j) * g->ldb;
        for (int p = 0; p < k; p++)
            dst[(size_t)p * NR + j] = s[p];
    }
}

/* Packs rows [i0, i0 + mr) of op(A), k in [p0, p0 + kc): dst[p * MR + r]. */
static void pack_a_f32(const gemm_job *g, float *dst, int i0, int mr, int p0,
                       int kc) {
    const int MR = g->kr->mr;
    if (g->ta) {
        for (int p = 0; p < kc; p++) {
            const float *s = g->a + (size_t)(p0 + p) * g->lda + i0;
            float *d = dst + (size_t)p * MR;
            for (int r = 0; r < MR; r++)
                d[r] = r < mr ? s[r] : 0.0f;
        }
        return;
    }
    for (int r = 0; r < MR; r++) {
        if (r >= mr) {
            for (int p = 0; p < kc; p++)
                dst[(size_t)p * MR + r] = 0.0f;
            continue;
        }
        const float *s = g->a + (size_t)(i0 + r) * g->lda + p0;
        for (int p = 0; p < kc; p++)
            dst[(size_t)p * MR + r] = s[p];
    }
}

/* The widest kernel this CPU runs, or a narrower one by LMSTAB_GEMM_KERNEL
 * (tests run each kernel the CPU supports). */
static const gemm_kernel *pick(void) {
    static const gemm_kernel generic = {generic_tile, 4, 8, 1, pack_a_f32,
                                        pack_b_f32, "generic"};
#ifdef GEMM_X86
    static const gemm_kernel k512 = {avx512_tile, 8,          32,      1,
                                     pack_a_f32,  pack_b_f32, "avx512"};
    static const gemm_kernel k2 = {avx2_tile,  6,          16,    1,
                                   pack_a_f32, pack_b_f32, "avx2"};
    switch (lms_simd_level("LMSTAB_GEMM_KERNEL")) {
    case LMS_SIMD_AVX512: return &k512;
    case LMS_SIMD_AVX2: return &k2;
    }
#endif
    return &generic;
}

/* Written once, possibly by several threads at once with the same value. */
static const gemm_kernel *g_kernel;

static const gemm_kernel *kern(void) {
    const gemm_kernel *k = __atomic_load_n(&g_kernel, __ATOMIC_ACQUIRE);
    if (!k) {
        k = pick();
        __atomic_store_n(&g_kernel, k, __ATOMIC_RELEASE);
    }
    return k;
}

const char *lms_gemm_isa(void) {
    return kern()->isa;
}

/* ---- the driver --------------------------------------------------------- */

/* Test overrides of the blocking (0 = derived from the shape). */
static int g_mc, g_nc, g_kc;

void lms_gemm_set_blocking(int mc, int nc, int kc) {
    g_mc = mc > 0 ? mc : 0;
    g_nc = nc > 0 ? nc : 0;
    g_kc = kc > 0 ? kc : 0;
}

/* Default blocks. KC: a B micro-panel (KC x 32 floats, 32 KiB) stays in L1
 * while the tiles of a row block pass over it. MC: at most 128 rows (a
 * 128 KiB A block in L2), and at least 4 row blocks when m allows, so 2 or
 * 3 threads all get work. B is packed for all of k at once, NC columns at a
 * time, at most PACK_B_FLOATS packed elements (16 MiB). */
#define KC_DEFAULT 256
#define MC_MAX 128
#define PACK_B_FLOATS (4 << 20)
/* Smaller products run on one thread: a parallel region and its barriers
 * cost microseconds (more when another process holds a core). */
#define SPLIT_MIN_FLOPS 2e6

static int round_up(int x, int q) {
    return (x + q - 1) / q * q;
}

static gemm_blocking choose_blocks(const gemm_kernel *kr, int m, int n,
                                   int kw) {
    gemm_blocking b;
    b.kc = round_up(g_kc ? g_kc : KC_DEFAULT, kr->kpack);
    int mc = round_up((m + 3) / 4, kr->mr);
    b.mc = g_mc ? round_up(g_mc, kr->mr) : (mc < MC_MAX ? mc : MC_MAX);
    int nc = PACK_B_FLOATS / (kw > 1 ? kw : 1) / kr->nr * kr->nr;
    nc = nc < kr->nr ? kr->nr : nc;
    b.nc = round_up(n, kr->nr) < nc ? round_up(n, kr->nr) : nc;
    if (g_nc)
        b.nc = round_up(g_nc, kr->nr);
    return b;
}

/* packed elements holding kc values of k */
static int packed(const gemm_job *g, int kc) {
    return (kc + g->kr->kpack - 1) / g->kr->kpack;
}

/* Rows [i0, i0 + mcb) x columns [j0, j0 + ncb) of C from the packed B
 * panels bpk (all of k): over the k-blocks in order, the partial sums of
 * all but the last k-block kept in this thread's workspace. */
static void row_block(const gemm_job *g, const float *bpk, int i0, int mcb,
                      int j0, int ncb) {
    const int MR = g->kr->mr, NR = g->kr->nr, k = g->k, kc_max = g->bl.kc;
    const int ldw = round_up(ncb, NR);
    const int mpad = round_up(mcb, MR);
    const int kcapw = packed(g, k < kc_max ? k : kc_max);
    float *apk =
        lms_tls_floats(LMS_TLS_GEMM_A, (size_t)mpad * (kcapw > 0 ? kcapw : 1) +
                                           (k > kc_max ? (size_t)mpad * ldw : 0));
    float *w = apk + (size_t)mpad * (kcapw > 0 ? kcapw : 1);
    for (int p0 = 0; p0 == 0 || p0 < k; p0 += kc_max) {
        const int kc = k - p0 < kc_max ? k - p0 : kc_max;
        const int kcw = packed(g, kc);
        const int first = p0 == 0, last = p0 + kc >= k;
        for (int ir = 0; ir < mcb; ir += MR)
            g->kr->pack_a(g, apk + (size_t)ir * kcw, i0 + ir,
                          mcb - ir < MR ? mcb - ir : MR, p0, kc);
        for (int jr = 0; jr < ncb; jr += NR) {
            const float *bp = bpk + (size_t)jr * g->kw +
                              (size_t)(p0 / g->kr->kpack) * NR;
            for (int ir = 0; ir < mcb; ir += MR) {
                float *wt = w + (size_t)ir * ldw + jr;
                g->kr->tile(kcw, apk + (size_t)ir * kcw, bp, first ? NULL : wt,
                            last ? NULL : wt, ldw,
                            g->c + (size_t)(i0 + ir) * g->ldc + j0 + jr, g->ldc,
                            mcb - ir < MR ? mcb - ir : MR,
                            ncb - jr < NR ? ncb - jr : NR, g->alpha, g->beta);
            }
        }
    }
}

/* Columns [j0, j0 + ncb) of C: B panels packed, then the row blocks. One
 * thread, or (team) the threads of the enclosing parallel region, the
 * loops handed out dynamically so that a thread another process delays
 * does not hold the others back (results do not depend on who computes
 * what). */
static void column_block(const gemm_job *g, float *bpk, int j0, int ncb,
                         int team) {
    const int NR = g->kr->nr, mc = g->bl.mc;
    const int nblk = (g->m + mc - 1) / mc;
    const int npan = (ncb + NR - 1) / NR;
    if (!team) {
        for (int q = 0; q < npan; q++)
            g->kr->pack_b(g, bpk + (size_t)q * NR * g->kw, j0 + q * NR,
                          ncb - q * NR < NR ? ncb - q * NR : NR);
        for (int ib = 0; ib < nblk; ib++)
            row_block(g, bpk, ib * mc,
                      g->m - ib * mc < mc ? g->m - ib * mc : mc, j0, ncb);
        return;
    }
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
    for (int q = 0; q < npan; q++)
        g->kr->pack_b(g, bpk + (size_t)q * NR * g->kw, j0 + q * NR,
                      ncb - q * NR < NR ? ncb - q * NR : NR);
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
    for (int ib = 0; ib < nblk; ib++)
        row_block(g, bpk, ib * mc, g->m - ib * mc < mc ? g->m - ib * mc : mc,
                  j0, ncb);
}

/* The whole product: per column block, the B panels are packed once
 * (shared by the team) and the row blocks run over them. */
static void run(const gemm_job *g, float *bpk, int team) {
    for (int j0 = 0; j0 < g->n; j0 += g->bl.nc)
        column_block(g, bpk, j0, g->n - j0 < g->bl.nc ? g->n - j0 : g->bl.nc,
                     team);
}

void lms_gemm_with(const gemm_kernel *kr, int threads, int ta, int tb, int m,
                   int n, int k, float alpha, const float *a, int lda,
                   const float *b, int ldb, float beta, float *c, int ldc) {
    if (m <= 0 || n <= 0)
        return;
    if (k < 0)
        k = 0;
    gemm_job g = {kr,    {0, 0, 0}, ta, tb,  m,   n,   k, 0,
                  alpha, beta,      a,  b,   lda, ldb, ldc, c};
    g.kw = packed(&g, k);
    g.bl = choose_blocks(kr, m, n, g.kw);
    float *bpk =
        lms_tls_floats(LMS_TLS_GEMM_B, (size_t)g.bl.nc * (g.kw > 0 ? g.kw : 1));
    int nt = threads < 1 ? 1 : threads;
    const int nblk = (m + g.bl.mc - 1) / g.bl.mc;
    if (nt > nblk)
        nt = nblk;
    if (2.0 * m * n * k < SPLIT_MIN_FLOPS)
        nt = 1;
#ifdef _OPENMP
    if (nt > 1 && !omp_in_parallel()) {
#pragma omp parallel num_threads(nt)
        run(&g, bpk, 1);
        return;
    }
#endif
    /* plain loops: inside another parallel region an orphaned `omp for`
     * would bind to that region's team */
    run(&g, bpk, 0);
}

void lms_gemm(int threads, int ta, int tb, int m, int n, int k, float alpha,
              const float *a, int lda, const float *b, int ldb, float beta,
              float *c, int ldc) {
    lms_gemm_with(kern(), threads, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta,
                  c, ldc);
}
