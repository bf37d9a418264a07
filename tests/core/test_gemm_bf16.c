/* Tests for the bf16 products: lms_matmul (core/kernels/precision.c) on its three
 * paths and the kernels behind it (lms_gemm_bf16, core/kernels/gemm_bf16.c;
 * lms_gemm_amx, core/kernels/gemm_amx.c).
 *  - fp32: lms_matmul is lms_sgemm, bit for bit;
 *  - emulated: bit for bit lms_sgemm on operands rounded beforehand;
 *  - native and amx (each skipped, with a note, where the CPU has no
 *    AVX512_BF16 / AMX-BF16 or Linux refuses the tile state):
 *    against a float64 product of the rounded operands and against the
 *    emulated path, over ragged shapes, every transpose, alpha and beta;
 *    every element the same bits whatever the thread count, the blocking
 *    or the sub-matrix a call covers;
 *  - every path: 1, 2 and 3 threads give the same bits through lms_matmul. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/gemm.h"
#include "kernels/host.h"
#include "lmstab/plugin_math.h"

#define PAD 3 /* lda, ldb, ldc exceed the minimum by this */

/* values in [-2, 2) with all 23 mantissa bits used (so rounding matters),
 * no subnormals (the native kernel reads bf16 subnormals as 0) */
static void fill(float *x, size_t n, unsigned seed) {
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        x[i] = ((float)((seed >> 8) & 0xffffff) / 16777216.0f - 0.5f) * 4.0f;
    }
}

typedef struct prob {
    int ta, tb, m, n, k, lda, ldb, ldc;
    float alpha, beta;
    float *a, *b, *c0;
} prob;

static prob make(int ta, int tb, int m, int n, int k, float alpha, float beta) {
    prob p = {ta, tb, m, n, k, (ta ? m : k) + PAD, (tb ? k : n) + PAD, n + PAD,
              alpha, beta, NULL, NULL, NULL};
    size_t na = (size_t)(ta ? k : m) * p.lda + 1;
    size_t nb = (size_t)(tb ? n : k) * p.ldb + 1;
    p.a = malloc(na * sizeof(float));
    p.b = malloc(nb * sizeof(float));
    p.c0 = malloc((size_t)m * p.ldc * sizeof(float));
    fill(p.a, na, 11 + m);
    fill(p.b, nb, 12 + n);
    fill(p.c0, (size_t)m * p.ldc, 13 + k);
    return p;
}

static void drop(prob *p) {
    free(p->a);
    free(p->b);
    free(p->c0);
}

static float *fresh_c(const prob *p) {
    float *c = malloc((size_t)p->m * p->ldc * sizeof(float));
    memcpy(c, p->c0, (size_t)p->m * p->ldc * sizeof(float));
    return c;
}

/* C of p through lms_matmul at `precision` with `threads` threads */
static float *matmul(const prob *p, lms_precision precision, int threads) {
    float *c = fresh_c(p);
    lms_set_precision(precision);
    lms_set_threads(threads);
    lms_matmul(p->ta, p->tb, p->m, p->n, p->k, p->alpha, p->a, p->lda, p->b,
               p->ldb, p->beta, c, p->ldc);
    lms_set_threads(1);
    lms_set_precision(LMS_PRECISION_FP32);
    return c;
}

/* The kernels under test, by the loop index of a test. */
typedef void (*kernel_fn)(int threads, int ta, int tb, int m, int n, int k,
                          float alpha, const float *a, int lda, const float *b,
                          int ldb, float beta, float *c, int ldc);
static const struct {
    const char *name;
    kernel_fn fn;
    lms_bf16_kernel id;
} kernels[] = {{"native", lms_gemm_bf16, LMS_BF16_NATIVE},
               {"amx", lms_gemm_amx, LMS_BF16_AMX}};
static int g_kk; /* the kernel of this test */

static float *native(const prob *p, int threads) {
    float *c = fresh_c(p);
    kernels[g_kk].fn(threads, p->ta, p->tb, p->m, p->n, p->k, p->alpha, p->a,
                  p->lda, p->b, p->ldb, p->beta, c, p->ldc);
    return c;
}

static size_t ndiff(const prob *p, const float *x, const float *y) {
    size_t bad = 0;
    for (size_t i = 0; i < (size_t)p->m * p->ldc; i++)
        bad += memcmp(&x[i], &y[i], sizeof(float)) != 0;
    return bad;
}

