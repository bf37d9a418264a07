/* Huge-page-friendly zeroed arenas (bigalloc.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kernels/bigalloc.h"
#include "kernels/parallel.h"

#define HUGE_PAGE ((size_t)2 << 20)

float *lms_big_floats(size_t n) {
    if (n > (SIZE_MAX - HUGE_PAGE) / sizeof(float))
        return NULL; /* the byte count would wrap */
    size_t bytes = (n ? n : 1) * sizeof(float);
    if (bytes < HUGE_PAGE)
        return calloc(n ? n : 1, sizeof(float));
    size_t rounded = (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    void *p = NULL;
    if (posix_memalign(&p, HUGE_PAGE, rounded) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    (void)madvise(p, rounded, MADV_HUGEPAGE); /* advice only */
#endif
    memset(p, 0, rounded);
    return p;
}

void lms_big_free(float *p) {
    free(p);
}
