/* A test shim (LD_PRELOAD): a process about to execv (a sweep's child,
 * between its fork and the exec of its run) sends SIGINT to its parent
 * (the sweep) and waits a second, so that the sweep passes the stop on to
 * it before the run has its own handlers: the window in which a stop used
 * to be caught by the sweep's handler copied into the child, and lost.
 * Once per process tree: the variable is cleared before the exec. Set
 * STOP_BEFORE_EXEC=1 to arm it. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int execv(const char *path, char *const argv[]) {
    static int (*next)(const char *, char *const[]);
    if (!next)
        next = (int (*)(const char *, char *const[]))dlsym(RTLD_NEXT, "execv");
    const char *armed = getenv("STOP_BEFORE_EXEC");
    if (armed && *armed == '1') {
        unsetenv("STOP_BEFORE_EXEC");
        kill(getppid(), SIGINT);
        struct timespec ts = {1, 0};
        while (nanosleep(&ts, &ts) != 0) /* a caught signal cuts it short */
            ;
    }
    return next(path, argv);
}
