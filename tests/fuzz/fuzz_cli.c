/* libFuzzer target: the command line. One input = argv[1..] separated by
 * NUL bytes (argv[0] is "lmstab"), dispatched dry (lms_cli_dispatch with
 * dry = 1: every command parses and checks its arguments and returns
 * before running anything). Any crash or sanitizer report is a bug; the
 * exit code must be one main() may return for a parse (0 or 2).
 *
 * Build and run: scripts/fuzz.sh cli (see docs/reliability.md). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 8192)
        return 0;
    /* a copy with a NUL after every argument, the last one included */
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *argv[MAX_ARGS + 2];
    int argc = 0;
    argv[argc++] = "lmstab";
    for (char *p = buf; argc <= MAX_ARGS && p <= buf + size;
         p += strlen(p) + 1)
        argv[argc++] = p;
    argv[argc] = NULL;
    int rc = lms_cli_dispatch(argc, argv, 1);
    if (rc != 0 && rc != 2)
        __builtin_trap(); /* a dry parse runs nothing that could fail */
    free(buf);
    return 0;
}
