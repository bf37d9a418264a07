/* Which ops of a run play the four roles the report follows (report.h:
 * the input and output projections of attention, the first and last
 * products of the other branch), found by plugin kind in the run's model
 * description, never by op name. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/json_file.h"
#include "engine/loader.h"
#include "io/config.h"
#include "report/report_internal.h"
#include "sweep/sweep_internal.h"
#include "util/fsutil.h"

/* The ops of one [block] branch and their plugins' kinds (0: unknown). */
typedef struct branch {
    int n;
    char op[32][LMS_NAME_MAX];
    int kind[32];
} branch;

static void read_branch(lms_config *c, lms_loader *ld, const char *key,
                        branch *b) {
    b->n = 0;
    lms_cfg_entry *e = lms_config_find(c, "block", key);
    if (!e)
        return;
    char list[1024], *items[32];
    snprintf(list, sizeof list, "%s", e->value);
    int n = lms_split_list(list, items, 32);
    for (int i = 0; i < n; i++) {
        char section[128], err[LMS_ERR_MAX * 2];
        snprintf(section, sizeof section, "block.%s", items[i]);
        snprintf(b->op[b->n], LMS_NAME_MAX, "%s", items[i]);
        b->kind[b->n] = 0;
        const lms_plugin *p;
        const char *plugin = lms_config_str(c, section, "plugin", NULL);
        if (plugin && lms_loader_get(ld, plugin, &p, err, sizeof err) == 0)
            b->kind[b->n] = p->desc->kind;
        b->n++;
    }
}

/* roles from the branches: in the branch with the attention op, the last
 * linear op before it and the first after it; in the other branch, its
 * first and last linear ops. */
static void assign(const branch *br, int nbr, char roles[][LMS_NAME_MAX]) {
    for (int b = 0; b < nbr; b++) {
        int att = -1;
        for (int i = 0; i < br[b].n && att < 0; i++)
            if (br[b].kind[i] == LMS_KIND_ATTENTION)
                att = i;
        int first = -1, last = -1;
        for (int i = 0; i < br[b].n; i++)
            if (br[b].kind[i] == LMS_KIND_LINEAR) {
                if (att >= 0 && i < att)
                    snprintf(roles[0], LMS_NAME_MAX, "%s", br[b].op[i]);
                if (att >= 0 && i > att && !roles[1][0])
                    snprintf(roles[1], LMS_NAME_MAX, "%s", br[b].op[i]);
                first = first < 0 ? i : first;
                last = i;
            }
        if (att < 0 && first >= 0 && !roles[2][0]) {
            snprintf(roles[2], LMS_NAME_MAX, "%s", br[b].op[first]);
            if (last != first)
                snprintf(roles[3], LMS_NAME_MAX, "%s", br[b].op[last]);
        }
    }
}

int lms_report_op_roles(const char *run_dir,
                        char roles[LMS_REPORT_NOPS][LMS_NAME_MAX]) {
    for (int k = 0; k < LMS_REPORT_NOPS; k++)
        roles[k][0] = '\0';
    char path[4400], err[4600];
    snprintf(path, sizeof path, "%s/summary.json", run_dir);
    cJSON *sum = lms_json_read_object(path, LMS_SUMMARY_MAX_BYTES, err,
                                      sizeof err);
    cJSON *text = cJSON_GetObjectItemCaseSensitive(sum, "config_text");
    if (!cJSON_IsString(text)) {
        cJSON_Delete(sum);
        return -1;
    }
    lms_config c;
    int rc = -1;
    lms_loader *ld = NULL;
    if (lms_config_load_string(&c, text->valuestring, "config", err,
                               sizeof err) != 0 ||
        !(ld = lms_loader_new(NULL)))
        goto out;
    cJSON *ov = cJSON_GetObjectItemCaseSensitive(sum, "overrides"), *it;
    cJSON_ArrayForEach(it, ov) if (cJSON_IsString(it))
        lms_config_override(&c, it->valuestring, err, sizeof err);
    static const char *const keys[] = {"attn", "mlp"}; /* as model.c */
    branch br[2];
    for (int b = 0; b < 2; b++)
        read_branch(&c, ld, keys[b], &br[b]);
    assign(br, 2, roles);
    rc = 0;
out:
    lms_loader_free(ld);
    lms_config_free(&c);
    cJSON_Delete(sum);
    return rc;
}
