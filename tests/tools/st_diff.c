/* st_diff A.safetensors B.safetensors TOL [PREFIX]: compare the F32 tensors
 * of two files (those whose name starts with PREFIX, default all). Prints the
 * worst absolute difference; exit 0 when every tensor of A exists in B with
 * the same shape and all differences are <= TOL. Used by the tests to compare
 * checkpoints of runs that must agree. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/safetensors.h"

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: st_diff A B TOL [PREFIX]\n");
        return 2;
    }
    char err[1024];
    lms_st_file *a = lms_st_open(argv[1], err, sizeof err);
    lms_st_file *b = a ? lms_st_open(argv[2], err, sizeof err) : NULL;
    if (!a || !b) {
        fprintf(stderr, "st_diff: %s\n", err);
        return 2;
    }
    double tol = strtod(argv[3], NULL), worst = 0.0;
    const char *prefix = argc > 4 ? argv[4] : "";
    const char *worst_name = "(none)";
    int bad = 0, compared = 0;
    for (size_t i = 0; i < lms_st_count(a); i++) {
        const lms_st_tensor *ta = lms_st_at(a, i);
        if (ta->dtype != LMS_DTYPE_F32 || strncmp(ta->name, prefix, strlen(prefix)))
            continue;
        const lms_st_tensor *tb = lms_st_find(b, ta->name);
        if (!tb || tb->numel != ta->numel || tb->dtype != LMS_DTYPE_F32) {
            fprintf(stderr, "st_diff: %s missing or different in %s\n", ta->name,
                    argv[2]);
            bad = 1;
            continue;
        }
        const float *x = ta->data, *y = tb->data;
        for (size_t j = 0; j < ta->numel; j++) {
            double d = fabs((double)x[j] - (double)y[j]);
            if (!(d <= worst)) { /* NaN counts as worst */
                worst = isnan(d) ? INFINITY : d;
                worst_name = ta->name;
            }
        }
        compared++;
    }
    printf("st_diff: %d tensors, worst |diff| %.3e in %s (tol %.1e)\n", compared,
           worst, worst_name, tol);
    lms_st_close(a);
    lms_st_close(b);
    return (bad || compared == 0 || worst > tol) ? 1 : 0;
}
