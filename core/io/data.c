/* Training data: byte-level text (every byte one token, vocab 256) or a
 * token shard (.bin, llm.c's layout: core/io/shard.h). First 90% of tokens
 * train, last 10% validation.
 *
 * A shard's vocabulary is the one its header records (`lmstab tokenize`
 * writes it), else the one llm.c's files imply: GPT-2's 50257 for uint16
 * ids, Llama 3's 128256 for uint32 ids; never max(token)+1, so that the
 * model shape does not depend on which tokens a given file happens to
 * contain. A file is read as tokens iff its name ends in ".bin". */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/data.h"
#include "util/fsutil.h"
#include "io/shard.h"

#ifndef LMS_SOURCE_DIR
#define LMS_SOURCE_DIR "."
#endif
#define LMS_CORPUS_NAME "tinyshakespeare.txt"
#define LMS_CORPUS_URL                                                         \
    "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/"         \
    "tinyshakespeare/input.txt"

/* Whole file into a malloc'ed buffer (*len bytes). */
static int slurp(const char *path, unsigned char **buf, size_t *len, char *err,
                 size_t errlen) {
    struct stat st;
    int fd = lms_open_regular(path, &st, err, errlen);
    FILE *fp = fd < 0 ? NULL : fdopen(fd, "rb");
    if (!fp) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    size_t n = (size_t)st.st_size;
    *buf = malloc(n ? n : 1);
    if (!*buf) {
        fclose(fp);
        return lms_errf(err, errlen, "%s: out of memory (%zu bytes)", path, n);
    }
    size_t got = fread(*buf, 1, n, fp);
    int bad = ferror(fp);
    fclose(fp);
    if (got != n || bad) {
        free(*buf);
        *buf = NULL;
        return lms_errf(err, errlen, "%s: read failed (%zu of %zu bytes)", path,
                    got, n);
    }
    *len = n;
    return 0;
}

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

int lms_data_known_vocab(const char *spec, int *vocab, char *err,
                         size_t errlen) {
    int v;
    if (lms_data_header_vocab(spec, &v, err, errlen) != 0)
        return -1;
    char **paths;
    size_t np;
    if (lms_data_expand(spec, &paths, &np, err, errlen) != 0)
        return -1;
    const int shard = ends_with(paths[0], ".bin");
    char path[4096];
    snprintf(path, sizeof path, "%s", paths[0]);
    lms_data_paths_free(paths, np);
    *vocab = 256;
    if (!shard)
        return 0;
    /* a shard: its recorded vocabulary, or 0 (the default is a guess) */
    unsigned char buf[LMS_SHARD_HEADER_INTS * 4];
    struct stat st;
    int fd = lms_open_regular(path, &st, err, errlen);
    if (fd < 0)
        return -1;
    ssize_t got = pread(fd, buf, sizeof buf, 0);
    close(fd);
    lms_shard_info in;
    if (lms_shard_header(path, buf, got > 0 ? (size_t)got : 0, &in, err,
                         errlen) != 0)
        return -1;
    *vocab = in.vocab;
    return 0;
}

int lms_data_header_vocab(const char *spec, int *vocab, char *err,
                          size_t errlen) {
    *vocab = 256;
    char **paths;
    size_t np;
    if (lms_data_expand(spec, &paths, &np, err, errlen) != 0)
        return -1;
    char path[4096];
    snprintf(path, sizeof path, "%s", paths[0]);
    lms_data_paths_free(paths, np);
    if (!ends_with(path, ".bin"))
        return 0;
    struct stat st;
    int fd = lms_open_regular(path, &st, err, errlen);
    if (fd < 0)
        return -1;
    unsigned char buf[LMS_SHARD_HEADER_INTS * 4];
    size_t got = 0;
    ssize_t n;
    while (got < sizeof buf && (n = read(fd, buf + got, sizeof buf - got)) > 0)
        got += (size_t)n;
    close(fd);
    lms_shard_info in;
    if (lms_shard_header(path, buf, got, &in, err, errlen) != 0)
        return -1;
    /* a recorded vocabulary a model cannot have (model.vocab_size's range)
     * is the shard's error, named where it lies */
    if (in.vocab == 1 || in.vocab > 1048576)
        return lms_errf(err, errlen, "%s: offset 12: vocabulary %d, which no "
                        "model can have (2 to 1048576): a damaged header?",
                        path, in.vocab);
    *vocab = in.vocab ? in.vocab : lms_shard_default_vocab(in.id_bytes);
    return 0;
}

