/* safetensors reader: reading a file (or a buffer), then its tensors into
 * one allocation with every tensor 64-byte aligned, whatever its file
 * offset; lookups. The file is hostile: the header is parsed and validated
 * by st_header.c before any length or offset is used, and each failure
 * names the path and the problem. The writer is st_writer.c. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "util/fsutil.h"
#include "io/safetensors.h"
#include "io/st_internal.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors.c assumes a little-endian host"
#endif


int lms_st_fail(char *err, size_t errlen, const char *path, const char *fmt,
                ...) {
    if (!err || errlen == 0)
        return -1;
    int n = snprintf(err, errlen, "%s: ", path);
    if (n >= 0 && (size_t)n < errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}


/* Where the bytes come from: a file descriptor, or a caller's buffer
 * (lms_st_open_memory). size is the whole file's length. */
typedef struct st_src {
    int fd; /* -1 for memory */
    const unsigned char *mem;
    uint64_t size;
} st_src;

/* Read n bytes at off; -1 with errno set (0: unexpected end of file). */
static int read_full(const st_src *s, void *buf, size_t n, uint64_t off) {
    if (s->fd < 0) {
        if (off > s->size || n > s->size - off) {
            errno = 0;
            return -1;
        }
        if (n)
            memcpy(buf, s->mem + off, n);
        return 0;
    }
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t r = pread(s->fd, p, n, (off_t)off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r == 0)
                errno = 0;
            return -1;
        }
        p += r, n -= (size_t)r, off += (uint64_t)r;
    }
    return 0;
}

static const char *read_error(void) {
    return errno ? strerror(errno) : "unexpected end of file";
}

/* Copy each tensor's bytes from the file into its aligned slot. */
static int load_data(lms_st_file *f, const st_src *src, uint64_t data_start,
                     const char *path, char *err, size_t errlen) {
    size_t total = ST_ALIGN;
    for (size_t i = 0; i < f->n; i++)
        total += (f->t[i].nbytes + ST_ALIGN - 1) / ST_ALIGN * ST_ALIGN;
    if (posix_memalign(&f->block, ST_ALIGN, total) != 0) {
        f->block = NULL;
        return lms_st_fail(err, errlen, path,
                    "out of memory (%zu bytes of tensor "
                    "data)",
                    total);
    }
    unsigned char *slot = f->block;
    for (size_t i = 0; i < f->n; i++) {
        lms_st_tensor *t = &f->t[i];
        if (read_full(src, slot, t->nbytes, data_start + f->ranges[i].begin))
            return lms_st_fail(err, errlen, path,
                        "reading tensor '" ST_NAME_FMT "': %s", t->name,
                        read_error());
        t->data = slot;
        slot += (t->nbytes + ST_ALIGN - 1) / ST_ALIGN * ST_ALIGN;
    }
    return 0;
}

/* Reads the 8-byte length and the header text (NUL-terminated, caller
 * frees *hdr). Checks sizes and UTF-8. */
static int read_header(const st_src *src, const char *path, char **hdr,
                       uint64_t *hlen, char *err, size_t errlen) {
    const uint64_t fsize = src->size;
    unsigned char b[8];
    if (fsize < 8)
        return lms_st_fail(err, errlen, path,
                    "file is %llu bytes, too short for "
                    "the 8-byte header length",
                    (unsigned long long)fsize);
    if (read_full(src, b, 8, 0))
        return lms_st_fail(err, errlen, path, "read failed: %s", read_error());
    uint64_t n = 0;
    for (int i = 7; i >= 0; i--)
        n = (n << 8) | b[i];
    *hlen = n;
    if (n > fsize - 8)
        return lms_st_fail(err, errlen, path,
                    "header length %llu runs past end of "
                    "file (%llu bytes)",
                    (unsigned long long)n, (unsigned long long)fsize);
    if (n > ST_MAX_HEADER)
        return lms_st_fail(err, errlen, path,
                    "header length %llu exceeds the limit "
                    "of %llu bytes",
                    (unsigned long long)n, ST_MAX_HEADER);
    if (n < 2)
        return lms_st_fail(err, errlen, path,
                    "header length %llu is too short for "
                    "a JSON object",
                    (unsigned long long)n);
    if (!(*hdr = malloc((size_t)n + 1)))
        return lms_st_fail(err, errlen, path, "out of memory");
    if (read_full(src, *hdr, (size_t)n, 8))
        return lms_st_fail(err, errlen, path, "read failed: %s", read_error());
    (*hdr)[n] = '\0';
    size_t bad = lms_utf8_invalid_at((unsigned char *)*hdr, (size_t)n);
    if (bad < n)
        return lms_st_fail(err, errlen, path,
                    "header is not valid UTF-8 (byte 0x%02X "
                    "at header offset %zu)",
                    (unsigned char)(*hdr)[bad], bad);
    return 0;
}

