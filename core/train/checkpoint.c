/* Checkpoints on top of the safetensors reader/writer: model tensors,
 * AdamW moments and the training-loop state as metadata strings. Numbers
 * are written so that they read back bit for bit (%.17g for doubles,
 * decimal for 64-bit integers). */
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "train/checkpoint.h"
#include "util/fsutil.h"
#include "util/outpath.h"
#include "train/tensor_map.h"
#include "kernels/host.h"

uint64_t lms_tokens_hash(const int32_t *tokens, size_t n) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        uint32_t v = (uint32_t)tokens[i];
        for (int b = 0; b < 4; b++) {
            h ^= (v >> (8 * b)) & 0xff;
            h *= 0x100000001b3ULL;
        }
    }
    return h;
}

/* ---- writing ------------------------------------------------------------ */

static void meta_double(lms_st_writer *w, const char *key, double v) {
    char b[64];
    snprintf(b, sizeof b, "%.17g", v);
    lms_st_writer_meta(w, key, b);
}

static void meta_long(lms_st_writer *w, const char *key, long long v) {
    char b[32];
    snprintf(b, sizeof b, "%lld", v);
    lms_st_writer_meta(w, key, b);
}

static void meta_u64(lms_st_writer *w, const char *key, uint64_t v) {
    char b[32];
    snprintf(b, sizeof b, "%" PRIu64, v);
    lms_st_writer_meta(w, key, b);
}

/* The overrides as a JSON array string (caller frees), NULL on OOM. */
static char *overrides_json(const lms_config *cfg) {
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < cfg->noverrides; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(cfg->overrides[i]));
    char *s = a ? cJSON_PrintUnformatted(a) : NULL;
    cJSON_Delete(a);
    return s;
}

static void add_state(lms_st_writer *w, const lms_train_state *st) {
    meta_long(w, "step", st->step);
    meta_u64(w, "rng_state", st->rng.state);
    meta_u64(w, "rng_inc", st->rng.inc);
    meta_double(w, "init_loss", st->init_loss);
    meta_double(w, "init_train_loss", st->init_train_loss);
    meta_long(w, "nrecent", st->nrecent);
    char buf[LMS_CKPT_RECENT * 26 + 1] = "";
    size_t n = 0;
    for (int i = 0; i < LMS_CKPT_RECENT; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%.17g", i ? " " : "",
                              st->recent[i]);
    lms_st_writer_meta(w, "recent_losses", buf);
    meta_double(w, "train_seconds", st->train_seconds);
    meta_double(w, "wall_seconds", st->wall_seconds);
    meta_long(w, "checkpoint_every", st->checkpoint_every);
    if (st->gemm >= 0)
        lms_st_writer_meta(w, "gemm",
                           lms_gemm_backend_name((lms_gemm_backend)st->gemm));
    lms_st_writer_meta(w, "precision",
                       lms_precision_name((lms_precision)st->precision));
    if (st->precision == LMS_PRECISION_BF16 && st->bf16_kernel >= 0)
        lms_st_writer_meta(
            w, "bf16_kernel",
            lms_bf16_kernel_name((lms_bf16_kernel)st->bf16_kernel));
    if (st->resume_overrides)
        lms_st_writer_meta(w, "resume_overrides", st->resume_overrides);
}

static void add_tensors(lms_st_writer *w, const lms_model *m,
                        const float *adam_m, const float *adam_v) {
    char name[160];
    for (size_t i = 0; i < m->n_tensors; i++) {
        const lms_tensor *t = &m->tensors[i];
        int64_t shape[2] = {t->shape[0], t->shape[1]};
        lms_st_writer_add(w, t->name, LMS_DTYPE_F32, t->ndim, shape, t->w);
        if (!adam_m || t->buffer)
            continue;
        size_t off = (size_t)(t->w - m->params);
        snprintf(name, sizeof name, "adam.m.%s", t->name);
        lms_st_writer_add(w, name, LMS_DTYPE_F32, t->ndim, shape, adam_m + off);
        snprintf(name, sizeof name, "adam.v.%s", t->name);
        lms_st_writer_add(w, name, LMS_DTYPE_F32, t->ndim, shape, adam_v + off);
    }
}

