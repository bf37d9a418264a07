/* A file written whole or not at all: the stream writes "<path>.tmp.<pid>",
 * which replaces path only when every write, the flush and the close
 * succeeded. A full disk or a killed process leaves the previous file (or
 * none), never a truncated one that reads as complete. For derived files
 * (reports, CSVs, figure data) that the same command rebuilds: renamed, not
 * fsynced (lms_write_atomic is for the files a run cannot lose). */
#ifndef LMSTAB_OUTFILE_H
#define LMSTAB_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

typedef struct lms_out {
    FILE *f; /* NULL when not open */
    char path[4096];
    char tmp[4128];
} lms_out;

/* Open o for path; its stream, or NULL with "path: cannot write: reason". */
FILE *lms_out_open(lms_out *o, const char *path, char *err, size_t errlen);

/* Flush, check every write and close; then rename over the path. 0, or -1
 * with "path: cannot write: reason" (the temporary removed, path as it
 * was). 0 on an o that is not open. */
int lms_out_commit(lms_out *o, char *err, size_t errlen);

/* Close and remove the temporary; path as it was. Nothing when not open. */
void lms_out_abort(lms_out *o);

/* Remove dir's temporaries "<name>.tmp.<pid>" whose writer is gone (no such
 * process on this machine: a command killed while writing). names (n of
 * them): only those files' temporaries; NULL: any file's. Not recursive.
 * How many were removed. */
int lms_out_clean(const char *dir, const char *const *names, size_t n);

#endif
