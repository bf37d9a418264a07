/* A file written whole or not at all: the stream writes "<path>.tmp.<pid>.<host>",
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
    int finished; /* (lms_out_commit_all: written whole, not yet renamed) */
} lms_out;

/* A writer's temporary beside path: "<path>.tmp.<pid>.<host>" (the host
 * name cut to letters, digits and '-'), so that on a filesystem that
 * machines share, lms_out_clean judges only this machine's writers. -1 when
 * it does not fit in cap. Every temporary that replaces a file by rename
 * is named by it. */
int lms_tmp_path(char *out, size_t cap, const char *path);

/* Open o for path; its stream, or NULL with "path: cannot write: reason". */
FILE *lms_out_open(lms_out *o, const char *path, char *err, size_t errlen);

/* Flush, check every write and close; then rename over the path. 0, or -1
 * with "path: cannot write: reason" (the temporary removed, path as it
 * was). 0 on an o that is not open. */
int lms_out_commit(lms_out *o, char *err, size_t errlen);

/* n files that belong together (a table and its CSVs): each is finished
 * first, and only when all are whole do they replace their paths, with
 * SIGINT, SIGTERM and SIGHUP held off meanwhile (where the command has no
 * handler of its own: held by one, then raised again): a full disk while
 * writing leaves every earlier file, a stop never a mix of two runs'
 * files. A rename that fails after others succeeded (a directory that
 * cannot grow) puts the earlier files back: each previous file is kept as
 * a hard link until the set is in place (a path that had none is
 * removed again); on a filesystem without hard links the files before the
 * fault stay new. Those not open are skipped. 0, or -1 with the first
 * file's message. */
int lms_out_commit_all(lms_out *o, size_t n, char *err, size_t errlen);

/* Close and remove the temporary; path as it was. Nothing when not open. */
void lms_out_abort(lms_out *o);

/* Remove dir's temporaries "<name>.tmp.<pid>.<host>" (and the previous
 * files lms_out_commit_all keeps, "<name>.old.tmp.<pid>.<host>") whose writer is gone:
 * written on this machine by a process that no longer exists (a command
 * killed while writing). Another machine's are left: its processes cannot
 * be seen from here. A name without a host ("<name>.tmp.<pid>", as
 * earlier versions wrote) is judged by its pid alone. names (n of them):
 * only those files' temporaries; NULL: any file's. Not recursive. How many
 * were removed. */
int lms_out_clean(const char *dir, const char *const *names, size_t n);

#endif