/* Token shard -> d->tokens, d->n_tokens, d->vocab, d->max_token. */
static int parse_bin(lms_data *d, const unsigned char *buf, size_t len,
                     char *err, size_t errlen) {
    lms_shard_info in;
    if (lms_shard_parse(d->path, buf, len, &d->tokens, &in, err, errlen) != 0)
        return -1;
    d->n_tokens = in.n_tokens;
    d->max_token = in.max_id;
    d->id_bytes = in.id_bytes;
    d->vocab_recorded = in.vocab > 0;
    d->vocab = in.vocab ? in.vocab : lms_shard_default_vocab(in.id_bytes);
    if (in.max_id < d->vocab)
        return 0;
    size_t i = 0;
    while (d->tokens[i] < d->vocab)
        i++;
    return lms_errf(err, errlen, "%s: offset %zu: token %zu is %d, outside the "
                "%s vocabulary (%d) of llm.c's files, which record none",
                d->path, (size_t)LMS_SHARD_HEADER_INTS * 4 +
                             i * (size_t)in.id_bytes,
                i, d->tokens[i], in.id_bytes == 2 ? "GPT-2" : "Llama 3",
                d->vocab);
}

static int parse_bytes(lms_data *d, const unsigned char *buf, size_t len,
                       char *err, size_t errlen) {
    if (len == 0)
        return lms_errf(err, errlen, "%s: file is empty", d->path);
    d->tokens = malloc(len * sizeof *d->tokens);
    if (!d->tokens)
        return lms_errf(err, errlen, "%s: out of memory", d->path);
    for (size_t i = 0; i < len; i++) {
        d->tokens[i] = buf[i];
        if (buf[i] > d->max_token)
            d->max_token = buf[i];
    }
    d->n_tokens = len;
    d->vocab = 256;
    return 0;
}

/* path is not of the kind (id_bytes 0: text) of the files before it in
 * the list `key`, or, with `key` NULL, of data.train's files (path being
 * a validation file). */
static int kind_differs(const char *path, const char *key, int id_bytes,
                        int kind, int vocab, char *err, size_t errlen) {
    return lms_errf(err, errlen, "%s: %s, unlike the files %s%s (%s%s%.0d%s): "
                    "%s", path, id_bytes ? "a token shard" : "text",
                    key ? "before it in " : "of data.train", key ? key : "",
                    kind ? "token shards" : "text",
                    kind ? ", vocabulary " : "", kind ? vocab : 0,
                    kind && !vocab ? "0" : "",
                    key ? "one list holds one kind of data"
                        : "validation data is of the training data's kind");
}

/* Load path into d (d is overwritten; free with lms_data_free). Returns 0,
 * or -1 with a message naming the path: unreadable, empty, malformed .bin,
 * or a split shorter than context + 1 tokens. On failure d is left zeroed
 * except for d->path. */
/* One file into d (tokens, vocab, ...; d->path is set by the caller). */
static int load_file(lms_data *d, const char *path, const char *key,
                     char *err, size_t errlen) {
    unsigned char *buf = NULL;
    size_t len = 0;
    if (slurp(path, &buf, &len, err, errlen) != 0)
        return -1;
    lms_data one;
    memset(&one, 0, sizeof one);
    snprintf(one.path, sizeof one.path, "%s", path);
    int rc = ends_with(path, ".bin") ? parse_bin(&one, buf, len, err, errlen)
                                     : parse_bytes(&one, buf, len, err, errlen);
    free(buf);
    if (rc != 0) {
        free(one.tokens);
        return -1;
    }
    if (!d->tokens) { /* the first file sets the kind and the vocabulary */
        char path_keep[sizeof d->path];
        memcpy(path_keep, d->path, sizeof path_keep);
        *d = one;
        memcpy(d->path, path_keep, sizeof d->path);
        return 0;
    }
    if (one.id_bytes != d->id_bytes || one.vocab != d->vocab ||
        one.vocab_recorded != d->vocab_recorded) {
        free(one.tokens);
        return kind_differs(path, key, one.id_bytes, d->id_bytes, d->vocab,
                            err, errlen);
    }
    int32_t *t = realloc(d->tokens, (d->n_tokens + one.n_tokens) * sizeof *t);
    if (!t) {
        free(one.tokens);
        return lms_errf(err, errlen, "%s: out of memory", path);
    }
    memcpy(t + d->n_tokens, one.tokens, one.n_tokens * sizeof *t);
    d->tokens = t;
    d->n_tokens += one.n_tokens;
    d->max_token = one.max_token > d->max_token ? one.max_token : d->max_token;
    free(one.tokens);
    return 0;
}

