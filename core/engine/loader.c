/* Plugin loader: names -> lms_<name>.so on a search path, dlopen, validate.
 * Every failure names the path and the reason. */
#define _GNU_SOURCE /* dladdr1: the entry symbol's ELF type */
#include <dirent.h>
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "engine/loader.h"
#include "util/suggest.h"

#ifndef LMS_PLUGIN_INSTALL_DIR
#define LMS_PLUGIN_INSTALL_DIR "/usr/local/lib/lmstab"
#endif
/* The plugin dir relative to the installed executable's dir (set by CMake
 * from the install layout: bindir -> libdir/lmstab). */
#ifndef LMS_PLUGIN_REL_DIR
#define LMS_PLUGIN_REL_DIR "../lib/lmstab"
#endif

#define LMS_MAX_LOADED 128
#define LMS_DESC_MAX_SIZE 4096 /* bytes; today's descriptor is ~100 */
/* max_params and max_stats beyond this are garbage, not a plugin: the core
 * allocates that many entries per instance (not an ABI limit) */
#define LMS_DESC_MAX_COUNT 65536

struct lms_loader {
    int ndirs;
    char *dirs[LMS_MAX_SEARCH_DIRS];
    int nloaded;
    lms_plugin *loaded[LMS_MAX_LOADED];
};

int lms_plugin_name_valid(const char *name) {
    if (!name || !(name[0] >= 'a' && name[0] <= 'z'))
        return 0;
    size_t n = strlen(name);
    if (n >= LMS_NAME_MAX)
        return 0;
    for (size_t i = 1; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return 0;
    }
    return 1;
}

const char *lms_kind_name(int kind) {
    switch (kind) {
    case LMS_KIND_NORM: return "norm";
    case LMS_KIND_LINEAR: return "linear";
    case LMS_KIND_ACTIVATION: return "activation";
    case LMS_KIND_ATTENTION: return "attention";
    case LMS_KIND_SCORE_MAP: return "score_map";
    case LMS_KIND_PROB_MAP: return "prob_map";
    case LMS_KIND_AUX_LOSS: return "aux_loss";
    default: return "unknown";
    }
}

