/* Subcommands of the lmstab command; each returns the process exit code.
 * dry: parse and check the arguments only (usage errors give 2 and their
 * message, --help its text and 0); arguments that would run return 0
 * without running anything. */
#ifndef LMSTAB_CLI_H
#define LMSTAB_CLI_H

#include <stddef.h>
#include <stdio.h>

int lms_cmd_train(int argc, char **argv, int dry);
int lms_cmd_sample(int argc, char **argv, int dry);
int lms_cmd_golden(int argc, char **argv, int dry);
int lms_cmd_plugins(int argc, char **argv, int dry);
int lms_cmd_sweep(int argc, char **argv, int dry);
int lms_cmd_bench(int argc, char **argv, int dry);
int lms_cmd_report(int argc, char **argv, int dry);
int lms_cmd_compare(int argc, char **argv, int dry);
int lms_cmd_verdict(int argc, char **argv, int dry);
int lms_cmd_relabel(int argc, char **argv, int dry);
int lms_cmd_tokenize(int argc, char **argv, int dry);
int lms_cmd_check(int argc, char **argv, int dry);

/* argv[1] names the command (argv[0] is the program): its exit code, as
 * main() returns it; dry as above. */
int lms_cli_dispatch(int argc, char **argv, int dry);

/* The top-level usage (lmstab, lmstab --help): its command list is the
 * dispatch table's. */
void lms_cli_usage(FILE *f);
/* The name of the i-th dispatched command, NULL past the last. */
const char *lms_cli_command_name(size_t i);

/* Shared option parsing: --set k=v (repeatable), --plugin-dir DIR. Returns
 * the number of argv entries consumed at i (0: not a shared option, -1:
 * missing value, message printed). */
typedef struct lms_cli_common {
    const char *sets[256];
    int nsets;
    const char *plugin_dir;
} lms_cli_common;
int lms_cli_common_opt(lms_cli_common *c, int argc, char **argv, int i);

#endif
