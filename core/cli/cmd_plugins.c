/* lmstab plugins: list the plugins on the search path, or (--markdown) print
 * the key reference of the core sections and of every plugin (docs/keys.md).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_opt.h"
#include "io/core_keys.h"
#include "io/config.h"
#include "engine/loader.h"
#include "train/train.h"

typedef struct plugins_args {
    const char *keys;
    int markdown;
} plugins_args;

#define A(m) offsetof(plugins_args, m)
/* clang-format off */
static const lms_opt opts[] = {
    {"--keys", LMS_OPT_STR, "NAME", A(keys), 0, 0, 0, "only plugin NAME (exit 1 if it is not found)"},
    {"--markdown", LMS_OPT_FLAG, NULL, A(markdown), 0, 0, 0, "the key reference of the INI sections and of every plugin, as Markdown (docs/keys.md)"},
    {NULL, 0, NULL, 0, 0, 0, 0, NULL},
};
/* clang-format on */
#undef A

static void usage(FILE *f) {
    fprintf(f,
            "usage: lmstab plugins [--keys NAME] [--plugin-dir DIR]\n"
            "       lmstab plugins --markdown [--plugin-dir DIR]\n"
            "\n"
            "Lists every plugin on the search path with its kind, version,\n"
            "summary, file, keys (with defaults and valid values) and child\n"
            "slots. The search path, first hit per name wins: --plugin-dir,\n"
            "the absolute entries of $LMSTAB_PLUGIN_PATH (colon separated),\n"
            "the build tree, <dir of lmstab>/../lib/lmstab, the installed\n"
            "plugin dir.\n"
            "Exit status: 0 ok, 1 a plugin failed to load or NAME not found,\n"
            "2 bad usage.\n"
            "\n");
    lms_opt_help(f, opts);
    fprintf(f, "  --plugin-dir DIR       search DIR for plugins first\n");
}

/* ---- the listing -------------------------------------------------------- */

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
    for (const lms_key *k = d->keys; k->name; k++) {
        char buf[96];
        printf("    key  %-14s = %-8s %s (%s)\n", k->name,
               k->default_value ? k->default_value : "", k->help ? k->help : "",
               lms_key_expect(k, buf, sizeof buf));
    }
    for (const lms_slot *s = d->slots; s && s->name; s++)
        printf("    slot %-14s (%s) %s\n", s->name, lms_kind_name(s->kind),
               s->help ? s->help : "");
}

/* ---- --markdown: the core sections ---------------------------------------- */

static const struct {
    const char *name, *intro;
} core_sections[] = {
    {"model", "Dimensions and model-level plugins."},
    {"block", "The block, repeated n_layer times: `x = x + attn_ops(x); x = x + mlp_ops(x)`. "
              "Each op `<op>` named in a list has a section `[block.<op>]` with `plugin = NAME`, "
              "the keys of that plugin and its child slots (`q_norm = layernorm`); a child's keys "
              "go in `[block.<op>.<slot>]`. A slot set to `none` is empty."},
    {"training", "Optimizer (AdamW, PyTorch semantics), schedule, evaluation and logging."},
    {"data", "The corpus."},
    {"verdict", "How a finished run is classified, under three rules declared before any run "
                "(docs/results/protocol.md) and all reported: `diverged` (non-finite loss or gradient "
                "norm: stops at once), then `collapsed`, then `spiked`, else `converged`. Computed from "
                "metrics.csv's rows and the data's unigram entropy."},
};
#define N_CORE_SECTIONS (sizeof core_sections / sizeof core_sections[0])

/* Markdown table cell: '|' escaped, newlines as spaces. */
static void md_cell(const char *s) {
    for (; s && *s; s++) {
        if (*s == '|')
            fputs("\\|", stdout);
        else
            putchar(*s == '\n' ? ' ' : *s);
    }
}

static const char *value_type_name(lms_value_type t) {
    switch (t) {
    case LMS_VALUE_INT: return "int";
    case LMS_VALUE_FLOAT: return "float";
    case LMS_VALUE_BOOL: return "bool";
    case LMS_VALUE_STRING: return "string";
    }
    return "?";
}

/* The valid values of k as a cell: its expect text, or the one made from
 * type and bounds; "" for a free string. */
static void md_valid(const lms_key *k) {
    char buf[96];
    if (k->type != LMS_VALUE_STRING || k->expect)
        md_cell(lms_key_expect(k, buf, sizeof buf));
}

static void md_core(void) {
    size_t N_CORE_KEYS;
    const lms_core_key *core_keys = lms_core_keys(&N_CORE_KEYS);
    printf("## Core sections\n\n"
           "Every key can be overridden on the command line with "
           "`--set SECTION.KEY=VALUE` (KEY is the part after the last dot). "
           "Unknown sections and keys, duplicates and out-of-range values "
           "are errors. A boolean, of a core key or a plugin's, is `true`, "
           "`yes`, `on` or `1`, or `false`, `no`, `off` or `0`, in any case; "
           "numbers are whole strings (`3e-3`, `128`), finite.\n");
    for (size_t s = 0; s < N_CORE_SECTIONS; s++) {
        printf("\n### [%s]\n\n%s\n\n| key | type | default | valid | meaning |\n"
               "|---|---|---|---|---|\n",
               core_sections[s].name, core_sections[s].intro);
        for (size_t i = 0; i < N_CORE_KEYS; i++) {
            const lms_core_key *k = &core_keys[i];
            if (strcmp(k->section, core_sections[s].name) != 0)
                continue;
            printf("| `%s` | %s | `%s` | ", k->key.name,
                   k->doc ? k->doc : value_type_name(k->key.type),
                   k->key.default_value);
            md_valid(&k->key);
            printf(" | ");
            md_cell(k->key.help);
            printf("%s |\n", k->resume ? "; may be changed with `--set` on "
                                         "`--resume`" : "");
        }
    }
}

