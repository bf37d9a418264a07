/* lmstab golden */
#include <stddef.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/cmd_opt.h"
#include "train/golden.h"

typedef struct golden_args {
    int verbose;
    lms_opt_list maps;
} golden_args;

#define A(m) offsetof(golden_args, m)
/* clang-format off */
static const lms_opt opts[] = {
    {"--map", LMS_OPT_LIST, "OURS=THEIRS", A(maps), 0, 0, 0, "rewrite a dotted name part of ours first"},
    {"-v", LMS_OPT_FLAG, NULL, A(verbose), 0, 0, 0, "print every tensor, not only the worst"},
    {"--verbose", LMS_OPT_FLAG, NULL, A(verbose), 0, 0, 0, "the same as -v"},
    {NULL, 0, NULL, 0, 0, 0, 0, NULL},
};
/* clang-format on */
#undef A

static void usage(FILE *f) {
    fprintf(f,
            "usage: lmstab golden CONFIG FILE.safetensors [--set S.K=V]...\n"
            "                     [--map OURS=THEIRS]... [--plugin-dir DIR] [-v]\n"
            "\n"
            "Builds CONFIG's model at the dims of FILE's metadata 'config', loads\n"
            "its p0.* tensors and compares logits, losses, every gradient and two\n"
            "AdamW steps with the file (tolerances of ../shared/golden/README.md),\n"
            "printing a line per step (its checks, and the one closest to its\n"
            "tolerance) and every tensor that fails (-v: every tensor).\n"
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
            "Exit status: 0 match, 1 mismatch or error, 2 bad usage.\n"
            "\n");
    lms_opt_help(f, opts);
    fprintf(f, "  --set S.K=V            override a key (repeatable)\n"
               "  --plugin-dir DIR       search DIR for plugins first\n");
}

int lms_cmd_golden(int argc, char **argv, int dry) {
    lms_cli_common c = {0};
    lms_golden_opts o = {0};
    golden_args a = {0};
    const char *pos[2];
    int npos;
    int prc = lms_opt_parse("golden", opts, &a, &c, argc, argv, pos, 2, &npos);
    if (prc == 1) {
        usage(stdout);
        return 0;
    }
    if (prc != 0)
        return 2;
    o.verbose = a.verbose;
    o.config_path = npos > 0 ? pos[0] : NULL;
    o.golden_path = npos > 1 ? pos[1] : NULL;
    if (!o.config_path || !o.golden_path) {
        usage(stderr);
        return 2;
    }
    if (dry)
        return 0;
    o.sets = c.sets;
    o.nsets = c.nsets;
    o.maps = a.maps.v;
    o.nmaps = a.maps.n;
    o.plugin_dir = c.plugin_dir;
    char err[2048];
    int rc = lms_golden_run(&o, stdout, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "lmstab: error: %s\n", err);
    return rc == 0 ? 0 : 1;
}
