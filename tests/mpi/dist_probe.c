/* Drives lmstab's collectives (core/train/dist.c) directly under mpirun, so the
 * bounded waits can be tested with ranks that misbehave on purpose:
 *   ok     every rank sums its rank + 1 at step 5; rank 0 prints the sum
 *   late   rank 1 sleeps 60 s before the sum (the others must give up
 *          after LMSTAB_MPI_TIMEOUT, naming rank 1)
 *   split  rank 1 takes a max where rank 0 sums (same step, same count)
 *   step   rank 1 is one step ahead of rank 0
 *   count  rank 1 reduces 2 values where rank 0 reduces 1
 * Exit 0 after the collective; the failing modes never get there. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "train/dist.h"

int main(int argc, char **argv) {
    const lms_dist *d = lms_dist_init(&argc, &argv);
    const char *mode = argc > 1 ? argv[1] : "ok";
    char err[256];
    if (lms_dist_check(err, sizeof err) != 0) {
        fprintf(stderr, "dist_probe: %s\n", err);
        lms_dist_finalize();
        return 1;
    }
    int odd = d->rank == 1;
    lms_dist_set_step(!strcmp(mode, "step") && odd ? 6 : 5);
    double v[2] = {d->rank + 1.0, 0.0};
    if (!strcmp(mode, "late") && odd)
        sleep(60);
    if (!strcmp(mode, "split") && odd)
        lms_dist_max_doubles(v, 1);
    else
        lms_dist_sum_doubles(v, !strcmp(mode, "count") && odd ? 2 : 1);
    if (d->rank == 0)
        printf("sum %g over %d ranks\n", v[0], d->size);
    lms_dist_finalize();
    return 0;
}