static float at_a(const prob *p, int i, int q) {
    return p->ta ? p->a[(size_t)q * p->lda + i] : p->a[(size_t)i * p->lda + q];
}

static float at_b(const prob *p, int q, int j) {
    return p->tb ? p->b[(size_t)j * p->ldb + q] : p->b[(size_t)q * p->ldb + j];
}

/* got against the float64 product of the rounded operands: a float32 sum
 * of k exact products is within 2 (k + 2) eps (|alpha| sum |ab| + |beta
 * c|) of it, whatever its order; columns past n untouched */
static void check_ref(const prob *p, const float *got, const char *what) {
    for (int i = 0; i < p->m; i++)
        for (int j = 0; j < p->ldc; j++) {
            const size_t at = (size_t)i * p->ldc + j;
            if (j >= p->n) {
                ck_assert_msg(memcmp(&got[at], &p->c0[at], 4) == 0,
                              "%s wrote outside C at (%d, %d)", what, i, j);
                continue;
            }
            double s = 0, mag = 0;
            for (int q = 0; q < p->k; q++) {
                double t = (double)lms_bf16_round(at_a(p, i, q)) *
                           lms_bf16_round(at_b(p, q, j));
                s += t;
                mag += fabs(t);
            }
            const double bc = p->beta != 0 ? (double)p->beta * p->c0[at] : 0;
            const double ref = p->alpha * s + bc;
            const double tol =
                2.0 * (p->k + 2) * FLT_EPSILON * (fabs(p->alpha) * mag + fabs(bc));
            ck_assert_msg(fabs(got[at] - ref) <= tol,
                          "%s ta %d tb %d %dx%dx%d: C(%d, %d) = %.9g, float64 "
                          "of the rounded operands %.9g (tolerance %.3g)",
                          what, p->ta, p->tb, p->m, p->n, p->k, i, j, got[at],
                          ref, tol);
        }
}

/* ragged shapes: no multiple of the 8 x 32 tile, odd k (a half-empty last
 * pair), k past several k-blocks, k = 0 */
static const int shapes[][3] = {{1, 1, 1},     {7, 33, 5},     {9, 17, 0},
                                {111, 390, 77}, {130, 129, 300}, {67, 45, 1001},
                                {2, 300, 513},  {300, 3, 64},   {64, 96, 256}};
#define NSHAPES (int)(sizeof shapes / sizeof shapes[0])
static const float ab[][2] = {{1.0f, 0.0f}, {0.75f, 1.0f}, {-1.5f, 0.5f}};

/* Selects kernel kk for native(); 0 (with a note) where it does not run. */
static int have_kernel(int kk) {
    g_kk = kk;
    if (kk == 0 ? lms_bf16_native_available() : lms_bf16_amx_available())
        return 1;
    printf("%s: not on this CPU or build (or no tile state): not tested\n",
           kernels[kk].name);
    return 0;
}


/* fp32: lms_matmul is lms_sgemm */
START_TEST(test_matmul_fp32_is_sgemm) {
    prob p = make(1, 0, 111, 390, 77, 0.75f, 1.0f);
    float *c = matmul(&p, LMS_PRECISION_FP32, 1);
    float *ref = fresh_c(&p);
    lms_sgemm(p.ta, p.tb, p.m, p.n, p.k, p.alpha, p.a, p.lda, p.b, p.ldb,
              p.beta, ref, p.ldc);
    ck_assert_msg(ndiff(&p, c, ref) == 0, "fp32 lms_matmul is not lms_sgemm");
    free(c);
    free(ref);
    drop(&p);
}
END_TEST

/* emulated: lms_sgemm on the rounded operands, bit for bit; and the
 * rounding is really applied (differs from the fp32 product) */
