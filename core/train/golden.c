/* `lmstab golden`: the whole model against a PyTorch reference file. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/config.h"
#include "train/golden.h"
#include "train/train.h"
#include "engine/model.h"
#include "io/safetensors.h"
#include "train/tensor_map.h"
#include "train/trainer.h"

typedef struct gold {
    const lms_golden_opts *o;
    lms_st_file *f;
    lms_trainer t; /* the model and its training step (trainer.h) */
    double opt[6]; /* the file's lr, grad_clip, beta1, beta2, eps, wd */
    int B, T;
    lms_precision precision; /* the file's (__metadata__.config precision) */
    FILE *out;
    int failures;
    /* the group of checks being printed (a step, the optimizer alone):
     * one line for it unless verbose, every check when verbose */
    char group[64];
    int g_checks, g_failures;
    double g_closest;      /* largest worst/tol among its passing checks */
    char g_closest_what[200];
    char (*names)[160]; /* file name of each model tensor */
} gold;

/* A finite number (def when absent); -1 and a message naming the key when
 * present but not a finite number. */
static int meta_num(const gold *g, cJSON *cfg, const char *key, double def,
                    double *out, char *err, size_t errlen) {
    cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, key);
    *out = def;
    if (!v)
        return 0;
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) {
        snprintf(err, errlen, "%s: metadata config '%s' must be a finite "
                 "number", g->o->golden_path, key);
        return -1;
    }
    *out = v->valuedouble;
    return 0;
}

/* A whole number in [1, 2^30]: 32.7 is an error, never truncated to 32. */
static int meta_dim(const gold *g, cJSON *cfg, const char *key, int *out,
                    char *err, size_t errlen) {
    cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, key);
    double d = cJSON_IsNumber(v) ? v->valuedouble : NAN;
    if (!(d >= 1 && d <= (double)(1 << 30)) || d != floor(d)) {
        char got[64] = "missing";
        if (cJSON_IsNumber(v))
            snprintf(got, sizeof got, "%.17g", d);
        else if (v)
            snprintf(got, sizeof got, "not a number");
        snprintf(err, errlen, "%s: metadata config '%s' must be a positive "
                 "integer (got %s)", g->o->golden_path, key, got);
        return -1;
    }
    *out = (int)d;
    return 0;
}

/* Dims and optimizer settings from __metadata__.config; dims become
 * overrides of the INI so the model is built at the file's shape. */
static int read_meta(gold *g, char *err, size_t errlen) {
    const char *js = lms_st_meta(g->f, "config");
    cJSON *cfg = js ? cJSON_Parse(js) : NULL;
    if (!cfg || !cJSON_IsObject(cfg)) {
        snprintf(err, errlen, "%s: __metadata__ has no valid JSON 'config'",
                 g->o->golden_path);
        cJSON_Delete(cfg);
        return -1;
    }
    static const char *const keys[][2] = {
        {"n_layer", "model.n_layer"}, {"d_model", "model.d_model"},
        {"n_head", "model.n_head"},   {"seq_len", "model.context"},
        {"vocab", "model.vocab_size"}};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        int v;
        if (meta_dim(g, cfg, keys[i][0], &v, err, errlen) != 0) {
            cJSON_Delete(cfg);
            return -1;
        }
        char assign[128];
        snprintf(assign, sizeof assign, "%s=%d", keys[i][1], v);
        if (lms_config_override(&g->t.cfg, assign, err, errlen) != 0) {
            cJSON_Delete(cfg);
            return -1;
        }
    }
    cJSON *tied = cJSON_GetObjectItemCaseSensitive(cfg, "tied_head");
    if (cJSON_IsBool(tied))
        lms_config_override(&g->t.cfg, cJSON_IsTrue(tied) ? "model.tie_embeddings=true"
                                                        : "model.tie_embeddings=false",
                            err, errlen);
    cJSON *prec = cJSON_GetObjectItemCaseSensitive(cfg, "precision");
    g->precision = LMS_PRECISION_FP32;
    if (prec && (!cJSON_IsString(prec) ||
                 lms_precision_parse(prec->valuestring, &g->precision) != 0)) {
        snprintf(err, errlen, "%s: metadata config 'precision' must be "
                 "\"fp32\" or \"bf16\"", g->o->golden_path);
        cJSON_Delete(cfg);
        return -1;
    }
    double *o = g->opt;
    int rc = meta_dim(g, cfg, "seq_len", &g->T, err, errlen) ||
             meta_dim(g, cfg, "batch", &g->B, err, errlen) ||
             meta_num(g, cfg, "lr", 1e-2, &o[0], err, errlen) ||
             meta_num(g, cfg, "grad_clip", 1.0, &o[1], err, errlen) ||
             meta_num(g, cfg, "beta1", 0.9, &o[2], err, errlen) ||
             meta_num(g, cfg, "beta2", 0.95, &o[3], err, errlen) ||
             meta_num(g, cfg, "adam_eps", 1e-8, &o[4], err, errlen) ||
             meta_num(g, cfg, "weight_decay", 0.1, &o[5], err, errlen);
    cJSON_Delete(cfg);
    return rc ? -1 : 0;
}

