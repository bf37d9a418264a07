/* The keys of the core's fixed sections ([model], [block], [training],
 * [data], [verdict]), declared once, as lms_key entries (the plugins'
 * mechanism: type, default, help, bounds): the parsers (train_cfg.c,
 * model.c, verdict.c) read numbers and booleans through lms_core_int/
 * _float/_bool, which take the default and the bounds from here; the
 * unknown-key check lists the accepted keys from here; `lmstab plugins
 * --markdown` (docs/keys.md) documents them from here, with whether a
 * resumed run may change them. */
#include <assert.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "io/core_keys.h"

/* Numbers: an inclusive range [lo, hi]. `doc` is the type column of
 * docs/keys.md when the value type does not say it all. */
#define NUM(sec, name, vt, doc, def, lo, hi, expect, res, help)               \
    {sec, {name, vt, def, help, 0, LMS_GE | LMS_LE, (double)(lo),            \
           (double)(hi), expect, NULL}, doc, res, 0}
#define INT(sec, name, def, lo, hi, res, help)                                \
    NUM(sec, name, LMS_VALUE_INT, NULL, def, lo, hi, NULL, res, help)
#define FLOAT(sec, name, def, lo, hi, res, help)                              \
    NUM(sec, name, LMS_VALUE_FLOAT, NULL, def, lo, hi, NULL, res, help)
#define BOOL(sec, name, def, res, help)                                       \
    {sec, {name, LMS_VALUE_BOOL, def, help, 0, 0, 0, 0, NULL, NULL}, NULL, res, \
     0}
/* Words, paths, plugin names and lists: their readers parse them; `expect`
 * (or NULL) names the valid values. */
#define TEXT(sec, name, doc, def, expect, res, help)                          \
    {sec, {name, LMS_VALUE_STRING, def, help, 0, 0, 0, 0, expect, NULL},     \
     doc, res, 0}

/* A model-level plugin slot of kind `kind` (kindname: its name in
 * docs/keys.md); def: the plugin, or "none". */
#define SLOT(sec, name, kind, kindname, def, help)                            \
    {sec, {name, LMS_VALUE_STRING, def, help, 0, 0, 0, 0, NULL, NULL},       \
     "slot: " kindname, 0, kind}

