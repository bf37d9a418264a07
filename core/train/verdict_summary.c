/* A run's [verdict] rules from its summary.json (verdict_summary.h). */
#include "train/verdict_summary.h"

#include <stdio.h>

#include "io/config.h"

int lms_verdict_cfg_of_summary(const cJSON *summary, lms_verdict_cfg *vc,
                               char *err, size_t errlen) {
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(summary, "config_text");
    const cJSON *ov = cJSON_GetObjectItemCaseSensitive(summary, "overrides");
    const int have = cJSON_IsString(text);
    lms_config c;
    /* freed even when the parse fails (it may have begun) */
    int rc = lms_config_load_string(&c, have ? text->valuestring : "",
                                    "summary.json config_text", err, errlen);
    /* the run's overrides, then the keys it was relabelled with, if any
     * (lmstab relabel) */
    const cJSON *lists[2] = {have ? ov : NULL,
                             cJSON_GetObjectItemCaseSensitive(summary, "relabel")};
    for (int l = 0; l < 2; l++) {
        const cJSON *it;
        cJSON_ArrayForEach(it, lists[l]) {
            if (rc == 0 && cJSON_IsString(it))
                rc = lms_config_override(&c, it->valuestring, err, errlen);
        }
    }
    if (rc == 0)
        rc = lms_verdict_cfg_read(vc, &c, err, errlen);
    lms_config_free(&c);
    return rc != 0 ? -1 : have ? 0 : 1;
}
