/* MPI glue (see dist.h). Everything MPI lives in this file.
 *
 * No collective may wait for ever. Before each one, every rank sends every
 * other rank a notice (collective number, kind, element count, training
 * step) on a private communicator, and waits, polling, until it holds the
 * same notice from every rank. A rank that has not arrived within the
 * timeout is named; a rank that arrived at a different collective (another
 * kind, count or step: the ranks' control flow split) is named with both
 * notices. Either way the job stops (MPI_Abort) with that message, instead
 * of spinning in an allreduce for ever or combining unrelated buffers. The
 * collective itself is nonblocking and polled against the same bound. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "train/dist.h"

#ifdef LMS_HAVE_MPI
#include <mpi.h>
#endif

static lms_dist world = {0, 1, 0};
static double timeout_s = LMS_DIST_TIMEOUT_DEFAULT;
static char env_err[200]; /* a bad LMSTAB_MPI_TIMEOUT, see lms_dist_check */
static long cur_step = -1;

static int under_launcher(void) {
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") ||
           getenv("PMIX_RANK");
}

/* LMSTAB_MPI_TIMEOUT: seconds, a finite number > 0 (default otherwise). */
static void read_timeout(void) {
    const char *e = getenv("LMSTAB_MPI_TIMEOUT");
    if (!e || !*e)
        return;
    char *end;
    double t = strtod(e, &end);
    if (*end || !(t > 0) || t > 1e9)
        snprintf(env_err, sizeof env_err, "LMSTAB_MPI_TIMEOUT: must be a "
                 "number of seconds > 0 (got '%.40s')", e);
    else
        timeout_s = t;
}

#ifdef LMS_HAVE_MPI
enum { TAG_NOTICE = 77 };
enum { K_SUM_FLOATS, K_SUM_DOUBLES, K_MAX_DOUBLES, K_AGREE };
static const char *const kind_name[] = {"sum of floats", "sum of doubles",
                                        "max of doubles", "agreement"};

/* One rank's announcement of the collective it is about to enter. */
typedef struct notice {
    long long seq, kind, count, step;
} notice;

static MPI_Comm ctl = MPI_COMM_NULL; /* notices only */
static long long seq;                /* collectives entered so far */
static notice out;                   /* mine, sent to every peer */
static notice *inbox, *last;         /* per rank: being received, latest */
static MPI_Request *rreq, *sreq;     /* per rank */
static int *done_idx;                /* per rank: MPI_Testsome's output */

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Between polls: spin briefly (a peer is usually microseconds away), then
 * sleep up to 1 ms at a time so that a long wait does not burn a core. */
static void pause_poll(double waited) {
    if (waited < 2e-4)
        return;
    struct timespec ts = {0, waited < 0.01 ? 100000 : 1000000};
    nanosleep(&ts, NULL);
}

static void describe(char *buf, size_t n, const notice *x) {
    if (x->step >= 0)
        snprintf(buf, n, "collective #%lld (%s, %lld elements, step %lld)",
                 x->seq, kind_name[x->kind], x->count, x->step);
    else
        snprintf(buf, n, "collective #%lld (%s, %lld elements, before "
                 "training)", x->seq, kind_name[x->kind], x->count);
}

/* Stop the whole job with one line naming the place (MPI has no way to
 * take a single stuck rank out of a collective). */
static void die(const char *msg) {
    fprintf(stderr, "lmstab: error: MPI rank %d: %s; stopping the job\n",
            world.rank, msg);
    fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
    exit(1); /* not reached */
}

static void post_recv(int r) {
    MPI_Irecv(&inbox[r], 4, MPI_LONG_LONG, r, TAG_NOTICE, ctl, &rreq[r]);
}

/* Take in every notice that has arrived. */
static void drain(void) {
    for (;;) {
        int n = 0;
        MPI_Testsome(world.size, rreq, &n, done_idx, MPI_STATUSES_IGNORE);
        if (n == MPI_UNDEFINED || n == 0)
            return;
        for (int i = 0; i < n; i++) {
            last[done_idx[i]] = inbox[done_idx[i]];
            post_recv(done_idx[i]);
        }
    }
}

/* Announce collective (kind, count) and wait until every rank announced
 * the same one, or stop the job naming the first rank that did not. */
