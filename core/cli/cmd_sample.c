/* lmstab sample */
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_opt.h"
#include "train/sample.h"

typedef struct sample_args {
    const char *prompt, *tokenizer;
    long tokens, top_k, seed;
    double temperature;
} sample_args;

#define A(m) offsetof(sample_args, m)
/* clang-format off */
static const lms_opt opts[] = {
    {"--prompt", LMS_OPT_STR, "TEXT", A(prompt), 0, 0, 0, "text the generation continues (default empty)"},
    {"--tokens", LMS_OPT_INT, "N", A(tokens), 0, 1e7, 0, "tokens generated (default 200)"},
    {"--temperature", LMS_OPT_NUM, "T", A(temperature), 0, 100, 0, "0 is greedy (default 0.8)"},
    {"--top-k", LMS_OPT_INT, "K", A(top_k), 0, 1 << 20, 0, "draw among the K likeliest, 0 all (default 0)"},
    {"--seed", LMS_OPT_INT, "S", A(seed), 0, 9007199254740992.0, 0, "the draw: the same seed gives the same text (default 1)"},
    {"--tokenizer", LMS_OPT_STR, "FILE.model", A(tokenizer), 0, 0, 0, "the tokenizer of a token-shard model (default: the run's)"},
    {NULL, 0, NULL, 0, 0, 0, 0, NULL},
};
/* clang-format on */
#undef A

static void usage(FILE *f) {
    fprintf(f,
            "usage: lmstab sample CHECKPOINT|RUN_DIR [--prompt TEXT] [--tokens N]\n"
            "                     [--temperature T] [--top-k K] [--seed S]\n"
            "                     [--tokenizer FILE.model] [--plugin-dir DIR]\n"
            "\n"
            "Generates text from a checkpoint written by `lmstab train\n"
            "--checkpoint-every`, or that of a run directory: the model is rebuilt\n"
            "from the config stored in it, and the file and training step it comes\n"
            "from are printed on stderr. Prints the prompt followed by\n"
            "N generated tokens (default 200): bytes, or for a model trained on a\n"
            "token shard the text of its tokenizer (the run's data.tokenizer, or\n"
            "--tokenizer FILE.model). --temperature 0 is greedy (default\n"
            "0.8), --top-k 0 keeps every byte (default 0), --seed picks the draw\n"
            "(default 1): the same seed gives the same text.\n"
            "\n");
    lms_opt_help(f, opts);
    fprintf(f, "  --plugin-dir DIR       search DIR for plugins first\n");
}

int lms_cmd_sample(int argc, char **argv, int dry) {
    lms_cli_common c = {0};
    sample_args a = {"", NULL, 200, 0, 1, 0.8};
    const char *pos[1];
    int npos;
    int prc = lms_opt_parse("sample", opts, &a, &c, argc, argv, pos, 1, &npos);
    if (prc == 1) {
        usage(stdout);
        return 0;
    }
    if (prc != 0)
        return 2;
    lms_sample_opts o = {200, 0.8, 0, 1};
    o.n_tokens = (int)a.tokens;
    o.temperature = a.temperature;
    o.top_k = (int)a.top_k;
    o.seed = (uint64_t)a.seed;
    const char *ckpt = npos ? pos[0] : NULL, *prompt = a.prompt,
               *tokenizer = a.tokenizer;
    if (!ckpt || c.nsets > 0) {
        if (c.nsets > 0)
            fprintf(stderr, "lmstab sample: --set is not supported (the "
                    "checkpoint holds its config)\n");
        usage(stderr);
        return 2;
    }
    if (dry)
        return 0;
    char err[2048];
    lms_sampler s;
    char *out = NULL;
    size_t out_len = 0;
    int rc = lms_sampler_open(&s, ckpt, c.plugin_dir, tokenizer, err,
                              sizeof err);
    if (rc == 0) { /* say which weights these are (stderr: stdout is the text) */
        const char *cfg = s.cfg.path ? s.cfg.path : "?";
        if (s.step >= 0)
            fprintf(stderr, "lmstab sample: %s, step %ld, config %s\n", s.file,
                    s.step, cfg);
        else
            fprintf(stderr, "lmstab sample: %s, config %s\n", s.file, cfg);
        if (s.tok)
            fprintf(stderr, "lmstab sample: tokenizer %s\n", s.tok_path);
        rc = lms_sample(&s, (const unsigned char *)prompt, strlen(prompt), &o,
                        &out, &out_len, err, sizeof err);
    }
    if (rc == 0) {
        fputs(prompt, stdout);
        fwrite(out, 1, out_len, stdout);
        fputc('\n', stdout);
        errno = 0;
        rc = fflush(stdout) == 0 && !ferror(stdout) ? 0 : -1;
        if (rc)
            snprintf(err, sizeof err, "stdout: cannot write: %s",
                     errno ? strerror(errno) : "write error");
    }
    lms_sampler_free(&s);
    free(out);
    if (rc != 0) {
        fprintf(stderr, "lmstab: error: %s\n", err);
        return 1;
    }
    return 0;
}
