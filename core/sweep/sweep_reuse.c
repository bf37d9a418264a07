/* Reusing other sweeps' finished runs ([sweep] reuse = DIR, ...). A run
 * this sweep needs is copied from DIR/<variant>/lr_<lr>/seed_<s> instead of
 * trained when the run there is the same run:
 *   - the same effective configuration: the config's entries with every
 *     override applied, compared entry by entry (an [overrides] line that
 *     restates a config's value changes nothing; comments never count);
 *   - the same training and validation data and tokenizer, by SHA-256;
 *   - trained from its start to its end with no override added on a resume,
 *     and labelled by its own rules (never a relabelled run);
 *   - on the matrix-product kernels (and bf16 kernel) this machine would
 *     give it here: a run's numbers depend on those, never on its threads;
 *   - where its summary records them, the plugins' SIMD level and each
 *     plugin's name and version.
 * Training is deterministic, so the copy is, bit for bit, the run this
 * sweep would have trained. Its summary.json names where it came from
 * ("reused_from"), and reports count such runs apart. A sweep extending
 * another (a size ladder's rung that is another sweep's model) so trains
 * only the runs the other has not. */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/config.h"
#include "kernels/host.h"
#include "io/json_file.h"
#include "train/checkpoint.h"
#include "train/runlock.h"
#include "util/fsutil.h"
#include "util/outpath.h"
#include "sweep/sweep.h"
#include "sweep/sweep_internal.h"

/* Largest file of a run copied (metrics.csv of a very long run). */
#define MAX_COPY ((size_t)1 << 32)

struct lms_sweep_reuse {
    /* a bit per (directory, variant, LR index, seed index) whose run was
     * read and found not the same (it is not read again) */
    unsigned char *differs;
    unsigned char noted[LMS_SWEEP_MAX_VARIANTS]; /* a note said why */
    unsigned char absent_noted[LMS_SWEEP_MAX_REUSE];
};

