/* Tests for the host table's threading and logging services (core/engine/host.c) and
 * their plugin_util.h helpers: every item once, in the same fixed chunks for
 * any thread count, and the serial fallback for an ABI 1.0 host. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "kernels/gemm.h"
#include "kernels/host.h"
#include "engine/loader.h"
#include "lmstab/plugin_util.h"

typedef struct visits {
    int *count;     /* per item */
    size_t grain;
    int bad_chunk;  /* a chunk not of the form [k*grain, min((k+1)*grain, n)) */
    size_t n;
} visits;

static void visit(void *ctx, size_t lo, size_t hi) {
    visits *v = ctx;
    if (lo % v->grain != 0 || hi != (lo + v->grain < v->n ? lo + v->grain : v->n))
        __atomic_store_n(&v->bad_chunk, 1, __ATOMIC_RELAXED);
    for (size_t i = lo; i < hi; i++)
        __atomic_fetch_add(&v->count[i], 1, __ATOMIC_RELAXED);
}

static void check_cover(const lms_host *h, size_t n, size_t grain) {
    visits v = {calloc(n + 1, sizeof(int)), grain ? grain : 1, 0, n};
    lms_parallel_for(h, n, grain, visit, &v);
    ck_assert_msg(!v.bad_chunk, "n %zu grain %zu: a chunk is not fixed", n,
                  grain);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(v.count[i] == 1, "n %zu grain %zu: item %zu visited %d "
                      "times", n, grain, i, v.count[i]);
    free(v.count);
}

START_TEST(test_host_parallel_for) {
    const lms_host *h = lms_host_default();
    ck_assert_int_eq(h->abi_minor, LMS_ABI_MINOR);
    ck_assert(h->threads && h->parallel_for);
    const size_t ns[] = {0, 1, 7, 64, 1000, 100003};
    const size_t grains[] = {0, 1, 3, 64, 4096};
    for (int t = 1; t <= 3; t++) {
        lms_set_threads(t);
        ck_assert_int_eq(lms_host_threads(h), t);
        for (size_t a = 0; a < 6; a++)
            for (size_t b = 0; b < 5; b++)
                check_cover(h, ns[a], grains[b]);
    }
    /* a host of ABI 1.0 (no parallel_for): the helper runs the same chunks */
    lms_host old = *h;
    old.size = offsetof(lms_host, threads);
    ck_assert_int_eq(lms_host_threads(&old), 1);
    check_cover(&old, 1000, 64);
    check_cover(NULL, 10, 3);
    lms_set_threads(1);
}
END_TEST

/* host->log writes to its context (a FILE; NULL: stderr), lms_logf formats
 * through it, and a table without log (an older, smaller host) is skipped. */
START_TEST(test_host_log_ctx) {
    const lms_host *h = lms_host_default();
    ck_assert(LMS_HAS(h, log_ctx) && h->log);
    char buf[256] = "";
    FILE *f = fmemopen(buf, sizeof buf, "w");
    lms_host mine = *h;
    mine.log_ctx = f;
    lms_logf(&mine, 1, "plan: %d heads", 4);
    lms_logf(&mine, 0, "ok");
    fclose(f);
    ck_assert_str_eq(buf, "lmstab: warning: plan: 4 heads\nlmstab: ok\n");
    lms_host old = *h;
    old.size = offsetof(lms_host, log);
    lms_logf(&old, 0, "never called");
}
END_TEST

/* deterministic values in [-0.5, 0.5) with an irregular bit pattern */
static void fill(float *x, size_t n, unsigned seed) {
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        x[i] = (float)((seed >> 8) & 0xffffff) / 16777216.0f - 0.5f;
    }
}

/* C of one product computed with t threads */
static void product(int t, int ta, int tb, int m, int n, int k, float alpha,
                    float beta, const float *a, const float *b, float *c) {
    lms_set_threads(t);
    fill(c, (size_t)m * n, 3);
    lms_sgemm(ta, tb, m, n, k, alpha, a, ta ? m : k, b, tb ? k : n, beta, c,
              n);
}

/* The slabs cover the product exactly, cut at multiples of 16, and depend
 * on the shape alone (the function takes no thread count: checked here
 * that they never change across set_threads). */
START_TEST(test_sgemm_slabs) {
    const int lens[] = {1, 15, 33, 100, 111, 257, 1000, 2048, 4097};
    for (int t = 1; t <= 3; t++) {
        lms_set_threads(t);
        for (int i = 0; i < 9; i++)
            for (int j = 0; j < 9; j++) {
                int m = lens[i], n = lens[j], k = 129, slabs, step;
                lms_sgemm_slabs(m, n, k, &slabs, &step);
                int len = m >= n ? m : n;
                ck_assert_int_ge(slabs, 1);
                ck_assert_int_le(slabs, 8); /* SLAB_MAX in host.c */
                if (slabs > 1)
                    ck_assert_int_eq(step % 16, 0);
                ck_assert_int_ge((long)slabs * step, len);
                ck_assert_int_lt((long)(slabs - 1) * step, len);
            }
    }
    lms_set_threads(1);
}
END_TEST

/* The product is bit-identical with 1, 2 and 3 threads for every
 * transpose, beta 0 and 1, alpha != 1, and ragged shapes whose rows and
 * columns are not multiples of 16, 12, 8 or 4 (where OpenBLAS's tails
 * round differently from its full tiles). ctest runs this once per
 * OpenBLAS kernel set the CPU supports (OPENBLAS_CORETYPE). */
