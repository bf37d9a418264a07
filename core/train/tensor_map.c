/* Tensor-name maps for checkpoints of other trainers: see tensor_map.h. */
#include <stdio.h>
#include <string.h>

#include "train/tensor_map.h"
#include "util/fsutil.h"

int lms_tensor_map_add(lms_tensor_map *m, const char *rule, char *err,
                       size_t errlen) {
    const char *eq = strchr(rule, '=');
    size_t a = eq ? (size_t)(eq - rule) : 0, b = eq ? strlen(eq + 1) : 0;
    if (!eq || !a || !b || a >= sizeof m->from[0] || b >= sizeof m->to[0] ||
        strchr(eq + 1, '=')) {
        snprintf(err, errlen, "map '%s': must be OURS=THEIRS, two dotted "
                 "names of at most %zu characters", rule,
                 sizeof m->from[0] - 1);
        return -1;
    }
    if (m->n == LMS_MAP_MAX_RULES) {
        snprintf(err, errlen, "map '%s': at most %d rules", rule,
                 LMS_MAP_MAX_RULES);
        return -1;
    }
    snprintf(m->from[m->n], sizeof m->from[0], "%.*s", (int)a, rule);
    snprintf(m->to[m->n], sizeof m->to[0], "%s", eq + 1);
    m->n++;
    return 0;
}

/* GPT-2's block in nanoGPT's names (model.py); HF's are the same without
 * "transformer." when saved from GPT2Model, with it from GPT2LMHeadModel. */
static const char *const gpt2_rules[] = {
    "ln1=ln_1",           "ln2=ln_2",          "qkv=attn.c_attn",
    "proj=attn.c_proj",   "fc1=mlp.c_fc",      "fc2=mlp.c_proj",
};

int lms_tensor_map_preset(lms_tensor_map *m, const char *name, char *err,
                          size_t errlen) {
    int nano = !strcmp(name, "nanogpt"), hf = !strcmp(name, "hf-gpt2");
    if (!nano && !hf) {
        snprintf(err, errlen, "unknown map preset '%s' (nanogpt or hf-gpt2)",
                 name);
        return -1;
    }
    const char *pre = nano ? "transformer." : "";
    char rule[128];
    const char *whole[] = {"wte", "wpe"};
    for (int i = 0; i < 2; i++) {
        snprintf(rule, sizeof rule, "%s=%s%s.weight", whole[i], pre, whole[i]);
        if (lms_tensor_map_add(m, rule, err, errlen) != 0)
            return -1;
    }
    if (nano) {
        if (lms_tensor_map_add(m, "h=transformer.h", err, errlen) != 0 ||
            lms_tensor_map_add(m, "ln_f=transformer.ln_f", err, errlen) != 0)
            return -1;
    } else {
        snprintf(m->alt_prefix, sizeof m->alt_prefix, "transformer.");
        m->conv1d = 1;
    }
    for (size_t i = 0; i < sizeof gpt2_rules / sizeof *gpt2_rules; i++)
        if (lms_tensor_map_add(m, gpt2_rules[i], err, errlen) != 0)
            return -1;
    return 0;
}

/* The first occurrence of `from` in s as whole dotted pieces, or NULL. */
static char *find_pieces(char *s, const char *from) {
    size_t k = strlen(from);
    for (char *p = strstr(s, from); p; p = strstr(p + 1, from))
        if ((p == s || p[-1] == '.') && (p[k] == '\0' || p[k] == '.'))
            return p;
    return NULL;
}

void lms_tensor_map_name(const lms_tensor_map *m, const char *ours, char *out,
                         size_t cap) {
    snprintf(out, cap, "%s", ours);
    for (int i = 0; m && i < m->n; i++) {
        char *p = find_pieces(out, m->from[i]);
        if (!p)
            continue;
        char tmp[512];
        snprintf(tmp, sizeof tmp, "%.*s%s%s", (int)(p - out), out, m->to[i],
                 p + strlen(m->from[i]));
        snprintf(out, cap, "%s", tmp);
    }
}

int lms_tensor_map_unused(const lms_tensor_map *m, int first,
                          const lms_model *model) {
    for (int r = first; m && r < m->n; r++) {
        int used = 0;
        for (size_t t = 0; !used && t < model->n_tensors; t++) {
            char name[512];
            snprintf(name, sizeof name, "%s", model->tensors[t].name);
            for (int i = 0; i < r; i++) { /* the rules before it, in order */
                char *p = find_pieces(name, m->from[i]);
                if (!p)
                    continue;
                char tmp[512];
                snprintf(tmp, sizeof tmp, "%.*s%s%s", (int)(p - name), name,
                         m->to[i], p + strlen(m->from[i]));
                snprintf(name, sizeof name, "%s", tmp);
            }
            used = find_pieces(name, m->from[r]) != NULL;
        }
        if (!used)
            return r;
    }
    return -1;
}

/* A Conv1D weight of HF GPT-2: (in, out) on disk. */
static int is_conv1d(const char *theirs) {
    static const char *const sfx[] = {"attn.c_attn.weight", "attn.c_proj.weight",
                                      "mlp.c_fc.weight", "mlp.c_proj.weight"};
    size_t n = strlen(theirs);
    for (size_t i = 0; i < sizeof sfx / sizeof *sfx; i++) {
        size_t k = strlen(sfx[i]);
        if (n >= k && !strcmp(theirs + n - k, sfx[i]))
            return 1;
    }
    return 0;
}

