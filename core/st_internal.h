/* Shared by the safetensors reader and writer. */
#ifndef LMSTAB_ST_INTERNAL_H
#define LMSTAB_ST_INTERNAL_H

#include <stddef.h>

/* Offset of the first byte of s[0..len) that is not valid UTF-8 (len when
 * all of it is valid; NUL counts as invalid). */
size_t lms_utf8_invalid_at(const unsigned char *s, size_t len);

/* "path: " + printf message into err; returns -1. */
int lms_st_fail(char *err, size_t errlen, const char *path, const char *fmt,
                ...) __attribute__((format(printf, 4, 5)));

#endif