static void sgemm_threads(void) {
    const int shapes[][3] = {{512, 384, 128}, {2048, 128, 384}, {384, 128, 2048},
                             {111, 390, 77}, {1003, 129, 250}, {129, 1003, 250},
                             {517, 517, 19}, {250, 49, 1000}, {2, 3000, 700}};
    for (int s = 0; s < 9; s++)
        for (int tr = 0; tr < 4; tr++)
            for (int bt = 0; bt < 2; bt++) {
                const int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
                const int ta = tr & 1, tb = tr >> 1;
                float *a = malloc(sizeof(float) * m * k);
                float *b = malloc(sizeof(float) * k * n);
                float *c1 = malloc(sizeof(float) * m * n);
                float *ct = malloc(sizeof(float) * m * n);
                fill(a, (size_t)m * k, 1);
                fill(b, (size_t)k * n, 2);
                product(1, ta, tb, m, n, k, 0.75f, (float)bt, a, b, c1);
                for (int t = 2; t <= 3; t++) {
                    product(t, ta, tb, m, n, k, 0.75f, (float)bt, a, b, ct);
                    size_t bad = 0;
                    for (size_t i = 0; i < (size_t)m * n; i++)
                        bad += memcmp(&c1[i], &ct[i], sizeof(float)) != 0;
                    ck_assert_msg(bad == 0, "%s: %dx%dx%d ta %d tb %d beta "
                                  "%d: %zu elements differ between 1 and %d "
                                  "threads", lms_gemm_backend_name(
                                      lms_sgemm_get_backend()),
                                  m, n, k, ta, tb, bt, bad, t);
                }
                free(a);
                free(b);
                free(c1);
                free(ct);
            }
    lms_set_threads(1);
}

START_TEST(test_sgemm_threads) {
    sgemm_threads();
}
END_TEST

/* The same through lms_sgemm on lmstab's own backend (all threads, no
 * slabs). */
START_TEST(test_sgemm_threads_lmstab) {
    lms_sgemm_set_backend(LMS_GEMM_LMSTAB);
    ck_assert_int_eq(lms_sgemm_get_backend(), LMS_GEMM_LMSTAB);
    sgemm_threads();
    lms_sgemm_set_backend(LMS_GEMM_OPENBLAS);
}
END_TEST

/* The same on oneDNN (dnnl_sgemm on the slabs, each call held at one
 * thread), where the build has it; and it computes the product (against
 * OpenBLAS, to float32 rounding), so an untouched C cannot pass. Where the
 * build has none, selecting it selects OpenBLAS. */
START_TEST(test_sgemm_threads_onednn) {
    lms_sgemm_set_backend(LMS_GEMM_ONEDNN);
    if (!lms_gemm_backend_available(LMS_GEMM_ONEDNN)) {
        ck_assert_int_eq(lms_sgemm_get_backend(), LMS_GEMM_OPENBLAS);
        printf("no oneDNN in this build: the onednn backend not tested\n");
        return;
    }
    ck_assert_int_eq(lms_sgemm_get_backend(), LMS_GEMM_ONEDNN);
    sgemm_threads();
    const int m = 300, n = 200, k = 150;
    float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n);
    float *c = malloc(sizeof(float) * m * n), *r = malloc(sizeof(float) * m * n);
    fill(a, (size_t)m * k, 3);
    fill(b, (size_t)k * n, 4);
    product(2, 0, 1, m, n, k, 1.0f, 0.0f, a, b, c);
    lms_sgemm_set_backend(LMS_GEMM_OPENBLAS);
    product(2, 0, 1, m, n, k, 1.0f, 0.0f, a, b, r);
    for (int i = 0; i < m * n; i++)
        ck_assert_msg(fabsf(c[i] - r[i]) <= 1e-4f * (1.0f + fabsf(r[i])),
                      "onednn C[%d] = %g, OpenBLAS %g", i, c[i], r[i]);
    free(a);
    free(b);
    free(c);
    free(r);
}
END_TEST

/* `gemm = auto` and the kernel names a run records: OpenBLAS unless
 * lmstab's kernel is AVX-512 and OpenBLAS's kernel set is narrower; the
 * rule under another kernel set is the one OPENBLAS_CORETYPE would give. */
START_TEST(test_gemm_auto_rule) {
    const int avx512 = !strcmp(lms_gemm_isa(), "avx512");
    ck_assert_int_eq(lms_gemm_auto_under("SkylakeX"), LMS_GEMM_OPENBLAS);
    ck_assert_int_eq(lms_gemm_auto_under("COOPERLAKE"), LMS_GEMM_OPENBLAS);
    ck_assert_int_eq(lms_gemm_auto_under("Haswell"),
                     avx512 ? LMS_GEMM_LMSTAB : LMS_GEMM_OPENBLAS);
    ck_assert_int_eq(lms_gemm_auto(NULL, 0),
                     lms_gemm_auto_under(openblas_get_corename()));
    ck_assert_str_eq(lms_gemm_kernel_name(LMS_GEMM_LMSTAB), lms_gemm_isa());
    ck_assert_str_eq(lms_gemm_kernel_name(LMS_GEMM_OPENBLAS),
                     openblas_get_corename());
}
END_TEST

int main(void) {
    Suite *s = suite_create("host");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_host_parallel_for);
    tcase_add_test(tc, test_host_log_ctx);
    tcase_add_test(tc, test_sgemm_slabs);
    tcase_add_test(tc, test_sgemm_threads);
    tcase_add_test(tc, test_sgemm_threads_lmstab);
    tcase_add_test(tc, test_sgemm_threads_onednn);
    tcase_add_test(tc, test_gemm_auto_rule);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
