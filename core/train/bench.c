/* `lmstab bench`: the sgemm roof, then a fixed number of training steps per
 * thread setting, in one process. The model, data and step are the
 * trainer's (trainer.h: the same setup and step as `lmstab train`); the
 * instrumented step adds what train.c does on a logged step (per-layer
 * stats in the forward, norms written by lms_metrics_write to /dev/null). */
#include <cblas.h>
#include <cjson/cJSON.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "train/bench_internal.h"
#include "kernels/gemm.h"
#include "kernels/peak.h"
#include "train/bench.h"
#include "util/outpath.h"
#include "util/fsutil.h"
#include "engine/metrics.h"
#include "train/train.h"
#include "train/trainer.h"

#ifndef LMS_SOURCE_DIR
#define LMS_SOURCE_DIR "."
#endif

/* The trainer as `lmstab train` opens it; the threads are set per run. */
int lms_bench_job_open(lms_bench_job *j, const lms_bench_opts *o, char *err,
                       size_t errlen) {
    lms_trainer_opts to = {o->plugin_dir, o->data_path, -1, 0, NULL, NULL};
    if (lms_trainer_load_config(&j->t, o->config_path, o->sets, o->nsets,
                                err, errlen) != 0 ||
        lms_trainer_open(&j->t, &to, err, errlen) != 0)
        return -1;
    j->B = (int)j->t.tc.batch_size;
    j->T = j->t.T;
    return lms_metrics_open(&j->mt, "/dev/null", &j->t.m, err, errlen);
}

void lms_bench_job_close(lms_bench_job *j) {
    lms_metrics_close(&j->mt);
    lms_trainer_close(&j->t);
}

/* Fresh weights and optimizer state: every thread setting trains the same
 * run from step 0. */
static void reset(lms_bench_job *j) {
    lms_trainer_init(&j->t, &j->rng);
    j->step = 0;
}

/* One training step of the trainer, timed by op kind when t.m.timer is
 * set. instrument: a logged step with per-layer norms. Returns the loss. */
static double step(lms_bench_job *j, int instrument) {
    float lr = lms_trainer_lr(&j->t, j->step);
    double loss, gn = 0.0;
    char why[512];
    lms_trainer_draw(&j->t, &j->rng);
    (void)lms_trainer_step(&j->t, j->step, lr,
                           instrument ? LMS_FWD_INSTRUMENT : 0, &loss, &gn,
                           why, sizeof why);
    if (instrument) {
        lms_metrics_row row = {j->step, lr, loss, 0, gn, 0, 0, 0, 1, NAN};
        double vals[4096];
        int is_max[4096];
        size_t n = lms_metrics_collect(&j->t.m, vals, is_max, 4096);
        char err[512]; /* /dev/null: a write cannot fail */
        (void)lms_metrics_write(&j->mt, &row, vals, n < 4096 ? n : 4096, err,
                                sizeof err);
    }
    j->step++;
    return loss;
}

int lms_bench_thread_settings(const lms_bench_opts *o, int out[2]) {
    int n = 0;
    const int cand[2] = {1, o->threads};
    for (int s = 0; s < 2; s++) {
        if (s == 1 && o->threads == 1)
            break;
        if (o->only_threads > 0 && cand[s] != o->only_threads)
            continue;
        out[n++] = cand[s];
    }
    if (n == 0 && o->only_threads > 0)
        out[n++] = o->only_threads;
    return n;
}

/* Train with `threads` threads: warm-up, then `rounds` pairs of blocks of
 * `block` steps, one without instrumentation (timed by op kind) and one
 * with every 10th of its steps instrumented (counted across blocks),
 * interleaved so that machine noise hits both alike. The blocks are short
 * (6 steps at --steps 30), so the instrumented share is not exactly 1 in
 * 10; the figure is the measured extra time of an instrumented step, put
 * back at 1 in 10. */