/* clang-format off */
static const lms_core_key core_keys[] = {
    NUM("model", "vocab_size", LMS_VALUE_INT, "int or auto", "256", 2, 1 << 20,
        "`auto` or an integer >= 2 and <= 1048576", 0,
        "vocabulary size: 256 for bytes, the tokenizer's for a token shard. `auto`: the data's, 256 for a text file and for a shard the vocabulary its header records (`lmstab tokenize` writes it), else the one llm.c's files imply (GPT-2's 50257 for uint16 ids, Llama 3's 128256 for uint32), not its largest id + 1, so that the shape is the tokenizer's; summary.json records the number"),
    INT("model", "context", "128", 1, 1 << 16, 0,
        "maximum sequence length T (learned position embeddings)"),
    INT("model", "d_model", "128", 1, 1 << 16, 0,
        "residual stream width; a multiple of n_head"),
    INT("model", "n_layer", "4", 1, 1024, 0,
        "number of blocks"),
    INT("model", "n_head", "4", 1, 1024, 0,
        "attention heads (head_dim = d_model / n_head)"),
    BOOL("model", "tie_embeddings", "true", 0,
        "the output head is the token embedding `wte` (GPT-2); false: a separate `lm_head.weight`"),
    FLOAT("model", "init_std", "0.02", 0.0, 10.0, 0,
        "std of the N(0, std) init of the embeddings and the output head"),
    SLOT("model", "final_norm", LMS_KIND_NORM, "norm", "layernorm",
        "norm plugin before the output head (`ln_f`), or `none`; its keys in `[model.final_norm]`"),
    SLOT("model", "logit_cap", LMS_KIND_SCORE_MAP, "score_map", "none",
        "score_map plugin on the output logits (e.g. `tanh_cap`, Gemma 2 uses cap 30); keys in `[model.logit_cap]`"),
    SLOT("model", "aux_loss", LMS_KIND_AUX_LOSS, "aux_loss", "none",
        "aux_loss plugin adding a term to the loss from the logits (e.g. `z_loss`); keys in `[model.aux_loss]`"),
    TEXT("block", "attn", "op list", "(none)", NULL, 0,
        "ops of the attention branch, `x = x + ops(x)`, e.g. `ln1, qkv, attn, proj`; each op `<op>` has a section `[block.<op>]`"),
    TEXT("block", "mlp", "op list", "(none)", NULL, 0,
        "ops of the MLP branch, e.g. `ln2, fc1, act, fc2`; at least one of attn and mlp is needed"),
    FLOAT("training", "lr", "3e-3", 0.0, 1e3, 0,
        "peak learning rate (after warmup)"),
    INT("training", "max_steps", "1000", 1, 100000000, 1,
        "optimizer steps"),
    INT("training", "batch_size", "16", 1, 1 << 16, 0,
        "sequences per step (B)"),
    INT("training", "warmup_steps", "100", 0, 100000000, 0,
        "linear warmup: lr * (step + 1) / warmup_steps; 0 disables"),
    TEXT("training", "schedule", "string", "cosine", "cosine, constant or linear", 0,
        "after warmup: `cosine` or `linear` down to min_lr_ratio * lr at max_steps, or `constant`"),
    TEXT("training", "gemm", "string", "openblas", "openblas, lmstab, auto or onednn", 0,
        "matmul backend: `openblas` (cblas_sgemm on fixed slabs), `lmstab` (own AVX-512/AVX2/portable kernels, all threads), `onednn` (dnnl_sgemm on the same fixed slabs, each call on one thread; only in builds with oneDNN, see `lmstab --version`; at bf16 the emulation runs it on pre-rounded operands, oneDNN 2.x's C API having no bf16 GEMM), or `auto` (`lmstab` when its kernels are AVX-512 and OpenBLAS's are narrower, e.g. under OPENBLAS_CORETYPE=Haswell; decided by that rule, never by timing; recorded in summary.json and checkpoints). Numbers differ between backends, never with the thread count"),
    TEXT("training", "precision", "string", "fp32", "fp32 or bf16", 0,
        "arithmetic of every matrix product (linear layers, attention scores and P V, the tied head, and in backward each product with the incoming gradient): `fp32`, or `bf16` (both operands rounded to bfloat16, round to nearest even; float32 sum and result). Master weights, gradients, AdamW, norms, softmax, activations and the loss stay float32. bf16 runs the AMX kernel where the CPU has AMX-BF16 (and Linux grants the tile state), else an emulation (operands rounded, then the fp32 sgemm of `gemm`); LMSTAB_BF16_KERNEL=emulated|native|amx overrides (native: a vdpbf16ps kernel on AVX512_BF16 CPUs); all recorded in summary.json and checkpoints, and a checkpoint resumes only at its own precision"),
    FLOAT("training", "min_lr_ratio", "0.1", 0.0, 1.0, 0,
        "final learning rate / peak for cosine and linear"),
    FLOAT("training", "weight_decay", "0.1", 0.0, 10.0, 0,
        "AdamW decoupled decay `p -= lr * wd * p`, on parameters with ndim >= 2 only"),
    FLOAT("training", "beta1", "0.9", 0.0, 0.999999, 0,
        "AdamW first-moment decay"),
    FLOAT("training", "beta2", "0.95", 0.0, 0.999999, 0,
        "AdamW second-moment decay"),
    FLOAT("training", "eps", "1e-8", 1e-30, 1.0, 0,
        "AdamW epsilon"),
    FLOAT("training", "grad_clip", "1.0", 0.0, 1e9, 0,
        "clip the global gradient norm to this; 0 disables"),
    INT("training", "eval_every", "100", 0, 100000000, 1,
        "validation loss (fixed windows) every N steps, from step 0, each a metrics.csv row; 0 disables"),
    INT("training", "eval_batches", "20", 1, 100000, 1,
        "batches per validation"),
    INT("training", "seed", "1337", 0, 0x7fffffffL, 0,
        "seed of the init and the batch sampler (same seed and machine: the same run bit for bit, on any thread count)"),
    INT("training", "log_every", "10", 1, 100000000, 1,
        "a metrics.csv row and a progress line every N steps (and at the last step and each evaluation)"),
    INT("training", "instrument_every", "10", 0, 100000000, 1,
        "per-layer output norms and attention statistics on logged steps that are multiples of N; 0 disables"),
    INT("training", "threads", "0", 0, 1024, 1,
        "threads of the numeric work (split products, plugins' loops); 0: $LMSTAB_THREADS if set, else every CPU this process may run on (its affinity mask; `--threads N` overrides both). Never changes a number; a sweep's runs get one each"),
    BOOL("training", "adapt_threads", "true", 1,
        "each training step runs on as many of `threads` as are fastest: windows of steps are timed on the maximum, one less, half and one, the fastest kept and the others probed again at growing intervals (another process holding a core makes fewer threads faster); false: every step on `threads`. Never changes a number; summary.json reports the mean count"),
    TEXT("data", "train", "path", "(default corpus)", NULL, 0,
        "a text file read as bytes, or a token shard (`.bin`, llm.c's layout: from `lmstab tokenize encode` or llm.c's data scripts), relative to the working directory; or several, comma-separated or as glob patterns (`shards/train_*.bin`, matches sorted), read in order. Without `data.val`: first 90% train, last 10% validation. Absent or `tinyshakespeare.txt`: data/tinyshakespeare.txt of the source tree, then ../shared/data/. `--data FILE` overrides it"),
    TEXT("data", "val", "path", "(none)", NULL, 0,
        "validation files (one, a comma-separated list or glob patterns, as `train`), of the same kind as `train`'s: then every token of `train` trains and every token of `val` validates"),
    TEXT("data", "tokenizer", "path", "(none)", NULL, 0,
        "the SentencePiece model (`lmstab tokenize train`) that wrote a token shard: its pieces' bytes give the validation loss in bits per byte (`final_val_bpb`; text read as bytes needs none), and summary.json records its path and SHA-256. Its vocabulary must be the shard's"),
    TEXT("verdict", "rule", "name", "default", "strict, default or lenient", 0,
        "the rule (strict, default or lenient) that gives summary.json's `verdict`; all three are reported"),
    FLOAT("verdict", "smoothing", "0.5", 0.0, 0.999, 0,
        "EMA factor of the train loss over metrics.csv rows, for the spike test (0: the raw loss)"),
    INT("verdict", "spike_after", "10", 0, 100000000, 0,
        "rises at logged steps >= N count as spikes (warmup steps before N are not watched)"),
    FLOAT("verdict", "strict_margin", "0.5", -10.0, 100.0, 0,
        "strict: `collapsed` when the final validation loss >= unigram entropy - this"),
    FLOAT("verdict", "strict_spike", "0.5", 0.0, 100.0, 0,
        "strict: `spiked` when the smoothed train loss rose this many nats above its running minimum (0: never)"),
    FLOAT("verdict", "default_margin", "0.1", -10.0, 100.0, 0,
        "default rule: collapse margin, as strict_margin"),
    FLOAT("verdict", "default_spike", "1.0", 0.0, 100.0, 0,
        "default rule: spike threshold, as strict_spike"),
    FLOAT("verdict", "lenient_margin", "0.0", -10.0, 100.0, 0,
        "lenient: collapse margin, as strict_margin"),
    FLOAT("verdict", "lenient_spike", "0.0", 0.0, 100.0, 0,
        "lenient: spike threshold, as strict_spike (0: spikes never fail a run)"),
};
/* clang-format on */
#define N_KEYS (sizeof core_keys / sizeof core_keys[0])

