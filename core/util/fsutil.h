/* Small filesystem helpers with status + message. */
#ifndef LMSTAB_FSUTIL_H
#define LMSTAB_FSUTIL_H

#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>

/* mkdir -p. */
int lms_mkdirs(const char *path, char *err, size_t errlen);
/* Write data to path atomically: path.tmp.<pid>.<host>, fsync, rename, fsync dir.
 * -1 with "path: cannot write: reason" (the temporary removed). */
int lms_write_atomic(const char *path, const void *data, size_t n, char *err,
                     size_t errlen);
/* Open path read-only without blocking on a FIFO or device, and refuse
 * anything but a regular file ("path: not a regular file (a FIFO)"). The fd
 * is in blocking mode and close-on-exec; st (may be NULL) is filled. -1 and
 * a message naming the path on error; errno is ENOENT for a missing file. */
int lms_open_regular(const char *path, struct stat *st, char *err,
                     size_t errlen);
/* The same as a read-only stdio stream; the caller fcloses it. */
FILE *lms_fopen_regular(const char *path, char *err, size_t errlen);
/* The whole regular file at path, NUL-terminated (*len bytes before the NUL;
 * len may be NULL), or NULL with a message if it cannot be opened or read or
 * holds more than cap bytes. For files of our own making: never a partial
 * read. The caller frees the result; errno is ENOENT for a missing file. */
char *lms_read_file(const char *path, size_t cap, size_t *len, char *err,
                    size_t errlen);
/* 1 if path exists. */
int lms_path_exists(const char *path);
/* Format a message into err (errlen bytes; err may be NULL) and return -1:
 * `return lms_errf(err, errlen, "%s: ...", path);`. */
int lms_errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* JSON string escaping into out (always NUL-terminated). */
void lms_json_escape(const char *s, char *out, size_t outlen);

#endif
