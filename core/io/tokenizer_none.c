/* tokenizer.h without SentencePiece: every call says how to get it. */
#ifndef LMS_HAVE_SENTENCEPIECE
#include <stdio.h>

#include "io/tokenizer.h"

#define LMS_NO_SPM "this lmstab was built without SentencePiece: install " \
    "libsentencepiece-dev (scripts/setup.sh does) and rebuild"

static int none(char *err, size_t errlen) {
    if (err && errlen)
        snprintf(err, errlen, "%s", LMS_NO_SPM);
    return -1;
}

int lms_tok_available(void) { return 0; }
const char *lms_tok_feature(void) { return "off"; }

int lms_tok_train(const char *input, const char *out, int vocab,
                  const char *type, char *err, size_t errlen) {
    (void)input, (void)out, (void)vocab, (void)type;
    return none(err, errlen);
}

lms_tokenizer *lms_tok_load(const char *path, char *err, size_t errlen) {
    (void)path;
    none(err, errlen);
    return NULL;
}

void lms_tok_free(lms_tokenizer *t) { (void)t; }
int lms_tok_vocab(const lms_tokenizer *t) { (void)t; return 0; }

int lms_tok_encode(const lms_tokenizer *t, const char *text, size_t len,
                   int32_t **ids, size_t *n, char *err, size_t errlen) {
    (void)t, (void)text, (void)len;
    *ids = NULL;
    *n = 0;
    return none(err, errlen);
}

int lms_tok_decode(const lms_tokenizer *t, const int32_t *ids, size_t n,
                   char **out, size_t *len, char *err, size_t errlen) {
    (void)t, (void)ids, (void)n;
    *out = NULL;
    *len = 0;
    return none(err, errlen);
}

int lms_tok_piece_bytes(const lms_tokenizer *t, uint32_t *bytes, int vocab,
                        char *err, size_t errlen) {
    (void)t, (void)bytes, (void)vocab;
    return none(err, errlen);
}
#endif
