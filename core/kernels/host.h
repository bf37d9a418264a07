/*
 * The core's numeric services (core/engine/host.c): the thread count of the
 * numeric work and the sgemm behind the plugins' host table (the table
 * itself: lms_host_default in loader.h).
 */
#ifndef LMSTAB_HOST_H
#define LMSTAB_HOST_H

#include <stddef.h>

#include "lmstab/plugin.h" /* lms_precision */

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Threads for the numeric work (core/engine/host.c). With OpenMP (LMS_OPENMP, the
 * default build) n threads run the plugins' parallel loops (attention over
 * batch x heads, row-wise norms and activations) and the slabs of
 * lms_sgemm. OpenBLAS always runs on one thread inside lmstab (its own
 * split picks kernels by size, so it would make results depend on n).
 * Default 1, or $LMSTAB_THREADS. Without OpenMP everything is serial.
 * n < 1 counts as 1. Results never depend on n: the core's loops reduce
 * over fixed chunks, and lms_sgemm cuts products by shape alone.
 */
void lms_set_threads(int n);
int lms_get_threads(void);

/* CPUs this process may run on (its affinity mask, as taskset or a batch
 * scheduler sets it; not the machine's count); at least 1. */
int lms_cpus_allowed(void);
/* The thread count of a run: flag (--threads) if > 0, else key
 * ([training] threads) if > 0, else $LMSTAB_THREADS if a number in
 * [1, 1024], else lms_cpus_allowed(). */
int lms_threads_choice(long flag, long key);

/* Row-major sgemm (the host table's sgemm): C = alpha op(A) op(B) + beta C
 * on the backend of lms_sgemm_set_backend: OpenBLAS cut into the slabs of
 * lms_sgemm_slabs, which run on the threads, or lms_gemm on all threads. */
void lms_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha,
               const float *a, int lda, const float *b, int ldb, float beta,
               float *c, int ldc);

/*
 * Which sgemm lms_sgemm runs (core/engine/host.c; [training] gemm):
 *   OPENBLAS  cblas_sgemm on the fixed slabs of lms_sgemm_slabs (default)
 *   LMSTAB    lmstab's own kernels (core/kernels/gemm.h), split over all threads
 *   AUTO      a setting only: resolved once by lms_gemm_auto, never by
 *             timing, so a run's numbers never depend on machine noise
 *   ONEDNN    dnnl_sgemm (oneDNN, optional at build time) on the same
 *             fixed slabs, each call on one thread (core/kernels/gemm_onednn.c);
 *             selecting it where the build has none selects OPENBLAS
 * The backends round differently: a run's numbers depend on which ran
 * (recorded in summary.json and checkpoints), never on the thread count.
 */
typedef enum lms_gemm_backend {
    LMS_GEMM_OPENBLAS = 0,
    LMS_GEMM_LMSTAB = 1,
    LMS_GEMM_AUTO = 2,
    LMS_GEMM_ONEDNN = 3
} lms_gemm_backend;

/* Selects the backend of the next lms_sgemm calls (AUTO is resolved here
 * by lms_gemm_auto). Not thread-safe: call it between steps. */
void lms_sgemm_set_backend(lms_gemm_backend b);
/* The backend in use (never AUTO). */
lms_gemm_backend lms_sgemm_get_backend(void);

/* The rule behind AUTO (core/kernels/gemm_backend.c): LMSTAB when lmstab's widest
 * kernel is AVX-512 and OpenBLAS runs narrower kernels (e.g. a machine
 * that sets OPENBLAS_CORETYPE=Haswell on an AVX-512 CPU), else OPENBLAS.
 * A function of the CPU and the environment only. why (may be NULL) gets a
 * one-line reason. */
lms_gemm_backend lms_gemm_auto(char *why, size_t len);
/* What that rule picks on this CPU were OpenBLAS running kernel set core
 * (the choice OPENBLAS_CORETYPE=core would give). */
lms_gemm_backend lms_gemm_auto_under(const char *core);

/* The kernel set backend b (not AUTO) runs here, as summary.json's
 * gemm_kernel records it: lmstab's ISA for LMSTAB, oneDNN's for ONEDNN
 * (lms_onednn_isa), else OpenBLAS's kernel set (its choice for this CPU,
 * or OPENBLAS_CORETYPE's). Two kernel sets
 * round differently, so runs on them are not bit-identical. */
const char *lms_gemm_kernel_name(lms_gemm_backend b);

/* The SIMD level the plugins' own kernels run at here ("generic", "avx2",
 * "avx512": lms_simd_level, which LMSTAB_ATT_KERNEL narrows for
 * causal_attention), as summary.json's plugin_simd records it: the portable
 * kernels round differently from the vector ones. */
