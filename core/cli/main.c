/* core/cli (the top part): main() and one cmd_<name>.c per command. */
/* lmstab: the command-line entry point. Only main() picks exit codes. */
#include "cli/cli.h"
#include "train/dist.h"

int main(int argc, char **argv) {
    lms_dist_init(&argc, &argv);
    int rc = lms_cli_dispatch(argc, argv, 0);
    lms_dist_finalize();
    return rc;
}
