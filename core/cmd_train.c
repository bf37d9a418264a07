/* lmstab train */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "lmstab/train.h"

static void usage(FILE *f) {
    fprintf(f,
            "usage: lmstab train CONFIG [--set SECTION.KEY=VALUE]... [--out DIR]\n"
            "                    [--data FILE] [--plugin-dir DIR] [--quiet]\n"
            "                    [--checkpoint-every N] [--resume DIR] [--overwrite]\n"
            "                    [--init-from FILE.safetensors]\n"
            "\n"
            "Trains the model described by CONFIG (an INI file). With --out, writes\n"
            "DIR/metrics.csv (one row per logged step) and DIR/summary.json (written\n"
            "last and atomically: its presence marks a finished run).\n"
            "--set overrides any key, e.g. --set training.lr=0.01\n"
            "--data uses FILE instead of data.train.\n"
            "--checkpoint-every N writes DIR/checkpoint.safetensors (parameters, AdamW\n"
            "  moments, data-sampler state, config) every N steps and at the end.\n"
            "--resume DIR continues the run in DIR from its checkpoint, bit-exactly\n"
            "  (same CONFIG, --set and data); metrics.csv is truncated to the\n"
            "  checkpoint's step and appended to. Implies --out DIR.\n"
            "--out into a directory that holds a run is refused unless --overwrite\n"
            "  (which replaces it) or --resume DIR; the root of a sweep, always.\n"
            "--init-from FILE initialises the parameters from a safetensors file with\n"
            "  the model's tensor names (docs/reliability.md), e.g. from PyTorch.\n"
            "SIGINT/SIGTERM: the current step finishes, a checkpoint is written (with\n"
            "  --out) and the run stops without summary.json.\n"
            "Exit status: 0 trained (a diverged run is a result: see summary.json),\n"
            "1 on an error (bad config, plugin, data or checkpoint), 2 on bad usage,\n"
            "130/143 when stopped by SIGINT/SIGTERM (the run is not finished;\n"
            "resume it with --resume DIR).\n");
}

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) {
    if (stop_signal) /* a second signal: give up at once */
        _exit(128 + sig);
    stop_signal = sig;
}

static void install_handlers(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART; /* I/O in flight (checkpoints) is not cut short */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static int parse_count(const char *opt, const char *v, long *out) {
    char *end;
    long n = strtol(v, &end, 10);
    if (!*v || *end || n < 1) {
        fprintf(stderr, "lmstab train: %s needs a positive integer (got '%s')\n",
                opt, v);
        return -1;
    }
    *out = n;
    return 0;
}

/* Options with a value; returns 1 if argv[i] was one (i advanced), 0 if
 * not, -1 on a bad value. */
static int value_opt(lms_train_opts *o, int argc, char **argv, int *i,
                     const char **resume_dir) {
    const char *a = argv[*i];
    if (*i + 1 >= argc)
        return 0;
    const char *v = argv[*i + 1];
    if (!strcmp(a, "--out"))
        o->out_dir = v;
    else if (!strcmp(a, "--data"))
        o->data_path = v;
    else if (!strcmp(a, "--resume"))
        *resume_dir = v;
    else if (!strcmp(a, "--init-from"))
        o->init_from = v;
    else if (!strcmp(a, "--checkpoint-every")) {
        if (parse_count(a, v, &o->checkpoint_every))
            return -1;
    } else if (!strcmp(a, "--stop-after")) { /* testing aid, see --help */
        if (parse_count(a, v, &o->stop_after))
            return -1;
    } else
        return 0;
    (*i)++;
    return 1;
}

int lms_cmd_train(int argc, char **argv, int dry) {
    lms_cli_common c = {0};
    lms_train_opts o = {0};
    const char *resume_dir = NULL;
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
        } else if (!strcmp(argv[i], "--overwrite")) {
            o.overwrite = 1;
        } else if ((n = value_opt(&o, argc, argv, &i, &resume_dir)) != 0) {
            if (n < 0)
                return 2;
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
    if (resume_dir) {
        if (o.out_dir && strcmp(o.out_dir, resume_dir) != 0) {
            fprintf(stderr, "lmstab train: --resume DIR writes into DIR; drop "
                    "--out %s\n", o.out_dir);
            return 2;
        }
        o.out_dir = resume_dir;
        o.resume = 1;
    }
    if (dry)
        return 0;
    o.sets = c.sets;
    o.nsets = c.nsets;
    o.plugin_dir = c.plugin_dir;
    o.stop = &stop_signal;
    install_handlers();
    lms_train_result r;
    char err[2048];
    if (lms_train_run(&o, &r, err, sizeof err) != 0) {
        fprintf(stderr, "lmstab: error: %s\n", err);
        return 1;
    }
    if (r.interrupted) {
        const char *name = r.interrupted == SIGTERM ? "SIGTERM" : "SIGINT";
        if (r.checkpointed)
            fprintf(stderr, "lmstab: stopped by %s after step %ld; checkpoint "
                    "written to %s/checkpoint.safetensors; continue with: "
                    "lmstab train %s --resume %s (and the same --set/--data)\n",
                    name, r.steps, o.out_dir, o.config_path, o.out_dir);
        else
            fprintf(stderr, "lmstab: stopped by %s after step %ld (no --out: "
                    "nothing saved)\n", name, r.steps);
        return 128 + r.interrupted;
    }
    return 0;
}
