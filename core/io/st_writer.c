/* safetensors writer: tensors sorted by name, contiguous offsets, header
 * padded to 8 bytes, written atomically (temporary file, fsync, rename,
 * fsync of the directory). The reader is in safetensors.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/safetensors.h"
#include "io/st_internal.h"
#include "util/outfile.h"


typedef struct st_entry {
    char *name;
    lms_dtype dtype;
    int ndim;
    int64_t shape[LMS_ST_MAX_DIMS];
    size_t nbytes;
    void *data;
} st_entry;

struct lms_st_writer {
    st_entry *e;
    size_t n, cap;
    char **meta_key, **meta_val;
    size_t nmeta, meta_cap;
    char err[512]; /* first add/meta error, reported by save */
};

typedef struct st_buf {
    char *p;
    size_t len, cap;
    int oom;
} st_buf;

static void buf_add(st_buf *b, const char *s, size_t n) {
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p, b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_printf(st_buf *b, const char *fmt, ...) {
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    buf_add(b, tmp, n < (int)sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* s as a JSON string literal (s is valid UTF-8: only escape ASCII). */
static void buf_json_str(st_buf *b, const char *s) {
    buf_add(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            buf_printf(b, "\\%c", c);
        else if (c < 0x20)
            buf_printf(b, "\\u%04x", c);
        else
            buf_add(b, (const char *)&c, 1);
    }
    buf_add(b, "\"", 1);
}

/* Empty writer, or NULL when out of memory. Free with lms_st_writer_free. */
lms_st_writer *lms_st_writer_new(void) {
    return calloc(1, sizeof(lms_st_writer));
}

/* Free w and all copies it holds. Accepts NULL. */
void lms_st_writer_free(lms_st_writer *w) {
    if (!w)
        return;
    for (size_t i = 0; i < w->n; i++) {
        free(w->e[i].name);
        free(w->e[i].data);
    }
    for (size_t i = 0; i < w->nmeta; i++) {
        free(w->meta_key[i]);
        free(w->meta_val[i]);
    }
    free(w->e);
    free(w->meta_key);
    free(w->meta_val);
    free(w);
}

static int writer_fail(lms_st_writer *w, const char *fmt, ...) {
    if (w->err[0])
        return -1; /* keep the first error */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->err, sizeof w->err, fmt, ap);
    va_end(ap);
    return -1;
}

static int valid_text(const char *s) {
    return s &&
           lms_utf8_invalid_at((const unsigned char *)s, strlen(s)) == strlen(s);
}

/* Add a tensor; shape has ndim (0..8) non-negative dims; data (numel *
 * dtype size bytes, may be NULL when numel is 0) is copied. Returns 0, or
 * -1 for a bad name/dtype/shape, a duplicate name or out of memory; the
 * first such error is kept and reported by lms_st_writer_save. */
int lms_st_writer_add(lms_st_writer *w, const char *name, lms_dtype dtype,
                      int ndim, const int64_t *shape, const void *data) {
    if (!valid_text(name) || strcmp(name, "__metadata__") == 0)
        return writer_fail(w, "invalid tensor name '%.200s'",
                           name ? name : "(null)");
    if (lms_dtype_size(dtype) == 0 || ndim < 0 || ndim > LMS_ST_MAX_DIMS)
        return writer_fail(w, "tensor '%.200s': bad dtype %d or ndim %d", name,
                           (int)dtype, ndim);
    size_t numel = 1, nbytes;
    for (int i = 0; i < ndim; i++)
        if (shape[i] < 0 ||
            __builtin_mul_overflow(numel, (size_t)shape[i], &numel))
            return writer_fail(w, "tensor '%.200s': bad shape[%d] = %lld", name,
                               i, (long long)shape[i]);
    if (__builtin_mul_overflow(numel, lms_dtype_size(dtype), &nbytes) ||
        (nbytes > 0 && !data))
        return writer_fail(w, "tensor '%.200s': bad size or NULL data", name);
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->e[i].name, name) == 0)
            return writer_fail(w, "duplicate tensor name '%.200s'", name);
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 16;
        st_entry *e = realloc(w->e, cap * sizeof *e);
        if (!e)
            return writer_fail(w, "out of memory");
        w->e = e, w->cap = cap;
    }
    st_entry *e = &w->e[w->n];
    memset(e, 0, sizeof *e);
    e->name = strdup(name);
    e->data = malloc(nbytes ? nbytes : 1);
    if (!e->name || !e->data) {
        free(e->name);
        free(e->data);
        return writer_fail(w, "out of memory");
    }
    if (nbytes)
        memcpy(e->data, data, nbytes);
    e->dtype = dtype, e->ndim = ndim, e->nbytes = nbytes;
    for (int i = 0; i < ndim; i++)
        e->shape[i] = shape[i];
    w->n++;
    return 0;
}

/* Set __metadata__[key] = value (both copied, valid UTF-8; a repeated key
 * replaces the value). Returns 0, or -1 (kept for lms_st_writer_save). */
