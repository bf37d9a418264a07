/* lmstab's own sgemm (gemm.h): packing, cache blocks, the thread split and
 * the run-time choice of microkernel. The microkernels are gemm_kernel.inc,
 * one instantiation per instruction set. This file is compiled with
 * -ffp-contract=off: the portable kernel must round a * b + s the same way
 * in every build (-march=native would otherwise fuse it in some places). */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "gemm.h"
#include "lmstab/plugin_math.h" /* lms_simd_level */

#define CAT_(a, b) a##_##b
#define CAT(a, b) CAT_(a, b)

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&         \
    !defined(LMS_NO_CLONES)
#define GEMM_X86 1
#include <immintrin.h>

/* AVX-512: 8 rows x 32 columns = 16 zmm accumulators (FMA latency 4 x 2
 * ports needs 8), 2 B vectors and 8 broadcasts per k: loads stay under
 * the FMAs. */
#define T512 __attribute__((target("arch=x86-64-v4")))
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
#define KW 16
#define KMR 8
#define KNV 2
#define KNAME(x) CAT(avx512, x)
#define KTARGET T512
#include "gemm_kernel.inc"
#undef KW
#undef KMR
#undef KNV
#undef KNAME
#undef KTARGET

/* AVX2 + FMA: 6 rows x 16 columns = 12 of the 16 ymm registers. */
#define T256 __attribute__((target("arch=x86-64-v3")))
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
#define KW 8
#define KMR 6
#define KNV 2
#define KNAME(x) CAT(avx2, x)
#define KTARGET T256
#include "gemm_kernel.inc"
#undef KW
#undef KMR
#undef KNV
#undef KNAME
#undef KTARGET
#endif

/* Portable: 4 rows x 8 columns in 4-float vectors (SSE2 on x86-64), a * b
 * rounded, then added (no fusion: see the top of the file). */
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
#define KW 4
#define KMR 4
#define KNV 2
#define KNAME(x) CAT(generic, x)
#define KTARGET
#include "gemm_kernel.inc"
#undef KW
#undef KMR
#undef KNV
#undef KNAME
#undef KTARGET

typedef void (*tile_fn)(int, const float *, const float *, const float *,
                        float *, int, float *, int, int, int, float, float);

typedef struct kernel {
    tile_fn tile;
    int mr, nr; /* tile rows and columns */
    const char *isa;
} kernel;

/* The widest kernel this CPU runs, or a narrower one by LMSTAB_GEMM_KERNEL
 * (tests run each kernel the CPU supports). */
