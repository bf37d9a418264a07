/* A test shim (LD_PRELOAD): the process sends itself a signal right after
 * its Nth rename(2), so that a test can stop a command at an exact point of
 * its work, e.g. between two of the files a sweep copies (atomic writes end
 * with a rename). SIGNAL_ON_RENAME_AFTER=N (default 1) and
 * SIGNAL_ON_RENAME_SIG (default 2, SIGINT). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

int rename(const char *from, const char *to) {
    static int (*next)(const char *, const char *);
    static int calls;
    if (!next)
        next = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    const int rc = next(from, to);
    const char *after = getenv("SIGNAL_ON_RENAME_AFTER");
    const char *sig = getenv("SIGNAL_ON_RENAME_SIG");
    if (++calls == (after ? atoi(after) : 1))
        raise(sig ? atoi(sig) : SIGINT);
    return rc;
}
