/* lmstab report */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lmstab/report.h"

int lms_cmd_report(int argc, char **argv) {
    if (argc != 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        FILE *f = argc == 2 ? stdout : stderr;
        fprintf(f, "usage: lmstab report SWEEP_DIR\n"
                "Writes SWEEP_DIR/report.md and report.html: the setup (model,\n"
                "data, grid, verdict rules), the results table and figures drawn\n"
                "with gnuplot into SWEEP_DIR/plots/.\n");
        return argc == 2 ? 0 : 2;
    }
    char err[4096];
    int rc = lms_report_write(argv[1], err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "lmstab: error: %s\n", err);
        return 1;
    }
    if (rc > 0)
        fprintf(stderr, "lmstab: warning: gnuplot missing or failed; report "
                "written without figures\n");
    printf("%s/report.md\n%s/report.html\n", argv[1], argv[1]);
    return 0;
}
