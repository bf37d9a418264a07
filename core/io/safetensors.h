/*
 * safetensors reader/writer (https://github.com/huggingface/safetensors):
 * 8-byte little-endian header length N, N bytes of JSON header
 * {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
 *  "__metadata__": {"k": "string", ...}}, then the raw data block.
 * The reader validates everything before use: header length within the
 * file, UTF-8/JSON well-formed, dtype known, shape product * dtype size ==
 * end - begin, offsets within the data block and not overlapping.
 */
#ifndef LMSTAB_SAFETENSORS_H
#define LMSTAB_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LMS_ST_MAX_DIMS 8

typedef enum lms_dtype {
    LMS_DTYPE_F32 = 1,
    LMS_DTYPE_I32 = 2,
    LMS_DTYPE_I64 = 3,
    LMS_DTYPE_F64 = 4,
    LMS_DTYPE_U8 = 5,
    LMS_DTYPE_U16 = 6,
    LMS_DTYPE_F16 = 7,
    LMS_DTYPE_BF16 = 8
} lms_dtype;

typedef struct lms_st_tensor {
    char *name;
    lms_dtype dtype;
    int ndim;
    int64_t shape[LMS_ST_MAX_DIMS];
    size_t numel;
    const void *data; /* points into the file's data block (aligned copy) */
    size_t nbytes;
} lms_st_tensor;

typedef struct lms_st_file lms_st_file;

/* Read and validate a whole file. NULL on error with a message naming the
 * path and the problem ("header length 9999 runs past end of file (812
 * bytes)"). */
lms_st_file *lms_st_open(const char *path, char *err, size_t errlen);
/* The same for a whole file already in memory (n bytes at buf, not kept);
 * name replaces the path in messages. */
lms_st_file *lms_st_open_memory(const void *buf, size_t n, const char *name,
                                char *err, size_t errlen);
void lms_st_close(lms_st_file *f); /* accepts NULL */

size_t lms_st_count(const lms_st_file *f);
const lms_st_tensor *lms_st_at(const lms_st_file *f, size_t i);
const lms_st_tensor *lms_st_find(const lms_st_file *f, const char *name);
/* Metadata string value of key, or NULL. */
const char *lms_st_meta(const lms_st_file *f, const char *key);

/* Writer: collect tensors (data is copied), then write atomically:
 * path.tmp, fsync, rename, fsync dir. F32 and I32/I64/U8 only needed. */
typedef struct lms_st_writer lms_st_writer;
lms_st_writer *lms_st_writer_new(void);
void lms_st_writer_free(lms_st_writer *w); /* accepts NULL */
int lms_st_writer_add(lms_st_writer *w, const char *name, lms_dtype dtype,
                      int ndim, const int64_t *shape, const void *data);
int lms_st_writer_meta(lms_st_writer *w, const char *key, const char *value);
int lms_st_writer_save(lms_st_writer *w, const char *path, char *err,
                       size_t errlen);

size_t lms_dtype_size(lms_dtype t);
const char *lms_dtype_name(lms_dtype t);

#ifdef __cplusplus
}
#endif
#endif
