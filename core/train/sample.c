/* Autoregressive byte sampling from a checkpoint (see sample.h). Each new
 * byte costs one forward over the last `context` bytes (no KV cache: the
 * models here are small and this keeps the model code untouched). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "train/checkpoint.h"
#include "util/rng.h"
#include "train/sample.h"
#include "train/train.h"
#include "io/tokenizer.h"
#include "io/vocab.h"

/* A token model's tokenizer: the given one, else the run's data.tokenizer. */
static int open_tokenizer(lms_sampler *s, const char *given, const char *path,
                          char *err, size_t errlen) {
    const char *tp = given ? given
                           : lms_config_str(&s->cfg, "data", "tokenizer", NULL);
    if (!tp || !*tp) {
        snprintf(err, errlen, "%s: the model's vocabulary is %d tokens and "
                 "its run names no tokenizer (data.tokenizer): give one with "
                 "--tokenizer FILE.model", path, s->m.mi.vocab);
        return -1;
    }
    snprintf(s->tok_path, sizeof s->tok_path, "%s", tp);
    char msg[3000];
    if (!(s->tok = lms_tok_load(tp, msg, sizeof msg))) {
        snprintf(err, errlen, "%s%s", msg, given ? "" : " (the run's "
                 "data.tokenizer; give another with --tokenizer FILE.model)");
        return -1;
    }
    if (lms_tok_vocab(s->tok) != s->m.mi.vocab) {
        snprintf(err, errlen, "%s has %d pieces, the model of %s %d tokens: "
                 "not its tokenizer", tp, lms_tok_vocab(s->tok), path,
                 s->m.mi.vocab);
        return -1;
    }
    return 0;
}

int lms_sampler_open(lms_sampler *s, const char *path, const char *plugin_dir,
                     const char *tokenizer, char *err, size_t errlen) {
    memset(s, 0, sizeof *s);
    s->step = -1;
    /* a run directory: its final weights, else (a run in progress or
     * stopped) its checkpoint */
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(s->file, sizeof s->file, "%s/" LMS_WEIGHTS_FILE, path);
        if (stat(s->file, &st) != 0)
            snprintf(s->file, sizeof s->file, "%s/" LMS_CKPT_FILE, path);
    } else
        snprintf(s->file, sizeof s->file, "%s", path);
    path = s->file;
    lms_st_file *f = lms_st_open(path, err, errlen);
    if (!f)
        return -1;
    const char *step = lms_st_meta(f, "step");
    if (step)
        s->step = strtol(step, NULL, 10);
    int rc = lms_ckpt_config(&s->cfg, f, path, err, errlen);
    /* a run with vocab_size = auto: the vocabulary its tensors were made with */
    const lms_st_tensor *wte = lms_st_find(f, "wte");
    if (rc == 0 && wte && wte->ndim == 2 && wte->shape[0] <= (1 << 20))
        lms_vocab_set_auto(&s->cfg, (int)wte->shape[0]);
    if (rc == 0 && !(s->ld = lms_loader_new(plugin_dir))) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    lms_precision prec = LMS_PRECISION_FP32; /* the run's, for its products */
    if (rc == 0)
        rc = lms_train_cfg_precision(&s->cfg, &prec, err, errlen);
    if (rc == 0) {
        lms_set_precision(prec);
        rc = lms_model_build(&s->m, &s->cfg, s->ld, 1, err, errlen);
    }
    if (rc == 0 && (s->m.mi.vocab != 256 || tokenizer))
        rc = open_tokenizer(s, tokenizer, path, err, errlen);
    if (rc == 0)
        rc = lms_ckpt_load_params(&s->m, f, path, err, errlen);
    lms_st_close(f);
    return rc;
}

void lms_sampler_free(lms_sampler *s) {
    if (!s)
        return;
    lms_model_free(&s->m);
    lms_tok_free(s->tok);
    lms_loader_free(s->ld);
    lms_config_free(&s->cfg);
    memset(s, 0, sizeof *s);
}

/* Draw one token from logits z (V) with temperature and top-k; p is a V
 * double scratch. Greedy when temperature is 0. Ties go to the lower id. */
