/* The config of a resumed run (`lmstab train [CONFIG] --resume DIR`): the
 * config text and overrides stored in its checkpoint, so that the run goes
 * on as it was started without being told again. CONFIG, when given, must
 * be the same text. A --set that repeats one of the run's overrides is
 * already in force; any other --set must name a key a resume may change
 * (core_keys.h: how long the run goes, what is measured), and is appended to
 * the run's overrides and recorded with the step it took effect at. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/core_keys.h"
#include "train/train_job.h"

/* "section.key" of a "section.key=value" (KEY after the last dot before
 * '='); -1 when it has no such shape (lms_config_override says why). */
static int split_set(const char *assign, char *section, size_t slen,
                     char *key, size_t klen) {
    const char *eq = strchr(assign, '='), *dot = NULL;
    for (const char *p = assign; eq && p < eq; p++)
        if (*p == '.')
            dot = p;
    if (!eq || !dot || (size_t)(dot - assign) >= slen ||
        (size_t)(eq - dot - 1) >= klen)
        return -1;
    snprintf(section, slen, "%.*s", (int)(dot - assign), assign);
    snprintf(key, klen, "%.*s", (int)(eq - dot - 1), dot + 1);
    return 0;
}

/* The keys a resume may change, ", "-separated. */
static void resumable_keys(char *out, size_t n) {
    size_t nk, k = 0;
    const lms_core_key *keys = lms_core_keys(&nk);
    out[0] = '\0';
    for (size_t i = 0; i < nk && k < n; i++)
        if (keys[i].resume)
            k += (size_t)snprintf(out + k, n - k, "%s%s.%s", k ? ", " : "",
                                  keys[i].section, keys[i].key.name);
}

/* 1 when assign is one of the first n overrides of c (the run's own). */
static int is_run_override(const lms_config *c, size_t n, const char *assign) {
    for (size_t i = 0; i < n; i++)
        if (!strcmp(c->overrides[i], assign))
            return 1;
    return 0;
}

/* Apply the command line's --set on top of the run's config; new ones are
 * appended to j->resume_sets (a JSON array of {"step", "set"}). */
static int apply_sets(job *j, long step, char *err, size_t errlen) {
    const lms_train_opts *o = j->o;
    const size_t nrun = j->t.cfg.noverrides;
    cJSON *hist = j->resume_sets ? cJSON_Parse(j->resume_sets)
                                 : cJSON_CreateArray();
    if (!cJSON_IsArray(hist)) {
        cJSON_Delete(hist);
        snprintf(err, errlen, "%s: metadata 'resume_overrides': must be a "
                 "JSON array", j->ckpt_path);
        return -1;
    }
    int added = 0, rc = 0;
    for (int i = 0; i < o->nsets && rc == 0; i++) {
        const char *a = o->sets[i];
        char section[256], key[128], keys[512];
        if (is_run_override(&j->t.cfg, nrun, a))
            continue;
        if (split_set(a, section, sizeof section, key, sizeof key) != 0) {
            rc = lms_config_override(&j->t.cfg, a, err, errlen); /* its message */
            break;
        }
        const lms_core_key *k = lms_core_key_find(section, key);
        if (!k || !k->resume) {
            resumable_keys(keys, sizeof keys);
            snprintf(err, errlen, "--set %s: %s.%s changes the training, so "
                     "a resumed run keeps its own; --resume may change only %s "
                     "(for another %s.%s, start a new run, e.g. with "
                     "--init-from %s)", a, section, key, keys, section, key,
                     j->ckpt_path);
            rc = -1;
            break;
        }
        rc = lms_config_override(&j->t.cfg, a, err, errlen);
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "step", (double)step);
        cJSON_AddStringToObject(e, "set", a);
        cJSON_AddItemToArray(hist, e);
        added = 1;
    }
    if (rc == 0 && added) {
        char *text = cJSON_PrintUnformatted(hist);
        free(j->resume_sets);
        j->resume_sets = text;
        if (!text) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        }
    }
    cJSON_Delete(hist);
    return rc;
}

/* CONFIG given with --resume: it must be the run's config text. */
static int same_config(job *j, char *err, size_t errlen) {
    lms_config given;
    int rc = lms_config_load(&given, j->o->config_path, err, errlen);
    if (rc == 0 && strcmp(given.text, j->t.cfg.text) != 0) {
        snprintf(err, errlen, "%s: was written for a different config (its "
                 "text differs from %s; the original was %s): leave CONFIG out "
                 "to resume with the run's own", j->ckpt_path,
                 j->o->config_path, j->t.cfg.path);
        rc = -1;
    }
    lms_config_free(&given);
    return rc;
}

/* A missing checkpoint: say why there is none when the run finished. */
static void no_checkpoint(job *j, char *err, size_t errlen) {
    char w[4300];
    snprintf(w, sizeof w, "%s/" LMS_WEIGHTS_FILE, j->o->out_dir);
    size_t n = strlen(err);
    if (errno == ENOENT && access(w, F_OK) == 0 && n < errlen)
        snprintf(err + n, errlen - n, " (the run finished without "
                 "--checkpoint-every: start a new run from its weights with "
                 "--init-from %s)", w);
}

int lms_job_resume_config(job *j, char *err, size_t errlen) {
    snprintf(j->ckpt_path, sizeof j->ckpt_path, "%s/" LMS_CKPT_FILE,
             j->o->out_dir);
    lms_st_file *f = lms_st_open(j->ckpt_path, err, errlen);
    if (!f) {
        no_checkpoint(j, err, errlen);
        return -1;
    }
    /* the state first: its format is checked before anything is used */
    lms_train_state st;
    int rc = lms_ckpt_read_state(f, &st, j->ckpt_path, err, errlen);
    if (rc == 0)
        rc = lms_ckpt_config(&j->t.cfg, f, j->ckpt_path, err, errlen);
    const char *hist = lms_st_meta(f, "resume_overrides");
    if (rc == 0 && hist && !(j->resume_sets = strdup(hist))) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    lms_st_close(f);
    if (rc == 0 && j->o->config_path)
        rc = same_config(j, err, errlen);
    return rc == 0 ? apply_sets(j, st.step, err, errlen) : -1;
}
