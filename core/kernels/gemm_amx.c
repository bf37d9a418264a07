/* lms_gemm_amx (gemm.h): C = alpha op(A) op(B) + beta C on bfloat16
 * operands with AMX tiles (TDPBF16PS). Packing rounds every element with
 * lms_bf16_bits (round to nearest even, the emulated path's rounding):
 * op(A) as bf16 rows, op(B) in the VNNI layout TDPBF16PS reads (the two
 * values of k = 2q, 2q + 1 of a column in one 32-bit word, low half
 * first), k zero-padded to a multiple of 32. A C tile accumulates in a
 * tile register over a k-block and continues from its exact float32
 * partial over the next, so each element is one chain over k in steps of
 * 32 whatever the thread count, the task split or the sub-matrix: its bits
 * depend on the shape of k alone. Only this file is compiled with
 * -mamx-tile -mamx-bf16 (the intrinsics need it; nothing here runs before
 * lms_gemm_amx_isa has found AMX), and with -ffp-contract=off: the epilogue
 * scales in float as the other kernels do. */
#define _GNU_SOURCE /* syscall */
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "kernels/gemm.h"
#include "lmstab/plugin_math.h"
#include "kernels/tlsbuf.h"

#if defined(__x86_64__) && defined(__AMX_TILE__) && defined(__AMX_BF16__)
#include <immintrin.h>
#define HAVE_AMX 1

/* Linux: a process must ask for the tile data state before touching it */
#define ARCH_REQ_XCOMP_PERM 0x1023
#define XFEATURE_XTILEDATA 18

/* A task: 32 rows (2 A tiles of 16) x NC columns; a step of k is 32 values
 * (16 pairs, 64 bytes a tile row). 4 C tiles (32 x 32) accumulate, tiles
 * 4-5 hold A, 6-7 B. NC: a 256-column B block is 256 x k x 2 bytes (384 KiB
 * at k = 768), kept in L2 while the row blocks pass over it. KB: k values
 * per k-block of a task (see task). */
#define MR 32
#define KS 32
#define NC 256
#define KB 256
/* Below this many flops a product runs on one thread (as lms_gemm). */
#define SPLIT_MIN_FLOPS 2e6

typedef struct {
    int ta, tb, m, n, k, kp; /* kp: k rounded up to KS */
    int ka; /* row stride of packed A: kp + KS, so that the 16 rows of a
               tile never fall 4 KiB apart (one cache set) */
    float alpha, beta;
    const float *a, *b;
    int lda, ldb, ldc;
    float *c;
    uint16_t *apk; /* round_up(m, MR) rows of kp bf16, ka apart */
    uint32_t *bpk; /* round_up(n, 32) / 16 panels of kp / 2 x 16 pairs */
} amx_job;

static int round_up(int x, int q) {
    return (x + q - 1) / q * q;
}

/* The packers and the epilogue run only where AMX does, so on AVX-512:
 * their loops over lms_bf16_bits vectorize. */
#define T512 LMS_TARGET_AVX512

/* Rows [i0, i0 + MR) of op(A) into dst (row r at dst + r * ka, kp bf16
 * each): zero past k, and rows past m zero. Transposed, a row of op(A) is
 * a column of a: 32 k at a time, read 32 rows' values of one k
 * (contiguous) into a 32 x 32 block, then copied out row by row (writing
 * down the rows directly would touch 32 cache lines per k). */
static T512 void pack_a_block(const amx_job *g, uint16_t *dst, int i0) {
    const int kp = g->kp, ka = g->ka, mr = g->m - i0 < MR ? g->m - i0 : MR;
    if (g->ta) {
        uint16_t t[MR][KS];
        for (int p0 = 0; p0 < g->k; p0 += KS) {
            const int kc = g->k - p0 < KS ? g->k - p0 : KS;
            for (int p = 0; p < kc; p++) {
                const float *s = g->a + (size_t)(p0 + p) * g->lda + i0;
                for (int r = 0; r < mr; r++)
                    t[r][p] = (uint16_t)lms_bf16_bits(s[r]);
            }
            for (int r = 0; r < mr; r++)
                memcpy(dst + (size_t)r * ka + p0, t[r],
                       (size_t)kc * sizeof(uint16_t));
        }
    } else {
        for (int r = 0; r < mr; r++) {
            const float *s = g->a + (size_t)(i0 + r) * g->lda;
            uint16_t *d = dst + (size_t)r * ka;
            for (int p = 0; p < g->k; p++)
                d[p] = (uint16_t)lms_bf16_bits(s[p]);
        }
    }
    for (int r = 0; r < MR; r++)
        memset(dst + (size_t)r * ka + (r < mr ? g->k : 0), 0,
               (size_t)(kp - (r < mr ? g->k : 0)) * sizeof(uint16_t));
}