/* Every file of spec (lms_data_expand), appended to d. */
static int load_spec(lms_data *d, const char *spec, const char *key,
                     char *err, size_t errlen) {
    char **paths;
    size_t n;
    if (lms_data_expand(spec, &paths, &n, err, errlen) != 0)
        return -1;
    int rc = 0;
    const int after_train = d->tokens != NULL; /* data.val, appended */
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = load_file(d, paths[i], i == 0 && after_train ? NULL : key, err,
                       errlen);
    lms_data_paths_free(paths, n);
    return rc;
}

int lms_data_load(lms_data *d, const char *path, int context, char *err,
                  size_t errlen) {
    return lms_data_load_split(d, path, NULL, context, err, errlen);
}

/* A file named twice, within the training list or in both the training
 * and the validation lists (by its resolved path): validation on training
 * tokens holds nothing out, and a repeated shard weighs twice. 0, or -1
 * naming it. */
static int repeated_file(const char *train, const char *val, char *err,
                         size_t errlen) {
    char **p[2] = {NULL, NULL};
    size_t n[2] = {0, 0};
    int rc = lms_data_expand(train, &p[0], &n[0], err, errlen);
    if (rc == 0 && val && *val)
        rc = lms_data_expand(val, &p[1], &n[1], err, errlen);
    char *real = rc == 0 ? malloc((n[0] + n[1] + 1) * PATH_MAX) : NULL;
    if (rc == 0 && !real)
        rc = lms_errf(err, errlen, "out of memory");
    for (size_t i = 0; rc == 0 && i < n[0] + n[1]; i++) {
        const char *x = i < n[0] ? p[0][i] : p[1][i - n[0]];
        char *r = real + i * PATH_MAX;
        if (!realpath(x, r))
            snprintf(r, PATH_MAX, "%s", x); /* (its load names the fault) */
        for (size_t j = 0; j < i && rc == 0; j++) {
            if (strcmp(r, real + j * PATH_MAX))
                continue;
            if (j < n[0] && i >= n[0])
                rc = lms_errf(err, errlen, "%s: in data.train and in data.val: "
                              "validation on training data holds nothing out",
                              x);
            else
                rc = lms_errf(err, errlen, "%s: named twice in data.%s: a "
                              "file counts once", x, i < n[0] ? "train" : "val");
        }
    }
    free(real);
    for (int k = 0; k < 2; k++)
        if (p[k])
            lms_data_paths_free(p[k], n[k]);
    return rc;
}

/* One list's files: regular, shards with headers that agree with their
 * size, all of one kind (as load_file requires). */