static size_t bit_of(int d, const pending *p) {
    return (((size_t)d * LMS_SWEEP_MAX_VARIANTS + (size_t)p->v) *
                LMS_SWEEP_MAX_LRS + (size_t)p->k) * LMS_SWEEP_MAX_SEEDS +
           (size_t)p->s;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The effective entries of c, "section.key=value", sorted. NULL when out of
 * memory. */
static char **entries(const lms_config *c) {
    char **e = calloc(c->n + 1, sizeof *e);
    for (size_t i = 0; e && i < c->n; i++) {
        const lms_cfg_entry *x = &c->entries[i];
        size_t n = strlen(x->section) + strlen(x->key) + strlen(x->value) + 3;
        if (!(e[i] = malloc(n))) {
            for (size_t j = 0; j < i; j++)
                free(e[j]);
            free(e);
            return NULL;
        }
        snprintf(e[i], n, "%s.%s=%s", x->section, x->key, x->value);
    }
    if (e)
        qsort(e, c->n, sizeof *e, cmp_str);
    return e;
}

static void free_entries(char **e, size_t n) {
    for (size_t i = 0; e && i < n; i++)
        free(e[i]);
    free(e);
}

/* "section.key=value" vs another: same key? */
static int same_key(const char *a, const char *b) {
    size_t n = strcspn(a, "=");
    return n == strcspn(b, "=") && !strncmp(a, b, n);
}

/* Keys that change no number of a run: the thread counts (every count
 * gives the same bits), and the matrix-product backend, whose kernels a
 * run records and kernels_differ / the sweep's numerics note compare. */
static int numbers_same(const char *entry) {
    static const char *const keys[] = {"training.threads",
                                       "training.adapt_threads",
                                       "training.gemm"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (same_key(entry, keys[i]))
            return 1;
    return 0;
}

/* 0 when a and b hold the same entries (but those numbers_same names),
 * else 1 and the first difference in why. */
static int config_differs(const lms_config *a, const lms_config *b, char *why,
                          size_t n) {
    char **x = entries(a), **y = entries(b);
    int rc = 0;
    if (!x || !y) {
        snprintf(why, n, "out of memory comparing their configurations");
        rc = 1;
    }
    for (size_t i = 0, j = 0; !rc && (i < a->n || j < b->n);) {
        if (i < a->n && numbers_same(x[i])) {
            i++;
            continue;
        }
        if (j < b->n && numbers_same(y[j])) {
            j++;
            continue;
        }
        int c = i == a->n ? 1 : j == b->n ? -1 : strcmp(x[i], y[j]);
        if (c == 0) {
            i++, j++;
            continue;
        }
        rc = 1;
        if (i < a->n && j < b->n && same_key(x[i], y[j]))
            snprintf(why, n, "%s here, %s there", x[i], y[j]);
        else if (c < 0)
            snprintf(why, n, "%s here, unset there", x[i]);
        else
            snprintf(why, n, "%s there, unset here", y[j]);
    }
    free_entries(x, a->n);
    free_entries(y, b->n);
    return rc;
}

/* This sweep's configuration of run p, as train would build it and write
 * it into summary.json (a path in a setting as lms_output_setting shows
 * it: never absolute). */
static int ours(const lms_sweep *s, const pending *p, lms_config *c,
                char *err, size_t errlen) {
    char bufs[3][64];
    const char *own[3];
    int n = lms_sweep_run_sets(s, p, bufs, own);
    int rc = lms_config_load(c, s->configs[p->v], err, errlen);
    for (int i = 0; rc == 0 && i < s->n_sets; i++) {
        char set[8192];
        lms_output_setting(s->sets[i], set, sizeof set);
        rc = lms_config_override(c, set, err, errlen);
    }
    for (int i = 0; rc == 0 && i < n; i++)
        rc = lms_config_override(c, own[i], err, errlen);
    return rc;
}

static const char *str(const cJSON *o, const char *key) {
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(x) ? x->valuestring : NULL;
}

/* The inputs beside the configuration: a fresh run, labelled by its own
 * rules, on the same training and validation data and tokenizer. 0 when
 * alike, else 1 and why not. */
static int inputs_differ(const lms_sweep *s, const pending *p, const cJSON *o,
                         char *why, size_t n) {
    const cJSON *ro = cJSON_GetObjectItemCaseSensitive(o, "resume_overrides");
    const char *sha = str(o, "data_sha256"), *tok = str(o, "tokenizer_sha256"),
               *val = str(o, "data_val_sha256");
    if (cJSON_GetArraySize(ro) > 0)
        snprintf(why, n, "it was resumed with overrides");
    else if (cJSON_GetObjectItemCaseSensitive(o, "relabel"))
        snprintf(why, n, "it is a relabelled run: its verdicts are under "
                 "other [verdict] keys than its config's");
    else if (!s->data_sha[p->v][0])
        snprintf(why, n, "this sweep's training data has no SHA-256 (a list "
                 "of shards?), so no run can be matched to it");
    else if (!sha || strcmp(sha, s->data_sha[p->v]))
        snprintf(why, n, "its training data %s", sha ? "differs (SHA-256)"
                 : "has no recorded SHA-256");
    else if (strcmp(tok ? tok : "", s->tok_sha[p->v]))
        snprintf(why, n, "its tokenizer differs (SHA-256)");
    else if (s->val_sha[p->v][0] && (!val || strcmp(val, s->val_sha[p->v])))
        snprintf(why, n, "its validation data %s", val ? "differs (SHA-256)"
                 : "has no recorded SHA-256");
    else
        return 0;
    return 1;
}

/* The code beside the matrix products, where the summary records it (runs
 * from before these keys are taken to match): the SIMD level of the
 * plugins' own kernels, and each plugin's version. */
static int code_differs(const lms_sweep *s, const cJSON *o, char *why,
                        size_t n) {
    const char *here = lms_plugin_simd_name(), *there = str(o, "plugin_simd");
    if (there && strcmp(there, here)) {
        snprintf(why, n, "its plugins' kernels ran at SIMD level %s, here "
                 "they would at %s", there, here);
        return 1;
    }
    const cJSON *x;
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(o, "plugins")) {
        if (!cJSON_IsString(x))
            continue;
        char line[300];
        snprintf(line, sizeof line, "%s\n", x->valuestring);
        const char *at = s->plugins;
        while ((at = strstr(at, line)) && at != s->plugins && at[-1] != '\n')
            at++;
        if (!at) {
            snprintf(why, n, "it ran plugin %s, not a version loaded here",
                     x->valuestring);
            return 1;
        }
    }
    return 0;
}

/* The kernels it ran on against those a run here gets. */
static int kernels_differ(const lms_sweep *s, const pending *p,
                          const cJSON *o, char *why, size_t n) {
    lms_kernel_count here, there;
    lms_sweep_next_kernel(s, p->v, &here);
    memset(&there, 0, sizeof there);
    const char *g = str(o, "gemm"), *k = str(o, "gemm_kernel"),
               *pr = str(o, "precision"), *bk = str(o, "bf16_kernel");
    snprintf(there.gemm, sizeof there.gemm, "%s", g ? g : "");
    snprintf(there.kernel, sizeof there.kernel, "%s", k ? k : "");
    snprintf(there.bf16, sizeof there.bf16, "%s",
             pr && !strcmp(pr, "bf16") && bk ? bk : "");
    if (!strcmp(here.gemm, there.gemm) && !strcmp(here.kernel, there.kernel) &&
        !strcmp(here.bf16, there.bf16))
        return 0;
    char a[96], b[96];
    lms_kernel_describe(&there, a, sizeof a);
    lms_kernel_describe(&here, b, sizeof b);
    snprintf(why, n, "it used %s, and a run here would use %s", a, b);
    return 1;
}

/* Its effective configuration (config_text with its overrides) against
 * the one run p gets here. */
static int configs_differ(const lms_sweep *s, const pending *p,
                          const cJSON *o, char *why, size_t n) {
    const char *text = str(o, "config_text");
    const cJSON *ov = cJSON_GetObjectItemCaseSensitive(o, "overrides"), *x;
    if (!text || !cJSON_IsArray(ov)) {
        snprintf(why, n, "its summary.json has no config_text or overrides");
        return 1;
    }
    char err[2048];
    lms_config a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    int rc = 0;
    if (ours(s, p, &a, err, sizeof err) != 0) {
        snprintf(why, n, "%s", err);
        rc = 1;
    } else if (lms_config_load_string(&b, text, "its config_text", err,
                                      sizeof err) != 0) {
        snprintf(why, n, "its config_text: %s", err);
        rc = 1;
    }
    cJSON_ArrayForEach(x, ov) {
        if (rc != 0)
            break;
        char set[8192]; /* (in written form, as ours: older summaries
                           may hold a path as given) */
        if (cJSON_IsString(x))
            lms_output_setting(x->valuestring, set, sizeof set);
        if (!cJSON_IsString(x) ||
            lms_config_override(&b, set, err, sizeof err) != 0) {
            snprintf(why, n, "its overrides: %s", cJSON_IsString(x) ? err
                     : "not a list of strings");
            rc = 1;
        }
    }
    if (rc == 0)
        rc = config_differs(&a, &b, why, n);
    lms_config_free(&b);
    lms_config_free(&a);
    return rc;
}

int lms_sweep_config_differs(const lms_sweep *s, const pending *p,
                             const cJSON *o, char *why, size_t n) {
    return configs_differ(s, p, o, why, n);
}

/* 0 when summary o (of a finished run) is run p of this sweep, else 1 and
 * why not. */
static int differs(const lms_sweep *s, const pending *p, const cJSON *o,
                   char *why, size_t n) {
    return inputs_differ(s, p, o, why, n) || kernels_differ(s, p, o, why, n) ||
           code_differs(s, o, why, n) || configs_differ(s, p, o, why, n);
}

/* The regular files of dst but its lock: what an attempt here that left
 * no checkpoint left behind, removed before a copy takes its place. */
static int clear_dir(const char *dst, char *err, size_t errlen) {
    DIR *d = opendir(dst);
    if (!d)
        return lms_errf(err, errlen, "%s: %s", dst, strerror(errno));
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        char path[4600];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dst, e->d_name);
        if (strcmp(e->d_name, LMS_RUNLOCK_FILE) && lstat(path, &st) == 0 &&
            S_ISREG(st.st_mode) && unlink(path) != 0)
            rc = lms_errf(err, errlen, "%s: %s", path, strerror(errno));
    }
    closedir(d);
    return rc;
}