START_TEST(test_matmul_emulated) {
    lms_set_bf16_kernel(LMS_BF16_EMULATED);
    for (int s = 0; s < NSHAPES; s++)
        for (int tr = 0; tr < 4; tr++) {
            prob p = make(tr & 1, tr >> 1, shapes[s][0], shapes[s][1],
                          shapes[s][2], ab[tr % 3][0], ab[tr % 3][1]);
            float *c = matmul(&p, LMS_PRECISION_BF16, 1);
            prob r = p;
            size_t na = (size_t)(p.ta ? p.k : p.m) * p.lda + 1;
            size_t nb = (size_t)(p.tb ? p.n : p.k) * p.ldb + 1;
            r.a = malloc(na * sizeof(float));
            r.b = malloc(nb * sizeof(float));
            lms_bf16_round_rows(r.a, 1, p.a, 1, na, 1);
            lms_bf16_round_rows(r.b, 1, p.b, 1, nb, 1);
            float *ref = fresh_c(&p);
            lms_sgemm(p.ta, p.tb, p.m, p.n, p.k, p.alpha, r.a, p.lda, r.b,
                      p.ldb, p.beta, ref, p.ldc);
            ck_assert_msg(ndiff(&p, c, ref) == 0,
                          "emulated %dx%dx%d ta %d tb %d: not lms_sgemm of "
                          "the rounded operands", p.m, p.n, p.k, p.ta, p.tb);
            check_ref(&p, c, "emulated");
            if (p.k >= 5) {
                float *f = matmul(&p, LMS_PRECISION_FP32, 1);
                ck_assert_msg(ndiff(&p, c, f) > 0, "bf16 product equals the "
                              "fp32 one: operands not rounded");
                free(f);
            }
            free(r.a);
            free(r.b);
            free(ref);
            free(c);
            drop(&p);
        }
    lms_set_bf16_kernel(lms_bf16_kernel_auto(NULL));
}
END_TEST

/* native against float64 and against the emulated path */
START_TEST(test_native_reference) {
    if (!have_kernel(_i))
        return;
    for (int s = 0; s < NSHAPES; s++)
        for (int tr = 0; tr < 4; tr++)
            for (int v = 0; v < 3; v++) {
                prob p = make(tr & 1, tr >> 1, shapes[s][0], shapes[s][1],
                              shapes[s][2], ab[v][0], ab[v][1]);
                float *c = native(&p, 1);
                check_ref(&p, c, kernels[_i].name);
                lms_set_bf16_kernel(LMS_BF16_EMULATED);
                float *e = matmul(&p, LMS_PRECISION_BF16, 1);
                check_ref(&p, e, "emulated");
                lms_set_bf16_kernel(kernels[_i].id);
                float *viahost = matmul(&p, LMS_PRECISION_BF16, 1);
                ck_assert_msg(ndiff(&p, c, viahost) == 0,
                              "lms_matmul (%s) is not its kernel",
                              kernels[_i].name);
                free(viahost);
                free(e);
                free(c);
                drop(&p);
            }
}
END_TEST

/* one element: C = alpha r(a) r(b) exactly (pins the rounding, the pair
 * layout and the half-empty last pair of an odd k) */
START_TEST(test_native_exact_small) {
    if (!have_kernel(_i))
        return;
    const float a[3] = {1.0f + 0x1p-8f + 0x1p-20f, 3.0f, -0.5f - 0x1p-9f};
    const float b[3] = {1.0f + 0x1p-8f, 0.25f, 2.0f};
    float c = 0.0f;
    kernels[_i].fn(1, 0, 0, 1, 1, 1, 1.0f, a, 1, b, 1, 0.0f, &c, 1);
    ck_assert(c == (1.0f + 0x1p-7f) * 1.0f);
    kernels[_i].fn(1, 0, 0, 1, 1, 3, 2.0f, a, 3, b, 1, 0.0f, &c, 1);
    const float want = 2.0f * ((1.0f + 0x1p-7f) + 0.75f + -1.0f);
    ck_assert_msg(c == want, "got %.9g, want %.9g", c, want);
}
END_TEST

static void native_variants(const prob *p, const float *ref) {
    const int blocks[][3] = {
        {0, 0, 0}, {1, 1, 1}, {13, 40, 7}, {200, 8, 100}, {8, 1000, 0}};
    for (int bl = 0; bl < 5; bl++)
        for (int t = 1; t <= 3; t++) {
            lms_gemm_set_blocking(blocks[bl][0], blocks[bl][1], blocks[bl][2]);
            float *c = native(p, t);
            lms_gemm_set_blocking(0, 0, 0);
            ck_assert_msg(ndiff(p, ref, c) == 0,
                          "%s ta %d tb %d %dx%dx%d: %zu elements differ "
                          "with %d threads, blocks %d/%d/%d",
                          kernels[g_kk].name, p->ta, p->tb,
                          p->m, p->n, p->k, ndiff(p, ref, c), t,
                          blocks[bl][0], blocks[bl][1], blocks[bl][2]);
            free(c);
        }
}