static int probe_list(const char *spec, const char *key, int *kind_io,
                      int *vocab_io, char *err, size_t errlen) {
    char **paths;
    size_t n;
    if (lms_data_expand(spec, &paths, &n, err, errlen) != 0)
        return -1;
    int rc = 0;
    /* -1 for data.train; for data.val, data.train's kind and vocabulary */
    int kind = *kind_io, vocab = *vocab_io; /* kind: 0 text, else id width */
    const int after_train = kind >= 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct stat st;
        int fd = lms_open_regular(paths[i], &st, err, errlen);
        if (fd < 0) {
            rc = -1;
            break;
        }
        lms_shard_info info;
        memset(&info, 0, sizeof info);
        if (ends_with(paths[i], ".bin")) {
            unsigned char h[1024];
            ssize_t got = pread(fd, h, sizeof h, 0);
            rc = lms_shard_header(paths[i], h, got > 0 ? (size_t)got : 0,
                                  &info, err, errlen);
            const size_t body = (size_t)st.st_size - sizeof h;
            if (rc == 0 && (body % (size_t)info.id_bytes ||
                            body / (size_t)info.id_bytes != info.n_tokens))
                rc = lms_errf(err, errlen, "%s: offset 8: the header says %zu "
                              "tokens (%d bytes each), the file holds %zu bytes "
                              "after the header (truncated or not a shard?)",
                              paths[i], info.n_tokens, info.id_bytes, body);
        }
        close(fd);
        if (rc == 0 && kind >= 0 && (info.id_bytes != kind || info.vocab != vocab))
            rc = kind_differs(paths[i], i == 0 && after_train ? NULL : key,
                              info.id_bytes, kind, vocab, err, errlen);
        kind = info.id_bytes;
        vocab = info.vocab;
    }
    lms_data_paths_free(paths, n);
    *kind_io = kind;
    *vocab_io = vocab;
    return rc;
}

int lms_data_probe(const char *train, const char *val, char *err,
                   size_t errlen) {
    int kind = -1, vocab = 0;
    if (repeated_file(train, val, err, errlen) != 0 ||
        probe_list(train, "data.train", &kind, &vocab, err, errlen) != 0)
        return -1;
    return val && *val ? probe_list(val, "data.val", &kind, &vocab, err, errlen)
                       : 0;
}

int lms_data_load_split(lms_data *d, const char *train, const char *val,
                        int context, char *err, size_t errlen) {
    memset(d, 0, sizeof *d);
    snprintf(d->path, sizeof d->path, "%s", train);
    if (context < 1)
        return lms_errf(err, errlen, "%s: context must be >= 1 (got %d)", train,
                    context);
    if (repeated_file(train, val, err, errlen) != 0)
        return -1;
    int rc = load_spec(d, train, "data.train", err, errlen);
    if (rc == 0 && val && *val) {
        const size_t n_train = d->n_tokens;
        lms_data v = *d; /* the validation files must be of the same kind */
        rc = load_spec(&v, val, "data.val", err, errlen);
        *d = v;
        d->n_train = n_train;
    } else if (rc == 0) {
        d->n_train = d->n_tokens / 10 * 9 + d->n_tokens % 10 * 9 / 10;
    }
    if (rc == 0) {
        size_t need = (size_t)context + 1;
        size_t n_val = d->n_tokens - d->n_train;
        const char *which = d->n_train < need ? "training"
                            : n_val < need    ? "validation"
                                              : NULL;
        if (which)
            rc = lms_errf(err, errlen,
                      "%s: %s split has %zu tokens, needs at "
                      "least context+1 = %zu; use a longer file or a smaller "
                      "model.context",
                      which[0] == 'v' && val && *val ? val : train, which,
                      which[0] == 't' ? d->n_train : n_val, need);
    }
    if (rc != 0) {
        free(d->tokens);
        d->tokens = NULL;
        d->n_tokens = d->n_train = 0;
        d->vocab = 0;
    }
    return rc;
}

/* Free the tokens and zero d. Accepts NULL and a zeroed struct. */
void lms_data_free(lms_data *d) {
    if (!d)
        return;
    free(d->tokens);
    memset(d, 0, sizeof *d);
}

/* x, y: (B, T). Window b starts at s = lms_rng_below(rng, n_train - T),
 * i.e. uniform in [0, n_train - T - 1], so y (= x shifted by one) stays in
 * the training split. Draws exactly B numbers from rng (rejections aside).
 * Requires T + 1 <= n_train (true for T <= the context given to load). */
void lms_data_train_batch(const lms_data *d, lms_rng *rng, int B, int T,
                          int32_t *x, int32_t *y) {
    for (int b = 0; b < B; b++) {
        size_t s = (size_t)lms_rng_below(rng, d->n_train - (size_t)T);
        memcpy(x + (size_t)b * T, d->tokens + s, (size_t)T * sizeof *x);
        memcpy(y + (size_t)b * T, d->tokens + s + 1, (size_t)T * sizeof *y);
    }
}

