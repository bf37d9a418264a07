/* Whole-or-nothing output files (outfile.h). */
#include "util/outfile.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fsutil.h"

/* This machine's name as temporaries carry it: letters, digits and '-'
 * (a dot would end it), at most 40 of them; "host" when it has none. */
static void host_tag(char *out, size_t cap) {
    char h[256] = "";
    if (gethostname(h, sizeof h - 1) != 0)
        h[0] = '\0';
    size_t n = 0;
    for (const char *p = h; *p && n + 1 < cap && n < 40; p++)
        out[n++] = isalnum((unsigned char)*p) || *p == '-' ? *p : '-';
    out[n] = '\0';
    if (!n)
        snprintf(out, cap, "host");
}

int lms_tmp_path(char *out, size_t cap, const char *path) {
    char host[48];
    host_tag(host, sizeof host);
    const int n = snprintf(out, cap, "%s.tmp.%ld.%s", path, (long)getpid(),
                           host);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

FILE *lms_out_open(lms_out *o, const char *path, char *err, size_t errlen) {
    o->f = NULL;
    if (snprintf(o->path, sizeof o->path, "%s", path) >= (int)sizeof o->path ||
        lms_tmp_path(o->tmp, sizeof o->tmp, path) != 0) {
        lms_errf(err, errlen, "%s: cannot write: path too long", path);
        return NULL;
    }
    if (!(o->f = fopen(o->tmp, "w")))
        lms_errf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
    return o->f;
}

/* Flush, check every write and close o's stream; the temporary stays for
 * the rename. 0, or -1 with the message (the temporary removed). */
static int finish(lms_out *o, char *err, size_t errlen) {
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
    return 0;
}

static int replace(lms_out *o, char *err, size_t errlen) {
    if (rename(o->tmp, o->path) == 0)
        return 0;
    lms_errf(err, errlen, "%s: cannot write: %s", o->path, strerror(errno));
    unlink(o->tmp);
    return -1;
}

int lms_out_commit(lms_out *o, char *err, size_t errlen) {
    if (!o->f)
        return 0;
    return finish(o, err, errlen) != 0 ? -1 : replace(o, err, errlen);
}

/* The previous file at path kept for a rollback while a set is renamed:
 * "<path>.old.tmp.<pid>.<host>" (lms_out_clean takes it for path's). */
static int backup_path(char *out, size_t cap, const char *path) {
    char old[4200];
    if (snprintf(old, sizeof old, "%s.old", path) >= (int)sizeof old)
        return -1;
    return lms_tmp_path(out, cap, old);
}

enum { KEPT_NONE, KEPT_LINK, KEPT_ABSENT };

/* Keep o's previous file (a hard link beside it) before its rename: how,
 * KEPT_NONE where the filesystem has no hard links (or a name too long):
 * that file then stays new if a later rename fails. */
static int keep_previous(const lms_out *o, char *bak, size_t cap) {
    if (backup_path(bak, cap, o->path) != 0)
        return KEPT_NONE;
    unlink(bak); /* (a stale one of a reused pid) */
    if (link(o->path, bak) == 0)
        return KEPT_LINK;
    return errno == ENOENT ? KEPT_ABSENT : KEPT_NONE;
}

static volatile sig_atomic_t g_held; /* a stop held during renames */
static void on_held(int sig) { g_held = sig; }

int lms_out_commit_all(lms_out *o, size_t n, char *err, size_t errlen) {
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        o[i].finished = 0;
        if (o[i].f && rc == 0)
            o[i].finished = (rc = finish(&o[i], err, errlen)) == 0;
    }
    /* a stop (SIGINT, SIGTERM, SIGHUP) waits until every file is in
     * place, so that it does not leave files from two runs of a command:
     * where it would end the process (no handler of the command's own), a
     * handler holds it for the renames, whichever thread takes it, and it
     * is raised again after them */
    static const int sigs[3] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction hold, old[3];
    memset(&hold, 0, sizeof hold);
    hold.sa_handler = on_held;
    sigemptyset(&hold.sa_mask);
    int held[3] = {0, 0, 0};
    g_held = 0;
    for (int k = 0; k < 3; k++)
        if (sigaction(sigs[k], NULL, &old[k]) == 0 &&
            old[k].sa_handler == SIG_DFL)
            held[k] = sigaction(sigs[k], &hold, NULL) == 0;
    /* each previous file is kept until every rename is done, so that a
     * rename that fails after others succeeded (a directory that cannot
     * grow, a path that became a directory) puts the earlier ones back */
    char (*bak)[4200] = rc == 0 ? malloc(sizeof *bak * (n + 1)) : NULL;
    int *kept = rc == 0 ? calloc(n + 1, sizeof *kept) : NULL;
    size_t renamed = 0;
    for (size_t i = 0; i < n; i++) {
        if (o[i].finished && rc == 0) {
            if (bak && kept)
                kept[i] = keep_previous(&o[i], bak[i], sizeof bak[i]);
            rc = replace(&o[i], err, errlen);
            renamed = rc == 0 ? i + 1 : renamed;
        } else if (o[i].finished) /* none replaces its file after a fault */
            unlink(o[i].tmp);
        o[i].finished = 0;
        lms_out_abort(&o[i]); /* those not reached after a fault */
    }
    /* (the renames stop at the first that fails: those before it in the
     * set that were tried succeeded) */
    for (size_t i = 0; bak && kept && i < n; i++) {
        if (rc != 0 && i < renamed && kept[i] == KEPT_LINK)
            rename(bak[i], o[i].path);
        else if (rc != 0 && i < renamed && kept[i] == KEPT_ABSENT)
            unlink(o[i].path);
        if (kept[i] == KEPT_LINK)
            unlink(bak[i]); /* (gone after a rollback) */
    }
    free(bak);
    free(kept);
    for (int k = 0; k < 3; k++)
        if (held[k])
            sigaction(sigs[k], &old[k], NULL);
    if (g_held)
        raise(g_held);
    return rc;
}

