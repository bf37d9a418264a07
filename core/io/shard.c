/* Token shards (llm.c's layout): see shard.h. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "io/shard.h"
#include "util/outfile.h"

#define HEADER_BYTES (LMS_SHARD_HEADER_INTS * 4)

static int32_t get_i32(const unsigned char *p) {
    return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 |
                     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

static void put_u32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16), p[3] = (unsigned char)(v >> 24);
}

int lms_shard_default_vocab(int id_bytes) {
    return id_bytes == 2 ? LMS_SHARD_GPT2_VOCAB : LMS_SHARD_LLAMA3_VOCAB;
}

int lms_shard_header(const char *name, const unsigned char *buf, size_t len,
                     lms_shard_info *info, char *err, size_t errlen) {
    memset(info, 0, sizeof *info);
    if (len < HEADER_BYTES)
        return lms_errf(err, errlen, "%s: %zu bytes, too short for the %d-byte "
                    "token shard header", name, len, HEADER_BYTES);
    int32_t magic = get_i32(buf), version = get_i32(buf + 4);
    int32_t count = get_i32(buf + 8), vocab = get_i32(buf + 12);
    if (magic == LMS_SHARD_MAGIC16 && version == 1)
        info->id_bytes = 2;
    else if (magic == LMS_SHARD_MAGIC32 && version == 7)
        info->id_bytes = 4;
    else if (magic != LMS_SHARD_MAGIC16 && magic != LMS_SHARD_MAGIC32)
        return lms_errf(err, errlen, "%s: offset 0: not a token shard (magic %d; "
                    "expected %d for uint16 or %d for uint32 ids)", name,
                    magic, LMS_SHARD_MAGIC16, LMS_SHARD_MAGIC32);
    else
        return lms_errf(err, errlen, "%s: offset 4: token shard version %d with "
                    "magic %d is not supported (%d goes with version 1, %d "
                    "with version 7)", name, version, magic,
                    LMS_SHARD_MAGIC16, LMS_SHARD_MAGIC32);
    if (count < 0)
        return lms_errf(err, errlen, "%s: offset 8: negative token count %d",
                    name, count);
    if (count == 0)
        return lms_errf(err, errlen, "%s: the shard holds no tokens", name);
    if (vocab < 0 || (info->id_bytes == 2 && vocab > 65536))
        return lms_errf(err, errlen, "%s: offset 12: vocabulary %d is impossible "
                    "for %d-byte ids", name, vocab, info->id_bytes);
    info->n_tokens = (size_t)count;
    info->vocab = vocab;
    return 0;
}

int lms_shard_parse(const char *name, const unsigned char *buf, size_t len,
                    int32_t **tokens, lms_shard_info *info, char *err,
                    size_t errlen) {
    *tokens = NULL;
    if (lms_shard_header(name, buf, len, info, err, errlen) != 0)
        return -1;
    size_t body = len - HEADER_BYTES, count = info->n_tokens;
    const int32_t vocab = info->vocab;
    if (body % (size_t)info->id_bytes || count != body / (size_t)info->id_bytes) {
        int id_bytes = info->id_bytes;
        memset(info, 0, sizeof *info);
        return lms_errf(err, errlen, "%s: offset 8: the header says %zu tokens "
                    "(%d bytes each), the file holds %zu bytes after the "
                    "header (truncated or not a shard?)", name, count,
                    id_bytes, body);
    }
    int32_t *t = malloc(count * sizeof *t);
    if (!t)
        return lms_errf(err, errlen, "%s: out of memory for %zu tokens", name,
                    count);
    const unsigned char *p = buf + HEADER_BYTES;
    int32_t max_id = 0;
    for (size_t i = 0; i < count; i++) {
        uint32_t id = info->id_bytes == 2
                          ? (uint32_t)p[2 * i] | (uint32_t)p[2 * i + 1] << 8
                          : (uint32_t)get_i32(p + 4 * i);
        if (id > INT32_MAX || (vocab > 0 && id >= (uint32_t)vocab)) {
            free(t);
            return lms_errf(err, errlen, "%s: offset %zu: token %zu is %u, "
                        "outside the shard's vocabulary of %d", name,
                        HEADER_BYTES + i * (size_t)info->id_bytes, i, id,
                        vocab > 0 ? vocab : INT32_MAX);
        }
        t[i] = (int32_t)id;
        if (t[i] > max_id)
            max_id = t[i];
    }
    *tokens = t;
    info->max_id = max_id;
    return 0;
}

struct lms_shard_writer {
    FILE *fp;
    int vocab, id_bytes;
    size_t n;
    char path[4096], tmp[4200];
};

lms_shard_writer *lms_shard_create(const char *path, int vocab, char *err,
                                   size_t errlen) {
    if (vocab < 1) {
        lms_errf(err, errlen, "%s: vocabulary must be >= 1 (got %d)", path, vocab);
        return NULL;
    }
    lms_shard_writer *w = calloc(1, sizeof *w);
    if (!w) {
        lms_errf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    if (snprintf(w->path, sizeof w->path, "%s", path) >= (int)sizeof w->path) {
        lms_errf(err, errlen, "%s: path too long", path);
        free(w);
        return NULL;
    }
    if (lms_tmp_path(w->tmp, sizeof w->tmp, path) != 0) {
        lms_errf(err, errlen, "%s: path too long", path);
        free(w);
        return NULL;
    }
    w->vocab = vocab;
    w->id_bytes = vocab <= 65536 ? 2 : 4;
    int fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    w->fp = fd < 0 ? NULL : fdopen(fd, "wb");
    unsigned char zero[HEADER_BYTES] = {0};
    if (!w->fp || fwrite(zero, 1, sizeof zero, w->fp) != sizeof zero) {
        lms_errf(err, errlen, "%s: cannot write: %s", w->path, strerror(errno));
        if (fd >= 0 && !w->fp)
            close(fd);
        lms_shard_abort(w);
        return NULL;
    }
    return w;
}

int lms_shard_append(lms_shard_writer *w, const int32_t *ids, size_t n,
                     char *err, size_t errlen) {
    if (n > LMS_SHARD_MAX_TOKENS - w->n)
        return lms_errf(err, errlen, "%s: a shard holds at most %u tokens (use "
                    "more shards)", w->path, LMS_SHARD_MAX_TOKENS);
    unsigned char buf[4096];
    size_t per = sizeof buf / (size_t)w->id_bytes;
    for (size_t i = 0; i < n; i += per) {
        size_t k = n - i < per ? n - i : per;
        for (size_t j = 0; j < k; j++) {
            int32_t id = ids[i + j];
            if (id < 0 || id >= w->vocab)
                return lms_errf(err, errlen, "%s: token %zu is %d, outside the "
                            "vocabulary of %d", w->path, w->n + i + j, id,
                            w->vocab);
            if (w->id_bytes == 2)
                buf[2 * j] = (unsigned char)id,
                buf[2 * j + 1] = (unsigned char)(id >> 8);
            else
                put_u32(buf + 4 * j, (uint32_t)id);
        }
        if (fwrite(buf, (size_t)w->id_bytes, k, w->fp) != k)
            return lms_errf(err, errlen, "%s: cannot write: %s", w->path,
                        strerror(errno));
    }
    w->n += n;
    return 0;
}

size_t lms_shard_count(const lms_shard_writer *w) { return w->n; }

int lms_shard_finish(lms_shard_writer *w, char *err, size_t errlen) {
    unsigned char h[16];
    put_u32(h, w->id_bytes == 2 ? LMS_SHARD_MAGIC16 : LMS_SHARD_MAGIC32);
    put_u32(h + 4, w->id_bytes == 2 ? 1 : 7);
    put_u32(h + 8, (uint32_t)w->n);
    put_u32(h + 12, (uint32_t)w->vocab);
    int rc = 0;
    if (w->n == 0)
        rc = lms_errf(err, errlen, "%s: no tokens to write", w->path);
    else if (fflush(w->fp) != 0 || fseek(w->fp, 0, SEEK_SET) != 0 ||
             fwrite(h, 1, sizeof h, w->fp) != sizeof h || fflush(w->fp) != 0 ||
             fsync(fileno(w->fp)) != 0)
        rc = lms_errf(err, errlen, "%s: cannot write: %s", w->path,
                  strerror(errno));
    int crc = fclose(w->fp);
    w->fp = NULL;
    if (rc == 0 && crc != 0)
        rc = lms_errf(err, errlen, "%s: cannot write: %s", w->path,
                  strerror(errno));
    if (rc == 0 && rename(w->tmp, w->path) != 0)
        rc = lms_errf(err, errlen, "%s: rename failed: %s", w->path,
                  strerror(errno));
    if (rc == 0) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", w->path);
        int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0)
            fsync(dfd), close(dfd);
        free(w);
        return 0;
    }
    lms_shard_abort(w);
    return rc;
}

void lms_shard_abort(lms_shard_writer *w) {
    if (!w)
        return;
    if (w->fp)
        fclose(w->fp);
    unlink(w->tmp);
    free(w);
}
