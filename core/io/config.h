/*
 * INI configuration store. Every entry remembers where it came from
 * (file:line, or "--set" for command-line overrides) so that any consumer can
 * report `file:line: [section] key: problem`. Consumers mark entries as used;
 * lms_config_check_unused then rejects unknown keys and sections.
 */
#ifndef LMSTAB_CONFIG_H
#define LMSTAB_CONFIG_H

#include <stddef.h>

/* lms_parse_long, lms_parse_double and lms_parse_bool: the SDK's parsers
 * are the core's too (one boolean dialect for every key). */
#include "lmstab/plugin_util.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest comment line; a section or key line must also fit inih's line
 * buffer (198 characters in Debian's build). Longer lines are an error,
 * never truncated. */
#define LMS_CFG_MAX_LINE 1024
#define LMS_CFG_MAX_BYTES ((size_t)64 << 20) /* largest config file read */

typedef struct lms_cfg_entry {
    char *section;
    char *key;
    char *value;
    const char *origin; /* file path or "--set" */
    int line;           /* 1-based line, or override index for --set */
    int used;
} lms_cfg_entry;

typedef struct lms_cfg_section {
    char *name;
    int line;           /* first seen at this line of origin; 0: --set */
    int used;
    const char *origin; /* NULL: the config file (c->path); else the file of
                           the override that created it (not owned) */
} lms_cfg_section;

/* A hash index over entries or sections (core/io/config_index.c). */
typedef struct lms_cfg_index {
    size_t *slot; /* item index + 1; 0 = empty */
    size_t cap;
} lms_cfg_index;

typedef struct lms_config {
    char *path;
    char *text; /* the file as read, kept for checkpoints and summaries */
    lms_cfg_entry *entries;
    size_t n, cap;
    lms_cfg_section *sections;
    size_t nsec, capsec;
    char **overrides; /* "section.key=value" as given */
    size_t noverrides;
    lms_cfg_index entry_index, section_index;
} lms_config;

/* Parse an INI file strictly: syntax errors, duplicate sections/keys, lines
 * over the limit (see LMS_CFG_MAX_LINE) are errors "file:line: problem". c is zeroed first;
 * free with lms_config_free even on failure. */
int lms_config_load(lms_config *c, const char *path, char *err, size_t errlen);
/* Same from a string (origin names it in messages). */
int lms_config_load_string(lms_config *c, const char *text, const char *origin,
                           char *err, size_t errlen);
void lms_config_free(lms_config *c);

/* Apply "SECTION.KEY=VALUE" (KEY is after the last dot). Replaces the value
 * of an existing entry or adds one (its section is created if needed). */
int lms_config_override(lms_config *c, const char *assign, char *err,
                        size_t errlen);
/* The same for an override written in a file (a sweep's [overrides]):
 * messages about its key or a section it created name origin:line instead
 * of "--set". origin is not copied: it must outlive c. */
int lms_config_override_at(lms_config *c, const char *assign,
                           const char *origin, int line, char *err,
                           size_t errlen);

/* Lookup; marks the entry (and its section) used. NULL if absent. */
lms_cfg_entry *lms_config_find(lms_config *c, const char *section,
                               const char *key);
/* 1 if the section exists (in the file or via --set); marks it used. */
int lms_config_has_section(lms_config *c, const char *section);

/* Typed getters: absent -> *out = def, return 0. Present but invalid ->
 * non-zero and "file:line: [section] key: must be ... (got 'v')". */
int lms_config_int(lms_config *c, const char *section, const char *key,
                   long def, long min, long max, long *out, char *err,
                   size_t errlen);
int lms_config_float(lms_config *c, const char *section, const char *key,
                     double def, double min, double max, double *out,
                     char *err, size_t errlen);
int lms_config_bool(lms_config *c, const char *section, const char *key,
                    int def, int *out, char *err, size_t errlen);
/* String value or def (not copied: valid while c lives). */
const char *lms_config_str(lms_config *c, const char *section,
                           const char *key, const char *def);

/* Format "origin:line: [section] key: " + msg into err. */
void lms_config_errorf(const lms_cfg_entry *e, char *err, size_t errlen,
                       const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Reject the first unused section or key. `accepted` (may be NULL) returns
 * a comma-separated list of accepted keys for a section, for the message. */
typedef const char *(*lms_cfg_accepted_fn)(void *user, const char *section);
int lms_config_check_unused(lms_config *c, lms_cfg_accepted_fn accepted,
                            void *user, char *err, size_t errlen);

/* Split a comma-separated list in place into trimmed items. Returns the
 * count (at most max), or -1 if there are more than max or an item is empty. */
int lms_split_list(char *s, char **items, int max);

#ifdef __cplusplus
}
#endif
#endif