static int is_dir(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void add_dir(lms_loader *ld, const char *dir) {
    if (!dir || !dir[0] || ld->ndirs >= LMS_MAX_SEARCH_DIRS)
        return;
    for (int i = 0; i < ld->ndirs; i++)
        if (strcmp(ld->dirs[i], dir) == 0)
            return;
    char *copy = strdup(dir);
    if (copy)
        ld->dirs[ld->ndirs++] = copy;
}

/* <dir of the running executable>/suffix, for build-tree and relocatable
 * installs. */
static void add_exe_relative(lms_loader *ld, const char *suffix) {
    char exe[LMS_PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return;
    *slash = '\0';
    char dir[LMS_PATH_MAX];
    if (snprintf(dir, sizeof dir, "%s/%s", exe, suffix) >= (int)sizeof dir)
        return;
    char real[PATH_MAX];
    if (realpath(dir, real) && is_dir(real))
        add_dir(ld, real);
}

lms_loader *lms_loader_new(const char *plugin_dir) {
    lms_loader *ld = calloc(1, sizeof *ld);
    if (!ld)
        return NULL;
    add_dir(ld, plugin_dir);
    const char *env = getenv("LMSTAB_PLUGIN_PATH");
    if (env) {
        char *copy = strdup(env), *save = NULL;
        for (char *tok = copy ? strtok_r(copy, ":", &save) : NULL; tok;
             tok = strtok_r(NULL, ":", &save))
            if (tok[0] == '/') /* relative entries would depend on the cwd */
                add_dir(ld, tok);
        free(copy);
    }
    add_exe_relative(ld, "plugins");       /* build tree: build/lmstab */
    add_exe_relative(ld, "../plugins");    /* build tree: build/core/lmstab */
    add_exe_relative(ld, LMS_PLUGIN_REL_DIR); /* relocated install */
    add_dir(ld, LMS_PLUGIN_INSTALL_DIR);
    return ld;
}

void lms_loader_free(lms_loader *ld) {
    if (!ld)
        return;
    for (int i = 0; i < ld->nloaded; i++) {
        if (ld->loaded[i]->handle)
            dlclose(ld->loaded[i]->handle);
        free(ld->loaded[i]);
    }
    for (int i = 0; i < ld->ndirs; i++)
        free(ld->dirs[i]);
    free(ld);
}

int lms_loader_ndirs(const lms_loader *ld) { return ld->ndirs; }
int lms_loader_nloaded(const lms_loader *ld) { return ld->nloaded; }
const lms_plugin *lms_loader_loaded(const lms_loader *ld, int i) {
    return (i >= 0 && i < ld->nloaded) ? ld->loaded[i] : NULL;
}
const char *lms_loader_dir(const lms_loader *ld, int i) {
    return (i >= 0 && i < ld->ndirs) ? ld->dirs[i] : NULL;
}

/* Validate a descriptor returned by an entry: ABI, size, name, kind, hooks. */
static int validate_desc(const lms_descriptor *d, const char *path,
                         const char *name, char *err, size_t errlen) {
    if (d->abi_major != LMS_ABI_MAJOR) {
        snprintf(err, errlen,
                 "%s: plugin ABI %d.%d, this lmstab needs ABI %d.x; rebuild "
                 "the plugin against this lmstab's plugin.h",
                 path, d->abi_major, d->abi_minor, LMS_ABI_MAJOR);
        return -1;
    }
    /* a newer minor may rely on host functions or struct fields this core
     * does not have (it would read past our structs) */
    if (d->abi_minor > LMS_ABI_MINOR) {
        snprintf(err, errlen,
                 "%s: plugin built for ABI %d.%d, newer than this lmstab's "
                 "ABI %d.%d; upgrade lmstab or rebuild the plugin against "
                 "this lmstab's plugin.h",
                 path, d->abi_major, d->abi_minor, LMS_ABI_MAJOR,
                 LMS_ABI_MINOR);
        return -1;
    }
    if (d->size < offsetof(lms_descriptor, max_stats) + sizeof d->max_stats) {
        snprintf(err, errlen, "%s: descriptor size %zu is too small (%zu)",
                 path, d->size, sizeof(lms_descriptor));
        return -1;
    }
    /* structs only grow at the end, but not by megabytes: a garbage size
     * means a garbage descriptor */
    if (d->size > LMS_DESC_MAX_SIZE) {
        snprintf(err, errlen, "%s: descriptor size %zu is not plausible "
                 "(this lmstab's is %zu; at most %d accepted)", path, d->size,
                 sizeof(lms_descriptor), LMS_DESC_MAX_SIZE);
        return -1;
    }
    if (d->max_params < 0 || d->max_params > LMS_DESC_MAX_COUNT ||
        d->max_stats < 0 || d->max_stats > LMS_DESC_MAX_COUNT) {
        snprintf(err, errlen, "%s: descriptor max_params %d / max_stats %d "
                 "not plausible (0 to %d accepted)", path, d->max_params,
                 d->max_stats, LMS_DESC_MAX_COUNT);
        return -1;
    }
    if (!d->name || strcmp(d->name, name) != 0) {
        snprintf(err, errlen,
                 "%s: descriptor name '%s' does not match the file name "
                 "(expected '%s')",
                 path, d->name ? d->name : "(null)", name);
        return -1;
    }
    if (d->kind < LMS_KIND_NORM || d->kind > LMS_KIND_AUX_LOSS) {
        snprintf(err, errlen, "%s: unknown plugin kind %d", path, (int)d->kind);
        return -1;
    }
    const char *missing = !d->create     ? "create"
                          : !d->set      ? "set"
                          : !d->plan     ? "plan"
                          : !d->forward  ? "forward"
                          : !d->backward ? "backward"
                          : !d->destroy  ? "destroy"
                          : !d->keys     ? "keys"
                          : !d->version  ? "version"
                          : !d->summary  ? "summary"
                                         : NULL;
    if (missing) {
        snprintf(err, errlen, "%s: descriptor has a NULL '%s'", path, missing);
        return -1;
    }
    return 0;
}

/* A file or directory anyone may write is a way to run their code in
 * ours: refused (LMSTAB_ALLOW_WRITABLE_PLUGINS=1 overrides, e.g. for a
 * shared scratch dir on a single-user machine). */
static int check_writable(const char *path, const struct stat *st, char *err,
                          size_t errlen) {
    const char *allow = getenv("LMSTAB_ALLOW_WRITABLE_PLUGINS");
    if (allow && !strcmp(allow, "1"))
        return 0;
    if (st->st_mode & S_IWOTH) {
        snprintf(err, errlen, "%s: refusing a world-writable plugin (mode "
                 "%03o: anyone could replace it; chmod o-w it, or set "
                 "LMSTAB_ALLOW_WRITABLE_PLUGINS=1)", path,
                 (unsigned)(st->st_mode & 0777));
        return -1;
    }
    char dir[LMS_PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    struct stat ds;
    if (stat(dir, &ds) == 0 && (ds.st_mode & S_IWOTH)) {
        snprintf(err, errlen, "%s: refusing a plugin in a world-writable "
                 "directory (%s, mode %o: anyone could plant a plugin there; "
                 "chmod o-w it, or set LMSTAB_ALLOW_WRITABLE_PLUGINS=1)",
                 path, dir, (unsigned)(ds.st_mode & 07777));
        return -1;
    }
    return 0;
}

/* The entry symbol must be a function: calling data (an exported variable
 * of that name) would crash. */
static int entry_is_function(void *addr) {
    Dl_info info;
    const ElfW(Sym) *sym = NULL;
    if (!dladdr1(addr, &info, (void **)&sym, RTLD_DL_SYMENT) || !sym)
        return 1; /* cannot tell: trust it */
    int type = ELF64_ST_TYPE(sym->st_info);
    return type == STT_FUNC || type == STT_GNU_IFUNC;
}

/* The entry refused our major: name the one it was built for. Every major
 * starts its descriptor with int abi_major, abi_minor, and an entry answers
 * only its own major, so asking for the earlier majors (and a few later
 * ones) finds it without reading anything else. */
static void refused(lms_entry_fn entry, const char *path, char *err,
                    size_t errlen) {
    for (int major = 1; major <= LMS_ABI_MAJOR + 4; major++) {
        if (major == LMS_ABI_MAJOR)
            continue;
        const int *v = (const int *)entry(major);
        if (v) {
            snprintf(err, errlen,
                     "%s: plugin built for ABI %d.%d, this lmstab has ABI "
                     "%d.%d (major versions differ); rebuild it against this "
                     "lmstab's plugin.h%s",
                     path, v[0], v[1], LMS_ABI_MAJOR, LMS_ABI_MINOR,
                     v[0] < LMS_ABI_MAJOR ? " (docs/plugins.md: porting to "
                                            "ABI 2.0)"
                                          : "");
            return;
        }
    }
    snprintf(err, errlen,
             "%s: plugin refused ABI %d (built for another major version); "
             "rebuild it against this lmstab's plugin.h",
             path, LMS_ABI_MAJOR);
}

int lms_loader_open_path(lms_loader *ld, const char *path, const char *name,
                         const lms_plugin **out, char *err, size_t errlen) {
    *out = NULL;
    if (ld->nloaded >= LMS_MAX_LOADED) {
        snprintf(err, errlen, "%s: too many plugins loaded (max %d)", path,
                 LMS_MAX_LOADED);
        return -1;
    }
    /* dlopen would block for ever on a FIFO: check the file first */
    struct stat st;
    int fd = lms_open_regular(path, &st, err, errlen);
    if (fd < 0)
        return -1;
    close(fd);
    if (check_writable(path, &st, err, errlen) != 0)
        return -1;
    dlerror();
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(err, errlen, "%s: cannot load: %s", path, e ? e : "unknown");
        return -1;
    }
    lms_entry_fn entry;
    *(void **)&entry = dlsym(h, LMS_PLUGIN_ENTRY_SYMBOL);
    if (!entry) {
        snprintf(err, errlen,
                 "%s: not an lmstab plugin: no '%s' symbol (use "
                 "LMS_PLUGIN_ENTRY in plugin.h)",
                 path, LMS_PLUGIN_ENTRY_SYMBOL);
        dlclose(h);
        return -1;
    }
    if (!entry_is_function(*(void **)&entry)) {
        snprintf(err, errlen, "%s: not an lmstab plugin: '%s' is not a "
                 "function (use LMS_PLUGIN_ENTRY in plugin.h)", path,
                 LMS_PLUGIN_ENTRY_SYMBOL);
        dlclose(h);
        return -1;
    }
    const lms_descriptor *d = entry(LMS_ABI_MAJOR);
    if (!d) {
        refused(entry, path, err, errlen);
        dlclose(h);
        return -1;
    }
    if (validate_desc(d, path, name, err, errlen) != 0) {
        dlclose(h);
        return -1;
    }
    lms_plugin *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "%s: out of memory", path);
        dlclose(h);
        return -1;
    }
    snprintf(p->name, sizeof p->name, "%s", name);
    snprintf(p->path, sizeof p->path, "%s", path);
    p->handle = h;
    p->desc = d;
    ld->loaded[ld->nloaded++] = p;
    *out = p;
    return 0;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the lms_<name>.so files in the search directories, sorted,
 * each once (caller frees each); at most max. */
static int installed_names(const lms_loader *ld, char **names, int max) {
    int nn = 0;
    for (int i = 0; i < ld->ndirs; i++) {
        DIR *dir = opendir(ld->dirs[i]);
        if (!dir)
            continue;
        struct dirent *e;
        while ((e = readdir(dir)) && nn < max) {
            size_t len = strlen(e->d_name);
            if (len < 8 || strncmp(e->d_name, "lms_", 4) != 0 ||
                strcmp(e->d_name + len - 3, ".so") != 0)
                continue;
            char *stem = strndup(e->d_name + 4, len - 7);
            int dup = 0;
            for (int j = 0; stem && j < nn; j++)
                dup |= strcmp(names[j], stem) == 0;
            if (stem && !dup)
                names[nn++] = stem;
            else
                free(stem);
        }
        closedir(dir);
    }
    qsort(names, (size_t)nn, sizeof *names, cmp_str);
    return nn;
}

int lms_loader_get(lms_loader *ld, const char *name, const lms_plugin **out,
                   char *err, size_t errlen) {
    *out = NULL;
    if (!lms_plugin_name_valid(name)) {
        snprintf(err, errlen,
                 "invalid plugin name '%s': names match [a-z][a-z0-9_]{0,31} "
                 "(no paths, no upper case)",
                 name ? name : "");
        return -1;
    }
    for (int i = 0; i < ld->nloaded; i++)
        if (strcmp(ld->loaded[i]->name, name) == 0) {
            *out = ld->loaded[i];
            return 0;
        }
    char path[LMS_PATH_MAX];
    for (int i = 0; i < ld->ndirs; i++) {
        if (snprintf(path, sizeof path, "%s/lms_%s.so", ld->dirs[i], name) >=
            (int)sizeof path)
            continue;
        if (access(path, F_OK) == 0)
            return lms_loader_open_path(ld, path, name, out, err, errlen);
    }
    int n = snprintf(err, errlen, "unknown plugin '%s': no lms_%s.so in", name,
                     name);
    for (int i = 0; i < ld->ndirs && n > 0 && (size_t)n < errlen; i++)
        n += snprintf(err + n, errlen - n, "%s %s", i ? "," : "", ld->dirs[i]);
    if (ld->ndirs == 0 && n > 0 && (size_t)n < errlen)
        n += snprintf(err + n, errlen - n, " (no search directories)");
    /* what is there, and the closest name to a typo */
    char *names[256];
    int nn = installed_names(ld, names, 256);
    const char *near = lms_suggest(name, (const char *const *)names, (size_t)nn);
    if (near && n > 0 && (size_t)n < errlen)
        n += snprintf(err + n, errlen - n, "; did you mean '%s'?", near);
    for (int i = 0; i < nn; i++) {
        if (n > 0 && (size_t)n < errlen)
            n += snprintf(err + n, errlen - n, "%s%s", i ? ", " : "; installed: ",
                          names[i]);
        free(names[i]);
    }
    return -1;
}

int lms_loader_scan(lms_loader *ld, lms_loader_visit_fn fn, void *user) {
    char *names[256];
    int nn = installed_names(ld, names, 256), found = 0;
    for (int i = 0; i < nn; i++) {
        char err[LMS_ERR_MAX * 2];
        const lms_plugin *p = NULL;
        if (lms_loader_get(ld, names[i], &p, err, sizeof err) == 0) {
            fn(user, p, p->path, NULL);
            found++;
        } else {
            fn(user, NULL, names[i], err);
        }
        free(names[i]);
    }
    return found;
}
