/* Tests for core/io/data.c: splits, batch determinism and bounds, validation
 * windows, error messages, unigram entropy and corpus lookup. Files are
 * written into a fresh mkdtemp directory. */
#define _GNU_SOURCE
#include <check.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/data.h"

static char tmpdir[256];

static void setup(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/lms_data_XXXXXX");
    ck_assert_msg(mkdtemp(tmpdir), "mkdtemp failed");
}

static int rm_one(const char *p, const struct stat *s, int f, struct FTW *w) {
    (void)s, (void)f, (void)w;
    return remove(p);
}

static void teardown(void) {
    nftw(tmpdir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static void write_bytes(const char *path, const void *p, size_t n) {
    FILE *fp = fopen(path, "wb");
    ck_assert_msg(fp, "cannot write %s", path);
    ck_assert_uint_eq(fwrite(p, 1, n, fp), n);
    ck_assert(fclose(fp) == 0);
}

/* Text file of n bytes: byte i = i % 251 (no structure needed). */
static void write_text(char *path, size_t plen, const char *name, size_t n) {
    snprintf(path, plen, "%s/%s", tmpdir, name);
    unsigned char *b = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++)
        b[i] = (unsigned char)(i % 251);
    write_bytes(path, b, n);
    free(b);
}

/* llm.c token file with tokens 0, 1, ..., n-1: a token is its position. */
static void write_bin(char *path, size_t plen, size_t n, int magic) {
    snprintf(path, plen, "%s/tokens.bin", tmpdir);
    size_t len = 1024 + 2 * n;
    unsigned char *b = calloc(len, 1);
    int32_t h[3] = {magic, 1, (int32_t)n};
    memcpy(b, h, sizeof h);
    for (size_t i = 0; i < n; i++) {
        b[1024 + 2 * i] = (unsigned char)(i & 0xff);
        b[1024 + 2 * i + 1] = (unsigned char)(i >> 8);
    }
    write_bytes(path, b, len);
    free(b);
}

START_TEST(test_split_sizes) {
    char path[512], err[512];
    lms_data d;
    write_text(path, sizeof path, "a.txt", 1001);
    ck_assert_msg(lms_data_load(&d, path, 16, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(d.n_tokens, 1001);
    ck_assert_uint_eq(d.n_train, 900); /* floor(0.9 * 1001) */
    ck_assert_int_eq(d.vocab, 256);
    ck_assert_int_eq(d.tokens[252], 1);
    ck_assert_str_eq(d.path, path);
    lms_data_free(&d);
    ck_assert_ptr_null(d.tokens);
    lms_data_free(&d); /* twice is fine */
    lms_data_free(NULL);
}
END_TEST

START_TEST(test_bin_file) {
    char path[512], err[512];
    lms_data d;
    write_bin(path, sizeof path, 3000, 20240520);
    ck_assert_msg(lms_data_load(&d, path, 64, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(d.n_tokens, 3000);
    ck_assert_uint_eq(d.n_train, 2700);
    ck_assert_int_eq(d.vocab, 50257);
    ck_assert_int_eq(d.tokens[2999], 2999);
    lms_data_free(&d);
    write_bin(path, sizeof path, 3000, 12345);
    ck_assert_int_ne(lms_data_load(&d, path, 64, err, sizeof err), 0);
    ck_assert_msg(strstr(err, "tokens.bin: offset 0: not a token shard (magic "
                              "12345; expected 20240520 for uint16 or 20240801 "
                              "for uint32 ids)"),
                  "%s", err);
    write_bin(path, sizeof path, 3000, 20240520);
    ck_assert_int_eq(truncate(path, 1024 + 2 * 2999), 0);
    ck_assert_int_ne(lms_data_load(&d, path, 64, err, sizeof err), 0);
    ck_assert_msg(strstr(err, "tokens.bin: offset 8: the header says 3000 tokens "
                              "(2 bytes each), the file holds 5998 bytes after "
                              "the header (truncated or not a shard?)"),
                  "%s", err);
}
END_TEST

/* Same seed => same batches; every window inside the training split;
 * y is x shifted by one. Uses the .bin file where token == position. */
START_TEST(test_train_batches) {
    char path[512], err[512];
    lms_data d;
    write_bin(path, sizeof path, 2000, 20240520);
    ck_assert_msg(lms_data_load(&d, path, 32, err, sizeof err) == 0, "%s", err);
    enum { B = 8, T = 32 };
    int32_t x1[B * T], y1[B * T], x2[B * T], y2[B * T], x3[B * T], y3[B * T];
    lms_rng r1, r2, r3;
    lms_rng_seed(&r1, 42, 0);
    lms_rng_seed(&r2, 42, 0);
    lms_rng_seed(&r3, 43, 0);
    int differs = 0;
    size_t min_start = (size_t)-1, max_end = 0;
    for (int step = 0; step < 200; step++) {
        lms_data_train_batch(&d, &r1, B, T, x1, y1);
        lms_data_train_batch(&d, &r2, B, T, x2, y2);
        lms_data_train_batch(&d, &r3, B, T, x3, y3);
        ck_assert_mem_eq(x1, x2, sizeof x1);
        ck_assert_mem_eq(y1, y2, sizeof y1);
        differs += memcmp(x1, x3, sizeof x1) != 0;
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++) {
                int32_t pos = x1[b * T + t];
                ck_assert_int_eq(pos, x1[b * T] + t); /* contiguous window */
                ck_assert_int_eq(y1[b * T + t], pos + 1);
            }
        for (int b = 0; b < B; b++) {
            if ((size_t)x1[b * T] < min_start)
                min_start = (size_t)x1[b * T];
            if ((size_t)y1[b * T + T - 1] > max_end)
                max_end = (size_t)y1[b * T + T - 1];
        }
    }
    ck_assert_int_gt(differs, 190);
    ck_assert_uint_lt(max_end, d.n_train); /* targets never leak into val */
    ck_assert_uint_lt(min_start, 50);      /* the range is covered */
    ck_assert_uint_gt(max_end, d.n_train - 50);
    lms_data_free(&d);
}
END_TEST

/* Validation windows: deterministic, first at the split start, last ending
 * at the final token, evenly spaced in between. */
START_TEST(test_val_batches) {
    char path[512], err[512];
    lms_data d;
    write_bin(path, sizeof path, 2000, 20240520); /* val = [1800, 2000) */
    ck_assert_msg(lms_data_load(&d, path, 16, err, sizeof err) == 0, "%s", err);
    enum { B = 2, T = 16, NB = 3 };
    int32_t x[B * T], y[B * T], starts[NB * B];
    for (int i = 0; i < NB; i++) {
        lms_data_val_batch(&d, i, NB, B, T, x, y);
        for (int b = 0; b < B; b++) {
            starts[i * B + b] = x[b * T];
            ck_assert_int_eq(y[b * T + T - 1], x[b * T] + T);
        }
    }
    /* range = 200 - 16 - 1 = 183 over 5 gaps: 0, 36, 73, 109, 146, 183 */
    const int32_t want[NB * B] = {1800, 1836, 1873, 1909, 1946, 1983};
    for (int k = 0; k < NB * B; k++)
        ck_assert_int_eq(starts[k], want[k]);
    lms_data_val_batch(&d, 1, NB, B, T, x, y);
    ck_assert_int_eq(x[0], 1873);
    lms_data_free(&d);
}
END_TEST

START_TEST(test_too_short) {
    char path[512], err[512], want[768];
    lms_data d;
    write_text(path, sizeof path, "short.txt", 400); /* 360 train, 40 val */
    ck_assert_int_ne(lms_data_load(&d, path, 128, err, sizeof err), 0);
    snprintf(want, sizeof want,
             "%s: validation split has 40 tokens, needs at least context+1 = "
             "129; use a longer file or a smaller model.context",
             path);
    ck_assert_str_eq(err, want);
    ck_assert_ptr_null(d.tokens);
    ck_assert_int_ne(lms_data_load(&d, path, 400, err, sizeof err), 0);
    ck_assert_msg(strstr(err, "training split has 360 tokens, needs at least "
                              "context+1 = 401"),
                  "%s", err);
}
END_TEST

START_TEST(test_empty_and_missing) {
    char path[512], err[512], want[768];
    lms_data d;
    write_text(path, sizeof path, "empty.txt", 0);
    ck_assert_int_ne(lms_data_load(&d, path, 8, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s: file is empty", path);
    ck_assert_str_eq(err, want);
    snprintf(path, sizeof path, "%s/missing.txt", tmpdir);
    ck_assert_int_ne(lms_data_load(&d, path, 8, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory",
             path);
    ck_assert_str_eq(err, want);
    ck_assert_int_ne(lms_data_load(&d, tmpdir, 8, err, sizeof err), 0);
    ck_assert_msg(strstr(err, "not a regular file"), "%s", err);
}
END_TEST

/* Train split (first 18 of 20 bytes): 9 'a', 6 'b', 3 'c' -> p = 1/2, 1/3,
 * 1/6; H = -(1/2 ln 1/2 + 1/3 ln 1/3 + 1/6 ln 1/6) = 1.0114042647073518.
 * The validation bytes ('zz') must not count. */
START_TEST(test_unigram_entropy) {
    char path[512], err[512];
    lms_data d;
    snprintf(path, sizeof path, "%s/ent.txt", tmpdir);
    write_bytes(path, "aabbaacabacabbacabzz", 20);
    ck_assert_msg(lms_data_load(&d, path, 1, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(d.n_train, 18);
    ck_assert_double_eq_tol(lms_data_unigram_entropy(&d), 1.0114042647073518,
                            1e-12);
    lms_data_free(&d);
}
END_TEST

START_TEST(test_find_corpus) {
    char out[1024], err[2048], path[600], repo[512], want[768];
    snprintf(repo, sizeof repo, "%s/main", tmpdir);
    ck_assert_int_eq(mkdir(repo, 0755), 0);
    /* nothing anywhere: the message lists both places and the URL */
    ck_assert_int_ne(
        lms_data_find_corpus(NULL, repo, out, sizeof out, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s/data/tinyshakespeare.txt", repo);
    ck_assert_msg(strstr(err, want), "%s", err);
    snprintf(want, sizeof want, "%s/../shared/data/tinyshakespeare.txt", repo);
    ck_assert_msg(strstr(err, want), "%s", err);
    ck_assert_msg(strstr(err, "https://raw.githubusercontent.com/karpathy/"
                              "char-rnn/master/data/tinyshakespeare/input.txt"),
                  "%s", err);
    /* ../shared/data is found ... */
    snprintf(path, sizeof path, "%s/shared", tmpdir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/shared/data", tmpdir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/shared/data/tinyshakespeare.txt", tmpdir);
    write_bytes(path, "x", 1);
    ck_assert_int_eq(
        lms_data_find_corpus("", repo, out, sizeof out, err, sizeof err), 0);
    ck_assert_str_eq(out, want);
    /* ... but the repo's own data/ wins */
    snprintf(path, sizeof path, "%s/data", repo);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/data/tinyshakespeare.txt", repo);
    write_bytes(path, "x", 1);
    ck_assert_int_eq(
        lms_data_find_corpus(NULL, repo, out, sizeof out, err, sizeof err), 0);
    ck_assert_str_eq(out, path);
    /* a user path must exist: no silent fallback */
    snprintf(path, sizeof path, "%s/mine.txt", tmpdir);
    ck_assert_int_ne(
        lms_data_find_corpus(path, repo, out, sizeof out, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s: No such file or directory", path);
    ck_assert_str_eq(err, want);
    write_bytes(path, "x", 1);
    ck_assert_int_eq(
        lms_data_find_corpus(path, repo, out, sizeof out, err, sizeof err), 0);
    ck_assert_str_eq(out, path);
}
END_TEST

/* The real corpus, if present, loads with the default context. */
START_TEST(test_real_corpus) {
    const char *src = getenv("LMS_SOURCE_DIR");
    char out[4096], err[4096];
    lms_data d;
    if (lms_data_find_corpus(NULL, src ? src : "..", out, sizeof out, err,
                             sizeof err) != 0)
        return; /* not downloaded: nothing to check */
    ck_assert_msg(lms_data_load(&d, out, 128, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_gt(d.n_tokens, 1000000);
    double h = lms_data_unigram_entropy(&d);
    ck_assert_msg(h > 2.5 && h < log(256.0), "entropy %.3f", h);
    lms_data_free(&d);
}
END_TEST

int main(void) {
    Suite *s = suite_create("data");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_split_sizes);
    tcase_add_test(tc, test_bin_file);
    tcase_add_test(tc, test_train_batches);
    tcase_add_test(tc, test_val_batches);
    tcase_add_test(tc, test_too_short);
    tcase_add_test(tc, test_empty_and_missing);
    tcase_add_test(tc, test_unigram_entropy);
    tcase_add_test(tc, test_find_corpus);
    tcase_add_test(tc, test_real_corpus);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
