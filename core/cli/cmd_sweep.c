/* lmstab sweep */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "train/dist.h"
#include "sweep/sweep.h"

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
            "the table. --set adds overrides to every run.\n"
            "Progress on stderr: the runs to do, then \"[k/N]\" with the elapsed\n"
            "time and an ETA as each run ends (\"at least\" while edge bands or\n"
            "boundaries are not known yet), and every --progress-seconds S\n"
            "(default 60) a line per run in progress with its step. Each run's\n"
            "own progress is in its train.log.\n"
            "--aggregate DIR only rebuilds the tables from the runs in DIR.\n"
            "\n"
            "SWEEP.ini has a [sweep] section (variants, configs_dir, lr_min,\n"
            "lr_max, lr_ratio, seeds, grid_seeds, boundary_seeds, edge_points,\n"
            "edge_ratio, edge_seeds, jobs, out, data, reference)\n"
            "and an optional [overrides] section of SECTION.KEY = VALUE lines;\n"
            "see docs/cli.md.\n");
}

int lms_cmd_sweep(int argc, char **argv, int dry) {
    const char *file = NULL, *out = NULL, *agg = NULL, *data = NULL;
    long jobs = 0;
    int quiet = 0;
    double progress = 0;
    lms_cli_common c = {0};
    for (int i = 1; i < argc; i++) {
        int n = lms_cli_common_opt(&c, argc, argv, i);
        if (n < 0)
            return 2;
        if (n > 0) {
            i += n - 1;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--out") && i + 1 < argc) {
            out = argv[++i];
        } else if (!strcmp(argv[i], "--data") && i + 1 < argc) {
            data = argv[++i];
        } else if (!strcmp(argv[i], "--aggregate") && i + 1 < argc) {
            agg = argv[++i];
        } else if (!strcmp(argv[i], "--jobs") && i + 1 < argc) {
            char *end;
            jobs = strtol(argv[++i], &end, 10);
            if (*argv[i] == '\0' || *end != '\0' || jobs < 0 || jobs > 1024) {
                fprintf(stderr, "lmstab sweep: --jobs: an integer from 0 (one "
                        "per allowed CPU) to 1024 (got '%s')\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "--quiet")) {
            quiet = 1;
        } else if (!strcmp(argv[i], "--progress-seconds") && i + 1 < argc) {
            char *end;
            progress = strtod(argv[++i], &end);
            if (!*argv[i] || *end || !(progress > 0) || progress > 1e9) {
                fprintf(stderr, "lmstab sweep: --progress-seconds needs a "
                        "number of seconds > 0 (got '%s')\n", argv[i]);
                return 2;
            }
        } else if (argv[i][0] != '-' && !file) {
            file = argv[i];
        } else {
            fprintf(stderr, "lmstab sweep: unexpected argument '%s'\n", argv[i]);
            return 2;
        }
    }
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
    static lms_sweep s;
    if (lms_sweep_load(&s, file, err, sizeof err) != 0) {
        fprintf(stderr, "lmstab: error: %s\n", err);
        return 1;
    }
    if (out)
        snprintf(s.out_dir, sizeof s.out_dir, "%s", out);
    if (data)
        snprintf(s.data_path, sizeof s.data_path, "%s", data);
    if (jobs > 0)
        s.jobs = (int)jobs;
    s.progress_seconds = progress;
    if (c.plugin_dir)
        snprintf(s.plugin_dir, sizeof s.plugin_dir, "%s", c.plugin_dir);
    for (int i = 0; i < c.nsets && s.n_sets < LMS_SWEEP_MAX_SETS; i++) {
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
    if (!quiet && d->rank == 0)
        fprintf(stderr, "sweep: %d variants x %d learning rates, up to %d "
                "seeds, %d at a time -> %s\n", s.n_variants, s.n_lrs,
                s.n_seeds, d->size > 1 ? d->size : s.jobs, s.out_dir);
    int rc = lms_sweep_run(&s, exe, quiet, err, sizeof err);
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
