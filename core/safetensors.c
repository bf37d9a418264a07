/* safetensors reader and writer. The reader treats the file as hostile:
 * every length, offset, dtype and shape is checked before use, and each
 * failure names the path and the problem. Tensor data is copied into one
 * allocation with every tensor 64-byte aligned, whatever its file offset. */
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

#include "lmstab/safetensors.h"
#include "st_internal.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors.c assumes a little-endian host"
#endif

#define ST_MAX_HEADER 100000000ULL /* same limit as the reference library */
#define ST_ALIGN 64
#define ST_MAX_INT 9007199254740992.0 /* 2^53: exact in a JSON double */
#define ST_NAME_FMT "%.200s"          /* names in messages, truncated */

typedef struct st_range {
    uint64_t begin, end;
    size_t idx;
} st_range;

struct lms_st_file {
    size_t n;
    lms_st_tensor *t;       /* file order */
    lms_st_tensor **byname; /* sorted by name, for lms_st_find */
    st_range *ranges;       /* data_offsets, parallel to t */
    size_t nmeta;
    char **meta_key, **meta_val;
    void *block;
};

static const struct {
    lms_dtype t;
    const char *name;
    size_t size;
} dtypes[] = {
    {LMS_DTYPE_F32, "F32", 4}, {LMS_DTYPE_I32, "I32", 4},
    {LMS_DTYPE_I64, "I64", 8}, {LMS_DTYPE_F64, "F64", 8},
    {LMS_DTYPE_U8, "U8", 1},   {LMS_DTYPE_U16, "U16", 2},
    {LMS_DTYPE_F16, "F16", 2}, {LMS_DTYPE_BF16, "BF16", 2},
};
#define N_DTYPES (sizeof dtypes / sizeof dtypes[0])

/* Bytes per element of t, or 0 for a value outside the enum. */
size_t lms_dtype_size(lms_dtype t) {
    for (size_t i = 0; i < N_DTYPES; i++)
        if (dtypes[i].t == t)
            return dtypes[i].size;
    return 0;
}

/* The safetensors spelling of t ("F32"), or "?" if unknown. Static. */
const char *lms_dtype_name(lms_dtype t) {
    for (size_t i = 0; i < N_DTYPES; i++)
        if (dtypes[i].t == t)
            return dtypes[i].name;
    return "?";
}

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

/* Offset of the first byte that breaks UTF-8 (overlong forms, surrogates,
 * code points > U+10FFFF, NUL included), or len if the text is valid. */
size_t lms_utf8_invalid_at(const unsigned char *s, size_t len) {
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t k;
        uint32_t cp, min;
        if (c == 0)
            return i;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            k = 1, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            k = 2, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            k = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return i;
        }
        if (len - i <= k)
            return i;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += k + 1;
    }
    return len;
}

/* Exact non-negative integer <= 2^53 from a JSON number. */
static int json_uint(const cJSON *v, uint64_t *out) {
    if (!cJSON_IsNumber(v))
        return 0;
    double d = v->valuedouble;
    if (!(d >= 0.0 && d <= ST_MAX_INT) || d != floor(d))
        return 0;
    *out = (uint64_t)d;
    return 1;
}