void lms_bench_job_run(lms_bench_job *j, const lms_bench_opts *o, int threads,
                      lms_bench_figs *r) {
    lms_bench_set_threads(o, threads);
    reset(j);
    memset(r, 0, sizeof *r);
    r->threads = threads;
    for (int i = 0; i < o->warmup; i++)
        r->loss0 = step(j, 0);
    int rounds = o->steps >= 20 ? 5 : 1;
    int block = o->steps / rounds > 0 ? o->steps / rounds : 1;
    lms_op_timer split = {{0}}, other = {{0}};
    double t_off = 0, t_on = 0;
    long n_off = 0, n_on = 0, n_instr = 0;
    for (int rd = 0; rd < rounds; rd++) {
        for (int pass = 0; pass < 2; pass++) {
            lms_op_timer *tm = pass == 0 ? &split : &other;
            j->t.m.timer = tm;
            double t0 = lms_now();
            for (int i = 0; i < block; i++) {
                const int instr = pass == 1 && (n_on + i) % 10 == 0;
                n_instr += instr;
                r->loss1 = step(j, instr);
            }
            double el = lms_now() - t0;
            j->t.m.timer = NULL;
            if (pass == 0) {
                t_off += el;
                n_off += block;
            } else {
                t_on += el;
                n_on += block;
            }
        }
    }
    double tok = (double)j->B * j->T, fm, fa;
    size_t P;
    lms_bench_step_flops(&j->t.m, j->B, j->T, &fm, &fa, &P);
    r->tps = r->tps_off = n_off * tok / t_off;
    const double s_off = t_off / n_off;
    const double extra = n_instr > 0 ? (t_on - n_on * s_off) / n_instr : 0.0;
    r->instr_ms = extra * 1e3;
    r->instr_steps = n_instr;
    r->on_steps = n_on;
    r->tps_on = tok / (s_off + extra / 10.0);
    r->ms_step = s_off * 1e3;
    r->gflops = (fm + fa) * n_off / t_off * 1e-9;
    for (int k = 0; k < LMS_TK_N; k++) {
        r->split[k] = split.sec[k] / n_off * 1e3;
        r->split_total += r->split[k];
    }
}

static double rss_mib(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024.0; /* KiB on Linux */
}

static void print_split(FILE *out, const lms_bench_figs *r) {
    fprintf(out, "  time split (ms/step, %% of step):");
    for (int k = 0; k < LMS_TK_N; k++)
        fprintf(out, " %s %.2f (%.0f%%)%s", lms_tkind_name((lms_tkind)k),
                r->split[k], 100.0 * r->split[k] / r->ms_step,
                k + 1 < LMS_TK_N ? "," : "");
    fprintf(out, "; untimed %.2f\n", r->ms_step - r->split_total);
}

