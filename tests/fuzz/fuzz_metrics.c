/* libFuzzer target: a run's metrics.csv as its readers see it: the
 * verdicts recomputed from it (lms_facts_from_csv, `lmstab verdict` and
 * the sweep), the report's plot data extracted from it
 * (lms_report_extract) and read back (lms_series_load, the row-wise
 * median, the norm table), and the cut back to a checkpoint's step on
 * resume (lms_ckpt_truncate_metrics). One input = one metrics.csv.
 *
 * Build and run: scripts/fuzz.sh metrics (see docs/reliability.md). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_files.h"
#include "train/checkpoint.h"
#include "report/report_internal.h"
#include "train/verdict.h"

static void facts(const char *csv) {
    static lms_verdict_cfg vc;
    static int ready;
    char err[1024];
    if (!ready) { /* the default [verdict] rules */
        lms_config c;
        if (lms_config_load_string(&c, "", "none", err, sizeof err) != 0 ||
            lms_verdict_cfg_read(&vc, &c, err, sizeof err) != 0)
            abort();
        lms_config_free(&c);
        ready = 1;
    }
    lms_facts f;
    if (lms_facts_from_csv(&f, &vc, csv, err, sizeof err) != 0)
        return;
    for (int r = 0; r < LMS_N_RULES; r++) {
        lms_verdict v = lms_rule_label(&vc.rules[r], &f, 3.3);
        if ((int)v < 0 || v > LMS_DIVERGED)
            __builtin_trap();
    }
}

static void series(const char *run_dir, const char *dat) {
    static FILE *sink;
    if (!sink && !(sink = fopen("/dev/null", "w")))
        abort();
    char err[512];
    if (lms_report_extract(run_dir, dat, err, sizeof err) != 0)
        return;
    lms_series s = {0, NULL}, runs[2], med = {0, NULL};
    if (lms_series_load(dat, &s) == 0) {
        runs[0] = runs[1] = s;
        if (lms_series_median(runs, 2, &med) == 0 && med.n != s.n)
            __builtin_trap();
        double at, mx;
        lms_series_after(&s, 4, 10, &at, &mx);
        (void)lms_series_first_sep(&s, &s, 1, 1.0, 0.25);
        (void)lms_report_norm_table(sink, "v", dat, dat, 0.01, 0.1, 10);
    }
    free(s.v);
    free(med.v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 1 << 20)
        return 0;
    static char run[1024], dat[1024];
    if (!run[0]) {
        snprintf(run, sizeof run, "%s", lms_fuzz_mkdir("run"));
        snprintf(dat, sizeof dat, "%s", lms_fuzz_path("run.dat"));
    }
    const char *csv = lms_fuzz_write("run/metrics.csv", data, size);
    char path[1100], err[1200];
    snprintf(path, sizeof path, "%s", csv);
    facts(path);
    series(run, dat);
    (void)lms_ckpt_truncate_metrics(path, 10, err, sizeof err);
    return 0;
}
