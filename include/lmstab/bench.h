/*
 * Speed measurement: where a training step spends its time, and the
 * `lmstab bench` benchmark (sgemm roof, tokens/s, model FLOPs utilisation,
 * peak memory, instrumentation overhead).
 *
 * Op-kind timing: while a timer is installed with lms_pass_set_timer, every
 * lms_model_forward / lms_model_backward adds the wall time of each of its
 * parts to the bucket of that part's kind (a plugin layer's bucket is its
 * plugin kind, children included; the LM head and its gradients count as
 * matmuls). Off by default: then the passes pay one pointer test per op.
 * Single-threaded like the rest of the core: one timer per process.
 */
#ifndef LMSTAB_BENCH_H
#define LMSTAB_BENCH_H

#include <stddef.h>
#include <stdio.h>

#include "lmstab/host.h" /* lms_set_threads, lms_sgemm */

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lms_tkind {
    LMS_TK_MATMUL = 0,     /* linear plugins (fwd + bwd) and the LM head */
    LMS_TK_ATTENTION = 1,  /* attention plugins with their children */
    LMS_TK_NORM = 2,       /* norm plugins (block norms, final norm) */
    LMS_TK_ACTIVATION = 3, /* activation plugins (gelu) */
    LMS_TK_LOSS = 4,       /* softmax cross-entropy, logit map, aux loss */
    LMS_TK_OTHER = 5,      /* embeddings, residual adds, buffer clears */
    LMS_TK_OPTIMIZER = 6,  /* grad norm, clipping, AdamW (timed by caller) */
    LMS_TK_N = 7
} lms_tkind;

/* Seconds accumulated per kind. */
typedef struct lms_op_timer {
    double sec[LMS_TK_N];
} lms_op_timer;

/* Install t (NULL: timing off). The caller keeps t alive while installed. */
void lms_pass_set_timer(lms_op_timer *t);
/* Short name of a kind: "matmul", "attention", ... */
const char *lms_tkind_name(lms_tkind k);
/* Monotonic clock in seconds. */
double lms_now(void);

/* Options of lms_bench_run (zero fields take the defaults in brackets). */
typedef struct lms_bench_opts {
    const char *config_path;
    const char *const *sets; /* --set overrides */
    int nsets;
    const char *plugin_dir;
    const char *data_path; /* overrides data.train */
    int steps;             /* timed steps per thread setting [30] */
    int warmup;            /* untimed steps first [5] */
    int threads;           /* the "all cores" setting [online CPUs] */
    int only_threads;      /* > 0: train with this many threads only */
    int no_roof;           /* skip the sgemm roof */
    int blas_threading;    /* train with OpenBLAS's threads instead of
                              lms_set_threads (for comparison) */
    int square;            /* square roof size [2048] */
    int compare_gemm;      /* > 0: train this many interleaved rounds on
                              each lms_sgemm backend per thread setting */
    const char *json_path; /* also write the figures as JSON */
} lms_bench_opts;

/* Build the model of o->config_path, measure the sgemm roof (1 thread and
 * all cores), train for warmup + steps steps per thread setting, and print a
 * report to out. Returns 0, or -1 with a message (config, plugin, data). */
int lms_bench_run(const lms_bench_opts *o, FILE *out, char *err, size_t errlen);

/* `lmstab bench --sgemm SPEC`: lms_sgemm's GFLOP/s on each backend
 * (OpenBLAS, lmstab's own) at the shapes of SPEC, a comma-separated list of
 * [NN|NT|TN|TT:]MxNxK (op(A) M x K, op(B) K x N; default NN), at 1 thread
 * and at `threads` (lms_set_threads), the backends alternating over
 * `trials` timings of at least min_sec each (best of each). Returns 0, or
 * -1 with a message on a bad SPEC. */
int lms_bench_sgemm(const char *spec, int threads, int trials, double min_sec,
                    FILE *out, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
