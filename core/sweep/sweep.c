/* core/sweep (above train): learning-rate sweeps, their designs, fits and aggregation. */
/* lmstab sweep: load a sweep file and run its grid as child processes. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io/config.h"
#include "util/fsutil.h"
#include "kernels/host.h"
#include "engine/loader.h"
#include "sweep/sweep.h"

static int read_list(lms_config *c, const char *key, char *buf, size_t n,
                     char **items, int max, char *err, size_t errlen) {
    lms_cfg_entry *e = lms_config_find(c, "sweep", key);
    if (!e) {
        snprintf(err, errlen, "%s: [sweep] %s: missing (a comma-separated "
                 "list)", c->path, key);
        return -1;
    }
    snprintf(buf, n, "%s", e->value);
    int k = lms_split_list(buf, items, max);
    if (k <= 0) {
        lms_config_errorf(e, err, errlen, "must be a comma-separated list of "
                          "1 to %d items (got '%s')", max, e->value);
        return -1;
    }
    return k;
}

/* seeds: integers >= 0 or ranges "a-b", at most LMS_SWEEP_MAX_SEEDS in
 * all, no repeats (a repeated seed would run twice into one directory). */
static int read_seeds(lms_sweep *s, lms_config *c, char **items, int n,
                      char *err, size_t errlen) {
    lms_cfg_entry *e = lms_config_find(c, "sweep", "seeds");
    s->n_seeds = 0;
    for (int i = 0; i < n; i++) {
        long a, b;
        /* (a run's training.seed is at most 2^31 - 1) */
        char *dash = strchr(items[i] + (items[i][0] == '-'), '-');
        if (dash) {
            *dash = '\0';
            char *hi = dash + 1; /* "1 - 8" reads as "1-8" */
            for (char *t = dash; t > items[i] && t[-1] == ' '; t--)
                t[-1] = '\0';
            while (*hi == ' ')
                hi++;
            if (lms_parse_long(items[i], 0, 2147483647L, &a) != 0 ||
                lms_parse_long(hi, a, 2147483647L, &b) != 0) {
                lms_config_errorf(e, err, errlen, "a seed range is a-b with "
                                  "0 <= a <= b <= 2147483647 (got '%s-%s')",
                                  items[i], hi);
                return -1;
            }
        } else if (lms_parse_long(items[i], 0, 2147483647L, &a) != 0) {
            lms_config_errorf(e, err, errlen, "seeds must be integers from 0 "
                              "to 2147483647 or ranges a-b (got '%s')", items[i]);
            return -1;
        } else {
            b = a;
        }
        for (long x = a; x <= b; x++) {
            for (int k = 0; k < s->n_seeds; k++)
                if (s->seeds[k] == x) {
                    lms_config_errorf(e, err, errlen, "seed %ld is listed "
                                      "twice", x);
                    return -1;
                }
            if (s->n_seeds == LMS_SWEEP_MAX_SEEDS) {
                lms_config_errorf(e, err, errlen, "more than %d seeds",
                                  LMS_SWEEP_MAX_SEEDS);
                return -1;
            }
            s->seeds[s->n_seeds++] = x;
        }
    }
    return 0;
}

/* The grid: anchor x ratio^k within [lo, hi], upward by repeated
 * multiplication from the anchor and downward by repeated division, so
 * that the LRs at and above the anchor are, bit for bit, those of a sweep
 * whose lr_min is the anchor (their runs are then the same runs: [sweep]
 * reuse). */