static void arrive(int kind, size_t count) {
    double t0 = now_s();
    int done = 0;
    while (!done) { /* the last notices went out (they are eager: at once) */
        MPI_Testall(world.size, sreq, &done, MPI_STATUSES_IGNORE);
        double waited = now_s() - t0;
        if (!done && waited > timeout_s)
            die("could not send its arrival notice (the network failed?)");
        pause_poll(waited);
    }
    out = (notice){++seq, kind, (long long)count, cur_step};
    for (int r = 0; r < world.size; r++)
        if (r != world.rank)
            MPI_Isend(&out, 4, MPI_LONG_LONG, r, TAG_NOTICE, ctl, &sreq[r]);
    for (;;) {
        drain();
        int missing = -1;
        for (int r = 0; r < world.size; r++) {
            if (r == world.rank)
                continue;
            if (last[r].seq < seq) {
                if (missing < 0)
                    missing = r;
                continue;
            }
            if (last[r].kind != out.kind || last[r].count != out.count ||
                last[r].step != out.step) {
                char a[160], b[160], msg[420];
                describe(a, sizeof a, &out);
                describe(b, sizeof b, &last[r]);
                snprintf(msg, sizeof msg, "ranks %d and %d are at different "
                         "collectives: %s vs %s", world.rank, r, a, b);
                die(msg);
            }
        }
        if (missing < 0)
            return;
        double waited = now_s() - t0;
        if (waited > timeout_s) {
            char a[160], msg[400];
            describe(a, sizeof a, &out);
            snprintf(msg, sizeof msg, "rank %d did not reach %s within %g s "
                     "(LMSTAB_MPI_TIMEOUT; its last was #%lld)", missing, a,
                     timeout_s, last[missing].seq);
            die(msg);
        }
        pause_poll(waited);
    }
}

/* Every rank arrived but the collective did not complete: a rank stopped
 * or died inside it. Name the ranks that have not announced the next one
 * (a rank past it would have); with two ranks, that is the stuck one. */
static void stuck_inside(void) {
    char a[160], who[200] = "", msg[500];
    describe(a, sizeof a, &out);
    size_t k = 0;
    for (int r = 0; r < world.size && k < sizeof who - 16; r++)
        if (r != world.rank && last[r].seq <= out.seq)
            k += (size_t)snprintf(who + k, sizeof who - k, "%s%d",
                                  k ? ", " : "", r);
    snprintf(msg, sizeof msg, "%s did not complete within %g s although "
             "every rank arrived (LMSTAB_MPI_TIMEOUT); not past it: rank%s %s "
             "(stopped or died inside it?)", a, timeout_s,
             strchr(who, ',') ? "s" : "", who[0] ? who : "?");
    die(msg);
}

/* Wait for a collective every rank has entered, against the same bound. */
static void finish(MPI_Request *req) {
    double t0 = now_s();
    int done = 0;
    for (;;) {
        MPI_Test(req, &done, MPI_STATUS_IGNORE);
        if (done)
            return;
        double waited = now_s() - t0;
        if (waited > timeout_s)
            stuck_inside();
        drain(); /* a peer already past it may announce its next one */
        pause_poll(waited);
    }
}

/* MPI counts are ints: split huge buffers. */
#define CHUNK ((size_t)INT_MAX / 2)

static void allreduce(void *buf, size_t n, MPI_Datatype t, size_t elsize,
                      MPI_Op op, int kind) {
    arrive(kind, n);
    for (size_t off = 0; off < n; off += CHUNK) {
        size_t len = n - off < CHUNK ? n - off : CHUNK;
        MPI_Request req;
        MPI_Iallreduce(MPI_IN_PLACE, (char *)buf + off * elsize, (int)len, t,
                       op, MPI_COMM_WORLD, &req);
        finish(&req);
    }
}
#endif

const lms_dist *lms_dist_init(int *argc, char ***argv) {
    read_timeout();
#ifdef LMS_HAVE_MPI
    if (!world.active && under_launcher()) {
        MPI_Init(argc, argv);
        /* a failed rank takes the job down instead of hanging the others */
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
        MPI_Comm_rank(MPI_COMM_WORLD, &world.rank);
        MPI_Comm_size(MPI_COMM_WORLD, &world.size);
        MPI_Comm_dup(MPI_COMM_WORLD, &ctl);
        size_t n = (size_t)world.size;
        inbox = calloc(n, sizeof *inbox);
        last = calloc(n, sizeof *last);
        rreq = malloc(n * sizeof *rreq);
        sreq = malloc(n * sizeof *sreq);
        done_idx = malloc(n * sizeof *done_idx);
        if (!inbox || !last || !rreq || !sreq || !done_idx)
            die("out of memory");
        for (int r = 0; r < world.size; r++) {
            sreq[r] = rreq[r] = MPI_REQUEST_NULL;
            if (r != world.rank)
                post_recv(r);
        }
        world.active = 1;
    }
#else
    (void)argc;
    (void)argv;
    (void)under_launcher;
#endif
    return &world;
}

