/* Keys written for a plugin slot that holds no plugin (empty_slot.c). */
#ifndef LMSTAB_CORE_EMPTY_SLOT_H
#define LMSTAB_CORE_EMPTY_SLOT_H

#include <stddef.h>

#include "io/config.h"
#include "engine/loader.h"

/* The slot `slot` of section `owner` (a plugin's child slot, or a [model]
 * plugin key) holds no plugin of kind `kind`: 0 when c has no section
 * "<owner>.<slot>" either; else -1 and a message at its first key saying
 * that the slot is empty (or `none`), how to fill it, and which plugins of
 * that kind ld finds. `plugin` names the owner's plugin (NULL for
 * [model]). */
int lms_empty_slot_check(lms_config *c, lms_loader *ld, const char *owner,
                         const char *plugin, const char *slot, int kind,
                         char *err, size_t errlen);

#endif