const lms_core_key *lms_core_keys(size_t *n) {
    *n = N_KEYS;
    return core_keys;
}

const lms_core_key *lms_core_key_find(const char *section, const char *key) {
    for (size_t i = 0; i < N_KEYS; i++)
        if (!strcmp(core_keys[i].section, section) &&
            !strcmp(core_keys[i].key.name, key))
            return &core_keys[i];
    return NULL;
}

/* The entry of a key the core reads as type t (a programming error, not a
 * user's, when it is missing). */
static const lms_key *need(const char *section, const char *key,
                           lms_value_type t) {
    const lms_core_key *k = lms_core_key_find(section, key);
    assert(k && k->key.type == t);
    (void)t;
    return &k->key;
}

int lms_core_int(lms_config *c, const char *section, const char *key,
                 long *out, char *err, size_t errlen) {
    const lms_key *k = need(section, key, LMS_VALUE_INT);
    long def = 0;
    int ok = lms_parse_long(k->default_value, LONG_MIN, LONG_MAX, &def);
    assert(ok == 0);
    (void)ok;
    if (lms_config_int(c, section, key, def, (long)k->min, (long)k->max, out,
                       err, errlen) == 0)
        return 0;
    /* a key that takes a word too (vocab_size = auto) names it: "AUTO"
     * is not "an integer in [2, 1048576]" but a misspelt word */
    lms_cfg_entry *e = lms_config_find(c, section, key);
    if (k->expect && e) {
        char want[160];
        size_t n = 0;
        for (const char *p = k->expect; *p && n + 1 < sizeof want; p++)
            if (*p != '`')
                want[n++] = *p;
        want[n] = '\0';
        lms_config_errorf(e, err, errlen, "must be %s (got '%s')", want,
                          e->value);
    }
    return -1;
}