static const kernel *pick(void) {
    static const kernel generic = {generic_tile, 4, 8, "generic"};
#ifdef GEMM_X86
    static const kernel k512 = {avx512_tile, 8, 32, "avx512"};
    static const kernel k2 = {avx2_tile, 6, 16, "avx2"};
    switch (lms_simd_level("LMSTAB_GEMM_KERNEL")) {
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

const char *lms_gemm_isa(void) {
    return kern()->isa;
}

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
 * time, at most PACK_B_FLOATS floats (16 MiB). */
#define KC_DEFAULT 256
#define MC_MAX 128
#define PACK_B_FLOATS (4 << 20)
/* Smaller products run on one thread: a parallel region and its barriers
 * cost microseconds (more when another process holds a core). */
#define SPLIT_MIN_FLOPS 2e6

static int round_up(int x, int q) {
    return (x + q - 1) / q * q;
}

typedef struct blocking {
    int mc, nc, kc;
} blocking;

static blocking choose_blocks(const kernel *kr, int m, int n, int k) {
    blocking b;
    b.kc = g_kc ? g_kc : KC_DEFAULT;
    int mc = round_up((m + 3) / 4, kr->mr);
    b.mc = g_mc ? round_up(g_mc, kr->mr) : (mc < MC_MAX ? mc : MC_MAX);
    int nc = PACK_B_FLOATS / (k > 1 ? k : 1) / kr->nr * kr->nr;
    nc = nc < kr->nr ? kr->nr : nc;
    b.nc = round_up(n, kr->nr) < nc ? round_up(n, kr->nr) : nc;
    if (g_nc)
        b.nc = round_up(g_nc, kr->nr);
    return b;
}

/* Per-thread buffers, grown on demand and kept for the thread's life, freed
 * when the thread exits (OpenMP ends surplus threads when a team shrinks):
 * [0] the packed B of a call (the calling thread's), [1] each thread's
 * packed A block and partial sums. Allocation failure aborts: the call has
 * no error path, and a wrong product must never be returned silently. */
typedef struct tbufs {
    float *p[2];
    size_t cap[2]; /* floats */
} tbufs;

static pthread_key_t g_key;
static pthread_once_t g_key_once = PTHREAD_ONCE_INIT;

static void tbufs_free(void *v) {
    tbufs *t = v;
    free(t->p[0]);
    free(t->p[1]);
    free(t);
}

static void key_init(void) {
    if (pthread_key_create(&g_key, tbufs_free) != 0) {
        fprintf(stderr, "lmstab: lms_gemm: no thread-specific key\n");
        abort();
    }
}

static void out_of_memory(size_t bytes) {
    fprintf(stderr, "lmstab: lms_gemm: out of memory (%zu bytes)\n", bytes);
    abort();
}

static float *tls_buf(int which, size_t floats) {
    pthread_once(&g_key_once, key_init);
    tbufs *t = pthread_getspecific(g_key);
    if (!t) {
        if (!(t = calloc(1, sizeof *t)) || pthread_setspecific(g_key, t) != 0)
            out_of_memory(sizeof *t);
    }
    if (t->cap[which] < floats) {
        free(t->p[which]);
        size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
        t->p[which] = aligned_alloc(64, bytes);
        t->cap[which] = t->p[which] ? floats : 0;
        if (!t->p[which])
            out_of_memory(bytes);
    }
    return t->p[which];
}

typedef struct job {
    const kernel *kr;
    blocking bl;
    int ta, tb, m, n, k;
    float alpha, beta;
    const float *a, *b;
    int lda, ldb, ldc;
    float *c;
} job;

/* Packs columns [j0, j0 + nr) of op(B), all k rows, as one micro-panel:
 * dst[p * NR + j], zero past nr. */
static void pack_b(const job *g, float *dst, int j0, int nr) {
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

/* Packs rows [i0, i0 + mr) of op(A), k in [p0, p0 + kc), as one
 * micro-panel: dst[p * MR + r], zero past mr. */
static void pack_a(const job *g, float *dst, int i0, int mr, int p0, int kc) {
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

/* Rows [i0, i0 + mcb) x columns [j0, j0 + ncb) of C from the packed B
 * panels bpk (all of k): over the k-blocks in order, the partial sums of
 * all but the last k-block kept in this thread's workspace. */
static void row_block(const job *g, const float *bpk, int i0, int mcb, int j0,
                      int ncb) {
    const int MR = g->kr->mr, NR = g->kr->nr, k = g->k, kc_max = g->bl.kc;
    const int ldw = round_up(ncb, NR);
    const int mpad = round_up(mcb, MR);
    const int kcap = k < kc_max ? k : kc_max;
    float *apk = tls_buf(1, (size_t)mpad * (kcap > 0 ? kcap : 1) +
                                (k > kc_max ? (size_t)mpad * ldw : 0));
    float *w = apk + (size_t)mpad * (kcap > 0 ? kcap : 1);
    for (int p0 = 0; p0 == 0 || p0 < k; p0 += kc_max) {
        const int kc = k - p0 < kc_max ? k - p0 : kc_max;
        const int first = p0 == 0, last = p0 + kc >= k;
        for (int ir = 0; ir < mcb; ir += MR)
            pack_a(g, apk + (size_t)ir * kc, i0 + ir,
                   mcb - ir < MR ? mcb - ir : MR, p0, kc);
        for (int jr = 0; jr < ncb; jr += NR) {
            const float *bp = bpk + (size_t)jr * k + (size_t)p0 * NR;
            for (int ir = 0; ir < mcb; ir += MR) {
                float *wt = w + (size_t)ir * ldw + jr;
                g->kr->tile(kc, apk + (size_t)ir * kc, bp, first ? NULL : wt,
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
static void column_block(const job *g, float *bpk, int j0, int ncb, int team) {
    const int NR = g->kr->nr, mc = g->bl.mc;
    const int nblk = (g->m + mc - 1) / mc;
    const int npan = (ncb + NR - 1) / NR;
    if (!team) {
        for (int q = 0; q < npan; q++)
            pack_b(g, bpk + (size_t)q * NR * g->k, j0 + q * NR,
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
        pack_b(g, bpk + (size_t)q * NR * g->k, j0 + q * NR,
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
static void run(const job *g, float *bpk, int team) {
    for (int j0 = 0; j0 < g->n; j0 += g->bl.nc)
        column_block(g, bpk, j0, g->n - j0 < g->bl.nc ? g->n - j0 : g->bl.nc,
                     team);
}

void lms_gemm(int threads, int ta, int tb, int m, int n, int k, float alpha,
              const float *a, int lda, const float *b, int ldb, float beta,
              float *c, int ldc) {
    if (m <= 0 || n <= 0)
        return;
    if (k < 0)
        k = 0;
    job g = {kern(), {0, 0, 0}, ta, tb,  m,   n,   k, alpha,
             beta,   a,         b,  lda, ldb, ldc, c};
    g.bl = choose_blocks(g.kr, m, n, k);
    float *bpk = tls_buf(0, (size_t)g.bl.nc * (k > 0 ? k : 1));
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
