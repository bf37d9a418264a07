/* The `onednn` backend of lms_sgemm (gemm_onednn.h): one slab of lms_sgemm's
 * fixed split as one dnnl_sgemm call on one thread. oneDNN (Debian's
 * libdnnl, OpenMP runtime) would otherwise thread a call over
 * omp_get_max_threads(), which lms_set_threads sets, and so split its
 * sums by the thread count; inside an inactive (1-thread) team it would
 * still start its own. So the calling task's thread setting is 1 for the
 * call and restored after: every element comes from the same kernel call
 * whatever the thread count (as OpenBLAS, held at 1 thread in host.c).
 * Optional: without oneDNN at build time the backend reports itself
 * absent. There is no bf16 GEMM in oneDNN 2.x's C API (only int8 ones),
 * so at bf16 the emulation runs this on pre-rounded operands. */
#include <stdio.h>
#include <stdlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "kernels/gemm_onednn.h"

#ifdef LMS_HAVE_ONEDNN
#include <oneapi/dnnl/dnnl.h>
#endif

int lms_onednn_available(void) {
#ifdef LMS_HAVE_ONEDNN
    return 1;
#else
    return 0;
#endif
}

const char *lms_onednn_version(void) {
#ifdef LMS_HAVE_ONEDNN
    static char v[32];
    const dnnl_version_t *d = dnnl_version();
    snprintf(v, sizeof v, "%d.%d.%d", d->major, d->minor, d->patch);
    return v;
#else
    return NULL;
#endif
}

const char *lms_onednn_isa(void) {
#ifdef LMS_HAVE_ONEDNN
    /* the widest instruction set its JIT kernels use here (capped by
     * ONEDNN_MAX_CPU_ISA), and whether it was told to prefer ymm registers:
     * either changes its kernels, and so the rounding */
    const int ymm = dnnl_get_cpu_isa_hints() == dnnl_cpu_isa_prefer_ymm;
    switch (dnnl_get_effective_cpu_isa()) {
    case dnnl_cpu_isa_sse41: return "sse41";
    case dnnl_cpu_isa_avx: return "avx";
    case dnnl_cpu_isa_avx2: return "avx2";
    case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni";
    case dnnl_cpu_isa_avx512_core: return ymm ? "avx512_core+ymm" : "avx512_core";
    case dnnl_cpu_isa_avx512_core_vnni:
        return ymm ? "avx512_core_vnni+ymm" : "avx512_core_vnni";
    case dnnl_cpu_isa_avx512_core_bf16:
        return ymm ? "avx512_core_bf16+ymm" : "avx512_core_bf16";
    case dnnl_cpu_isa_avx512_core_amx:
        return ymm ? "avx512_core_amx+ymm" : "avx512_core_amx";
    default: { /* (a later oneDNN's: named by its number) */
        static char v[32];
        snprintf(v, sizeof v, "isa_0x%x%s", (unsigned)dnnl_get_effective_cpu_isa(),
                 ymm ? "+ymm" : "");
        return v;
    }
    }
#else
    return NULL;
#endif
}

void lms_onednn_sgemm(int ta, int tb, int m, int n, int k, float alpha,
                      const float *a, int lda, const float *b, int ldb,
                      float beta, float *c, int ldc) {
#ifdef LMS_HAVE_ONEDNN
#ifdef _OPENMP
    const int saved = omp_get_max_threads();
    omp_set_num_threads(1);
#endif
    const dnnl_status_t st = dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n,
                                        k, alpha, a, lda, b, ldb, beta, c, ldc);
#ifdef _OPENMP
    omp_set_num_threads(saved);
#endif
    /* no error path here (as lms_tls_floats): a product that was not
     * computed must not pass for one */
    if (st != dnnl_success) {
        fprintf(stderr, "lmstab: dnnl_sgemm %dx%dx%d failed (status %d)\n", m,
                n, k, (int)st);
        abort();
    }
#else
    (void)ta, (void)tb, (void)m, (void)n, (void)k, (void)alpha, (void)a;
    (void)lda, (void)b, (void)ldb, (void)beta, (void)c, (void)ldc;
#endif
}
