/* The keys of the core's fixed sections ([model], [block], [training],
 * [data], [verdict]): name, type, default, help, and whether a resumed run
 * may change them. The parsers (train_cfg.c, model.c, verdict.c) read the
 * keys; `lmstab plugins --markdown` documents them from this table and
 * checks it against those parsers (cmd_plugins.c). */
#include <string.h>

#include "train/core_keys.h"

static const lms_core_key core_keys[] = {
    {"model", "vocab_size", "int or auto", "256", "vocabulary size: 256 for bytes, the tokenizer's for a token shard; 2 to 2^20. `auto`: the data's, 256 for a text file and for a shard the vocabulary its header records (`lmstab tokenize` writes it), else the one llm.c's files imply (GPT-2's 50257 for uint16 ids, Llama 3's 128256 for uint32), not its largest id + 1, so that the shape is the tokenizer's; summary.json records the number", 0},
    {"model", "context", "int", "128", "maximum sequence length T (learned position embeddings); 1 to 65536", 0},
    {"model", "d_model", "int", "128", "residual stream width; a multiple of n_head; 1 to 65536", 0},
    {"model", "n_layer", "int", "4", "number of blocks; 1 to 1024", 0},
    {"model", "n_head", "int", "4", "attention heads (head_dim = d_model / n_head); 1 to 1024", 0},
    {"model", "tie_embeddings", "bool", "true", "the output head is the token embedding `wte` (GPT-2); false: a separate `lm_head.weight`", 0},
    {"model", "init_std", "float", "0.02", "std of the N(0, std) init of the embeddings and the output head; 0 to 10", 0},
    {"model", "final_norm", "plugin", "layernorm", "norm plugin before the output head (`ln_f`), or `none`; its keys in `[model.final_norm]`", 0},
    {"model", "logit_cap", "plugin", "none", "score_map plugin on the output logits (e.g. `tanh_cap`, Gemma 2 uses cap 30); keys in `[model.logit_cap]`", 0},
    {"model", "aux_loss", "plugin", "none", "aux_loss plugin adding a term to the loss from the logits (e.g. `z_loss`); keys in `[model.aux_loss]`", 0},
    {"block", "attn", "op list", "(none)", "ops of the attention branch, `x = x + ops(x)`, e.g. `ln1, qkv, attn, proj`; each op `<op>` has a section `[block.<op>]`", 0},
    {"block", "mlp", "op list", "(none)", "ops of the MLP branch, e.g. `ln2, fc1, act, fc2`; at least one of attn and mlp is needed", 0},
    {"training", "lr", "float", "3e-3", "peak learning rate (after warmup); 0 to 1000", 0},
    {"training", "max_steps", "int", "1000", "optimizer steps; 1 to 1e8", 1},
    {"training", "batch_size", "int", "16", "sequences per step (B); 1 to 65536", 0},
    {"training", "warmup_steps", "int", "100", "linear warmup: lr * (step + 1) / warmup_steps; 0 disables", 0},
    {"training", "schedule", "string", "cosine", "after warmup: `cosine` or `linear` down to min_lr_ratio * lr at max_steps, or `constant`", 0},
    {"training", "gemm", "string", "openblas", "matmul backend: `openblas` (cblas_sgemm on fixed slabs), `lmstab` (own AVX-512/AVX2/portable kernels, all threads), `onednn` (dnnl_sgemm on the same fixed slabs, each call on one thread; only in builds with oneDNN, see `lmstab --version`; at bf16 the emulation runs it on pre-rounded operands, oneDNN 2.x's C API having no bf16 GEMM), or `auto` (`lmstab` when its kernels are AVX-512 and OpenBLAS's are narrower, e.g. under OPENBLAS_CORETYPE=Haswell; decided by that rule, never by timing; recorded in summary.json and checkpoints). Numbers differ between backends, never with the thread count", 0},
    {"training", "precision", "string", "fp32", "arithmetic of every matrix product (linear layers, attention scores and P V, the tied head, and in backward each product with the incoming gradient): `fp32`, or `bf16` (both operands rounded to bfloat16, round to nearest even; float32 sum and result). Master weights, gradients, AdamW, norms, softmax, activations and the loss stay float32. bf16 runs the AMX kernel where the CPU has AMX-BF16 (and Linux grants the tile state), else an emulation (operands rounded, then the fp32 sgemm of `gemm`); LMSTAB_BF16_KERNEL=emulated|native|amx overrides (native: a vdpbf16ps kernel on AVX512_BF16 CPUs); all recorded in summary.json and checkpoints, and a checkpoint resumes only at its own precision", 0},
    {"training", "min_lr_ratio", "float", "0.1", "final learning rate / peak for cosine and linear; 0 to 1", 0},
    {"training", "weight_decay", "float", "0.1", "AdamW decoupled decay `p -= lr * wd * p`, on parameters with ndim >= 2 only; 0 to 10", 0},
    {"training", "beta1", "float", "0.9", "AdamW first-moment decay; 0 to 0.999999", 0},
    {"training", "beta2", "float", "0.95", "AdamW second-moment decay; 0 to 0.999999", 0},
    {"training", "eps", "float", "1e-8", "AdamW epsilon; 1e-30 to 1", 0},
    {"training", "grad_clip", "float", "1.0", "clip the global gradient norm to this; 0 disables", 0},
    {"training", "eval_every", "int", "100", "validation loss (fixed windows) every N steps, from step 0; 0 disables", 1},
    {"training", "eval_batches", "int", "20", "batches per validation; 1 to 100000", 1},
    {"training", "seed", "int", "1337", "seed of the init and the batch sampler (same seed, one thread: same run bit for bit)", 0},
    {"training", "log_every", "int", "10", "a metrics.csv row and a progress line every N steps (and at the last step)", 1},
    {"training", "instrument_every", "int", "10", "per-layer output norms and attention statistics on logged steps that are multiples of N; 0 disables", 1},
    {"training", "threads", "int", "0", "threads of the numeric work (split products, plugins' loops); 0: $LMSTAB_THREADS if set, else every CPU this process may run on (its affinity mask; `--threads N` overrides both). Never changes a number; a sweep's runs get one each; 0 to 1024", 1},
    {"data", "train", "path", "(default corpus)", "a text file read as bytes, or a token shard (`.bin`, llm.c's layout: from `lmstab tokenize encode` or llm.c's data scripts), relative to the working directory; or several, comma-separated or as glob patterns (`shards/train_*.bin`, matches sorted), read in order. Without `data.val`: first 90% train, last 10% validation. Absent or `tinyshakespeare.txt`: data/tinyshakespeare.txt of the source tree, then ../shared/data/. `--data FILE` overrides it", 0},
    {"data", "val", "path", "(none)", "validation files (one, a comma-separated list or glob patterns, as `train`), of the same kind as `train`'s: then every token of `train` trains and every token of `val` validates", 0},
    {"data", "tokenizer", "path", "(none)", "the SentencePiece model (`lmstab tokenize train`) that wrote a token shard: its pieces' bytes give the validation loss in bits per byte (`final_val_bpb`; text read as bytes needs none), and summary.json records its path and SHA-256. Its vocabulary must be the shard's", 0},
    {"verdict", "rule", "name", "default", "the rule (strict, default or lenient) that gives summary.json's `verdict`; all three are reported", 0},
    {"verdict", "smoothing", "float", "0.5", "EMA factor of the train loss over metrics.csv rows, for the spike test (0: the raw loss); 0 to 0.999", 0},
    {"verdict", "spike_after", "int", "10", "rises at logged steps >= N count as spikes (warmup included)", 0},
    {"verdict", "strict_margin", "float", "0.5", "strict: `collapsed` when the final validation loss >= unigram entropy - this; -10 to 100", 0},
    {"verdict", "strict_spike", "float", "0.5", "strict: `spiked` when the smoothed train loss rose this many nats above its running minimum (0: never); 0 to 100", 0},
    {"verdict", "default_margin", "float", "0.1", "default rule: collapse margin, as strict_margin", 0},
    {"verdict", "default_spike", "float", "1.0", "default rule: spike threshold, as strict_spike", 0},
    {"verdict", "lenient_margin", "float", "0.0", "lenient: collapse margin, as strict_margin", 0},
    {"verdict", "lenient_spike", "float", "0.0", "lenient: spike threshold, as strict_spike (0: spikes never fail a run)", 0},
};

const lms_core_key *lms_core_keys(size_t *n) {
    *n = sizeof core_keys / sizeof core_keys[0];
    return core_keys;
}

const lms_core_key *lms_core_key_find(const char *section, const char *key) {
    for (size_t i = 0; i < sizeof core_keys / sizeof core_keys[0]; i++)
        if (!strcmp(core_keys[i].section, section) &&
            !strcmp(core_keys[i].key, key))
            return &core_keys[i];
    return NULL;
}