static int load_grid(lms_sweep *s, lms_config *c, char *err, size_t errlen) {
    double lo, hi, ratio, anchor;
    if (lms_config_float(c, "sweep", "lr_min", 1e-3, 1e-12, 1e3, &lo, err, errlen) ||
        lms_config_float(c, "sweep", "lr_max", 1e-1, 1e-12, 1e3, &hi, err, errlen) ||
        lms_config_float(c, "sweep", "lr_ratio", 1.5, 1.01, 100.0, &ratio, err, errlen) ||
        lms_config_float(c, "sweep", "lr_anchor", lo, 1e-12, 1e3, &anchor, err, errlen))
        return -1;
    if (hi < lo) {
        snprintf(err, errlen, "%s: [sweep] lr_max (%g) is below lr_min (%g)",
                 c->path, hi, lo);
        return -1;
    }
    const double top = hi * (1.0 + 1e-9), bottom = lo * (1.0 - 1e-9);
    double lr = anchor;
    while (lr > top) /* an anchor above the range: down into it */
        lr /= ratio;
    while (lr < bottom)
        lr *= ratio;
    /* the LRs below the anchor, highest first, then the rest upward */
    double down[LMS_SWEEP_MAX_LRS / 2 + 1];
    int n_down = 0;
    for (double d = lr / ratio; d >= bottom && n_down <= LMS_SWEEP_MAX_LRS / 2;
         d /= ratio)
        down[n_down++] = d;
    s->n_lrs = 0;
    s->lr_ratio = ratio;
    for (int i = n_down - 1; i >= 0 && s->n_lrs <= LMS_SWEEP_MAX_LRS / 2; i--)
        s->lrs[s->n_lrs++] = down[i];
    for (double x = lr; x <= top && s->n_lrs <= LMS_SWEEP_MAX_LRS / 2;
         x *= ratio)
        s->lrs[s->n_lrs++] = x;
    if (s->n_lrs > LMS_SWEEP_MAX_LRS / 2) {
        snprintf(err, errlen, "%s: [sweep] the grid has more than %d "
                 "learning rates", c->path, LMS_SWEEP_MAX_LRS / 2);
        return -1;
    }
    for (int i = 0; i < s->n_lrs; i++)
        s->is_grid[i] = 1;
    s->n_grid = s->n_lrs;
    if (s->n_grid == 0) {
        snprintf(err, errlen, "%s: [sweep] no LR of the grid lies between "
                 "lr_min and lr_max", c->path);
        return -1;
    }
    return 0;
}

/* reuse: other sweeps' output directories (never this one's). */
static int read_reuse(lms_sweep *s, lms_config *c, char *err, size_t errlen) {
    lms_cfg_entry *e = lms_config_find(c, "sweep", "reuse");
    if (!e)
        return 0;
    char buf[LMS_SWEEP_MAX_REUSE * 4096], *items[LMS_SWEEP_MAX_REUSE];
    int n = read_list(c, "reuse", buf, sizeof buf, items, LMS_SWEEP_MAX_REUSE,
                      err, errlen);
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(items[i]);
        while (len > 1 && items[i][len - 1] == '/')
            items[i][--len] = '\0';
        char out[4096];
        snprintf(out, sizeof out, "%s", s->out_dir);
        size_t lo = strlen(out);
        while (lo > 1 && out[lo - 1] == '/')
            out[--lo] = '\0';
        if (len >= sizeof s->reuse[0] || !strcmp(items[i], out)) {
            lms_config_errorf(e, err, errlen, "'%s' %s", items[i],
                              len >= sizeof s->reuse[0] ? "is too long"
                              : "is this sweep's own output directory");
            return -1;
        }
        snprintf(s->reuse[i], sizeof s->reuse[i], "%s", items[i]);
    }
    s->n_reuse = n;
    return 0;
}

/* A variant names a directory of the sweep's output (and its config file):
 * names follow the plugin rule, so none can climb out of the output
 * directory, and none repeats (two runs would share one directory). */
static int check_variants(const lms_cfg_entry *e, char **items, int n,
                          char *err, size_t errlen) {
    for (int i = 0; i < n; i++) {
        if (!lms_plugin_name_valid(items[i])) {
            lms_config_errorf(e, err, errlen, "invalid variant name '%s': "
                              "names match [a-z][a-z0-9_]{0,31} (a config "
                              "file's stem; no paths)", items[i]);
            return -1;
        }
        for (int j = 0; j < i; j++)
            if (!strcmp(items[i], items[j])) {
                lms_config_errorf(e, err, errlen, "variant '%s' is listed "
                                  "twice", items[i]);
                return -1;
            }
    }
    return 0;
}

/* Variant name -> config path: an existing path as given, else
 * <configs_dir>/<name>.ini with configs_dir relative to the sweep file. */
