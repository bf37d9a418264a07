/* [training] and [data] sections, read with the names, defaults and valid
 * ranges of core/io/core_keys.c. */
#include <stdio.h>
#include <string.h>

#include "io/core_keys.h"
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
    /* defaults and bounds: core/io/core_keys.c */
    if (lms_core_float(c, s, "lr", &t->lr, err, errlen) ||
        lms_core_int(c, s, "max_steps", &t->max_steps, err, errlen) ||
        lms_core_int(c, s, "batch_size", &t->batch_size, err, errlen) ||
        lms_core_int(c, s, "warmup_steps", &t->warmup_steps, err, errlen) ||
        lms_core_int(c, s, "eval_every", &t->eval_every, err, errlen) ||
        lms_core_int(c, s, "eval_batches", &t->eval_batches, err, errlen) ||
        lms_core_int(c, s, "seed", &t->seed, err, errlen) ||
        lms_core_int(c, s, "log_every", &t->log_every, err, errlen) ||
        lms_core_int(c, s, "instrument_every", &t->instrument_every, err, errlen) ||
        lms_core_int(c, s, "threads", &t->threads, err, errlen) ||
        lms_core_bool(c, s, "adapt_threads", &t->adapt_threads, err, errlen) ||
        lms_core_float(c, s, "weight_decay", &t->weight_decay, err, errlen) ||
        lms_core_float(c, s, "beta1", &t->beta1, err, errlen) ||
        lms_core_float(c, s, "beta2", &t->beta2, err, errlen) ||
        lms_core_float(c, s, "eps", &t->eps, err, errlen) ||
        lms_core_float(c, s, "grad_clip", &t->grad_clip, err, errlen) ||
        lms_core_float(c, s, "min_lr_ratio", &t->min_lr_ratio, err, errlen))
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

const char *lms_verdict_name(lms_verdict v) {
    switch (v) {
    case LMS_CONVERGED: return "converged";
    case LMS_SPIKED: return "spiked";
    case LMS_COLLAPSED: return "collapsed";
    case LMS_DIVERGED: return "diverged";
    }
    return "unknown";
}
