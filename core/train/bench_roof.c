/* The ceilings of `lmstab bench`: the hardware peak and lms_sgemm's
 * GFLOP/s on each backend at the model's own matmul shapes and at a square
 * size (also `lmstab bench --sgemm`), and the model's FLOP count. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "train/bench_internal.h"
#include "train/bench.h"
#include "kernels/host.h" /* the precision and bf16 kernel */

static void add_shape(lms_gemm_shape *out, int *n, int max, int ta, int tb,
                      int m, int nn, int k, double calls) {
    for (int i = 0; i < *n; i++)
        if (out[i].ta == ta && out[i].tb == tb && out[i].m == m &&
            out[i].n == nn && out[i].k == k) {
            out[i].calls += calls;
            return;
        }
    if (*n == max)
        return;
    out[(*n)++] = (lms_gemm_shape){ta, tb, m, nn, k, calls, {{0, 0}, {0, 0}}};
}

int lms_bench_model_shapes(const lms_model *m, int B, int T,
                           lms_gemm_shape *out, int max) {
    int n = 0, N = B * T, C = m->mi.d_model, V = m->mi.vocab;
    for (int l = 0; l < m->mi.n_layer; l++)
        for (int b = 0; b < m->n_branches; b++)
            for (int i = 0; i < m->blocks[l].br[b].n_ops; i++) {
                const lms_op *op = &m->blocks[l].br[b].ops[i];
                if (op->layer->plugin->desc->kind != LMS_KIND_LINEAR)
                    continue;
                int fi = op->in_cols, fo = op->out_cols;
                add_shape(out, &n, max, 0, 1, N, fo, fi, 1); /* y = x W^T */
                add_shape(out, &n, max, 0, 0, N, fi, fo, 1); /* dx = dy W */
                add_shape(out, &n, max, 1, 0, fo, fi, N, 1); /* dW = dy^T x */
            }
    add_shape(out, &n, max, 0, 1, N, V, C, 1); /* logits = h head^T */
    add_shape(out, &n, max, 1, 0, V, C, N, 1); /* dhead = dlogits^T h */
    add_shape(out, &n, max, 0, 0, N, C, V, 1); /* dh = dlogits head */
    return n;
}

const lms_gemm_backend lms_bench_backends[LMS_BENCH_NBE] = {
    LMS_GEMM_OPENBLAS, LMS_GEMM_LMSTAB, LMS_GEMM_ONEDNN};

int lms_bench_column(lms_gemm_backend b) {
    for (int i = 0; i < LMS_BENCH_NBE; i++)
        if (lms_bench_backends[i] == b)
            return i;
    return 0;
}

void lms_bench_sgemm_rates(int ta, int tb, int m, int n, int k, double min_sec,
                           int trials, double rate[LMS_BENCH_NBE]) {
    size_t na = (size_t)m * k, nb = (size_t)k * n, nc = (size_t)m * n;
    float *a = malloc(na * sizeof *a), *b = malloc(nb * sizeof *b),
          *c = calloc(nc, sizeof *c);
    for (int be = 0; be < LMS_BENCH_NBE; be++)
        rate[be] = 0.0;
    if (!a || !b || !c) {
        free(a);
        free(b);
        free(c);
        return;
    }
    for (size_t i = 0; i < na; i++)
        a[i] = (float)((i * 7919) % 1000) * 1e-3f - 0.5f;
    for (size_t i = 0; i < nb; i++)
        b[i] = (float)((i * 104729) % 1000) * 1e-3f - 0.5f;
    int lda = ta ? m : k, ldb = tb ? k : n;
    double flops = 2.0 * m * n * k;
    int nbe = 0, on[LMS_BENCH_NBE];
    for (int be = 0; be < LMS_BENCH_NBE; be++) /* warm caches, threads, buffers */
        if (lms_gemm_backend_available(lms_bench_backends[be])) {
            on[nbe++] = be;
            lms_sgemm_set_backend(lms_bench_backends[be]);
            lms_sgemm(ta, tb, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, n);
        }
    for (int t = 0; t < nbe * trials; t++) {
        const int be = on[t % nbe];
        lms_sgemm_set_backend(lms_bench_backends[be]);
        long reps = 0;
        double t0 = lms_now(), el;
        do {
            lms_sgemm(ta, tb, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, n);
            reps++;
            el = lms_now() - t0;
        } while (el < min_sec);
        double r = flops * reps / el * 1e-9;
        rate[be] = r > rate[be] ? r : rate[be];
    }
    lms_sgemm_set_backend(LMS_GEMM_OPENBLAS);
    free(a);
    free(b);
    free(c);
}

