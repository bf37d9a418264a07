/* The keys of the core's fixed sections, as one table (core_keys.c). */
#ifndef LMSTAB_CORE_KEYS_H
#define LMSTAB_CORE_KEYS_H

#include <stddef.h>

typedef struct lms_core_key {
    const char *section, *key, *type, *def, *help;
    /* 1: `--set` may change it when a run is resumed. Such a key changes how
     * long a run goes or what is measured, never the update of a step that
     * has run (docs/reliability.md); every other key is part of the run. */
    int resume;
} lms_core_key;

/* The table and its length (*n). */
const lms_core_key *lms_core_keys(size_t *n);
/* The entry of section.key, or NULL when the core has no such key. */
const lms_core_key *lms_core_key_find(const char *section, const char *key);

#endif
