/* Autoregressive byte sampling from a checkpoint (see sample.h). Each new
 * byte costs one forward over the last `context` bytes (no KV cache: the
 * models here are small and this keeps the model code untouched). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lmstab/checkpoint.h"
#include "lmstab/rng.h"
#include "lmstab/sample.h"
#include "lmstab/train.h"
#include "vocab.h"

int lms_sampler_open(lms_sampler *s, const char *path, const char *plugin_dir,
                     char *err, size_t errlen) {
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
    if (rc == 0 && s->m.mi.vocab != 256) {
        snprintf(err, errlen, "%s: vocab_size is %d; lmstab sample only "
                 "decodes byte-level models (vocab_size 256)", path,
                 s->m.mi.vocab);
        rc = -1;
    }
    if (rc == 0)
        rc = lms_ckpt_load_params(&s->m, f, path, err, errlen);
    lms_st_close(f);
    return rc;
}

void lms_sampler_free(lms_sampler *s) {
    if (!s)
        return;
    lms_model_free(&s->m);
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

int lms_sample(lms_sampler *s, const unsigned char *prompt, size_t plen,
               const lms_sample_opts *o, unsigned char *out, char *err,
               size_t errlen) {
    const int V = s->m.mi.vocab, ctx = s->m.mi.context;
    size_t cap = (plen ? plen : 1) + (size_t)o->n_tokens;
    int32_t *toks = malloc(cap * sizeof *toks);
    double *p = malloc((size_t)V * sizeof *p);
    if (!toks || !p) {
        free(toks);
        free(p);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t n = 0;
    if (plen == 0)
        toks[n++] = '\n';
    for (size_t i = 0; i < plen; i++)
        toks[n++] = prompt[i];
    lms_rng rng;
    lms_rng_seed(&rng, o->seed, 0x5a3b1e);
    for (int i = 0; i < o->n_tokens; i++) {
        int T = n < (size_t)ctx ? (int)n : ctx;
        lms_model_forward(&s->m, toks + n - (size_t)T, NULL, 1, T, 0);
        const float *z = s->m.mapped + (size_t)(T - 1) * V;
        int t = draw(z, V, o, p, &rng);
        toks[n++] = t;
        out[i] = (unsigned char)t;
    }
    free(toks);
    free(p);
    return 0;
}
