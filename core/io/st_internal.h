/* Shared by the safetensors reader and writer. */
#ifndef LMSTAB_ST_INTERNAL_H
#define LMSTAB_ST_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "io/safetensors.h"

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

/* Parse and validate the JSON header text hdr (hlen bytes, UTF-8 checked)
 * of a file whose data block has data_len bytes: fills f's tensors (data
 * not yet loaded), ranges and metadata. 0, or -1 with "path: problem". */
int lms_st_parse_header(lms_st_file *f, const char *hdr, size_t hlen,
                        uint64_t data_len, const char *path, char *err,
                        size_t errlen);

/* Offset of the first byte of s[0..len) that is not valid UTF-8 (len when
 * all of it is valid; NUL counts as invalid). */
size_t lms_utf8_invalid_at(const unsigned char *s, size_t len);

/* "path: " + printf message into err; returns -1. */
int lms_st_fail(char *err, size_t errlen, const char *path, const char *fmt,
                ...) __attribute__((format(printf, 4, 5)));

#endif
