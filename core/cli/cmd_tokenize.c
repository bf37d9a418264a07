/* lmstab tokenize: train a SentencePiece tokenizer on text, encode text
 * into token shards (llm.c's layout), decode a shard back to text. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_opt.h"
#include "util/fsutil.h"
#include "io/shard.h"
#include "io/tok_encode.h"
#include "io/tokenizer.h"

typedef struct tok_args {
    const char *inputs[256];
    int n_inputs;
    const char *out, *model, *type;
    long vocab, shard_tokens;
    int overwrite;
} tok_args;

#define A(m) offsetof(tok_args, m)
/* clang-format off */
static const lms_opt opts[] = {
    {"--out", LMS_OPT_STR, "FILE", A(out), 0, 0, 0, "train: the .model written; encode: the shard"},
    {"--model", LMS_OPT_STR, "FILE.model", A(model), 0, 0, 0, "encode, decode: the tokenizer"},
    {"--vocab", LMS_OPT_INT, "N", A(vocab), 1, 1e18, 0, "train: pieces of the vocabulary"},
    {"--type", LMS_OPT_STR, "bpe|unigram", A(type), 0, 0, 0, "train: the model type (default bpe)"},
    {"--shard-tokens", LMS_OPT_INT, "N", A(shard_tokens), 1, 1e18, 0, "encode: shards of N ids each"},
    {"--overwrite", LMS_OPT_FLAG, NULL, A(overwrite), 0, 0, 0, "replace existing outputs"},
    {NULL, 0, NULL, 0, 0, 0, 0, NULL},
};
/* clang-format on */
#undef A

static void usage(FILE *f) {
    fprintf(f,
            "usage: lmstab tokenize train TEXT --vocab N --out FILE.model\n"
            "                             [--type bpe|unigram] [--overwrite]\n"
            "       lmstab tokenize encode --model FILE.model TEXT... --out FILE.bin\n"
            "                             [--shard-tokens N] [--overwrite]\n"
            "       lmstab tokenize decode --model FILE.model SHARD.bin\n"
            "\n"
            "train   a SentencePiece tokenizer (BPE by default) of N pieces on the\n"
            "        text file: lossless (whitespace kept, unknown characters as\n"
            "        bytes) and deterministic; FILE.vocab lists the pieces.\n"
            "encode  the text files, concatenated, into a token shard (llm.c's\n"
            "        layout: uint16 ids up to 65536 pieces, else uint32); with\n"
            "        --shard-tokens, FILE_000000.bin, FILE_000001.bin, ... of N ids.\n"
            "decode  a shard's ids back to text on stdout.\n"
            "Existing outputs are refused unless --overwrite.\n"
            "\n");
    lms_opt_help(f, opts);
}

/* argv[1] is the action (*sub), the rest is read against the table: 0, 1
 * for --help, 2 on a usage error (message printed). "-" is an input
 * (stdin). */
static int parse_args(tok_args *a, int argc, char **argv, const char **sub) {
    memset(a, 0, sizeof *a);
    a->type = "bpe";
    enum { MAX_IN = sizeof a->inputs / sizeof *a->inputs };
    const char *pos[MAX_IN + 2];
    int npos;
    *sub = NULL;
    int rc = lms_opt_parse("tokenize", opts, a, NULL, argc, argv, pos,
                           MAX_IN + 2, &npos);
    if (rc != 0)
        return rc;
    *sub = npos ? pos[0] : NULL;
    if (npos > MAX_IN + 1) {
        fprintf(stderr, "lmstab tokenize: at most %d input files\n", MAX_IN);
        return 2;
    }
    for (int i = 1; i < npos; i++)
        a->inputs[a->n_inputs++] = pos[i];
    return 0;
}

static int refuse_existing(const char *path, int overwrite) {
    if (overwrite || !lms_path_exists(path))
        return 0;
    fprintf(stderr, "lmstab tokenize: %s exists; pass --overwrite to replace "
            "it\n", path);
    return -1;
}

