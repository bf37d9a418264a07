/* SentencePiece tokenizers as lmstab trains them: lossless on any text
 * (unseen characters become bytes), deterministic, bytes per piece adding
 * up to the text, and streaming encodes equal to encoding the whole text.
 * Without SentencePiece, every call says how to get it. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fsutil.h"
#include "io/shard.h"
#include "io/tok_encode.h"
#include "io/tokenizer.h"

static char dir[64], text_path[128], model[128], err[1024];
static char *text;
static size_t text_len;

/* Shakespeare-like lines with runs of spaces, tabs, CRLF, digits, accents
 * and one very long line; deterministic. */
static void make_text(void) {
    static const char *words[] = {"the", "king", "doth", "speak", "of",
                                  "thee", "and", "thy", "crown", "café",
                                  "naïve", "1599", "ROMEO:", "  ", "\t"};
    size_t cap = 1 << 17, n = 0;
    text = malloc(cap);
    unsigned x = 12345;
    for (int line = 0; line < 1500; line++) {
        int nw = line == 700 ? 3000 : 3 + (int)(x % 9);
        for (int w = 0; w < nw; w++) {
            x = x * 1103515245u + 12345u;
            static const char *syl[] = {"ka", "lo", "mi", "ne", "ru", "sta",
                                        "th", "ou", "gh", "ve", "wi", "pr"};
            char made[16];
            const char *s = words[(x >> 16) % 15];
            if ((x >> 8) % 3 == 0) { /* a made-up word of 1-3 syllables */
                made[0] = '\0';
                for (unsigned k = 0; k <= (x >> 20) % 3; k++)
                    strcat(made, syl[(x >> (4 * k + 2)) % 12]);
                s = made;
            }
            if (n + strlen(s) + 4 > cap)
                text = realloc(text, cap *= 2);
            n += (size_t)sprintf(text + n, "%s%s", w ? " " : "", s);
        }
        n += (size_t)sprintf(text + n, line % 97 ? "\n" : "\r\n");
    }
    text_len = n;
}

