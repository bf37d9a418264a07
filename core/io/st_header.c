/* safetensors header: the format's dtypes, UTF-8 validation, and the
 * parsing and validation of the JSON header (dtype, shape, offsets, layout,
 * metadata) before the reader touches any tensor data. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "io/safetensors.h"
#include "io/st_internal.h"


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

/* Duplicate names, and the data block indexed whole: sorted by offset, each
 * tensor begins where the one before ends (zero-size ones included), from
 * byte 0 to the block's end. The safetensors reference reader refuses holes
 * and trailing bytes the same way: bytes no tensor owns could carry anything
 * (a polyglot file) and a reader would never see them. */
static int check_layout(lms_st_file *f, const char *path, uint64_t data_len,
                        char *err, size_t errlen) {
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
    const st_range *prev = NULL; /* the tensor that ends at `off` */
    uint64_t off = 0;
    int rc = 0;
    for (size_t i = 0; i < f->n && rc == 0; i++) {
        if (r[i].begin < off)
            rc = lms_st_fail(err, errlen, path,
                      "tensors '" ST_NAME_FMT "' [%llu, "
                      "%llu] and '" ST_NAME_FMT "' [%llu, %llu] overlap",
                      f->t[prev->idx].name, (unsigned long long)prev->begin,
                      (unsigned long long)prev->end, f->t[r[i].idx].name,
                      (unsigned long long)r[i].begin,
                      (unsigned long long)r[i].end);
        else if (r[i].begin > off)
            rc = lms_st_fail(err, errlen, path,
                      "%llu bytes at offset %llu of the data block belong "
                      "to no tensor (a hole before '" ST_NAME_FMT "')",
                      (unsigned long long)(r[i].begin - off),
                      (unsigned long long)off, f->t[r[i].idx].name);
        off = r[i].end;
        prev = &r[i];
    }
    if (rc == 0 && off != data_len)
        rc = prev ? lms_st_fail(err, errlen, path,
                         "the data block has %llu bytes after its last "
                         "tensor ('" ST_NAME_FMT "' ends at %llu of %llu)",
                         (unsigned long long)(data_len - off),
                         f->t[prev->idx].name, (unsigned long long)off,
                         (unsigned long long)data_len)
                  : lms_st_fail(err, errlen, path,
                         "the data block has %llu bytes but no tensor",
                         (unsigned long long)data_len);
    free(r);
    return rc;
}

/* Parse and validate the JSON header text (already UTF-8 checked). */
int lms_st_parse_header(lms_st_file *f, const char *hdr, size_t hlen,
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
    return rc ? rc : check_layout(f, path, data_len, err, errlen);
}