static int cmd_train(const tok_args *a) {
    if (a->n_inputs != 1 || !a->out || !a->vocab) {
        fprintf(stderr, "lmstab tokenize train: needs one TEXT, --vocab N and "
                "--out FILE.model (see lmstab tokenize --help)\n");
        return 2;
    }
    if (a->vocab > 1 << 24) {
        fprintf(stderr, "lmstab tokenize: --vocab must be at most %d\n", 1 << 24);
        return 2;
    }
    if (refuse_existing(a->out, a->overwrite) != 0)
        return 1;
    /* and its vocabulary list beside it, which training writes too (a
     * name without ".model" is refused by lms_tok_train) */
    const size_t k = strlen(a->out);
    char list[4200];
    if (k > 6 && !strcmp(a->out + k - 6, ".model")) {
        snprintf(list, sizeof list, "%.*s.vocab", (int)(k - 6), a->out);
        if (refuse_existing(list, a->overwrite) != 0)
            return 1;
    }
    char err[1024];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (lms_tok_train(a->inputs[0], a->out, (int)a->vocab, a->type, err,
                      sizeof err) != 0) {
        fprintf(stderr, "lmstab tokenize: %s\n", err);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(stderr, "tokenize: trained a %s tokenizer of %ld pieces on %s in "
            "%.1f s -> %s\n", a->type, a->vocab, a->inputs[0],
            (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec),
            a->out);
    return 0;
}

typedef struct progress {
    int tty;
    struct timespec start, last;
} progress;

static double since(const struct timespec *a, const struct timespec *b) {
    return (double)(b->tv_sec - a->tv_sec) + 1e-9 * (double)(b->tv_nsec - a->tv_nsec);
}

/* In a terminal a live line twice a second; in a log a line every 10 s. */
static void show(void *ctx, uint64_t done, uint64_t total, uint64_t tokens) {
    progress *p = ctx;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (since(&p->last, &now) < (p->tty ? 0.5 : 10.0))
        return;
    p->last = now;
    double el = since(&p->start, &now), mib = (double)done / 1048576.0;
    fprintf(stderr, "%stokenize: %.0f%% (%.1f of %.1f MiB, %.1f MiB/s, %llu "
            "tokens)%s", p->tty ? "\r" : "",
            total ? 100.0 * (double)done / (double)total : 100.0, mib,
            (double)total / 1048576.0, el > 0 ? mib / el : 0.0,
            (unsigned long long)tokens, p->tty ? "" : "\n");
}

static int cmd_encode(const tok_args *a) {
    if (!a->n_inputs || !a->out || !a->model) {
        fprintf(stderr, "lmstab tokenize encode: needs --model FILE.model, "
                "TEXT... and --out FILE.bin (see lmstab tokenize --help)\n");
        return 2;
    }
    char err[1024], first[4200];
    if (lms_tok_shard_name(a->out, (size_t)a->shard_tokens, 0, first,
                           sizeof first) != 0) {
        fprintf(stderr, "lmstab tokenize: %s: a shard's name must end in "
                ".bin\n", a->out);
        return 2;
    }
    if (refuse_existing(first, a->overwrite) != 0)
        return 1;
    lms_tokenizer *t = lms_tok_load(a->model, err, sizeof err);
    if (!t) {
        fprintf(stderr, "lmstab tokenize: %s\n", err);
        return 1;
    }
    progress p = {isatty(2), {0, 0}, {0, 0}};
    clock_gettime(CLOCK_MONOTONIC, &p.start);
    p.last = p.start;
    lms_tok_encode_opts o = {0, (size_t)a->shard_tokens, show, &p};
    lms_tok_encode_stats st;
    int rc = lms_tok_encode_files(t, a->inputs, a->n_inputs, a->out, &o, &st,
                                  err, sizeof err);
    lms_tok_free(t);
    if (p.tty)
        fputc('\n', stderr);
    if (rc != 0) {
        fprintf(stderr, "lmstab tokenize: %s\n", err);
        return 1;
    }
    /* an earlier encode's later shards (the same names, contiguous from
     * 0) would read as part of this one through a glob: replaced means
     * removed */
    int stale = 0;
    char name[4200];
    for (int k = st.shards; a->shard_tokens > 0 &&
         lms_tok_shard_name(a->out, (size_t)a->shard_tokens, k, name,
                            sizeof name) == 0 && lms_path_exists(name); k++) {
        if (unlink(name) != 0) {
            fprintf(stderr, "lmstab tokenize: %s: an earlier encode's shard, "
                    "cannot remove: %s\n", name, strerror(errno));
            return 1;
        }
        stale++;
    }
    if (stale)
        fprintf(stderr, "tokenize: removed %d shard%s an earlier encode left "
                "after the last written\n", stale, stale == 1 ? "" : "s");
    fprintf(stderr, "tokenize: %llu bytes -> %llu tokens (%.3f bytes/token) "
            "in %d shard%s: %s%s\n", (unsigned long long)st.bytes,
            (unsigned long long)st.tokens, (double)st.bytes / (double)st.tokens,
            st.shards, st.shards == 1 ? "" : "s", first,
            st.shards > 1 ? " ..." : "");
    return 0;
}

static int cmd_decode(const tok_args *a) {
    if (a->n_inputs != 1 || !a->model) {
        fprintf(stderr, "lmstab tokenize decode: needs --model FILE.model and "
                "one SHARD.bin\n");
        return 2;
    }
    char err[1024];
    size_t len;
    char *buf = lms_read_file(a->inputs[0], (size_t)1 << 34, &len, err,
                              sizeof err);
    if (!buf) {
        fprintf(stderr, "lmstab tokenize: %s\n", err);
        return 1;
    }
    int32_t *ids;
    lms_shard_info info;
    int rc = lms_shard_parse(a->inputs[0], (unsigned char *)buf, len, &ids,
                             &info, err, sizeof err);
    free(buf);
    lms_tokenizer *t = rc == 0 ? lms_tok_load(a->model, err, sizeof err) : NULL;
    char *text = NULL;
    size_t tlen = 0;
    if (t && info.vocab && info.vocab != lms_tok_vocab(t)) {
        snprintf(err, sizeof err, "%s: written with a vocabulary of %d, %s has "
                 "%d pieces", a->inputs[0], info.vocab, a->model,
                 lms_tok_vocab(t));
        rc = -1;
    } else if (t) {
        /* an id the tokenizer has no piece for, named where it lies */
        for (size_t i = 0; i < info.n_tokens && rc == 0; i++)
            if (ids[i] < 0 || ids[i] >= lms_tok_vocab(t)) {
                snprintf(err, sizeof err, "%s: offset %zu: token %zu is %d, "
                         "outside the vocabulary of %s (%d pieces)",
                         a->inputs[0], 1024 + i * (size_t)info.id_bytes, i,
                         ids[i], a->model, lms_tok_vocab(t));
                rc = -1;
            }
        if (rc == 0)
            rc = lms_tok_decode(t, ids, info.n_tokens, &text, &tlen, err,
                                sizeof err);
    } else
        rc = -1;
    errno = 0;
    if (rc == 0 && (fwrite(text, 1, tlen, stdout) != tlen || fflush(stdout) != 0)) {
        snprintf(err, sizeof err, "stdout: cannot write: %s",
                 errno ? strerror(errno) : "write error");
        rc = -1;
    }
    free(text);
    free(ids);
    lms_tok_free(t);
    if (rc != 0)
        fprintf(stderr, "lmstab tokenize: %s\n", err);
    return rc ? 1 : 0;
}

int lms_cmd_tokenize(int argc, char **argv, int dry) {
    tok_args a;
    const char *sub;
    int prc = parse_args(&a, argc, argv, &sub);
    if (prc == 1) {
        usage(stdout);
        return 0;
    }
    if (prc != 0)
        return 2;
    if (!sub) {
        usage(stderr);
        return 2;
    }
    if (strcmp(sub, "train") && strcmp(sub, "encode") && strcmp(sub, "decode")) {
        fprintf(stderr, "lmstab tokenize: unknown action '%s' (train, encode "
                "or decode)\n", sub);
        return 2;
    }
    if (dry) /* the arguments are well formed: run nothing */
        return 0;
    if (!lms_tok_available()) {
        char err[256];
        lms_tok_train("", "", 0, "", err, sizeof err);
        fprintf(stderr, "lmstab tokenize: %s\n", err);
        return 1;
    }
    return !strcmp(sub, "train")    ? cmd_train(&a)
           : !strcmp(sub, "encode") ? cmd_encode(&a)
                                    : cmd_decode(&a);
}