int lms_ckpt_save(const char *path, const lms_model *m, const float *adam_m,
                  const float *adam_v, const lms_train_state *st,
                  const lms_config *cfg, const lms_data_id *data, char *err,
                  size_t errlen) {
    lms_st_writer *w = lms_st_writer_new();
    if (!w) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    lms_st_writer_meta(w, "format", LMS_CKPT_FORMAT);
    meta_long(w, "format_version", LMS_CKPT_VERSION);
    add_tensors(w, m, adam_m, adam_v);
    if (st)
        add_state(w, st);
    if (cfg) {
        char *ov = overrides_json(cfg);
        char cfg_shown[4096];
        lms_output_path(cfg->path ? cfg->path : "", cfg_shown, sizeof cfg_shown);
        lms_st_writer_meta(w, "config_path", cfg_shown);
        lms_st_writer_meta(w, "config_text", cfg->text ? cfg->text : "");
        lms_st_writer_meta(w, "overrides", ov ? ov : "[]");
        free(ov);
    }
    if (data) {
        char shown[4096];
        lms_output_path(data->path, shown, sizeof shown);
        lms_st_writer_meta(w, "data", shown);
        meta_u64(w, "data_tokens", data->n_tokens);
        meta_u64(w, "data_hash", data->hash);
    }
    int rc = lms_st_writer_save(w, path, err, errlen);
    lms_st_writer_free(w);
    return rc;
}

/* ---- reading ------------------------------------------------------------ */

static void shape_str(char *out, size_t n, int ndim, const int64_t *shape) {
    size_t k = (size_t)snprintf(out, n, "[");
    for (int i = 0; i < ndim && k < n; i++)
        k += (size_t)snprintf(out + k, n - k, i ? ", %lld" : "%lld",
                              (long long)shape[i]);
    if (k < n)
        snprintf(out + k, n - k, "]");
}

/* Find name in f and check F32 + the tensor's shape; NULL with a message. */
static const lms_st_tensor *find_f32(const lms_st_file *f, const char *name,
                                     const lms_tensor *t, const char *path,
                                     char *err, size_t errlen) {
    int64_t want[2] = {t->shape[0], t->shape[1]};
    char ws[64], gs[160];
    shape_str(ws, sizeof ws, t->ndim, want);
    const lms_st_tensor *s = lms_st_find(f, name);
    if (!s) {
        snprintf(err, errlen, "%s: missing tensor '%s' (F32 %s)", path, name,
                 ws);
        return NULL;
    }
    shape_str(gs, sizeof gs, s->ndim, s->shape);
    if (s->dtype != LMS_DTYPE_F32) {
        snprintf(err, errlen, "%s: tensor '%s' is %s %s, expected F32 %s",
                 path, name, lms_dtype_name(s->dtype), gs, ws);
        return NULL;
    }
    int same = s->ndim == t->ndim;
    for (int i = 0; same && i < t->ndim; i++)
        same = s->shape[i] == want[i];
    if (!same) {
        snprintf(err, errlen, "%s: tensor '%s' has shape %s, the model needs "
                 "%s", path, name, gs, ws);
        return NULL;
    }
    return s;
}

int lms_ckpt_load_params(lms_model *m, const lms_st_file *f, const char *path,
                         char *err, size_t errlen) {
    return lms_tensor_map_load(m, f, NULL, path, err, errlen);
}

int lms_ckpt_load_moments(const lms_model *m, const lms_st_file *f,
                          float *adam_m, float *adam_v, const char *path,
                          char *err, size_t errlen) {
    char name[160];
    for (size_t i = 0; i < m->n_tensors; i++) {
        const lms_tensor *t = &m->tensors[i];
        if (t->buffer)
            continue;
        size_t off = (size_t)(t->w - m->params);
        for (int k = 0; k < 2; k++) {
            snprintf(name, sizeof name, "adam.%c.%s", k ? 'v' : 'm', t->name);
            const lms_st_tensor *s = find_f32(f, name, t, path, err, errlen);
            if (!s)
                return -1;
            memcpy((k ? adam_v : adam_m) + off, s->data,
                   t->numel * sizeof(float));
        }
    }
    return 0;
}