static cJSON *json_report(const lms_bench_opts *o, const lms_bench_job *j,
                          const lms_bench_roof *rf, const lms_bench_figs *runs, int nruns,
                          double rss, double need, double acts) {
    cJSON *root = cJSON_CreateObject();
    char shown[4096];
    lms_output_path(o->config_path, shown, sizeof shown);
    cJSON_AddStringToObject(root, "config", shown);
    cJSON_AddNumberToObject(root, "batch", j->B);
    cJSON_AddNumberToObject(root, "context", j->T);
    cJSON_AddNumberToObject(root, "d_model", j->t.m.mi.d_model);
    cJSON_AddNumberToObject(root, "n_layer", j->t.m.mi.n_layer);
    cJSON_AddNumberToObject(root, "n_params", (double)j->t.m.n_params);
    cJSON_AddNumberToObject(root, "steps", o->steps);
    cJSON_AddNumberToObject(root, "warmup", o->warmup);
    char cpu[256], isa[256];
    lms_peak_cpu_name(cpu, sizeof cpu);
    lms_peak_isa(isa, sizeof isa);
    cJSON_AddStringToObject(root, "cpu", cpu);
    cJSON_AddStringToObject(root, "isa", isa);
    cJSON_AddStringToObject(root, "openblas_kernels", openblas_get_corename());
    cJSON_AddStringToObject(root, "lmstab_gemm_kernel", lms_gemm_isa());
    cJSON_AddStringToObject(root, "gemm",
                            lms_gemm_backend_name(lms_sgemm_get_backend()));
    if (!o->no_roof) {
        cJSON *r = cJSON_AddObjectToObject(root, "roof_gflops");
        for (int be = 0; be < LMS_BENCH_NBE; be++) {
            if (!lms_gemm_backend_available(lms_bench_backends[be]))
                continue;
            cJSON *x = cJSON_AddObjectToObject(
                r, lms_gemm_backend_name(lms_bench_backends[be]));
            cJSON_AddNumberToObject(x, "model_shapes_1t", rf->model[be][0]);
            cJSON_AddNumberToObject(x, "model_shapes_all", rf->model[be][1]);
            cJSON_AddNumberToObject(x, "square_1t", rf->square[be][0]);
            cJSON_AddNumberToObject(x, "square_all", rf->square[be][1]);
        }
        cJSON_AddNumberToObject(r, "best_model_shapes_1t", rf->best[0]);
        cJSON_AddNumberToObject(r, "best_model_shapes_all", rf->best[1]);
        cJSON_AddNumberToObject(r, "square_size", o->square);
        cJSON_AddNumberToObject(r, "threads_all", o->threads);
        cJSON *pk = cJSON_AddObjectToObject(root, "peak_gflops");
        for (int k = 0; k < LMS_PEAK_N; k++) {
            if (rf->peak[k][0] <= 0)
                continue;
            cJSON *x = cJSON_AddObjectToObject(pk, lms_peak_name((lms_peak_kind)k));
            cJSON_AddNumberToObject(x, "1t", rf->peak[k][0]);
            cJSON_AddNumberToObject(x, "all", rf->peak[k][1]);
        }
    }
    cJSON *ar = cJSON_AddArrayToObject(root, "runs");
    for (int i = 0; i < nruns; i++) {
        const lms_bench_figs *r = &runs[i];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddNumberToObject(x, "threads", r->threads);
        cJSON_AddNumberToObject(x, "tokens_per_sec", r->tps);
        cJSON_AddNumberToObject(x, "ms_per_step", r->ms_step);
        cJSON_AddNumberToObject(x, "model_gflops", r->gflops);
        cJSON_AddNumberToObject(x, "tokens_per_sec_instrumented", r->tps_on);
        cJSON_AddNumberToObject(x, "instrument_ms_per_step", r->instr_ms);
        cJSON_AddNumberToObject(x, "instrumented_steps", (double)r->instr_steps);
        cJSON_AddNumberToObject(x, "instrument_overhead",
                                1.0 - r->tps_on / r->tps_off);
        cJSON_AddNumberToObject(x, "loss_after", r->loss1);
        cJSON *sp = cJSON_AddObjectToObject(x, "split_ms");
        for (int k = 0; k < LMS_TK_N; k++)
            cJSON_AddNumberToObject(sp, lms_tkind_name((lms_tkind)k),
                                    r->split[k]);
        cJSON_AddItemToArray(ar, x);
    }
    cJSON *mem = cJSON_AddObjectToObject(root, "memory_mib");
    cJSON_AddNumberToObject(mem, "peak_rss", rss);
    cJSON_AddNumberToObject(mem, "params_grads_adam_acts", need);
    cJSON_AddNumberToObject(mem, "activations", acts);
    return root;
}

