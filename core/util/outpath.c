/* Paths as lmstab writes them (outpath.h). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/outpath.h"

#ifndef LMS_SOURCE_DIR
#define LMS_SOURCE_DIR "."
#endif

/* path below dir ("dir/..."): the rest, else NULL */
static const char *below(const char *path, const char *dir) {
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (n == 0 || strncmp(path, dir, n) != 0 || path[n] != '/')
        return NULL;
    return path + n + 1;
}

void lms_output_path(const char *path, char *out, size_t n) {
    if (path[0] != '/') {
        snprintf(out, n, "%s", path);
        return;
    }
    char src[PATH_MAX], parent[PATH_MAX + 4], cwd[PATH_MAX], real[PATH_MAX];
    const char *canon = realpath(path, real) ? real : path;
    const char *rest;
    if (realpath(LMS_SOURCE_DIR, src)) {
        if ((rest = below(canon, src))) {
            snprintf(out, n, "%s", rest);
            return;
        }
        snprintf(parent, sizeof parent, "%s", src);
        char *slash = strrchr(parent, '/');
        if (slash && slash != parent) {
            *slash = '\0';
            if ((rest = below(canon, parent))) {
                snprintf(out, n, "../%s", rest);
                return;
            }
        }
    }
    if (getcwd(cwd, sizeof cwd) && (rest = below(canon, cwd))) {
        snprintf(out, n, "%s", rest);
        return;
    }
    const char *base = strrchr(canon, '/');
    snprintf(out, n, "%s", base ? base + 1 : canon);
}
