/* lmstab bench */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_opt.h"
#include "train/bench.h"

static void usage(FILE *f) {
    fprintf(
        f,
        "usage: lmstab bench CONFIG [--steps N] [--warmup N] [--threads N]\n"
        "                    [--only-threads N] [--square N] [--no-roof]\n"
        "                    [--blas-threads] [--compare-gemm ROUNDS]\n"
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
        "norms every 10 steps, and peak RSS against params + grads + Adam\n"
        "state + activations. Defaults: --steps 30, --warmup 5, --square "
        "2048.\n"
        "--compare-gemm R: also train R rounds on each sgemm backend\n"
        "(OpenBLAS, lmstab's own), alternating, and print each round's\n"
        "tokens/s ratio.\n"
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
        "--trials (default 5) timings of >= 0.2 s each per backend.\n");
}

/* An integer from 1 to 1e6 for option opt (the CLI's number parser,
 * cmd_opt.h). */
static int parse_pos(const char *opt, const char *s, int *out) {
    const lms_opt o = {opt, LMS_OPT_INT, "N", 0, 1, 1000000, 0, NULL};
    long v;
    if (lms_opt_number("bench", &o, s, &v) != 0)
        return -1;
    *out = (int)v;
    return 0;
}

int lms_cmd_bench(int argc, char **argv, int dry) {
    lms_cli_common c = {0};
    lms_bench_opts o = {0};
    const char *sgemm = NULL;
    int trials = 5;
    for (int i = 1; i < argc; i++) {
        int n = lms_cli_common_opt(&c, argc, argv, i);
        if (n < 0)
            return 2;
        if (n > 0) {
            i += n - 1;
            continue;
        }
        const char *a = argv[i];
        int *num = !strcmp(a, "--steps")          ? &o.steps
                   : !strcmp(a, "--warmup")       ? &o.warmup
                   : !strcmp(a, "--threads")      ? &o.threads
                   : !strcmp(a, "--only-threads") ? &o.only_threads
                   : !strcmp(a, "--square")       ? &o.square
                   : !strcmp(a, "--compare-gemm") ? &o.compare_gemm
                                                  : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (num) {
            if (i + 1 >= argc) {
                fprintf(stderr, "lmstab bench: %s needs a value (N)\n", a);
                return 2;
            }
            if (parse_pos(a, argv[i + 1], num) != 0)
                return 2;
            i++;
        } else if (!strcmp(a, "--sgemm") && i + 1 < argc) {
            sgemm = argv[++i];
        } else if (!strcmp(a, "--trials")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "lmstab bench: --trials needs a value (N)\n");
                return 2;
            }
            if (parse_pos(a, argv[i + 1], &trials) != 0)
                return 2;
            i++;
        } else if (!strcmp(a, "--no-roof")) {
            o.no_roof = 1;
        } else if (!strcmp(a, "--blas-threads")) {
            o.blas_threading = 1;
        } else if ((!strcmp(a, "--json") || !strcmp(a, "--data")) &&
                   i + 1 < argc) {
            if (a[2] == 'j')
                o.json_path = argv[++i];
            else
                o.data_path = argv[++i];
        } else if (a[0] == '-' || o.config_path) {
            fprintf(stderr, "lmstab bench: unexpected argument '%s'\n", a);
            usage(stderr);
            return 2;
        } else {
            o.config_path = a;
        }
    }
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
