/* A sweep relabelled under other [verdict] keys (lmstab relabel): a new
 * sweep directory whose runs are the old ones, each with a summary.json
 * whose verdicts are recomputed from its metrics.csv under the run's own
 * rules with the keys changed (recorded as "relabel"), its other files
 * linked by relative symlinks, and sweep.json and edges.json copied. Every
 * tool that reads a sweep (aggregate, report, compare, verdict) then reads
 * it as one: the conclusions under a rule that was not declared in advance,
 * side by side with the declared one, without touching the runs. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/json_file.h"
#include "io/config.h"
#include "io/core_keys.h"
#include "sweep/sweep.h"
#include "sweep/sweep_internal.h"
#include "train/verdict.h"
#include "train/verdict_summary.h"
#include "util/fsutil.h"
#include "util/outpath.h"

/* Each set is a known [verdict] key (checked on an empty config). */
static int check_sets(const char *const *sets, int n, char *err,
                      size_t errlen) {
    if (n == 0)
        return lms_errf(err, errlen, "nothing to relabel with: give "
                        "--set verdict.KEY=VALUE");
    lms_config c;
    int rc = lms_config_load_string(&c, "", "--set", err, errlen);
    for (int i = 0; rc == 0 && i < n; i++) {
        if (strncmp(sets[i], "verdict.", 8) != 0) {
            rc = lms_errf(err, errlen, "--set %s: only [verdict] keys can "
                          "change after the runs", sets[i]);
            break;
        }
        const size_t k = strcspn(sets[i], "=");
        for (int j = 0; j < i && rc == 0; j++)
            if (strcspn(sets[j], "=") == k && !strncmp(sets[i], sets[j], k))
                rc = lms_errf(err, errlen, "--set %.*s: given twice (%s, %s): "
                              "a relabel names each key once", (int)k,
                              sets[i], sets[j], sets[i]);
        if (rc != 0)
            break;
        rc = lms_config_override(&c, sets[i], err, errlen);
    }
    lms_verdict_cfg vc;
    if (rc == 0)
        rc = lms_verdict_cfg_read(&vc, &c, err, errlen);
    if (rc == 0)
        rc = lms_config_check_unused(&c, lms_core_accepted, NULL, err, errlen);
    lms_config_free(&c);
    return rc;
}

/* A cJSON array of strings: old (may be NULL) followed by sets. */
static cJSON *relabel_list(const cJSON *old, const char *const *sets, int n) {
    cJSON *a = old ? cJSON_Duplicate(old, 1) : cJSON_CreateArray();
    for (int i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(sets[i]));
    return a;
}

static void replace(cJSON *o, const char *key, cJSON *value) {
    if (cJSON_GetObjectItemCaseSensitive(o, key))
        cJSON_ReplaceItemInObjectCaseSensitive(o, key, value);
    else
        cJSON_AddItemToObject(o, key, value);
}

static int write_json(const char *path, const cJSON *o, char *err,
                      size_t errlen) {
    char *text = cJSON_Print(o);
    if (!text)
        return lms_errf(err, errlen, "out of memory");
    int rc = lms_write_atomic(path, text, strlen(text), err, errlen);
    free(text);
    return rc;
}

static cJSON *read_json(const char *path, char *err, size_t errlen) {
    return lms_json_read_object(path, LMS_SUMMARY_MAX_BYTES, err, errlen);
}

/* The run src relabelled into dst (created): its summary recomputed, its
 * other files linked. */