/* Metadata value of key, or NULL with "missing metadata" in err. */
static const char *need(const lms_st_file *f, const char *key,
                        const char *path, char *err, size_t errlen) {
    const char *v = lms_st_meta(f, key);
    if (!v)
        snprintf(err, errlen, "%s: not an lmstab checkpoint: missing "
                 "metadata '%s'", path, key);
    return v;
}

static int bad_value(const char *path, const char *key, const char *v,
                     const char *what, char *err, size_t errlen) {
    snprintf(err, errlen, "%s: metadata '%s': %s (got '%.40s')", path, key,
             what, v);
    return -1;
}

static int get_u64(const lms_st_file *f, const char *key, uint64_t *out,
                   const char *path, char *err, size_t errlen) {
    const char *v = need(f, key, path, err, errlen);
    if (!v)
        return -1;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (!*v || *end || errno || *v == '-' || *v == ' ')
        return bad_value(path, key, v, "must be a decimal integer", err, errlen);
    *out = (uint64_t)x;
    return 0;
}

static int get_long(const lms_st_file *f, const char *key, long min,
                    long *out, const char *path, char *err, size_t errlen) {
    const char *v = need(f, key, path, err, errlen);
    if (!v)
        return -1;
    if (lms_parse_long(v, min, LONG_MAX, out) != 0)
        return bad_value(path, key, v, "must be an integer", err, errlen);
    return 0;
}

/* Full-string double; nan and inf accepted (they round-trip too). */
static int parse_any_double(const char *s, double *out) {
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return (*s && !*end && errno != ERANGE) ? 0 : -1;
}

static int get_double(const lms_st_file *f, const char *key, double *out,
                      const char *path, char *err, size_t errlen) {
    const char *v = need(f, key, path, err, errlen);
    if (!v)
        return -1;
    if (parse_any_double(v, out) != 0)
        return bad_value(path, key, v, "must be a number", err, errlen);
    return 0;
}

/* A finite number >= min: every loss, average and time a checkpoint holds
 * (a run whose loss went non-finite stops as diverged and saves none), so
 * a NaN or inf here is a crafted or corrupt file, and would resume into a
 * wrong verdict or final loss. */
static int get_finite(const lms_st_file *f, const char *key, double min,
                      double *out, const char *path, char *err,
                      size_t errlen) {
    if (get_double(f, key, out, path, err, errlen) != 0)
        return -1;
    if (!isfinite(*out) || *out < min)
        return bad_value(path, key, lms_st_meta(f, key), min == 0
                         ? "must be a finite number >= 0"
                         : "must be a finite number", err, errlen);
    return 0;
}

static int get_recent(const lms_st_file *f, lms_train_state *st,
                      const char *path, char *err, size_t errlen) {
    const char *v = need(f, "recent_losses", path, err, errlen);
    if (!v)
        return -1;
    char buf[LMS_CKPT_RECENT * 32];
    if (snprintf(buf, sizeof buf, "%s", v) >= (int)sizeof buf)
        return bad_value(path, "recent_losses", v, "too long", err, errlen);
    int n = 0;
    for (char *save = NULL, *tok = strtok_r(buf, " ", &save); tok;
         tok = strtok_r(NULL, " ", &save)) {
        if (n >= LMS_CKPT_RECENT || parse_any_double(tok, &st->recent[n]) != 0)
            return bad_value(path, "recent_losses", v, "must be "
                             "20 numbers", err, errlen);
        if (!isfinite(st->recent[n])) {
            snprintf(err, errlen, "%s: metadata 'recent_losses': number %d "
                     "must be finite (got '%s')", path, n + 1, tok);
            return -1;
        }
        n++;
    }
    if (n != LMS_CKPT_RECENT)
        return bad_value(path, "recent_losses", v, "must be 20 numbers", err,
                         errlen);
    return 0;
}

