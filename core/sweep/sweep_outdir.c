/* A sweep's out directory is its own: never a directory of other files
 * (their table.md or results.csv would be replaced), never a sweep of
 * another design (its runs and the new ones would share one table). */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/json_file.h"
#include "sweep/sweep.h"
#include "sweep/sweep_internal.h"
#include "util/fsutil.h"

/* Without a sweep.json, the first entry of dir a sweep would not have made
 * before its manifest (edges.json, given by hand to seed the bands; a
 * variant's runs; a writer's temporary) into name; 0 when there is none. */
static int foreign_entry(const lms_sweep *s, DIR *d, char *name, size_t n) {
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *x = e->d_name;
        int ours = !strcmp(x, ".") || !strcmp(x, "..") ||
                   !strcmp(x, "edges.json") || strstr(x, ".tmp.");
        for (int v = 0; !ours && v < s->n_variants; v++)
            ours = !strcmp(x, s->variants[v]);
        if (!ours) {
            snprintf(name, n, "%s", x);
            return 1;
        }
    }
    return 0;
}

/* The first finished run of variant v, as p and its summary; NULL when
 * none (or a summary does not read: the sweep itself says so later). */
static cJSON *first_run(const lms_sweep *s, int v, pending *p, char *dir,
                        size_t n) {
    for (int k = 0; k < s->n_lrs; k++)
        for (int si = 0; si < s->n_seeds; si++) {
            if (!lms_sweep_run_finished(s->out_dir, s->variants[v], s->lrs[k],
                                        s->seeds[si]))
                continue;
            lms_sweep_run_dir(s->out_dir, s->variants[v], s->lrs[k],
                              s->seeds[si], dir, n);
            char path[4400], err[512];
            snprintf(path, sizeof path, "%s/summary.json", dir);
            *p = (pending){v, k, si};
            return lms_json_read_object(path, LMS_SUMMARY_MAX_BYTES, err,
                                        sizeof err);
        }
    return NULL;
}

/* A sweep directory's variant with runs that this sweep does not list:
 * the new sweep.json and tables would leave its runs out. 0, or -1 naming
 * it. */
static int dropped_variant(const lms_sweep *s, char *err, size_t errlen) {
    lms_sweep *old = malloc(sizeof *old);
    char e2[512];
    if (!old)
        return lms_errf(err, errlen, "out of memory");
    int rc = 0;
    if (lms_sweep_load_manifest(s->out_dir, old, e2, sizeof e2) == 0)
        for (int i = 0; i < old->n_variants && rc == 0; i++) {
            int listed = 0;
            for (int v = 0; v < s->n_variants; v++)
                listed |= !strcmp(old->variants[i], s->variants[v]);
            char dir[4300];
            snprintf(dir, sizeof dir, "%s/%s", s->out_dir, old->variants[i]);
            if (!listed && lms_path_exists(dir))
                rc = lms_errf(err, errlen, "%s: this sweep directory holds "
                              "runs of variant %s, which the sweep file does "
                              "not list: its sweep.json and tables would leave "
                              "them out; list it, or give another out",
                              s->out_dir, old->variants[i]);
        }
    free(old); /* (a sweep.json that does not read: the sweep says so) */
    return rc;
}

int lms_sweep_check_out(const lms_sweep *s, char *err, size_t errlen) {
    char path[4300], name[256];
    snprintf(path, sizeof path, "%s/sweep.json", s->out_dir);
    const int manifest = lms_path_exists(path);
    DIR *d = manifest ? NULL : opendir(s->out_dir);
    if (d) { /* absent (made next), or not a directory: said then */
        const int foreign = foreign_entry(s, d, name, sizeof name);
        closedir(d);
        if (foreign)
            return lms_errf(err, errlen, "%s: out names a directory that "
                            "holds other files (%s) and no sweep.json: a sweep "
                            "writes its tables there; give a new or empty "
                            "directory", s->out_dir, name);
    }
    if (manifest && dropped_variant(s, err, errlen) != 0)
        return -1;
    for (int v = 0; v < s->n_variants; v++) {
        pending p;
        char dir[4300], why[2400];
        cJSON *o = first_run(s, v, &p, dir, sizeof dir);
        if (!o)
            continue;
        const int differ = lms_sweep_config_differs(s, &p, o, why, sizeof why);
        cJSON_Delete(o);
        if (differ)
            return lms_errf(err, errlen, "%s: a finished run of this sweep "
                            "directory was not made with this sweep's "
                            "configuration (%s): its runs and new ones would "
                            "share one table; give another out, or the sweep "
                            "file and configs it was run with", dir, why);
    }
    return 0;
}