static int resolve_variant(lms_sweep *s, int i, const char *configs_dir,
                           char *err, size_t errlen) {
    const char *v = s->variants[i];
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", s->path);
    char *base = dirname(dir);
    if (configs_dir[0] == '/')
        snprintf(s->configs[i], sizeof s->configs[i], "%s/%s.ini", configs_dir, v);
    else
        snprintf(s->configs[i], sizeof s->configs[i], "%s/%s/%s.ini", base,
                 configs_dir, v);
    if (!lms_path_exists(s->configs[i])) {
        snprintf(err, errlen, "%s: [sweep] variants: no config for '%s' (looked "
                 "for %s)", s->path, v, s->configs[i]);
        return -1;
    }
    return 0;
}

/* [sweep] precisions (optional): every variant at each listed precision,
 * its runs given --set training.precision=<p>. With two or more, variant
 * v at precision p becomes the variant <v>_<p> (its own directory, table
 * row and curve), in the order v1_p1, v1_p2, v2_p1, ...; with one the
 * names stay. */
static int expand_precisions(lms_sweep *s, lms_config *c, char *err,
                             size_t errlen) {
    lms_cfg_entry *e = lms_config_find(c, "sweep", "precisions");
    if (!e)
        return 0;
    char buf[256], *items[4];
    snprintf(buf, sizeof buf, "%s", e->value);
    const int np = lms_split_list(buf, items, 4);
    lms_precision p[4];
    for (int i = 0; i < np; i++) {
        for (int j = 0; j < i; j++)
            if (!strcmp(items[i], items[j])) {
                lms_config_errorf(e, err, errlen, "precision '%s' is listed "
                                  "twice", items[i]);
                return -1;
            }
        if (lms_precision_parse(items[i], &p[i]) != 0) {
            lms_config_errorf(e, err, errlen, "must be fp32, bf16 or both, "
                              "comma-separated (got '%s')", e->value);
            return -1;
        }
    }
    if (np <= 0) {
        lms_config_errorf(e, err, errlen, "must be fp32, bf16 or both, "
                          "comma-separated (got '%s')", e->value);
        return -1;
    }
    if (lms_config_find(c, "overrides", "training.precision")) {
        lms_config_errorf(e, err, errlen, "the precision is set twice: here "
                          "and as [overrides] training.precision; keep one");
        return -1;
    }
    const int nb = s->n_variants;
    if (nb * np > LMS_SWEEP_MAX_VARIANTS) {
        lms_config_errorf(e, err, errlen, "%d variants at %d precisions make "
                          "more than %d variants", nb, np,
                          LMS_SWEEP_MAX_VARIANTS);
        return -1;
    }
    for (int b = nb - 1; b >= 0; b--) /* from the end: nothing is overwritten
                                          before it is copied */
        for (int i = np - 1; i >= 0; i--) {
            const int v = b * np + i;
            char name[160];
            snprintf(name, sizeof name, np > 1 ? "%s_%s" : "%s",
                     s->variants[b], lms_precision_name(p[i]));
            if (!lms_plugin_name_valid(name)) {
                lms_config_errorf(e, err, errlen, "variant '%s' at precision "
                                  "%s would be named '%s', longer than 32 "
                                  "characters; shorten the variant's name",
                                  s->variants[b], items[i], name);
                return -1;
            }
            if (v != b) /* rows of one array: never the same bytes */
                memcpy(s->configs[v], s->configs[b], sizeof s->configs[v]);
            memcpy(s->variants[v], name, strlen(name) + 1); /* < 33 bytes */
            snprintf(s->precisions[v], sizeof s->precisions[v], "%s",
                     lms_precision_name(p[i]));
        }
    s->n_variants = nb * np;
    return 0;
}

/* pairs = a:b, c:d (optional): each a variant against another, declared
 * with the design so that the report's comparison of them is too. */