void lms_bench_step_flops(const lms_model *m, int B, int T, double *matmul,
                          double *attention, size_t *matmul_params) {
    size_t P = (size_t)m->mi.vocab * m->mi.d_model; /* the LM head */
    double att = 0;
    for (int l = 0; l < m->mi.n_layer; l++)
        for (int b = 0; b < m->n_branches; b++)
            for (int i = 0; i < m->blocks[l].br[b].n_ops; i++) {
                const lms_op *op = &m->blocks[l].br[b].ops[i];
                lms_kind k = op->layer->plugin->desc->kind;
                if (k == LMS_KIND_LINEAR)
                    P += (size_t)op->in_cols * op->out_cols;
                else if (k == LMS_KIND_ATTENTION)
                    att += 6.0 * T * (op->in_cols / 3);
            }
    double tokens = (double)B * T;
    *matmul = 6.0 * (double)P * tokens;
    *attention = att * tokens;
    *matmul_params = P;
}

/* One shape of a --sgemm SPEC item ("NT:2048x384x128" or "1024x1024x1024"):
 * 0, or -1 when malformed. */
static int parse_shape(const char *s, size_t len, int *ta, int *tb, int *d) {
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    const char *p = buf;
    *ta = *tb = 0;
    if (strlen(p) > 3 && p[2] == ':') {
        if (!strchr("NT", p[0]) || !strchr("NT", p[1]))
            return -1;
        *ta = p[0] == 'T';
        *tb = p[1] == 'T';
        p += 3;
    }
    for (int i = 0; i < 3; i++) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 1 || v > 65536 || (i < 2 && *end != 'x') ||
            (i == 2 && *end))
            return -1;
        d[i] = (int)v;
        p = end + 1;
    }
    return 0;
}

int lms_bench_sgemm(const char *spec, int threads, int trials, double min_sec,
                    FILE *out, char *err, size_t errlen) {
    threads = threads < 1 ? 1 : threads;
    const lms_gemm_backend was = lms_sgemm_get_backend();
    fprintf(out,
            "lms_sgemm GFLOP/s, backends alternating, best of %d x "
            ">= %.2f s each (onednn 0: not in this build)\n"
            "%-24s %8s %8s %7s %8s   %8s %8s %7s %8s\n",
            trials, min_sec, "", "openblas", "lmstab", "ratio", "onednn",
            "openblas", "lmstab", "ratio", "onednn");
    fprintf(out, "%-24s %34s   %34s\n", "shape", "1 thread",
            threads > 1 ? "all threads" : "");
    for (const char *s = spec; *s;) {
        size_t len = strcspn(s, ",");
        int ta, tb, d[3];
        if (parse_shape(s, len, &ta, &tb, d) != 0) {
            snprintf(err, errlen,
                     "--sgemm: '%.*s' is not [NN|NT|TN|TT:]MxNxK "
                     "with sizes 1 to 65536",
                     (int)len, s);
            lms_sgemm_set_backend(was);
            return -1;
        }
        char label[80];
        snprintf(label, sizeof label, "%c%c %dx%dx%d", ta ? 'T' : 'N',
                 tb ? 'T' : 'N', d[0], d[1], d[2]);
        fprintf(out, "%-24s", label);
        const int th[2] = {1, threads};
        for (int t = 0; t < (threads > 1 ? 2 : 1); t++) {
            double r[LMS_BENCH_NBE];
            lms_set_threads(th[t]);
            lms_bench_sgemm_rates(ta, tb, d[0], d[1], d[2], min_sec, trials, r);
            fprintf(out, "%s %8.1f %8.1f %6.2fx %8.1f", t ? "  " : "", r[0],
                    r[1], r[0] > 0 ? r[1] / r[0] : 0.0, r[2]);
        }
        fputc('\n', out);
        fflush(out);
        s += len;
        if (*s == ',')
            s++;
    }
    lms_sgemm_set_backend(was);
    return 0;
}

void lms_bench_set_threads(const lms_bench_opts *o, int threads) {
    lms_set_threads(threads);
    if (o->blas_threading) { /* OpenBLAS's own threads, our loops serial */
        lms_set_threads(1);
        openblas_set_num_threads(threads);
    }
}

void lms_bench_measure_roof(const lms_model *m, int B, int T,
                            const lms_bench_opts *o, lms_bench_roof *rf) {
    rf->n = lms_bench_model_shapes(m, B, T, rf->sh, LMS_BENCH_MAX_SHAPES);
    int th[2] = {1, o->threads};
    for (int t = 0; t < 2; t++) {
        for (int k = 0; k < LMS_PEAK_N; k++)
            rf->peak[k][t] = lms_peak_gflops((lms_peak_kind)k, th[t], 0.1, 3);
        lms_bench_set_threads(o, th[t]);
        double fl = 0, sec[LMS_BENCH_NBE] = {0}, best = 0;
        for (int i = 0; i < rf->n; i++) {
            lms_gemm_shape *s = &rf->sh[i];
            double r[LMS_BENCH_NBE], rb = 0;
            lms_bench_sgemm_rates(s->ta, s->tb, s->m, s->n, s->k, 0.1, 3, r);
            double f = 2.0 * s->m * s->n * s->k * s->calls;
            fl += f;
            for (int be = 0; be < LMS_BENCH_NBE; be++) {
                s->rate[be][t] = r[be];
                sec[be] += r[be] > 0 ? f / (r[be] * 1e9) : 0;
                rb = r[be] > rb ? r[be] : rb;
            }
            best += rb > 0 ? f / (rb * 1e9) : 0;
        }
        for (int be = 0; be < LMS_BENCH_NBE; be++)
            rf->model[be][t] = sec[be] > 0 ? fl / sec[be] * 1e-9 : 0;
        rf->best[t] = best > 0 ? fl / best * 1e-9 : 0;
        int q = o->square;
        double r[LMS_BENCH_NBE];
        lms_bench_sgemm_rates(0, 0, q, q, q, 0.3, 3, r);
        for (int be = 0; be < LMS_BENCH_NBE; be++)
            rf->square[be][t] = r[be];
    }
}

