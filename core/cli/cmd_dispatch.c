/* lmstab's command line: the table of subcommands, the top-level usage,
 * the options every command shares, and the dispatch. Separate from main()
 * so that the argument parsing can be run alone (dry), e.g. by a fuzzer. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/source_id.h"
#include "kernels/gemm_onednn.h" /* --version */
#include "train/dist.h"
#include "lmstab/plugin.h"
#include "util/suggest.h"
#include "io/tokenizer.h"

#ifndef LMS_VERSION
#define LMS_VERSION "0.0.0"
#endif

/* The subcommands: adding one is a cmd_<name>.c file and a line here; the
 * command list of the top-level usage is printed from this table. */
static const struct {
    const char *name;
    int (*run)(int argc, char **argv, int dry);
    const char *args;    /* after the name in the usage, or "" */
    const char *summary; /* one line */
} commands[] = {
    {"train", lms_cmd_train, "CONFIG [--set S.K=V]... [--out DIR] [--data FILE]",
     "train the model of an INI file"},
    {"sample", lms_cmd_sample,
     "CHECKPOINT [--prompt TEXT] [--tokens N] [--temperature T]",
     "generate text from a training checkpoint"},
    {"golden", lms_cmd_golden,
     "CONFIG FILE.safetensors [--set S.K=V]... [--map A=B]...",
     "compare against a PyTorch reference file"},
    {"sweep", lms_cmd_sweep, "SWEEP.ini [--out DIR] [--jobs N]",
     "learning-rate sweep over variants and seeds"},
    {"report", lms_cmd_report, "SWEEP_DIR",
     "Markdown/HTML report with gnuplot figures"},
    {"compare", lms_cmd_compare, "SWEEP_DIR SWEEP_DIR... --out DIR",
     "sweeps side by side: LR50 and its ratio across them"},
    {"verdict", lms_cmd_verdict, "RUN_DIR...",
     "a run's verdicts recomputed from metrics.csv"},
    {"relabel", lms_cmd_relabel, "SWEEP_DIR --set verdict.K=V... --out DIR",
     "a sweep's runs under other verdict keys, as a new sweep"},
    {"tokenize", lms_cmd_tokenize, "train|encode|decode ...",
     "SentencePiece tokenizers and token shards"},
    {"plugins", lms_cmd_plugins, "[--keys NAME | --markdown]",
     "list plugins with kind, version and keys"},
    {"bench", lms_cmd_bench, "CONFIG [--steps N] [--threads N] [--json FILE]",
     "speed: sgemm roof, tokens/s, MFU, memory"},
    {"check", lms_cmd_check, "PLUGIN.so|NAME [--keys K=V,...] [--no-guard]",
     "run the conformance checks on one plugin"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

const char *lms_cli_command_name(size_t i) {
    return i < N_COMMANDS ? commands[i].name : NULL;
}

void lms_cli_usage(FILE *f) {
    fprintf(f,
            "usage: lmstab COMMAND [ARGS]\n"
            "\n"
            "Train small GPT models whose layers are plugins, to study training\n"
            "stability.\n"
            "\n"
            "commands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++) {
        char left[128];
        snprintf(left, sizeof left, "%s%s%s", commands[i].name,
                 commands[i].args[0] ? " " : "", commands[i].args);
        if (strlen(left) <= 20)
            fprintf(f, "  %-20s  %s\n", left, commands[i].summary);
        else
            fprintf(f, "  %s\n  %-20s  %s\n", left, "", commands[i].summary);
    }
    fprintf(f,
            "\n"
            "common options: --plugin-dir DIR (searched before "
            "$LMSTAB_PLUGIN_PATH)\n"
            "  lmstab COMMAND --help   for a command's options\n"
            "  lmstab --version        version and plugin ABI\n"
            "\n"
            "environment:\n"
            "  LMSTAB_PLUGIN_PATH    colon-separated absolute dirs searched for\n"
            "                        plugins after --plugin-dir\n"
            "  LMSTAB_THREADS        threads of lmstab's own loops and split sgemm\n"
            "                        (any value gives the same numbers; OpenBLAS\n"
            "                        itself is called on one thread, whatever\n"
            "                        OPENBLAS_NUM_THREADS says)\n"
            "  LMSTAB_BF16_KERNEL    amx | emulated | native: the path of bf16\n"
            "                        products (default: amx where it runs)\n"
            "Reference: docs/cli.md; every config key: docs/keys.md.\n");
}

int lms_cli_common_opt(lms_cli_common *c, int argc, char **argv, int i) {
    const char *a = argv[i];
    if (!strcmp(a, "--set") || !strcmp(a, "--plugin-dir")) {
        if (i + 1 >= argc) {
            fprintf(stderr, "lmstab: %s needs a value\n", a);
            return -1;
        }
        if (a[2] == 's') {
            if (c->nsets >= 256) {
                fprintf(stderr, "lmstab: too many --set options\n");
                return -1;
            }
            c->sets[c->nsets++] = argv[i + 1];
        } else {
            c->plugin_dir = argv[i + 1];
        }
        return 2;
    }
    if (!strncmp(a, "--set=", 6)) {
        if (c->nsets >= 256) {
            fprintf(stderr, "lmstab: too many --set options\n");
            return -1;
        }
        c->sets[c->nsets++] = a + 6;
        return 1;
    }
    if (!strncmp(a, "--plugin-dir=", 13)) {
        c->plugin_dir = a + 13;
        return 1;
    }
    return 0;
}

int lms_cli_dispatch(int argc, char **argv, int dry) {
    if (argc < 2) {
        lms_cli_usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        lms_cli_usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        const char *dnnl = lms_onednn_version();
        printf("lmstab %s (source %s, plugin ABI %d.%d, MPI: %s, tokenizer: "
               "%s, oneDNN: %s)\n",
               LMS_VERSION, lms_source_id(), LMS_ABI_MAJOR, LMS_ABI_MINOR,
               lms_dist_feature(), lms_tok_feature(), dnnl ? dnnl : "off");
        return 0;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(cmd, commands[i].name))
            return commands[i].run(argc - 1, argv + 1, dry);
    const char *names[N_COMMANDS];
    for (size_t i = 0; i < N_COMMANDS; i++)
        names[i] = commands[i].name;
    const char *near = lms_suggest(cmd, names, N_COMMANDS);
    if (near)
        fprintf(stderr, "lmstab: unknown command '%s'; did you mean '%s'? (see "
                "lmstab --help)\n", cmd, near);
    else
        fprintf(stderr, "lmstab: unknown command '%s' (see lmstab --help)\n", cmd);
    return 2;
}
