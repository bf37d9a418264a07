/* A run's directory and its summary.json as a sweep reads it: where run
 * (variant, LR, seed) lives, whether it finished, and its verdicts,
 * losses, kernels and source, read strictly (a label or key that does not
 * read is an error naming the file, never a result). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/json_file.h"
#include "sweep/sweep.h"
#include "sweep/sweep_internal.h"
#include "train/verdict.h"
#include "util/fsutil.h"

void lms_sweep_run_dir(const char *out, const char *variant, double lr,
                       long seed, char *buf, size_t n) {
    snprintf(buf, n, "%s/%s/lr_%.4g/seed_%ld", out, variant, lr, seed);
}

int lms_sweep_run_finished(const char *out, const char *variant, double lr,
                           long seed) {
    char dir[4300], path[4400];
    lms_sweep_run_dir(out, variant, lr, seed, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/summary.json", dir);
    return lms_path_exists(path);
}

int lms_sweep_read_summary(const char *run_dir, lms_run_summary *rs,
                           char *err, size_t errlen) {
    char path[4300];
    snprintf(path, sizeof path, "%s/summary.json", run_dir);
    cJSON *o = lms_json_read_object(path, LMS_SUMMARY_MAX_BYTES, err, errlen);
    if (!o) {
        if (errno == ENOENT)
            return 1;
        if (errno == EBADMSG) {
            size_t k = strlen(err);
            snprintf(err + k, errlen - k, " (a torn or edited file? delete it "
                     "to run this run again)");
        }
        return -1;
    }
    memset(rs, 0, sizeof *rs);
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "verdict");
    snprintf(rs->verdict, sizeof rs->verdict, "%s",
             cJSON_IsString(v) ? v->valuestring : "unknown");
    int own = lms_verdict_parse(rs->verdict);
    cJSON *vs = cJSON_GetObjectItemCaseSensitive(o, "verdicts");
    static const char *const rules[3] = {"strict", "default", "lenient"};
    for (int i = 0; i < 3; i++) {
        /* a label that does not read is an error, never a failure: a
         * summary from before the three rules (no "verdicts") counts its
         * own verdict under each */
        cJSON *x = cJSON_GetObjectItemCaseSensitive(vs, rules[i]);
        int k = !vs ? own : cJSON_IsString(x) ? lms_verdict_parse(x->valuestring) : -1;
        if (k < 0) {
            snprintf(err, errlen, "%s: %s%s is %s, not a verdict (converged, "
                     "spiked, collapsed or diverged): a damaged or edited file? "
                     "(delete it to run this run again)", path,
                     vs ? "verdicts." : "verdict", vs ? rules[i] : "",
                     vs && !x ? "missing" : "unreadable");
            cJSON_Delete(o);
            return -1;
        }
        rs->verdicts[i] = k;
    }
#define NUM(field, key)                                                     \
    do {                                                                    \
        cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);                \
        rs->field = cJSON_IsNumber(x) ? x->valuedouble : NAN;               \
    } while (0)
    NUM(final_val_loss, "final_val_loss");
    NUM(final_val_bpb, "final_val_bpb"); /* NaN: unknown or an older run */
    NUM(final_train_loss, "final_train_loss");
    NUM(init_val_loss, "init_val_loss");
    NUM(init_train_loss, "init_train_loss");
    NUM(max_rise, "max_rise");
    NUM(tokens_per_sec, "tokens_per_sec");
    NUM(wall_seconds, "wall_seconds");
    NUM(steps, "steps");
    NUM(unigram_entropy, "unigram_entropy");
#undef NUM
    /* runs from before [training] precision trained at fp32 */
    cJSON *pr = cJSON_GetObjectItemCaseSensitive(o, "precision");
    snprintf(rs->precision, sizeof rs->precision, "%s",
             cJSON_IsString(pr) ? pr->valuestring : "fp32");
    cJSON *bk = cJSON_GetObjectItemCaseSensitive(o, "bf16_kernel");
    snprintf(rs->bf16_kernel, sizeof rs->bf16_kernel, "%s",
             cJSON_IsString(bk) ? bk->valuestring : "");
    rs->reused = cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "reused_from"));
    static const char *const keys[5] = {"gemm", "gemm_kernel", "lmstab_source",
                                        "data_sha256", "tokenizer_sha256"};
    char *dst[5] = {rs->gemm, rs->gemm_kernel, rs->source, rs->data_sha,
                    rs->tok_sha};
    const size_t cap[5] = {sizeof rs->gemm, sizeof rs->gemm_kernel,
                           sizeof rs->source, sizeof rs->data_sha,
                           sizeof rs->tok_sha};
    for (int i = 0; i < 5; i++) {
        cJSON *x = cJSON_GetObjectItemCaseSensitive(o, keys[i]);
        snprintf(dst[i], cap[i], "%s", cJSON_IsString(x) ? x->valuestring : "");
    }
    cJSON_Delete(o);
    return 0;
}
