/* Hash indexes of a config's entries (by section + key) and sections (by
 * name): lookups and the duplicate checks stay O(1) per line, so a file of
 * 100k keys parses in well under a second instead of minutes (each new key
 * used to be compared with every earlier one). Open addressing, linear
 * probing; a slot holds item index + 1, 0 when empty. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/config_index.h"

/* FNV-1a over a, a separator byte no name contains, then b. */
static uint64_t hash2(const char *a, const char *b) {
    uint64_t h = 1469598103934665603ull;
    for (; *a; a++)
        h = (h ^ (unsigned char)*a) * 1099511628211ull;
    h = (h ^ 0xffu) * 1099511628211ull;
    for (; b && *b; b++)
        h = (h ^ (unsigned char)*b) * 1099511628211ull;
    return h;
}

/* The strings item i of the indexed kind is looked up by. */
static void names_of(const lms_config *c, int sections, size_t i,
                     const char **a, const char **b) {
    if (sections) {
        *a = c->sections[i].name;
        *b = NULL;
    } else {
        *a = c->entries[i].section;
        *b = c->entries[i].key;
    }
}

/* Slot holding (a, b), or the empty slot where it would go. */
static size_t probe(const lms_config *c, const lms_cfg_index *ix,
                    int sections, const char *a, const char *b) {
    size_t mask = ix->cap - 1, s = (size_t)hash2(a, b) & mask;
    for (;; s = (s + 1) & mask) {
        if (!ix->slot[s])
            return s;
        const char *x, *y;
        names_of(c, sections, ix->slot[s] - 1, &x, &y);
        if (!strcmp(x, a) && (!b || !strcmp(y, b)))
            return s;
    }
}

/* Double the table (or create it) and re-insert items [0, n). */
static int grow(const lms_config *c, lms_cfg_index *ix, int sections,
                size_t n) {
    lms_cfg_index big = {NULL, ix->cap ? 2 * ix->cap : 64};
    big.slot = calloc(big.cap, sizeof *big.slot);
    if (!big.slot)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const char *a, *b;
        names_of(c, sections, i, &a, &b);
        big.slot[probe(c, &big, sections, a, b)] = i + 1;
    }
    free(ix->slot);
    *ix = big;
    return 0;
}

static long find(const lms_config *c, const lms_cfg_index *ix, int sections,
                 const char *a, const char *b) {
    if (!ix->cap)
        return -1;
    size_t s = probe(c, ix, sections, a, b);
    return ix->slot[s] ? (long)(ix->slot[s] - 1) : -1;
}

/* Item n - 1 was just appended: index it (at most half full). */
static int add(const lms_config *c, lms_cfg_index *ix, int sections,
               size_t n) {
    if (2 * n > ix->cap)
        return grow(c, ix, sections, n);
    const char *a, *b;
    names_of(c, sections, n - 1, &a, &b);
    ix->slot[probe(c, ix, sections, a, b)] = n;
    return 0;
}

lms_cfg_entry *lms_cfg_index_entry(const lms_config *c, const char *section,
                                   const char *key) {
    long i = find(c, &c->entry_index, 0, section, key);
    return i < 0 ? NULL : &c->entries[i];
}

lms_cfg_section *lms_cfg_index_section(const lms_config *c,
                                       const char *name) {
    long i = find(c, &c->section_index, 1, name, NULL);
    return i < 0 ? NULL : &c->sections[i];
}

int lms_cfg_index_add_entry(lms_config *c) {
    return add(c, &c->entry_index, 0, c->n);
}

int lms_cfg_index_add_section(lms_config *c) {
    return add(c, &c->section_index, 1, c->nsec);
}

void lms_cfg_index_free(lms_config *c) {
    free(c->entry_index.slot);
    free(c->section_index.slot);
    c->entry_index = (lms_cfg_index){NULL, 0};
    c->section_index = (lms_cfg_index){NULL, 0};
}
