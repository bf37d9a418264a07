/* lmstab golden */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "train/golden.h"

static void usage(FILE *f) {
    fprintf(f,
            "usage: lmstab golden CONFIG FILE.safetensors [--set S.K=V]...\n"
            "                     [--map OURS=THEIRS]... [--plugin-dir DIR] [-v]\n"
            "\n"
            "Builds CONFIG's model at the dims of FILE's metadata 'config', loads\n"
            "its p0.* tensors and compares logits, losses, every gradient and two\n"
            "AdamW steps with the file (tolerances of ../shared/golden/README.md),\n"
            "printing the worst difference per tensor.\n"
            "A file whose metadata config says \"precision\": \"bf16\" is checked\n"
            "under the README's bf16 rules (g1 and loss1 at the file's p1, loss2\n"
            "within 5e-4, own p1/p2 within 3e-2); the model must run at the file's\n"
            "precision (--set training.precision=bf16); LMSTAB_BF16_KERNEL picks\n"
            "the amx, native or emulated path.\n"
            "FILE needs x, y, p0.*, logits0, loss0, g0.*, grad_norm0, p1.*, loss1,\n"
            "g1.*, grad_norm1, p2.*, loss2 (format: ../shared/golden/README.md;\n"
            "writing one from PyTorch: docs/plugins.md).\n"
            "Names: ours equal the file's after 'attn.q_norm'->'q_ln' and\n"
            "'attn.k_norm'->'k_ln'; --map OURS=THEIRS (repeatable) first rewrites\n"
            "a dotted name part, e.g. --map attn.q_norm.g=q_scale.\n"
            "  -v, --verbose     print every tensor, not only the worst\n"
            "Exit status: 0 match, 1 mismatch or error, 2 bad usage.\n");
}

int lms_cmd_golden(int argc, char **argv, int dry) {
    lms_cli_common c = {0};
    lms_golden_opts o = {0};
    const char *maps[64];
    int nmaps = 0;
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
        } else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
            o.verbose = 1;
        } else if (!strcmp(argv[i], "--map") && i + 1 < argc && nmaps < 64) {
            maps[nmaps++] = argv[++i];
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "lmstab golden: unexpected argument '%s'\n", argv[i]);
            return 2;
        } else if (!o.config_path) {
            o.config_path = argv[i];
        } else if (!o.golden_path) {
            o.golden_path = argv[i];
        } else {
            fprintf(stderr, "lmstab golden: unexpected argument '%s'\n", argv[i]);
            return 2;
        }
    }
    if (!o.config_path || !o.golden_path) {
        usage(stderr);
        return 2;
    }
    if (dry)
        return 0;
    o.sets = c.sets;
    o.nsets = c.nsets;
    o.maps = maps;
    o.nmaps = nmaps;
    o.plugin_dir = c.plugin_dir;
    char err[2048];
    int rc = lms_golden_run(&o, stdout, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "lmstab: error: %s\n", err);
    return rc == 0 ? 0 : 1;
}