static int relabel_run(const char *src, const char *dst,
                       const char *const *sets, int n, char *err,
                       size_t errlen) {
    char path[4700], e[2048];
    snprintf(path, sizeof path, "%s/summary.json", src);
    cJSON *o = read_json(path, err, errlen);
    if (!o)
        return -1;
    int rc = -1;
    const cJSON *old = cJSON_GetObjectItemCaseSensitive(o, "relabel");
    const cJSON *uni = cJSON_GetObjectItemCaseSensitive(o, "unigram_entropy");
    lms_verdict_cfg vc;
    lms_facts f;
    if (old && !cJSON_IsArray(old)) {
        lms_errf(err, errlen, "%s: \"relabel\" is not a list", path);
        goto out;
    }
    replace(o, "relabel", relabel_list(old, sets, n));
    /* the run's own rules are needed to change some of them */
    if (!cJSON_IsNumber(uni) ||
        !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "config_text"))) {
        lms_errf(err, errlen, "%s: no %s (a run from before the verdict rules "
                 "cannot be relabelled)", path, cJSON_IsNumber(uni)
                 ? "config_text" : "unigram_entropy");
        goto out;
    }
    if (lms_verdict_cfg_of_summary(o, &vc, e, sizeof e) < 0) {
        lms_errf(err, errlen, "%s: %s", path, e);
        goto out;
    }
    snprintf(path, sizeof path, "%s/metrics.csv", src);
    if (lms_facts_from_csv(&f, &vc, path, err, errlen) != 0)
        goto out;
    cJSON *vs = cJSON_CreateObject();
    for (int r = 0; r < LMS_N_RULES; r++)
        cJSON_AddStringToObject(vs, vc.rules[r].name,
                                lms_verdict_name(lms_rule_label(
                                    &vc.rules[r], &f, uni->valuedouble)));
    replace(o, "verdicts", vs);
    replace(o, "verdict", cJSON_CreateString(lms_verdict_name(lms_rule_label(
                              &vc.rules[vc.own], &f, uni->valuedouble))));
    replace(o, "verdict_rule", cJSON_CreateString(vc.rules[vc.own].name));
    replace(o, "max_rise", cJSON_CreateNumber(f.max_rise));
    replace(o, "max_rise_step", cJSON_CreateNumber((double)f.max_rise_step));
    if (lms_mkdirs(dst, err, errlen) != 0)
        goto out;
    DIR *d = opendir(src);
    if (!d) {
        lms_errf(err, errlen, "%s: %s", src, strerror(errno));
        goto out;
    }
    struct dirent *de;
    rc = 0;
    while (rc == 0 && (de = readdir(d))) {
        if (de->d_name[0] == '.' || !strcmp(de->d_name, "summary.json"))
            continue;
        char from[4700], rel[4700];
        snprintf(from, sizeof from, "%s/%s", src, de->d_name);
        snprintf(path, sizeof path, "%s/%s", dst, de->d_name);
        if (lms_relative_path(dst, from, rel, sizeof rel) != 0)
            rc = lms_errf(err, errlen, "%s: no relative path to %s", path, from);
        else if (symlink(rel, path) != 0)
            rc = lms_errf(err, errlen, "%s: cannot link to %s: %s", path, from,
                          strerror(errno));
    }
    closedir(d);
    snprintf(path, sizeof path, "%s/summary.json", dst);
    if (rc == 0)
        rc = write_json(path, o, err, errlen);
out:
    cJSON_Delete(o);
    return rc;
}

/* DIR/name of src copied to dst, with "relabel" and "relabelled_from"
 * added when mark; absent files are skipped. */
static int copy_json(const char *src, const char *dst, const char *name,
                     const char *const *sets, int n, int mark, char *err,
                     size_t errlen) {
    char path[4700], rel[4700];
    snprintf(path, sizeof path, "%s/%s", src, name);
    if (!lms_path_exists(path))
        return 0;
    cJSON *o = read_json(path, err, errlen);
    if (!o)
        return -1;
    if (mark) {
        replace(o, "relabel", relabel_list(
                    cJSON_GetObjectItemCaseSensitive(o, "relabel"), sets, n));
        if (lms_relative_path(dst, src, rel, sizeof rel) == 0)
            replace(o, "relabelled_from", cJSON_CreateString(rel));
    }
    snprintf(path, sizeof path, "%s/%s", dst, name);
    int rc = write_json(path, o, err, errlen);
    cJSON_Delete(o);
    return rc;
}

static int remove_one(const char *path, const struct stat *st, int flag,
                      struct FTW *ftw) {
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Remove dst's ".partial-<pid>" directories whose writer is gone (a
 * relabel killed while building one). */