/* Short JSON rendering of v for messages ("-3", "\"a\""); caller frees. */
static char *json_show(const cJSON *v) {
    char *s = v ? cJSON_PrintUnformatted(v) : NULL;
    return s ? s : strdup("?");
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

static int parse_dtype(const cJSON *e, const char *path, const char *name,
                       lms_st_tensor *t, char *err, size_t errlen) {
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(e, "dtype");
    if (!d)
        return lms_st_fail(err, errlen, path,
                    "tensor '" ST_NAME_FMT "': missing "
                    "\"dtype\"",
                    name);
    if (!cJSON_IsString(d))
        return lms_st_fail(err, errlen, path,
                    "tensor '" ST_NAME_FMT "': \"dtype\" "
                    "must be a string",
                    name);
    for (size_t i = 0; i < N_DTYPES; i++)
        if (strcmp(d->valuestring, dtypes[i].name) == 0) {
            t->dtype = dtypes[i].t;
            return 0;
        }
    return lms_st_fail(err, errlen, path,
                "tensor '" ST_NAME_FMT "': unknown dtype "
                "'%.40s' (supported: F32 I32 I64 F64 U8 U16 F16 BF16)",
                name, d->valuestring);
}

static int parse_shape(const cJSON *e, const char *path, const char *name,
                       lms_st_tensor *t, char *err, size_t errlen) {
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(e, "shape");
    if (!s)
        return lms_st_fail(err, errlen, path,
                    "tensor '" ST_NAME_FMT "': missing "
                    "\"shape\"",
                    name);
    if (!cJSON_IsArray(s))
        return lms_st_fail(err, errlen, path,
                    "tensor '" ST_NAME_FMT "': \"shape\" "
                    "must be an array",
                    name);
    int nd = cJSON_GetArraySize(s);
    if (nd > LMS_ST_MAX_DIMS)
        return lms_st_fail(err, errlen, path,
                    "tensor '" ST_NAME_FMT "': %d "
                    "dimensions, at most %d supported",
                    name, nd, LMS_ST_MAX_DIMS);
    t->ndim = nd;
    size_t numel = 1;
    int i = 0;
    for (const cJSON *x = s->child; x; x = x->next, i++) {
        uint64_t dim;
        if (!json_uint(x, &dim)) {
            char *got = json_show(x);
            lms_st_fail(err, errlen, path,
                 "tensor '" ST_NAME_FMT "': shape[%d] "
                 "must be a non-negative integer (got %.40s)",
                 name, i, got);
            free(got);
            return -1;
        }
        t->shape[i] = (int64_t)dim;
        if (__builtin_mul_overflow(numel, (size_t)dim, &numel))
            return lms_st_fail(err, errlen, path,
                        "tensor '" ST_NAME_FMT "': shape "
                        "product overflows",
                        name);
    }
    t->numel = numel;
    return 0;
}

static int parse_offsets(const cJSON *e, const char *path, const char *name,
                         st_range *r, char *err, size_t errlen) {
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(e, "data_offsets");
    if (!o)
        return lms_st_fail(err, errlen, path,
                    "tensor '" ST_NAME_FMT "': missing "
                    "\"data_offsets\"",
                    name);
    if (!cJSON_IsArray(o) || cJSON_GetArraySize(o) != 2 ||
        !json_uint(o->child, &r->begin) ||
        !json_uint(o->child->next, &r->end)) {
        char *got = json_show(o);
        lms_st_fail(err, errlen, path,
             "tensor '" ST_NAME_FMT "': \"data_offsets\" "
             "must be [begin, end] with non-negative integers (got %.60s)",
             name, got);
        free(got);
        return -1;
    }
    if (r->begin > r->end)
        return lms_st_fail(err, errlen, path,
                    "tensor '" ST_NAME_FMT "': "
                    "data_offsets [%llu, %llu] end before they begin",
                    name, (unsigned long long)r->begin,
                    (unsigned long long)r->end);
    return 0;
}

/* One header entry -> t and r; checks size consistency and bounds. */
static int parse_tensor(const cJSON *e, const char *path, uint64_t data_len,
                        lms_st_tensor *t, st_range *r, char *err,
                        size_t errlen) {
    const char *name = e->string;
    if (!cJSON_IsObject(e))
        return lms_st_fail(err, errlen, path,
                    "tensor '" ST_NAME_FMT "': entry must "
                    "be an object with dtype, shape and data_offsets",
                    name);
    if (parse_dtype(e, path, name, t, err, errlen) ||
        parse_shape(e, path, name, t, err, errlen) ||
        parse_offsets(e, path, name, r, err, errlen))
        return -1;
    size_t nbytes;
    if (__builtin_mul_overflow(t->numel, lms_dtype_size(t->dtype), &nbytes))
        return lms_st_fail(err, errlen, path,
                    "tensor '" ST_NAME_FMT "': byte size "
                    "overflows",
                    name);
    if ((uint64_t)nbytes != r->end - r->begin)
        return lms_st_fail(err, errlen, path,
                    "tensor '" ST_NAME_FMT "': %s shape "
                    "with %zu elements needs %zu bytes but data_offsets [%llu, "
                    "%llu] span %llu",
                    name, lms_dtype_name(t->dtype), t->numel, nbytes,
                    (unsigned long long)r->begin, (unsigned long long)r->end,
                    (unsigned long long)(r->end - r->begin));
    if (r->end > data_len)
        return lms_st_fail(err, errlen, path,
                    "tensor '" ST_NAME_FMT "': "
                    "data_offsets [%llu, %llu] run past the data block (%llu "
                    "bytes)",
                    name, (unsigned long long)r->begin,
                    (unsigned long long)r->end, (unsigned long long)data_len);
    t->nbytes = nbytes;
    t->name = strdup(name);
    return t->name ? 0 : lms_st_fail(err, errlen, path, "out of memory");
}

static int parse_meta(lms_st_file *f, const cJSON *m, const char *path,
                      char *err, size_t errlen) {
    if (f->meta_key)
        return lms_st_fail(err, errlen, path, "duplicate \"__metadata__\" entry");
    if (!cJSON_IsObject(m))
        return lms_st_fail(err, errlen, path,
                    "\"__metadata__\" must be an object "
                    "of string values");
    size_t n = (size_t)cJSON_GetArraySize(m);
    f->meta_key = calloc(n + 1, sizeof(char *));
    f->meta_val = calloc(n + 1, sizeof(char *));
    if (!f->meta_key || !f->meta_val)
        return lms_st_fail(err, errlen, path, "out of memory");
    for (const cJSON *v = m->child; v; v = v->next) {
        if (!cJSON_IsString(v)) {
            char *got = json_show(v);
            lms_st_fail(err, errlen, path,
                 "__metadata__ key '" ST_NAME_FMT "': "
                 "value must be a string (got %.40s)",
                 v->string, got);
            free(got);
            return -1;
        }
        if (lms_st_meta(f, v->string))
            return lms_st_fail(err, errlen, path,
                        "__metadata__: duplicate key '" ST_NAME_FMT "'",
                        v->string);
        char *k = strdup(v->string), *val = strdup(v->valuestring);
        f->meta_key[f->nmeta] = k;
        f->meta_val[f->nmeta++] = val;
        if (!k || !val)
            return lms_st_fail(err, errlen, path, "out of memory");
    }
    return 0;
}

static int cmp_byname(const void *a, const void *b) {
    return strcmp((*(lms_st_tensor *const *)a)->name,
                  (*(lms_st_tensor *const *)b)->name);
}

static int cmp_range(const void *a, const void *b) {
    const st_range *x = a, *y = b;
    if (x->begin != y->begin)
        return x->begin < y->begin ? -1 : 1;
    return (x->end > y->end) - (x->end < y->end);
}

/* Duplicate names and overlapping non-empty byte ranges. */
static int check_layout(lms_st_file *f, const char *path, char *err,
                        size_t errlen) {
    for (size_t i = 0; i < f->n; i++)
        f->byname[i] = &f->t[i];
    qsort(f->byname, f->n, sizeof *f->byname, cmp_byname);
    for (size_t i = 1; i < f->n; i++)
        if (strcmp(f->byname[i - 1]->name, f->byname[i]->name) == 0)
            return lms_st_fail(err, errlen, path,
                        "duplicate tensor name '" ST_NAME_FMT "'",
                        f->byname[i]->name);
    st_range *r = malloc((f->n ? f->n : 1) * sizeof *r);
    if (!r)
        return lms_st_fail(err, errlen, path, "out of memory");
    memcpy(r, f->ranges, f->n * sizeof *r);
    qsort(r, f->n, sizeof *r, cmp_range);
    const st_range *prev = NULL;
    int rc = 0;
    for (size_t i = 0; i < f->n && rc == 0; i++) {
        if (r[i].begin == r[i].end)
            continue;
        if (prev && r[i].begin < prev->end)
            rc = lms_st_fail(err, errlen, path,
                      "tensors '" ST_NAME_FMT "' [%llu, "
                      "%llu] and '" ST_NAME_FMT "' [%llu, %llu] overlap",
                      f->t[prev->idx].name, (unsigned long long)prev->begin,
                      (unsigned long long)prev->end, f->t[r[i].idx].name,
                      (unsigned long long)r[i].begin,
                      (unsigned long long)r[i].end);
        prev = &r[i];
    }
    free(r);
    return rc;
}

/* Parse and validate the JSON header text (already UTF-8 checked). */
static int parse_header(lms_st_file *f, const char *hdr, size_t hlen,
                        uint64_t data_len, const char *path, char *err,
                        size_t errlen) {
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(hdr, hlen, &end, 0);
    if (!root)
        return lms_st_fail(err, errlen, path,
                    "header is not valid JSON (error near "
                    "byte %zu of %zu)",
                    end ? (size_t)(end - hdr) : 0, hlen);
    for (const char *p = end; p && p < hdr + hlen; p++)
        if (!strchr(" \t\r\n", *p)) {
            cJSON_Delete(root);
            return lms_st_fail(err, errlen, path,
                        "header has data after the JSON "
                        "object (byte %zu of %zu)",
                        (size_t)(p - hdr), hlen);
        }
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return lms_st_fail(err, errlen, path, "header must be a JSON object");
    }
    int rc = 0;
    size_t n = 0;
    for (cJSON *e = root->child; e; e = e->next)
        n += strcmp(e->string, "__metadata__") != 0;
    f->t = calloc(n ? n : 1, sizeof *f->t);
    f->byname = calloc(n ? n : 1, sizeof *f->byname);
    f->ranges = calloc(n ? n : 1, sizeof *f->ranges);
    if ((!f->t || !f->byname || !f->ranges))
        rc = lms_st_fail(err, errlen, path, "out of memory");
    for (cJSON *e = root->child; e && rc == 0; e = e->next) {
        if (strcmp(e->string, "__metadata__") == 0) {
            rc = parse_meta(f, e, path, err, errlen);
            continue;
        }
        f->ranges[f->n].idx = f->n;
        rc = parse_tensor(e, path, data_len, &f->t[f->n], &f->ranges[f->n], err,
                          errlen);
        f->n += rc == 0;
    }
    cJSON_Delete(root);
    return rc ? rc : check_layout(f, path, err, errlen);
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
        rc = parse_header(f, hdr, (size_t)hlen, data_len, path, err, errlen);
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
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        lms_st_fail(err, errlen, path, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    lms_st_file *f = NULL;
    if (fstat(fd, &st) != 0)
        lms_st_fail(err, errlen, path, "cannot stat: %s", strerror(errno));
    else if (!S_ISREG(st.st_mode))
        lms_st_fail(err, errlen, path, "not a regular file");
    else {
        st_src src = {fd, NULL, (uint64_t)st.st_size};
        f = open_src(&src, path, err, errlen);
    }
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
