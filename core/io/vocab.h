/* [model] vocab_size against the data: `auto` resolved, a mismatch named
 * with its fix (vocab.c). */
#ifndef LMSTAB_CORE_VOCAB_H
#define LMSTAB_CORE_VOCAB_H

#include <stddef.h>

#include "io/config.h"
#include "io/data.h"

/* 1 when c says model.vocab_size = auto. */
int lms_vocab_is_auto(lms_config *c);
/* model.vocab_size = auto becomes `vocab` (the entry keeps its place for
 * messages); nothing when it is not auto. */
void lms_vocab_set_auto(lms_config *c, int vocab);
/* model.vocab_size = auto becomes the vocabulary of the data at data_path
 * (lms_data_header_vocab). 0, or -1 with a message. */
int lms_vocab_from_data(lms_config *c, const char *data_path, char *err,
                        size_t errlen);
/* 0 when a model of vocabulary `vocab` fits d: d's vocabulary is at most
 * that. Else -1 and a message at model.vocab_size naming the data's
 * vocabulary, its largest token id and the value to set. */
int lms_vocab_check(lms_config *c, const lms_data *d, int vocab, char *err,
                    size_t errlen);

#endif