/* The file's batch and optimizer settings become the run's [training]
 * (after the user's --set: the file's step is the one checked). */
static int set_training(gold *g, char *err, size_t errlen) {
    static const char *const keys[6] = {"lr", "grad_clip", "beta1", "beta2",
                                        "eps", "weight_decay"};
    char assign[128];
    snprintf(assign, sizeof assign, "training.batch_size=%d", g->B);
    if (lms_config_override(&g->t.cfg, assign, err, errlen) != 0)
        return -1;
    for (int i = 0; i < 6; i++) {
        snprintf(assign, sizeof assign, "training.%s=%.17g", keys[i],
                 g->opt[i]);
        if (lms_config_override(&g->t.cfg, assign, err, errlen) != 0)
            return -1;
    }
    return 0;
}

/* Our names in the file: --map rules first, then the PyTorch script's
 * names of the q/k norms. */
static int golden_map(const gold *g, lms_tensor_map *m, char *err,
                      size_t errlen) {
    memset(m, 0, sizeof *m);
    for (int i = 0; i < g->o->nmaps; i++)
        if (lms_tensor_map_add(m, g->o->maps[i], err, errlen) != 0)
            return -1;
    return lms_tensor_map_add(m, "attn.q_norm=q_ln", err, errlen) ||
                   lms_tensor_map_add(m, "attn.k_norm=k_ln", err, errlen)
               ? -1
               : 0;
}

static const lms_st_tensor *need(gold *g, const char *name, size_t numel,
                                 char *err, size_t errlen) {
    const lms_st_tensor *t = lms_st_find(g->f, name);
    if (!t)
        snprintf(err, errlen, "%s: missing tensor '%s'", g->o->golden_path, name);
    else if (t->dtype != LMS_DTYPE_F32 && t->dtype != LMS_DTYPE_I32)
        snprintf(err, errlen, "%s: tensor '%s' is %s, expected F32 or I32",
                 g->o->golden_path, name, lms_dtype_name(t->dtype));
    else if (numel && t->numel != numel)
        snprintf(err, errlen, "%s: tensor '%s' has %zu elements, the model "
                 "expects %zu (wrong config for this file?)", g->o->golden_path,
                 name, t->numel, numel);
    else
        return t;
    return NULL;
}

/* Map every model tensor to its p0 tensor and check the file has no p0
 * tensor the model lacks. */
