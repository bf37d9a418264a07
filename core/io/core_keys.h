/* The keys of the core's fixed sections, declared once (core_keys.c). */
#ifndef LMSTAB_CORE_KEYS_H
#define LMSTAB_CORE_KEYS_H

#include <stddef.h>

#include "io/config.h"
#include "lmstab/plugin.h"

typedef struct lms_core_key {
    const char *section;
    lms_key key;     /* name, type, default, help, bounds: as a plugin's
                        (offset unused; numbers are long and double) */
    const char *doc; /* NULL, or the type docs/keys.md shows when the value
                        type does not say it ("path", "plugin", "op list") */
    /* 1: `--set` may change it when a run is resumed. Such a key changes how
     * long a run goes or what is measured, never the update of a step that
     * has run (docs/reliability.md); every other key is part of the run. */
    int resume;
    /* A model-level plugin slot (`[model] final_norm = layernorm`, keys in
     * [model.final_norm]): the plugin kind it takes, 0 for a plain key.
     * The model builds one plugin per slot row, in table order, with the
     * row's default (`none`: empty). */
    lms_kind slot;
} lms_core_key;

/* The table and its length (*n). */
const lms_core_key *lms_core_keys(size_t *n);
/* The entry of section.key, or NULL when the core has no such key. */
const lms_core_key *lms_core_key_find(const char *section, const char *key);

/* The value of a core key of that type, with the table's default when it
 * is absent and its bounds checked: 0, or -1 with "file:line: [section]
 * key: must be ... (got '...')" in err (lms_config_int/_float/_bool). The
 * key must be in the table with that type (asserted). */
int lms_core_int(lms_config *c, const char *section, const char *key,
                 long *out, char *err, size_t errlen);
int lms_core_float(lms_config *c, const char *section, const char *key,
                   double *out, char *err, size_t errlen);
int lms_core_bool(lms_config *c, const char *section, const char *key,
                  int *out, char *err, size_t errlen);

/* The accepted keys of a fixed section, ", "-separated, from the table
 * (NULL for any other section): an lms_cfg_accepted_fn for
 * lms_config_check_unused. */
const char *lms_core_accepted(void *user, const char *section);

#endif
