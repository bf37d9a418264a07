/* lmstab relabel */
#include <stddef.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/cmd_opt.h"
#include "sweep/sweep.h"

typedef struct relabel_opts {
    const char *out;
} relabel_opts;

static const lms_opt opts[] = {
    {"--out", LMS_OPT_STR, "DIR", offsetof(relabel_opts, out), 0, 0, 0,
     "the relabelled sweep's directory, new (required)"},
    {NULL, 0, NULL, 0, 0, 0, 0, NULL},
};

static void usage(FILE *f) {
    fprintf(f, "usage: lmstab relabel SWEEP_DIR --set verdict.KEY=VALUE... "
            "--out DIR\n"
            "The runs of SWEEP_DIR under other [verdict] keys: DIR becomes a "
            "sweep\n"
            "directory whose runs link to SWEEP_DIR's, each with its verdicts\n"
            "recomputed from its metrics.csv under its own rules with the keys\n"
            "changed (kept in summary.json as \"relabel\"), then its tables.\n"
            "`lmstab report DIR` and `lmstab compare` read it as any sweep: a\n"
            "conclusion's sensitivity to a rule not declared in advance. The "
            "runs\n"
            "themselves are never touched.\n");
    lms_opt_help(f, opts);
    fprintf(f, "  --set verdict.K=V      a [verdict] key to change "
            "(repeatable, at least one)\n");
}

int lms_cmd_relabel(int argc, char **argv, int dry) {
    relabel_opts o = {NULL};
    lms_cli_common c = {0};
    const char *pos[1];
    int npos;
    int prc = lms_opt_parse("relabel", opts, &o, &c, argc, argv, pos, 1, &npos);
    if (prc == 1) {
        usage(stdout);
        return 0;
    }
    if (prc != 0 || npos != 1 || !o.out || c.nsets == 0) {
        if (prc == 0)
            fprintf(stderr, "lmstab relabel: %s\n",
                    npos != 1 ? "needs one sweep directory"
                    : !o.out  ? "--out DIR is required"
                              : "needs at least one --set verdict.KEY=VALUE");
        usage(stderr);
        return 2;
    }
    if (dry)
        return 0;
    char err[4096];
    if (lms_sweep_relabel(pos[0], o.out, c.sets, c.nsets, err, sizeof err) != 0) {
        fprintf(stderr, "lmstab: error: %s\n", err);
        return 1;
    }
    printf("%s: %s relabelled; its tables are in it (lmstab report %s for "
           "the report)\n", o.out, pos[0], o.out);
    return 0;
}
