/* SHA-256 against the FIPS 180-4 examples and sha256sum's answer for a
 * file of every length around the padding boundary. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/sha256.h"

static void hex_of(const char *s, size_t n, char *hex) {
    lms_sha256 c;
    lms_sha256_init(&c);
    lms_sha256_update(&c, s, n);
    lms_sha256_hex(&c, hex);
}

START_TEST(fips_examples) {
    char hex[65];
    hex_of("abc", 3, hex);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    hex_of("", 0, hex);
    ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    hex_of(two, strlen(two), hex);
    ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* a million 'a', fed in uneven pieces */
    lms_sha256 c;
    lms_sha256_init(&c);
    char a[997];
    memset(a, 'a', sizeof a);
    size_t left = 1000000;
    while (left) {
        size_t k = left < sizeof a ? left : sizeof a;
        lms_sha256_update(&c, a, k);
        left -= k;
    }
    lms_sha256_hex(&c, hex);
    ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

/* files of 55..65 bytes (the padding edge) agree with sha256sum */
START_TEST(files_match_sha256sum) {
    if (system("command -v sha256sum >/dev/null 2>&1") != 0)
        return;
    for (int n = 55; n <= 65; n++) {
        char path[] = "/tmp/lmssha256XXXXXX";
        int fd = mkstemp(path);
        ck_assert_int_ge(fd, 0);
        for (int i = 0; i < n; i++) {
            char ch = (char)('a' + i % 26);
            ck_assert_int_eq(write(fd, &ch, 1), 1);
        }
        close(fd);
        char hex[65], cmd[128], want[65] = "";
        unsigned long long bytes;
        ck_assert_int_eq(lms_sha256_file(path, hex, &bytes), 0);
        ck_assert_int_eq((int)bytes, n);
        snprintf(cmd, sizeof cmd, "sha256sum %s", path);
        FILE *p = popen(cmd, "r");
        ck_assert_int_eq(fscanf(p, "%64s", want), 1);
        pclose(p);
        ck_assert_str_eq(hex, want);
        unlink(path);
    }
}
END_TEST

int main(void) {
    Suite *s = suite_create("sha256");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, fips_examples);
    tcase_add_test(tc, files_match_sha256sum);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