/* Parse and load everything from src; NULL on error (message names path). */
static lms_st_file *open_src(const st_src *src, const char *path, char *err,
                             size_t errlen) {
    lms_st_file *f = calloc(1, sizeof *f);
    char *hdr = NULL;
    uint64_t hlen = 0;
    int rc = -1;
    if (!f)
        lms_st_fail(err, errlen, path, "out of memory");
    else if (read_header(src, path, &hdr, &hlen, err, errlen) == 0) {
        uint64_t data_len = src->size - 8 - hlen;
        rc = lms_st_parse_header(f, hdr, (size_t)hlen, data_len, path, err, errlen);
        if (rc == 0)
            rc = load_data(f, src, 8 + hlen, path, err, errlen);
    }
    free(hdr);
    if (rc != 0) {
        lms_st_close(f);
        return NULL;
    }
    return f;
}

/* Read and validate a whole file. NULL on error, with a message naming the
 * path and the problem; the caller owns the result (lms_st_close). */
lms_st_file *lms_st_open(const char *path, char *err, size_t errlen) {
    struct stat st;
    int fd = lms_open_regular(path, &st, err, errlen);
    if (fd < 0)
        return NULL;
    st_src src = {fd, NULL, (uint64_t)st.st_size};
    lms_st_file *f = open_src(&src, path, err, errlen);
    close(fd);
    return f;
}

/* Same checks on the n bytes at buf (a whole file held in memory, e.g. by a
 * fuzzer); name stands for the path in messages. buf is not kept. */
lms_st_file *lms_st_open_memory(const void *buf, size_t n, const char *name,
                                char *err, size_t errlen) {
    st_src src = {-1, buf, (uint64_t)n};
    return open_src(&src, name ? name : "(memory)", err, errlen);
}

/* Free f and all tensor data it owns. Accepts NULL. */
void lms_st_close(lms_st_file *f) {
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++)
        free(f->t[i].name);
    for (size_t i = 0; i < f->nmeta; i++) {
        free(f->meta_key[i]);
        free(f->meta_val[i]);
    }
    free(f->meta_key);
    free(f->meta_val);
    free(f->t);
    free(f->byname);
    free(f->ranges);
    free(f->block);
    free(f);
}

/* Number of tensors (metadata not counted). */
size_t lms_st_count(const lms_st_file *f) {
    return f ? f->n : 0;
}

/* Tensor i in header order, or NULL if out of range. Owned by f. */
const lms_st_tensor *lms_st_at(const lms_st_file *f, size_t i) {
    return (f && i < f->n) ? &f->t[i] : NULL;
}

/* Tensor called name (binary search), or NULL. Owned by f. */
const lms_st_tensor *lms_st_find(const lms_st_file *f, const char *name) {
    if (!f || !name)
        return NULL;
    size_t lo = 0, hi = f->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(name, f->byname[mid]->name);
        if (c == 0)
            return f->byname[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* __metadata__ value of key, or NULL. Owned by f. */
const char *lms_st_meta(const lms_st_file *f, const char *key) {
    for (size_t i = 0; f && key && i < f->nmeta; i++)
        if (strcmp(f->meta_key[i], key) == 0)
            return f->meta_val[i];
    return NULL;
}