/* ---- --markdown: the plugins ------------------------------------------- */

typedef struct md_state {
    const lms_plugin *p[256];
    int n, failed;
} md_state;

static void md_collect(void *user, const lms_plugin *p, const char *path,
                       const char *err) {
    md_state *st = user;
    if (!p) {
        fprintf(stderr, "lmstab: cannot load plugin %s: %s\n", path, err);
        st->failed++;
    } else if (st->n < 256) {
        st->p[st->n++] = p;
    }
}

/* Where a plugin of kind `kind` can go: block op, model keys, child slots of
 * the plugins in st. */
static void md_where(const md_state *st, int kind) {
    int n = 0;
    printf("Goes in: ");
    if (kind == LMS_KIND_NORM || kind == LMS_KIND_LINEAR ||
        kind == LMS_KIND_ACTIVATION || kind == LMS_KIND_ATTENTION)
        printf("%sa block op (`[block.<op>]` `plugin = ...`)", n++ ? ", " : "");
    size_t nk;
    const lms_core_key *ck = lms_core_keys(&nk);
    for (size_t i = 0; i < nk; i++)
        if (ck[i].slot && (int)ck[i].slot == kind)
            printf("%s`[%s] %s`", n++ ? ", " : "", ck[i].section,
                   ck[i].key.name);
    for (int i = 0; i < st->n; i++)
        for (const lms_slot *s = st->p[i]->desc->slots; s && s->name; s++)
            if ((int)s->kind == kind)
                printf("%sslot `%s` of `%s`", n++ ? ", " : "", s->name,
                       st->p[i]->desc->name);
    printf("%s.\n", n ? "" : "a slot of its kind");
}

static void md_plugin(const md_state *st, const lms_descriptor *d) {
    printf("\n### %s\n\n", d->name);
    printf("Kind `%s`, version %s. ", lms_kind_name(d->kind), d->version);
    md_cell(d->summary);
    size_t len = strlen(d->summary);
    printf("%s\n\n", len && d->summary[len - 1] == '.' ? "" : ".");
    md_where(st, d->kind);
    if (d->keys[0].name) {
        printf("\n| key | type | default | valid | meaning |\n"
               "|---|---|---|---|---|\n");
        for (const lms_key *k = d->keys; k->name; k++) {
            printf("| `%s` | %s | `%s` | ", k->name, value_type_name(k->type),
                   k->default_value ? k->default_value : "");
            md_valid(k);
            printf(" | ");
            md_cell(k->help);
            printf(" |\n");
        }
    } else {
        printf("\nNo keys.\n");
    }
    if (d->slots && d->slots[0].name) {
        printf("\nChild slots (a key of this plugin's section naming a "
               "plugin, or `none`; the child's keys go in "
               "`[<section>.<slot>]`):\n\n| slot | kind | meaning |\n"
               "|---|---|---|\n");
        for (const lms_slot *s = d->slots; s->name; s++) {
            printf("| `%s` | %s | ", s->name, lms_kind_name(s->kind));
            md_cell(s->help);
            printf(" |\n");
        }
    }
}

static int markdown(lms_loader *ld) {
    static md_state st;
    st.n = st.failed = 0;
    lms_loader_scan(ld, md_collect, &st);
    if (st.failed)
        return 1;
    printf("# Configuration keys\n\n"
           "<!-- Generated by `lmstab plugins --markdown`; do not edit. "
           "Regenerate: cmake --build build --target docs-keys -->\n\n"
           "Every key of a model INI file, from the core's sections and from "
           "the descriptor of every plugin shipped with lmstab. "
           "`lmstab plugins --keys NAME` prints the same for any installed "
           "plugin.\n\n## Contents\n\n- [Core sections](#core-sections):");
    for (size_t s = 0; s < N_CORE_SECTIONS; s++)
        printf(" [[%s]](#%s)", core_sections[s].name, core_sections[s].name);
    printf("\n- [Plugins](#plugins):");
    for (int i = 0; i < st.n; i++)
        printf(" [%s](#%s)", st.p[i]->desc->name, st.p[i]->desc->name);
    printf("\n\n");
    md_core();
    printf("\n## Plugins\n\n"
           "A plugin's keys go in the section that names it: `[block.<op>]` "
           "for a block op, `[model.<key>]` for `final_norm`, `logit_cap`, "
           "`aux_loss`, `[block.<op>.<slot>]` for a child.\n");
    for (int i = 0; i < st.n; i++)
        md_plugin(&st, st.p[i]->desc);
    return 0;
}

int lms_cmd_plugins(int argc, char **argv, int dry) {
    lms_cli_common c = {0};
    listing ls = {0};
    plugins_args a = {0};
    int npos;
    int prc = lms_opt_parse("plugins", opts, &a, &c, argc, argv, NULL, 0,
                            &npos);
    if (prc == 1) {
        usage(stdout);
        return 0;
    }
    if (prc != 0)
        return 2;
    ls.only = a.keys;
    const int md = a.markdown;
    if (c.nsets > 0) {
        fprintf(stderr, "lmstab plugins: --set does not apply here\n");
        return 2;
    }
    if (dry)
        return 0;
    lms_loader *ld = lms_loader_new(c.plugin_dir);
    if (!ld)
        return 1;
    if (md) {
        int rc = markdown(ld);
        lms_loader_free(ld);
        return rc;
    }
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
