/* lmstab report */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_opt.h"
#include "report/report.h"
#include "sweep/sweep.h"
#include "sweep/sweep_internal.h"
#include "util/fsutil.h"

/* Print report.md's "**Reading.** " line without its label: 1, or 0 when
 * there is none to read. */
static int print_reading(const char *dir) {
    char path[4200], err[256];
    snprintf(path, sizeof path, "%s/report.md", dir);
    FILE *f = lms_fopen_regular(path, err, sizeof err);
    if (!f)
        return 0;
    static const char label[] = "**Reading.** ";
    char *line = NULL;
    size_t cap = 0;
    int done = 0;
    while (!done && getline(&line, &cap, f) > 0)
        if (!strncmp(line, label, sizeof label - 1)) {
            fputs(line + sizeof label - 1, stdout);
            done = 1;
        }
    free(line);
    fclose(f);
    return done;
}

typedef struct report_opts {
    long null_check;
} report_opts;

static const lms_opt opts[] = {
    {"--null-check", LMS_OPT_INT, "N", offsetof(report_opts, null_check), 0,
     100000, 0,
     "simulate N sweeps per variant whose edge is the reference's: how "
     "often its ratio's interval excludes 1 and a claim would be made, and "
     "a test of no difference (report_null.csv)"},
    {NULL, 0, NULL, 0, 0, 0, 0, NULL},
};

static void usage(FILE *f) {
    fprintf(f, "usage: lmstab report SWEEP_DIR [--null-check N]\n"
            "Writes SWEEP_DIR/report.md and report.html: a one-sentence reading,\n"
            "the setup (model, data, grid, verdict rules), the results and\n"
            "failure-curve tables under each rule, and figures drawn with\n"
            "gnuplot into SWEEP_DIR/plots/. Prints the reading.\n");
    lms_opt_help(f, opts);
}

int lms_cmd_report(int argc, char **argv, int dry) {
    const char *pos[1];
    int npos;
    report_opts o = {0};
    int prc = lms_opt_parse("report", opts, &o, NULL, argc, argv, pos, 1,
                            &npos);
    if (prc == 1) {
        usage(stdout);
        return 0;
    }
    if (prc != 0 || npos != 1) {
        usage(stderr);
        return 2;
    }
    const char *dir = pos[0];
    if (dry)
        return 0;
    char err[4096];
    int rc = lms_report_write(dir, (int)o.null_check, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "lmstab: error: %s\n", err);
        return 1;
    }
    if (rc > 0)
        fprintf(stderr, "lmstab: warning: gnuplot missing or failed; report "
                "written without figures\n");
    /* the report's opening reading, for a reader of the terminal: the
     * page's own line (with --null-check it ends with the declared claims) */
    if (!print_reading(dir)) {
        static lms_sweep s;
        char reading[4096];
        if (lms_sweep_load_manifest(dir, &s, err, sizeof err) == 0 &&
            lms_report_reading(&s, reading, sizeof reading) == 0)
            printf("%s\n", reading);
    }
    printf("%s/report.md\n%s/report.html\n", dir, dir);
    return 0;
}
