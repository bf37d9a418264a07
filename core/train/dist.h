/*
 * Data-parallel and multi-process support on MPI (Open MPI). Optional: a
 * build without MPI has one rank and every call is a no-op. MPI is only
 * initialised when the process was started by an MPI launcher (mpirun sets
 * OMPI_COMM_WORLD_SIZE / PMI_SIZE), so a plain `lmstab train` never touches
 * MPI even in an MPI build.
 */
#ifndef LMSTAB_DIST_H
#define LMSTAB_DIST_H

#include <stddef.h>

typedef struct lms_dist {
    int rank, size;
    int active; /* MPI initialised by us */
} lms_dist;

/* Initialise from the launcher environment; returns the world (size 1 when
 * not under an MPI launcher or without MPI support). Reads
 * LMSTAB_MPI_TIMEOUT (seconds, default LMS_DIST_TIMEOUT_DEFAULT). */
const lms_dist *lms_dist_init(int *argc, char ***argv);
const lms_dist *lms_dist_world(void);
void lms_dist_finalize(void);
/* -1 and a message when LMSTAB_MPI_TIMEOUT is set but not a number of
 * seconds > 0 (lms_dist_init cannot report it), else 0. */
int lms_dist_check(char *err, size_t errlen);

/* Bounded waits. Every collective below first exchanges an arrival notice
 * (its number, kind, element count and the training step set here) with
 * every rank, then runs nonblocking and is polled. A rank that does not
 * arrive within the timeout, or arrives at a different collective (its
 * control flow split from ours), stops the whole job (MPI_Abort) with one
 * line naming that rank and both collectives: never a hang or a silent
 * mix of unrelated buffers. */
#define LMS_DIST_TIMEOUT_DEFAULT 300.0 /* s: a checkpoint write fits */
double lms_dist_timeout(void);
/* Stops the whole job (MPI_Abort) after one line "lmstab: error: MPI rank
 * R: <msg>; stopping the job" on stderr: for a rank that a coordinator
 * has stopped hearing from (no MPI call can take it out of the job). */
void lms_dist_abort(const char *msg);
/* The training step the next collectives belong to (-1: before training). */
void lms_dist_set_step(long step);

/* In-place sums over ranks (no-ops with one rank). */
void lms_dist_sum_floats(float *buf, size_t n);
void lms_dist_sum_doubles(double *buf, size_t n);
void lms_dist_max_doubles(double *buf, size_t n);
/* Collective check that every rank may go on: each passes its status (0 =
 * ok) and a hash of what must be the same on every rank. 0 when all are ok
 * and agree; 1 and *bad_rank = the lowest rank whose status is not 0; 2 and
 * *bad_rank = the lowest rank whose hash differs from rank 0's (then
 * *hash0 and *bad_hash are the two hashes). With one rank: status != 0. */
int lms_dist_agree(int status, unsigned long long hash, int *bad_rank,
                   unsigned long long *hash0, unsigned long long *bad_hash);
/* Mean over ranks of one value (the value itself with one rank). */
double lms_dist_mean(double v);

/* "Open MPI 4.1.4" style description, or "no" when built without MPI. */
const char *lms_dist_feature(void);

#endif
