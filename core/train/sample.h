/*
 * Text generation from a checkpoint: the model is rebuilt from the config
 * text stored in the checkpoint (with its --set overrides), its parameters
 * loaded, and bytes drawn one at a time from the softmax of the last
 * position's logits (temperature, top-k), the context windowed to the
 * model's context length. A byte-level model (vocab_size 256) draws bytes;
 * a model trained on a token shard draws token ids, and text goes in and
 * out through the run's tokenizer (data.tokenizer, or one given).
 */
#ifndef LMSTAB_SAMPLE_H
#define LMSTAB_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "io/config.h"
#include "engine/loader.h"
#include "engine/model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lms_sampler {
    lms_config cfg;
    lms_loader *ld;
    lms_model m;
    long step;          /* the training step the weights are from (-1: unknown) */
    struct lms_tokenizer *tok; /* a token model's tokenizer; NULL: bytes */
    char tok_path[4096];       /* ... and where it was read from */
    char file[4300];    /* the file they were read from */
} lms_sampler;

typedef struct lms_sample_opts {
    int n_tokens;       /* bytes to generate (>= 0) */
    double temperature; /* 0: greedy (argmax); otherwise > 0 */
    int top_k;          /* 0: all; else keep the k largest logits */
    uint64_t seed;
} lms_sample_opts;

/* Open checkpoint `path` (plugins searched from plugin_dir, may be NULL).
 * A token model needs a tokenizer: `tokenizer` if not NULL, else the run's
 * data.tokenizer (a path as the run was given it); its vocabulary must be
 * the model's. s is zeroed first; free with lms_sampler_free even on
 * failure. */
int lms_sampler_open(lms_sampler *s, const char *path, const char *plugin_dir,
                     const char *tokenizer, char *err, size_t errlen);
void lms_sampler_free(lms_sampler *s); /* accepts zeroed */

/* Generate o->n_tokens tokens after the prompt's (plen bytes; an empty
 * prompt starts from "\n", which is not part of the output): *out gets the
 * generated text (malloc'ed, NUL-terminated, *out_len bytes; o->n_tokens
 * bytes for a byte model, the decoded tokens for a token model; the caller
 * frees). Deterministic for a given seed (one BLAS thread). Returns 0, or
 * -1 with a message. */
int lms_sample(lms_sampler *s, const unsigned char *prompt, size_t plen,
               const lms_sample_opts *o, char **out, size_t *out_len,
               char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
