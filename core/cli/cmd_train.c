/* lmstab train */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_opt.h"
#include "train/train.h"
#include "util/signame.h"

typedef struct train_args {
    lms_train_opts o;
    const char *resume;
    int quiet;
    lms_opt_list maps;
} train_args;

#define A(m) offsetof(train_args, m)
/* clang-format off */
static const lms_opt opts[] = {
    {"--out", LMS_OPT_STR, "DIR", A(o.out_dir), 0, 0, 0,
     "write metrics.csv, weights.safetensors, summary.json into DIR"},
    {"--overwrite", LMS_OPT_FLAG, NULL, A(o.overwrite), 0, 0, 0,
     "replace the run that --out DIR holds"},
    {"--resume", LMS_OPT_STR, "DIR", A(resume), 0, 0, 0,
     "continue the run in DIR from its checkpoint (implies --out DIR)"},
    {"--data", LMS_OPT_STR, "FILE", A(o.data_path), 0, 0, 0,
     "train on FILE instead of data.train"},
    {"--quiet", LMS_OPT_FLAG, NULL, A(quiet), 0, 0, 0,
     "no progress on stderr"},
    {"--checkpoint-every", LMS_OPT_INT, "N", A(o.checkpoint_every), 1, 1e18, 0,
     "write DIR/checkpoint.safetensors every N steps and at the end"},
    {"--threads", LMS_OPT_INT, "N", A(o.threads), 1, 1e18, 0,
     "threads of the numeric work (overrides [training] threads)"},
    {"--init-from", LMS_OPT_STR, "FILE", A(o.init_from), 0, 0, 0,
     "initialise the parameters from a safetensors file"},
    {"--map-preset", LMS_OPT_STR, "NAME", A(o.map_preset), 0, 0, 0,
     "read --init-from's names as nanogpt's or hf-gpt2's"},
    {"--map", LMS_OPT_LIST, "OURS=THEIRS", A(maps), 0, 0, 0,
     "rewrite a dotted part of --init-from's names, after the preset"},
    {"--json", LMS_OPT_STR, "FILE|-", A(o.json_path), 0, 0, 0,
     "one JSON object per line (start, eval, step, end) to FILE or stdout"},
    {"--progress-every", LMS_OPT_INT, "N", A(o.progress_every), 1, 1e18, 0,
     "stderr not a terminal: a progress line every N steps"},
    {"--progress-seconds", LMS_OPT_NUM, "S", A(o.progress_seconds), 0, 1e9, 1,
     "... or every S seconds (default 60)"},
    {"--stop-after", LMS_OPT_INT, "N", A(o.stop_after), 1, 1e18, 0,
     "testing aid: stop as SIGINT would after N steps"},
    {NULL, 0, NULL, 0, 0, 0, 0, NULL},
};
/* clang-format on */
#undef A

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
            "\n");
    lms_opt_help(f, opts);
    fprintf(f,
            "  --set S.K=V            override any key, e.g. --set training.lr=0.01\n"
            "                         (repeatable)\n"
            "  --plugin-dir DIR       search DIR for plugins first\n"
            "\n"
            "--checkpoint-every N: the checkpoint holds parameters, AdamW moments,\n"
            "  data-sampler state and config.\n"
            "--resume DIR continues the run in DIR from its checkpoint, bit-exactly,\n"
            "  with the config and overrides stored there (CONFIG, if given, must be\n"
            "  the same). --set may change only training.max_steps, eval_every,\n"
            "  eval_batches, log_every, instrument_every, threads and\n"
            "  adapt_threads; it is recorded. Give\n"
            "  --data again if the run had it. metrics.csv is truncated to the\n"
            "  checkpoint's step and appended to.\n"
            "--out into a directory that holds a run is refused unless --overwrite\n"
            "  (which replaces it) or --resume DIR; the root of a sweep, always.\n"
            "--init-from FILE: the model's tensor names (docs/reliability.md), e.g.\n"
            "  from PyTorch; --map-preset nanogpt|hf-gpt2 reads those trainers' names\n"
            "  (HF's Conv1D weights transposed).\n"
            "Progress on stderr: a start banner, then in a terminal a live line\n"
            "  (with the last validation loss); elsewhere a plain line every\n"
            "  --progress-every N steps (default a tenth of the run) or\n"
            "  --progress-seconds S (default 60), and one per evaluation.\n"
            "  --json events are described in docs/cli.md.\n"
            "SIGINT/SIGTERM/SIGHUP: the current step finishes, a checkpoint is\n"
            "  written (with --out), the command that continues the run is printed,\n"
            "  and the run stops without summary.json. So does a --json stream\n"
            "  that cannot be written (a full disk, a reader gone), with exit\n"
            "  status 1. A closed stderr does not stop a run (SIGPIPE is ignored).\n"
            "Exit status: 0 trained (a diverged run is a result: see summary.json),\n"
            "1 on an error (bad config, plugin, data or checkpoint), 2 on bad usage,\n"
            "130/143/129 when stopped by SIGINT/SIGTERM/SIGHUP (the run is not\n"
            "finished; resume it with --resume DIR).\n");
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
    /* a closed terminal or ssh session, unless SIGHUP is ignored already
     * (nohup: the user asked the run to outlive the terminal) */
    struct sigaction hup;
    if (sigaction(SIGHUP, NULL, &hup) == 0 && hup.sa_handler != SIG_IGN)
        sigaction(SIGHUP, &sa, NULL);
    /* a reader that went away (`2>&1 | head`) must not kill the run: its
     * progress lines are dropped; a --json stream's failure stops the run
     * with a checkpoint (train_progress.c) */
    signal(SIGPIPE, SIG_IGN);
    /* a sweep starts its runs with the stop signals blocked, so that one
     * sent before now waits for these handlers: let it through */
    sigset_t stops;
    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    sigaddset(&stops, SIGHUP);
    sigprocmask(SIG_UNBLOCK, &stops, NULL);
}

static const char *signal_name(int sig) {
    return sig == SIGPIPE ? "a --json stream that could not be written"
                          : lms_signal_name(sig);
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
    static train_args a; /* maps outlive this call's parsing */
    memset(&a, 0, sizeof a);
    const char *pos[1];
    int npos;
    int rc = lms_opt_parse("train", opts, &a, &c, argc, argv, pos, 1, &npos);
    if (rc == 1) {
        usage(stdout);
        return 0;
    }
    if (rc != 0)
        return 2;
    lms_train_opts o = a.o;
    const char *resume_dir = a.resume;
    o.config_path = npos ? pos[0] : NULL;
    o.progress = !a.quiet;
    o.maps = a.maps.v;
    o.nmaps = a.maps.n;
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
    if (r.stream_failed) /* named first, then the stop that followed */
        fprintf(stderr, "lmstab: error: %s\n", err);
    if (r.interrupted) {
        const char *name = signal_name(r.interrupted);
        if (r.checkpointed)
            stopped_message(name, &r, &o, argv[-1]);
        else
            fprintf(stderr, "lmstab: stopped by %s after step %ld (no --out: "
                    "nothing saved)\n", name, r.steps);
        return r.stream_failed ? 1 : 128 + r.interrupted;
    }
    return r.stream_failed ? 1 : 0;
}
