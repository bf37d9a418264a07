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

static int fail(char *err, size_t errlen, const char *path, const char *fmt,
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
static size_t utf8_invalid_at(const unsigned char *s, size_t len) {
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
        return fail(err, errlen, path,
                    "tensor '" ST_NAME_FMT "': missing "
                    "\"dtype\"",
                    name);
    if (!cJSON_IsString(d))
        return fail(err, errlen, path,
                    "tensor '" ST_NAME_FMT "': \"dtype\" "
                    "must be a string",
                    name);
    for (size_t i = 0; i < N_DTYPES; i++)
        if (strcmp(d->valuestring, dtypes[i].name) == 0) {
            t->dtype = dtypes[i].t;
            return 0;
        }
    return fail(err, errlen, path,
                "tensor '" ST_NAME_FMT "': unknown dtype "
                "'%.40s' (supported: F32 I32 I64 F64 U8 U16 F16 BF16)",
                name, d->valuestring);
}

static int parse_shape(const cJSON *e, const char *path, const char *name,
                       lms_st_tensor *t, char *err, size_t errlen) {
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(e, "shape");
    if (!s)
        return fail(err, errlen, path,
                    "tensor '" ST_NAME_FMT "': missing "
                    "\"shape\"",
                    name);
    if (!cJSON_IsArray(s))
        return fail(err, errlen, path,
                    "tensor '" ST_NAME_FMT "': \"shape\" "
                    "must be an array",
                    name);
    int nd = cJSON_GetArraySize(s);
    if (nd > LMS_ST_MAX_DIMS)
        return fail(err, errlen, path,
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
            fail(err, errlen, path,
                 "tensor '" ST_NAME_FMT "': shape[%d] "
                 "must be a non-negative integer (got %.40s)",
                 name, i, got);
            free(got);
            return -1;
        }
        t->shape[i] = (int64_t)dim;
        if (__builtin_mul_overflow(numel, (size_t)dim, &numel))
            return fail(err, errlen, path,
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
        return fail(err, errlen, path,
                    "tensor '" ST_NAME_FMT "': missing "
                    "\"data_offsets\"",
                    name);
    if (!cJSON_IsArray(o) || cJSON_GetArraySize(o) != 2 ||
        !json_uint(o->child, &r->begin) ||
        !json_uint(o->child->next, &r->end)) {
        char *got = json_show(o);
        fail(err, errlen, path,
             "tensor '" ST_NAME_FMT "': \"data_offsets\" "
             "must be [begin, end] with non-negative integers (got %.60s)",
             name, got);
        free(got);
        return -1;
    }
    if (r->begin > r->end)
        return fail(err, errlen, path,
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
        return fail(err, errlen, path,
                    "tensor '" ST_NAME_FMT "': entry must "
                    "be an object with dtype, shape and data_offsets",
                    name);
    if (parse_dtype(e, path, name, t, err, errlen) ||
        parse_shape(e, path, name, t, err, errlen) ||
        parse_offsets(e, path, name, r, err, errlen))
        return -1;
    size_t nbytes;
    if (__builtin_mul_overflow(t->numel, lms_dtype_size(t->dtype), &nbytes))
        return fail(err, errlen, path,
                    "tensor '" ST_NAME_FMT "': byte size "
                    "overflows",
                    name);
    if ((uint64_t)nbytes != r->end - r->begin)
        return fail(err, errlen, path,
                    "tensor '" ST_NAME_FMT "': %s shape "
                    "with %zu elements needs %zu bytes but data_offsets [%llu, "
                    "%llu] span %llu",
                    name, lms_dtype_name(t->dtype), t->numel, nbytes,
                    (unsigned long long)r->begin, (unsigned long long)r->end,
                    (unsigned long long)(r->end - r->begin));
    if (r->end > data_len)
        return fail(err, errlen, path,
                    "tensor '" ST_NAME_FMT "': "
                    "data_offsets [%llu, %llu] run past the data block (%llu "
                    "bytes)",
                    name, (unsigned long long)r->begin,
                    (unsigned long long)r->end, (unsigned long long)data_len);
    t->nbytes = nbytes;
    t->name = strdup(name);
    return t->name ? 0 : fail(err, errlen, path, "out of memory");
}

static int parse_meta(lms_st_file *f, const cJSON *m, const char *path,
                      char *err, size_t errlen) {
    if (f->meta_key)
        return fail(err, errlen, path, "duplicate \"__metadata__\" entry");
    if (!cJSON_IsObject(m))
        return fail(err, errlen, path,
                    "\"__metadata__\" must be an object "
                    "of string values");
    size_t n = (size_t)cJSON_GetArraySize(m);
    f->meta_key = calloc(n + 1, sizeof(char *));
    f->meta_val = calloc(n + 1, sizeof(char *));
    if (!f->meta_key || !f->meta_val)
        return fail(err, errlen, path, "out of memory");
    for (const cJSON *v = m->child; v; v = v->next) {
        if (!cJSON_IsString(v)) {
            char *got = json_show(v);
            fail(err, errlen, path,
                 "__metadata__ key '" ST_NAME_FMT "': "
                 "value must be a string (got %.40s)",
                 v->string, got);
            free(got);
            return -1;
        }
        if (lms_st_meta(f, v->string))
            return fail(err, errlen, path,
                        "__metadata__: duplicate key '" ST_NAME_FMT "'",
                        v->string);
        char *k = strdup(v->string), *val = strdup(v->valuestring);
        f->meta_key[f->nmeta] = k;
        f->meta_val[f->nmeta++] = val;
        if (!k || !val)
            return fail(err, errlen, path, "out of memory");
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
            return fail(err, errlen, path,
                        "duplicate tensor name '" ST_NAME_FMT "'",
                        f->byname[i]->name);
    st_range *r = malloc((f->n ? f->n : 1) * sizeof *r);
    if (!r)
        return fail(err, errlen, path, "out of memory");
    memcpy(r, f->ranges, f->n * sizeof *r);
    qsort(r, f->n, sizeof *r, cmp_range);
    const st_range *prev = NULL;
    int rc = 0;
    for (size_t i = 0; i < f->n && rc == 0; i++) {
        if (r[i].begin == r[i].end)
            continue;
        if (prev && r[i].begin < prev->end)
            rc = fail(err, errlen, path,
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
        return fail(err, errlen, path,
                    "header is not valid JSON (error near "
                    "byte %zu of %zu)",
                    end ? (size_t)(end - hdr) : 0, hlen);
    for (const char *p = end; p && p < hdr + hlen; p++)
        if (!strchr(" \t\r\n", *p)) {
            cJSON_Delete(root);
            return fail(err, errlen, path,
                        "header has data after the JSON "
                        "object (byte %zu of %zu)",
                        (size_t)(p - hdr), hlen);
        }
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return fail(err, errlen, path, "header must be a JSON object");
    }
    int rc = 0;
    size_t n = 0;
    for (cJSON *e = root->child; e; e = e->next)
        n += strcmp(e->string, "__metadata__") != 0;
    f->t = calloc(n ? n : 1, sizeof *f->t);
    f->byname = calloc(n ? n : 1, sizeof *f->byname);
    f->ranges = calloc(n ? n : 1, sizeof *f->ranges);
    if ((!f->t || !f->byname || !f->ranges))
        rc = fail(err, errlen, path, "out of memory");
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
        return fail(err, errlen, path,
                    "out of memory (%zu bytes of tensor "
                    "data)",
                    total);
    }
    unsigned char *slot = f->block;
    for (size_t i = 0; i < f->n; i++) {
        lms_st_tensor *t = &f->t[i];
        if (read_full(src, slot, t->nbytes, data_start + f->ranges[i].begin))
            return fail(err, errlen, path,
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
        return fail(err, errlen, path,
                    "file is %llu bytes, too short for "
                    "the 8-byte header length",
                    (unsigned long long)fsize);
    if (read_full(src, b, 8, 0))
        return fail(err, errlen, path, "read failed: %s", read_error());
    uint64_t n = 0;
    for (int i = 7; i >= 0; i--)
        n = (n << 8) | b[i];
    *hlen = n;
    if (n > fsize - 8)
        return fail(err, errlen, path,
                    "header length %llu runs past end of "
                    "file (%llu bytes)",
                    (unsigned long long)n, (unsigned long long)fsize);
    if (n > ST_MAX_HEADER)
        return fail(err, errlen, path,
                    "header length %llu exceeds the limit "
                    "of %llu bytes",
                    (unsigned long long)n, ST_MAX_HEADER);
    if (n < 2)
        return fail(err, errlen, path,
                    "header length %llu is too short for "
                    "a JSON object",
                    (unsigned long long)n);
    if (!(*hdr = malloc((size_t)n + 1)))
        return fail(err, errlen, path, "out of memory");
    if (read_full(src, *hdr, (size_t)n, 8))
        return fail(err, errlen, path, "read failed: %s", read_error());
    (*hdr)[n] = '\0';
    size_t bad = utf8_invalid_at((unsigned char *)*hdr, (size_t)n);
    if (bad < n)
        return fail(err, errlen, path,
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
        fail(err, errlen, path, "out of memory");
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
        fail(err, errlen, path, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    lms_st_file *f = NULL;
    if (fstat(fd, &st) != 0)
        fail(err, errlen, path, "cannot stat: %s", strerror(errno));
    else if (!S_ISREG(st.st_mode))
        fail(err, errlen, path, "not a regular file");
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

/* ---- writer ------------------------------------------------------------ */

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
           utf8_invalid_at((const unsigned char *)s, strlen(s)) == strlen(s);
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
        return fail(err, errlen, path, "%s", w->err);
    st_entry **order = malloc((w->n ? w->n : 1) * sizeof *order);
    st_buf hdr = {0};
    char tmp[4200];
    for (size_t i = 0; order && i < w->n; i++)
        order[i] = &w->e[i];
    if (order)
        qsort(order, w->n, sizeof *order, cmp_entry);
    int rc = -1;
    if (!order || build_header(w, order, &hdr) != 0)
        fail(err, errlen, path, "out of memory");
    else if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >=
             (int)sizeof tmp)
        fail(err, errlen, path, "path too long");
    else {
        FILE *fp = fopen(tmp, "wb");
        if (!fp)
            fail(err, errlen, path, "cannot create %s: %s", tmp,
                 strerror(errno));
        else if (write_file(fp, &hdr, order, w->n) != 0) {
            fail(err, errlen, path, "writing %s: %s", tmp, strerror(errno));
            fclose(fp);
            unlink(tmp);
        } else if (fclose(fp) != 0 || rename(tmp, path) != 0) {
            fail(err, errlen, path, "cannot replace with %s: %s", tmp,
                 strerror(errno));
            unlink(tmp);
        } else if (sync_parent_dir(path) != 0)
            fail(err, errlen, path, "fsync of its directory: %s",
                 strerror(errno));
        else
            rc = 0;
    }
    free(order);
    free(hdr.p);
    return rc;
}
