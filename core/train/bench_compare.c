/* `lmstab bench --compare-gemm / --compare-precision`: training speed of
 * one model on two or more settings, measured in rounds whose order
 * rotates, so that a noisy machine (a neighbour, a frequency change) hits
 * every setting alike. Only the ratios inside a round mean much. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/gemm.h"
#include "kernels/host.h"
#include "train/bench_internal.h"
#include "util/order.h"

enum { MAX_ROUNDS = 16, MAX_SETTINGS = 4 };

static int rounds_of(int asked) {
    return asked < MAX_ROUNDS ? asked : MAX_ROUNDS;
}

/* The median of x[0..n) (n <= MAX_ROUNDS). */
static double median(const double *x, int n) {
    double v[MAX_ROUNDS];
    memcpy(v, x, (size_t)n * sizeof *v);
    return lms_median(v, (size_t)n);
}

void lms_bench_compare_gemm(lms_bench_job *j, const lms_bench_opts *o,
                            FILE *out, lms_gemm_backend used) {
    const int rounds = rounds_of(o->compare_gemm);
    int ts[2];
    const int nts = lms_bench_thread_settings(o, ts);
    fprintf(out, "\ngemm backends, training tokens/s in %d interleaved "
                 "rounds:\n", rounds);
    for (int s = 0; s < nts; s++) {
        double tps[2][MAX_ROUNDS];
        for (int r = 0; r < rounds; r++)
            for (int i = 0; i < 2; i++) {
                const int be = r % 2 ? 1 - i : i;
                lms_bench_figs x;
                lms_sgemm_set_backend(be ? LMS_GEMM_LMSTAB : LMS_GEMM_OPENBLAS);
                lms_bench_job_run(j, o, ts[s], &x);
                tps[be][r] = x.tps;
            }
        fprintf(out, "  threads %d: lmstab / openblas per round:", ts[s]);
        for (int r = 0; r < rounds; r++)
            fprintf(out, " %.0f/%.0f = %.2fx", tps[1][r], tps[0][r],
                    tps[1][r] / tps[0][r]);
        fputc('\n', out);
    }
    lms_sgemm_set_backend(used);
}

/* One setting of --compare-precision: the model it trains on (index into
 * the jobs: 0 fp32, 1 bf16) and the bf16 kernel. */
typedef struct psetting {
    int job;
    lms_bf16_kernel kernel;
    const char *name;
} psetting;

static int precision_settings(psetting *ps) {
    int n = 0;
    ps[n++] = (psetting){0, LMS_BF16_EMULATED, "fp32"};
    ps[n++] = (psetting){1, LMS_BF16_EMULATED, "bf16 emulated"};
    if (lms_bf16_native_available())
        ps[n++] = (psetting){1, LMS_BF16_NATIVE, "bf16 avx512_bf16"};
    if (lms_bf16_amx_available())
        ps[n++] = (psetting){1, LMS_BF16_AMX, "bf16 amx_bf16"};
    return n;
}

/* o's config with one more override, [training] precision = p. */
static int open_at(lms_bench_job *j, const lms_bench_opts *o, const char *p,
                   const char **sets, char *err, size_t errlen) {
    lms_bench_opts oo = *o;
    for (int i = 0; i < o->nsets; i++)
        sets[i] = o->sets[i];
    sets[o->nsets] = p;
    oo.sets = sets;
    oo.nsets = o->nsets + 1;
    memset(j, 0, sizeof *j);
    return lms_bench_job_open(j, &oo, err, errlen);
}

static void print_precision_rounds(FILE *out, int threads, int rounds,
                                   const psetting *ps, int nps,
                                   double tps[][MAX_ROUNDS],
                                   double mm[][MAX_ROUNDS],
                                   double at[][MAX_ROUNDS]) {
    fprintf(out, "  threads %d, tokens/s (matmul, attention ms/step):\n",
            threads);
    for (int r = 0; r < rounds; r++) {
        fprintf(out, "    round %d:", r + 1);
        for (int s = 0; s < nps; s++)
            fprintf(out, "%s %s %.0f (%.0f, %.0f)", s ? ";" : "", ps[s].name,
                    tps[s][r], mm[s][r], at[s][r]);
        fputc('\n', out);
    }
    for (int s = 1; s < nps; s++) {
        double ratio[MAX_ROUNDS], lo = 1e300, hi = 0;
        for (int r = 0; r < rounds; r++) {
            ratio[r] = tps[s][r] / tps[0][r];
            lo = ratio[r] < lo ? ratio[r] : lo;
            hi = ratio[r] > hi ? ratio[r] : hi;
        }
        fprintf(out, "    %s / fp32: median %.2fx over %d rounds (range "
                "%.2f-%.2fx)\n", ps[s].name, median(ratio, rounds), rounds, lo,
                hi);
    }
}

int lms_bench_compare_precision(const lms_bench_opts *o, FILE *out,
                                int precision, char *err, size_t errlen) {
    const int rounds = rounds_of(o->compare_precision);
    psetting ps[MAX_SETTINGS];
    const int nps = precision_settings(ps);
    int ts[2];
    const int nts = lms_bench_thread_settings(o, ts);
    const lms_bf16_kernel kernel0 = lms_get_bf16_kernel();
    const char **sets = malloc(((size_t)o->nsets + 1) * sizeof *sets);
    lms_bench_job jobs[2];
    int rc = -1;
    memset(jobs, 0, sizeof jobs);
    if (!sets) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    if (open_at(&jobs[0], o, "training.precision=fp32", sets, err, errlen) ||
        open_at(&jobs[1], o, "training.precision=bf16", sets, err, errlen))
        goto done;
    fprintf(out, "\nprecision, training tokens/s in %d rounds, the order "
                 "rotating:\n", rounds);
    for (int t = 0; t < nts; t++) {
        double tps[MAX_SETTINGS][MAX_ROUNDS], mm[MAX_SETTINGS][MAX_ROUNDS],
            at[MAX_SETTINGS][MAX_ROUNDS];
        for (int r = 0; r < rounds; r++)
            for (int i = 0; i < nps; i++) {
                const int s = (i + r) % nps;
                lms_bench_figs x;
                lms_set_precision(ps[s].job ? LMS_PRECISION_BF16
                                            : LMS_PRECISION_FP32);
                lms_set_bf16_kernel(ps[s].kernel);
                lms_bench_job_run(&jobs[ps[s].job], o, ts[t], &x);
                tps[s][r] = x.tps;
                mm[s][r] = x.split[LMS_TK_MATMUL];
                at[s][r] = x.split[LMS_TK_ATTENTION];
            }
        print_precision_rounds(out, ts[t], rounds, ps, nps, tps, mm, at);
    }
    rc = 0;
done:
    lms_bench_job_close(&jobs[0]);
    lms_bench_job_close(&jobs[1]);
    free(sets);
    lms_set_precision((lms_precision)precision);
    lms_set_bf16_kernel(kernel0);
    return rc;
}