int lms_bench_fp32_peak(const lms_bench_roof *rf) {
    return rf->peak[LMS_PEAK_FP32_AVX512][0] > 0 ? LMS_PEAK_FP32_AVX512
           : rf->peak[LMS_PEAK_FP32_AVX2][0] > 0 ? LMS_PEAK_FP32_AVX2
                                                 : -1;
}

int lms_bench_peak_for(const lms_bench_roof *rf, int precision) {
    if (precision == LMS_PRECISION_BF16) {
        const lms_bf16_kernel k = lms_get_bf16_kernel();
        if (k == LMS_BF16_AMX && rf->peak[LMS_PEAK_BF16_AMX][0] > 0)
            return LMS_PEAK_BF16_AMX;
        if (k == LMS_BF16_NATIVE && rf->peak[LMS_PEAK_BF16_AVX512][0] > 0)
            return LMS_PEAK_BF16_AVX512;
    }
    return lms_bench_fp32_peak(rf);
}

void lms_bench_print_roof(FILE *out, const lms_bench_opts *o,
                          const lms_bench_roof *rf, lms_gemm_backend used) {
    fprintf(out,
            "\nhardware peak (GFLOP/s of register-only FMA loops, "
            "all threads at once)\n%-30s %16s  %17s\n",
            "", "1 thread", "all threads");
    for (int k = 0; k < LMS_PEAK_N; k++)
        if (rf->peak[k][0] > 0)
            fprintf(out, "  %-28s %16.1f  %17.1f\n",
                    lms_peak_name((lms_peak_kind)k), rf->peak[k][0],
                    rf->peak[k][1]);
    fprintf(out,
            "\nsgemm roof (GFLOP/s of lms_sgemm, threaded as the training: "
            "%s)\n"
            "%-30s %23s  %24s\n%-30s %8s %7s %6s  %9s %7s %6s  %s\n",
            o->blas_threading ? "OpenBLAS's threads" : "lmstab's threads", "",
            "1 thread", o->threads > 1 ? "all threads" : "(same)", "",
            "openblas", "lmstab", "onednn", "openblas", "lmstab", "onednn",
            "fastest (all)");
    char label[64];
    snprintf(label, sizeof label, "square %dx%dx%d", o->square, o->square,
             o->square);
    fprintf(out, "  %-28s %8.1f %7.1f %6.1f  %9.1f %7.1f %6.1f\n", label,
            rf->square[0][0], rf->square[1][0], rf->square[2][0],
            rf->square[0][1], rf->square[1][1], rf->square[2][1]);
    fprintf(out, "  %-28s %8.1f %7.1f %6.1f  %9.1f %7.1f %6.1f\n",
            "model shapes (weighted)", rf->model[0][0], rf->model[1][0],
            rf->model[2][0], rf->model[0][1], rf->model[1][1],
            rf->model[2][1]);
    fprintf(out, "  %-28s %23.1f  %24.1f\n", "best backend per shape",
            rf->best[0], rf->best[1]);
    for (int i = 0; i < rf->n; i++) {
        const lms_gemm_shape *s = &rf->sh[i];
        int f = 0; /* the fastest column at all threads */
        for (int be = 1; be < LMS_BENCH_NBE; be++)
            f = s->rate[be][1] > s->rate[f][1] ? be : f;
        snprintf(label, sizeof label, "%c%c %dx%dx%d x%.0f", s->ta ? 'T' : 'N',
                 s->tb ? 'T' : 'N', s->m, s->n, s->k, s->calls);
        fprintf(out, "    %-26s %8.1f %7.1f %6.1f  %9.1f %7.1f %6.1f  %s\n",
                label, s->rate[0][0], s->rate[1][0], s->rate[2][0],
                s->rate[0][1], s->rate[1][1], s->rate[2][1],
                lms_gemm_backend_name(lms_bench_backends[f]));
    }
    fprintf(out,
            "  the run uses %s at every shape ([training] gemm: the "
            "numbers depend on the backend, so timing never picks it)\n",
            lms_gemm_backend_name(used));
}
