/* DIR/sweep.json read back (lms_sweep_load_manifest): the grid a sweep
 * started with, for --aggregate, the report and MPI ranks. The file is
 * ours, so anything it would not hold is refused with the value named,
 * never truncated or cast: a variant name that is not a plain directory
 * name, an LR that is not a finite number > 0, a seed that is not a whole
 * number, a repeat, more entries than a sweep may have. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/json_file.h"
#include "util/fsutil.h"
#include "engine/loader.h"
#include "sweep/sweep.h"
#include "sweep/sweep_internal.h"
#include "util/order.h"

/* All LRs of the sweep (grid and edge bands) in ascending order, for the
 * tables and the report; is_grid marks the grid's, and the bands' indices
 * follow their LRs. */
static void sort_lrs(lms_sweep *s) {
    double g[LMS_SWEEP_MAX_LRS], old[LMS_SWEEP_MAX_LRS];
    memcpy(g, s->lrs, sizeof(double) * (size_t)s->n_grid);
    memcpy(old, s->lrs, sizeof(double) * (size_t)s->n_lrs);
    qsort(s->lrs, (size_t)s->n_lrs, sizeof(double), lms_cmp_double);
    for (int k = 0; k < s->n_lrs; k++) {
        s->is_grid[k] = 0;
        for (int i = 0; i < s->n_grid; i++)
            s->is_grid[k] |= s->lrs[k] == g[i];
    }
    for (int v = 0; v < s->n_variants; v++)
        for (int i = 0; i < s->n_band[v]; i++)
            for (int k = 0; k < s->n_lrs; k++)
                if (s->lrs[k] == old[s->band[v][i]]) {
                    s->band[v][i] = k;
                    break;
                }
}

static int bad(char *err, size_t errlen, const char *path, const char *what,
               const cJSON *it) {
    char *v = it ? cJSON_PrintUnformatted(it) : NULL;
    snprintf(err, errlen, "%s: malformed sweep.json (%s%s%.40s%s)", path, what,
             v ? " " : "", v ? v : "", v && strlen(v) > 40 ? "..." : "");
    free(v);
    return -1;
}

static int read_variants(lms_sweep *s, const cJSON *v, const char *path,
                         char *err, size_t errlen) {
    const cJSON *it;
    cJSON_ArrayForEach(it, v) {
        /* the names become paths: the same rule as in the sweep file */
        if (!cJSON_IsString(it) || !lms_plugin_name_valid(it->valuestring))
            return bad(err, errlen, path, "variant", it);
        if (s->n_variants == LMS_SWEEP_MAX_VARIANTS)
            return bad(err, errlen, path, "more than 32 variants", NULL);
        for (int i = 0; i < s->n_variants; i++)
            if (!strcmp(s->variants[i], it->valuestring))
                return bad(err, errlen, path, "repeated variant", it);
        snprintf(s->variants[s->n_variants++], 64, "%s", it->valuestring);
    }
    return s->n_variants ? 0 : bad(err, errlen, path, "no variants", NULL);
}

static int read_grid(lms_sweep *s, const cJSON *l, const cJSON *sd,
                     const char *path, char *err, size_t errlen) {
    const cJSON *it;
    cJSON_ArrayForEach(it, l) {
        if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) ||
            !(it->valuedouble > 0))
            return bad(err, errlen, path, "learning rate", it);
        if (s->n_lrs == LMS_SWEEP_MAX_LRS / 2)
            return bad(err, errlen, path, "more than 128 learning rates", NULL);
        /* two LRs that name one run directory (lr_%.4g) would count its
         * runs twice */
        char a[32], b[32];
        snprintf(a, sizeof a, "%.4g", it->valuedouble);
        for (int i = 0; i < s->n_lrs; i++) {
            snprintf(b, sizeof b, "%.4g", s->lrs[i]);
            if (!strcmp(a, b))
                return bad(err, errlen, path, "a learning rate that names "
                           "the run directory of another", it);
        }
        s->lrs[s->n_lrs++] = it->valuedouble;
    }
    cJSON_ArrayForEach(it, sd) {
        double x = cJSON_IsNumber(it) ? it->valuedouble : -1;
        if (!(x >= 0 && x <= 9007199254740992.0) || x != floor(x))
            return bad(err, errlen, path, "seed", it);
        if (s->n_seeds == LMS_SWEEP_MAX_SEEDS)
            return bad(err, errlen, path, "more than 64 seeds", NULL);
        for (int i = 0; i < s->n_seeds; i++)
            if (s->seeds[i] == (long)x)
                return bad(err, errlen, path, "repeated seed", it);
        s->seeds[s->n_seeds++] = (long)x;
    }
    if (!s->n_lrs || !s->n_seeds)
        return bad(err, errlen, path, "no learning rates or seeds", NULL);
    return 0;
}

/* An optional whole number in [lo, hi] (def when absent). */
static int count(const cJSON *o, const char *key, int lo, int hi, int def,
                 int *out, const char *path, char *err, size_t errlen) {
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    *out = def;
    if (!x)
        return 0;
    double d = cJSON_IsNumber(x) ? x->valuedouble : NAN;
    if (!(d >= lo && d <= hi) || d != floor(d))
        return bad(err, errlen, path, key, x);
    *out = (int)d;
    return 0;
}