static void clean_partials(const char *dst) {
    char parent[4200], base[4200];
    snprintf(parent, sizeof parent, "%s", dst);
    snprintf(base, sizeof base, "%s", dst);
    const char *b = basename(base);
    const char *p = dirname(parent);
    const size_t k = strlen(b);
    DIR *d = opendir(p);
    if (!d)
        return;
    struct dirent *e;
    char path[8500];
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, b, k) != 0 || strncmp(e->d_name + k, ".partial-", 9))
            continue;
        char *end;
        const long pid = strtol(e->d_name + k + 9, &end, 10);
        if (*end || pid <= 0 || pid == (long)getpid() ||
            kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        snprintf(path, sizeof path, "%s/%s", p, e->d_name);
        nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    }
    closedir(d);
}

/* A message about the directory being built names the one asked for:
 * each "tmp" in err becomes "dst". */
static void name_dst(char *err, size_t errlen, const char *tmp,
                     const char *dst) {
    char out[4096], *o = out;
    const size_t k = strlen(tmp);
    for (const char *e = err; *e && o < out + sizeof out - 1;) {
        if (!strncmp(e, tmp, k)) {
            o += snprintf(o, (size_t)(out + sizeof out - o), "%s", dst);
            if (o > out + sizeof out - 1)
                o = out + sizeof out - 1;
            e += k;
        } else
            *o++ = *e++;
    }
    *o = '\0';
    snprintf(err, errlen, "%s", out);
}

int lms_sweep_relabel(const char *src, const char *dst,
                      const char *const *sets, int n, char *err,
                      size_t errlen) {
    if (check_sets(sets, n, err, errlen) != 0)
        return -1;
    if (lms_path_exists(dst))
        return lms_errf(err, errlen, "%s: exists (a relabelled sweep is "
                        "written to a new directory, never over one)", dst);
    lms_sweep *s = malloc(sizeof *s);
    if (!s)
        return lms_errf(err, errlen, "out of memory");
    /* built beside dst and renamed onto it when whole, so that a failure
     * leaves nothing that reads as a sweep (the links' relative paths are
     * the same from either name: same parent, same depth) */
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.partial-%ld", dst, (long)getpid());
    clean_partials(dst);
    int rc = lms_sweep_load_manifest(src, s, err, errlen);
    if (rc == 0) { /* not inside the source sweep: its runs would hold
                    * another sweep */
        char rs[PATH_MAX], rp[PATH_MAX], parent[4200];
        snprintf(parent, sizeof parent, "%s", dst);
        const char *p = dirname(parent);
        const size_t k = realpath(src, rs) ? strlen(rs) : 0;
        if (k && realpath(p, rp) && !strncmp(rp, rs, k) &&
            (rp[k] == '\0' || rp[k] == '/'))
            rc = lms_errf(err, errlen, "%s: inside the sweep it relabels "
                          "(%s): give a directory outside it", dst, src);
    }
    int made = 0;
    if (rc == 0 && (rc = lms_mkdirs(tmp, err, errlen)) == 0)
        made = 1;
    if (rc == 0)
        rc = copy_json(src, tmp, "sweep.json", sets, n, 1, err, errlen);
    if (rc == 0)
        rc = copy_json(src, tmp, "edges.json", sets, n, 0, err, errlen);
    char from[4300], to[4300];
    for (int v = 0; rc == 0 && v < s->n_variants; v++)
        for (int k = 0; rc == 0 && k < s->n_lrs; k++)
            for (int si = 0; rc == 0 && si < s->n_seeds; si++) {
                if (!lms_sweep_run_finished(src, s->variants[v], s->lrs[k],
                                            s->seeds[si]))
                    continue; /* not run, or not finished */
                lms_sweep_run_dir(src, s->variants[v], s->lrs[k], s->seeds[si],
                                  from, sizeof from);
                lms_sweep_run_dir(tmp, s->variants[v], s->lrs[k], s->seeds[si],
                                  to, sizeof to);
                rc = relabel_run(from, to, sets, n, err, errlen);
            }
    free(s);
    if (rc == 0)
        rc = lms_sweep_aggregate(tmp, 0, err, errlen);
    if (rc == 0 && rename(tmp, dst) != 0)
        rc = lms_errf(err, errlen, "%s: cannot write: %s", dst, strerror(errno));
    if (rc != 0 && made)
        nftw(tmp, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    if (rc != 0)
        name_dst(err, errlen, tmp, dst);
    return rc != 0 ? -1 : 0;
}
