/*
 * Zeroed float arenas for the model's large buffers (parameters, gradients,
 * AdamW moments, activations). Buffers of 2 MiB or more are 2 MiB-aligned
 * and advised as transparent huge pages: the sgemm packing and the row
 * loops stride through hundreds of MiB, and 4 KiB pages cost TLB misses
 * there. Where the kernel declines the advice this is plain memory.
 */
#ifndef LMSTAB_CORE_BIGALLOC_H
#define LMSTAB_CORE_BIGALLOC_H

#include <stddef.h>

/* n zeroed floats (n may be 0); NULL when out of memory. Free with
 * lms_big_free. */
float *lms_big_floats(size_t n);
void lms_big_free(float *p);

#endif
