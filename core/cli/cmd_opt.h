/* Command-line options as tables: each command lists its options once
 * (name, value, type and range, help); one parser reads argv against the
 * table, one number parser checks every numeric value, and the option
 * lines of --help are printed from the same table. */
#ifndef LMSTAB_CMD_OPT_H
#define LMSTAB_CMD_OPT_H

#include <stddef.h>
#include <stdio.h>

#include "cli/cli.h"

typedef enum lms_opt_kind {
    LMS_OPT_FLAG = 1, /* no value; sets an int member to 1 */
    LMS_OPT_STR = 2,  /* a value kept as given (const char * member) */
    LMS_OPT_INT = 3,  /* an integer in [min, max] (long member) */
    LMS_OPT_NUM = 4,  /* a finite number in [min, max], or (min, max] with
                         min_open (double member) */
    LMS_OPT_LIST = 5  /* repeatable, values kept as given (lms_opt_list
                         member) */
} lms_opt_kind;

#define LMS_OPT_LIST_MAX 64

/* The values of a repeatable option, in order. */
typedef struct lms_opt_list {
    const char *v[LMS_OPT_LIST_MAX];
    int n;
} lms_opt_list;

/* One option of a command. Tables end with {NULL}. */
typedef struct lms_opt {
    const char *name; /* "--jobs" */
    lms_opt_kind kind;
    const char *arg;  /* the value's name in --help ("N", "DIR"); NULL for
                         a flag */
    size_t offset;    /* offsetof(the command's options struct, member) */
    double min, max;  /* INT and NUM */
    int min_open;     /* NUM: the value must be > min */
    const char *help; /* one line */
} lms_opt;

/* The one number parser of the command line: v for option o (INT or NUM)
 * of command cmd, stored at out (long or double). 0, or -1 after printing
 * "lmstab CMD: OPT: must be an integer >= 1 and <= 1024 (got 'v')". */
int lms_opt_number(const char *cmd, const lms_opt *o, const char *v,
                   void *out);

/*
 * Read argv[1..argc) of command cmd: the shared options (--set,
 * --plugin-dir) into common, --help/-h, the options of opts into the
 * struct at out, and up to max_pos positional arguments (not starting with
 * '-', or "-" alone: stdin) into pos[] (*npos of them). Returns 0 when parsed, 1 when --help
 * was asked (print it, exit 0), 2 on a usage error (message printed: an
 * unknown option, a missing or bad value, one positional too many).
 */
int lms_opt_parse(const char *cmd, const lms_opt *opts, void *out,
                  lms_cli_common *common, int argc, char **argv,
                  const char **pos, int max_pos, int *npos);

/* The option lines of --help, one per option of opts: "  --jobs N   help". */
void lms_opt_help(FILE *f, const lms_opt *opts);

#endif