static void shape_str(char *buf, size_t n, int ndim, const int64_t *shape) {
    int w = snprintf(buf, n, "[");
    for (int i = 0; i < ndim && w > 0 && (size_t)w < n; i++)
        w += snprintf(buf + w, n - (size_t)w, "%s%lld", i ? ", " : "",
                      (long long)shape[i]);
    if (w > 0 && (size_t)w < n)
        snprintf(buf + w, n - (size_t)w, "]");
}

/* Their tensor for our name `ours` under the map, trying the alternative
 * prefix too; `theirs` gets the name found (or, when none is, the mapped
 * name a message should show). */
static const lms_st_tensor *find_theirs(const lms_st_file *f,
                                        const lms_tensor_map *m,
                                        const char *ours, char *theirs,
                                        size_t cap) {
    char mapped[600];
    lms_tensor_map_name(m, ours, mapped, sizeof mapped);
    snprintf(theirs, cap, "%s", mapped);
    const lms_st_tensor *s = lms_st_find(f, mapped);
    if (!s && m && m->alt_prefix[0]) {
        char alt[640];
        snprintf(alt, sizeof alt, "%s%s", m->alt_prefix, mapped);
        if ((s = lms_st_find(f, alt)))
            snprintf(theirs, cap, "%s", alt);
    }
    return s;
}

static int load_one(lms_tensor *t, const lms_st_file *f,
                    const lms_tensor_map *m, const char *path, char *err,
                    size_t errlen) {
    char theirs[640];
    const lms_st_tensor *s = find_theirs(f, m, t->name, theirs, sizeof theirs);
    int64_t want[2] = {t->shape[0], t->shape[1]};
    char ws[64], gs[160];
    shape_str(ws, sizeof ws, t->ndim, want);
    if (!s) {
        snprintf(err, errlen, "%s: missing tensor '%s' (F32 %s)%s%s%s", path,
                 theirs, ws, strcmp(theirs, t->name) ? " for our '" : "",
                 strcmp(theirs, t->name) ? t->name : "",
                 strcmp(theirs, t->name) ? "'" : "");
        return -1;
    }
    shape_str(gs, sizeof gs, s->ndim, s->shape);
    if (s->dtype != LMS_DTYPE_F32) {
        snprintf(err, errlen, "%s: tensor '%s' is %s %s, expected F32 %s",
                 path, theirs, lms_dtype_name(s->dtype), gs, ws);
        return -1;
    }
    /* a Conv1D weight is always (in, out): a square one too, so the
     * layout comes from the name, never from the shape */
    const int flip = m && m->conv1d && t->ndim == 2 && is_conv1d(theirs);
    int64_t need[2] = {flip ? want[1] : want[0], flip ? want[0] : want[1]};
    int same = s->ndim == t->ndim;
    for (int i = 0; same && i < t->ndim; i++)
        same = s->shape[i] == need[i];
    if (!same) {
        shape_str(ws, sizeof ws, t->ndim, need);
        snprintf(err, errlen, "%s: tensor '%s' has shape %s, the model needs "
                 "%s%s", path, theirs, gs, ws,
                 flip ? " (a Conv1D weight, stored (in, out))" : "");
        return -1;
    }
    const float *src = s->data;
    if (!flip) {
        memcpy(t->w, src, t->numel * sizeof(float));
        return 0;
    }
    const size_t rows = (size_t)want[0], cols = (size_t)want[1];
    for (size_t r = 0; r < rows; r++) /* ours (out, in) = theirs (in, out)^T */
        for (size_t c = 0; c < cols; c++)
            t->w[r * cols + c] = src[c * rows + r];
    return 0;
}

static const lms_tensor *model_tensor(const lms_model *model,
                                      const char *name) {
    for (size_t i = 0; i < model->n_tensors; i++)
        if (!strcmp(model->tensors[i].name, name))
            return &model->tensors[i];
    return NULL;
}

/* A model that ties its output head to wte has no head of its own to load
 * a file's into. PyTorch saves a tied head twice, equal to wte; a head that
 * differs is another function, and dropping it would start a run from a
 * model the file does not hold. */
static int check_tied_head(const lms_model *model, const lms_st_file *f,
                           const lms_tensor_map *m, const char *path,
                           char *err, size_t errlen) {
    const lms_tensor *wte = model_tensor(model, "wte");
    if (!wte || model_tensor(model, "lm_head.weight"))
        return 0;
    char theirs[640], wte_theirs[640];
    const lms_st_tensor *s =
        find_theirs(f, m, "lm_head.weight", theirs, sizeof theirs);
    if (!s)
        return 0;
    if (s->dtype == LMS_DTYPE_F32 && s->numel == wte->numel &&
        !memcmp(s->data, wte->w, wte->numel * sizeof(float)))
        return 0;
    find_theirs(f, m, "wte", wte_theirs, sizeof wte_theirs);
    return lms_errf(err, errlen, "%s: tensor '%s' differs from '%s', loaded "
                    "as wte: the file's output head is untied, and this "
                    "model ties its head to wte (set model.tie_embeddings = "
                    "false to load it)", path, theirs, wte_theirs);
}

int lms_tensor_map_load(lms_model *model, const lms_st_file *f,
                        const lms_tensor_map *m, const char *path, char *err,
                        size_t errlen) {
    for (size_t i = 0; i < model->n_tensors; i++)
        if (load_one(&model->tensors[i], f, m, path, err, errlen) != 0)
            return -1;
    return check_tied_head(model, f, m, path, err, errlen);
}
