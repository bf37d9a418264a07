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

void lms_output_setting(const char *kv, char *out, size_t n) {
    const char *eq = strchr(kv, '=');
    if (!eq || !strchr(eq, '/')) {
        snprintf(out, n, "%s", kv);
        return;
    }
    size_t k = (size_t)snprintf(out, n, "%.*s", (int)(eq + 1 - kv), kv);
    for (const char *item = eq + 1; k < n;) {
        const char *comma = strchr(item, ',');
        const size_t len = comma ? (size_t)(comma - item) : strlen(item);
        const size_t lead = strspn(item, " \t");
        char one[PATH_MAX], shown[PATH_MAX];
        if (lead < len && item[lead] == '/' && len - lead < sizeof one) {
            snprintf(one, sizeof one, "%.*s", (int)(len - lead), item + lead);
            size_t end = strlen(one); /* (trailing blanks kept below) */
            while (end && (one[end - 1] == ' ' || one[end - 1] == '\t'))
                one[--end] = '\0';
            lms_output_path(one, shown, sizeof shown);
            k += (size_t)snprintf(out + k, n - k, "%.*s%s%.*s", (int)lead, item,
                                  shown, (int)(len - lead - end), item + lead + end);
        } else
            k += (size_t)snprintf(out + k, n - k, "%.*s", (int)len, item);
        if (!comma || k >= n)
            break;
        k += (size_t)snprintf(out + k, n - k, ",");
        item = comma + 1;
    }
}

/* Splits an absolute path in place into its components; their count. */
static int components(char *p, char **c, int max) {
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(p, "/", &save); t && n < max;
         t = strtok_r(NULL, "/", &save))
        c[n++] = t;
    return n;
}

int lms_relative_path(const char *from_dir, const char *to, char *out,
                      size_t n) {
    char a[PATH_MAX], b[PATH_MAX], *ca[PATH_MAX / 2], *cb[PATH_MAX / 2];
    if (!realpath(from_dir, a) || !realpath(to, b))
        return -1;
    const int na = components(a, ca, PATH_MAX / 2);
    const int nb = components(b, cb, PATH_MAX / 2);
    int common = 0;
    while (common < na && common < nb && !strcmp(ca[common], cb[common]))
        common++;
    size_t k = 0;
    out[0] = '\0';
    for (int i = common; i < na && k < n; i++)
        k += (size_t)snprintf(out + k, n - k, "%s..", k ? "/" : "");
    for (int i = common; i < nb && k < n; i++)
        k += (size_t)snprintf(out + k, n - k, "%s%s", k ? "/" : "", cb[i]);
    if (k == 0)
        k = (size_t)snprintf(out, n, ".");
    return k < n ? 0 : -1;
}
