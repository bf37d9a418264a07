/* Scratch files for the fuzz targets (fuzz_files.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_files.h"

static char g_dir[512];

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *ftw) {
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static void cleanup(void) {
    if (g_dir[0])
        nftw(g_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void die(const char *what, const char *path) {
    fprintf(stderr, "fuzz harness: %s %s: %s\n", what, path, strerror(errno));
    abort();
}

static const char *dir(void) {
    if (g_dir[0])
        return g_dir;
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(g_dir, sizeof g_dir, "%s/lms_fuzz.XXXXXX", base);
    if (!mkdtemp(g_dir))
        die("cannot create", g_dir);
    atexit(cleanup);
    return g_dir;
}

const char *lms_fuzz_path(const char *name) {
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir(), name);
    return path;
}

const char *lms_fuzz_write(const char *name, const void *data, size_t size) {
    const char *path = lms_fuzz_path(name);
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        die("cannot write", path);
    return path;
}

const char *lms_fuzz_mkdir(const char *name) {
    const char *path = lms_fuzz_path(name);
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        die("cannot create", path);
    return path;
}

void lms_fuzz_remove(const char *name) {
    const char *path = lms_fuzz_path(name);
    if (remove(path) != 0 && errno != ENOENT)
        die("cannot remove", path);
}

int lms_fuzz_split(const uint8_t *data, size_t size, const char *sep,
                   const uint8_t **part, size_t *len, int max) {
    size_t k = strlen(sep), start = 0;
    int n = 0;
    for (size_t i = 0; n < max - 1 && k && i + k <= size; i++)
        if (!memcmp(data + i, sep, k)) {
            part[n] = data + start;
            len[n++] = i - start;
            start = i + k;
            i += k - 1;
        }
    part[n] = data + start;
    len[n++] = size - start;
    return n;
}