const char *lms_plugin_simd_name(void);

/* "openblas", "lmstab", "auto" or "onednn". */
const char *lms_gemm_backend_name(lms_gemm_backend b);
/* Parses one of those names: 0, or -1 when s is none of them ("onednn"
 * parses in every build; lms_gemm_backend_available says if it runs). */
int lms_gemm_backend_parse(const char *s, lms_gemm_backend *out);
/* 1 when backend b runs in this build (ONEDNN needs oneDNN), else 0. */
int lms_gemm_backend_available(lms_gemm_backend b);

/*
 * The precision of the model's products (core/kernels/precision.c; [training]
 * precision): lms_precision of plugin.h, FP32 by default. Set it before
 * the model is built (plugins plan for it) and keep it for the model's
 * life. Not thread-safe.
 */
void lms_set_precision(lms_precision p);
lms_precision lms_get_precision(void);
/* "fp32" or "bf16" */
const char *lms_precision_name(lms_precision p);
/* Parses one of those names: 0, or -1 when s is none of them. */
int lms_precision_parse(const char *s, lms_precision *out);

/*
 * How lms_matmul computes at BF16:
 *   EMULATED  op(A) and op(B) rounded to bfloat16 into per-thread scratch,
 *             then lms_sgemm (the [training] gemm backend) on the copies:
 *             exact products of the rounded values, a float32 sum; runs
 *             everywhere
 *   NATIVE    lms_gemm_bf16 (core/kernels/gemm.h: vdpbf16ps, AVX512_BF16), which
 *             rounds while packing; other sum order than EMULATED (pairs),
 *             bf16 subnormals read as 0
 *   AMX       lms_gemm_amx (core/kernels/gemm.h: AMX tiles, TDPBF16PS), which
 *             rounds while packing; sums k in steps of 32 in the
 *             hardware's order, bf16 subnormals read as 0
 * All keep every result independent of the thread count.
 */
typedef enum lms_bf16_kernel {
    LMS_BF16_EMULATED = 0,
    LMS_BF16_NATIVE = 1,
    LMS_BF16_AMX = 2
} lms_bf16_kernel;

/* The default, by the fixed rule of lms_bf16_kernel_rule: AMX where it
 * runs, else EMULATED; LMSTAB_BF16_KERNEL=emulated|native|amx asks for a
 * kernel (one the CPU lacks gives EMULATED). (On the Sapphire Rapids VM
 * this was written on, a bf16 training step ran faster on AMX than on the
 * emulation, and about twice as long on the native vdpbf16ps kernel:
 * docs/performance.md.) *forced (may be NULL) = 1 when LMSTAB_BF16_KERNEL
 * names a kernel. */
lms_bf16_kernel lms_bf16_kernel_auto(int *forced);
/* That rule in one sentence (recorded in summary.json). */
const char *lms_bf16_kernel_rule(void);
/* Selects the BF16 path of the next lms_matmul calls (NATIVE where the CPU
 * lacks it selects EMULATED); initially lms_bf16_kernel_auto. */
void lms_set_bf16_kernel(lms_bf16_kernel k);
lms_bf16_kernel lms_get_bf16_kernel(void);
/* 1 when lms_gemm_bf16 runs on this CPU and build */
int lms_bf16_native_available(void);
/* 1 when lms_gemm_amx runs on this CPU, build and kernel (Linux granted
 * the tile state) */
int lms_bf16_amx_available(void);
/* "emulated", "avx512_bf16" (the native kernel's instruction set) or
 * "amx_bf16" */
const char *lms_bf16_kernel_name(lms_bf16_kernel k);
/* Parses "emulated", "avx512_bf16", "native", "amx_bf16" or "amx": 0, or
 * -1. */
int lms_bf16_kernel_parse(const char *s, lms_bf16_kernel *out);

/* A model product (the host table's matmul): lms_sgemm's arguments and
 * result; at BF16 both operands rounded to bfloat16 (round to nearest
 * even) and summed in float32 on the selected lms_bf16_kernel. */
void lms_matmul(int trans_a, int trans_b, int m, int n, int k, float alpha,
                const float *a, int lda, const float *b, int ldb, float beta,
                float *c, int ldc);

/* The slabs lms_sgemm cuts an m x n x k product into: *slabs parts of the
 * rows of C (m >= n) or of its columns, *step long each but the last. A
 * function of the shape only (never of the thread count). */
void lms_sgemm_slabs(int m, int n, int k, int *slabs, int *step);

#ifdef __cplusplus
}
#endif

#endif
