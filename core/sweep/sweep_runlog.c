/* Why a sweep's run failed, from its train.log (sweep_internal.h). The
 * sweep stops on a failed run and names it; the cause is in the run's log,
 * whose last line is the run's error. On a full disk that line may be the
 * write that failed: a log that ends without one says so, rather than
 * sending the user to a log that does not explain. A run that could not
 * start (127) or was killed by a signal is said to be that instead. */
#include <stdio.h>
#include <string.h>

#include "sweep/sweep_internal.h"

#define ERROR_PREFIX "lmstab: error: "

void lms_sweep_run_failure(const char *dir, const char *how, int code,
                           char *err, size_t errlen) {
    char log[4400], tail[16384]; /* an error line names paths of 4 KiB */
    snprintf(log, sizeof log, "%s/train.log", dir);
    FILE *f = fopen(log, "rb");
    if (!f) {
        snprintf(err, errlen, "run %s failed (%s %d) and left no train.log",
                 dir, how, code);
        return;
    }
    /* the last 16 KiB hold the last line (the error) */
    size_t got = 0;
    if (fseek(f, 0, SEEK_END) == 0) {
        const long size = ftell(f);
        const long from = size > (long)sizeof tail - 1
                              ? size - (long)sizeof tail + 1 : 0;
        if (size >= 0 && fseek(f, from, SEEK_SET) == 0)
            got = fread(tail, 1, sizeof tail - 1, f);
    }
    fclose(f);
    tail[got] = '\0';
    while (got && (tail[got - 1] == '\n' || tail[got - 1] == '\r'))
        tail[--got] = '\0';
    const char *last = strrchr(tail, '\n');
    const char *line = last ? last + 1 : tail;
    if (strncmp(line, ERROR_PREFIX, strlen(ERROR_PREFIX)) == 0)
        snprintf(err, errlen, "run %s failed (%s %d: %s); see %s/train.log",
                 dir, how, code, line + strlen(ERROR_PREFIX), dir);
    else if (code == 127 && strcmp(how, "signal") != 0)
        snprintf(err, errlen, "run %s failed (%s 127: it could not start); "
                 "see %s/train.log and the sweep's own messages", dir, how,
                 dir);
    else if (!strcmp(how, "signal")) /* killed: nothing of its own to say */
        snprintf(err, errlen, "run %s failed (signal %d: killed, e.g. out of "
                 "memory); see %s/train.log", dir, code, dir);
    else
        snprintf(err, errlen, "run %s failed (%s %d), and its train.log ends "
                 "without an error message (cut short, as when the disk is "
                 "full?); see %s/train.log", dir, how, code, dir);
}
