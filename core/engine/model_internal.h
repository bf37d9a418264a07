/* What model.c (the graph) and model_alloc.c (its memory) share. */
#ifndef LMSTAB_MODEL_INTERNAL_H
#define LMSTAB_MODEL_INTERNAL_H

#include "engine/model.h"

typedef void (*lms_layer_fn)(lms_layer *L, const char *prefix, void *user);

/* Every layer of the model with its tensor-name prefix ("h.0.qkv", "ln_f"),
 * in arena order. */
void lms_model_for_each_layer(lms_model *m, lms_layer_fn fn, void *user);

/* Size the arenas from the plans, allocate them, bind every layer and list
 * the named tensors (after planning). 0, or -1 with a message. */
int lms_model_allocate(lms_model *m, char *err, size_t errlen);

#endif