const lms_dist *lms_dist_world(void) { return &world; }

int lms_dist_check(char *err, size_t errlen) {
    if (!env_err[0])
        return 0;
    snprintf(err, errlen, "%s", env_err);
    return -1;
}

double lms_dist_timeout(void) { return timeout_s; }

void lms_dist_abort(const char *msg) {
#ifdef LMS_HAVE_MPI
    die(msg);
#else
    fprintf(stderr, "lmstab: error: %s\n", msg);
    exit(1);
#endif
}

void lms_dist_set_step(long step) { cur_step = step; }

void lms_dist_finalize(void) {
#ifdef LMS_HAVE_MPI
    if (world.active) {
        for (int r = 0; r < world.size; r++)
            if (rreq[r] != MPI_REQUEST_NULL) {
                MPI_Cancel(&rreq[r]);
                MPI_Wait(&rreq[r], MPI_STATUS_IGNORE);
            }
        /* every notice was taken by its peer in its own arrive(); a peer
         * that stopped early may leave one pending: do not wait for ever */
        double t0 = now_s();
        int done = 0;
        while (!done && now_s() - t0 < timeout_s)
            MPI_Testall(world.size, sreq, &done, MPI_STATUSES_IGNORE);
        for (int r = 0; !done && r < world.size; r++)
            if (sreq[r] != MPI_REQUEST_NULL)
                MPI_Cancel(&sreq[r]);
        MPI_Comm_free(&ctl);
        free(inbox);
        free(last);
        free(rreq);
        free(sreq);
        free(done_idx);
        MPI_Finalize();
        world.active = 0;
    }
#endif
}

void lms_dist_sum_floats(float *buf, size_t n) {
#ifdef LMS_HAVE_MPI
    if (world.active && world.size > 1)
        allreduce(buf, n, MPI_FLOAT, sizeof *buf, MPI_SUM, K_SUM_FLOATS);
#else
    (void)buf;
    (void)n;
#endif
}

void lms_dist_sum_doubles(double *buf, size_t n) {
#ifdef LMS_HAVE_MPI
    if (world.active && world.size > 1)
        allreduce(buf, n, MPI_DOUBLE, sizeof *buf, MPI_SUM, K_SUM_DOUBLES);
#else
    (void)buf;
    (void)n;
#endif
}

void lms_dist_max_doubles(double *buf, size_t n) {
#ifdef LMS_HAVE_MPI
    if (world.active && world.size > 1)
        allreduce(buf, n, MPI_DOUBLE, sizeof *buf, MPI_MAX, K_MAX_DOUBLES);
#else
    (void)buf;
    (void)n;
#endif
}

int lms_dist_agree(int status, unsigned long long hash, int *bad_rank,
                   unsigned long long *hash0, unsigned long long *bad_hash) {
    *bad_rank = world.rank;
    *hash0 = *bad_hash = hash;
#ifdef LMS_HAVE_MPI
    if (world.active && world.size > 1) {
        unsigned long long mine[2] = {(unsigned long long)(status != 0), hash};
        unsigned long long *all = malloc(sizeof mine * (size_t)world.size);
        if (!all)
            die("out of memory"); /* cannot agree: stop the job */
        arrive(K_AGREE, 2);
        MPI_Request req;
        MPI_Iallgather(mine, 2, MPI_UNSIGNED_LONG_LONG, all, 2,
                       MPI_UNSIGNED_LONG_LONG, MPI_COMM_WORLD, &req);
        finish(&req);
        int rc = 0;
        for (int r = 0; r < world.size && !rc; r++)
            if (all[2 * r]) {
                *bad_rank = r;
                rc = 1;
            }
        for (int r = 1; r < world.size && !rc; r++)
            if (all[2 * r + 1] != all[1]) {
                *bad_rank = r;
                *hash0 = all[1];
                *bad_hash = all[2 * r + 1];
                rc = 2;
            }
        free(all);
        return rc;
    }
#endif
    return status != 0;
}

double lms_dist_mean(double v) {
    lms_dist_sum_doubles(&v, 1);
    return v / world.size;
}

const char *lms_dist_feature(void) {
#ifdef LMS_HAVE_MPI
    static char buf[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    MPI_Get_library_version(buf, &len);
    char *nl = strpbrk(buf, ",\n");
    if (nl)
        *nl = '\0';
    return buf;
#else
    return "no";
#endif
}