void lms_out_abort(lms_out *o) {
    if (!o->f)
        return;
    fclose(o->f);
    o->f = NULL;
    unlink(o->tmp);
}

/* "<name>[.old].tmp.<pid>[.<host>]" (name one of names, or any with names
 * NULL) -> pid, and host (empty without one); else 0 */
static long tmp_pid(const char *entry, const char *const *names, size_t n,
                    char *host, size_t cap) {
    const char *t = strstr(entry, ".tmp.");
    if (!t || t == entry)
        return 0;
    while (strstr(t + 1, ".tmp.")) /* the last one: names may hold it */
        t = strstr(t + 1, ".tmp.");
    if (names) { /* names[i], or its previous file kept by commit_all */
        size_t len = (size_t)(t - entry), i = 0;
        if (len > 4 && !strncmp(entry + len - 4, ".old", 4))
            len -= 4;
        while (i < n && (strlen(names[i]) != len ||
                         strncmp(entry, names[i], len) != 0))
            i++;
        if (i == n)
            return 0;
    }
    char *end;
    long pid = strtol(t + 5, &end, 10);
    if (end == t + 5 || pid <= 0 || !isdigit((unsigned char)t[5]))
        return 0;
    if (*end == '\0')
        host[0] = '\0';
    else if (*end == '.' && end[1] && !strchr(end + 1, '.'))
        snprintf(host, cap, "%s", end + 1);
    else
        return 0;
    return pid;
}

int lms_out_clean(const char *dir, const char *const *names, size_t n) {
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    char here[48];
    host_tag(here, sizeof here);
    int removed = 0;
    struct dirent *e;
    char path[4400], host[256];
    while ((e = readdir(d))) {
        const long pid = tmp_pid(e->d_name, names, n, host, sizeof host);
        if (!pid || (host[0] && strcmp(host, here)))
            continue; /* not a temporary, or another machine's */
        if (pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue; /* its writer may be alive */
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        removed += unlink(path) == 0;
    }
    closedir(d);
    return removed;
}
