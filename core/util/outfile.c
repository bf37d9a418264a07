/* Whole-or-nothing output files (outfile.h). */
#include "util/outfile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/fsutil.h"

FILE *lms_out_open(lms_out *o, const char *path, char *err, size_t errlen) {
    o->f = NULL;
    if (snprintf(o->path, sizeof o->path, "%s", path) >= (int)sizeof o->path) {
        lms_errf(err, errlen, "%s: cannot write: path too long", path);
        return NULL;
    }
    snprintf(o->tmp, sizeof o->tmp, "%s.tmp.%ld", path, (long)getpid());
    if (!(o->f = fopen(o->tmp, "w")))
        lms_errf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
    return o->f;
}

int lms_out_commit(lms_out *o, char *err, size_t errlen) {
    if (!o->f)
        return 0;
    /* fflush retries what a failed write left in the buffer, so its errno
     * names the fault (ENOSPC, EFBIG, EIO); a stream that failed earlier
     * and then flushed reports its error flag */
    errno = 0;
    const int flushed = fflush(o->f) == 0;
    const int saved = errno;
    const int bad = ferror(o->f);
    const int closed = fclose(o->f) == 0;
    const int close_errno = errno;
    o->f = NULL;
    if (!flushed || bad || !closed) {
        const int e = !flushed ? saved : !closed ? close_errno : 0;
        lms_errf(err, errlen, "%s: cannot write: %s", o->path,
                 e ? strerror(e) : "write error");
        unlink(o->tmp);
        return -1;
    }
    if (rename(o->tmp, o->path) != 0) {
        lms_errf(err, errlen, "%s: cannot write: %s", o->path, strerror(errno));
        unlink(o->tmp);
        return -1;
    }
    return 0;
}

void lms_out_abort(lms_out *o) {
    if (!o->f)
        return;
    fclose(o->f);
    o->f = NULL;
    unlink(o->tmp);
}
