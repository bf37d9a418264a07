/* lmstab check PLUGIN.so: the conformance test's checks (the test kit's
 * tk_check.c, the same code) run on one plugin, for its author: one line
 * per check, PASS or FAIL with the reason; exit 0 when all pass, 1 when one
 * fails, 2 on a usage error. See docs/plugins.md, "Checking your plugin". */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_opt.h"
#include "engine/loader.h"
#include "tk_check.h"

#define MAX_KEYS 64

typedef struct check_args {
    lms_opt_list keys;
    int guard, no_guard, no_slots;
    long threads;
} check_args;

#define A(m) offsetof(check_args, m)
/* clang-format off */
static const lms_opt opts[] = {
    {"--keys", LMS_OPT_LIST, "K=V,...", A(keys), 0, 0, 0, "configure the plugin"},
    {"--guard", LMS_OPT_FLAG, NULL, A(guard), 0, 0, 0, "guard zones after every buffer: a write past one is named (default)"},
    {"--no-guard", LMS_OPT_FLAG, NULL, A(no_guard), 0, 0, 0, "without guard zones"},
    {"--threads", LMS_OPT_INT, "N", A(threads), 2, 1024, 0, "the determinism check's second thread count (default 2)"},
    {"--no-slots", LMS_OPT_FLAG, NULL, A(no_slots), 0, 0, 0, "do not check again with each child slot filled"},
    {NULL, 0, NULL, 0, 0, 0, 0, NULL},
};
/* clang-format on */
#undef A

static void usage(FILE *f) {
    fprintf(f,
            "usage: lmstab check PLUGIN.so|NAME [--keys K=V,...] [--no-guard]\n"
            "                    [--threads N] [--no-slots] [--plugin-dir DIR]\n"
            "\n"
            "Runs the checks every plugin of lmstab passes (its conformance "
            "test) on one\nplugin, and prints one line per check:\n"
            "  descriptor   ABI, name = file stem, kind, version, summary, "
            "keys, slots\n"
            "  keys         defaults accepted; malformed values and unknown "
            "keys rejected\n"
            "  rows         forward on fewer rows than planned\n"
            "  gradient     finite differences of the input and every "
            "parameter\n"
            "  accumulate   backward adds to dx and the gradients (+=), never "
            "overwrites\n"
            "  determinism  repeated runs, and 1 vs N threads, agree\n"
            "  guard        nothing written past the end of any buffer\n"
            "The numeric checks run again with each child slot filled by a "
            "plugin of its\nkind found on the search path (--no-slots: "
            "not).\n"
            "\n"
            "Exit status: 0 all checks passed, 1 a check failed, 2 usage.\n"
            "\n"
            "options:\n");
    lms_opt_help(f, opts);
    fprintf(f, "  --plugin-dir DIR       searched first for NAME and for child "
               "plugins\n");
}

static void print_result(void *user, const char *check, const char *label,
                         int ok, const char *msg) {
    int *n = user;
    n[0]++;
    printf("%s %-11s%s%s  %s\n", ok ? "PASS" : "FAIL", check,
           label[0] ? " " : "", label, msg);
    fflush(stdout);
}

/* Split "a=1,b=2" into kvs (pointers into buf, which is modified). */
static int split_keys(char *buf, const char **kvs, int *n) {
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (!strchr(tok, '=') || tok[0] == '=') {
            fprintf(stderr, "lmstab check: --keys: '%s' is not KEY=VALUE\n",
                    tok);
            return -1;
        }
        if (*n == MAX_KEYS) {
            fprintf(stderr, "lmstab check: more than %d keys\n", MAX_KEYS);
            return -1;
        }
        kvs[(*n)++] = tok;
    }
    return 0;
}

/* The plugin name of a path: "dir/lms_foo.so" -> "foo". */
static void name_of(const char *arg, char *name, size_t len) {
    const char *b = strrchr(arg, '/');
    b = b ? b + 1 : arg;
    if (!strncmp(b, "lms_", 4))
        b += 4;
    snprintf(name, len, "%s", b);
    size_t n = strlen(name);
    if (n > 3 && !strcmp(name + n - 3, ".so"))
        name[n - 3] = '\0';
}

int lms_cmd_check(int argc, char **argv, int dry) {
    lms_cli_common c = {0};
    check_args a = {0};
    a.threads = 2;
    const char *kvs[MAX_KEYS + 1];
    char *keybufs[LMS_OPT_LIST_MAX];
    int nkv = 0, nbuf = 0, rc = 2;
    const char *pos[2];
    int npos;
    int prc = lms_opt_parse("check", opts, &a, &c, argc, argv, pos, 2, &npos);
    if (prc == 1) {
        usage(stdout);
        return 0;
    }
    if (prc != 0)
        return 2;
    if (c.nsets > 0) {
        fprintf(stderr, "lmstab check: --set does not apply here (--keys "
                "K=V,... configures the plugin)\n");
        return 2;
    }
    if (npos > 1) {
        fprintf(stderr, "lmstab check: one plugin at a time ('%s', "
                "then '%s')\n", pos[0], pos[1]);
        return 2;
    }
    const char *target = npos ? pos[0] : NULL, *plugin_dir = c.plugin_dir;
    const int guard = !a.no_guard, slots = !a.no_slots;
    const long threads = a.threads;
    for (int i = 0; i < a.keys.n; i++) {
        keybufs[nbuf] = strdup(a.keys.v[i]);
        if (!keybufs[nbuf] || split_keys(keybufs[nbuf++], kvs, &nkv))
            goto out;
    }
    if (!target) {
        usage(stderr);
        goto out;
    }
    kvs[nkv] = NULL;
    rc = 0;
    if (dry)
        goto out;

    char name[256], err[LMS_ERR_MAX * 4];
    name_of(target, name, sizeof name);
    lms_loader *ld = lms_loader_new(plugin_dir);
    if (!ld) {
        fprintf(stderr, "lmstab check: out of memory\n");
        rc = 1;
        goto out;
    }
    int counts[1] = {0};
    const lms_plugin *p;
    int failed;
    if (strchr(target, '/') || strstr(target, ".so")) {
        if (!lms_plugin_name_valid(name)) {
            snprintf(err, sizeof err, "%s: the file name gives the plugin "
                     "name '%s', which does not match [a-z][a-z0-9_]{0,31} "
                     "(name the file lms_NAME.so)", target, name);
            print_result(counts, "load", "", 0, err);
            failed = 1;
        } else if (lms_loader_open_path(ld, target, name, &p, err,
                                        sizeof err) != 0) {
            print_result(counts, "load", "", 0, err);
            failed = 1;
        } else
            failed = -1;
    } else
        failed = -1;
    if (failed < 0) {
        lms_tk_set_guard(guard);
        lms_tk_set_threads(1);
        lms_tk_check_opts o = {.kvs = kvs, .fill_slots = slots,
                               .threads = (int)threads};
        failed = lms_tk_check_plugin(ld, name, &o, print_result, counts);
    }
    if (failed)
        printf("lmstab check: %s: %d of %d checks failed\n", name, failed,
               counts[0]);
    else
        printf("lmstab check: %s: all %d checks passed%s\n", name, counts[0],
               guard ? "" : " (without guard zones)");
    lms_loader_free(ld);
    rc = failed ? 1 : 0;
out:
    for (int i = 0; i < nbuf; i++)
        free(keybufs[i]);
    return rc;
}
