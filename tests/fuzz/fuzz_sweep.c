/* libFuzzer target: the sweep file (lms_sweep_load). One input = one
 * SWEEP.ini, written to sweeps/fuzz.ini of a scratch directory that also
 * holds the config files of the variants the seeds name (baseline, qk_norm,
 * tiny, a, b: configs_dir defaults to the sweep file's parent). Exercises
 * the strict INI reader, [sweep] lists (variants, seeds with ranges), the
 * grid, the edge keys, reference and [overrides]. A sweep the loader
 * accepts must be one the runner can use: every variant name a valid,
 * unique directory name with a config, LRs increasing, seeds unique.
 *
 * Build and run: scripts/fuzz.sh sweep (see docs/reliability.md). */
#include <stdint.h>
#include <string.h>

#include "fuzz_files.h"
#include "engine/loader.h"
#include "sweep/sweep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int ready;
    if (!ready) {
        static const char *const names[] = {"baseline.ini", "qk_norm.ini",
                                            "tiny.ini", "a.ini", "b.ini"};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            lms_fuzz_write(names[i], "[model]\n", 8);
        lms_fuzz_mkdir("sweeps");
        ready = 1;
    }
    if (size > 65536)
        return 0;
    const char *path = lms_fuzz_write("sweeps/fuzz.ini", data, size);
    static lms_sweep s; /* ~1 MB */
    char err[4096];
    if (lms_sweep_load(&s, path, err, sizeof err) != 0)
        return 0;
    if (s.n_variants < 1 || s.n_variants > LMS_SWEEP_MAX_VARIANTS ||
        s.n_seeds < 1 || s.n_grid < 1 || s.n_lrs != s.n_grid)
        __builtin_trap();
    for (int i = 0; i < s.n_variants; i++) {
        if (!lms_plugin_name_valid(s.variants[i]) || !s.configs[i][0])
            __builtin_trap(); /* a name that is not a plain directory name */
        for (int j = 0; j < i; j++)
            if (!strcmp(s.variants[i], s.variants[j]))
                __builtin_trap();
    }
    for (int k = 0; k < s.n_lrs; k++)
        if (!(s.lrs[k] > 0) || (k && !(s.lrs[k] > s.lrs[k - 1])))
            __builtin_trap();
    for (int i = 0; i < s.n_seeds; i++)
        for (int j = 0; j < i; j++)
            if (s.seeds[i] == s.seeds[j] || s.seeds[i] < 0)
                __builtin_trap();
    if (s.grid_seeds < 1 || s.grid_seeds > s.n_seeds || s.jobs < 1)
        __builtin_trap();
    for (int i = 0; i < s.n_sets; i++)
        if (!strchr(s.sets[i], '=') || !strchr(s.sets[i], '.'))
            __builtin_trap();
    return 0;
}
