/* [training] and [data] sections: names, defaults and valid ranges. */
#include <stdio.h>
#include <string.h>

#include "train/train.h"
#include "train/verdict.h"

int lms_train_cfg_gemm(lms_config *c, lms_gemm_backend *out, char *err,
                       size_t errlen) {
    *out = LMS_GEMM_OPENBLAS;
    lms_cfg_entry *e = lms_config_find(c, "training", "gemm");
    if (e && lms_gemm_backend_parse(e->value, out) != 0) {
        lms_config_errorf(e, err, errlen, "must be openblas, lmstab, auto or "
                          "onednn (got '%s')", e->value);
        return -1;
    }
    if (e && !lms_gemm_backend_available(*out)) {
        lms_config_errorf(e, err, errlen, "this build has no oneDNN (install "
                          "libdnnl-dev and rebuild; `lmstab --version` says "
                          "what a build has)");
        return -1;
    }
    return 0;
}

int lms_train_cfg_precision(lms_config *c, lms_precision *out, char *err,
                            size_t errlen) {
    *out = LMS_PRECISION_FP32;
    lms_cfg_entry *e = lms_config_find(c, "training", "precision");
    if (e && lms_precision_parse(e->value, out) != 0) {
        lms_config_errorf(e, err, errlen, "must be fp32 or bf16 (got '%s')",
                          e->value);
        return -1;
    }
    return 0;
}

int lms_train_cfg_read(lms_train_cfg *t, lms_config *c, char *err,
                       size_t errlen) {
    memset(t, 0, sizeof *t);
    const char *s = "training";
    if (lms_config_float(c, s, "lr", 3e-3, 0.0, 1e3, &t->lr, err, errlen) ||
        lms_config_int(c, s, "max_steps", 1000, 1, 100000000, &t->max_steps, err, errlen) ||
        lms_config_int(c, s, "batch_size", 16, 1, 1 << 16, &t->batch_size, err, errlen) ||
        lms_config_int(c, s, "warmup_steps", 100, 0, 100000000, &t->warmup_steps, err, errlen) ||
        lms_config_int(c, s, "eval_every", 100, 0, 100000000, &t->eval_every, err, errlen) ||
        lms_config_int(c, s, "eval_batches", 20, 1, 100000, &t->eval_batches, err, errlen) ||
        lms_config_int(c, s, "seed", 1337, 0, 0x7fffffffL, &t->seed, err, errlen) ||
        lms_config_int(c, s, "log_every", 10, 1, 100000000, &t->log_every, err, errlen) ||
        lms_config_int(c, s, "instrument_every", 10, 0, 100000000, &t->instrument_every, err, errlen) ||
        lms_config_int(c, s, "threads", 0, 0, 1024, &t->threads, err, errlen) ||
        lms_config_float(c, s, "weight_decay", 0.1, 0.0, 10.0, &t->weight_decay, err, errlen) ||
        lms_config_float(c, s, "beta1", 0.9, 0.0, 0.999999, &t->beta1, err, errlen) ||
        lms_config_float(c, s, "beta2", 0.95, 0.0, 0.999999, &t->beta2, err, errlen) ||
        lms_config_float(c, s, "eps", 1e-8, 1e-30, 1.0, &t->eps, err, errlen) ||
        lms_config_float(c, s, "grad_clip", 1.0, 0.0, 1e9, &t->grad_clip, err, errlen) ||
        lms_config_float(c, s, "min_lr_ratio", 0.1, 0.0, 1.0, &t->min_lr_ratio, err, errlen))
        return -1;
    lms_cfg_entry *e = lms_config_find(c, s, "schedule");
    t->schedule = LMS_SCHED_COSINE;
    if (e) {
        if (!strcmp(e->value, "cosine"))
            t->schedule = LMS_SCHED_COSINE;
        else if (!strcmp(e->value, "constant"))
            t->schedule = LMS_SCHED_CONSTANT;
        else if (!strcmp(e->value, "linear"))
            t->schedule = LMS_SCHED_LINEAR;
        else {
            lms_config_errorf(e, err, errlen, "must be cosine, constant or "
                              "linear (got '%s')", e->value);
            return -1;
        }
    }
    if (lms_train_cfg_gemm(c, &t->gemm, err, errlen) != 0 ||
        lms_train_cfg_precision(c, &t->precision, err, errlen) != 0)
        return -1;
    lms_config_has_section(c, s);
    lms_config_has_section(c, "data");
    t->train_path = lms_config_str(c, "data", "train", NULL);
    t->tokenizer_path = lms_config_str(c, "data", "tokenizer", NULL);
    t->val_path = lms_config_str(c, "data", "val", NULL);
    return 0;
}

/* Accepted keys per fixed section, for "unknown key" messages. */
const char *lms_train_accepted_keys(void *user, const char *section);
const char *lms_train_accepted_keys(void *user, const char *section) {
    (void)user;
    if (!strcmp(section, "training"))
        return "lr, max_steps, batch_size, warmup_steps, eval_every, "
               "eval_batches, seed, log_every, instrument_every, "
               "weight_decay, beta1, beta2, eps, grad_clip, min_lr_ratio, "
               "schedule, gemm, precision, threads";
    if (!strcmp(section, "data"))
        return "train, val, tokenizer";
    if (!strcmp(section, "verdict"))
        return lms_verdict_keys();
    if (!strcmp(section, "model"))
        return "vocab_size, context, d_model, n_layer, n_head, "
               "tie_embeddings, init_std, final_norm, logit_cap, aux_loss";
    if (!strcmp(section, "block"))
        return "attn, mlp";
    return NULL;
}

const char *lms_verdict_name(lms_verdict v) {
    switch (v) {
    case LMS_CONVERGED: return "converged";
    case LMS_SPIKED: return "spiked";
    case LMS_COLLAPSED: return "collapsed";
    case LMS_DIVERGED: return "diverged";
    }
    return "unknown";
}
