/* MPI glue (see dist.h). Everything MPI lives in this file. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lmstab/dist.h"

#ifdef LMS_HAVE_MPI
#include <mpi.h>
#endif

static lms_dist world = {0, 1, 0};

static int under_launcher(void) {
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") ||
           getenv("PMIX_RANK");
}

const lms_dist *lms_dist_init(int *argc, char ***argv) {
#ifdef LMS_HAVE_MPI
    if (!world.active && under_launcher()) {
        MPI_Init(argc, argv);
        /* a failed rank takes the job down instead of hanging the others */
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
        MPI_Comm_rank(MPI_COMM_WORLD, &world.rank);
        MPI_Comm_size(MPI_COMM_WORLD, &world.size);
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

void lms_dist_finalize(void) {
#ifdef LMS_HAVE_MPI
    if (world.active) {
        MPI_Finalize();
        world.active = 0;
    }
#endif
}

#ifdef LMS_HAVE_MPI
/* MPI counts are ints: split huge buffers. */
#define CHUNK ((size_t)INT_MAX / 2)
#endif

void lms_dist_sum_floats(float *buf, size_t n) {
#ifdef LMS_HAVE_MPI
    if (!world.active || world.size == 1)
        return;
    for (size_t off = 0; off < n; off += CHUNK) {
        size_t len = n - off < CHUNK ? n - off : CHUNK;
        MPI_Allreduce(MPI_IN_PLACE, buf + off, (int)len, MPI_FLOAT, MPI_SUM,
                      MPI_COMM_WORLD);
    }
#else
    (void)buf;
    (void)n;
#endif
}

void lms_dist_sum_doubles(double *buf, size_t n) {
#ifdef LMS_HAVE_MPI
    if (world.active && world.size > 1)
        MPI_Allreduce(MPI_IN_PLACE, buf, (int)n, MPI_DOUBLE, MPI_SUM,
                      MPI_COMM_WORLD);
#else
    (void)buf;
    (void)n;
#endif
}

void lms_dist_max_doubles(double *buf, size_t n) {
#ifdef LMS_HAVE_MPI
    if (world.active && world.size > 1)
        MPI_Allreduce(MPI_IN_PLACE, buf, (int)n, MPI_DOUBLE, MPI_MAX,
                      MPI_COMM_WORLD);
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
            MPI_Abort(MPI_COMM_WORLD, 1); /* cannot agree: stop the job */
        MPI_Allgather(mine, 2, MPI_UNSIGNED_LONG_LONG, all, 2,
                      MPI_UNSIGNED_LONG_LONG, MPI_COMM_WORLD);
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
