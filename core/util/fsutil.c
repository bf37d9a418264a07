/* core/util (the bottom part): files, paths, clock, SHA-256, seeded RNG, did-you-mean. */
/* Filesystem helpers: mkdir -p, atomic writes, safe reads, JSON escaping. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/outfile.h"

int lms_path_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* What st is, for "not a regular file (a FIFO)". */
static const char *file_kind(const struct stat *st) {
    if (S_ISDIR(st->st_mode))
        return "a directory";
    if (S_ISFIFO(st->st_mode))
        return "a FIFO";
    if (S_ISCHR(st->st_mode))
        return "a character device";
    if (S_ISBLK(st->st_mode))
        return "a block device";
    if (S_ISSOCK(st->st_mode))
        return "a socket";
    return "not a plain file";
}

/* O_NONBLOCK first: opening a FIFO with no writer would block for ever
 * (before any check could run, and with our TERM handler installed).
 * Blocking mode is restored once the file is known to be regular. */
int lms_open_regular(const char *path, struct stat *st, char *err,
                     size_t errlen) {
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(e));
        errno = e;
        return -1;
    }
    struct stat tmp;
    if (!st)
        st = &tmp;
    if (fstat(fd, st) != 0) {
        snprintf(err, errlen, "%s: cannot stat: %s", path, strerror(errno));
        close(fd);
        errno = EIO;
        return -1;
    }
    if (!S_ISREG(st->st_mode)) {
        snprintf(err, errlen, "%s: not a regular file (%s)", path,
                 file_kind(st));
        close(fd);
        errno = EINVAL;
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
        snprintf(err, errlen, "%s: fcntl: %s", path, strerror(errno));
        close(fd);
        errno = EIO;
        return -1;
    }
    return fd;
}

FILE *lms_fopen_regular(const char *path, char *err, size_t errlen) {
    int fd = lms_open_regular(path, NULL, err, errlen);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        close(fd);
    }
    return f;
}

char *lms_read_file(const char *path, size_t cap, size_t *len, char *err,
                    size_t errlen) {
    struct stat st;
    int fd = lms_open_regular(path, &st, err, errlen);
    if (fd < 0)
        return NULL;
    if ((uint64_t)st.st_size > cap) {
        snprintf(err, errlen, "%s: too large (%lld bytes, the limit is %zu)",
                 path, (long long)st.st_size, cap);
        close(fd);
        errno = EFBIG;
        return NULL;
    }
    /* read to EOF, not to st_size: the file may grow or shrink meanwhile */
    size_t n = 0, size = (size_t)st.st_size + 1;
    char *buf = malloc(size + 1);
    while (buf) {
        if (n == size) {
            char *nb = size > cap ? NULL : realloc(buf, size * 2 + 1);
            if (!nb) {
                snprintf(err, errlen, "%s: too large (more than %zu bytes)",
                         path, cap);
                free(buf);
                close(fd);
                errno = EFBIG;
                return NULL;
            }
            buf = nb;
            size *= 2;
        }
        ssize_t r = read(fd, buf + n, size - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, errlen, "%s: read failed: %s", path, strerror(errno));
            free(buf);
            close(fd);
            errno = EIO;
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (!buf || n > cap) {
        snprintf(err, errlen, "%s: %s", path,
                 buf ? "too large" : "out of memory");
        const int e = buf ? EFBIG : ENOMEM;
        free(buf);
        errno = e;
        return NULL;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int lms_mkdirs(const char *path, char *err, size_t errlen) {
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        snprintf(err, errlen, "%s: path too long", path);
        return -1;
    }
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
                snprintf(err, errlen, "%s: cannot create directory: %s", buf,
                         strerror(errno));
                return -1;
            }
            *p = c;
            if (!c)
                break;
        }
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: not a directory", path);
        return -1;
    }
    return 0;
}

int lms_write_atomic(const char *path, const void *data, size_t n, char *err,
                     size_t errlen) {
    char tmp[4200];
    if (lms_tmp_path(tmp, sizeof tmp, path) != 0) {
        snprintf(err, errlen, "%s: cannot write: path too long", path);
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        return -1;
    }
    const char *p = data;
    size_t left = n;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
            close(fd);
            unlink(tmp);
            return -1;
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: rename failed: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    char dir[4200];
    snprintf(dir, sizeof dir, "%s", path);
    int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

void lms_json_escape(const char *s, char *out, size_t outlen) {
    size_t n = 0;
    for (; *s && n + 7 < outlen; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            out[n++] = '\\';
            out[n++] = (char)c;
        } else if (c < 0x20) {
            n += snprintf(out + n, outlen - n, "\\u%04x", c);
        } else {
            out[n++] = (char)c;
        }
    }
    out[n] = '\0';
}

int lms_errf(char *err, size_t errlen, const char *fmt, ...) {
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}
