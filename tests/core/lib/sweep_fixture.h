/* A temporary sweep directory for the report's unit tests: hand-made runs
 * under a manifest, read back as `lmstab report` reads a sweep. */
#ifndef LMSTAB_TESTS_SWEEP_FIXTURE_H
#define LMSTAB_TESTS_SWEEP_FIXTURE_H

#include <stddef.h>

#include "sweep/sweep.h"

/* A new directory /tmp/lms<tag>XXXXXX into dir (n >= 64 bytes) holding
 * sweep.json = manifest (JSON text). Fails the test on error. */
void fx_sweep_dir(char *dir, size_t n, const char *tag, const char *manifest);
/* Remove dir and all in it. */
void fx_sweep_rm(const char *dir);
/* dir's manifest loaded as the report loads it (fails the test on error);
 * free() it. */
lms_sweep *fx_sweep_load(const char *dir);
/* dir/<variant>/lr_<lr>/seed_<seed>, created; its path into out. */
void fx_run_dir(const char *dir, const char *variant, const char *lr, int seed,
                char *out, size_t n);
/* text into run_dir/name. */
void fx_write(const char *run_dir, const char *name, const char *text);

#endif
