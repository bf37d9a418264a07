/* The real plugins and a size check, for the fuzz targets that build a
 * model from what they parsed (INI, checkpoint config, golden metadata). */
#ifndef LMS_FUZZ_MODEL_H
#define LMS_FUZZ_MODEL_H

#include "io/config.h"
#include "engine/loader.h"

/* A loader over $LMS_FUZZ_PLUGIN_DIR (made once), or NULL when unset: the
 * targets then stop before building a model. */
lms_loader *lms_fuzz_loader(void);
/* 1 when [model]'s dimensions are small enough to build and run a model
 * quickly (or invalid, which the builder reports cheaply); 0 for a valid
 * but large model, which the fuzzer must not spend its time or memory on. */
int lms_fuzz_small_model(lms_config *c);

#endif
