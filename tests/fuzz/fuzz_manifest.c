/* libFuzzer target: a sweep directory's own files read back by
 * `lmstab sweep --aggregate` and `lmstab report`: sweep.json (the grid the
 * sweep started with) and edges.json (the failure-curve bands). One input
 * = sweep.json, optionally followed by "\n--edges--\n" and edges.json,
 * written to a scratch sweep directory that holds two finished runs of
 * variant "baseline" (lr 0.01 converged, lr 0.1 diverged, seed 1). A
 * manifest the loader accepts must keep every run directory inside the
 * sweep; the report's reading is then computed from the runs.
 *
 * Build and run: scripts/fuzz.sh manifest (see docs/reliability.md). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzz_files.h"
#include "engine/loader.h"
#include "sweep/sweep.h"
#include "sweep/sweep_internal.h"

static void run(const char *lr, const char *verdict, const char *val) {
    char dir[256], text[512];
    snprintf(dir, sizeof dir, "m/baseline/lr_%s", lr);
    lms_fuzz_mkdir(dir);
    snprintf(dir, sizeof dir, "m/baseline/lr_%s/seed_1", lr);
    lms_fuzz_mkdir(dir);
    int n = snprintf(text, sizeof text,
                     "{\"verdict\": \"%s\", \"verdicts\": {\"strict\": \"%s\", "
                     "\"default\": \"%s\", \"lenient\": \"%s\"}, "
                     "\"final_val_loss\": %s, \"init_val_loss\": 5.5, "
                     "\"final_train_loss\": %s, \"steps\": 30, "
                     "\"unigram_entropy\": 3.3, \"max_rise\": 0.1}",
                     verdict, verdict, verdict, verdict, val, val);
    snprintf(dir, sizeof dir, "m/baseline/lr_%s/seed_1/summary.json", lr);
    lms_fuzz_write(dir, text, (size_t)n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int ready;
    if (!ready) {
        lms_fuzz_mkdir("m");
        lms_fuzz_mkdir("m/baseline");
        run("0.01", "converged", "2.5");
        run("0.1", "diverged", "null");
        ready = 1;
    }
    if (size > 1 << 20)
        return 0;
    const uint8_t *part[2];
    size_t len[2];
    int n = lms_fuzz_split(data, size, "\n--edges--\n", part, len, 2);
    lms_fuzz_write("m/sweep.json", part[0], len[0]);
    if (n > 1)
        lms_fuzz_write("m/edges.json", part[1], len[1]);
    else
        lms_fuzz_remove("m/edges.json");
    char dir[1024], err[4096];
    snprintf(dir, sizeof dir, "%s", lms_fuzz_path("m"));
    static lms_sweep s;
    if (lms_sweep_load_manifest(dir, &s, err, sizeof err) != 0)
        return 0;
    if (s.n_variants < 0 || s.n_variants > LMS_SWEEP_MAX_VARIANTS ||
        s.n_lrs < 0 || s.n_lrs > LMS_SWEEP_MAX_LRS || s.n_seeds < 0 ||
        s.n_seeds > LMS_SWEEP_MAX_SEEDS)
        __builtin_trap();
    for (int i = 0; i < s.n_variants; i++)
        if (!lms_plugin_name_valid(s.variants[i]))
            __builtin_trap(); /* names become paths under the sweep */
    /* every run directory stays inside the sweep (the names become paths) */
    size_t dlen = strlen(dir);
    for (int v = 0; v < s.n_variants; v++)
        for (int k = 0; k < s.n_lrs; k++) {
            char run[4400];
            lms_sweep_run_dir(dir, s.variants[v], s.lrs[k], s.seeds[0], run,
                              sizeof run);
            if (strncmp(run, dir, dlen) || run[dlen] != '/' ||
                strstr(run + dlen, "/../"))
                __builtin_trap();
        }
    /* the report's opening sentence reads every run's summary (the
     * aggregation's failure-curve fits are numerics, too slow to fuzz) */
    char reading[4096];
    (void)lms_sweep_reading(&s, reading, sizeof reading);
    return 0;
}
