/* lmstab bench */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_opt.h"
#include "train/bench.h"

typedef struct bench_args {
    long steps, warmup, threads, only_threads, square, compare_gemm, compare_precision,
        trials;
    int no_roof, blas_threads;
    const char *sgemm, *json, *data;
} bench_args;

#define A(m) offsetof(bench_args, m)
/* clang-format off */
static const lms_opt opts[] = {
    {"--steps", LMS_OPT_INT, "N", A(steps), 1, 1000000, 0, "timed steps per thread setting (default 30)"},
    {"--warmup", LMS_OPT_INT, "N", A(warmup), 1, 1000000, 0, "untimed steps first (default 5)"},
    {"--threads", LMS_OPT_INT, "N", A(threads), 1, 1000000, 0, "the all-cores setting (default: online CPUs)"},
    {"--only-threads", LMS_OPT_INT, "N", A(only_threads), 1, 1000000, 0, "train with N threads only"},
    {"--square", LMS_OPT_INT, "N", A(square), 1, 1000000, 0, "square sgemm roof size (default 2048)"},
    {"--compare-gemm", LMS_OPT_INT, "ROUNDS", A(compare_gemm), 1, 1000000, 0, "also train ROUNDS rounds on each sgemm backend"},
    {"--compare-precision", LMS_OPT_INT, "ROUNDS", A(compare_precision), 1, 1000000, 0, "also train ROUNDS rounds at fp32 and each bf16 kernel"},
    {"--no-roof", LMS_OPT_FLAG, NULL, A(no_roof), 0, 0, 0, "skip the sgemm roof"},
    {"--blas-threads", LMS_OPT_FLAG, NULL, A(blas_threads), 0, 0, 0, "train with OpenBLAS's own threading"},
    {"--json", LMS_OPT_STR, "FILE", A(json), 0, 0, 0, "also write the figures as JSON"},
    {"--data", LMS_OPT_STR, "FILE", A(data), 0, 0, 0, "train on FILE instead of data.train"},
    {"--sgemm", LMS_OPT_STR, "SHAPES", A(sgemm), 0, 0, 0, "time lms_sgemm alone at SHAPES"},
    {"--trials", LMS_OPT_INT, "N", A(trials), 1, 1000000, 0, "--sgemm: timings per backend (default 5)"},
    {NULL, 0, NULL, 0, 0, 0, 0, NULL},
};
/* clang-format on */
#undef A

static void usage(FILE *f) {
    fprintf(
        f,
        "usage: lmstab bench CONFIG [--steps N] [--warmup N] [--threads N]\n"
        "                    [--only-threads N] [--square N] [--no-roof]\n"
        "                    [--blas-threads] [--compare-gemm ROUNDS]\n"
        "                    [--compare-precision ROUNDS]\n"
        "                    [--json FILE] [--set S.K=V]... [--data FILE]\n"
        "                    [--plugin-dir DIR]\n"
        "\n"
        "Speed of the model of CONFIG, in one process: the CPU and its vector\n"
        "extensions, warm-up + timed training steps with 1 thread and with\n"
        "--threads (default all online CPUs): tokens/s, ms/step, model\n"
        "GFLOP/s (6 x matmul params x tokens + causal attention); then the\n"
        "hardware peak (register-only FMA loops per instruction set) and\n"
        "lms_sgemm on each backend (OpenBLAS, lmstab's own) at the model's\n"
        "matmul shapes and at a square size, threaded as the training is;\n"
        "MFU against the fp32 peak and against the best sgemm at the model's\n"
        "shapes, the time split by op kind, the cost of logging per-layer\n"
        "norms every 10 steps, the LM head softmax's exps (lmstab's vector\n"
        "expf against libm's, ns per exp, results compared bit for bit),\n"
        "and peak RSS against params + grads + Adam state + activations.\n"
        "Defaults: --steps 30, --warmup 5, --square 2048.\n"
        "--compare-gemm R: also train R rounds on each sgemm backend\n"
        "(OpenBLAS, lmstab's own), alternating, and print each round's\n"
        "tokens/s ratio.\n"
        "--compare-precision R: also train R rounds at fp32 and at bf16 on\n"
        "each bf16 kernel this CPU runs (emulated, avx512_bf16, amx_bf16),\n"
        "each on its own copy of the model, the order rotating; prints\n"
        "tokens/s and matmul and attention ms/step per round, and the\n"
        "median ratio to fp32.\n"
        "Threads: lms_set_threads (OpenMP loops + split sgemm, OpenBLAS at 1\n"
        "thread); --blas-threads uses OpenBLAS's own threading instead.\n"
        "Timings are wall-clock: run it on a quiet machine, or compare "
        "ratios.\n"
        "\n"
        "       lmstab bench --sgemm SHAPES [--threads N] [--trials N]\n"
        "\n"
        "lms_sgemm alone on each backend (OpenBLAS, lmstab's own), the two\n"
        "alternating, at SHAPES = [NN|NT|TN|TT:]MxNxK[,...] (e.g.\n"
        "NT:2048x384x128,1024x1024x1024), 1 thread and --threads; best of\n"
        "--trials (default 5) timings of >= 0.2 s each per backend.\n"
        "\n");
    lms_opt_help(f, opts);
    fprintf(f, "  --set S.K=V            override a key (repeatable)\n"
               "  --plugin-dir DIR       search DIR for plugins first\n");
}

int lms_cmd_bench(int argc, char **argv, int dry) {
    lms_cli_common c = {0};
    bench_args a = {0};
    a.trials = 5;
    const char *pos[1];
    int npos;
    int rc = lms_opt_parse("bench", opts, &a, &c, argc, argv, pos, 1, &npos);
    if (rc == 1) {
        usage(stdout);
        return 0;
    }
    if (rc != 0)
        return 2;
    lms_bench_opts o = {0};
    o.config_path = npos ? pos[0] : NULL;
    o.steps = (int)a.steps;
    o.warmup = (int)a.warmup;
    o.threads = (int)a.threads;
    o.only_threads = (int)a.only_threads;
    o.square = (int)a.square;
    o.compare_gemm = (int)a.compare_gemm;
    o.compare_precision = (int)a.compare_precision;
    o.no_roof = a.no_roof;
    o.blas_threading = a.blas_threads;
    o.json_path = a.json;
    o.data_path = a.data;
    const char *sgemm = a.sgemm;
    const int trials = (int)a.trials;
    if (!sgemm && !o.config_path) {
        usage(stderr);
        return 2;
    }
    if (dry)
        return 0;
    char err[2048];
    if (sgemm) {
        int t = o.threads > 0 ? o.threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
        if (lms_bench_sgemm(sgemm, t, trials, 0.2, stdout, err, sizeof err)) {
            fprintf(stderr, "lmstab: error: %s\n", err);
            return 2;
        }
        return 0;
    }
    o.sets = c.sets;
    o.nsets = c.nsets;
    o.plugin_dir = c.plugin_dir;
    if (lms_bench_run(&o, stdout, err, sizeof err) != 0) {
        fprintf(stderr, "lmstab: error: %s\n", err);
        return 1;
    }
    return 0;
}