static int read_settings(lms_sweep *s, const cJSON *o, const char *path,
                         char *err, size_t errlen) {
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(o, "reference");
    const cJSON *er = cJSON_GetObjectItemCaseSensitive(o, "edge_ratio");
    snprintf(s->reference, sizeof s->reference, "%s",
             cJSON_IsString(ref) ? ref->valuestring : s->variants[0]);
    int found = 0;
    for (int i = 0; i < s->n_variants; i++)
        found |= !strcmp(s->reference, s->variants[i]);
    if (!found || (ref && !cJSON_IsString(ref)))
        return bad(err, errlen, path, "reference", ref);
    s->edge_ratio = cJSON_IsNumber(er) ? er->valuedouble : 1.2;
    if ((er && !cJSON_IsNumber(er)) || !(s->edge_ratio >= 1.01 &&
                                         s->edge_ratio <= 10))
        return bad(err, errlen, path, "edge_ratio", er);
    return count(o, "grid_seeds", 1, s->n_seeds, 1, &s->grid_seeds, path, err,
                 errlen) ||
           count(o, "boundary_seeds", 1, s->n_seeds, 1, &s->boundary_seeds,
                 path, err, errlen) ||
           count(o, "edge_points", 0, LMS_SWEEP_MAX_BAND / 2, 0,
                 &s->edge_points, path, err, errlen) ||
           count(o, "edge_seeds", 1, s->n_seeds, s->n_seeds, &s->edge_seeds,
                 path, err, errlen)
               ? -1 : 0;
}

/* "pairs" (optional): [[first, second], ...], variants of the sweep. */
static int read_pairs(lms_sweep *s, const cJSON *o, const char *path,
                      char *err, size_t errlen) {
    const cJSON *pa = cJSON_GetObjectItemCaseSensitive(o, "pairs");
    if (!pa)
        return 0;
    if (!cJSON_IsArray(pa) || cJSON_GetArraySize(pa) > LMS_SWEEP_MAX_PAIRS)
        return bad(err, errlen, path, "pairs", pa);
    const cJSON *one;
    cJSON_ArrayForEach(one, pa) {
        int idx[2] = {-1, -1};
        for (int k = 0; k < 2 && cJSON_IsArray(one) &&
                        cJSON_GetArraySize(one) == 2; k++) {
            const cJSON *name = cJSON_GetArrayItem(one, k);
            for (int v = 0; v < s->n_variants && cJSON_IsString(name); v++)
                if (!strcmp(s->variants[v], name->valuestring))
                    idx[k] = v;
        }
        if (idx[0] < 0 || idx[1] < 0 || idx[0] == idx[1])
            return bad(err, errlen, path, "pair", one);
        s->pair[s->n_pairs][0] = idx[0];
        s->pair[s->n_pairs++][1] = idx[1];
    }
    return 0;
}

/* "overrides": the sweep's "section.key=value" strings (absent in old
 * manifests: none). */
/* The runs' overrides, then the [verdict] keys of a relabelled sweep
 * (lmstab relabel), which apply to its analysis as if they had been set:
 * comparisons name a relabelled sweep by them. */
static int read_overrides(lms_sweep *s, const cJSON *o, const char *path,
                          char *err, size_t errlen) {
    static const char *const keys[2] = {"overrides", "relabel"};
    for (int l = 0; l < 2; l++) {
        const cJSON *ov = cJSON_GetObjectItemCaseSensitive(o, keys[l]);
        if (!ov)
            continue;
        if (!cJSON_IsArray(ov) ||
            cJSON_GetArraySize(ov) > LMS_SWEEP_MAX_SETS - s->n_sets)
            return bad(err, errlen, path, keys[l], ov);
        const cJSON *it;
        cJSON_ArrayForEach(it, ov) {
            if (!cJSON_IsString(it) || !strchr(it->valuestring, '=') ||
                strlen(it->valuestring) >= sizeof s->sets[0])
                return bad(err, errlen, path, keys[l], ov);
            snprintf(s->sets[s->n_sets++], sizeof s->sets[0], "%s",
                     it->valuestring);
        }
    }
    return 0;
}

int lms_sweep_load_manifest(const char *dir, lms_sweep *s, char *err,
                            size_t errlen) {
    memset(s, 0, sizeof *s);
    char path[4200];
    snprintf(path, sizeof path, "%s/sweep.json", dir);
    cJSON *o = lms_json_read_object(path, LMS_SUMMARY_MAX_BYTES, err, errlen);
    if (!o) {
        if (errno == ENOENT)
            snprintf(err, errlen, "%s: not a sweep directory (no sweep.json)",
                     dir);
        return -1;
    }
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "variants");
    cJSON *c = cJSON_GetObjectItemCaseSensitive(o, "configs");
    cJSON *l = cJSON_GetObjectItemCaseSensitive(o, "lrs");
    cJSON *sd = cJSON_GetObjectItemCaseSensitive(o, "seeds");
    snprintf(s->out_dir, sizeof s->out_dir, "%s", dir);
    int rc = -1;
    if (!cJSON_IsArray(v) || !cJSON_IsArray(l) || !cJSON_IsArray(sd))
        snprintf(err, errlen, "%s: malformed sweep.json", path);
    else if (read_variants(s, v, path, err, errlen) == 0 &&
             read_grid(s, l, sd, path, err, errlen) == 0 &&
             read_settings(s, o, path, err, errlen) == 0 &&
             read_pairs(s, o, path, err, errlen) == 0 &&
             read_overrides(s, o, path, err, errlen) == 0)
        rc = 0;
    int ci = 0;
    cJSON *it;
    cJSON_ArrayForEach(it, c) if (ci < s->n_variants && cJSON_IsString(it))
        snprintf(s->configs[ci++], 4096, "%s", it->valuestring);
    cJSON_Delete(o);
    if (rc != 0)
        return -1;
    s->n_grid = s->n_lrs;
    s->lr_ratio = s->n_lrs > 1 ? s->lrs[1] / s->lrs[0] : 1.5;
    if (lms_sweep_edges_load(s, err, errlen) != 0)
        return -1;
    sort_lrs(s);
    return 0;
}
