/* lmstab train */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "lmstab/train.h"

static void usage(FILE *f) {
    fprintf(f,
            "usage: lmstab train CONFIG [--set SECTION.KEY=VALUE]... [--out DIR]\n"
            "                    [--data FILE] [--plugin-dir DIR] [--quiet]\n"
            "\n"
            "Trains the model described by CONFIG (an INI file). With --out, writes\n"
            "DIR/metrics.csv (one row per logged step) and DIR/summary.json (written\n"
            "last and atomically: its presence marks a finished run).\n"
            "--set overrides any key, e.g. --set training.lr=0.01\n"
            "--data uses FILE instead of data.train.\n"
            "Exit status: 0 trained (a diverged run is a result: see summary.json),\n"
            "1 on an error (bad config, plugin or data), 2 on bad usage.\n");
}

int lms_cmd_train(int argc, char **argv) {
    lms_cli_common c = {0};
    lms_train_opts o = {0};
    o.progress = 1;
    for (int i = 1; i < argc; i++) {
        int n = lms_cli_common_opt(&c, argc, argv, i);
        if (n < 0)
            return 2;
        if (n > 0) {
            i += n - 1;
            continue;
        }
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--quiet")) {
            o.progress = 0;
        } else if ((!strcmp(argv[i], "--out") || !strcmp(argv[i], "--data")) &&
                   i + 1 < argc) {
            if (argv[i][2] == 'o')
                o.out_dir = argv[++i];
            else
                o.data_path = argv[++i];
        } else if (argv[i][0] == '-' || o.config_path) {
            fprintf(stderr, "lmstab train: unexpected argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        } else {
            o.config_path = argv[i];
        }
    }
    if (!o.config_path) {
        usage(stderr);
        return 2;
    }
    o.sets = c.sets;
    o.nsets = c.nsets;
    o.plugin_dir = c.plugin_dir;
    lms_train_result r;
    char err[2048];
    if (lms_train_run(&o, &r, err, sizeof err) != 0) {
        fprintf(stderr, "lmstab: error: %s\n", err);
        return 1;
    }
    return 0;
}
