/*
 * Training data: a byte-level text file (vocab 256) or a token shard in
 * llm.c's layout (.bin: 256 int32 header, then uint16 or uint32 ids; see
 * core/io/shard.h), from llm.c's scripts or `lmstab tokenize encode`.
 * The first 90% of tokens are the training split, the last 10% validation.
 * Batches are random windows drawn from a seeded generator (train) or a
 * fixed evenly spaced set of windows (validation), so runs are reproducible.
 */
#ifndef LMSTAB_DATA_H
#define LMSTAB_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "util/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lms_data {
    int32_t *tokens;   /* all tokens of the file */
    size_t n_tokens;
    size_t n_train;    /* tokens [0, n_train) train, [n_train, n) validation */
    int vocab;         /* 256 for bytes; from the header for .bin */
    int max_token;     /* the largest token id in the file */
    int id_bytes;      /* .bin: 2 or 4 bytes an id; 0 for bytes */
    int vocab_recorded; /* .bin: the vocabulary is the header's, not the
                           one llm.c's files imply */
    char path[4096];
} lms_data;

/* Load `path`. Fails (message names the path) if unreadable, empty, or if
 * either split is shorter than context + 1 tokens. */
int lms_data_load(lms_data *d, const char *path, int context, char *err,
                  size_t errlen);
/* Load the files of `train` (a path, a comma-separated list or glob
 * patterns, see lms_data_expand) in order, then those of `val`: with val
 * (non-NULL, non-empty) every train token trains and every val token
 * validates; without, the first 90% train and the last 10% validate. The
 * files of both must be of one kind (text, or shards of one vocabulary). */
int lms_data_load_split(lms_data *d, const char *train, const char *val,
                        int context, char *err, size_t errlen);
/* The files a data spec names: comma-separated items, each a path or a
 * glob pattern (its matches sorted; none is an error). *paths (n of them)
 * is freed with lms_data_paths_free. -1 and a message naming the item. */
int lms_data_expand(const char *spec, char ***paths, size_t *n, char *err,
                    size_t errlen);
void lms_data_paths_free(char **paths, size_t n);
void lms_data_free(lms_data *d); /* accepts NULL / zeroed */

/* Fill x, y (B, T) with B random training windows; y is x shifted by one. */
void lms_data_train_batch(const lms_data *d, lms_rng *rng, int B, int T,
                          int32_t *x, int32_t *y);
/* Validation batch number i of n_batches: deterministic windows spread
 * evenly over the validation split. */
void lms_data_val_batch(const lms_data *d, int i, int n_batches, int B, int T,
                        int32_t *x, int32_t *y);

/* Unigram (byte-frequency) entropy of the training split in nats/token. */
double lms_data_unigram_entropy(const lms_data *d);

/* The vocabulary of the data at path without reading it all: 256 for a
 * text file (bytes); for a shard the one its header records, else GPT-2's
 * 50257 (uint16 ids) or Llama 3's 128256 (uint32), as llm.c's files imply.
 * -1 with a message naming the path when a .bin file's header cannot be
 * read or is not a shard header. */
int lms_data_header_vocab(const char *path, int *vocab, char *err,
                          size_t errlen);

/* The file a run trains on: `given` (--data) if not NULL, else data.train
 * as written (`train_path`), else (absent or "tinyshakespeare.txt") the
 * default corpus found by lms_data_find_corpus from the source tree. */
int lms_data_resolve(const char *given, const char *train_path, char *out,
                     size_t outlen, char *err, size_t errlen);

/* The vocabulary the data at spec (its first file) is known to need
 * without reading its tokens: 256 for text, a shard header's recorded
 * vocabulary, or 0 for a shard that records none (its largest id decides).
 * -1 with a message as lms_data_header_vocab gives. */
int lms_data_known_vocab(const char *spec, int *vocab, char *err,
                         size_t errlen);

/* What a run's data load would refuse, found without reading the tokens
 * (a sweep checks before its first run): every file of the training and
 * validation lists exists and is a regular file, a shard's header and size
 * agree, one list holds one kind of data, no file is named twice. 0, or
 * -1 with the message the load would give. */
int lms_data_probe(const char *train, const char *val, char *err,
                   size_t errlen);

/* Resolve the default corpus: user path if given, else data/<name> in the
 * repo, else ../shared/data/<name>; writes the chosen path. Non-zero if none
 * exists (the message says where it looked and the download URL). */
int lms_data_find_corpus(const char *user_path, const char *repo_root,
                         char *out, size_t outlen, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