static void setup(void) {
    strcpy(dir, "/tmp/lmstokXXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(text_path, sizeof text_path, "%s/corpus.txt", dir);
    snprintf(model, sizeof model, "%s/tok.model", dir);
    make_text();
    ck_assert_int_eq(lms_write_atomic(text_path, text, text_len, err,
                                      sizeof err), 0);
}

static void teardown(void) {
    free(text);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static lms_tokenizer *trained(const char *type, int vocab) {
    ck_assert_msg(lms_tok_train(text_path, model, vocab, type, err,
                                sizeof err) == 0, "%s", err);
    lms_tokenizer *t = lms_tok_load(model, err, sizeof err);
    ck_assert_msg(t != NULL, "%s", err);
    ck_assert_int_eq(lms_tok_vocab(t), vocab);
    return t;
}

START_TEST(lossless_and_bytes_add_up) {
    if (!lms_tok_available())
        return;
    const char *types[] = {"bpe", "unigram"};
    const char *unseen = "\xf0\x9f\x98\x80 Ω\x01 and\n\n  x"; /* emoji, Ω, ^A */
    for (int k = 0; k < 2; k++) {
        lms_tokenizer *t = trained(types[k], 400);
        for (int pass = 0; pass < 2; pass++) {
            const char *s = pass ? unseen : text;
            size_t len = pass ? strlen(unseen) : text_len;
            int32_t *ids;
            size_t n;
            ck_assert_int_eq(lms_tok_encode(t, s, len, &ids, &n, err, sizeof err), 0);
            ck_assert(n > 0 && n < len);
            char *back;
            size_t blen;
            ck_assert_int_eq(lms_tok_decode(t, ids, n, &back, &blen, err, sizeof err), 0);
            ck_assert_uint_eq(blen, len);
            ck_assert(memcmp(back, s, len) == 0);
            uint32_t *pb = malloc(400 * sizeof *pb);
            ck_assert_int_eq(lms_tok_piece_bytes(t, pb, 400, err, sizeof err), 0);
            size_t sum = 0;
            for (size_t i = 0; i < n; i++)
                sum += pb[ids[i]];
            ck_assert_uint_eq(sum, len);
            free(pb), free(back), free(ids);
        }
        lms_tok_free(t);
    }
}
END_TEST

START_TEST(deterministic_training) {
    if (!lms_tok_available())
        return;
    lms_tok_free(trained("unigram", 500));
    size_t n1, n2;
    char *a = lms_read_file(model, 1 << 24, &n1, err, sizeof err);
    lms_tok_free(trained("unigram", 500));
    char *b = lms_read_file(model, 1 << 24, &n2, err, sizeof err);
    ck_assert_uint_eq(n1, n2);
    ck_assert(memcmp(a, b, n1) == 0);
    free(a), free(b);
}
END_TEST

static int32_t *shard_ids(const char *path, size_t *n) {
    size_t len;
    char *b = lms_read_file(path, 1 << 26, &len, err, sizeof err);
    ck_assert_msg(b != NULL, "%s", err);
    int32_t *ids;
    lms_shard_info in;
    ck_assert_msg(lms_shard_parse(path, (unsigned char *)b, len, &ids, &in,
                                  err, sizeof err) == 0, "%s", err);
    free(b);
    *n = in.n_tokens;
    return ids;
}

/* 7-byte reads (lines cut mid-way, the long line grown into), 4 MiB reads
 * and shards of 1000 ids all give the ids of the text encoded at once. */
START_TEST(streaming_equals_whole) {
    if (!lms_tok_available())
        return;
    lms_tokenizer *t = trained("bpe", 600);
    int32_t *whole;
    size_t nw;
    ck_assert_int_eq(lms_tok_encode(t, text, text_len, &whole, &nw, err, sizeof err), 0);
    size_t chunks[] = {7, 0};
    char out[160], name[200];
    const char *in[] = {text_path};
    for (int c = 0; c < 2; c++) {
        snprintf(out, sizeof out, "%s/c%d.bin", dir, c);
        lms_tok_encode_opts o = {chunks[c], 0, NULL, NULL};
        lms_tok_encode_stats st;
        ck_assert_msg(lms_tok_encode_files(t, in, 1, out, &o, &st, err, sizeof err) == 0, "%s", err);
        ck_assert_uint_eq(st.bytes, text_len);
        ck_assert_uint_eq(st.tokens, nw);
        size_t n;
        int32_t *ids = shard_ids(out, &n);
        ck_assert_uint_eq(n, nw);
        ck_assert(memcmp(ids, whole, n * sizeof *ids) == 0);
        free(ids);
    }
    snprintf(out, sizeof out, "%s/s.bin", dir);
    lms_tok_encode_opts o = {64, 1000, NULL, NULL};
    lms_tok_encode_stats st;
    ck_assert_int_eq(lms_tok_encode_files(t, in, 1, out, &o, &st, err, sizeof err), 0);
    ck_assert_int_eq(st.shards, (int)((nw + 999) / 1000));
    size_t at = 0;
    for (int k = 0; k < st.shards; k++) {
        ck_assert_int_eq(lms_tok_shard_name(out, 1000, k, name, sizeof name), 0);
        size_t n;
        int32_t *ids = shard_ids(name, &n);
        ck_assert_uint_eq(n, k + 1 < st.shards ? 1000 : nw - at);
        ck_assert(memcmp(ids, whole + at, n * sizeof *ids) == 0);
        at += n;
        free(ids);
    }
    free(whole);
    lms_tok_free(t);
}
END_TEST

START_TEST(errors_name_the_file) {
    if (!lms_tok_available()) {
        ck_assert_int_ne(lms_tok_train(text_path, model, 400, "bpe", err, sizeof err), 0);
        ck_assert(strstr(err, "built without SentencePiece: install libsentencepiece-dev"));
        return;
    }
    ck_assert_int_ne(lms_tok_train(text_path, model, 100, "bpe", err, sizeof err), 0);
    ck_assert_str_eq(err, "tokenizer vocabulary must be 260 to 16777216 (the "
                     "256 byte pieces and <unk> come first; got 100)");
    ck_assert_int_ne(lms_tok_train(text_path, "x.txt", 400, "bpe", err, sizeof err), 0);
    ck_assert_str_eq(err, "x.txt: a tokenizer's file name must end in \".model\"");
    ck_assert_int_ne(lms_tok_train(text_path, model, 400, "wordpiece", err, sizeof err), 0);
    ck_assert_str_eq(err, "tokenizer type must be bpe or unigram (got 'wordpiece')");
    ck_assert_ptr_null(lms_tok_load(text_path, err, sizeof err));
    ck_assert(strncmp(err, text_path, strlen(text_path)) == 0 &&
              strstr(err, ": not a SentencePiece model: "));
    lms_tokenizer *t = trained("bpe", 300);
    int32_t bad[] = {5, 300};
    char *s;
    size_t n;
    ck_assert_int_ne(lms_tok_decode(t, bad, 2, &s, &n, err, sizeof err), 0);
    ck_assert_str_eq(err, "token 1 is 300, outside the tokenizer's vocabulary of 300");
    lms_tok_free(t);
    lms_tok_free(NULL);
}
END_TEST

int main(void) {
    Suite *s = suite_create("tokenizer");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, lossless_and_bytes_add_up);
    tcase_add_test(tc, deterministic_training);
    tcase_add_test(tc, streaming_equals_whole);
    tcase_add_test(tc, errors_name_the_file);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
