/* core/cli (the top part): main() and one cmd_<name>.c per command. */
/* lmstab: the command-line entry point. Only main() picks exit codes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "train/dist.h"

int main(int argc, char **argv) {
    lms_dist_init(&argc, &argv);
    int rc = lms_cli_dispatch(argc, argv, 0);
    /* what went to stdout (a table, a verdict, decoded text) and could not
     * be written (a full disk, a closed descriptor) fails the command:
     * exit 0 would say it was all there */
    errno = 0;
    const int flushed = fflush(stdout) == 0;
    if (rc == 0 && (!flushed || ferror(stdout))) { /* (else said already) */
        fprintf(stderr, "lmstab: error: stdout: cannot write: %s\n",
                !flushed && errno ? strerror(errno) : "write error");
        rc = 1;
    }
    lms_dist_finalize();
    return rc;
}