/* x, y: (B, T). Batch i of n_batches: window k = i*B + b of W = n_batches*B
 * windows whose starts are spread evenly from the first to the last
 * possible start in the validation split (integer arithmetic, so the same
 * on every machine). Requires T + 1 <= the validation split length. */
void lms_data_val_batch(const lms_data *d, int i, int n_batches, int B, int T,
                        int32_t *x, int32_t *y) {
    const size_t n_val = d->n_tokens - d->n_train;
    const size_t range = n_val - (size_t)T - 1; /* last start - first */
    const size_t w = (size_t)n_batches * (size_t)B;
    for (int b = 0; b < B; b++) {
        size_t k = (size_t)i * (size_t)B + (size_t)b, off = 0;
        if (w > 1) /* k*range/(w-1) without overflowing k*range */
            off = range / (w - 1) * k + range % (w - 1) * k / (w - 1);
        size_t s = d->n_train + off;
        memcpy(x + (size_t)b * T, d->tokens + s, (size_t)T * sizeof *x);
        memcpy(y + (size_t)b * T, d->tokens + s + 1, (size_t)T * sizeof *y);
    }
}

/* -sum p ln p over token frequencies in [0, n_train), in nats/token.
 * 0 for an empty split. A model that beats this has learned context. */
double lms_data_unigram_entropy(const lms_data *d) {
    if (!d->tokens || d->n_train == 0 || d->vocab <= 0)
        return 0.0;
    size_t *count = calloc((size_t)d->vocab, sizeof *count);
    if (!count)
        return NAN;
    for (size_t i = 0; i < d->n_train; i++)
        count[d->tokens[i]]++;
    double h = 0.0, n = (double)d->n_train;
    for (int v = 0; v < d->vocab; v++)
        if (count[v]) {
            double p = (double)count[v] / n;
            h -= p * log(p);
        }
    free(count);
    return h;
}

int lms_data_resolve(const char *given, const char *train_path, char *out,
                     size_t outlen, char *err, size_t errlen) {
    const char *p = given ? given : train_path;
    if (p && strcmp(p, LMS_CORPUS_NAME) != 0) {
        if (snprintf(out, outlen, "%s", p) >= (int)outlen)
            return lms_errf(err, errlen, "%s: path too long", p);
        return 0;
    }
    return lms_data_find_corpus(NULL, LMS_SOURCE_DIR, out, outlen, err,
                                errlen);
}

static int is_file(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Default corpus lookup, in order: user_path (if non-NULL and non-empty; it
 * must then exist, there is no fallback), <repo_root>/data/<name>,
 * <repo_root>/../shared/data/<name> (repo_root NULL means "."), with <name>
 * = tinyshakespeare.txt. Writes the chosen path to out and returns 0; else
 * -1 and a message listing where it looked and the download URL. */
int lms_data_find_corpus(const char *user_path, const char *repo_root,
                         char *out, size_t outlen, char *err, size_t errlen) {
    if (user_path && user_path[0]) {
        struct stat st;
        if (stat(user_path, &st) != 0)
            return lms_errf(err, errlen, "%s: %s", user_path, strerror(errno));
        if (!S_ISREG(st.st_mode))
            return lms_errf(err, errlen, "%s: not a regular file", user_path);
        if (snprintf(out, outlen, "%s", user_path) >= (int)outlen)
            return lms_errf(err, errlen, "%s: path too long", user_path);
        return 0;
    }
    const char *root = repo_root && repo_root[0] ? repo_root : ".";
    char cand[2][4096];
    snprintf(cand[0], sizeof cand[0], "%s/data/" LMS_CORPUS_NAME, root);
    snprintf(cand[1], sizeof cand[1], "%s/../shared/data/" LMS_CORPUS_NAME,
             root);
    for (int i = 0; i < 2; i++)
        if (is_file(cand[i])) {
            if (snprintf(out, outlen, "%s", cand[i]) >= (int)outlen)
                return lms_errf(err, errlen, "%s: path too long", cand[i]);
            return 0;
        }
    return lms_errf(err, errlen,
                "no training corpus found: looked for %s and %s; run "
                "scripts/get_corpus.sh, or download " LMS_CORPUS_URL
                " to %s, or pass a file",
                cand[0], cand[1], cand[0]);
}
