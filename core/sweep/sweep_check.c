/* A sweep's configs checked before its first run: each variant's config
 * with the sweep's overrides, read and built as `lmstab train` will (its
 * plugins loaded and planned, every key known), so that a typo in
 * [overrides] fails the sweep at once at its line, with the suggestion of
 * the strict parser, rather than every run failing with the reason inside
 * its train.log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/core_keys.h"
#include "io/data.h"
#include "sweep/sweep.h"
#include "train/train_job.h"
#include "io/vocab.h"
#include "util/appendf.h"
#include "util/fsutil.h"
#include "util/sha256.h"

/* What a shard that records no vocabulary was found to hold (its tokens
 * read once for the sweep's check, not once per variant): the data and
 * validation specs it was read for, and the facts lms_vocab_check needs. */
typedef struct read_shard {
    char data[4096], val[4096];
    lms_data facts; /* tokens freed: vocab, max_token, id_bytes, path */
    int have;
} read_shard;

/* Variant v's config with the overrides; 0, or -1 with a message. */
static int check_variant(lms_sweep *s, int v, lms_loader *ld,
                         read_shard *rd, char *err, size_t errlen) {
    lms_config c;
    lms_model m;
    lms_train_cfg tc;
    lms_verdict_cfg vc;
    memset(&m, 0, sizeof m);
    int rc = lms_config_load(&c, s->configs[v], err, errlen);
    for (int i = 0; rc == 0 && i < s->n_sets; i++)
        rc = s->set_line[i] > 0
                 ? lms_config_override_at(&c, s->sets[i], s->path,
                                          s->set_line[i], err, errlen)
                 : lms_config_override(&c, s->sets[i], err, errlen);
    char data[4096];
    if (rc == 0)
        rc = lms_train_cfg_read(&tc, &c, err, errlen);
    if (rc == 0)
        rc = lms_data_resolve(s->data_path[0] ? s->data_path : NULL,
                              tc.train_path, data, sizeof data, err, errlen);
    /* what each run's load would refuse, found once here (no tokens read;
     * below, a shard that records no vocabulary is) */
    if (rc == 0)
        rc = lms_data_probe(data, tc.val_path, err, errlen);
    if (rc == 0)
        rc = lms_vocab_from_data(&c, data, err, errlen);
    if (rc == 0)
        rc = lms_verdict_cfg_read(&vc, &c, err, errlen);
    /* batch 1: the check needs the plans, not the activations */
    if (rc == 0)
        rc = lms_model_build(&m, &c, ld, 1, err, errlen);
    /* a model too small for its data's vocabulary: each run's load would
     * refuse it (lms_vocab_check); found here for text (256 byte values)
     * and shards whose header records one, without reading the tokens
     * (0: a shard that records none, read below) */
    int dv = 0;
    if (rc == 0 && lms_data_known_vocab(data, &dv, err, errlen) != 0)
        rc = -1;
    if (rc == 0 && m.mi.vocab < dv) {
        lms_cfg_entry *e = lms_config_find(&c, "model", "vocab_size");
        if (e)
            lms_config_errorf(e, err, errlen, "is %d, but %s has a vocabulary "
                              "of %d: set model.vocab_size = %d, or auto to "
                              "take it from the data", m.mi.vocab, data, dv, dv);
        else
            snprintf(err, errlen, "[model] vocab_size (default 256) is less "
                     "than the vocabulary of %.1800s, %d: set model.vocab_size = "
                     "%d, or auto to take it from the data", data, dv, dv);
        rc = -1;
    }
    /* a shard that records no vocabulary (llm.c's): its largest token id
     * decides, as at each run's load; read once here rather than failing
     * every run */
    if (rc == 0 && dv == 0) {
        const char *val = tc.val_path ? tc.val_path : "";
        if (!rd->have || strcmp(rd->data, data) || strcmp(rd->val, val)) {
            lms_data d;
            memset(&d, 0, sizeof d);
            rc = lms_data_load_split(&d, data, tc.val_path, m.mi.context, err,
                                     errlen);
            if (rc == 0) {
                rd->facts = d;
                rd->facts.tokens = NULL;
                snprintf(rd->data, sizeof rd->data, "%s", data);
                snprintf(rd->val, sizeof rd->val, "%s", val);
                rd->have = 1;
            }
            lms_data_free(&d);
        }
        if (rc == 0)
            rc = lms_vocab_check(&c, &rd->facts, m.mi.vocab, err, errlen);
    }
    if (rc == 0)
        rc = lms_config_check_unused(&c, lms_core_accepted, NULL, err,
                                     errlen);
    /* what [sweep] reuse compares: the data and tokenizer by content */
    s->data_sha[v][0] = s->tok_sha[v][0] = s->val_sha[v][0] = '\0';
    unsigned long long bytes;
    if (rc == 0 && s->n_reuse > 0 &&
        lms_sha256_file(data, s->data_sha[v], &bytes) != 0)
        s->data_sha[v][0] = '\0'; /* (a list of shards: nothing reused) */
    if (rc == 0 && s->n_reuse > 0 && tc.tokenizer_path &&
        *tc.tokenizer_path &&
        lms_sha256_file(tc.tokenizer_path, s->tok_sha[v], &bytes) != 0)
        rc = lms_errf(err, errlen, "%s: cannot be read for its SHA-256",
                      tc.tokenizer_path);
    if (rc == 0 && s->n_reuse > 0 && tc.val_path && *tc.val_path &&
        lms_sha256_file(tc.val_path, s->val_sha[v], &bytes) != 0)
        s->val_sha[v][0] = '\0'; /* (nothing reused: it cannot be matched) */
    if (rc == 0) {
        s->max_steps[v] = tc.max_steps;
        s->gemm[v] = (int)tc.gemm;
        s->bf16[v] = s->precisions[v][0] ? !strcmp(s->precisions[v], "bf16")
                                          : tc.precision == LMS_PRECISION_BF16;
    }
    lms_model_free(&m);
    lms_config_free(&c);
    return rc;
}

