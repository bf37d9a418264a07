/*
 * Our tensor names in another trainer's checkpoint: rules OURS=THEIRS that
 * rewrite a dotted piece of a name (`qkv=attn.c_attn`: h.0.qkv.weight ->
 * h.0.attn.c_attn.weight), applied in order, each at most once; presets for
 * nanoGPT and Hugging Face GPT-2 (whose Conv1D layers store weights as
 * (in, out), transposed from ours); used by `train --init-from --map` and
 * `golden --map`.
 */
#ifndef LMSTAB_TENSOR_MAP_H
#define LMSTAB_TENSOR_MAP_H

#include <stddef.h>

#include "engine/model.h"
#include "io/safetensors.h"

#define LMS_MAP_MAX_RULES 64

typedef struct lms_tensor_map {
    int n;
    char from[LMS_MAP_MAX_RULES][96], to[LMS_MAP_MAX_RULES][96];
    /* also try each name under this prefix ("transformer.") */
    char alt_prefix[32];
    /* their 2-D weights of these (mapped) name suffixes are (in, out) */
    int conv1d;
} lms_tensor_map;

/* Append a rule "OURS=THEIRS" (both non-empty dotted names). -1 and a
 * message naming the rule when malformed or the table is full. */
int lms_tensor_map_add(lms_tensor_map *m, const char *rule, char *err,
                       size_t errlen);
/* Append a preset's rules: "nanogpt" or "hf-gpt2". -1 and a message listing
 * the presets for another name. */
int lms_tensor_map_preset(lms_tensor_map *m, const char *name, char *err,
                          size_t errlen);
/* ours rewritten by every rule in order (a rule matches whole dotted
 * pieces only, once). */
void lms_tensor_map_name(const lms_tensor_map *m, const char *ours, char *out,
                         size_t cap);

/* The first rule from index `first` on that rewrites none of the model's
 * tensor names (each name rewritten by the rules in order, as
 * lms_tensor_map_name does), or -1 when every one does: a --map rule that
 * names nothing is a typo, not a no-op. */
int lms_tensor_map_unused(const lms_tensor_map *m, int first,
                          const lms_model *model);

/* Every parameter tensor of the model from f under the map (m may be
 * NULL: our own names), F32, transposing Conv1D weights. -1 and a message
 * naming the file, our name and theirs on a missing tensor or a shape that
 * is neither ours nor (for Conv1D) its transpose, or on an lm_head.weight
 * unlike wte when the model ties its head to wte. */
int lms_tensor_map_load(lms_model *model, const lms_st_file *f,
                        const lms_tensor_map *m, const char *path, char *err,
                        size_t errlen);

#endif
