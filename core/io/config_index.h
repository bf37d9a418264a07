/* Hash indexes of an lms_config (config_index.c): entries by section + key,
 * sections by name. Items are appended to c->entries / c->sections first,
 * then indexed; the indexes hold positions, so reallocating the arrays is
 * safe. Freed by lms_config_free. */
#ifndef LMSTAB_CORE_CONFIG_INDEX_H
#define LMSTAB_CORE_CONFIG_INDEX_H

#include "io/config.h"

/* The entry [section] key, or NULL. */
lms_cfg_entry *lms_cfg_index_entry(const lms_config *c, const char *section,
                                   const char *key);
/* The section called name, or NULL. */
lms_cfg_section *lms_cfg_index_section(const lms_config *c, const char *name);
/* Index the entry / section just appended (c->n - 1 / c->nsec - 1); -1 when
 * out of memory. */
int lms_cfg_index_add_entry(lms_config *c);
int lms_cfg_index_add_section(lms_config *c);
void lms_cfg_index_free(lms_config *c);

#endif
