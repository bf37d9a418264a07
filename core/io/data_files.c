/* Data specs: [data] train and val name one file, a comma-separated list
 * of files, or glob patterns (sorted matches), read in that order. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/data.h"

static int has_magic(const char *s) { return strpbrk(s, "*?[") != NULL; }

static int push(char ***v, size_t *n, size_t *cap, const char *s) {
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 8;
        char **w = realloc(*v, c * sizeof *w);
        if (!w)
            return -1;
        *v = w, *cap = c;
    }
    return ((*v)[*n] = strdup(s)) ? (int)(++*n, 0) : -1;
}

int lms_data_expand(const char *spec, char ***paths, size_t *n, char *err,
                    size_t errlen) {
    *paths = NULL;
    *n = 0;
    size_t cap = 0;
    char *copy = strdup(spec), *save = NULL;
    int rc = copy ? 0 : -1;
    for (char *item = copy ? strtok_r(copy, ",", &save) : NULL;
         item && rc == 0; item = strtok_r(NULL, ",", &save)) {
        while (*item == ' ')
            item++;
        for (char *e = item + strlen(item); e > item && e[-1] == ' ';)
            *--e = '\0';
        if (!*item)
            continue;
        if (!has_magic(item)) {
            rc = push(paths, n, &cap, item);
            continue;
        }
        glob_t g;
        int gr = glob(item, 0, NULL, &g);
        if (gr == GLOB_NOMATCH) {
            snprintf(err, errlen, "%s: no file matches", item);
            rc = -2;
        } else if (gr != 0) {
            snprintf(err, errlen, "%s: cannot expand the pattern", item);
            rc = -2;
        }
        for (size_t i = 0; rc == 0 && i < g.gl_pathc; i++)
            rc = push(paths, n, &cap, g.gl_pathv[i]); /* glob sorts them */
        if (gr == 0)
            globfree(&g);
    }
    free(copy);
    if (rc == 0 && *n == 0) {
        snprintf(err, errlen, "'%s': names no file", spec);
        rc = -2;
    }
    if (rc != 0) {
        if (rc == -1)
            snprintf(err, errlen, "%s: out of memory", spec);
        lms_data_paths_free(*paths, *n);
        *paths = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

void lms_data_paths_free(char **paths, size_t n) {
    for (size_t i = 0; paths && i < n; i++)
        free(paths[i]);
    free(paths);
}