int lms_ckpt_read_state(const lms_st_file *f, lms_train_state *st,
                        const char *path, char *err, size_t errlen) {
    memset(st, 0, sizeof *st);
    const char *fmt = need(f, "format", path, err, errlen);
    if (!fmt)
        return -1;
    if (strcmp(fmt, LMS_CKPT_FORMAT) != 0)
        return bad_value(path, "format", fmt, "not an lmstab checkpoint", err,
                         errlen);
    long ver;
    if (get_long(f, "format_version", 0, &ver, path, err, errlen))
        return -1;
    /* version 1 differs only by blow-up keys that are now rebuilt from
     * metrics.csv, so its runs resume as they are */
    if (ver < LMS_CKPT_VERSION_MIN || ver > LMS_CKPT_VERSION) {
        snprintf(err, errlen, "%s: checkpoint format version %ld, this lmstab "
                 "reads versions %d to %d", path, ver, LMS_CKPT_VERSION_MIN,
                 LMS_CKPT_VERSION);
        return -1;
    }
    if (get_long(f, "step", 0, &st->step, path, err, errlen) ||
        get_u64(f, "rng_state", &st->rng.state, path, err, errlen) ||
        get_u64(f, "rng_inc", &st->rng.inc, path, err, errlen) ||
        get_finite(f, "init_loss", -DBL_MAX, &st->init_loss, path, err, errlen) ||
        get_finite(f, "init_train_loss", -DBL_MAX, &st->init_train_loss, path, err, errlen) ||
        get_long(f, "nrecent", 0, &st->nrecent, path, err, errlen) ||
        get_recent(f, st, path, err, errlen) ||
        get_finite(f, "train_seconds", 0, &st->train_seconds, path, err, errlen) ||
        get_finite(f, "wall_seconds", 0, &st->wall_seconds, path, err, errlen))
        return -1;
    /* optional: checkpoints before it had none (0: only at the end) */
    const char *ce = lms_st_meta(f, "checkpoint_every");
    st->checkpoint_every = 0;
    if (ce && get_long(f, "checkpoint_every", 0, &st->checkpoint_every, path,
                       err, errlen))
        return -1;
    /* one loss is pushed per step */
    if (st->nrecent > st->step) {
        snprintf(err, errlen, "%s: metadata 'nrecent': must be at most the "
                 "step (%ld) (got '%ld')", path, st->step, st->nrecent);
        return -1;
    }
    if (!(st->rng.inc & 1))
        return bad_value(path, "rng_inc", lms_st_meta(f, "rng_inc"),
                         "must be odd", err, errlen);
    /* optional: checkpoints before the lmstab backend trained on OpenBLAS */
    const char *g = lms_st_meta(f, "gemm");
    lms_gemm_backend b = LMS_GEMM_OPENBLAS;
    if (g && (lms_gemm_backend_parse(g, &b) != 0 || b == LMS_GEMM_AUTO))
        return bad_value(path, "gemm", g, "must be openblas or lmstab", err,
                         errlen);
    st->gemm = (int)b;
    /* optional: checkpoints before [training] precision were fp32 */
    const char *p = lms_st_meta(f, "precision");
    lms_precision pr = LMS_PRECISION_FP32;
    if (p && lms_precision_parse(p, &pr) != 0)
        return bad_value(path, "precision", p, "must be fp32 or bf16", err,
                         errlen);
    st->precision = (int)pr;
    const char *k = lms_st_meta(f, "bf16_kernel");
    lms_bf16_kernel bk = LMS_BF16_EMULATED;
    if (k && lms_bf16_kernel_parse(k, &bk) != 0)
        return bad_value(path, "bf16_kernel", k, "must be emulated, "
                         "avx512_bf16 or amx_bf16", err, errlen);
    st->bf16_kernel = k ? (int)bk : -1;
    return 0;
}

/* 1 when cfg's overrides begin with those of the JSON array ov. */
static int overrides_begin(const lms_config *cfg, const char *ov) {
    cJSON *a = cJSON_Parse(ov);
    size_t i = 0;
    int same = cJSON_IsArray(a);
    for (cJSON *e = same ? a->child : NULL; e && same; e = e->next, i++)
        same = cJSON_IsString(e) && i < cfg->noverrides &&
               !strcmp(e->valuestring, cfg->overrides[i]);
    cJSON_Delete(a);
    return same;
}

