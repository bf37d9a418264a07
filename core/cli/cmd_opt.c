/* Table-driven command-line options (cmd_opt.h). */
#include <limits.h>
#include <string.h>

#include "cli/cmd_opt.h"
#include "lmstab/plugin_util.h"

/* What o accepts, e.g. "an integer >= 1 and <= 1024" (a max of 1e18 or
 * more is no limit worth naming). */
static void expect(const lms_opt *o, char *buf, size_t n) {
    int k = snprintf(buf, n, "%s %s %.15g",
                     o->kind == LMS_OPT_INT ? "an integer" : "a number",
                     o->min_open ? ">" : ">=", o->min);
    if (o->max < 1e18 && k > 0 && (size_t)k < n)
        snprintf(buf + k, n - (size_t)k, " and <= %.15g", o->max);
}

int lms_opt_number(const char *cmd, const lms_opt *o, const char *v,
                   void *out) {
    if (o->kind == LMS_OPT_INT) {
        long x;
        if (lms_parse_long(v, (long)o->min, (long)o->max, &x) == 0) {
            memcpy(out, &x, sizeof x);
            return 0;
        }
    } else {
        double d;
        if (lms_parse_double(v, &d) == 0 && d <= o->max &&
            (o->min_open ? d > o->min : d >= o->min)) {
            memcpy(out, &d, sizeof d);
            return 0;
        }
    }
    char buf[128];
    expect(o, buf, sizeof buf);
    fprintf(stderr, "lmstab %s: %s: must be %s (got '%s')\n", cmd, o->name,
            buf, v);
    return -1;
}

static const lms_opt *find(const lms_opt *opts, const char *name) {
    for (; opts->name; opts++)
        if (!strcmp(opts->name, name))
            return opts;
    return NULL;
}

int lms_opt_parse(const char *cmd, const lms_opt *opts, void *out,
                  lms_cli_common *common, int argc, char **argv,
                  const char **pos, int max_pos, int *npos) {
    *npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int n = common ? lms_cli_common_opt(common, argc, argv, i) : 0;
        if (n < 0)
            return 2;
        if (n > 0) {
            i += n - 1;
            continue;
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h"))
            return 1;
        const lms_opt *o = find(opts, a);
        if (!o && (a[0] != '-' || !a[1]) && *npos < max_pos) {
            pos[(*npos)++] = a;
            continue;
        }
        if (!o) {
            fprintf(stderr, "lmstab %s: unexpected argument '%s' (lmstab %s "
                    "--help)\n", cmd, a, cmd);
            return 2;
        }
        char *dst = (char *)out + o->offset;
        if (o->kind == LMS_OPT_FLAG) {
            int one = 1;
            memcpy(dst, &one, sizeof one);
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "lmstab %s: %s needs a value (%s)\n", cmd, a,
                    o->arg);
            return 2;
        }
        const char *v = argv[++i];
        if (o->kind == LMS_OPT_STR) {
            memcpy(dst, &v, sizeof v);
        } else if (o->kind == LMS_OPT_LIST) {
            lms_opt_list *l = (lms_opt_list *)(void *)dst;
            if (l->n == LMS_OPT_LIST_MAX) {
                fprintf(stderr, "lmstab %s: at most %d %s options\n", cmd,
                        LMS_OPT_LIST_MAX, a);
                return 2;
            }
            l->v[l->n++] = v;
        }
        else if (lms_opt_number(cmd, o, v, dst) != 0)
            return 2;
    }
    return 0;
}

void lms_opt_help(FILE *f, const lms_opt *opts) {
    for (; opts->name; opts++) {
        char left[64];
        snprintf(left, sizeof left, "%s%s%s", opts->name,
                 opts->arg ? " " : "", opts->arg ? opts->arg : "");
        char range[128] = "";
        if (opts->kind == LMS_OPT_INT || opts->kind == LMS_OPT_NUM) {
            char buf[112];
            expect(opts, buf, sizeof buf);
            snprintf(range, sizeof range, " (%s)", buf);
        }
        fprintf(f, "  %-22s %s%s%s\n", left, opts->help, range,
                opts->kind == LMS_OPT_LIST ? " (repeatable)" : "");
    }
}
