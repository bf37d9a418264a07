/* lmstab verdict: recompute a run's verdicts from its metrics.csv, under
 * the [verdict] rules of its own config (docs/results/protocol.md), and
 * check them against its summary.json. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/json_file.h"
#include "cli/cli.h"
#include "cli/cmd_opt.h"
#include "util/fsutil.h"
#include "sweep/sweep_internal.h"
#include "train/verdict.h"
#include "train/verdict_summary.h"

/* no options of its own: the table is empty */
static const lms_opt opts[] = {
    {NULL, 0, NULL, 0, 0, 0, 0, NULL},
};

static void usage(FILE *f) {
    fprintf(f, "usage: lmstab verdict RUN_DIR...\n"
            "\n"
            "For each finished run, the verdict under every rule (strict, default,\n"
            "lenient) recomputed from RUN_DIR/metrics.csv with the [verdict] keys of\n"
            "the run's config, the facts it rests on, and whether it matches\n"
            "RUN_DIR/summary.json. Exit status 1 on a mismatch, a verdict missing from\n"
            "summary.json, or an unreadable run.\n");
    lms_opt_help(f, opts);
}

/* RUN_DIR/summary.json parsed, or NULL with a message. Read whole (and
 * refused if it is not a regular file), as the sweep reads it. */
static cJSON *read_summary(const char *dir) {
    char path[4200], err[4400];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    cJSON *o = lms_json_read_object(path, LMS_SUMMARY_MAX_BYTES, err,
                                    sizeof err);
    if (!o && errno == ENOENT)
        fprintf(stderr, "lmstab verdict: %s: not a finished run (no "
                "summary.json)\n", dir);
    else if (!o)
        fprintf(stderr, "lmstab verdict: %s\n", err);
    return o;
}

static int one(const char *dir) {
    cJSON *o = read_summary(dir);
    if (!o)
        return 1;
    int rc = 1;
    char err[512];
    cJSON *text = cJSON_GetObjectItemCaseSensitive(o, "config_text");
    cJSON *uni = cJSON_GetObjectItemCaseSensitive(o, "unigram_entropy");
    cJSON *vs = cJSON_GetObjectItemCaseSensitive(o, "verdicts");
    if (!cJSON_IsString(text) || !cJSON_IsNumber(uni)) {
        fprintf(stderr, "lmstab verdict: %s: summary.json lacks config_text or "
                "unigram_entropy\n", dir);
        goto out;
    }
    lms_verdict_cfg vc;
    if (lms_verdict_cfg_of_summary(o, &vc, err, sizeof err) != 0) {
        fprintf(stderr, "lmstab verdict: %s: %s\n", dir, err);
        goto out;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/metrics.csv", dir);
    lms_facts f;
    if (lms_facts_from_csv(&f, &vc, path, err, sizeof err) != 0) {
        fprintf(stderr, "lmstab verdict: %s\n", err);
        goto out;
    }
    printf("%s: final val %.6f (unigram %.4f), max rise %.4f nats at step %ld",
           dir, f.final_val, uni->valuedouble, f.max_rise, f.max_rise_step);
    rc = 0;
    for (int r = 0; r < LMS_N_RULES; r++) {
        const char *got = lms_verdict_name(lms_rule_label(&vc.rules[r], &f,
                                                          uni->valuedouble));
        cJSON *want = cJSON_GetObjectItemCaseSensitive(vs, vc.rules[r].name);
        int same = cJSON_IsString(want) && !strcmp(want->valuestring, got);
        printf("%s %s %s%s", r ? "," : ";", vc.rules[r].name, got,
               same ? "" : cJSON_IsString(want) ? " (summary.json: MISMATCH)"
                                                : " (summary.json: MISSING)");
        rc |= !same; /* nothing to check against is not a match */
    }
    putchar('\n');
out:
    cJSON_Delete(o);
    return rc;
}

int lms_cmd_verdict(int argc, char **argv, int dry) {
    const char **pos = malloc(sizeof *pos * (size_t)(argc > 0 ? argc : 1));
    if (!pos)
        return 1;
    int npos;
    int rc = lms_opt_parse("verdict", opts, NULL, NULL, argc, argv, pos, argc,
                           &npos);
    if (rc == 1) {
        usage(stdout);
        rc = 0;
    } else if (rc != 0 || npos == 0) {
        if (rc == 0)
            usage(stderr);
        rc = 2;
    } else if (!dry) {
        for (int i = 0; i < npos; i++)
            rc |= one(pos[i]);
    }
    free(pos);
    return rc;
}
