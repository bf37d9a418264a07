/* Data files for the sweep report's plots, extracted from metrics.csv and
 * the run summaries. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep/sweep.h"
#include "util/fsutil.h"
#include "util/outfile.h"
#include "report/report_internal.h"
#include "sweep/sweep_internal.h"

/* Split a CSV line in place (no quoting in our files). */
static int split_csv(char *line, char **cols, int max) {
    int n = 0;
    char *p = line;
    while (n < max) {
        cols[n++] = p;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    char *nl = strpbrk(cols[n - 1], "\r\n");
    if (nl)
        *nl = '\0';
    return n;
}

#define MAX_COLS 4096

/* metrics.csv -> "step train_loss val_loss grad_norm qkv proj fc1 fc2
 * max_score max_abs_logit log_z" where the op columns are means over layers
 * of out_norm of the ops in those roles (lms_report_op_roles: by plugin
 * kind, whatever the ops are called; a run without a summary.json, e.g.
 * one still running, is read with GPT-2's op names), NaN where a row has no
 * value; the final evaluation-only row is left out. */
int lms_report_extract(const char *run_dir, const char *out_path, char *err,
                       size_t errlen) {
    char path[4300], why[512];
    snprintf(path, sizeof path, "%s/metrics.csv", run_dir);
    FILE *f = lms_fopen_regular(path, why, sizeof why);
    if (!f)
        return 1;
    lms_out out;
    FILE *o = lms_out_open(&out, out_path, err, errlen);
    if (!o) {
        fclose(f);
        return -1;
    }
    static char line[1 << 18];
    static char *cols[MAX_COLS];
    static const char *const gpt2[LMS_REPORT_NOPS] = {"qkv", "proj", "fc1",
                                                      "fc2"};
    char ops[LMS_REPORT_NOPS][LMS_NAME_MAX];
    if (lms_report_op_roles(run_dir, ops) != 0)
        for (int k = 0; k < LMS_REPORT_NOPS; k++)
            snprintf(ops[k], sizeof ops[k], "%s", gpt2[k]);
    int which[MAX_COLS]; /* -1 ignore, 0..3 op out_norm, 4 max_score,
                            5 max_abs_logit, 6 log_z */
    int ncol = 0;
    if (fgets(line, sizeof line, f)) {
        ncol = split_csv(line, cols, MAX_COLS);
        for (int i = 0; i < ncol; i++) {
            which[i] = -1;
            if (!strcmp(cols[i], "head.max_abs_logit"))
                which[i] = LMS_REPORT_NOPS + 1;
            if (!strcmp(cols[i], "head.log_z"))
                which[i] = LMS_REPORT_NOPS + 2;
            const char *dot = strchr(cols[i], '.');
            if (cols[i][0] != 'h' || !dot)
                continue;
            for (int k = 0; k < LMS_REPORT_NOPS; k++) {
                char suffix[160];
                if (!ops[k][0]) /* the model has no op in this role */
                    continue;
                snprintf(suffix, sizeof suffix, ".%s.out_norm", ops[k]);
                if (!strcmp(dot, suffix))
                    which[i] = k;
            }
            if (strstr(dot, ".max_score") && !strstr(dot, "capped"))
                which[i] = LMS_REPORT_NOPS;
        }
    }
    fprintf(o, "# step train_loss val_loss grad_norm qkv proj fc1 fc2 "
            "max_score max_abs_logit log_z\n");
    while (fgets(line, sizeof line, f)) {
        int n = split_csv(line, cols, MAX_COLS);
        if (n < 5 || !cols[2][0]) /* short, or the final evaluation row */
            continue;
        double sum[LMS_REPORT_NOPS + 3] = {0};
        int cnt[LMS_REPORT_NOPS + 3] = {0};
        for (int i = 0; i < n && i < ncol; i++) {
            if (which[i] < 0 || !cols[i][0])
                continue;
            double v = strtod(cols[i], NULL);
            if (which[i] > LMS_REPORT_NOPS) {
                sum[which[i]] = v;
                cnt[which[i]] = 1;
            } else if (which[i] == LMS_REPORT_NOPS) {
                sum[which[i]] = cnt[which[i]] ? fmax(sum[which[i]], v) : v;
                cnt[which[i]] = 1;
            } else {
                sum[which[i]] += v;
                cnt[which[i]]++;
            }
        }
        fprintf(o, "%s %s %s %s", cols[0], cols[2], cols[3][0] ? cols[3] : "NaN",
                cols[4]);
        for (int k = 0; k < LMS_REPORT_NOPS + 3; k++)
            if (cnt[k])
                fprintf(o, " %.6g", sum[k] / (k < LMS_REPORT_NOPS ? cnt[k] : 1));
            else
                fprintf(o, " NaN");
        fputc('\n', o);
    }
    fclose(f);
    return lms_out_commit(&out, err, errlen);
}
