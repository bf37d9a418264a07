/* Tests for lms_gemm (core/kernels/gemm.c), for the kernel named by
 * LMSTAB_GEMM_KERNEL (ctest runs this once per kernel; one the CPU lacks
 * falls back to a narrower one and the test says so): every transpose
 * against a float64 product, and bit-identity of every element whatever
 * the thread count, the cache blocking, or the sub-matrix a call covers. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/gemm.h"
#include "kernels/host.h"
#include "engine/loader.h"
#include "lmstab/plugin_util.h"

#define GUARD 12345.0f
#define PAD 5 /* lda, ldb, ldc exceed the minimum by this */

/* deterministic values in [-0.5, 0.5) with an irregular bit pattern */
static void fill(float *x, size_t n, unsigned seed) {
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        x[i] = (float)((seed >> 8) & 0xffffff) / 16777216.0f - 0.5f;
    }
}

/* One product's operands, stored with padded leading dimensions. */
typedef struct prob {
    int ta, tb, m, n, k, lda, ldb, ldc;
    float alpha, beta;
    float *a, *b, *c0; /* c0: C before the call, GUARD past column n */
} prob;

static prob make(int ta, int tb, int m, int n, int k, float alpha, float beta) {
    prob p = {ta,
              tb,
              m,
              n,
              k,
              (ta ? m : k) + PAD,
              (tb ? k : n) + PAD,
              n + PAD,
              alpha,
              beta,
              NULL,
              NULL,
              NULL};
    size_t na = (size_t)(ta ? k : m) * p.lda + 1,
           nb = (size_t)(tb ? n : k) * p.ldb + 1;
    p.a = malloc(na * sizeof(float));
    p.b = malloc(nb * sizeof(float));
    p.c0 = malloc((size_t)m * p.ldc * sizeof(float));
    fill(p.a, na, 1 + m);
    fill(p.b, nb, 2 + n);
    fill(p.c0, (size_t)m * p.ldc, 3 + k);
    for (int i = 0; i < m; i++)
        for (int j = n; j < p.ldc; j++)
            p.c0[(size_t)i * p.ldc + j] = GUARD;
    return p;
}

static void drop(prob *p) {
    free(p->a);
    free(p->b);
    free(p->c0);
}

/* C of p computed with `threads` threads into a fresh copy of c0 */
static float *compute(const prob *p, int threads) {
    float *c = malloc((size_t)p->m * p->ldc * sizeof(float));
    memcpy(c, p->c0, (size_t)p->m * p->ldc * sizeof(float));
    lms_gemm(threads, p->ta, p->tb, p->m, p->n, p->k, p->alpha, p->a, p->lda,
             p->b, p->ldb, p->beta, c, p->ldc);
    return c;
}

static float at_a(const prob *p, int i, int q) {
    return p->ta ? p->a[(size_t)q * p->lda + i] : p->a[(size_t)i * p->lda + q];
}

static float at_b(const prob *p, int q, int j) {
    return p->tb ? p->b[(size_t)j * p->ldb + q] : p->b[(size_t)q * p->ldb + j];
}

/* c against the float64 product: |c - ref| <= 2 (k + 2) eps (|alpha|
 * sum |a b| + |beta c0|), the worst-case bound of a length-k float sum;
 * the padding of C is untouched. */
static void check_ref(const prob *p, const float *c) {
    for (int i = 0; i < p->m; i++)
        for (int j = 0; j < p->ldc; j++) {
            const float got = c[(size_t)i * p->ldc + j];
            if (j >= p->n) {
                ck_assert_msg(got == GUARD,
                              "%dx%dx%d: wrote outside C at "
                              "(%d, %d)",
                              p->m, p->n, p->k, i, j);
                continue;
            }
            double s = 0, mag = 0;
            for (int q = 0; q < p->k; q++) {
                double t = (double)at_a(p, i, q) * at_b(p, q, j);
                s += t;
                mag += fabs(t);
            }
            /* beta = 0: C is not read (it may hold NaN) */
            const double bc0 =
                p->beta != 0 ? (double)p->beta * p->c0[(size_t)i * p->ldc + j]
                             : 0;
            const double ref = p->alpha * s + bc0;
            const double tol = 2.0 * (p->k + 2) * FLT_EPSILON *
                               (fabs(p->alpha) * mag + fabs(bc0));
            ck_assert_msg(fabs(got - ref) <= tol,
                          "%s ta %d tb %d %dx%dx%d alpha %g beta %g: C(%d, %d) "
                          "= %.9g, float64 %.9g (tolerance %.3g)",
                          lms_gemm_isa(), p->ta, p->tb, p->m, p->n, p->k,
                          p->alpha, p->beta, i, j, got, ref, tol);
        }
}

