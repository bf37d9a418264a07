/* Tests for the bfloat16 rounding every bf16 product applies to its
 * operands (lms_bf16_round in plugin_math.h: round to nearest, ties to
 * even) and for the precision and bf16-kernel names (core/kernels/precision.c).
 * Expected values are written as bit patterns. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/host.h"
#include "lmstab/plugin_math.h"

/* the bits of lms_bf16_round(float with bits u) */
static uint32_t rounded(uint32_t u) {
    return lms_f2u(lms_bf16_round(lms_u2f(u)));
}

static void expect(uint32_t in, uint32_t out) {
    uint32_t got = rounded(in);
    ck_assert_msg(got == out, "0x%08x rounded to 0x%08x, expected 0x%08x", in,
                  got, out);
    ck_assert_msg(lms_bf16_bits(lms_u2f(in)) == out >> 16,
                  "lms_bf16_bits(0x%08x) = 0x%04x, expected 0x%04x", in,
                  lms_bf16_bits(lms_u2f(in)), out >> 16);
}

/* Exact values stay; below half an ulp down, above up; exactly half: to
 * the even neighbour, in both directions and for both signs. */
START_TEST(test_round_nearest_ties_even) {
    expect(0x3f800000u, 0x3f800000u); /* 1.0 exact */
    expect(0x3f807fffu, 0x3f800000u); /* just below half: down */
    expect(0x3f808001u, 0x3f810000u); /* just above half: up */
    expect(0x3f808000u, 0x3f800000u); /* tie, 0x3f80 even: stays */
    expect(0x3f818000u, 0x3f820000u); /* tie, 0x3f81 odd: up to even */
    expect(0xbf818000u, 0xbf820000u); /* negative tie: magnitude to even */
    expect(0xbf808000u, 0xbf800000u);
    expect(0x3fff8000u, 0x40000000u); /* tie carrying into the exponent */
    expect(0x80000000u, 0x80000000u); /* -0 stays -0 */
    expect(0x00000000u, 0x00000000u);
    /* the float value: 1 + 2^-8 is a tie between 1 and 1 + 2^-7 */
    ck_assert(lms_bf16_round(1.0f + 0x1p-8f) == 1.0f);
    ck_assert(lms_bf16_round(1.0f + 0x1p-8f + 0x1p-20f) == 1.0f + 0x1p-7f);
}
END_TEST

/* Infinities stay; values past the largest bf16 round to inf; NaN stays a
 * quiet NaN of its sign, even when its payload sits in the low bits only
 * (a plain rounding carry would turn 0x7f800001 into inf). */
START_TEST(test_round_inf_nan) {
    expect(0x7f800000u, 0x7f800000u);
    expect(0xff800000u, 0xff800000u);
    expect(0x7f7fffffu, 0x7f800000u); /* FLT_MAX: past 0x7f7f + half ulp */
    expect(0x7f7f7fffu, 0x7f7f0000u); /* the largest bf16, from below */
    expect(0xff7fffffu, 0xff800000u);
    const uint32_t nans[] = {0x7fc00000u, 0x7f800001u, 0x7fbfffffu,
                             0xffc00000u, 0xff800001u, 0x7fffffffu};
    for (size_t i = 0; i < sizeof nans / sizeof nans[0]; i++) {
        uint32_t got = rounded(nans[i]);
        ck_assert_msg(isnan(lms_u2f(got)) && (got & 0xffffu) == 0 &&
                          (got & 0x00400000u) &&
                          (got >> 31) == (nans[i] >> 31),
                      "NaN 0x%08x rounded to 0x%08x", nans[i], got);
    }
}
END_TEST

/* Subnormals round like normal numbers (bf16 has float's exponent range):
 * to 0, to the even neighbour on ties, up into the smallest normal. */
START_TEST(test_round_subnormals) {
    expect(0x00000001u, 0x00000000u); /* the smallest float: to 0 */
    expect(0x00008000u, 0x00000000u); /* tie, 0 even */
    expect(0x00018000u, 0x00020000u); /* tie, 1 odd: up to 2 */
    expect(0x00010000u, 0x00010000u); /* the smallest bf16 subnormal */
    expect(0x007fffffu, 0x00800000u); /* the largest: up to FLT_MIN */
    expect(0x80018000u, 0x80020000u);
}
END_TEST

/* The strided helper rounds exactly rows x cols and nothing else, in
 * place too. */
START_TEST(test_round_rows) {
    float src[3 * 5], dst[3 * 4];
    for (int i = 0; i < 15; i++)
        src[i] = 1.0f + (float)i * 0x1p-12f;
    for (int i = 0; i < 12; i++)
        dst[i] = -7.0f;
    lms_bf16_round_rows(dst, 4, src, 5, 3, 3);
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 4; c++) {
            float want = c < 3 ? lms_bf16_round(src[r * 5 + c]) : -7.0f;
            ck_assert(dst[r * 4 + c] == want);
        }
    lms_bf16_round_rows(src, 5, src, 5, 3, 5);
    for (int i = 0; i < 15; i++)
        ck_assert((lms_f2u(src[i]) & 0xffffu) == 0);
}
END_TEST

