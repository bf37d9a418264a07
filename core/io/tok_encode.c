/* Streaming text -> shards: see tok_encode.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "io/shard.h"
#include "io/tok_encode.h"

int lms_tok_shard_name(const char *out, size_t shard_tokens, int k, char *buf,
                       size_t buflen) {
    size_t n = strlen(out);
    if (n < 5 || strcmp(out + n - 4, ".bin") != 0)
        return -1;
    int w = shard_tokens ? snprintf(buf, buflen, "%.*s_%06d.bin",
                                    (int)(n - 4), out, k)
                         : snprintf(buf, buflen, "%s", out);
    return w < 0 || (size_t)w >= buflen ? -1 : 0;
}

typedef struct enc {
    const lms_tokenizer *t;
    const char *out;
    const lms_tok_encode_opts *o;
    lms_tok_encode_stats *st;
    lms_shard_writer *w;
} enc;

/* Ids into the current shard, opening the next one when it is full. */
static int put_ids(enc *e, const int32_t *ids, size_t n, char *err,
                   size_t errlen) {
    while (n > 0) {
        if (!e->w) {
            char name[4200];
            if (lms_tok_shard_name(e->out, e->o->shard_tokens, e->st->shards,
                                   name, sizeof name) != 0)
                return lms_errf(err, errlen, "%s: output name must end in .bin",
                            e->out);
            e->w = lms_shard_create(name, lms_tok_vocab(e->t), err, errlen);
            if (!e->w)
                return -1;
        }
        size_t room = e->o->shard_tokens
                          ? e->o->shard_tokens - lms_shard_count(e->w)
                          : n;
        size_t k = n < room ? n : room;
        if (lms_shard_append(e->w, ids, k, err, errlen) != 0)
            return -1;
        ids += k, n -= k;
        if (e->o->shard_tokens && lms_shard_count(e->w) == e->o->shard_tokens) {
            int rc = lms_shard_finish(e->w, err, errlen);
            e->w = NULL;
            if (rc != 0)
                return -1;
            e->st->shards++;
        }
    }
    return 0;
}

static int encode_text(enc *e, const char *text, size_t len, char *err,
                       size_t errlen) {
    int32_t *ids;
    size_t n;
    if (lms_tok_encode(e->t, text, len, &ids, &n, err, errlen) != 0)
        return -1;
    int rc = put_ids(e, ids, n, err, errlen);
    free(ids);
    e->st->tokens += n;
    return rc;
}

/* One input file: chunks cut after their last newline; the rest is carried
 * into the next chunk (grown when a line is longer than a chunk). */
static int encode_file(enc *e, const char *path, char **buf, size_t *cap,
                       size_t *have, uint64_t total, char *err,
                       size_t errlen) {
    FILE *f = lms_fopen_regular(path, err, errlen);
    if (!f)
        return -1;
    int rc = 0;
    for (;;) {
        if (*cap - *have < e->o->chunk_bytes) {
            char *b = realloc(*buf, *have + e->o->chunk_bytes);
            if (!b) {
                rc = lms_errf(err, errlen, "%s: out of memory", path);
                break;
            }
            *buf = b, *cap = *have + e->o->chunk_bytes;
        }
        size_t got = fread(*buf + *have, 1, *cap - *have, f);
        if (got == 0) {
            if (ferror(f))
                rc = lms_errf(err, errlen, "%s: read failed: %s", path,
                          strerror(errno));
            break;
        }
        *have += got;
        e->st->bytes += got;
        size_t cut = *have;
        while (cut > 0 && (*buf)[cut - 1] != '\n')
            cut--;
        if (cut == 0)
            continue; /* no newline yet: read on */
        if ((rc = encode_text(e, *buf, cut, err, errlen)) != 0)
            break;
        memmove(*buf, *buf + cut, *have - cut);
        *have -= cut;
        if (e->o->progress)
            e->o->progress(e->o->ctx, e->st->bytes, total, e->st->tokens);
    }
    fclose(f);
    return rc;
}

/* Remove the shards written so far (a failed call leaves nothing). */
static void remove_written(const char *out, size_t shard_tokens, int n) {
    char name[4200];
    for (int k = 0; k < n; k++)
        if (lms_tok_shard_name(out, shard_tokens, k, name, sizeof name) == 0)
            unlink(name);
}

int lms_tok_encode_files(const lms_tokenizer *t, const char *const *inputs,
                         int n_inputs, const char *out,
                         const lms_tok_encode_opts *opts,
                         lms_tok_encode_stats *st, char *err, size_t errlen) {
    lms_tok_encode_opts o = *opts;
    if (!o.chunk_bytes)
        o.chunk_bytes = 4u << 20;
    memset(st, 0, sizeof *st);
    char probe[4200];
    if (lms_tok_shard_name(out, o.shard_tokens, 0, probe, sizeof probe) != 0)
        return lms_errf(err, errlen, "%s: a shard's name must end in .bin", out);
    uint64_t total = 0;
    for (int i = 0; i < n_inputs; i++) {
        struct stat sb;
        if (stat(inputs[i], &sb) == 0)
            total += (uint64_t)sb.st_size;
    }
    enc e = {t, out, &o, st, NULL};
    char *buf = NULL;
    size_t cap = 0, have = 0;
    int rc = 0;
    for (int i = 0; i < n_inputs && rc == 0; i++)
        rc = encode_file(&e, inputs[i], &buf, &cap, &have, total, err, errlen);
    if (rc == 0 && have > 0) /* the last line, without its newline */
        rc = encode_text(&e, buf, have, err, errlen);
    free(buf);
    if (rc == 0 && st->tokens == 0)
        rc = lms_errf(err, errlen, "%s: no text to encode", inputs[0]);
    if (rc == 0 && e.w) {
        rc = lms_shard_finish(e.w, err, errlen);
        e.w = NULL;
        if (rc == 0)
            st->shards++;
    }
    if (rc != 0) {
        lms_shard_abort(e.w);
        remove_written(out, o.shard_tokens, st->shards);
        /* once this call had replaced an earlier encode's first shards, that
         * encode's later ones would read through a glob as a whole set */
        char name[4200];
        for (int k = st->shards; st->shards > 0 && o.shard_tokens > 0 &&
             lms_tok_shard_name(out, o.shard_tokens, k, name, sizeof name) == 0 &&
             lms_path_exists(name); k++)
            unlink(name);
        st->shards = 0;
    }
    if (rc == 0 && o.progress)
        o.progress(o.ctx, st->bytes, total, st->tokens);
    return rc;
}
