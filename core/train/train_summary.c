/* The end of a training job: final evaluation, verdict, message and the
 * summary.json that marks a finished run (written atomically). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/loader.h"
#include "train/dist.h"
#include "util/fsutil.h"
#include "util/outpath.h"
#include "util/source_id.h"
#include "util/sha256.h"
#include "train/train_job.h"

/* What else a run's numbers depend on, for a sweep that would copy it
 * ([sweep] reuse): the validation file's content, the SIMD level of the
 * plugins' own kernels (LMSTAB_ATT_KERNEL narrows causal_attention's: its
 * portable kernel rounds differently), and every plugin by name and
 * version. */
static void add_identity(cJSON *o, const job *j) {
    char sha[65];
    unsigned long long bytes;
    if (j->t.tc.val_path && *j->t.tc.val_path &&
        lms_sha256_file(j->t.tc.val_path, sha, &bytes) == 0)
        cJSON_AddStringToObject(o, "data_val_sha256", sha);
    cJSON_AddStringToObject(o, "plugin_simd", lms_plugin_simd_name());
    cJSON_AddStringToObject(o, "lmstab_source", lms_source_id());
    cJSON *pl = cJSON_AddArrayToObject(o, "plugins");
    for (int i = 0; pl && i < lms_loader_nloaded(j->t.ld); i++) {
        const lms_plugin *p = lms_loader_loaded(j->t.ld, i);
        char s[LMS_NAME_MAX + 64];
        snprintf(s, sizeof s, "%s %s", p->name, p->desc->version);
        cJSON_AddItemToArray(pl, cJSON_CreateString(s));
    }
}

static int write_summary(job *j, const lms_train_result *r, char *err,
                         size_t errlen) {
    if (!j->o->out_dir || !j->t.root)
        return 0;
    cJSON *o = cJSON_CreateObject(), *ov = cJSON_CreateArray();
    char cfg_shown[4096];
    lms_output_path(j->t.cfg.path, cfg_shown, sizeof cfg_shown);
    cJSON_AddStringToObject(o, "config", cfg_shown);
    for (size_t i = 0; i < j->t.cfg.noverrides; i++) {
        char set[8192]; /* (a path in a setting: never absolute) */
        lms_output_setting(j->t.cfg.overrides[i], set, sizeof set);
        cJSON_AddItemToArray(ov, cJSON_CreateString(set));
    }
    cJSON_AddItemToObject(o, "overrides", ov);
    /* which of them came with a resume, and from which step they hold */
    cJSON *rs = j->resume_sets ? cJSON_Parse(j->resume_sets) : NULL;
    cJSON_AddItemToObject(o, "resume_overrides",
                          rs ? rs : cJSON_CreateArray());
    char shown[4096], sha[65] = "";
    unsigned long long bytes = 0;
    lms_output_path(j->t.data_path, shown, sizeof shown);
    cJSON_AddStringToObject(o, "data", shown);
    if (j->t.tc.val_path && *j->t.tc.val_path) {
        char vshown[4096];
        lms_output_path(j->t.tc.val_path, vshown, sizeof vshown);
        cJSON_AddStringToObject(o, "data_val", vshown);
    }
    add_identity(o, j);
    if (lms_sha256_file(j->t.data_path, sha, &bytes) == 0) {
        cJSON_AddNumberToObject(o, "data_bytes", (double)bytes);
        cJSON_AddStringToObject(o, "data_sha256", sha);
    }
    cJSON_AddNumberToObject(o, "steps", (double)r->steps);
    cJSON_AddNumberToObject(o, "max_steps", (double)j->t.tc.max_steps);
    cJSON_AddNumberToObject(o, "lr", j->t.tc.lr);
    cJSON_AddNumberToObject(o, "seed", (double)j->t.tc.seed);
    cJSON_AddNumberToObject(o, "n_params", (double)j->t.m.n_params);
    cJSON_AddNumberToObject(o, "vocab_size", j->t.m.mi.vocab); /* auto: resolved */
    cJSON_AddStringToObject(o, "gemm", lms_gemm_backend_name(
                                           (lms_gemm_backend)j->st.gemm));
    cJSON_AddStringToObject(o, "gemm_setting",
                            lms_gemm_backend_name(j->t.tc.gemm));
    cJSON_AddStringToObject(
        o, "gemm_kernel", lms_gemm_kernel_name((lms_gemm_backend)j->st.gemm));
    cJSON_AddStringToObject(o, "precision", lms_precision_name(j->t.tc.precision));
    cJSON_AddNumberToObject(o, "threads", j->gov.cand[0]); /* the maximum */
    cJSON_AddBoolToObject(o, "adapt_threads", j->gov.on);
    cJSON_AddNumberToObject(o, "threads_mean", lms_governor_mean(&j->gov));
    if (j->t.tc.precision == LMS_PRECISION_BF16) {
        cJSON_AddStringToObject(o, "bf16_kernel",
                                lms_bf16_kernel_name(
                                    (lms_bf16_kernel)j->st.bf16_kernel));
        cJSON_AddStringToObject(o, "bf16_kernel_rule", lms_bf16_kernel_rule());
    }
    cJSON_AddNumberToObject(o, "init_val_loss", r->init_loss);
    cJSON_AddNumberToObject(o, "final_train_loss", r->final_train_loss);
    cJSON_AddNumberToObject(o, "final_val_loss", r->final_val_loss);
    cJSON_AddNumberToObject(o, "val_perplexity", exp(r->final_val_loss));
    /* bits per byte of the text behind the tokens (null: unknown, a shard
     * without data.tokenizer) */
    cJSON_AddNumberToObject(o, "val_tokens_per_byte", j->val_tok_per_byte);
    cJSON_AddNumberToObject(o, "final_val_bpb",
                            lms_job_bpb(j, r->final_val_loss));
    if (j->tokenizer[0]) {
        char tshown[4096];
        lms_output_path(j->tokenizer, tshown, sizeof tshown);
        cJSON_AddStringToObject(o, "tokenizer", tshown);
        cJSON_AddStringToObject(o, "tokenizer_sha256", j->tokenizer_sha);
    }
    cJSON_AddNumberToObject(o, "unigram_entropy", r->unigram_entropy);
    cJSON_AddNumberToObject(o, "init_train_loss", r->init_train_loss);
    cJSON_AddNumberToObject(o, "max_rise", r->max_rise);
    cJSON_AddNumberToObject(o, "max_rise_step", (double)r->max_rise_step);
    cJSON_AddStringToObject(o, "verdict", lms_verdict_name(r->verdict));
    cJSON_AddStringToObject(o, "verdict_rule", j->vc.rules[j->vc.own].name);
    cJSON *vs = cJSON_AddObjectToObject(o, "verdicts");
    for (int i = 0; i < LMS_N_RULES; i++)
        cJSON_AddStringToObject(vs, j->vc.rules[i].name,
                                lms_verdict_name(r->verdicts[i]));
    cJSON_AddBoolToObject(o, "diverged", r->diverged);
    cJSON_AddStringToObject(o, "diverged_reason", r->diverged_reason);
    cJSON_AddNumberToObject(o, "tokens_per_sec", r->tokens_per_sec);
    cJSON_AddNumberToObject(o, "wall_seconds", r->wall_seconds);
    cJSON_AddStringToObject(o, "config_text", j->t.cfg.text);
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    if (!text) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.json", j->o->out_dir);
    size_t n = strlen(text);
    text[n] = '\n';
    int rc = lms_write_atomic(path, text, n + 1, err, errlen);
    free(text);
    return rc;
}


