/* Tests for lms_expf_rows (core/kernels/expf_rows.c): every result equal bit
 * for bit to libm's expf, on every negative float down to -104 (the
 * softmax feeds it logits minus their row max; below -103.97 expf is 0 and
 * that range is sampled; every 13th under AddressSanitizer), on samples of
 * the remaining floats, in rows of every length and with special arguments
 * mixed in. ctest runs it once per vector path this CPU has
 * ($LMSTAB_EXPF_KERNEL, tests/tools.cmake). */
#include <check.h>
#ifdef __GLIBC__
#include <gnu/libc-version.h>
#endif
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/expf_rows.h"
#include "lmstab/plugin_math.h"

enum { BLOCK = 1 << 16 };

/* floats with bits lo, lo + step, ... < hi through lms_expf_rows, against
 * expf; returns the number that differ (the first few printed) */
static uint64_t compare_bits(uint64_t lo, uint64_t hi, uint64_t step) {
    float *x = malloc(2 * BLOCK * sizeof *x), *y = x + BLOCK;
    ck_assert_ptr_nonnull(x);
    uint64_t bad = 0;
    for (uint64_t u = lo; u < hi;) {
        int n = 0;
        for (; n < BLOCK && u < hi; n++, u += step)
            x[n] = lms_u2f((uint32_t)u);
        lms_expf_rows(y, x, 0.0f, (size_t)n);
        for (int i = 0; i < n; i++) {
            const float e = expf(x[i]);
            if (memcmp(&e, &y[i], sizeof e)) {
                if (bad++ < 5)
                    fprintf(stderr, "expf(%a) = %a, lms_expf_rows gave %a\n",
                            (double)x[i], (double)e, (double)y[i]);
            }
        }
    }
    free(x);
    return bad;
}

/* The path: with AVX2 and FMA and glibc's expf of 2.28 on, the self-check
 * must have passed (else this test would only compare libm with itself),
 * unless GLIBC_TUNABLES may have steered libm to its variant without FMA. */
START_TEST(test_path) {
    const char *k = lms_expf_rows_kernel();
    const char *want = getenv("LMSTAB_EXPF_KERNEL");
    int major = 0, minor = 0;
    const char *version = "none";
#ifdef __GLIBC__
    version = gnu_get_libc_version();
    sscanf(version, "%d.%d", &major, &minor);
#endif
    const int glibc_expf = (major > 2 || (major == 2 && minor >= 28)) &&
                           !getenv("GLIBC_TUNABLES");
    const int level = lms_simd_level("LMSTAB_EXPF_KERNEL");
    fprintf(stderr, "lms_expf_rows: %s (glibc %s, LMSTAB_EXPF_KERNEL=%s)\n", k,
            version, want ? want : "");
    if (glibc_expf && level == LMS_SIMD_AVX512)
        ck_assert_str_eq(k, "avx512");
    else if (glibc_expf && level == LMS_SIMD_AVX2)
        ck_assert_str_eq(k, "avx2");
    else if (level == LMS_SIMD_GENERIC)
        ck_assert_str_eq(k, "libm");
}
END_TEST

/* Under AddressSanitizer (the CI's memory job) every 13th float: the
 * numbers are the release build's to check, the memory accesses are the
 * same for any stride. */
#if defined(__SANITIZE_ADDRESS__)
#define NEG_STRIDE 13
#else
#define NEG_STRIDE 1
#endif

/* every float in [-104, -0]: the arguments a softmax of logits minus their
 * row max feeds it, down to where expf is 0 or 2^-149 */
START_TEST(test_negative_all) {
    const uint64_t lo = 0x80000000u, hi = lms_f2u(-104.0f) + 1u;
    ck_assert_uint_eq(compare_bits(lo, hi, NEG_STRIDE), 0);
}
END_TEST

/* samples of the rest, strides prime to 2^k so every mantissa pattern
 * class is hit: tiny magnitudes, positives, and the special cases; with
 * LMSTAB_EXPF_EXHAUSTIVE=1, every float instead (4.3 billion) */
START_TEST(test_other_samples) {
    if (getenv("LMSTAB_EXPF_EXHAUSTIVE")) {
        ck_assert_uint_eq(compare_bits(0x00000000u, 0x80000000u, 1), 0);
        ck_assert_uint_eq(compare_bits(lms_f2u(-104.0f) + 1u, 0x100000000u, 1),
                          0);
        return;
    }
    ck_assert_uint_eq(compare_bits(0x00000000u, lms_f2u(0x1p-30f), 97), 0);
    ck_assert_uint_eq(compare_bits(lms_f2u(0x1p-30f), lms_f2u(88.0f), 13), 0);
    /* around glibc's thresholds (88, 88.72, -103.28, -103.97): all */
    ck_assert_uint_eq(compare_bits(lms_f2u(87.9f), lms_f2u(89.0f), 1), 0);
    ck_assert_uint_eq(compare_bits(lms_f2u(-104.0f), lms_f2u(-103.0f) + 1u, 1),
                      0);
    /* beyond, up to infinities and NaNs of both signs */
    ck_assert_uint_eq(compare_bits(lms_f2u(89.0f), 0x80000000u, 4099), 0);
    ck_assert_uint_eq(compare_bits(lms_f2u(-104.0f), 0x100000000u, 4099), 0);
    ck_assert_uint_eq(compare_bits(0x7f7fff00u, 0x7f800400u, 1), 0);
    ck_assert_uint_eq(compare_bits(0xff7fff00u, 0xff800400u, 1), 0);
}
END_TEST

/* Rows of every length 0..70 (vector blocks and tails), a shift, special
 * arguments at random places, and in place (p == z). */
START_TEST(test_rows_shift_tails) {
    enum { MAXN = 70 };
    float z[MAXN], p[MAXN], q[MAXN];
    const float specials[] = {NAN, -INFINITY, INFINITY, -200.0f, 95.0f, -90.0f};
    uint32_t rng = 7u;
    for (int n = 0; n <= MAXN; n++)
        for (int rep = 0; rep < 20; rep++) {
            for (int i = 0; i < n; i++) {
                rng = rng * 1664525u + 1013904223u;
                z[i] = ((float)(rng >> 8) * 0x1p-24f) * 60.0f - 40.0f;
                if ((rng & 31u) == 0)
                    z[i] = specials[(rng >> 5) % 6];
            }
            const float shift = rep % 2 ? 15.25f : -3.0f;
            lms_expf_rows(p, z, shift, (size_t)n);
            for (int i = 0; i < n; i++) {
                const float e = expf(z[i] - shift);
                ck_assert_msg(!memcmp(&e, &p[i], sizeof e),
                              "n %d, i %d: expf(%a - %a) = %a, got %a", n, i,
                              (double)z[i], (double)shift, (double)e,
                              (double)p[i]);
            }
            memcpy(q, z, sizeof q);
            lms_expf_rows(q, q, shift, (size_t)n);
            ck_assert(!memcmp(q, p, (size_t)n * sizeof *p));
        }
}
END_TEST

int main(void) {
    Suite *s = suite_create("expf_rows");
    TCase *tc = tcase_create("expf_rows");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_path);
    tcase_add_test(tc, test_negative_all);
    tcase_add_test(tc, test_other_samples);
    tcase_add_test(tc, test_rows_shift_tails);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
