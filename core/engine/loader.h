/*
 * Plugin loader: maps a plugin name to lms_<name>.so on a search path,
 * dlopens it and validates its descriptor. Handles stay open until
 * lms_loader_free (SQLite style: closed only at shutdown).
 */
#ifndef LMSTAB_LOADER_H
#define LMSTAB_LOADER_H

#include <stddef.h>

#include "lmstab/plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LMS_PATH_MAX 4096
#define LMS_MAX_SEARCH_DIRS 16

typedef struct lms_plugin {
    char name[LMS_NAME_MAX];
    char path[LMS_PATH_MAX];
    void *handle;
    const lms_descriptor *desc;
} lms_plugin;

typedef struct lms_loader lms_loader;

/* Search order: plugin_dir (may be NULL), each absolute entry of
 * $LMSTAB_PLUGIN_PATH (colon separated; relative entries are ignored),
 * the build tree (<exe dir>/plugins), the install's plugin dir relative to
 * the executable (<exe dir>/../lib/lmstab: relocated installs), the
 * configure-time installed dir. Returns NULL only on out-of-memory. */
lms_loader *lms_loader_new(const char *plugin_dir);
void lms_loader_free(lms_loader *ld); /* accepts NULL; dlcloses all */

/* Number of search directories and the i-th one (for messages/listing). */
int lms_loader_ndirs(const lms_loader *ld);
/* The plugins loaded so far, in load order (i in [0, count)). */
int lms_loader_nloaded(const lms_loader *ld);
const lms_plugin *lms_loader_loaded(const lms_loader *ld, int i);
const char *lms_loader_dir(const lms_loader *ld, int i);

/* 1 if name matches [a-z][a-z0-9_]{0,31}. */
int lms_plugin_name_valid(const char *name);

/* Find, open and validate plugin `name` (cached: a second call returns the
 * same lms_plugin). On failure returns non-zero and writes a message naming
 * the path and the reason into err. */
int lms_loader_get(lms_loader *ld, const char *name, const lms_plugin **out,
                   char *err, size_t errlen);

/* Open and validate the .so at `path` as plugin `name` (used by tests). */
int lms_loader_open_path(lms_loader *ld, const char *path, const char *name,
                         const lms_plugin **out, char *err, size_t errlen);

/* List every valid lms_*.so on the search path (first hit per name wins).
 * Calls fn for each loadable plugin; failures are passed with p == NULL and
 * the message in err. Returns the number of plugins found. */
typedef void (*lms_loader_visit_fn)(void *user, const lms_plugin *p,
                                    const char *path, const char *err);
int lms_loader_scan(lms_loader *ld, lms_loader_visit_fn fn, void *user);

/* Human name of a kind ("norm", "linear", ...). */
const char *lms_kind_name(int kind);

/* The host table handed to plugins (core/engine/host.c: sgemm = lms_sgemm, matmul =
 * lms_matmul at the run's precision, threads, parallel_for, log). */
const lms_host *lms_host_default(void);

#ifdef __cplusplus
}
#endif
#endif