/* Panel jp (columns 16 jp .. 16 jp + 15 of op(B)): pair q of column j at
 * dst[q * 16 + j]; zero past n and k. Transposed, a column of op(B) is a
 * row of b: read along it, one column at a time. */
static T512 void pack_b_panel(const amx_job *g, uint32_t *dst, int jp) {
    const int kq = g->kp / 2, k = g->k, j0 = 16 * jp;
    const int nr = g->n - j0 < 16 ? (g->n - j0 > 0 ? g->n - j0 : 0) : 16;
    memset(dst, 0, (size_t)kq * 16 * sizeof(uint32_t));
    if (g->tb) {
        for (int j = 0; j < nr; j++) {
            const float *s = g->b + (size_t)(j0 + j) * g->ldb;
            int q = 0;
            for (; 2 * q + 1 < k; q++)
                dst[(size_t)q * 16 + j] = lms_bf16_bits(s[2 * q]) |
                                          lms_bf16_bits(s[2 * q + 1]) << 16;
            if (2 * q < k)
                dst[(size_t)q * 16 + j] = lms_bf16_bits(s[2 * q]);
        }
        return;
    }
    for (int q = 0; 2 * q < k; q++) {
        const float *lo = g->b + (size_t)(2 * q) * g->ldb + j0;
        uint32_t *d = dst + (size_t)q * 16;
        if (2 * q + 1 < k) {
            const float *hi = lo + g->ldb;
            for (int j = 0; j < nr; j++)
                d[j] = lms_bf16_bits(lo[j]) | lms_bf16_bits(hi[j]) << 16;
        } else {
            for (int j = 0; j < nr; j++)
                d[j] = lms_bf16_bits(lo[j]);
        }
    }
}

/* The tile shapes: every tile 16 rows x 64 bytes (palette 1). */
typedef struct {
    uint8_t palette, start_row, reserved[14];
    uint16_t colsb[16];
    uint8_t rows[16];
} tilecfg;

static void tiles_on(void) {
    tilecfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.palette = 1;
    for (int t = 0; t < 8; t++) {
        cfg.colsb[t] = 64;
        cfg.rows[t] = 16;
    }
    _tile_loadconfig(&cfg);
}

/* Rows [i0, i0 + 32) of packed A times panels jp, jp + 1 of packed B over
 * k in [p0, p1), added to the 32 x 32 partial sums at w (row stride NC
 * floats; first: start from 0 instead). Tiles store and load float32
 * exactly, so a chain continued across k-blocks is the chain over all of
 * k: the k-blocks change no bit. */
static void block(const amx_job *g, float *w, int first, int i0, int jp,
                  int p0, int p1) {
    const int kq = g->kp / 2;
    const uint16_t *a0 = g->apk + (size_t)i0 * g->ka;
    const uint16_t *a1 = a0 + (size_t)16 * g->ka;
    const uint32_t *b0 = g->bpk + (size_t)jp * kq * 16;
    const uint32_t *b1 = b0 + (size_t)kq * 16;
    const size_t sa = (size_t)g->ka * 2, sw = NC * sizeof(float);
    if (first) {
        _tile_zero(0);
        _tile_zero(1);
        _tile_zero(2);
        _tile_zero(3);
    } else {
        _tile_loadd(0, w, sw);
        _tile_loadd(1, w + 16, sw);
        _tile_loadd(2, w + 16 * NC, sw);
        _tile_loadd(3, w + 16 * NC + 16, sw);
    }
    for (int p = p0; p < p1; p += KS) {
        _tile_loadd(4, a0 + p, sa);
        _tile_loadd(5, a1 + p, sa);
        _tile_loadd(6, b0 + (size_t)p * 8, 64);
        _tile_loadd(7, b1 + (size_t)p * 8, 64);
        _tile_dpbf16ps(0, 4, 6);
        _tile_dpbf16ps(1, 4, 7);
        _tile_dpbf16ps(2, 5, 6);
        _tile_dpbf16ps(3, 5, 7);
    }
    _tile_stored(0, w, sw);
    _tile_stored(1, w + 16, sw);
    _tile_stored(2, w + 16 * NC, sw);
    _tile_stored(3, w + 16 * NC + 16, sw);
}

/* Task t: rows [32 rb, +32) x columns [NC cb, +NC) of C, where cb-major
 * order keeps a B block in cache over its row blocks; k in blocks of KB so
 * that the A rows (32 x KB bf16, 16 KiB) stay in L1 while the B panels
 * pass. Partial sums in w (32 x NC floats, 32 KiB). */
