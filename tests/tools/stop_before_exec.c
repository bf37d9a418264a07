/* A test shim (LD_PRELOAD): a process about to execv (a sweep's child,
 * between its fork and the exec of its run) sends SIGINT to its parent
 * (the sweep) and waits a second, so that the sweep passes the stop on to
 * it before the run has its own handlers: the window in which a stop used
 * to be caught by the sweep's handler copied into the child, and lost.
 * Once: STOP_BEFORE_EXEC=FILE arms it, and the first process to create
 * FILE (O_EXCL) acts; the sweep keeps the variable for its later runs,
 * which find FILE there. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int execv(const char *path, char *const argv[]) {
    static int (*next)(const char *, char *const[]);
    if (!next)
        next = (int (*)(const char *, char *const[]))dlsym(RTLD_NEXT, "execv");
    const char *mark = getenv("STOP_BEFORE_EXEC");
    const int fd = mark && *mark ? open(mark, O_WRONLY | O_CREAT | O_EXCL, 0600)
                                 : -1;
    if (fd >= 0) {
        close(fd);
        kill(getppid(), SIGINT);
        struct timespec ts = {1, 0};
        while (nanosleep(&ts, &ts) != 0) /* a caught signal cuts it short */
            ;
    }
    return next(path, argv);
}