/* threads, blockings (k-blocks of 1 and 7 are rounded up to a pair) and a
 * 3 x 3 split of C change no bit */
START_TEST(test_native_invariance) {
    if (!have_kernel(_i))
        return;
    for (int s = 0; s < NSHAPES; s++)
        for (int tr = 0; tr < 4; tr++) {
            prob p = make(tr & 1, tr >> 1, shapes[s][0], shapes[s][1],
                          shapes[s][2], -1.5f, 0.5f);
            float *whole = native(&p, 1);
            native_variants(&p, whole);
            float *c = fresh_c(&p);
            const int rc[] = {0, p.m / 3, p.m / 3 + 5 < p.m ? p.m / 3 + 5 : p.m,
                              p.m};
            const int cc[] = {0, p.n / 2, p.n - 3 > p.n / 2 ? p.n - 3 : p.n / 2,
                              p.n};
            for (int r = 0; r < 3; r++)
                for (int q = 0; q < 3; q++) {
                    if (rc[r] == rc[r + 1] || cc[q] == cc[q + 1])
                        continue;
                    const float *a = p.ta ? p.a + rc[r] : p.a + (size_t)rc[r] * p.lda;
                    const float *b = p.tb ? p.b + (size_t)cc[q] * p.ldb : p.b + cc[q];
                    kernels[_i].fn(1 + (r + q) % 3, p.ta, p.tb, rc[r + 1] - rc[r],
                                  cc[q + 1] - cc[q], p.k, p.alpha, a, p.lda, b,
                                  p.ldb, p.beta,
                                  c + (size_t)rc[r] * p.ldc + cc[q], p.ldc);
                }
            ck_assert_msg(ndiff(&p, whole, c) == 0, "%s ta %d tb %d "
                          "%dx%dx%d: the split product differs",
                          kernels[_i].name, p.ta, p.tb,
                          p.m, p.n, p.k);
            free(c);
            free(whole);
            drop(&p);
        }
}
END_TEST

/* through lms_matmul at bf16, on each path: 1, 2 and 3 threads give the
 * same bits (the emulated path on OpenBLAS slabs and on lmstab's sgemm) */
START_TEST(test_matmul_threads) {
    const int big[][3] = {{512, 384, 128}, {1003, 129, 250}, {129, 1003, 250},
                          {2, 3000, 700}};
    for (int path = 0; path < 4; path++) {
        if (path >= 2 && !have_kernel(path - 2))
            continue;
        lms_set_bf16_kernel(path >= 2 ? kernels[path - 2].id
                                      : LMS_BF16_EMULATED);
        lms_sgemm_set_backend(path == 1 ? LMS_GEMM_LMSTAB : LMS_GEMM_OPENBLAS);
        for (int s = 0; s < 4; s++)
            for (int tr = 0; tr < 4; tr++) {
                prob p = make(tr & 1, tr >> 1, big[s][0], big[s][1], big[s][2],
                              0.75f, (float)(tr & 1));
                float *c1 = matmul(&p, LMS_PRECISION_BF16, 1);
                for (int t = 2; t <= 3; t++) {
                    float *ct = matmul(&p, LMS_PRECISION_BF16, t);
                    ck_assert_msg(ndiff(&p, c1, ct) == 0,
                                  "bf16 %s/%s %dx%dx%d ta %d tb %d: %zu "
                                  "elements differ between 1 and %d threads",
                                  lms_bf16_kernel_name(lms_get_bf16_kernel()),
                                  lms_gemm_backend_name(lms_sgemm_get_backend()),
                                  p.m, p.n, p.k, p.ta, p.tb, ndiff(&p, c1, ct),
                                  t);
                    free(ct);
                }
                free(c1);
                drop(&p);
            }
    }
    lms_sgemm_set_backend(LMS_GEMM_OPENBLAS);
    lms_set_bf16_kernel(lms_bf16_kernel_auto(NULL));
}
END_TEST

int main(void) {
    Suite *s = suite_create("gemm_bf16");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_matmul_fp32_is_sgemm);
    tcase_add_test(tc, test_matmul_emulated);
    tcase_add_loop_test(tc, test_native_exact_small, 0, 2);
    tcase_add_loop_test(tc, test_native_reference, 0, 2);
    tcase_add_loop_test(tc, test_native_invariance, 0, 2);
    tcase_add_test(tc, test_matmul_threads);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