static T512 void task(const amx_job *g, int t) {
    const int nrb = round_up(g->m, MR) / MR;
    const int i0 = t % nrb * MR, jc = t / nrb * NC;
    const int jend = jc + NC < g->n ? jc + NC : g->n;
    float w[MR * NC];
    for (int p0 = 0; p0 == 0 || p0 < g->kp; p0 += KB) {
        const int p1 = g->kp - p0 < KB ? g->kp : p0 + KB;
        for (int j0 = jc; j0 < jend; j0 += 32)
            block(g, w + (j0 - jc), p0 == 0, i0, j0 / 16, p0, p1);
    }
    const int mr = g->m - i0 < MR ? g->m - i0 : MR;
    const float alpha = g->alpha, beta = g->beta; /* C may alias *g */
    for (int r = 0; r < mr; r++) {
        float *c = g->c + (size_t)(i0 + r) * g->ldc + jc;
        const float *o = w + r * NC;
        if (beta != 0.0f)
            for (int j = 0; j < jend - jc; j++)
                c[j] = alpha * o[j] + beta * c[j];
        else
            for (int j = 0; j < jend - jc; j++)
                c[j] = alpha * o[j];
    }
}

/* Packing, then the tasks, shared by the threads of the enclosing parallel
 * region (implicit barriers between the loops; who runs which piece
 * changes no bit). */
static void run_team(const amx_job *g) {
    const int mp = round_up(g->m, MR), np = round_up(g->n, 32) / 16;
    const int ntask = mp / MR * ((g->n + NC - 1) / NC);
#ifdef _OPENMP
#pragma omp for schedule(static) nowait
#endif
    for (int i0 = 0; i0 < mp; i0 += MR)
        pack_a_block(g, g->apk + (size_t)i0 * g->ka, i0);
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
    for (int jp = 0; jp < np; jp++)
        pack_b_panel(g, g->bpk + (size_t)jp * g->kp / 2 * 16, jp);
    tiles_on();
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
    for (int t = 0; t < ntask; t++)
        task(g, t);
    _tile_release();
}

/* The same on this thread alone: plain loops, since inside another
 * parallel region an orphaned `omp for` would bind to that region's team. */
static void run_serial(const amx_job *g) {
    const int mp = round_up(g->m, MR), np = round_up(g->n, 32) / 16;
    const int ntask = mp / MR * ((g->n + NC - 1) / NC);
    for (int i0 = 0; i0 < mp; i0 += MR)
        pack_a_block(g, g->apk + (size_t)i0 * g->ka, i0);
    for (int jp = 0; jp < np; jp++)
        pack_b_panel(g, g->bpk + (size_t)jp * g->kp / 2 * 16, jp);
    tiles_on();
    for (int t = 0; t < ntask; t++)
        task(g, t);
    _tile_release();
}

/* 1 once: the CPU has AMX-BF16 and Linux granted this process tile data
 * (the answer of the first call, kept). */
static int amx_ok(void) {
    static int ok = -1;
    int v = __atomic_load_n(&ok, __ATOMIC_ACQUIRE);
    if (v < 0) {
        __builtin_cpu_init();
        v = __builtin_cpu_supports("amx-tile") &&
            __builtin_cpu_supports("amx-bf16") &&
            syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) ==
                0;
        __atomic_store_n(&ok, v, __ATOMIC_RELEASE);
    }
    return v;
}
#endif

const char *lms_gemm_amx_isa(void) {
#ifdef HAVE_AMX
    return amx_ok() ? "amx_bf16" : NULL;
#else
    return NULL;
#endif
}

void lms_gemm_amx(int threads, int ta, int tb, int m, int n, int k,
                  float alpha, const float *a, int lda, const float *b,
                  int ldb, float beta, float *c, int ldc) {
#ifdef HAVE_AMX
    if (m <= 0 || n <= 0 || !amx_ok())
        return;
    if (k < 0)
        k = 0;
    amx_job g = {ta,    tb,   m, n, k,   round_up(k, KS), round_up(k, KS) + KS,
                 alpha, beta, a, b, lda, ldb,            ldc,
                 c,     NULL, NULL};
    const size_t kp = (size_t)(g.kp > 0 ? g.kp : 2);
    /* bf16 counts / 2 = floats */
    g.apk = (uint16_t *)lms_tls_floats(LMS_TLS_GEMM_A,
                                       (size_t)round_up(m, MR) * g.ka / 2);
    g.bpk = (uint32_t *)lms_tls_floats(LMS_TLS_GEMM_B,
                                       (size_t)round_up(n, 32) * kp / 2);
    const int ntask = round_up(m, MR) / MR * ((n + NC - 1) / NC);
    int nt = threads < 1 ? 1 : threads;
    if (nt > ntask)
        nt = ntask;
    if (2.0 * m * n * k < SPLIT_MIN_FLOPS)
        nt = 1;
#ifdef _OPENMP
    if (nt > 1 && !omp_in_parallel()) {
#pragma omp parallel num_threads(nt)
        run_team(&g);
        return;
    }
#endif
    run_serial(&g);
#else
    (void)threads, (void)ta, (void)tb, (void)m, (void)n, (void)k;
    (void)alpha, (void)a, (void)lda, (void)b, (void)ldb, (void)beta, (void)c,
        (void)ldc;
#endif
}
