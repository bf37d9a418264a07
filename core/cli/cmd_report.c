/* lmstab report */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "report/report.h"
#include "sweep/sweep.h"
#include "sweep/sweep_internal.h"

int lms_cmd_report(int argc, char **argv, int dry) {
    if (argc != 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        FILE *f = argc == 2 ? stdout : stderr;
        fprintf(f, "usage: lmstab report SWEEP_DIR\n"
                "Writes SWEEP_DIR/report.md and report.html: a one-sentence reading,\n"
                "the setup (model, data, grid, verdict rules), the results and\n"
                "failure-curve tables under each rule, and figures drawn with\n"
                "gnuplot into SWEEP_DIR/plots/. Prints the reading.\n");
        return argc == 2 ? 0 : 2;
    }
    if (dry)
        return 0;
    char err[4096];
    int rc = lms_report_write(argv[1], err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "lmstab: error: %s\n", err);
        return 1;
    }
    if (rc > 0)
        fprintf(stderr, "lmstab: warning: gnuplot missing or failed; report "
                "written without figures\n");
    /* the report's opening sentence, for a reader of the terminal */
    static lms_sweep s;
    char reading[4096];
    if (lms_sweep_load_manifest(argv[1], &s, err, sizeof err) == 0 &&
        lms_sweep_reading(&s, reading, sizeof reading) == 0)
        printf("%s\n", reading);
    printf("%s/report.md\n%s/report.html\n", argv[1], argv[1]);
    return 0;
}