static int load_p0(gold *g, char *err, size_t errlen) {
    lms_tensor_map map;
    if (golden_map(g, &map, err, errlen) != 0)
        return -1;
    g->names = calloc(g->t.m.n_tensors, sizeof *g->names);
    if (!g->names)
        return -1;
    for (size_t i = 0; i < g->t.m.n_tensors; i++) {
        lms_tensor *t = &g->t.m.tensors[i];
        lms_tensor_map_name(&map, t->name, g->names[i], sizeof g->names[i]);
        char key[200];
        snprintf(key, sizeof key, "p0.%s", g->names[i]);
        const lms_st_tensor *s = need(g, key, t->numel, err, errlen);
        if (!s)
            return -1;
        memcpy(t->w, s->data, t->numel * sizeof(float));
    }
    for (size_t i = 0; i < lms_st_count(g->f); i++) {
        const char *n = lms_st_at(g->f, i)->name;
        if (strncmp(n, "p0.", 3) != 0)
            continue;
        int found = 0;
        for (size_t j = 0; j < g->t.m.n_tensors && !found; j++)
            found = strcmp(g->names[j], n + 3) == 0;
        if (!found) {
            snprintf(err, errlen, "%s: the file has '%s' but the model of %s "
                     "has no such parameter (wrong config for this file?)",
                     g->o->golden_path, n, g->o->config_path);
            return -1;
        }
    }
    return 0;
}

/* A group of checks: its header when verbose; group_end prints its one
 * line (how many checks, how many failed, which came closest to its
 * tolerance). */
static void group_begin(gold *g, const char *title) {
    snprintf(g->group, sizeof g->group, "%s", title);
    g->g_checks = g->g_failures = 0;
    g->g_closest = 0;
    g->g_closest_what[0] = '\0';
    if (g->o->verbose)
        fprintf(g->out, "%s:\n", title);
}

static void group_end(gold *g) {
    if (!g->group[0])
        return;
    if (g->g_failures)
        fprintf(g->out, "%s: %d of %d checks FAILED\n", g->group,
                g->g_failures, g->g_checks);
    else
        fprintf(g->out, "%s: %d checks ok (closest to its tolerance: %s at "
                "%.2g of it)\n", g->group, g->g_checks, g->g_closest_what,
                g->g_closest);
    g->group[0] = '\0';
}

/* Print and count one comparison: worst |a-b| against tol (failures always,
 * passes only when verbose). */
static void report(gold *g, const char *what, const float *a, const float *b,
                   size_t n, double tol) {
    double worst = 0.0;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - (double)b[i]);
        if (d > worst || isnan(d)) {
            worst = isnan(d) ? INFINITY : d;
            at = i;
        }
    }
    int ok = worst <= tol;
    g->failures += !ok;
    g->g_checks++;
    g->g_failures += !ok;
    if (ok && tol > 0 && worst / tol >= g->g_closest) {
        g->g_closest = worst / tol;
        snprintf(g->g_closest_what, sizeof g->g_closest_what, "%s", what);
    }
    if (!ok)
        fprintf(g->out, "  FAIL %-34s worst %.3e (tol %.1e) at %zu\n", what,
                worst, tol, at);
    else if (g->o->verbose)
        fprintf(g->out, "  ok   %-34s worst %.3e (tol %.1e)\n", what, worst, tol);
}

static double max_abs(const float *a, size_t n) {
    double m = 0.0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs((double)a[i]));
    return m;
}

/* Compare our gradients with the file's g<k>.*. */
static int check_grads(gold *g, int k, char *err, size_t errlen) {
    char key[200], what[200];
    double sq = 0.0;
    for (size_t i = 0; i < g->t.m.n_tensors; i++) {
        lms_tensor *t = &g->t.m.tensors[i];
        snprintf(key, sizeof key, "g%d.%s", k, g->names[i]);
        const lms_st_tensor *s = need(g, key, t->numel, err, errlen);
        if (!s)
            return -1;
        const float *ref = s->data;
        snprintf(what, sizeof what, "%s", key);
        report(g, what, t->dw, ref, t->numel, 1e-6 + 1e-3 * max_abs(ref, t->numel));
        for (size_t j = 0; j < t->numel; j++)
            sq += (double)t->dw[j] * t->dw[j];
    }
    snprintf(key, sizeof key, "grad_norm%d", k);
    const lms_st_tensor *s = need(g, key, 1, err, errlen);
    if (!s)
        return -1;
    float ours = (float)sqrt(sq);
    report(g, key, &ours, s->data, 1, 1e-5 * fmax(1.0, fabs(*(const float *)s->data)));
    return 0;
}