int lms_job_finish(job *j, lms_train_result *r, double t_start, char *err,
                  size_t errlen) {
    const lms_train_cfg *tc = &j->t.tc;
    const lms_train_state *st = &j->st;
    int B = (int)tc->batch_size, T = j->t.m.mi.context;
    r->init_loss = st->init_loss;
    r->init_train_loss = st->init_train_loss;
    if (r->steps < st->step)
        r->steps = st->step; /* resumed at the end: no step ran */
    r->tokens_per_sec = st->train_seconds > 0
                            ? (double)r->steps * B * T / st->train_seconds : 0;
    double sum = 0.0;
    long nr = st->nrecent < LMS_CKPT_RECENT ? st->nrecent : LMS_CKPT_RECENT;
    for (long i = 0; i < nr; i++)
        sum += st->recent[i];
    r->final_train_loss = r->diverged || nr == 0 ? NAN : sum / nr;
    r->final_val_loss = r->diverged ? NAN : lms_trainer_evaluate(&j->t);
    if (j->t.m.guard_err[0]) { /* LMSTAB_GUARD: in the final evaluation */
        snprintf(err, errlen, "final evaluation: %s", j->t.m.guard_err);
        return -1;
    }
    if (!r->diverged) { /* the final evaluation is metrics.csv's last row */
        if (lms_metrics_write_final(&j->mt, r->steps, r->final_val_loss,
                                    lms_job_bpb(j, r->final_val_loss), err,
                                    errlen) != 0)
            return -1; /* no summary.json: the run is not finished */
        lms_facts_add(&j->facts, &j->vc, r->steps, 0, NAN, NAN,
                      lms_metrics_as_written(r->final_val_loss, 0));
    }
    r->unigram_entropy = lms_data_unigram_entropy(&j->t.data);
    r->max_rise = j->facts.max_rise;
    r->max_rise_step = j->facts.max_rise_step;
    for (int i = 0; i < LMS_N_RULES; i++)
        r->verdicts[i] = lms_rule_label(&j->vc.rules[i], &j->facts,
                                        r->unigram_entropy);
    r->verdict = r->verdicts[j->vc.own];
    r->wall_seconds = lms_job_now() - t_start;
    if (j->o->progress && j->t.root) {
        lms_progress_break(j);
        if (r->diverged)
            fprintf(stderr, "diverged: %s\n", r->diverged_reason);
        else if (r->verdict != LMS_CONVERGED)
            fprintf(stderr, "verdict: %s\n", lms_verdict_name(r->verdict));
        else
            fprintf(stderr, "final validation loss %.4f nats/token (perplexity "
                    "%.2f), %.0f tokens/s, %.1f s\n", r->final_val_loss,
                    exp(r->final_val_loss), r->tokens_per_sec, r->wall_seconds);
    }
    /* the final weights, for sample and --init-from, whatever the
     * checkpoint cadence; before summary.json, whose presence says the run
     * is complete */
    if (j->o->out_dir && j->t.root) {
        char path[4300];
        lms_data_id id = {j->t.data_path, j->t.data.n_tokens,
                          lms_tokens_hash(j->t.data.tokens, j->t.data.n_tokens)};
        snprintf(path, sizeof path, "%s/" LMS_WEIGHTS_FILE, j->o->out_dir);
        if (lms_ckpt_save(path, &j->t.m, NULL, NULL, &j->st, &j->t.cfg, &id, err,
                          errlen) != 0)
            return -1;
    }
    return write_summary(j, r, err, errlen);
}

