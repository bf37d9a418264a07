/* Subcommands of the lmstab command; each returns the process exit code. */
#ifndef LMSTAB_CLI_H
#define LMSTAB_CLI_H

int lms_cmd_train(int argc, char **argv);
int lms_cmd_sample(int argc, char **argv);
int lms_cmd_golden(int argc, char **argv);
int lms_cmd_plugins(int argc, char **argv);
int lms_cmd_sweep(int argc, char **argv);
int lms_cmd_bench(int argc, char **argv);
int lms_cmd_report(int argc, char **argv);
int lms_cmd_verdict(int argc, char **argv);
int lms_cmd_tokenize(int argc, char **argv);

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
