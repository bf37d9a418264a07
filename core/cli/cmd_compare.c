/* lmstab compare */
#include <stddef.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/cmd_opt.h"
#include "report/compare.h"

typedef struct compare_opts {
    const char *out;
    long null_check;
} compare_opts;

static const lms_opt opts[] = {
    {"--out", LMS_OPT_STR, "DIR", offsetof(compare_opts, out), 0, 0, 0,
     "write compare.md/html, its CSVs and plots/ here (required)"},
    {"--null-check", LMS_OPT_INT, "N", offsetof(compare_opts, null_check), 0,
     100000, 0,
     "simulate N comparisons where no ratio changed: how often a direction "
     "would be stated (compare_null.csv)"},
    {NULL, 0, NULL, 0, 0, 0, 0, NULL},
};

static void usage(FILE *f) {
    fprintf(f, "usage: lmstab compare SWEEP_DIR SWEEP_DIR... --out DIR "
            "[--null-check N]\n"
            "Sweeps that differ in one setting (a size ladder's d_model, the\n"
            "warmup, ...) side by side: each variant's LR50 and its ratio to\n"
            "the reference variant per sweep under each verdict rule, how\n"
            "they change from the first sweep to the last (and, when the\n"
            "model sizes differ, their exponent in the parameter count), all\n"
            "with bootstrap 95%% intervals (a change's over seeds paired\n"
            "across the sweeps and over independent resamples; a direction\n"
            "only when both exclude 1 and the fits pass), and LR\n"
            "sensitivity. Prints the reading. 2 to %d sweep directories, in\n"
            "the order to compare.\n",
            LMS_COMPARE_MAX);
    lms_opt_help(f, opts);
}

int lms_cmd_compare(int argc, char **argv, int dry) {
    compare_opts o = {NULL, 0};
    const char *pos[LMS_COMPARE_MAX + 1];
    int npos;
    int prc = lms_opt_parse("compare", opts, &o, NULL, argc, argv, pos,
                            LMS_COMPARE_MAX, &npos);
    if (prc == 1) {
        usage(stdout);
        return 0;
    }
    if (prc != 0 || npos < 2 || !o.out) {
        if (prc == 0)
            fprintf(stderr, "lmstab compare: %s\n", !o.out
                    ? "--out DIR is required"
                    : "needs at least two sweep directories");
        usage(stderr);
        return 2;
    }
    if (dry)
        return 0;
    char err[4096], reading[32768]; /* up to 32 variants */
    int rc = lms_compare_write(pos, npos, o.out, (int)o.null_check, reading,
                               sizeof reading, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "lmstab: error: %s\n", err);
        return 1;
    }
    if (rc > 0)
        fprintf(stderr, "lmstab: warning: gnuplot missing or failed; "
                "comparison written without figures\n");
    printf("%s\n%s/compare.md\n%s/compare.html\n", reading, o.out, o.out);
    return 0;
}