static int compare_params(gold *g, int k, double tol, const char *tag,
                          char *err, size_t errlen) {
    char key[200], what[240];
    for (size_t i = 0; i < g->t.m.n_tensors; i++) {
        lms_tensor *t = &g->t.m.tensors[i];
        snprintf(key, sizeof key, "p%d.%s", k, g->names[i]);
        const lms_st_tensor *s = need(g, key, t->numel, err, errlen);
        if (!s)
            return -1;
        snprintf(what, sizeof what, "%s%s", tag, key);
        report(g, what, t->w, s->data, t->numel, tol);
    }
    return 0;
}

/* Loads the file's p<k>.* into the model's parameters. */
static int load_params(gold *g, int k, char *err, size_t errlen) {
    char key[200];
    for (size_t i = 0; i < g->t.m.n_tensors; i++) {
        lms_tensor *t = &g->t.m.tensors[i];
        snprintf(key, sizeof key, "p%d.%s", k, g->names[i]);
        const lms_st_tensor *s = need(g, key, t->numel, err, errlen);
        if (!s)
            return -1;
        memcpy(t->w, s->data, t->numel * sizeof(float));
    }
    return 0;
}

/* The trainer's update (clip, AdamW) at the file's lr as step k. */
static int update(gold *g, int k, char *err, size_t errlen) {
    double gnorm;
    if (lms_trainer_update(&g->t, k, (float)g->t.tc.lr, &gnorm, err,
                           errlen) != 0)
        return -1;
    return 0;
}

/* The update on its own: p0 + g0 -> p1, p1 + g1 -> p2 from the file's
 * values (its gradients written into the model's). */
static int check_optimizer(gold *g, char *err, size_t errlen) {
    group_begin(g, "optimizer alone (file gradients)");
    lms_model *m = &g->t.m;
    memset(g->t.mstate, 0, m->n_params * sizeof(float));
    memset(g->t.vstate, 0, m->n_params * sizeof(float));
    int rc = load_params(g, 0, err, errlen);
    for (int k = 0; k < 2 && rc == 0; k++) {
        char key[200];
        lms_model_zero_grad(m);
        for (size_t i = 0; i < m->n_tensors && rc == 0; i++) {
            lms_tensor *t = &m->tensors[i];
            snprintf(key, sizeof key, "g%d.%s", k, g->names[i]);
            const lms_st_tensor *s = need(g, key, t->numel, err, errlen);
            if (s)
                memcpy(t->dw, s->data, t->numel * sizeof(float));
            else
                rc = -1;
        }
        if (rc == 0 && k == 1) /* continue from the file's p1, not ours */
            rc = load_params(g, 1, err, errlen);
        if (rc == 0)
            rc = update(g, k, err, errlen);
        if (rc == 0)
            rc = compare_params(g, k + 1, 1e-6, "adamw ", err, errlen);
    }
    return rc;
}

static float loss_at(gold *g, const char *key, char *err, size_t errlen,
                     int *ok) {
    const lms_st_tensor *s = need(g, key, 1, err, errlen);
    *ok = s != NULL;
    return s ? *(const float *)s->data : 0.0f;
}

/* The trainer's forward and backward on the file's batch (t.x, t.y);
 * *loss as the model returns it. A non-finite loss is counted as a
 * failure of `key` (1 returned: no gradients to compare). */
static int fwd_bwd(gold *g, int k, const char *key, float *loss) {
    double l;
    char why[512];
    int bad = lms_trainer_forward_backward(&g->t, k, 0, &l, why, sizeof why);
    *loss = (float)l;
    if (bad) {
        g->failures++;
        g->g_checks++;
        g->g_failures++;
        fprintf(g->out, "  FAIL %-34s %s\n", key, why);
    }
    return bad;
}

