/* Token shards: the byte layout of llm.c's files, round trips at both id
 * widths, and every malformed file named with its offset. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "io/shard.h"

static char dir[] = "/tmp/lmsshardXXXXXX", path[256], err[512];

static void setup(void) {
    ck_assert_ptr_nonnull(mkdtemp(strcpy(dir, "/tmp/lmsshardXXXXXX")));
    snprintf(path, sizeof path, "%s/s.bin", dir);
}

static void teardown(void) {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static unsigned char *slurp(size_t *len) {
    char *b = lms_read_file(path, 1 << 26, len, err, sizeof err);
    ck_assert_msg(b != NULL, "%s", err);
    return (unsigned char *)b;
}

static void write_shard(int vocab, const int32_t *ids, size_t n) {
    lms_shard_writer *w = lms_shard_create(path, vocab, err, sizeof err);
    ck_assert_msg(w != NULL, "%s", err);
    ck_assert_int_eq(lms_shard_append(w, ids, n, err, sizeof err), 0);
    ck_assert_int_eq(lms_shard_finish(w, err, sizeof err), 0);
}

/* The exact bytes llm.c's write_datafile produces for [7, 0, 300]. */
START_TEST(llmc_layout) {
    int32_t ids[] = {7, 0, 300};
    write_shard(50257, ids, 3);
    size_t len;
    unsigned char *b = slurp(&len);
    ck_assert_uint_eq(len, 1024 + 6);
    const unsigned char head[] = {0x88, 0xd8, 0x34, 0x01, 1, 0, 0, 0, 3, 0, 0,
                                  0, 0x51, 0xc4, 0, 0};
    ck_assert(memcmp(b, head, sizeof head) == 0); /* 20240520, 1, 3, 50257 */
    for (int i = 16; i < 1024; i++)
        ck_assert_int_eq(b[i], 0);
    const unsigned char body[] = {7, 0, 0, 0, 0x2c, 0x01};
    ck_assert(memcmp(b + 1024, body, sizeof body) == 0);
    free(b);
}
END_TEST

START_TEST(round_trip_both_widths) {
    int vocabs[] = {256, 65536, 65537, 1 << 20};
    for (int v = 0; v < 4; v++) {
        int32_t ids[1000];
        for (int i = 0; i < 1000; i++)
            ids[i] = (int32_t)((i * 2654435761u) % (unsigned)vocabs[v]);
        ids[999] = vocabs[v] - 1;
        write_shard(vocabs[v], ids, 1000);
        size_t len;
        unsigned char *b = slurp(&len);
        ck_assert_uint_eq(len, 1024 + 1000 * (vocabs[v] <= 65536 ? 2 : 4));
        int32_t *got;
        lms_shard_info in;
        ck_assert_msg(lms_shard_parse("s.bin", b, len, &got, &in, err,
                                      sizeof err) == 0, "%s", err);
        ck_assert_uint_eq(in.n_tokens, 1000);
        ck_assert_int_eq(in.vocab, vocabs[v]);
        ck_assert_int_eq(in.max_id, vocabs[v] - 1);
        ck_assert(memcmp(got, ids, sizeof ids) == 0);
        free(got), free(b);
    }
}
END_TEST

static void expect_parse_error(const unsigned char *b, size_t len,
                               const char *want) {
    int32_t *got = (int32_t *)1;
    lms_shard_info in;
    ck_assert_int_ne(lms_shard_parse("s.bin", b, len, &got, &in, err,
                                     sizeof err), 0);
    ck_assert_ptr_null(got);
    ck_assert_str_eq(err, want);
}

START_TEST(malformed_named_with_offset) {
    int32_t ids[] = {1, 2, 3, 4};
    write_shard(10, ids, 4);
    size_t len;
    unsigned char *b = slurp(&len);
    expect_parse_error(b, 100, "s.bin: 100 bytes, too short for the 1024-byte "
                       "token shard header");
    expect_parse_error(b, len - 1, "s.bin: offset 8: the header says 4 tokens "
                       "(2 bytes each), the file holds 7 bytes after the "
                       "header (truncated or not a shard?)");
    b[1024 + 4] = 10; /* the third id becomes 10 = the vocabulary */
    expect_parse_error(b, len, "s.bin: offset 1028: token 2 is 10, outside "
                       "the shard's vocabulary of 10");
    b[4] = 2;
    expect_parse_error(b, len, "s.bin: offset 4: token shard version 2 with "
                       "magic 20240520 is not supported (20240520 goes with "
                       "version 1, 20240801 with version 7)");
    b[0] = 0;
    expect_parse_error(b, len, "s.bin: offset 0: not a token shard (magic "
                       "20240384; expected 20240520 for uint16 or 20240801 "
                       "for uint32 ids)");
    free(b);
}
END_TEST

/* llm.c's own files record no vocabulary: any id is accepted and the
 * largest one is reported, for model.vocab_size = auto. */
START_TEST(unrecorded_vocab) {
    int32_t ids[] = {5, 50256, 9};
    write_shard(50257, ids, 3);
    size_t len;
    unsigned char *b = slurp(&len);
    memset(b + 12, 0, 4);
    int32_t *got;
    lms_shard_info in;
    ck_assert_int_eq(lms_shard_parse("s.bin", b, len, &got, &in, err,
                                     sizeof err), 0);
    ck_assert_int_eq(in.vocab, 0);
    ck_assert_int_eq(in.max_id, 50256);
    free(got), free(b);
}
END_TEST

START_TEST(writer_refuses_and_leaves_nothing) {
    lms_shard_writer *w = lms_shard_create(path, 100, err, sizeof err);
    int32_t bad[] = {3, 100};
    ck_assert_int_ne(lms_shard_append(w, bad, 2, err, sizeof err), 0);
    ck_assert_str_eq(strstr(err, ": token 1 is 100"), ": token 1 is 100, "
                     "outside the vocabulary of 100");
    lms_shard_abort(w);
    w = lms_shard_create(path, 100, err, sizeof err);
    ck_assert_int_ne(lms_shard_finish(w, err, sizeof err), 0);
    ck_assert(strstr(err, "no tokens to write"));
    char cmd[300];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A %s)\"", dir);
    ck_assert_int_eq(system(cmd), 0); /* no shard, no temporary */
    lms_shard_abort(NULL);
}
END_TEST

int main(void) {
    Suite *s = suite_create("shard");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, llmc_layout);
    tcase_add_test(tc, round_trip_both_widths);
    tcase_add_test(tc, malformed_named_with_offset);
    tcase_add_test(tc, unrecorded_vocab);
    tcase_add_test(tc, writer_refuses_and_leaves_nothing);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
