/*
 * Subword tokenizers: SentencePiece (BPE or unigram) behind a C interface,
 * so the C++ stays in one file (tokenizer_spm.cc). Without SentencePiece at
 * build time every call fails with a message saying how to get it.
 *
 * Models are trained for language-model data: lossless (identity
 * normalization, no dummy prefix, whitespace kept, byte fallback, so any
 * text encodes and decodes back to the same bytes) and deterministic (one
 * trainer thread).
 */
#ifndef LMSTAB_TOKENIZER_H
#define LMSTAB_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>

typedef struct lms_tokenizer lms_tokenizer;

/* Non-zero when built with SentencePiece; the name for --version. */
int lms_tok_available(void);
const char *lms_tok_feature(void);

/* Train a `type` ("bpe" or "unigram") model of `vocab` pieces on the text
 * file `input`, written to `out` (which must end in ".model"; a ".vocab"
 * listing is written beside it). Writes under temporary names and renames,
 * so `out` is either the old file or the whole new model. 0, or -1 and a
 * message naming the file or the option. */
int lms_tok_train(const char *input, const char *out, int vocab,
                  const char *type, char *err, size_t errlen);

/* Load a .model file; NULL and a message on failure. Free with
 * lms_tok_free (accepts NULL). */
lms_tokenizer *lms_tok_load(const char *path, char *err, size_t errlen);
void lms_tok_free(lms_tokenizer *t);
int lms_tok_vocab(const lms_tokenizer *t);

/* Encode len bytes of text: *ids (malloc'ed, caller frees) gets *n ids.
 * Pieces never span a newline, so text cut after '\n' encodes to the same
 * ids piecewise as whole. 0, or -1 with a message (*ids NULL). */
int lms_tok_encode(const lms_tokenizer *t, const char *text, size_t len,
                   int32_t **ids, size_t *n, char *err, size_t errlen);

/* Decode n ids into malloc'ed text (*out, *len bytes, NUL-terminated; the
 * caller frees). An id outside the vocabulary is an error naming its index. */
int lms_tok_decode(const lms_tokenizer *t, const int32_t *ids, size_t n,
                   char **out, size_t *len, char *err, size_t errlen);

/* bytes[id] = how many bytes of text piece `id` decodes to (0 for control
 * and unknown pieces), for vocab entries: what bits per byte divides by. */
int lms_tok_piece_bytes(const lms_tokenizer *t, uint32_t *bytes, int vocab,
                        char *err, size_t errlen);

#endif
