/* libFuzzer target: a run's summary.json as read back by the sweep
 * (lms_sweep_read_summary: resume, aggregation, edges, report) and by
 * `lmstab verdict` (its config_text and overrides parsed, [verdict]
 * rules read, then the run's metrics.csv, a fixed small one here). One
 * input = one summary.json, written to a scratch run directory.
 *
 * Build and run: scripts/fuzz.sh summary (see docs/reliability.md). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "fuzz_files.h"
#include "sweep/sweep_internal.h"
#include "train/verdict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int ready;
    if (!ready) {
        static const char csv[] =
            "step,lr,train_loss,val_loss,grad_norm,tokens_per_sec,elapsed_s\n"
            "0,0.001,5.5,5.6,1.0,100,0.1\n"
            "10,0.001,3.0,,2.0,100,0.2\n"
            "20,0.001,9.0,5.0,nan,100,0.3\n";
        lms_fuzz_mkdir("run");
        lms_fuzz_write("run/metrics.csv", csv, sizeof csv - 1);
        ready = 1;
    }
    if (size > 1 << 20)
        return 0;
    lms_fuzz_write("run/summary.json", data, size);
    char dir[1024], err[4096];
    snprintf(dir, sizeof dir, "%s", lms_fuzz_path("run"));
    lms_run_summary rs;
    if (lms_sweep_read_summary(dir, &rs, err, sizeof err) == 0)
        for (int r = 0; r < 3; r++)
            if (rs.verdicts[r] < 0 || rs.verdicts[r] > LMS_DIVERGED ||
                lms_run_failed(&rs, r) < 0)
                __builtin_trap();
    char *argv[] = {"verdict", dir, NULL};
    int rc = lms_cmd_verdict(2, argv, 0);
    if (rc != 0 && rc != 1)
        __builtin_trap();
    return 0;
}