int lms_ckpt_check_run(const lms_st_file *f, const lms_config *cfg,
                       const lms_data_id *data, const char *path, char *err,
                       size_t errlen) {
    const char *text = need(f, "config_text", path, err, errlen);
    const char *ov = text ? need(f, "overrides", path, err, errlen) : NULL;
    if (!ov)
        return -1;
    if (strcmp(text, cfg->text ? cfg->text : "") != 0) {
        snprintf(err, errlen, "%s: was written for a different config (its "
                 "text differs from %s; the original was %s)", path, cfg->path,
                 lms_st_meta(f, "config_path") ? lms_st_meta(f, "config_path")
                                               : "?");
        return -1;
    }
    if (!overrides_begin(cfg, ov)) {
        char *mine = overrides_json(cfg);
        snprintf(err, errlen, "%s: was written with --set %s, this run has "
                 "%s: resume with the run's own (leave out CONFIG and --set)",
                 path, ov, mine ? mine : "?");
        free(mine);
        return -1;
    }
    if (!data)
        return 0;
    uint64_t n, h;
    if (get_u64(f, "data_tokens", &n, path, err, errlen) ||
        get_u64(f, "data_hash", &h, path, err, errlen))
        return -1;
    if (n != data->n_tokens || h != data->hash) {
        snprintf(err, errlen, "%s: was trained on other data (%s, %" PRIu64
                 " tokens) than %s (%zu tokens): give its data with --data "
                 "FILE", path,
                 lms_st_meta(f, "data") ? lms_st_meta(f, "data") : "?", n,
                 data->path, data->n_tokens);
        return -1;
    }
    return 0;
}

int lms_ckpt_config(lms_config *c, const lms_st_file *f, const char *path,
                    char *err, size_t errlen) {
    memset(c, 0, sizeof *c);
    const char *text = need(f, "config_text", path, err, errlen);
    const char *ov = text ? need(f, "overrides", path, err, errlen) : NULL;
    if (!ov)
        return -1;
    const char *origin = lms_st_meta(f, "config_path");
    if (lms_config_load_string(c, text, origin && *origin ? origin : path, err,
                               errlen) != 0)
        return -1;
    cJSON *a = cJSON_Parse(ov);
    int rc = cJSON_IsArray(a) ? 0 : -1;
    if (rc)
        bad_value(path, "overrides", ov, "must be a JSON array of strings",
                  err, errlen);
    for (cJSON *e = a ? a->child : NULL; e && rc == 0; e = e->next) {
        if (!cJSON_IsString(e))
            rc = bad_value(path, "overrides", ov, "must be a JSON array of "
                           "strings", err, errlen);
        else
            rc = lms_config_override(c, e->valuestring, err, errlen);
    }
    cJSON_Delete(a);
    return rc;
}

/* ---- metrics.csv ---------------------------------------------------------- */

int lms_ckpt_truncate_metrics(const char *path, long step, char *err,
                              size_t errlen) {
    FILE *fp = lms_fopen_regular(path, err, errlen);
    if (!fp)
        return errno == ENOENT ? 1 : -1;
    char *out = NULL, *line = NULL;
    size_t outlen = 0, cap = 0;
    FILE *mem = open_memstream(&out, &outlen);
    ssize_t n;
    int first = 1;
    while (mem && (n = getline(&line, &cap, fp)) > 0) {
        char *end;
        long s = strtol(line, &end, 10);
        int keep = first || (end != line && *end == ',' && s < step);
        if (keep && line[n - 1] == '\n') /* a torn last line is dropped */
            fwrite(line, 1, (size_t)n, mem);
        first = 0;
    }
    free(line);
    int rerr = ferror(fp);
    fclose(fp);
    if (!mem || fclose(mem) != 0 || rerr) {
        free(out);
        snprintf(err, errlen, "%s: cannot read", path);
        return -1;
    }
    int rc = lms_write_atomic(path, out, outlen, err, errlen);
    free(out);
    return rc;
}