START_TEST(test_precision_names) {
    lms_precision p;
    ck_assert_int_eq(lms_precision_parse("fp32", &p), 0);
    ck_assert_int_eq(p, LMS_PRECISION_FP32);
    ck_assert_int_eq(lms_precision_parse("bf16", &p), 0);
    ck_assert_int_eq(p, LMS_PRECISION_BF16);
    ck_assert_int_eq(lms_precision_parse("BF16", &p), -1);
    ck_assert_int_eq(lms_precision_parse("fp16", &p), -1);
    ck_assert_int_eq(lms_precision_parse(NULL, &p), -1);
    ck_assert_str_eq(lms_precision_name(LMS_PRECISION_BF16), "bf16");
    lms_bf16_kernel k;
    ck_assert_int_eq(lms_bf16_kernel_parse("native", &k), 0);
    ck_assert_int_eq(k, LMS_BF16_NATIVE);
    ck_assert_int_eq(lms_bf16_kernel_parse("avx512_bf16", &k), 0);
    ck_assert_int_eq(lms_bf16_kernel_parse("emulated", &k), 0);
    ck_assert_int_eq(k, LMS_BF16_EMULATED);
    ck_assert_int_eq(lms_bf16_kernel_parse("amx", &k), 0);
    ck_assert_int_eq(k, LMS_BF16_AMX);
    ck_assert_int_eq(lms_bf16_kernel_parse("amx_bf16", &k), 0);
    ck_assert_int_eq(k, LMS_BF16_AMX);
    ck_assert_str_eq(lms_bf16_kernel_name(LMS_BF16_AMX), "amx_bf16");
    ck_assert_int_eq(lms_bf16_kernel_parse("tmul", &k), -1);
    /* a hardware kernel is never selected where it cannot run */
    lms_set_bf16_kernel(LMS_BF16_NATIVE);
    ck_assert_int_eq(lms_get_bf16_kernel() == LMS_BF16_NATIVE,
                     lms_bf16_native_available());
    lms_set_bf16_kernel(LMS_BF16_AMX);
    ck_assert_int_eq(lms_get_bf16_kernel() == LMS_BF16_AMX,
                     lms_bf16_amx_available());
    lms_set_bf16_kernel(LMS_BF16_EMULATED);
    ck_assert_int_eq(lms_get_bf16_kernel(), LMS_BF16_EMULATED);
}
END_TEST

/* LMSTAB_BF16_KERNEL picks the default path and says it was asked for. */
START_TEST(test_kernel_env) {
    int forced;
    setenv("LMSTAB_BF16_KERNEL", "emulated", 1);
    ck_assert_int_eq(lms_bf16_kernel_auto(&forced), LMS_BF16_EMULATED);
    ck_assert_int_eq(forced, 1);
    setenv("LMSTAB_BF16_KERNEL", "native", 1);
    ck_assert_int_eq(lms_bf16_kernel_auto(&forced) == LMS_BF16_NATIVE,
                     lms_bf16_native_available());
    ck_assert_int_eq(forced, 1);
    /* unset: the fixed rule, AMX where it runs */
    unsetenv("LMSTAB_BF16_KERNEL");
    ck_assert_int_eq(lms_bf16_kernel_auto(&forced),
                     lms_bf16_amx_available() ? LMS_BF16_AMX
                                              : LMS_BF16_EMULATED);
    ck_assert_int_eq(forced, 0);
    setenv("LMSTAB_BF16_KERNEL", "amx", 1);
    ck_assert_int_eq(lms_bf16_kernel_auto(&forced) == LMS_BF16_AMX,
                     lms_bf16_amx_available());
    ck_assert_int_eq(forced, 1);
    setenv("LMSTAB_BF16_KERNEL", "tmul", 1); /* not a path: the default */
    ck_assert_int_eq(lms_bf16_kernel_auto(&forced),
                     lms_bf16_amx_available() ? LMS_BF16_AMX
                                              : LMS_BF16_EMULATED);
    ck_assert_int_eq(forced, 0);
    unsetenv("LMSTAB_BF16_KERNEL");
}
END_TEST

int main(void) {
    Suite *s = suite_create("bf16_round");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_round_nearest_ties_even);
    tcase_add_test(tc, test_round_inf_nan);
    tcase_add_test(tc, test_round_subnormals);
    tcase_add_test(tc, test_round_rows);
    tcase_add_test(tc, test_precision_names);
    tcase_add_test(tc, test_kernel_env);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
