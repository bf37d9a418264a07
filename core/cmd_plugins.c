/* lmstab plugins */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lmstab/loader.h"

typedef struct listing {
    const char *only; /* --keys NAME */
    int shown, failed;
} listing;

static void show(void *user, const lms_plugin *p, const char *path,
                 const char *err) {
    listing *ls = user;
    if (!p) {
        if (!ls->only || !strcmp(ls->only, path)) {
            fprintf(stderr, "lmstab: cannot load plugin %s: %s\n", path, err);
            ls->failed++;
        }
        return;
    }
    const lms_descriptor *d = p->desc;
    if (ls->only && strcmp(ls->only, d->name) != 0)
        return;
    ls->shown++;
    printf("%-20s %-10s %-7s %s\n", d->name, lms_kind_name(d->kind),
           d->version, d->summary);
    printf("    %s\n", p->path);
    for (const lms_key *k = d->keys; k->name; k++)
        printf("    key  %-14s = %-8s %s\n", k->name,
               k->default_value ? k->default_value : "", k->help ? k->help : "");
    for (const lms_slot *s = d->slots; s && s->name; s++)
        printf("    slot %-14s (%s) %s\n", s->name, lms_kind_name(s->kind),
               s->help ? s->help : "");
}

int lms_cmd_plugins(int argc, char **argv) {
    lms_cli_common c = {0};
    listing ls = {0};
    for (int i = 1; i < argc; i++) {
        int n = lms_cli_common_opt(&c, argc, argv, i);
        if (n < 0)
            return 2;
        if (n > 0) {
            i += n - 1;
        } else if (!strcmp(argv[i], "--keys") && i + 1 < argc) {
            ls.only = argv[++i];
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: lmstab plugins [--keys NAME] [--plugin-dir DIR]\n"
                   "Lists the plugins on the search path (--plugin-dir, then\n"
                   "$LMSTAB_PLUGIN_PATH, then the build/installed plugin dir)\n"
                   "with kind, version, summary, keys and child slots.\n");
            return 0;
        } else {
            fprintf(stderr, "lmstab plugins: unexpected argument '%s'\n", argv[i]);
            return 2;
        }
    }
    lms_loader *ld = lms_loader_new(c.plugin_dir);
    if (!ld)
        return 1;
    printf("search path:");
    for (int i = 0; i < lms_loader_ndirs(ld); i++)
        printf(" %s", lms_loader_dir(ld, i));
    printf("\n");
    lms_loader_scan(ld, show, &ls);
    lms_loader_free(ld);
    if (ls.only && ls.shown == 0) {
        fprintf(stderr, "lmstab: no plugin named '%s' on the search path\n",
                ls.only);
        return 1;
    }
    return ls.failed ? 1 : 0;
}
