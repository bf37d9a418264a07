/* Text files -> token shards through a tokenizer, streamed in chunks cut
 * after a newline (pieces never span one, so the ids are those of the
 * whole text encoded at once). */
#ifndef LMSTAB_TOK_ENCODE_H
#define LMSTAB_TOK_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "io/tokenizer.h"

typedef struct lms_tok_encode_opts {
    size_t chunk_bytes;  /* read size; 0: 4 MiB */
    size_t shard_tokens; /* 0: one shard at `out`; else OUT_000000.bin ... */
    /* called after each chunk (may be NULL) */
    void (*progress)(void *ctx, uint64_t bytes_done, uint64_t bytes_total,
                     uint64_t tokens);
    void *ctx;
} lms_tok_encode_opts;

typedef struct lms_tok_encode_stats {
    uint64_t bytes, tokens;
    int shards;
} lms_tok_encode_stats;

/* Encode the inputs, concatenated, into shards at `out` (ending in ".bin").
 * A failure removes the shards this call wrote, and, when it had replaced
 * an earlier encode's first shards, that encode's later ones of the name. 0, or -1 and a message
 * naming the file. */
int lms_tok_encode_files(const lms_tokenizer *t, const char *const *inputs,
                         int n_inputs, const char *out,
                         const lms_tok_encode_opts *o,
                         lms_tok_encode_stats *st, char *err, size_t errlen);

/* The name of shard k for `out` under shard_tokens (see above). */
int lms_tok_shard_name(const char *out, size_t shard_tokens, int k, char *buf,
                       size_t buflen);

#endif
