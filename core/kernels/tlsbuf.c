/* Per-thread scratch buffers (tlsbuf.h), under a pthread key whose
 * destructor frees them: plain thread-local pointers leaked when OpenMP
 * ended a surplus thread (LeakSanitizer found 1.1 MB over test_gemm). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernels/tlsbuf.h"

typedef struct tbufs {
    float *p[LMS_TLS_SLOTS];
    size_t cap[LMS_TLS_SLOTS]; /* floats */
} tbufs;

static pthread_key_t g_key;
static pthread_once_t g_key_once = PTHREAD_ONCE_INIT;

static void tbufs_free(void *v) {
    tbufs *t = v;
    for (int i = 0; i < LMS_TLS_SLOTS; i++)
        free(t->p[i]);
    free(t);
}

static void key_init(void) {
    if (pthread_key_create(&g_key, tbufs_free) != 0) {
        fprintf(stderr, "lmstab: no thread-specific key for scratch buffers\n");
        abort();
    }
}

static void out_of_memory(size_t bytes) {
    fprintf(stderr, "lmstab: out of memory for a %zu-byte scratch buffer of "
            "a matrix product\n", bytes);
    abort();
}

float *lms_tls_floats(int slot, size_t floats) {
    pthread_once(&g_key_once, key_init);
    tbufs *t = pthread_getspecific(g_key);
    if (!t) {
        if (!(t = calloc(1, sizeof *t)) || pthread_setspecific(g_key, t) != 0)
            out_of_memory(sizeof *t);
    }
    if (t->cap[slot] < floats) {
        free(t->p[slot]);
        size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
        t->p[slot] = aligned_alloc(64, bytes);
        t->cap[slot] = t->p[slot] ? floats : 0;
        if (!t->p[slot])
            out_of_memory(bytes);
    }
    return t->p[slot];
}
