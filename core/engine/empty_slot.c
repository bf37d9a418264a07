/* A section for an empty slot: `--set block.attn.score_cap.cap=30` on a
 * model whose attention has no score_cap, or [model.logit_cap] keys with
 * `logit_cap = none`. Its keys have no plugin to go to; the message says so
 * and how to fill the slot, instead of "unknown section". */
#include <stdio.h>
#include <string.h>

#include "engine/empty_slot.h"

typedef struct fitting {
    int kind;
    const char *key; /* the first key written for the slot, or NULL */
    char names[512];
    const char *first, *takes_key; /* the first of the kind; the first that
                                      accepts `key` (the better example) */
} fitting;

static void collect(void *user, const lms_plugin *p, const char *path,
                    const char *err) {
    fitting *f = user;
    (void)path;
    (void)err;
    if (!p || (int)p->desc->kind != f->kind)
        return;
    size_t n = strlen(f->names);
    snprintf(f->names + n, sizeof f->names - n, "%s%s", n ? ", " : "",
             p->desc->name);
    if (!f->first)
        f->first = p->desc->name;
    for (const lms_key *k = p->desc->keys; f->key && !f->takes_key && k->name;
         k++)
        if (!strcmp(k->name, f->key))
            f->takes_key = p->desc->name;
}

int lms_empty_slot_check(lms_config *c, lms_loader *ld, const char *owner,
                         const char *plugin, const char *slot, int kind,
                         char *err, size_t errlen) {
    char sub[256];
    snprintf(sub, sizeof sub, "%s.%s", owner, slot);
    if (!lms_config_has_section(c, sub))
        return 0;
    const lms_cfg_entry *e = NULL;
    for (size_t i = 0; i < c->n && !e; i++)
        if (!strcmp(c->entries[i].section, sub))
            e = &c->entries[i];
    const lms_cfg_entry *set = lms_config_find(c, owner, slot);
    fitting f = {kind, e ? e->key : NULL, "", NULL, NULL};
    lms_loader_scan(ld, collect, &f);
    const char *ex = f.takes_key ? f.takes_key : f.first ? f.first : "NAME";
    char what[160], msg[1400];
    if (plugin)
        snprintf(what, sizeof what, "the slot '%s' of [%s] (plugin %s)", slot,
                 owner, plugin);
    else
        snprintf(what, sizeof what, "[%s] %s", owner, slot);
    snprintf(msg, sizeof msg, "%s is %s, so these keys have no plugin to go "
             "to: fill it with --set %s.%s=%s (or %s = %s in [%s]); %s "
             "plugins installed: %s", what, set ? "none" : "empty", owner,
             slot, ex, slot, ex, owner, lms_kind_name(kind),
             f.names[0] ? f.names : "none");
    if (e)
        lms_config_errorf(e, err, errlen, "%s", msg);
    else
        snprintf(err, errlen, "%s: [%s]: %s", c->path, sub, msg);
    return -1;
}
