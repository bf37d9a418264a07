/* lmstab sample */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_opt.h"
#include "train/sample.h"

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
            "(default 1): the same seed gives the same text.\n");
}

/* A number (integer: an integer) in [lo, hi] for option opt: the CLI's
 * number parser (cmd_opt.h); 0 or -1 (message printed). */
static int num(const char *opt, const char *v, double lo, double hi,
               int integer, double *out) {
    const lms_opt o = {opt, integer ? LMS_OPT_INT : LMS_OPT_NUM, "N", 0, lo,
                       hi, 0, NULL};
    long l;
    if (lms_opt_number("sample", &o, v, integer ? (void *)&l : (void *)out))
        return -1;
    if (integer)
        *out = (double)l;
    return 0;
}

int lms_cmd_sample(int argc, char **argv, int dry) {
    lms_cli_common c = {0};
    lms_sample_opts o = {200, 0.8, 0, 1};
    const char *ckpt = NULL, *prompt = "", *tokenizer = NULL;
    for (int i = 1; i < argc; i++) {
        int n = lms_cli_common_opt(&c, argc, argv, i);
        if (n < 0)
            return 2;
        if (n > 0) {
            i += n - 1;
            continue;
        }
        const char *a = argv[i];
        double d;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--tokenizer") && i + 1 < argc) {
            tokenizer = argv[++i];
        } else if (!strcmp(a, "--prompt") && i + 1 < argc) {
            prompt = argv[++i];
        } else if (!strcmp(a, "--tokens") && i + 1 < argc) {
            if (num(a, argv[++i], 0, 1e7, 1, &d))
                return 2;
            o.n_tokens = (int)d;
        } else if (!strcmp(a, "--temperature") && i + 1 < argc) {
            if (num(a, argv[++i], 0, 100, 0, &o.temperature))
                return 2;
        } else if (!strcmp(a, "--top-k") && i + 1 < argc) {
            if (num(a, argv[++i], 0, 1 << 20, 1, &d))
                return 2;
            o.top_k = (int)d;
        } else if (!strcmp(a, "--seed") && i + 1 < argc) {
            if (num(a, argv[++i], 0, 9007199254740992.0, 1, &d))
                return 2;
            o.seed = (uint64_t)d;
        } else if (a[0] == '-' || ckpt) {
            fprintf(stderr, "lmstab sample: unexpected argument '%s'\n", a);
            usage(stderr);
            return 2;
        } else {
            ckpt = a;
        }
    }
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
        rc = fflush(stdout) == 0 ? 0 : -1;
        if (rc)
            snprintf(err, sizeof err, "cannot write to stdout");
    }
    lms_sampler_free(&s);
    free(out);
    if (rc != 0) {
        fprintf(stderr, "lmstab: error: %s\n", err);
        return 1;
    }
    return 0;
}