/* bf16 rule for step 1: loss1 and g1 at the file's p1, not at ours (Adam
 * turns bf16 rounding differences in near-zero gradients into full-size
 * steps, so our p1 may differ by up to 2 lr). Our parameters are kept. */
static int check_at_file_p1(gold *g, char *err, size_t errlen) {
    const size_t np = g->t.m.n_params;
    float *own = malloc(np * sizeof(float));
    if (!own) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(own, g->t.m.params, np * sizeof(float));
    int ok = load_params(g, 1, err, errlen) == 0;
    float loss;
    if (ok && !fwd_bwd(g, 1, "loss1 (at the file's p1)", &loss)) {
        float ref = loss_at(g, "loss1", err, errlen, &ok);
        if (ok) {
            report(g, "loss1 (at the file's p1)", &loss, &ref, 1, 1e-5);
            ok = check_grads(g, 1, err, errlen) == 0;
        }
    }
    memcpy(g->t.m.params, own, np * sizeof(float));
    free(own);
    return ok ? 0 : -1;
}

/* Step k's loss (and at k = 0 the logits) against the file. */
static int check_loss(gold *g, int k, float loss, char *err, size_t errlen) {
    const int bf16 = g->precision == LMS_PRECISION_BF16;
    char key[32];
    int ok;
    snprintf(key, sizeof key, "loss%d", k);
    float ref = loss_at(g, key, err, errlen, &ok);
    if (!ok)
        return -1;
    report(g, key, &loss, &ref, 1, bf16 && k == 2 ? 5e-4 : 1e-5);
    if (k != 0)
        return 0;
    const lms_st_tensor *lg = need(g, "logits0",
        (size_t)g->B * g->T * g->t.m.mi.vocab, err, errlen);
    if (!lg)
        return -1;
    report(g, "logits0", g->t.m.mapped, lg->data, lg->numel, 1e-5);
    return 0;
}

/* The trainer's steps from p0 against the file. fp32 files: every loss,
 * logits0 and gradient at our own parameters, p1 and p2 within 1e-3. bf16
 * files (golden README, bf16/): the same for step 0; loss1 and g1 at the
 * file's p1; our own p1, p2 within 3e-2 and loss2 within 5e-4. */
static int check_end_to_end(gold *g, char *err, size_t errlen) {
    const int bf16 = g->precision == LMS_PRECISION_BF16;
    for (int k = 0; k <= 2; k++) {
        const int at_file = bf16 && k == 1;
        char title[64], key[32];
        snprintf(title, sizeof title, at_file ? "step %d (model; loss1, g1 at "
                 "the file's p1)" : "step %d (model)", k);
        snprintf(key, sizeof key, "loss%d", k);
        group_end(g);
        group_begin(g, title);
        if (at_file && check_at_file_p1(g, err, errlen) != 0)
            return -1;
        float loss;
        if (fwd_bwd(g, k, key, &loss))
            return 0; /* counted as a failure */
        if (!at_file && check_loss(g, k, loss, err, errlen) != 0)
            return -1;
        if (k == 2)
            break;
        if (!at_file && check_grads(g, k, err, errlen) != 0)
            return -1;
        if (update(g, k, err, errlen) != 0 ||
            compare_params(g, k + 1, bf16 ? 3e-2 : 1e-3, "", err, errlen) != 0)
            return -1;
    }
    return 0;
}

