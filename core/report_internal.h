/* Shared by the report's files. */
#ifndef LMSTAB_REPORT_INTERNAL_H
#define LMSTAB_REPORT_INTERNAL_H

#define LMS_REPORT_NOPS 4 /* qkv, proj, fc1, fc2 */

/* Write a whitespace table (step train_loss val_loss grad_norm qkv proj fc1
 * fc2 max_score) from run_dir/metrics.csv; layer means of each linear op's
 * out_norm, max over layers of max_score; NaN where not logged. */
int lms_report_extract(const char *run_dir, const char *out_path);

#endif