static int read_pairs(lms_sweep *s, lms_config *c, char *err, size_t errlen) {
    lms_cfg_entry *e = lms_config_find(c, "sweep", "pairs");
    if (!e)
        return 0;
    char buf[4096], *items[LMS_SWEEP_MAX_PAIRS + 1];
    int n = read_list(c, "pairs", buf, sizeof buf, items,
                      LMS_SWEEP_MAX_PAIRS + 1, err, errlen);
    if (n < 0)
        return -1;
    if (n > LMS_SWEEP_MAX_PAIRS) {
        lms_config_errorf(e, err, errlen, "at most %d pairs",
                          LMS_SWEEP_MAX_PAIRS);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        char *colon = strchr(items[i], ':');
        int idx[2] = {-1, -1};
        if (colon) {
            *colon = '\0';
            const char *name[2] = {items[i], colon + 1};
            for (int k = 0; k < 2; k++) {
                while (*name[k] == ' ' || *name[k] == '\t')
                    name[k]++;
                size_t len = strlen(name[k]);
                while (len && (name[k][len - 1] == ' ' || name[k][len - 1] == '\t'))
                    len--;
                for (int v = 0; v < s->n_variants; v++)
                    if (strlen(s->variants[v]) == len &&
                        !strncmp(s->variants[v], name[k], len))
                        idx[k] = v;
            }
        }
        if (idx[0] < 0 || idx[1] < 0 || idx[0] == idx[1]) {
            lms_config_errorf(e, err, errlen, "each pair is FIRST:SECOND, two "
                              "different variants of this sweep (got '%s%s%s')",
                              items[i], colon ? ":" : "", colon ? colon + 1 : "");
            return -1;
        }
        for (int j = 0; j < i; j++) /* (both orders may be asked for) */
            if (s->pair[j][0] == idx[0] && s->pair[j][1] == idx[1]) {
                lms_config_errorf(e, err, errlen, "the pair %s:%s is given "
                                  "twice", s->variants[idx[0]],
                                  s->variants[idx[1]]);
                return -1;
            }
        s->pair[i][0] = idx[0];
        s->pair[i][1] = idx[1];
    }
    s->n_pairs = n;
    return 0;
}

