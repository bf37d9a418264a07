/* Tests for att_gemm.c, the attention plugin's small-product kernels: every
 * causal mode, shape, stride, alpha and accumulate flag against a plain
 * double-precision product, for the kernel named by LMSTAB_ATT_KERNEL (ctest
 * runs this once per kernel; one the CPU lacks is reported and skipped). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "att_gemm.h"

#define GUARD 12345.0f

static unsigned g_seed = 12345;
static float frand(void) { /* uniform in [-1, 1) */
    g_seed = g_seed * 1103515245u + 12345u;
    return (float)((g_seed >> 8) & 0xFFFF) / 32768.0f - 1.0f;
}

/* A masked as the plugin masks it: LOWER_K reads A(i, p) = 0 for p > i
 * within i's ATT_FILL group, UPPER_K A(i, p) = 0 for p < i; so both
 * restricted products equal the full product of the masked A. */
static float a_at(att_causal cz, int i, int p, float v) {
    if (cz == ATT_LOWER_K && p > i)
        return 0.0f;
    if (cz == ATT_UPPER_K && p < i)
        return 0.0f;
    return v;
}

static void check_case(att_causal cz, int m, int n, int k, int transposed_a,
                       int accumulate, float alpha) {
    const int pad = 3;
    /* A stored (m, k) row-major, or (k, m) when read transposed */
    ptrdiff_t lda = (transposed_a ? m : k) + pad;
    ptrdiff_t ars = transposed_a ? 1 : lda, acs = transposed_a ? lda : 1;
    ptrdiff_t ldb = n + pad, ldc = n + pad;
    size_t na = (size_t)(transposed_a ? k : m) * lda;
    float *a = malloc(na * sizeof *a), *b = malloc((size_t)k * ldb * sizeof *b);
    float *c = malloc((size_t)(m + 1) * ldc * sizeof *c);
    float *c0 = malloc((size_t)(m + 1) * ldc * sizeof *c0);
    for (size_t i = 0; i < na; i++)
        a[i] = frand();
    for (int i = 0; i < m; i++)
        for (int p = 0; p < k; p++)
            a[i * ars + p * acs] = a_at(cz, i, p, a[i * ars + p * acs]);
    for (size_t i = 0; i < (size_t)k * ldb; i++)
        b[i] = frand();
    for (size_t i = 0; i < (size_t)(m + 1) * ldc; i++)
        c0[i] = (i % ldc) < (size_t)n && i / ldc < (size_t)m ? frand() : GUARD;
    memcpy(c, c0, (size_t)(m + 1) * ldc * sizeof *c);
    att_gemm(cz, m, n, k, alpha, a, ars, acs, b, ldb, accumulate, c, ldc);
    for (int i = 0; i < m + 1; i++)
        for (int j = 0; j < (int)ldc; j++) {
            float got = c[(size_t)i * ldc + j];
            if (i == m || j >= n) { /* outside C: untouched */
                ck_assert_msg(got == GUARD,
                              "mode %d m %d n %d k %d: wrote outside C at "
                              "(%d, %d)", cz, m, n, k, i, j);
                continue;
            }
            if (cz == ATT_LOWER_N && j > i)
                continue; /* unspecified above the diagonal */
            double ref = 0, mag = 0;
            for (int p = 0; p < k; p++) {
                double t = (double)a[i * ars + p * acs] * b[(size_t)p * ldb + j];
                ref += t;
                mag += fabs(t);
            }
            ref *= alpha;
            if (accumulate)
                ref += c0[(size_t)i * ldc + j];
            double tol = 1e-5 * (fabs(alpha) * mag + fabs(c0[i * ldc + j])) + 1e-6;
            ck_assert_msg(fabs(got - ref) <= tol,
                          "%s mode %d m %d n %d k %d acc %d: C[%d][%d] = %.7g, "
                          "expected %.7g",
                          att_gemm_isa(), cz, m, n, k, accumulate, i, j, got, ref);
        }
    free(a);
    free(b);
    free(c);
    free(c0);
}

START_TEST(test_kernel_selected) {
    const char *want = getenv("LMSTAB_ATT_KERNEL");
    if (want && strcmp(want, att_gemm_isa()) != 0) {
        printf("kernel %s not supported here (using %s)\n", want,
               att_gemm_isa());
        return;
    }
    ck_assert(att_gemm_mr() == 4 || att_gemm_mr() == 8);
    ck_assert_int_eq(ATT_FILL % att_gemm_mr(), 0);
}
END_TEST

/* the products of a head: S = Q K^T and dP (LOWER_N, n = m = T), P V and
 * dS K (LOWER_K, n = hd, k = T), P^T dY and dS^T Q (UPPER_K) */
START_TEST(test_attention_shapes) {
    const int Ts[] = {1, 2, 5, 8, 9, 16, 31, 33, 64, 100};
    const int hds[] = {1, 3, 8, 16, 17, 32, 48, 64, 70};
    for (size_t a = 0; a < sizeof Ts / sizeof *Ts; a++)
        for (size_t h = 0; h < sizeof hds / sizeof *hds; h++) {
            int T = Ts[a], hd = hds[h];
            check_case(ATT_LOWER_N, T, T, hd, 0, 0, 0.125f);
            check_case(ATT_LOWER_K, T, hd, T, 0, 0, 1.0f);
            check_case(ATT_LOWER_K, T, hd, T, 0, 1, 0.5f);
            check_case(ATT_UPPER_K, T, hd, T, 1, 1, 1.0f);
            check_case(ATT_UPPER_K, T, hd, T, 1, 1, -0.25f);
        }
}
END_TEST

START_TEST(test_full_products) {
    const int dims[] = {1, 4, 7, 8, 15, 16, 33, 40};
    for (size_t x = 0; x < 8; x++)
        for (size_t y = 0; y < 8; y++)
            for (int t = 0; t < 2; t++) {
                check_case(ATT_FULL, dims[x], dims[y], dims[(x + y) % 8], t, 0,
                           1.0f);
                check_case(ATT_FULL, dims[x], dims[y], dims[(x + 3) % 8], t, 1,
                           2.0f);
            }
}
END_TEST

START_TEST(test_transpose) {
    const int rows = 37, cols = 21, lds = 25, ldd = 40;
    float src[37 * 25], dst[21 * 40];
    for (int i = 0; i < rows * lds; i++)
        src[i] = (float)i;
    for (int i = 0; i < cols * ldd; i++)
        dst[i] = GUARD;
    att_transpose(dst, ldd, src, lds, rows, cols);
    for (int c = 0; c < cols; c++)
        for (int r = 0; r < ldd; r++)
            ck_assert(dst[c * ldd + r] ==
                      (r < rows ? src[r * lds + c] : GUARD));
}
END_TEST

int main(void) {
    Suite *s = suite_create("att_gemm");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_kernel_selected);
    tcase_add_test(tc, test_attention_shapes);
    tcase_add_test(tc, test_full_products);
    tcase_add_test(tc, test_transpose);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