/* the first element where two results differ, or -1 */
static long first_diff(const prob *p, const float *x, const float *y) {
    for (size_t i = 0; i < (size_t)p->m * p->ldc; i++)
        if (memcmp(&x[i], &y[i], sizeof(float)) != 0)
            return (long)i;
    return -1;
}

/* ragged shapes: not multiples of any tile (8x32, 6x16, 4x8) or block,
 * k from 0 (C = beta C) to past several k-blocks */
static const int shapes[][3] = {{1, 1, 1},      {7, 33, 5},      {9, 17, 0},
                                {111, 390, 77}, {130, 129, 300}, {67, 45, 1000},
                                {2, 300, 513},  {300, 3, 64},    {64, 96, 256}};
#define NSHAPES (int)(sizeof shapes / sizeof shapes[0])

START_TEST(test_gemm_reference) {
    const float ab[][2] = {{1.0f, 0.0f}, {0.75f, 1.0f}, {-1.5f, 0.5f}};
    printf("gemm kernel: %s (LMSTAB_GEMM_KERNEL=%s)\n", lms_gemm_isa(),
           getenv("LMSTAB_GEMM_KERNEL") ? getenv("LMSTAB_GEMM_KERNEL") : "");
    for (int s = 0; s < NSHAPES; s++)
        for (int tr = 0; tr < 4; tr++)
            for (int v = 0; v < 3; v++) {
                prob p = make(tr & 1, tr >> 1, shapes[s][0], shapes[s][1],
                              shapes[s][2], ab[v][0], ab[v][1]);
                float *c = compute(&p, 1);
                check_ref(&p, c);
                free(c);
                drop(&p);
            }
}
END_TEST

/* beta = 0 never reads C (a NaN there does not leak into the result) */
START_TEST(test_gemm_beta0_ignores_c) {
    prob p = make(0, 1, 19, 37, 41, 1.0f, 0.0f);
    for (size_t i = 0; i < (size_t)p.m * p.ldc; i++)
        if (i % p.ldc < (size_t)p.n)
            p.c0[i] = NAN;
    float *c = compute(&p, 2);
    check_ref(&p, c);
    free(c);
    drop(&p);
}
END_TEST

/* 1, 2 and 3 threads and several cache blockings (k-blocks of 1, 7 and
 * 100 floats continue each element's chain from its stored partial) give
 * the same bits as the default 1-thread call. */
START_TEST(test_gemm_threads_blocking) {
    const int blocks[][3] = {
        {0, 0, 0}, {1, 1, 1}, {13, 40, 7}, {200, 8, 100}, {8, 1000, 0}};
    for (int s = 0; s < NSHAPES; s++)
        for (int tr = 0; tr < 4; tr++)
            for (int bt = 0; bt < 2; bt++) {
                prob p = make(tr & 1, tr >> 1, shapes[s][0], shapes[s][1],
                              shapes[s][2], 0.75f, (float)bt);
                float *c1 = compute(&p, 1);
                for (int bl = 0; bl < 5; bl++)
                    for (int t = 1; t <= 3; t++) {
                        lms_gemm_set_blocking(blocks[bl][0], blocks[bl][1],
                                              blocks[bl][2]);
                        float *ct = compute(&p, t);
                        lms_gemm_set_blocking(0, 0, 0);
                        long d = first_diff(&p, c1, ct);
                        ck_assert_msg(d < 0,
                                      "%s ta %d tb %d %dx%dx%d beta %d: "
                                      "element %ld differs with %d threads, "
                                      "blocks %d/%d/%d",
                                      lms_gemm_isa(), p.ta, p.tb, p.m, p.n, p.k,
                                      bt, d, t, blocks[bl][0], blocks[bl][1],
                                      blocks[bl][2]);
                        free(ct);
                    }
                free(c1);
                drop(&p);
            }
}
END_TEST

/* cut[] made non-decreasing within [0, len] */
static void monotone(int *cut, int n, int len) {
    for (int i = 0; i < n; i++) {
        int lo = i > 0 ? cut[i - 1] : 0;
        cut[i] = cut[i] < lo ? lo : cut[i] > len ? len : cut[i];
    }
}

/* C computed as a grid of sub-matrices, one call each at arbitrary bounds
 * (so every element lands at another position in the tiles and the edge
 * masks), equals the whole product bit for bit. */