int lms_bench_run(const lms_bench_opts *oin, FILE *out, char *err,
                  size_t errlen) {
    lms_bench_opts o = *oin;
    if (o.steps <= 0)
        o.steps = 30;
    if (o.warmup <= 0)
        o.warmup = 5;
    if (o.threads <= 0)
        o.threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (o.threads <= 0)
        o.threads = 1;
    if (o.square <= 0)
        o.square = 2048;
    lms_bench_job j;
    memset(&j, 0, sizeof j);
    double rss_start = rss_mib();
    if (lms_bench_job_open(&j, &o, err, errlen) != 0) {
        lms_bench_job_close(&j);
        return -1;
    }
    char why[256] = "", cpu[256], isa[256];
    const lms_gemm_backend gb =
        j.t.tc.gemm == LMS_GEMM_AUTO ? lms_gemm_auto(why, sizeof why) : j.t.tc.gemm;
    lms_sgemm_set_backend(gb);
    lms_peak_cpu_name(cpu, sizeof cpu);
    lms_peak_isa(isa, sizeof isa);
    fprintf(out, "CPU: %s; ISA: %s\n%s; lmstab gemm kernel %s\n"
            "gemm backend: %s%s%s%s\n", cpu, isa, openblas_get_config(),
            lms_gemm_isa(), lms_gemm_backend_name(gb),
            j.t.tc.gemm == LMS_GEMM_AUTO ? " (auto: " : "", why,
            j.t.tc.gemm == LMS_GEMM_AUTO ? ")" : "");
    double fm, fa;
    size_t P;
    lms_bench_step_flops(&j.t.m, j.B, j.T, &fm, &fa, &P);
    fprintf(out,
            "lmstab bench %s: d_model %d, %d layers, %d heads, context "
            "%d, batch %d; %zu params (%zu in matmuls)\n",
            o.config_path, j.t.m.mi.d_model, j.t.m.mi.n_layer, j.t.m.mi.n_head, j.T,
            j.B, j.t.m.n_params, P);
    fprintf(out,
            "FLOPs/step = 6 x %zu x %d tokens + attention 6 x layers x T"
            " x d_model x tokens (causal half) = %.3f + %.3f GFLOP\n",
            P, j.B * j.T, fm * 1e-9, fa * 1e-9);
    lms_bench_figs runs[2];
    int nruns = 0;
    int settings[2];
    const int n_settings = lms_bench_thread_settings(&o, settings);
    for (int s = 0; s < n_settings; s++)
        lms_bench_job_run(&j, &o, settings[s], &runs[nruns++]);
    double rss = rss_mib(); /* before the comparisons' extra models */
    if (o.compare_gemm > 0)
        lms_bench_compare_gemm(&j, &o, out, gb);
    if (o.compare_precision > 0 &&
        lms_bench_compare_precision(&o, out, (int)j.t.tc.precision, err,
                                    errlen) != 0) {
        lms_bench_job_close(&j);
        return -1;
    }
    double need = 4.0 * j.t.m.n_params * sizeof(float) / 1048576.0;
    double acts = malloc_usable_size(j.t.m.acts) / 1048576.0;
    lms_bench_roof rf;
    memset(&rf, 0, sizeof rf);
    if (!o.no_roof)
        lms_bench_measure_roof(&j.t.m, j.B, j.T, &o, &rf);
    lms_set_threads(o.threads);
    lms_sgemm_set_backend(gb);

    if (!o.no_roof)
        lms_bench_print_roof(out, &o, &rf, gb);
    fprintf(out, "\ntraining: %d warm-up + %d timed steps per setting\n",
            o.warmup, o.steps);
    for (int i = 0; i < nruns; i++) {
        const lms_bench_figs *r = &runs[i];
        int t = r->threads == 1 ? 0 : 1;
        fprintf(out,
                "threads %d: %.0f tokens/s, %.2f ms/step, %.1f model "
                "GFLOP/s",
                r->threads, r->tps, r->ms_step, r->gflops);
        fprintf(out, " (loss %.3f -> %.3f)\n", r->loss0, r->loss1);
        const int pk = lms_bench_peak_for(&rf, (int)j.t.tc.precision);
        if (!o.no_roof && (r->threads == 1 || r->threads == o.threads)) {
            if (pk >= 0)
                fprintf(out, "  MFU %.1f%% of the hardware %s peak at %d "
                        "thread%s;", 100 * r->gflops / rf.peak[pk][t],
                        lms_peak_name((lms_peak_kind)pk), r->threads,
                        r->threads > 1 ? "s" : "");
            fprintf(out, " %.1f%% of the best sgemm at the model's shapes, "
                    "%.1f%% of %s's (the backend in use)\n",
                    100 * r->gflops / rf.best[t],
                    100 * r->gflops / rf.model[lms_bench_column(gb)][t],
                    lms_gemm_backend_name(gb));
        }
        print_split(out, r);
        fprintf(out,
                "  instrumentation: %+.2f ms per instrumented step (%ld of "
                "%ld steps); every 10 steps: %.0f vs %.0f tokens/s, "
                "overhead %.1f%%\n",
                r->instr_ms, r->instr_steps, r->on_steps, r->tps_on,
                r->tps_off, 100.0 * (1.0 - r->tps_on / r->tps_off));
    }
    if (nruns == 2)
        fprintf(out, "speed-up %d threads / 1 thread: %.2fx\n", o.threads,
                runs[1].tps / runs[0].tps);
    lms_bench_expf(out, j.t.m.mi.vocab, j.B * j.T);
    fprintf(out,
            "\nmemory: peak RSS %.1f MiB (%.1f MiB before the model) vs "
            "params+grads+Adam %.1f MiB + activation arena %.1f MiB = %.1f "
            "MiB: ratio %.2f\n",
            rss, rss_start, need, acts, need + acts, rss / (need + acts));
    int rc = 0;
    if (o.json_path) {
        cJSON *js =
            json_report(&o, &j, &rf, runs, nruns, rss, need + acts, acts);
        char *text = js ? cJSON_Print(js) : NULL;
        cJSON_Delete(js);
        if (!text) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        } else {
            size_t n = strlen(text);
            text[n] = '\n';
            rc = lms_write_atomic(o.json_path, text, n + 1, err, errlen);
            free(text);
        }
    }
    lms_bench_job_close(&j);
    return rc;
}
