/*
 * Token shards in llm.c's layout, so that shards from llm.c's data scripts
 * and from `lmstab tokenize` are interchangeable: 256 little-endian int32
 * (header[0] magic, [1] version, [2] token count), then the ids:
 *   magic 20240520, version 1: uint16 ids (llm.c's GPT-2 shards)
 *   magic 20240801, version 7: uint32 ids (llm.c's Llama 3 shards)
 * lmstab also writes header[3] = the tokenizer's vocabulary size, which
 * llm.c leaves 0 ("not recorded").
 */
#ifndef LMSTAB_SHARD_H
#define LMSTAB_SHARD_H

#include <stddef.h>
#include <stdint.h>

#define LMS_SHARD_HEADER_INTS 256
#define LMS_SHARD_MAGIC16 20240520
#define LMS_SHARD_MAGIC32 20240801
#define LMS_SHARD_MAX_TOKENS 2147483647u /* the count is an int32 */

typedef struct lms_shard_info {
    size_t n_tokens;
    int id_bytes;    /* 2 or 4 */
    int vocab;       /* header[3]; 0: not recorded (llm.c's own files) */
    int32_t max_id;  /* the largest id in the file */
} lms_shard_info;

/* The vocabulary llm.c's own files imply, which record none: GPT-2's
 * 50257 for uint16 ids, Llama 3's 128256 for uint32 ids. */
#define LMS_SHARD_GPT2_VOCAB 50257
#define LMS_SHARD_LLAMA3_VOCAB 128256
int lms_shard_default_vocab(int id_bytes);

/* Check the header in the first len bytes of a shard (len >= 1024; the
 * body is not read): info gets the id width, the count and the recorded
 * vocabulary (0: none), not max_id. -1 and a message naming `name` and the
 * offset. */
int lms_shard_header(const char *name, const unsigned char *buf, size_t len,
                     lms_shard_info *info, char *err, size_t errlen);

/* Parse a whole shard held in buf (len bytes): *tokens (malloc'ed, caller
 * frees) gets info->n_tokens ids. -1 and a message naming `name` and the
 * byte offset of what is wrong (magic, version, a count that disagrees with
 * the size, an id at or past a recorded vocabulary); *tokens NULL then. */
int lms_shard_parse(const char *name, const unsigned char *buf, size_t len,
                    int32_t **tokens, lms_shard_info *info, char *err,
                    size_t errlen);

/* Streaming writer: ids go to path.tmp.<pid>; lms_shard_finish writes the
 * header, fsyncs and renames to path, so path never holds half a shard.
 * uint16 ids when vocab <= 65536, else uint32. */
typedef struct lms_shard_writer lms_shard_writer;
lms_shard_writer *lms_shard_create(const char *path, int vocab, char *err,
                                   size_t errlen);
/* Append n ids (each in [0, vocab)); -1 and a message on a bad id, a full
 * shard or a write error (then call lms_shard_abort). */
int lms_shard_append(lms_shard_writer *w, const int32_t *ids, size_t n,
                     char *err, size_t errlen);
size_t lms_shard_count(const lms_shard_writer *w);
/* Finish and free w (also on failure, which removes the temporary). */
int lms_shard_finish(lms_shard_writer *w, char *err, size_t errlen);
/* Remove the temporary and free w; accepts NULL. */
void lms_shard_abort(lms_shard_writer *w);

#endif