static int draw(const float *z, int V, const lms_sample_opts *o, double *p,
                lms_rng *rng) {
    int best = 0;
    for (int v = 1; v < V; v++)
        if (z[v] > z[best])
            best = v;
    if (o->temperature <= 0.0)
        return best;
    double cut = -INFINITY; /* keep logits >= the k-th largest */
    if (o->top_k > 0 && o->top_k < V) {
        for (int v = 0; v < V; v++)
            p[v] = z[v];
        for (int k = 0; k < o->top_k; k++) { /* k partial max passes */
            int mi = -1;
            for (int v = 0; v < V; v++)
                if (p[v] > -INFINITY && (mi < 0 || p[v] > p[mi]))
                    mi = v;
            if (mi < 0)
                break;
            cut = p[mi];
            p[mi] = -INFINITY;
        }
    }
    double sum = 0.0;
    for (int v = 0; v < V; v++) {
        p[v] = z[v] >= cut ? exp((z[v] - z[best]) / o->temperature) : 0.0;
        sum += p[v];
    }
    double u = (double)lms_rng_uniform(rng) * sum, acc = 0.0;
    for (int v = 0; v < V; v++) {
        acc += p[v];
        if (p[v] > 0.0 && u < acc)
            return v;
    }
    return best;
}

/* The prompt as token ids (*n of them, malloc'ed with room for extra
 * more): bytes, or the tokenizer's encoding; an empty prompt is "\n". */
static int32_t *prompt_ids(const lms_sampler *s, const unsigned char *prompt,
                           size_t plen, size_t extra, size_t *n, char *err,
                           size_t errlen) {
    const unsigned char *text = plen ? prompt : (const unsigned char *)"\n";
    const size_t len = plen ? plen : 1;
    int32_t *ids = NULL;
    *n = 0;
    if (s->tok) {
        int32_t *enc;
        if (lms_tok_encode(s->tok, (const char *)text, len, &enc, n, err,
                           errlen) != 0)
            return NULL;
        ids = realloc(enc, (*n + extra + 1) * sizeof *ids);
        if (!ids)
            free(enc);
    } else if ((ids = malloc((len + extra) * sizeof *ids))) {
        for (size_t i = 0; i < len; i++)
            ids[i] = text[i];
        *n = len;
    }
    if (!ids)
        snprintf(err, errlen, "out of memory");
    return ids;
}

int lms_sample(lms_sampler *s, const unsigned char *prompt, size_t plen,
               const lms_sample_opts *o, char **out, size_t *out_len,
               char *err, size_t errlen) {
    const int V = s->m.mi.vocab, ctx = s->m.mi.context;
    *out = NULL;
    *out_len = 0;
    size_t n, n0;
    int32_t *toks = prompt_ids(s, prompt, plen, (size_t)o->n_tokens, &n, err,
                               errlen);
    double *p = toks ? malloc((size_t)V * sizeof *p) : NULL;
    if (!p) {
        if (toks)
            snprintf(err, errlen, "out of memory");
        free(toks);
        return -1;
    }
    n0 = n;
    lms_rng rng;
    lms_rng_seed(&rng, o->seed, 0x5a3b1e);
    for (int i = 0; i < o->n_tokens; i++) {
        int T = n < (size_t)ctx ? (int)n : ctx;
        lms_model_forward(&s->m, toks + n - (size_t)T, NULL, 1, T, 0);
        const float *z = s->m.mapped + (size_t)(T - 1) * V;
        toks[n++] = draw(z, V, o, p, &rng);
    }
    free(p);
    int rc = 0;
    if (s->tok) {
        rc = lms_tok_decode(s->tok, toks + n0, n - n0, out, out_len, err,
                            errlen);
    } else if ((*out = malloc(n - n0 + 1))) {
        for (size_t i = n0; i < n; i++)
            (*out)[i - n0] = (char)toks[i];
        (*out)[n - n0] = '\0';
        *out_len = n - n0;
    } else {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    free(toks);
    return rc;
}