int lms_core_float(lms_config *c, const char *section, const char *key,
                   double *out, char *err, size_t errlen) {
    const lms_key *k = need(section, key, LMS_VALUE_FLOAT);
    double def = 0;
    int ok = lms_parse_double(k->default_value, &def);
    assert(ok == 0);
    (void)ok;
    return lms_config_float(c, section, key, def, k->min, k->max, out, err,
                            errlen);
}

int lms_core_bool(lms_config *c, const char *section, const char *key,
                  int *out, char *err, size_t errlen) {
    const lms_key *k = need(section, key, LMS_VALUE_BOOL);
    int def = 0;
    int ok = lms_parse_bool(k->default_value, &def);
    assert(ok == 0);
    (void)ok;
    return lms_config_bool(c, section, key, def, out, err, errlen);
}

/* The accepted keys of each section, ", "-separated, built once. */
static const char *const sections[] = {"model", "block", "training", "data",
                                       "verdict"};
#define N_SECTIONS (sizeof sections / sizeof sections[0])
static char accepted[N_SECTIONS][512];
static pthread_once_t accepted_once = PTHREAD_ONCE_INIT;

static void build_accepted(void) {
    for (size_t s = 0; s < N_SECTIONS; s++) {
        size_t k = 0;
        for (size_t i = 0; i < N_KEYS; i++) {
            if (strcmp(core_keys[i].section, sections[s]) != 0)
                continue;
            int w = snprintf(accepted[s] + k, sizeof accepted[s] - k, "%s%s",
                             k ? ", " : "", core_keys[i].key.name);
            assert(w > 0 && (size_t)w < sizeof accepted[s] - k);
            k += (size_t)w;
        }
    }
}

const char *lms_core_accepted(void *user, const char *section) {
    (void)user;
    pthread_once(&accepted_once, build_accepted);
    for (size_t s = 0; s < N_SECTIONS; s++)
        if (!strcmp(section, sections[s]))
            return accepted[s];
    return NULL;
}