/* Keys the sweep itself sets for every run (lms_sweep_run_sets, --data):
 * an override of one would be recorded in sweep.json and named as a
 * setting by compare, yet never reach a run. 0, or -1 naming its line (or
 * its --set) and where the value comes from. */
static int owned_keys(const lms_sweep *s, char *err, size_t errlen) {
    int precisions = 0;
    for (int v = 0; v < s->n_variants; v++)
        precisions |= s->precisions[v][0] != '\0';
    for (int i = 0; i < s->n_sets; i++) {
        const char *kv = s->sets[i];
        const size_t k = strcspn(kv, "=");
        const char *why = NULL;
        if (k == 11 && !strncmp(kv, "training.lr", k))
            why = "each run's learning rate comes from lr_min, lr_max and "
                  "lr_ratio (and the edge bands)";
        else if (k == 13 && !strncmp(kv, "training.seed", k))
            why = "each run's seed comes from seeds";
        else if (k == 18 && !strncmp(kv, "training.precision", k) && precisions)
            why = "each variant's precision comes from [sweep] precisions";
        else if (k == 10 && !strncmp(kv, "data.train", k) && s->data_path[0])
            why = "the training data is [sweep] data (or --data): give it "
                  "once";
        if (!why)
            continue;
        if (s->set_line[i] > 0)
            return lms_errf(err, errlen, "%s:%d: %.*s: the sweep sets it: %s",
                            s->path, s->set_line[i], (int)k, kv, why);
        return lms_errf(err, errlen, "--set %.*s: the sweep sets it: %s",
                        (int)k, kv, why);
    }
    return 0;
}

int lms_sweep_check(lms_sweep *s, char *err, size_t errlen) {
    if (owned_keys(s, err, errlen) != 0)
        return -1;
    lms_loader *ld = lms_loader_new(s->plugin_dir[0] ? s->plugin_dir : NULL);
    if (!ld) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    read_shard *rd = calloc(1, sizeof *rd); /* (large: not on the stack) */
    if (!rd) {
        lms_loader_free(ld);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = 0;
    for (int v = 0; v < s->n_variants && rc == 0; v++) {
        char e2[2048];
        rc = check_variant(s, v, ld, rd, e2, sizeof e2);
        if (rc != 0)
            snprintf(err, errlen, "%s (variant %s, checked before the first "
                     "run)", e2, s->variants[v]);
    }
    /* the plugins the runs load, by name and version ([sweep] reuse) */
    size_t k = 0;
    s->plugins[0] = '\0';
    for (int i = 0; rc == 0 && i < lms_loader_nloaded(ld); i++) {
        const lms_plugin *p = lms_loader_loaded(ld, i);
        lms_appendf(s->plugins, sizeof s->plugins, &k, "%s %s\n", p->name,
                    p->desc->version);
    }
    free(rd);
    lms_loader_free(ld);
    return rc;
}
