/*
 * Speed measurement: where a training step spends its time, and the
 * `lmstab bench` benchmark (sgemm roof, tokens/s, model FLOPs utilisation,
 * peak memory, instrumentation overhead).
 */
#ifndef LMSTAB_BENCH_H
#define LMSTAB_BENCH_H

#include <stddef.h>
#include <stdio.h>

#include "engine/op_timer.h"
#include "kernels/host.h" /* lms_set_threads, lms_sgemm */
#include "util/clock.h"

#ifdef __cplusplus
extern "C" {
#endif

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
    int compare_precision; /* > 0: this many interleaved rounds at fp32 and
                              at bf16 on each bf16 kernel the CPU runs */
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
