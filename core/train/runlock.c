/* One writer per run directory: an flock on DIR/.lock held by the train
 * process for its lifetime (the kernel drops it when the process dies,
 * even by kill -9, so a lock is never stale); the file holds the holder's
 * pid for the message. Also the cleanup of temporaries that a killed
 * writer left behind. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "train/checkpoint.h"
#include "train/runlock.h"
#include "util/outfile.h"

/* The holder's pid as written in the lock file, or 0. */
static long holder(int fd) {
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    return strtol(buf, NULL, 10);
}

int lms_runlock_acquire(const char *dir, char *err, size_t errlen) {
    char path[4200];
    snprintf(path, sizeof path, "%s/" LMS_RUNLOCK_FILE, dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        long pid = holder(fd);
        if (e == EWOULDBLOCK)
            snprintf(err, errlen, "%s: this run directory is in use by "
                     "process %ld (another lmstab train writes there; wait "
                     "for it or stop it)", dir, pid);
        else
            snprintf(err, errlen, "%s: cannot lock: %s", path, strerror(e));
        close(fd);
        return -1;
    }
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)n, 0) != n) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int lms_runlock_check(const char *dir, char *err, size_t errlen) {
    char path[4200];
    snprintf(path, sizeof path, "%s/" LMS_RUNLOCK_FILE, dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return 0; /* no lock file: nobody ever ran there */
    int rc = 0;
    if (flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
        snprintf(err, errlen, "%s: this run directory is in use by process "
                 "%ld (a run of an earlier sweep still going?)", dir,
                 holder(fd));
        rc = -1;
    }
    close(fd); /* drops the shared lock if taken */
    return rc;
}

void lms_runlock_release(int fd) {
    if (fd >= 0)
        close(fd);
}

int lms_runlock_clean_temps(const char *dir) {
    static const char *const ours[] = {LMS_CKPT_FILE, LMS_WEIGHTS_FILE,
                                       "summary.json", "metrics.csv"};
    return lms_out_clean(dir, ours, sizeof ours / sizeof ours[0]);
}
