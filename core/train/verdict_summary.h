/* The [verdict] rules a finished run was labelled with, read back from its
 * summary.json (its config_text with its overrides applied, then the keys
 * of "relabel" when `lmstab relabel` wrote it), so that the
 * verdict command and the sweep's analysis use the run's own thresholds. */
#ifndef LMSTAB_CORE_VERDICT_SUMMARY_H
#define LMSTAB_CORE_VERDICT_SUMMARY_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "train/verdict.h"

/* 0; 1 when the summary has no config_text (vc then holds the defaults,
 * which runs from before that key used); -1 with a message. */
int lms_verdict_cfg_of_summary(const cJSON *summary, lms_verdict_cfg *vc,
                               char *err, size_t errlen);

#endif