/* The file's batch into t.x, t.y, every token checked. */
static int load_batch(gold *g, char *err, size_t errlen) {
    size_t BT = (size_t)g->B * g->T;
    const lms_st_tensor *x = need(g, "x", BT, err, errlen);
    const lms_st_tensor *y = x ? need(g, "y", BT, err, errlen) : NULL;
    if (!x || !y)
        return -1;
    if (x->dtype != LMS_DTYPE_I32 || y->dtype != LMS_DTYPE_I32) {
        snprintf(err, errlen, "%s: x and y must be I32", g->o->golden_path);
        return -1;
    }
    for (size_t i = 0; i < BT; i++) {
        int32_t a = ((const int32_t *)x->data)[i], b = ((const int32_t *)y->data)[i];
        if (a < 0 || a >= g->t.m.mi.vocab || b < 0 || b >= g->t.m.mi.vocab) {
            snprintf(err, errlen, "%s: token out of range at %zu",
                     g->o->golden_path, i);
            return -1;
        }
    }
    memcpy(g->t.x, x->data, BT * sizeof(int32_t));
    memcpy(g->t.y, y->data, BT * sizeof(int32_t));
    return 0;
}

/* The config with the file's dims, then --set, then the file's training
 * settings; the model's precision must be the file's. */
static int golden_config(gold *g, char *err, size_t errlen) {
    const lms_golden_opts *o = g->o;
    if (!(g->f = lms_st_open(o->golden_path, err, errlen)) ||
        lms_config_load(&g->t.cfg, o->config_path, err, errlen) != 0 ||
        read_meta(g, err, errlen) != 0)
        return -1;
    for (int i = 0; i < o->nsets; i++)
        if (lms_config_override(&g->t.cfg, o->sets[i], err, errlen) != 0)
            return -1;
    if (set_training(g, err, errlen) != 0)
        return -1;
    lms_precision prec; /* the model's, which must be the file's */
    if (lms_train_cfg_precision(&g->t.cfg, &prec, err, errlen) != 0)
        return -1;
    if (prec != g->precision) {
        snprintf(err, errlen, "%s was made at precision %s, the model of %s "
                 "runs at %s: add --set training.precision=%s", o->golden_path,
                 lms_precision_name(g->precision), o->config_path,
                 lms_precision_name(prec), lms_precision_name(g->precision));
        return -1;
    }
    return 0;
}

static int run(gold *g, char *err, size_t errlen) {
    /* no data: the batch is the file's; threads as they are */
    lms_trainer_opts to = {g->o->plugin_dir, NULL, -1, 1, NULL, NULL};
    if (golden_config(g, err, errlen) != 0 ||
        lms_trainer_open(&g->t, &to, err, errlen) != 0)
        return -1;
    lms_sgemm_set_backend(g->t.tc.gemm); /* check either backend */
    if (g->T != g->t.m.mi.context) { /* a --set of model.context */
        snprintf(err, errlen, "%s: seq_len %d is not the model's context "
                 "%d", g->o->golden_path, g->T, g->t.m.mi.context);
        return -1;
    }
    if (load_batch(g, err, errlen) != 0 || load_p0(g, err, errlen) != 0)
        return -1;
    int rc = check_end_to_end(g, err, errlen);
    group_end(g);
    if (rc == 0) {
        rc = check_optimizer(g, err, errlen);
        group_end(g);
    }
    return rc;
}

int lms_golden_run(const lms_golden_opts *o, FILE *out, char *err,
                   size_t errlen) {
    gold g;
    memset(&g, 0, sizeof g);
    g.o = o;
    g.out = out;
    err[0] = '\0';
    int rc = run(&g, err, errlen);
    if (rc == 0 && g.precision == LMS_PRECISION_BF16)
        fprintf(out, "bf16 products on the %s kernel; bf16 tolerances of the "
                "golden README\n", lms_bf16_kernel_name(lms_get_bf16_kernel()));
    if (rc == 0)
        fprintf(out, "%s: %s against %s (%d failures)\n",
                g.failures ? "MISMATCH" : "MATCH", o->config_path,
                o->golden_path, g.failures);
    lms_trainer_close(&g.t);
    lms_st_close(g.f);
    free(g.names);
    return rc != 0 ? -1 : (g.failures ? 1 : 0);
}
