/* lmstab sweep */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_opt.h"
#include "train/dist.h"
#include "sweep/sweep.h"

typedef struct sweep_args {
    const char *out, *data, *agg;
    long jobs;
    int quiet;
    double progress;
} sweep_args;

#define A(m) offsetof(sweep_args, m)
static const lms_opt opts[] = {
    {"--out", LMS_OPT_STR, "DIR", A(out), 0, 0, 0,
     "output directory (default: [sweep] out)"},
    {"--jobs", LMS_OPT_INT, "N", A(jobs), 1, 1024, 0,
     "runs at a time (default: [sweep] jobs, where 0 is one per allowed CPU)"},
    {"--data", LMS_OPT_STR, "FILE", A(data), 0, 0, 0,
     "train every run on FILE (default: [sweep] data, else the configs')"},
    {"--quiet", LMS_OPT_FLAG, NULL, A(quiet), 0, 0, 0,
     "no progress on stderr"},
    {"--progress-seconds", LMS_OPT_NUM, "S", A(progress), 0, 1e9, 1,
     "a line per run in progress every S seconds (default 60)"},
    {"--aggregate", LMS_OPT_STR, "DIR", A(agg), 0, 0, 0,
     "only rebuild the tables from the runs in DIR"},
    {NULL, 0, NULL, 0, 0, 0, 0, NULL},
};
#undef A

static void usage(FILE *f) {
    fprintf(f,
            "usage: lmstab sweep SWEEP.ini [--out DIR] [--jobs N] [--data FILE]\n"
            "                    [--plugin-dir DIR] [--set S.K=V]... [--quiet]\n"
            "                    [--progress-seconds S]\n"
            "       lmstab sweep --aggregate DIR\n"
            "\n"
            "Runs variants x learning rates x seeds (one `lmstab train` process\n"
            "per run, one BLAS thread each, N at a time), skipping runs already\n"
            "finished in DIR, adding seeds at each variant's boundary LRs, then\n"
            "writes DIR/results.csv, cells.csv, variants.csv, table.md and prints\n"
            "the table.\n"
            "Progress on stderr: the runs to do, then \"[k/N]\" with the elapsed\n"
            "time and an ETA as each run ends (\"at least\" while edge bands or\n"
            "boundaries are not known yet), and every --progress-seconds S\n"
            "a line per run in progress with its step. Each run's\n"
            "own progress is in its train.log.\n"
            "\n");
    lms_opt_help(f, opts);
    fprintf(f,
            "  --set S.K=V            add an override to every run (repeatable)\n"
            "  --plugin-dir DIR       search DIR for plugins first\n"
            "\n"
            "SWEEP.ini has a [sweep] section (variants, configs_dir, lr_min,\n"
            "lr_max, lr_ratio, lr_anchor, seeds, grid_seeds, boundary_seeds,\n"
            "edge_points, edge_ratio, edge_seeds, jobs, out, data, reference,\n"
            "precisions, pairs, reuse)\n"
            "and an optional [overrides] section of SECTION.KEY = VALUE lines;\n"
            "see docs/cli.md.\n");
}

int lms_cmd_sweep(int argc, char **argv, int dry) {
    sweep_args a = {0};
    lms_cli_common c = {0};
    const char *pos[1];
    int npos;
    int rc = lms_opt_parse("sweep", opts, &a, &c, argc, argv, pos, 1, &npos);
    if (rc == 1) {
        usage(stdout);
        return 0;
    }
    if (rc != 0)
        return 2;
    const char *file = npos ? pos[0] : NULL, *agg = a.agg;
    if (!agg && !file) {
        usage(stderr);
        return 2;
    }
    if (dry)
        return 0;
    char err[4096];
    if (agg) {
        if (lms_sweep_aggregate(agg, 1, err, sizeof err) != 0) {
            fprintf(stderr, "lmstab: error: %s\n", err);
            return 1;
        }
        return 0;
    }
    lms_sweep_catch_stops(); /* a stop during the checks below counts */
    static lms_sweep s;
    if (lms_sweep_load(&s, file, err, sizeof err) != 0) {
        fprintf(stderr, "lmstab: error: %s\n", err);
        return 1;
    }
    if (a.out)
        snprintf(s.out_dir, sizeof s.out_dir, "%s", a.out);
    if (a.data)
        snprintf(s.data_path, sizeof s.data_path, "%s", a.data);
    if (a.jobs > 0)
        s.jobs = (int)a.jobs;
    s.progress_seconds = a.progress;
    if (c.plugin_dir)
        snprintf(s.plugin_dir, sizeof s.plugin_dir, "%s", c.plugin_dir);
    for (int i = 0; i < c.nsets; i++) {
        if (s.n_sets == LMS_SWEEP_MAX_SETS ||
            strlen(c.sets[i]) >= sizeof s.sets[0]) {
            fprintf(stderr, "lmstab: error: --set %.60s: %s\n", c.sets[i],
                    s.n_sets == LMS_SWEEP_MAX_SETS
                        ? "a sweep takes at most 64 overrides ([overrides] "
                          "and --set together)"
                        : "longer than a sweep's override can be (511 bytes)");
            return 1;
        }
        s.set_line[s.n_sets] = 0;
        snprintf(s.sets[s.n_sets++], sizeof s.sets[0], "%s", c.sets[i]);
    }
    if (lms_sweep_check(&s, err, sizeof err) != 0) {
        fprintf(stderr, "lmstab: error: %s\n", err);
        return 1;
    }
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        fprintf(stderr, "lmstab: error: cannot find my own executable\n");
        return 1;
    }
    exe[n] = '\0';
    const lms_dist *d = lms_dist_world();
    if (d->rank == 0)
        lms_sweep_numerics_note(&s, stderr);
    if (!a.quiet && d->rank == 0)
        fprintf(stderr, "sweep: %d variants x %d learning rates, up to %d "
                "seeds, %d at a time -> %s\n", s.n_variants, s.n_lrs,
                s.n_seeds, d->size > 1 ? d->size : s.jobs, s.out_dir);
    rc = lms_sweep_run(&s, exe, a.quiet, err, sizeof err);
    if (rc > 0) { /* stopped by a signal: not an error, the exit says which */
        fprintf(stderr, "lmstab: %s\n", err);
        return rc;
    }
    if (rc != 0 ||
        (d->rank == 0 && lms_sweep_aggregate(s.out_dir, 1, err, sizeof err) != 0)) {
        fprintf(stderr, "lmstab: error: %s\n", err);
        return 1;
    }
    return 0;
}
