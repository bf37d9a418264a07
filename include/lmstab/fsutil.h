/* Small filesystem helpers with status + message. */
#ifndef LMSTAB_FSUTIL_H
#define LMSTAB_FSUTIL_H

#include <stddef.h>

/* mkdir -p. */
int lms_mkdirs(const char *path, char *err, size_t errlen);
/* Write data to path atomically: path.tmp.<pid>, fsync, rename, fsync dir. */
int lms_write_atomic(const char *path, const void *data, size_t n, char *err,
                     size_t errlen);
/* 1 if path exists. */
int lms_path_exists(const char *path);
/* JSON string escaping into out (always NUL-terminated). */
void lms_json_escape(const char *s, char *out, size_t outlen);

#endif