int lms_sweep_load(lms_sweep *s, const char *path, char *err, size_t errlen) {
    memset(s, 0, sizeof *s);
    snprintf(s->path, sizeof s->path, "%s", path);
    lms_config c;
    int rc = -1;
    if (lms_config_load(&c, path, err, errlen) != 0)
        goto out;
    char buf[4096], *items[LMS_SWEEP_MAX_VARIANTS];
    int n = read_list(&c, "variants", buf, sizeof buf, items,
                      LMS_SWEEP_MAX_VARIANTS, err, errlen);
    if (n < 0)
        goto out;
    s->n_variants = n;
    const char *cdir = lms_config_str(&c, "sweep", "configs_dir", "..");
    if (check_variants(lms_config_find(&c, "sweep", "variants"), items, n,
                       err, errlen) != 0)
        goto out;
    for (int i = 0; i < n; i++) {
        snprintf(s->variants[i], sizeof s->variants[i], "%s", items[i]);
        if (resolve_variant(s, i, cdir, err, errlen) != 0)
            goto out;
    }
    if (expand_precisions(s, &c, err, errlen) != 0)
        goto out;
    char *sitems[LMS_SWEEP_MAX_SEEDS];
    n = read_list(&c, "seeds", buf, sizeof buf, sitems, LMS_SWEEP_MAX_SEEDS,
                  err, errlen);
    if (n < 0 || read_seeds(s, &c, sitems, n, err, errlen) != 0)
        goto out;
    long bs, jobs, ep, es, gs;
    if (load_grid(s, &c, err, errlen) ||
        lms_config_int(&c, "sweep", "grid_seeds", 1, 1, s->n_seeds, &gs, err, errlen) ||
        lms_config_int(&c, "sweep", "boundary_seeds", s->n_seeds, 1, s->n_seeds, &bs, err, errlen) ||
        lms_config_int(&c, "sweep", "edge_points", 0, 0, LMS_SWEEP_MAX_BAND / 2, &ep, err, errlen) ||
        lms_config_float(&c, "sweep", "edge_ratio", 1.2, 1.01, 10.0, &s->edge_ratio, err, errlen) ||
        lms_config_int(&c, "sweep", "edge_seeds", s->n_seeds, 1, s->n_seeds, &es, err, errlen) ||
        lms_config_int(&c, "sweep", "jobs", 0, 0, 1024, &jobs, err, errlen))
        goto out;
    s->grid_seeds = (int)gs;
    s->boundary_seeds = (int)bs;
    s->edge_points = (int)ep;
    s->edge_seeds = (int)es;
    s->jobs = jobs > 0 ? (int)jobs : lms_cpus_allowed();
    snprintf(s->out_dir, sizeof s->out_dir, "%s",
             lms_config_str(&c, "sweep", "out", "runs/sweep"));
    if (!s->out_dir[0]) {
        lms_config_errorf(lms_config_find(&c, "sweep", "out"), err, errlen,
                          "must name a directory (the sweep's runs and "
                          "tables go there)");
        goto out;
    }
    if (s->out_dir[0] == '~') { /* no shell expands it here */
        lms_config_errorf(lms_config_find(&c, "sweep", "out"), err, errlen,
                          "'~' is not expanded in a sweep file (it would "
                          "name a directory called '~'): write the path out");
        goto out;
    }
    /* the two designs of extra seeds exclude each other: with a band
     * (edge_points), boundary_seeds would be ignored without a word */
    if (ep > 0 && lms_config_find(&c, "sweep", "boundary_seeds")) {
        lms_config_errorf(lms_config_find(&c, "sweep", "boundary_seeds"), err,
                          errlen, "applies without edge_points; with a band "
                          "of edge_points LRs its seeds are edge_seeds");
        goto out;
    }
    const char *ref = lms_config_str(&c, "sweep", "reference", s->variants[0]);
    int found = 0;
    for (int i = 0; i < s->n_variants; i++)
        found |= !strcmp(ref, s->variants[i]);
    /* with precisions, a variant's plain name means its first precision */
    for (int i = 0; i < s->n_variants && !found && s->precisions[i][0]; i++) {
        size_t n = strlen(ref);
        if (!strncmp(s->variants[i], ref, n) && s->variants[i][n] == '_' &&
            !strcmp(s->variants[i] + n + 1, s->precisions[i])) {
            ref = s->variants[i];
            found = 1;
        }
    }
    if (!found) {
        lms_config_errorf(lms_config_find(&c, "sweep", "reference"), err, errlen,
                          "must be one of the variants (got '%s')", ref);
        goto out;
    }
    snprintf(s->reference, sizeof s->reference, "%s", ref);
    if (read_pairs(s, &c, err, errlen) != 0 ||
        read_reuse(s, &c, err, errlen) != 0)
        goto out;
    const char *data = lms_config_str(&c, "sweep", "data", "");
    snprintf(s->data_path, sizeof s->data_path, "%s", data);
    lms_config_has_section(&c, "overrides");
    for (size_t i = 0; i < c.n; i++) {
        lms_cfg_entry *e = &c.entries[i];
        if (strcmp(e->section, "overrides") != 0)
            continue;
        if (s->n_sets == LMS_SWEEP_MAX_SETS || !strchr(e->key, '.') ||
            strlen(e->key) + strlen(e->value) + 2 > sizeof s->sets[0]) {
            lms_config_errorf(e, err, errlen, "%s", s->n_sets ==
                              LMS_SWEEP_MAX_SETS ? "a sweep takes at most 64 "
                              "overrides" : strchr(e->key, '.')
                              ? "longer than an override can be (511 bytes)"
                              : "override keys are SECTION.KEY (e.g. "
                                "training.max_steps = 500)");
            goto out;
        }
        e->used = 1;
        s->set_line[s->n_sets] = e->line;
        snprintf(s->sets[s->n_sets++], sizeof s->sets[0], "%s=%s", e->key, e->value);
    }
    static const char *const accepted = "variants, configs_dir, lr_min, "
        "lr_max, lr_ratio, lr_anchor, seeds, grid_seeds, boundary_seeds, edge_points, edge_ratio, "
        "edge_seeds, jobs, out, data, reference, precisions, pairs, reuse";
    if (lms_config_check_unused(&c, NULL, NULL, err, errlen) != 0) {
        size_t len = strlen(err);
        if (strstr(err, "unknown key") && len + 64 < errlen)
            snprintf(err + len, errlen - len, "; accepted: %s", accepted);
        /* a run's section ([training], [model], ...) in a sweep file: its
         * keys are overrides here */
        for (size_t i = 0; i < c.n && strstr(err, "unknown section"); i++)
            if (!c.entries[i].used) {
                lms_config_errorf(&c.entries[i], err, errlen, "a sweep file "
                                  "has [sweep] and [overrides] only: a run's "
                                  "key goes under [overrides] as %s.%s = %s",
                                  c.entries[i].section, c.entries[i].key,
                                  c.entries[i].value);
                break;
            }
        goto out;
    }
    rc = 0;
out:
    lms_config_free(&c);
    return rc;
}