int lms_st_writer_meta(lms_st_writer *w, const char *key, const char *value) {
    if (!valid_text(key) || !valid_text(value))
        return writer_fail(w, "metadata key/value must be UTF-8 strings");
    char *v = strdup(value);
    if (!v)
        return writer_fail(w, "out of memory");
    for (size_t i = 0; i < w->nmeta; i++)
        if (strcmp(w->meta_key[i], key) == 0) {
            free(w->meta_val[i]);
            w->meta_val[i] = v;
            return 0;
        }
    if (w->nmeta == w->meta_cap) {
        size_t cap = w->meta_cap ? w->meta_cap * 2 : 8;
        char **k = realloc(w->meta_key, cap * sizeof *k);
        if (k)
            w->meta_key = k;
        char **vv = k ? realloc(w->meta_val, cap * sizeof *vv) : NULL;
        if (!vv) {
            free(v);
            return writer_fail(w, "out of memory");
        }
        w->meta_val = vv, w->meta_cap = cap;
    }
    if (!(w->meta_key[w->nmeta] = strdup(key))) {
        free(v);
        return writer_fail(w, "out of memory");
    }
    w->meta_val[w->nmeta++] = v;
    return 0;
}

static int cmp_entry(const void *a, const void *b) {
    return strcmp((*(st_entry *const *)a)->name, (*(st_entry *const *)b)->name);
}

/* JSON header for entries in `order`, padded with spaces to a multiple of
 * 8 bytes. Returns 0 or -1 on out of memory. */
static int build_header(const lms_st_writer *w, st_entry **order, st_buf *b) {
    buf_add(b, "{", 1);
    if (w->nmeta) {
        buf_add(b, "\"__metadata__\":{", 16);
        for (size_t i = 0; i < w->nmeta; i++) {
            buf_add(b, i ? "," : "", i ? 1 : 0);
            buf_json_str(b, w->meta_key[i]);
            buf_add(b, ":", 1);
            buf_json_str(b, w->meta_val[i]);
        }
        buf_add(b, "}", 1);
    }
    size_t off = 0;
    for (size_t i = 0; i < w->n; i++) {
        const st_entry *e = order[i];
        buf_add(b, (i || w->nmeta) ? "," : "", (i || w->nmeta) ? 1 : 0);
        buf_json_str(b, e->name);
        buf_printf(b, ":{\"dtype\":\"%s\",\"shape\":[",
                   lms_dtype_name(e->dtype));
        for (int d = 0; d < e->ndim; d++)
            buf_printf(b, d ? ",%lld" : "%lld", (long long)e->shape[d]);
        buf_printf(b, "],\"data_offsets\":[%zu,%zu]}", off, off + e->nbytes);
        off += e->nbytes;
    }
    buf_add(b, "}", 1);
    while (!b->oom && b->len % 8 != 0)
        buf_add(b, " ", 1);
    return b->oom ? -1 : 0;
}

static int write_file(FILE *fp, const st_buf *hdr, st_entry **order, size_t n) {
    unsigned char len8[8];
    for (int i = 0; i < 8; i++)
        len8[i] = (unsigned char)((uint64_t)hdr->len >> (8 * i));
    if (fwrite(len8, 1, 8, fp) != 8 ||
        fwrite(hdr->p, 1, hdr->len, fp) != hdr->len)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (order[i]->nbytes &&
            fwrite(order[i]->data, 1, order[i]->nbytes, fp) != order[i]->nbytes)
            return -1;
    if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
        return -1;
    return 0;
}

/* fsync the directory holding path, so the rename itself is durable. */
static int sync_parent_dir(const char *path) {
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else if (snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path) >=
             (int)sizeof dir)
        return -1;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* Write all tensors (header sorted by name, data contiguous in that order)
 * to "<path>.tmp.<pid>", fsync, rename over path, fsync the directory.
 * Returns 0, or non-zero with a message; on failure path is untouched and
 * the temporary file removed. w is unchanged and may be saved again. */
int lms_st_writer_save(lms_st_writer *w, const char *path, char *err,
                       size_t errlen) {
    if (w->err[0])
        return lms_st_fail(err, errlen, path, "%s", w->err);
    st_entry **order = malloc((w->n ? w->n : 1) * sizeof *order);
    st_buf hdr = {0};
    char tmp[4200];
    for (size_t i = 0; order && i < w->n; i++)
        order[i] = &w->e[i];
    if (order)
        qsort(order, w->n, sizeof *order, cmp_entry);
    int rc = -1;
    if (!order || build_header(w, order, &hdr) != 0)
        lms_st_fail(err, errlen, path, "out of memory");
    else if (lms_tmp_path(tmp, sizeof tmp, path) != 0)
        lms_st_fail(err, errlen, path, "path too long");
    else {
        FILE *fp = fopen(tmp, "wb");
        if (!fp)
            lms_st_fail(err, errlen, path, "cannot create %s: %s", tmp,
                 strerror(errno));
        else if (write_file(fp, &hdr, order, w->n) != 0) {
            lms_st_fail(err, errlen, path, "writing %s: %s", tmp, strerror(errno));
            fclose(fp);
            unlink(tmp);
        } else if (fclose(fp) != 0 || rename(tmp, path) != 0) {
            lms_st_fail(err, errlen, path, "cannot replace with %s: %s", tmp,
                 strerror(errno));
            unlink(tmp);
        } else if (sync_parent_dir(path) != 0)
            lms_st_fail(err, errlen, path, "fsync of its directory: %s",
                 strerror(errno));
        else
            rc = 0;
    }
    free(order);
    free(hdr.p);
    return rc;
}
