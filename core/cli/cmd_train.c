/* lmstab train */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "train/train.h"

static void usage(FILE *f) {
    fprintf(f,
            "usage: lmstab train CONFIG [--set SECTION.KEY=VALUE]... [--out DIR]\n"
            "                    [--data FILE] [--plugin-dir DIR] [--quiet]\n"
            "                    [--checkpoint-every N] [--overwrite] [--threads N]\n"
            "                    [--init-from FILE.safetensors [--map-preset NAME]\n"
            "                    [--map OURS=THEIRS]...]\n"
            "       lmstab train --resume DIR [--set S.K=V]... [--data FILE]\n"
            "                    [--plugin-dir DIR] [--quiet] [--checkpoint-every N]\n"
            "Both also take [--json FILE|-] [--progress-every N]\n"
            "[--progress-seconds S].\n"
            "\n"
            "Trains the model described by CONFIG (an INI file). With --out, writes\n"
            "DIR/metrics.csv (one row per logged step), DIR/weights.safetensors and\n"
            "DIR/summary.json (written last and atomically: its presence marks a\n"
            "finished run).\n"
            "--set overrides any key, e.g. --set training.lr=0.01\n"
            "--data uses FILE instead of data.train.\n"
            "--checkpoint-every N writes DIR/checkpoint.safetensors (parameters, AdamW\n"
            "  moments, data-sampler state, config) every N steps and at the end.\n"
            "--resume DIR continues the run in DIR from its checkpoint, bit-exactly,\n"
            "  with the config and overrides stored there (CONFIG, if given, must be\n"
            "  the same). --set may change only training.max_steps, eval_every,\n"
            "  eval_batches, log_every and instrument_every; it is recorded. Give\n"
            "  --data again if the run had it. metrics.csv is truncated to the\n"
            "  checkpoint's step and appended to. Implies --out DIR.\n"
            "--out into a directory that holds a run is refused unless --overwrite\n"
            "  (which replaces it) or --resume DIR; the root of a sweep, always.\n"
            "--init-from FILE initialises the parameters from a safetensors file with\n"
            "  the model's tensor names (docs/reliability.md), e.g. from PyTorch;\n"
            "  --map-preset nanogpt|hf-gpt2 reads those trainers' names (HF's Conv1D\n"
            "  weights transposed), --map OURS=THEIRS rewrites a dotted part of a\n"
            "  name (repeatable, after the preset).\n"
            "Progress on stderr: a start banner, then in a terminal a live line\n"
            "  (with the last validation loss); elsewhere a plain line every\n"
            "  --progress-every N steps (default a tenth of the run) or\n"
            "  --progress-seconds S (default 60), and one per evaluation.\n"
            "  --quiet: none. --json FILE (- for stdout): one JSON object per line,\n"
            "  events start, eval, step, end (docs/cli.md).\n"
            "SIGINT/SIGTERM: the current step finishes, a checkpoint is written (with\n"
            "  --out), the command that continues the run is printed, and the run\n"
            "  stops without summary.json.\n"
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
    } else if (!strcmp(a, "--progress-every")) {
        if (parse_count(a, v, &o->progress_every))
            return -1;
    } else if (!strcmp(a, "--threads")) {
        if (parse_count(a, v, &o->threads))
            return -1;
    } else if (!strcmp(a, "--progress-seconds")) {
        char *end;
        o->progress_seconds = strtod(v, &end);
        if (!*v || *end || !(o->progress_seconds > 0) ||
            o->progress_seconds > 1e9) {
            fprintf(stderr, "lmstab train: --progress-seconds needs a number "
                    "of seconds > 0 (got '%s')\n", v);
            return -1;
        }
    } else if (!strcmp(a, "--json")) {
        o->json_path = v;
    } else if (!strcmp(a, "--stop-after")) { /* testing aid, see --help */
        if (parse_count(a, v, &o->stop_after))
            return -1;
    } else
        return 0;
    (*i)++;
    return 1;
}

/* s as one shell word: as it is when it needs no quoting, else in single
 * quotes. */
static void put_word(FILE *f, const char *s) {
    if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                        "0123456789_./:=@%+,-") == strlen(s)) {
        fprintf(f, " %s", s);
        return;
    }
    fputs(" '", f);
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", f);
        else
            fputc(*s, f);
    }
    fputc('\'', f);
}

/* The stop message names the command that continues the run: the
 * program as it was invoked, --resume DIR, and what the checkpoint does
 * not hold: where the data and the plugins are. */
static void stopped_message(const char *name, const lms_train_result *r,
                            const lms_train_opts *o, const char *prog) {
    fprintf(stderr, "lmstab: stopped by %s after step %ld; checkpoint written "
            "to %s/checkpoint.safetensors; continue with:", name, r->steps,
            o->out_dir);
    put_word(stderr, prog);
    fputs(" train --resume", stderr);
    put_word(stderr, o->out_dir);
    if (o->data_path) {
        fputs(" --data", stderr);
        put_word(stderr, o->data_path);
    }
    if (o->plugin_dir) {
        fputs(" --plugin-dir", stderr);
        put_word(stderr, o->plugin_dir);
    }
    fputc('\n', stderr);
}

/* argv[0] is "train"; argv[-1] is the program as invoked (main passes
 * argv + 1). */
int lms_cmd_train(int argc, char **argv, int dry) {
    lms_cli_common c = {0};
    lms_train_opts o = {0};
    const char *resume_dir = NULL;
    static const char *maps[64];
    o.progress = 1;
    o.maps = maps;
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
        } else if (!strcmp(argv[i], "--map") && i + 1 < argc) {
            if (o.nmaps == 64) {
                fprintf(stderr, "lmstab train: at most 64 --map rules\n");
                return 2;
            }
            maps[o.nmaps++] = argv[++i];
        } else if (!strcmp(argv[i], "--map-preset") && i + 1 < argc) {
            o.map_preset = argv[++i];
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
    if ((o.nmaps || o.map_preset) && !o.init_from) {
        fprintf(stderr, "lmstab train: --map and --map-preset name the tensors "
                "of --init-from FILE; give it\n");
        return 2;
    }
    if (!o.config_path && !resume_dir) {
        fprintf(stderr, "lmstab train: a CONFIG file to train, or --resume "
                "DIR to continue a run (lmstab train --help)\n");
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
            stopped_message(name, &r, &o, argv[-1]);
        else
            fprintf(stderr, "lmstab: stopped by %s after step %ld (no --out: "
                    "nothing saved)\n", name, r.steps);
        return 128 + r.interrupted;
    }
    return 0;
}
