/* lmstab's command line: the table of subcommands, the top-level usage,
 * the options every command shares, and the dispatch. Separate from main()
 * so that the argument parsing can be run alone (dry), e.g. by a fuzzer. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "kernels/gemm_onednn.h" /* --version */
#include "train/dist.h"
#include "lmstab/plugin.h"
#include "util/suggest.h"
#include "io/tokenizer.h"

#ifndef LMS_VERSION
#define LMS_VERSION "0.0.0"
#endif

/* The subcommands: adding one is a cmd_<name>.c file and a line here. */
static const struct {
    const char *name;
    int (*run)(int argc, char **argv, int dry);
} commands[] = {
    {"train", lms_cmd_train},
    {"sample", lms_cmd_sample},
    {"sweep", lms_cmd_sweep},
    {"report", lms_cmd_report},
    {"golden", lms_cmd_golden},
    {"plugins", lms_cmd_plugins},
    {"bench", lms_cmd_bench},
    {"verdict", lms_cmd_verdict},
    {"tokenize", lms_cmd_tokenize},
    {"check", lms_cmd_check},
};

static void usage(FILE *f) {
    fprintf(f,
            "usage: lmstab COMMAND [ARGS]\n"
            "\n"
            "Train small GPT models whose layers are plugins, to study training\n"
            "stability.\n"
            "\n"
            "commands:\n"
            "  train CONFIG [--set S.K=V]... [--out DIR] [--data FILE]\n"
            "                        train the model of an INI file\n"
            "  sample CHECKPOINT [--prompt TEXT] [--tokens N] [--temperature T]\n"
            "                        generate text from a training checkpoint\n"
            "  golden CONFIG FILE.safetensors [--set S.K=V]... [--map A=B]...\n"
            "                        compare against a PyTorch reference file\n"
            "  sweep SWEEP.ini [--out DIR] [--jobs N]\n"
            "                        learning-rate sweep over variants and seeds\n"
            "  report SWEEP_DIR      Markdown/HTML report with gnuplot figures\n"
            "  verdict RUN_DIR...    a run's verdicts recomputed from metrics.csv\n"
            "  tokenize train|encode|decode ...\n"
            "                        SentencePiece tokenizers and token shards\n"
            "  plugins [--keys NAME | --markdown]\n"
            "                        list plugins with kind, version and keys\n"
            "  bench CONFIG [--steps N] [--threads N] [--json FILE]\n"
            "                        speed: sgemm roof, tokens/s, MFU, memory\n"
            "\n"
            "common options: --plugin-dir DIR (searched before "
            "$LMSTAB_PLUGIN_PATH)\n"
            "  lmstab COMMAND --help   for a command's options\n"
            "  lmstab --version        version and plugin ABI\n"
            "\n"
            "environment:\n"
            "  LMSTAB_PLUGIN_PATH    colon-separated absolute dirs searched for\n"
            "                        plugins after --plugin-dir\n"
            "  OPENBLAS_NUM_THREADS  BLAS threads (1: bit-for-bit reproducible)\n"
            "  LMSTAB_THREADS        threads of lmstab's own loops and split sgemm\n"
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
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        const char *dnnl = lms_onednn_version();
        printf("lmstab %s (plugin ABI %d.%d, MPI: %s, tokenizer: %s, "
               "oneDNN: %s)\n",
               LMS_VERSION, LMS_ABI_MAJOR, LMS_ABI_MINOR, lms_dist_feature(),
               lms_tok_feature(), dnnl ? dnnl : "off");
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(cmd, commands[i].name))
            return commands[i].run(argc - 1, argv + 1, dry);
    const char *names[sizeof commands / sizeof commands[0]];
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        names[i] = commands[i].name;
    const char *near = lms_suggest(cmd, names, sizeof names / sizeof names[0]);
    if (near)
        fprintf(stderr, "lmstab: unknown command '%s'; did you mean '%s'? (see "
                "lmstab --help)\n", cmd, near);
    else
        fprintf(stderr, "lmstab: unknown command '%s' (see lmstab --help)\n", cmd);
    return 2;
}