START_TEST(test_gemm_split) {
    for (int s = 0; s < NSHAPES; s++)
        for (int tr = 0; tr < 4; tr++) {
            prob p = make(tr & 1, tr >> 1, shapes[s][0], shapes[s][1],
                          shapes[s][2], -1.5f, 0.5f);
            float *whole = compute(&p, 1);
            float *c = malloc((size_t)p.m * p.ldc * sizeof(float));
            memcpy(c, p.c0, (size_t)p.m * p.ldc * sizeof(float));
            int rcut[] = {0, p.m / 3, p.m / 3 + 5, p.m};
            int ccut[] = {0, p.n / 2 + 1, p.n - 3, p.n};
            monotone(rcut, 4, p.m);
            monotone(ccut, 4, p.n);
            for (int r = 0; r < 3; r++)
                for (int q = 0; q < 3; q++) {
                    const int i0 = rcut[r], i1 = rcut[r + 1];
                    const int j0 = ccut[q], j1 = ccut[q + 1];
                    if (i0 == i1 || j0 == j1)
                        continue;
                    const float *a = p.ta ? p.a + i0 : p.a + (size_t)i0 * p.lda;
                    const float *b = p.tb ? p.b + (size_t)j0 * p.ldb : p.b + j0;
                    lms_gemm(1 + (r + q) % 3, p.ta, p.tb, i1 - i0, j1 - j0, p.k,
                             p.alpha, a, p.lda, b, p.ldb, p.beta,
                             c + (size_t)i0 * p.ldc + j0, p.ldc);
                }
            long d = first_diff(&p, whole, c);
            ck_assert_msg(d < 0,
                          "%s ta %d tb %d %dx%dx%d: element %ld of the "
                          "split product differs",
                          lms_gemm_isa(), p.ta, p.tb, p.m, p.n, p.k, d);
            free(whole);
            free(c);
            drop(&p);
        }
}
END_TEST

typedef struct nested {
    prob *p;
    float **out; /* one C per item */
} nested;

static void nested_item(void *ctx, size_t lo, size_t hi) {
    nested *x = ctx;
    for (size_t i = lo; i < hi; i++)
        x->out[i] = compute(&x->p[i], 3);
}

/* Called from the threads of a plugin's parallel loop (the host's
 * parallel_for), lms_gemm runs serially on each and gives the same bits as
 * called alone. */
START_TEST(test_gemm_nested) {
    enum { N = 4 };
    prob p[N];
    float *out[N], *ref[N];
    for (int i = 0; i < N; i++) {
        p[i] = make(i & 1, i >> 1, 130 + i, 129, 300, 0.75f, 1.0f);
        ref[i] = compute(&p[i], 1);
    }
    lms_set_threads(2);
    nested x = {p, out};
    lms_parallel_for(lms_host_default(), N, 1, nested_item, &x);
    lms_set_threads(1);
    for (int i = 0; i < N; i++) {
        ck_assert_msg(first_diff(&p[i], ref[i], out[i]) < 0,
                      "%s: product %d differs inside a parallel loop",
                      lms_gemm_isa(), i);
        free(out[i]);
        free(ref[i]);
        drop(&p[i]);
    }
}
END_TEST

/* The kernel asked for by LMSTAB_GEMM_KERNEL runs when the CPU has it. */
START_TEST(test_gemm_kernel_choice) {
    const char *want = getenv("LMSTAB_GEMM_KERNEL");
    const char *isa = lms_gemm_isa();
    ck_assert(!strcmp(isa, "avx512") || !strcmp(isa, "avx2") ||
              !strcmp(isa, "generic"));
    if (!want || !*want)
        return;
#if defined(__x86_64__)
    __builtin_cpu_init();
    int has2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    int has512 = has2 && __builtin_cpu_supports("avx512f") &&
                 __builtin_cpu_supports("avx512bw") &&
                 __builtin_cpu_supports("avx512vl") &&
                 __builtin_cpu_supports("avx512dq");
    if (!strcmp(want, "generic") || (!strcmp(want, "avx2") && has2) ||
        (!strcmp(want, "avx512") && has512))
        ck_assert_str_eq(isa, want);
    else
        printf("gemm kernel %s: not on this CPU, tested %s\n", want, isa);
#endif
}
END_TEST

int main(void) {
    Suite *s = suite_create("gemm");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_gemm_kernel_choice);
    tcase_add_test(tc, test_gemm_reference);
    tcase_add_test(tc, test_gemm_beta0_ignores_c);
    tcase_add_test(tc, test_gemm_threads_blocking);
    tcase_add_test(tc, test_gemm_split);
    tcase_add_test(tc, test_gemm_nested);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