/* Every regular file of run directory src but its summary, lock,
 * checkpoint and any writer's temporary (<file>.tmp.<pid>: a killed run's),
 * into dst (each written atomically). */
static int copy_files(const char *src, const char *dst, char *err,
                      size_t errlen) {
    DIR *d = opendir(src);
    if (!d)
        return lms_errf(err, errlen, "%s: %s", src, strerror(errno));
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        if (e->d_name[0] == '.' || !strcmp(e->d_name, "summary.json") ||
            !strcmp(e->d_name, LMS_CKPT_FILE) || strstr(e->d_name, ".tmp."))
            continue; /* (.lock, and any temporary) */
        char from[4600], to[4600];
        snprintf(from, sizeof from, "%s/%s", src, e->d_name);
        snprintf(to, sizeof to, "%s/%s", dst, e->d_name);
        struct stat st;
        if (lstat(from, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        size_t len;
        char *data = lms_read_file(from, MAX_COPY, &len, err, errlen);
        if (!data)
            rc = -1;
        else
            rc = lms_write_atomic(to, data, len, err, errlen);
        free(data);
    }
    closedir(d);
    return rc;
}

/* Copy run src (summary o) into dst, its summary last: the run is finished
 * only once every file is there. shown: src as the summary names it. */
static int copy_run(const char *src, const char *dst, const char *shown,
                    cJSON *o, char *err, size_t errlen) {
    if (lms_mkdirs(dst, err, errlen) != 0 ||
        lms_runlock_check(dst, err, errlen) != 0 ||
        clear_dir(dst, err, errlen) != 0 ||
        copy_files(src, dst, err, errlen) != 0)
        return -1;
    cJSON_DeleteItemFromObjectCaseSensitive(o, "reused_from");
    cJSON_AddStringToObject(o, "reused_from", shown);
    char *text = cJSON_Print(o);
    if (!text)
        return lms_errf(err, errlen, "out of memory");
    char path[4400];
    snprintf(path, sizeof path, "%s/summary.json", dst);
    int rc = lms_write_atomic(path, text, strlen(text), err, errlen);
    free(text);
    return rc;
}

/* Directory d of [sweep] reuse is this sweep's own (--out may name it). */
static int is_own(const lms_sweep *s, int d) {
    char a[PATH_MAX], b[PATH_MAX];
    return realpath(s->reuse[d], a) && realpath(s->out_dir, b) && !strcmp(a, b);
}

/* The sweep's reuse memory, made on first use (NULL: out of memory). */
static struct lms_sweep_reuse *state(lms_sweep *s) {
    if (!s->reuse_state) {
        s->reuse_state = calloc(1, sizeof *s->reuse_state);
        const size_t bits = bit_of(s->n_reuse, &(pending){0, 0, 0});
        if (s->reuse_state)
            s->reuse_state->differs = calloc(bits / 8 + 1, 1);
        if (!s->reuse_state || !s->reuse_state->differs)
            lms_sweep_reuse_end(s);
    }
    return s->reuse_state;
}

/* 1 when directory d of [sweep] reuse can be read for runs now; else a
 * note, once, says why not (it may appear later: it is looked at again). */
static int usable(const lms_sweep *s, struct lms_sweep_reuse *r, int d) {
    struct stat st;
    const char *bad = NULL;
    if (stat(s->reuse[d], &st) != 0)
        bad = errno == ENOENT ? "does not exist (yet)" : strerror(errno);
    else if (!S_ISDIR(st.st_mode))
        bad = "is not a directory";
    else if (is_own(s, d))
        bad = "is this sweep's own directory";
    if (bad && !r->absent_noted[d])
        fprintf(stderr, "sweep: note: [sweep] reuse: %s %s; no run is reused "
                "from it\n", s->reuse[d], bad);
    if (bad)
        r->absent_noted[d] = 1;
    return !bad;
}

int lms_sweep_reuse(lms_sweep *s, const pending *p, char *from,
                    size_t fromlen, char *err, size_t errlen) {
    if (s->n_reuse == 0)
        return 0;
    struct lms_sweep_reuse *r = state(s);
    if (!r)
        return lms_errf(err, errlen, "out of memory");
    char dir[4300], ck[4400];
    lms_sweep_run_dir(s->out_dir, s->variants[p->v], s->lrs[p->k],
                      s->seeds[p->s], dir, sizeof dir);
    snprintf(ck, sizeof ck, "%s/" LMS_CKPT_FILE, dir);
    if (lms_path_exists(ck))
        return 0; /* interrupted here: it resumes */
    for (int d = 0; d < s->n_reuse; d++) {
        const size_t bit = bit_of(d, p);
        if ((r->differs[bit / 8] & (1u << (bit % 8))) || !usable(s, r, d))
            continue;
        char src[4300], path[4400], why[2400], e2[512];
        lms_sweep_run_dir(s->reuse[d], s->variants[p->v], s->lrs[p->k],
                          s->seeds[p->s], src, sizeof src);
        snprintf(path, sizeof path, "%s/summary.json", src);
        cJSON *o = lms_json_read_object(path, LMS_SUMMARY_MAX_BYTES, e2,
                                        sizeof e2);
        if (!o && errno == ENOENT)
            continue; /* not (yet) run there */
        if (lms_runlock_check(src, e2, sizeof e2) != 0) {
            cJSON_Delete(o);
            continue; /* a process still writes there: later */
        }
        struct stat st;
        snprintf(path, sizeof path, "%s/metrics.csv", src);
        if (!o) {
            snprintf(why, sizeof why, "%s", e2);
        } else if (differs(s, p, o, why, sizeof why)) {
            /* (why says how) */
        } else if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            snprintf(why, sizeof why, "its metrics.csv is missing or not a "
                     "file");
        } else {
            /* never an absolute path: the directory as lms_output_path
             * shows it (its name alone when outside the tree and the
             * working directory), then the run's own path in it */
            char shown[4096];
            lms_output_path(s->reuse[d], shown, sizeof shown);
            snprintf(from, fromlen, "%s%s", shown, src + strlen(s->reuse[d]));
            int rc = copy_run(src, dir, from, o, err, errlen);
            cJSON_Delete(o);
            return rc != 0 ? -1 : 1;
        }
        cJSON_Delete(o);
        r->differs[bit / 8] |= (unsigned char)(1u << (bit % 8));
        if (!r->noted[p->v])
            fprintf(stderr, "sweep: note: %s is not the run %s needs (%s): "
                    "such runs are trained here\n", src, s->variants[p->v],
                    why);
        r->noted[p->v] = 1;
    }
    return 0;
}

void lms_sweep_reuse_end(lms_sweep *s) {
    if (s->reuse_state)
        free(s->reuse_state->differs);
    free(s->reuse_state);
    s->reuse_state = NULL;
}
