/* "Did you mean ...?": the closest of a set of names to a misspelled one,
 * for errors that name the fix. */
#ifndef LMSTAB_CORE_SUGGEST_H
#define LMSTAB_CORE_SUGGEST_H

#include <stddef.h>

/* Damerau-Levenshtein (optimal string alignment) distance of a and b,
 * capped at 64 (longer names count as far apart). */
int lms_edit_distance(const char *a, const char *b);

/* The candidate closest to `name` when it is close enough to be a typo
 * (distance <= 2, and <= a third of the longer length, rounded up), the
 * first such on a tie; NULL otherwise. */
const char *lms_suggest(const char *name, const char *const *candidates,
                        size_t n);

#endif
