/* Tests for core/io/safetensors.c: writer round trip and file layout, reading
 * the golden files, and one test per hostile-input case with the exact
 * error text. Hostile files are written into a fresh mkdtemp directory. */
#define _GNU_SOURCE
#include <check.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/safetensors.h"

static char tmpdir[256];

static void setup(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/lms_st_XXXXXX");
    ck_assert_msg(mkdtemp(tmpdir), "mkdtemp failed");
}

static int rm_one(const char *p, const struct stat *s, int f, struct FTW *w) {
    (void)s, (void)f, (void)w;
    return remove(p);
}

static void teardown(void) {
    nftw(tmpdir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static void tmp_path(char *out, size_t n, const char *name) {
    snprintf(out, n, "%s/%s", tmpdir, name);
}

/* File = 8-byte length (hlen, may lie) + header + data_len zero bytes. */
static void write_raw(const char *path, uint64_t hlen, const char *hdr,
                      size_t data_len) {
    FILE *fp = fopen(path, "wb");
    ck_assert(fp);
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(hlen >> (8 * i));
    fwrite(b, 1, 8, fp);
    fwrite(hdr, 1, strlen(hdr), fp);
    for (size_t i = 0; i < data_len; i++)
        fputc(0, fp);
    ck_assert(fclose(fp) == 0);
}

/* Write a file with an honest length for hdr and expect lms_st_open to fail
 * with a message that starts with the path and contains `want`. */
static void expect_error(const char *hdr, size_t data_len, const char *want) {
    char path[512], err[1024] = "";
    tmp_path(path, sizeof path, "bad.safetensors");
    write_raw(path, strlen(hdr), hdr, data_len);
    lms_st_file *f = lms_st_open(path, err, sizeof err);
    ck_assert_msg(f == NULL, "opened a bad file: %s", hdr);
    ck_assert_msg(strncmp(err, path, strlen(path)) == 0,
                  "message does not start with the path: %s", err);
    ck_assert_msg(strstr(err, want), "got '%s', want '%s'", err, want);
}

START_TEST(test_round_trip) {
    char path[512], err[1024] = "";
    tmp_path(path, sizeof path, "rt.safetensors");
    const float a[6] = {1, -2, 3.5f, 4, 5, 6};
    const int32_t b[4] = {7, -8, 9, 2147483647};
    const uint8_t c[3] = {1, 2, 255};
    const float s[1] = {42};
    int64_t sa[2] = {2, 3}, sb[1] = {4}, sc[1] = {3};
    lms_st_writer *w = lms_st_writer_new();
    ck_assert_int_eq(lms_st_writer_add(w, "zeta", LMS_DTYPE_U8, 1, sc, c), 0);
    ck_assert_int_eq(lms_st_writer_add(w, "alpha", LMS_DTYPE_F32, 2, sa, a), 0);
    ck_assert_int_eq(lms_st_writer_add(w, "mid", LMS_DTYPE_I32, 1, sb, b), 0);
    ck_assert_int_eq(lms_st_writer_add(w, "scalar", LMS_DTYPE_F32, 0, NULL, s),
                     0);
    ck_assert_int_ne(lms_st_writer_add(w, "mid", LMS_DTYPE_I32, 1, sb, b), 0);
    ck_assert_int_eq(lms_st_writer_meta(w, "config", "{\"a\": \"q\\\"\"}"), 0);
    ck_assert_int_eq(lms_st_writer_meta(w, "step", "1"), 0);
    ck_assert_int_eq(lms_st_writer_meta(w, "step", "2"), 0); /* replaces */
    /* the duplicate add is reported by save, the file is not written */
    ck_assert_int_ne(lms_st_writer_save(w, path, err, sizeof err), 0);
    ck_assert_msg(strstr(err, "duplicate tensor name 'mid'"), "%s", err);
    ck_assert_int_ne(access(path, F_OK), 0);
    lms_st_writer_free(w);

    w = lms_st_writer_new();
    lms_st_writer_add(w, "zeta", LMS_DTYPE_U8, 1, sc, c);
    lms_st_writer_add(w, "alpha", LMS_DTYPE_F32, 2, sa, a);
    lms_st_writer_add(w, "mid", LMS_DTYPE_I32, 1, sb, b);
    lms_st_writer_add(w, "scalar", LMS_DTYPE_F32, 0, NULL, s);
    lms_st_writer_meta(w, "config", "{\"a\": \"q\\\"\"}");
    lms_st_writer_meta(w, "step", "2");
    ck_assert_msg(lms_st_writer_save(w, path, err, sizeof err) == 0, "%s", err);
    lms_st_writer_free(w);

    lms_st_file *f = lms_st_open(path, err, sizeof err);
    ck_assert_msg(f, "%s", err);
    ck_assert_uint_eq(lms_st_count(f), 4);
    const char *order[4] = {"alpha", "mid", "scalar", "zeta"};
    for (size_t i = 0; i < 4; i++) {
        const lms_st_tensor *t = lms_st_at(f, i);
        ck_assert_str_eq(t->name, order[i]);
        ck_assert_uint_eq((uintptr_t)t->data % 64, 0);
    }
    const lms_st_tensor *t = lms_st_find(f, "alpha");
    ck_assert(t && t->dtype == LMS_DTYPE_F32 && t->ndim == 2);
    ck_assert(t->shape[0] == 2 && t->shape[1] == 3 && t->numel == 6);
    ck_assert_mem_eq(t->data, a, sizeof a);
    t = lms_st_find(f, "mid");
    ck_assert(t && t->dtype == LMS_DTYPE_I32 && t->nbytes == 16);
    ck_assert_mem_eq(t->data, b, sizeof b);
    t = lms_st_find(f, "zeta");
    ck_assert(t && t->dtype == LMS_DTYPE_U8);
    ck_assert_mem_eq(t->data, c, sizeof c);
    t = lms_st_find(f, "scalar");
    ck_assert(t && t->ndim == 0 && t->numel == 1);
    ck_assert_float_eq(((const float *)t->data)[0], 42.0f);
    ck_assert_ptr_null(lms_st_find(f, "nope"));
    ck_assert_str_eq(lms_st_meta(f, "config"), "{\"a\": \"q\\\"\"}");
    ck_assert_str_eq(lms_st_meta(f, "step"), "2");
    ck_assert_ptr_null(lms_st_meta(f, "missing"));
    lms_st_close(f);
}
END_TEST

/* Header padded with spaces to a multiple of 8, offsets contiguous in name
 * order, data block exactly the tensors, no temporary file left behind. */
START_TEST(test_writer_layout) {
    char path[512], err[1024];
    tmp_path(path, sizeof path, "layout.safetensors");
    const uint8_t odd[3] = {1, 2, 3};
    const float x[2] = {1, 2};
    int64_t s3[1] = {3}, s2[1] = {2};
    lms_st_writer *w = lms_st_writer_new();
    lms_st_writer_add(w, "b", LMS_DTYPE_F32, 1, s2, x);
    lms_st_writer_add(w, "a", LMS_DTYPE_U8, 1, s3, odd);
    ck_assert_msg(lms_st_writer_save(w, path, err, sizeof err) == 0, "%s", err);
    lms_st_writer_free(w);
    FILE *fp = fopen(path, "rb");
    unsigned char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    uint64_t hlen = 0;
    for (int i = 7; i >= 0; i--)
        hlen = hlen << 8 | buf[i];
    ck_assert_uint_eq(hlen % 8, 0);
    ck_assert_uint_eq(n, 8 + hlen + 3 + 8);
    ck_assert(buf[8 + hlen - 1] == ' ' || buf[8 + hlen - 1] == '}');
    cJSON *h = cJSON_ParseWithLength((const char *)buf + 8, hlen);
    ck_assert(h);
    ck_assert_str_eq(h->child->string, "a");
    cJSON *oa =
        cJSON_GetObjectItem(cJSON_GetObjectItem(h, "a"), "data_offsets");
    cJSON *ob =
        cJSON_GetObjectItem(cJSON_GetObjectItem(h, "b"), "data_offsets");
    ck_assert_int_eq(cJSON_GetArrayItem(oa, 0)->valueint, 0);
    ck_assert_int_eq(cJSON_GetArrayItem(oa, 1)->valueint, 3);
    ck_assert_int_eq(cJSON_GetArrayItem(ob, 0)->valueint, 3);
    ck_assert_int_eq(cJSON_GetArrayItem(ob, 1)->valueint, 11);
    cJSON_Delete(h);
    /* "b" sits at file offset 3 of the data block: still aligned in memory */
    lms_st_file *f = lms_st_open(path, err, sizeof err);
    ck_assert_msg(f, "%s", err);
    ck_assert_uint_eq((uintptr_t)lms_st_find(f, "b")->data % 64, 0);
    ck_assert_mem_eq(lms_st_find(f, "b")->data, x, sizeof x);
    lms_st_close(f);
    DIR *d = opendir(tmpdir);
    int entries = 0;
    for (struct dirent *e; (e = readdir(d));)
        entries += e->d_name[0] != '.';
    closedir(d);
    ck_assert_int_eq(entries, 1);
}
END_TEST

START_TEST(test_writer_replaces_atomically) {
    char path[512], err[1024];
    tmp_path(path, sizeof path, "ckpt.safetensors");
    int64_t s1[1] = {1};
    for (int k = 0; k < 2; k++) {
        float v = (float)k;
        lms_st_writer *w = lms_st_writer_new();
        lms_st_writer_add(w, "v", LMS_DTYPE_F32, 1, s1, &v);
        ck_assert_msg(lms_st_writer_save(w, path, err, sizeof err) == 0, "%s",
                      err);
        lms_st_writer_free(w);
    }
    lms_st_file *f = lms_st_open(path, err, sizeof err);
    ck_assert_msg(f, "%s", err);
    ck_assert_float_eq(((const float *)lms_st_find(f, "v")->data)[0], 1.0f);
    lms_st_close(f);
    /* a missing directory fails with a message and no crash */
    lms_st_writer *w = lms_st_writer_new();
    ck_assert_int_ne(
        lms_st_writer_save(w, "/nonexistent_dir/x.st", err, sizeof err), 0);
    ck_assert_msg(strstr(err, "/nonexistent_dir/x.st: cannot create"), "%s",
                  err);
    lms_st_writer_free(w);
    lms_st_writer_free(NULL);
    lms_st_close(NULL);
}
END_TEST

START_TEST(test_reads_golden) {
    const char *shared = getenv("LMS_SHARED_DIR");
    char path[4096], err[1024];
    snprintf(path, sizeof path, "%s/golden/baseline.safetensors",
             shared ? shared : "../shared");
    lms_st_file *f = lms_st_open(path, err, sizeof err);
    ck_assert_msg(f, "%s", err);
    ck_assert_uint_gt(lms_st_count(f), 100);
    const lms_st_tensor *t = lms_st_find(f, "p0.wte");
    ck_assert(t && t->ndim == 2 && t->shape[0] == 256 && t->shape[1] == 32);
    t = lms_st_find(f, "x");
    ck_assert(t && t->dtype == LMS_DTYPE_I32 && t->numel == 32);
    ck_assert_ptr_nonnull(lms_st_meta(f, "config"));
    lms_st_close(f);
}
END_TEST

START_TEST(test_missing_file) {
    char path[512], err[1024];
    tmp_path(path, sizeof path, "absent.safetensors");
    ck_assert_ptr_null(lms_st_open(path, err, sizeof err));
    ck_assert_msg(strstr(err, "cannot open: No such file or directory"), "%s",
                  err);
}
END_TEST

START_TEST(test_short_file) {
    char path[512], err[1024];
    tmp_path(path, sizeof path, "short.safetensors");
    FILE *fp = fopen(path, "wb");
    fwrite("\x02\0\0\0\0", 1, 5, fp);
    fclose(fp);
    ck_assert_ptr_null(lms_st_open(path, err, sizeof err));
    ck_assert_msg(strstr(err, "file is 5 bytes, too short for the 8-byte "
                              "header length"),
                  "%s", err);
}
END_TEST

START_TEST(test_header_past_eof) {
    char path[512], err[1024];
    tmp_path(path, sizeof path, "eof.safetensors");
    write_raw(path, 9999, "{}", 0);
    ck_assert_ptr_null(lms_st_open(path, err, sizeof err));
    ck_assert_msg(strstr(err, "header length 9999 runs past end of file (10 "
                              "bytes)"),
                  "%s", err);
    write_raw(path, UINT64_MAX, "{}", 0); /* absurd */
    ck_assert_ptr_null(lms_st_open(path, err, sizeof err));
    ck_assert_msg(strstr(err, "header length 18446744073709551615 runs past"),
                  "%s", err);
}
END_TEST

START_TEST(test_header_over_limit) {
    char path[512], err[1024];
    tmp_path(path, sizeof path, "huge.safetensors");
    write_raw(path, 150000000, "{}", 0);
    ck_assert_int_eq(truncate(path, 160000000), 0); /* sparse */
    ck_assert_ptr_null(lms_st_open(path, err, sizeof err));
    ck_assert_msg(strstr(err, "header length 150000000 exceeds the limit of "
                              "100000000 bytes"),
                  "%s", err);
}
END_TEST

START_TEST(test_bad_utf8) {
    expect_error("{\"a\xff\": {}}  ", 0,
                 "header is not valid UTF-8 (byte 0xFF at header offset 3)");
    expect_error("{\"\xc0\xaf\": {}}", 0, "not valid UTF-8");     /* overlong */
    expect_error("{\"\xed\xa0\x80\": {}}", 0, "not valid UTF-8"); /* D800 */
}
END_TEST

START_TEST(test_bad_json) {
    expect_error("{\"a\": {\"dtype\": \"F32\"", 0,
                 "header is not valid JSON (error near byte");
    expect_error("{} xx", 0, "header has data after the JSON object");
    expect_error("[1, 2]", 0, "header must be a JSON object");
    expect_error("{", 0, "too short for a JSON object");
}
END_TEST

START_TEST(test_missing_fields) {
    expect_error("{\"w\": {\"shape\": [1], \"data_offsets\": [0, 4]}}", 4,
                 "tensor 'w': missing \"dtype\"");
    expect_error("{\"w\": {\"dtype\": \"F32\", \"data_offsets\": [0, 4]}}", 4,
                 "tensor 'w': missing \"shape\"");
    expect_error("{\"w\": {\"dtype\": \"F32\", \"shape\": [1]}}", 4,
                 "tensor 'w': missing \"data_offsets\"");
    expect_error("{\"w\": 3}", 0, "tensor 'w': entry must be an object");
}
END_TEST

START_TEST(test_unknown_dtype) {
    expect_error("{\"w\": {\"dtype\": \"Q7\", \"shape\": [1], "
                 "\"data_offsets\": [0, 4]}}",
                 4, "tensor 'w': unknown dtype 'Q7'");
}
END_TEST

START_TEST(test_bad_dims) {
    expect_error("{\"w\": {\"dtype\": \"F32\", \"shape\": [-2], "
                 "\"data_offsets\": [0, 4]}}",
                 4,
                 "tensor 'w': shape[0] must be a non-negative integer (got "
                 "-2)");
    expect_error("{\"w\": {\"dtype\": \"F32\", \"shape\": [1, 2.5], "
                 "\"data_offsets\": [0, 4]}}",
                 4,
                 "tensor 'w': shape[1] must be a non-negative integer (got "
                 "2.5)");
    expect_error("{\"w\": {\"dtype\": \"F32\", \"shape\": [\"3\"], "
                 "\"data_offsets\": [0, 4]}}",
                 4, "(got \"3\")");
    expect_error("{\"w\": {\"dtype\": \"F32\", \"shape\": [1,1,1,1,1,1,1,1,1],"
                 " \"data_offsets\": [0, 4]}}",
                 4, "tensor 'w': 9 dimensions, at most 8 supported");
}
END_TEST

START_TEST(test_size_mismatch_and_overflow) {
    expect_error("{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 3], "
                 "\"data_offsets\": [0, 20]}}",
                 24,
                 "tensor 'w': F32 shape with 6 elements needs 24 bytes but "
                 "data_offsets [0, 20] span 20");
    expect_error("{\"w\": {\"dtype\": \"F32\", \"shape\": [4294967296, "
                 "4294967296, 16], \"data_offsets\": [0, 4]}}",
                 4, "tensor 'w': shape product overflows");
    expect_error("{\"w\": {\"dtype\": \"F32\", \"shape\": [9007199254740992, "
                 "1024], \"data_offsets\": [0, 4]}}",
                 4, "tensor 'w': byte size overflows");
}
END_TEST

START_TEST(test_offsets) {
    expect_error("{\"w\": {\"dtype\": \"F32\", \"shape\": [2], "
                 "\"data_offsets\": [4, 12]}}",
                 8,
                 "tensor 'w': data_offsets [4, 12] run past the data block "
                 "(8 bytes)");
    expect_error("{\"w\": {\"dtype\": \"F32\", \"shape\": [0], "
                 "\"data_offsets\": [8, 4]}}",
                 8, "tensor 'w': data_offsets [8, 4] end before they begin");
    expect_error("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], "
                 "\"data_offsets\": [-1, 3]}}",
                 8,
                 "tensor 'w': \"data_offsets\" must be [begin, end] with "
                 "non-negative integers (got [-1,3])");
    expect_error("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], "
                 "\"data_offsets\": [0]}}",
                 8, "(got [0])");
}
END_TEST

START_TEST(test_overlap) {
    expect_error("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], "
                 "\"data_offsets\": [0, 8]}, \"b\": {\"dtype\": \"F32\", "
                 "\"shape\": [2], \"data_offsets\": [4, 12]}}",
                 12, "tensors 'a' [0, 8] and 'b' [4, 12] overlap");
}
END_TEST

/* The data block must be indexed whole, as the reference reader requires. */
START_TEST(test_holes_and_trailing_bytes) {
    expect_error("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], "
                 "\"data_offsets\": [0, 4]}, \"b\": {\"dtype\": \"F32\", "
                 "\"shape\": [1], \"data_offsets\": [8, 12]}}",
                 12,
                 "4 bytes at offset 4 of the data block belong to no tensor "
                 "(a hole before 'b')");
    expect_error("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], "
                 "\"data_offsets\": [4, 8]}}",
                 8,
                 "4 bytes at offset 0 of the data block belong to no tensor "
                 "(a hole before 'a')");
    expect_error("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], "
                 "\"data_offsets\": [0, 4]}}",
                 7,
                 "the data block has 3 bytes after its last tensor ('a' ends "
                 "at 4 of 7)");
    expect_error("{}", 5, "the data block has 5 bytes but no tensor");
    /* a zero-size tensor inside another is out of order, as in the
     * reference reader */
    expect_error("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], "
                 "\"data_offsets\": [0, 8]}, \"e\": {\"dtype\": \"F32\", "
                 "\"shape\": [0], \"data_offsets\": [4, 4]}}",
                 8, "tensors 'a' [0, 8] and 'e' [4, 4] overlap");
}
END_TEST

START_TEST(test_duplicate_names) {
    expect_error("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], "
                 "\"data_offsets\": [0, 4]}, \"a\": {\"dtype\": \"F32\", "
                 "\"shape\": [1], \"data_offsets\": [4, 8]}}",
                 8, "duplicate tensor name 'a'");
}
END_TEST

START_TEST(test_bad_metadata) {
    expect_error("{\"__metadata__\": {\"k\": 3}}", 0,
                 "__metadata__ key 'k': value must be a string (got 3)");
    expect_error("{\"__metadata__\": [\"x\"]}", 0,
                 "\"__metadata__\" must be an object of string values");
    expect_error("{\"__metadata__\": {}, \"__metadata__\": {}}", 0,
                 "duplicate \"__metadata__\" entry");
    expect_error("{\"__metadata__\": {\"k\": \"a\", \"k\": \"b\"}}", 0,
                 "__metadata__: duplicate key 'k'");
}
END_TEST

/* Good files that stress the reader: no tensors, zero-size tensors sharing
 * an offset, header padded with trailing spaces. */
START_TEST(test_edge_but_valid) {
    char path[512], err[1024];
    tmp_path(path, sizeof path, "ok.safetensors");
    const char *hdr = "{\"e\": {\"dtype\": \"F32\", \"shape\": [0, 3], "
                      "\"data_offsets\": [0, 0]}, \"f\": {\"dtype\": \"U8\", "
                      "\"shape\": [0], \"data_offsets\": [0, 0]}}      ";
    write_raw(path, strlen(hdr), hdr, 0);
    lms_st_file *f = lms_st_open(path, err, sizeof err);
    ck_assert_msg(f, "%s", err);
    ck_assert_uint_eq(lms_st_count(f), 2);
    ck_assert_uint_eq(lms_st_find(f, "e")->numel, 0);
    lms_st_close(f);
    write_raw(path, 2, "{}", 0);
    f = lms_st_open(path, err, sizeof err);
    ck_assert_msg(f, "%s", err);
    ck_assert_uint_eq(lms_st_count(f), 0);
    lms_st_close(f);
}
END_TEST

int main(void) {
    Suite *s = suite_create("safetensors");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_writer_layout);
    tcase_add_test(tc, test_writer_replaces_atomically);
    tcase_add_test(tc, test_reads_golden);
    tcase_add_test(tc, test_missing_file);
    tcase_add_test(tc, test_short_file);
    tcase_add_test(tc, test_header_past_eof);
    tcase_add_test(tc, test_header_over_limit);
    tcase_add_test(tc, test_bad_utf8);
    tcase_add_test(tc, test_bad_json);
    tcase_add_test(tc, test_missing_fields);
    tcase_add_test(tc, test_unknown_dtype);
    tcase_add_test(tc, test_bad_dims);
    tcase_add_test(tc, test_size_mismatch_and_overflow);
    tcase_add_test(tc, test_offsets);
    tcase_add_test(tc, test_overlap);
    tcase_add_test(tc, test_holes_and_trailing_bytes);
    tcase_add_test(tc, test_duplicate_names);
    tcase_add_test(tc, test_bad_metadata);
    tcase_add_test(tc, test_edge_but_valid);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
