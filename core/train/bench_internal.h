/* Internals of `lmstab bench` shared by bench.c and bench_roof.c. */
#ifndef LMSTAB_BENCH_INTERNAL_H
#define LMSTAB_BENCH_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "train/bench.h"
#include "engine/model.h"
#include "kernels/peak.h"
#include "engine/metrics.h"
#include "train/trainer.h"

/* One sgemm shape (row-major, op(A) m x k, op(B) k x n) and how often a
 * training step calls it. */
typedef struct lms_gemm_shape {
    int ta, tb, m, n, k;
    double calls;      /* per training step */
    double rate[3][2]; /* measured GFLOP/s of lms_sgemm: [backend column
                          (lms_bench_backends)][0: 1 thread, 1: all cores] */
} lms_gemm_shape;

/* The backends the roof times, by column: OpenBLAS, lmstab's own, oneDNN
 * (its rates 0 where the build has none). */
#define LMS_BENCH_NBE 3
extern const lms_gemm_backend lms_bench_backends[LMS_BENCH_NBE];
/* The column of backend b (never AUTO). */
int lms_bench_column(lms_gemm_backend b);

#define LMS_BENCH_MAX_SHAPES 32

/* The distinct matmul shapes of one training step of m at B*T rows: every
 * linear op (forward, dx, dW) and the LM head. Returns the count. */
int lms_bench_model_shapes(const lms_model *m, int B, int T,
                           lms_gemm_shape *out, int max);

/* GFLOP/s of lms_sgemm at one shape on each backend (rate[0] OpenBLAS,
 * rate[1] lmstab), with the threads as they are set (lms_set_threads and
 * OpenBLAS's own): best of `trials` timings of at least min_sec each, the
 * backends alternating so that machine noise hits both alike. Leaves the
 * backend at OpenBLAS; rates are 0 when out of memory. */
void lms_bench_sgemm_rates(int ta, int tb, int m, int n, int k, double min_sec,
                           int trials, double rate[LMS_BENCH_NBE]);

/* The ceilings the model's speed is put against, measured with the threads
 * set as the training runs set them: the hardware peak per instruction set
 * (register-only FMA loops, peak.h), and lms_sgemm per backend at the
 * model's shapes (FLOP-weighted: the time the step's matmuls would take at
 * the measured rates; "best" takes the faster backend per shape) and at a
 * square size. Index t: 0 = 1 thread, 1 = --threads. */
typedef struct lms_bench_roof {
    int n;
    lms_gemm_shape sh[LMS_BENCH_MAX_SHAPES];
    double model[LMS_BENCH_NBE][2], square[LMS_BENCH_NBE][2]; /* [col][t] */
    double best[2];                   /* [t] */
    double peak[LMS_PEAK_N][2];       /* [kind][t], 0: not on this CPU */
} lms_bench_roof;

/* Threads as a training run with `threads` sets them (lms_set_threads, or
 * OpenBLAS's own threads under --blas-threads). */
void lms_bench_set_threads(const lms_bench_opts *o, int threads);
/* The thread counts a bench measures: 1 and all (--threads), or only
 * --only-threads N; their number. */
int lms_bench_thread_settings(const lms_bench_opts *o, int out[2]);

/* Fills rf for the model m at B x T rows (the hardware peak and both
 * backends, 1 thread and o->threads). Leaves the threads at o->threads'
 * setting and the backend at OpenBLAS. */
void lms_bench_measure_roof(const lms_model *m, int B, int T,
                            const lms_bench_opts *o, lms_bench_roof *rf);

/* The widest fp32 kind whose peak was measured, or -1. */
int lms_bench_fp32_peak(const lms_bench_roof *rf);

/* The peak the model's products run against at `precision` (lms_precision)
 * on the selected bf16 kernel: bf16 amx or bf16 avx512 for those kernels,
 * else (fp32, or the emulation's float products) lms_bench_fp32_peak. */
int lms_bench_peak_for(const lms_bench_roof *rf, int precision);

/* The peak and roof tables; `used`: the backend the training ran on. */
void lms_bench_print_roof(FILE *out, const lms_bench_opts *o,
                          const lms_bench_roof *rf, lms_gemm_backend used);

/* Matmul FLOPs of one training step (6 x matmul params x tokens) and the
 * causal attention FLOPs (6 x n_attn x T x d_model x tokens: Q K^T and P V,
 * forward + backward, over the unmasked half only). */
void lms_bench_step_flops(const lms_model *m, int B, int T, double *matmul,
                          double *attention, size_t *matmul_params);

/* The trainer (trainer.h) with the bench's own batch stream and a
 * metrics.csv in /dev/null for the instrumented steps. */
typedef struct lms_bench_job {
    lms_trainer t;
    lms_rng rng;
    lms_metrics mt;
    int B, T;
    long step;
} lms_bench_job;

/* One training measurement's figures (one thread setting). */
typedef struct lms_bench_figs {
    int threads;
    double tps, ms_step, gflops, loss0, loss1;
    double split[LMS_TK_N], split_total; /* ms/step by op kind */
    /* instrumentation check, interleaved blocks: tokens/s plain and at one
     * instrumented step in 10 (derived from the measured extra time of an
     * instrumented step), that extra time, and the steps it rests on */
    double tps_off, tps_on, instr_ms;
    long instr_steps, on_steps;
} lms_bench_figs;

/* The trainer as `lmstab train` opens it, for o's config and --set
 * overrides; the threads are set per run. Returns 0, or -1 with a message
 * (close it either way). */
int lms_bench_job_open(lms_bench_job *j, const lms_bench_opts *o, char *err,
                       size_t errlen);
void lms_bench_job_close(lms_bench_job *j);

/* Train j from fresh weights with `threads` threads: o->warmup steps, then
 * o->steps timed ones in interleaved plain and instrumented blocks. */
void lms_bench_job_run(lms_bench_job *j, const lms_bench_opts *o, int threads,
                       lms_bench_figs *r);

/* --compare-gemm: training tokens/s on each lms_sgemm backend, rounds
 * interleaved; leaves the backend at `used`. */
void lms_bench_compare_gemm(lms_bench_job *j, const lms_bench_opts *o,
                            FILE *out, lms_gemm_backend used);

/* --compare-precision: training tokens/s at fp32 and at bf16 on each bf16
 * kernel this CPU runs, rounds interleaved, each setting on its own model
 * of o's config. Leaves precision and bf16 kernel at the main job's
 * (`precision`). Returns 0, or -1 with a message. */
int lms_bench_compare_precision(const lms_bench_opts *o, FILE *out,
                                int precision, char *err, size_t errlen);

/* One line on the LM head softmax's exps: lms_expf_rows against a row loop
 * of libm's expf on `rows` rows (fewer if large) of V logits, ns per exp
 * (best of 5 alternating rounds, one thread) and whether every result is
 * the same (core/train/bench_expf.c). */
void lms_bench_expf(FILE *out, int V, int rows);

#endif
