/* What a training run says while it runs, for people and for tools:
 *  - a start banner (model, data, compute, run) on stderr;
 *  - in a terminal, one live line (\r) with the last validation loss;
 *  - outside one (a log file, nohup, a batch job), a plain line every
 *    --progress-every steps (default a tenth of the run) or
 *    --progress-seconds (default 60), whichever comes first, and one per
 *    evaluation; never a carriage return;
 *  - with --json FILE (`-`: stdout), one JSON object per line: events
 *    start, eval, step (every logged step), end (schema in docs/cli.md).
 * --quiet silences stderr, not the JSON stream. Only rank 0 speaks.
 * Paths are shown as lmstab writes them (outpath.h): never absolute. */
#include <cblas.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/duration.h"
#include "util/outpath.h"
#include "util/signame.h"
#include "train/train_job.h"

/* One JSON object as one line, flushed (a tool reads it as it comes). A
 * stream that fails (a full disk, a reader gone: SIGPIPE is ignored by
 * `train`) takes no more events: its first error stops the run (train.c),
 * with a checkpoint, rather than leave a stream with a hole. */
static void emit(job *j, cJSON *o) {
    lms_progress *pg = &j->pg;
    char *text = pg->json && !pg->json_errno ? cJSON_PrintUnformatted(o) : NULL;
    if (text) {
        errno = 0;
        if (fprintf(pg->json, "%s\n", text) < 0 || fflush(pg->json) != 0)
            pg->json_errno = errno ? errno : EIO;
    }
    cJSON_free(text);
    cJSON_Delete(o);
}

static cJSON *event(const char *name) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "event", name);
    return o;
}

int lms_progress_open(job *j, char *err, size_t errlen) {
    lms_progress *pg = &j->pg;
    const lms_train_opts *o = j->o;
    memset(pg, 0, sizeof *pg);
    pg->show = o->progress && j->t.root;
    pg->tty = pg->show && isatty(2);
    pg->every = o->progress_every > 0 ? o->progress_every
                : j->t.tc.max_steps >= 10 ? j->t.tc.max_steps / 10 : 1;
    pg->seconds = o->progress_seconds > 0 ? o->progress_seconds : 60.0;
    if (!o->json_path || !j->t.root)
        return 0;
    if (!strcmp(o->json_path, "-")) {
        pg->json = stdout;
        return 0;
    }
    /* non-blocking open: a FIFO without a reader is refused (ENXIO), not
     * waited on for ever; then blocking writes as usual */
    int fd = open(o->json_path, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK |
                  O_CLOEXEC, 0666);
    if (fd >= 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
        close(fd);
        fd = -1;
    }
    if (fd < 0 || !(pg->json = fdopen(fd, "w"))) {
        snprintf(err, errlen, "%s: cannot write the --json stream: %s%s",
                 o->json_path, strerror(errno),
                 errno == ENXIO ? " (a FIFO without a reader)" : "");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    pg->own_json = 1;
    return 0;
}

int lms_progress_close(job *j, char *err, size_t errlen) {
    lms_progress *pg = &j->pg;
    errno = 0;
    if (pg->json && !pg->json_errno &&
        (pg->own_json ? fclose(pg->json) : fflush(pg->json)) != 0)
        pg->json_errno = errno ? errno : EIO;
    else if (pg->own_json && pg->json_errno)
        fclose(pg->json);
    pg->json = NULL;
    pg->own_json = 0;
    if (!pg->json_errno)
        return 0;
    snprintf(err, errlen, "%s: cannot write the --json stream: %s",
             !strcmp(j->o->json_path, "-") ? "stdout" : j->o->json_path,
             strerror(pg->json_errno));
    return -1;
}

void lms_progress_start(job *j, const lms_train_result *r) {
    lms_progress *pg = &j->pg;
    char cfg[4096], data[4096], out[4096], kern[64];
    lms_output_path(j->t.cfg.path, cfg, sizeof cfg);
    lms_output_path(j->t.data_path, data, sizeof data);
    lms_output_path(j->o->out_dir ? j->o->out_dir : "", out, sizeof out);
    const char *gemm = lms_gemm_backend_name((lms_gemm_backend)j->st.gemm);
    snprintf(kern, sizeof kern, "%s",
             lms_gemm_kernel_name((lms_gemm_backend)j->st.gemm));
    const size_t n_val = j->t.data.n_tokens - j->t.data.n_train;
    const long from = r->resumed_from > 0 ? r->resumed_from : 0;
    pg->t0 = pg->t_last = lms_job_now();
    pg->first_step = from;
    if (pg->show)
        fprintf(stderr, "lmstab: model %s: %zu parameters, %s, vocabulary "
                "%d\nlmstab: data %s: %zu tokens (%zu train, %zu validation)\n"
                "lmstab: steps %ld to %ld, %d thread%s (OpenBLAS %d), gemm %s "
                "(%s)%s, output %s\n", cfg, j->t.m.n_params,
                lms_precision_name(j->t.tc.precision), j->t.m.mi.vocab, data,
                j->t.data.n_tokens, j->t.data.n_train, n_val, from,
                j->t.tc.max_steps, lms_get_threads(),
                lms_get_threads() == 1 ? "" : "s", openblas_get_num_threads(),
                gemm, kern,
                j->t.tc.adapt_threads && lms_get_threads() > 1
                    ? ", threads adapt"
                    : "",
                j->o->out_dir ? out : "none (no --out)");
    cJSON *e = event("start");
    cJSON_AddStringToObject(e, "config", cfg);
    cJSON_AddNumberToObject(e, "n_params", (double)j->t.m.n_params);
    cJSON_AddNumberToObject(e, "vocab_size", j->t.m.mi.vocab);
    cJSON_AddStringToObject(e, "precision",
                            lms_precision_name(j->t.tc.precision));
    cJSON_AddStringToObject(e, "data", data);
    cJSON_AddNumberToObject(e, "data_tokens", (double)j->t.data.n_tokens);
    cJSON_AddNumberToObject(e, "train_tokens", (double)j->t.data.n_train);
    cJSON_AddNumberToObject(e, "val_tokens", (double)n_val);
    cJSON_AddNumberToObject(e, "threads", lms_get_threads());
    cJSON_AddNumberToObject(e, "blas_threads", openblas_get_num_threads());
    cJSON_AddStringToObject(e, "gemm", gemm);
    cJSON_AddStringToObject(e, "gemm_kernel", kern);
    if (j->o->out_dir)
        cJSON_AddStringToObject(e, "out", out);
    else
        cJSON_AddNullToObject(e, "out");
    cJSON_AddNumberToObject(e, "start_step", (double)from);
    cJSON_AddNumberToObject(e, "max_steps", (double)j->t.tc.max_steps);
    emit(j, e);
}

/* "  (1.234 bits/byte)", or "" when unknown. */
static const char *bpb_text(const job *j, double val) {
    static char buf[48];
    double b = lms_job_bpb(j, val);
    if (!isfinite(b))
        return "";
    snprintf(buf, sizeof buf, " (%.4f bits/byte)", b);
    return buf;
}

void lms_progress_eval(job *j, long step, double val) {
    lms_progress *pg = &j->pg;
    pg->val = val;
    pg->has_val = 1;
    if (pg->show && !pg->tty)
        fprintf(stderr, "step %ld/%ld  validation loss %.4f%s\n", step,
                j->t.tc.max_steps, val, bpb_text(j, val));
    cJSON *e = event("eval");
    cJSON_AddNumberToObject(e, "step", (double)step);
    cJSON_AddNumberToObject(e, "val_loss", val);
    cJSON_AddNumberToObject(e, "val_bpb", lms_job_bpb(j, val));
    emit(j, e);
}

/* The line's text, without a line end. */
static void line(const job *j, char *out, size_t n, long step, double loss,
                 float lr, double tps, double eta) {
    char val[32] = "", t[32];
    if (j->pg.has_val)
        snprintf(val, sizeof val, "  val %.4f", j->pg.val);
    lms_fmt_duration(t, sizeof t, eta);
    snprintf(out, n, "step %6ld/%ld  loss %.4f%s  lr %.3e  %8.0f tok/s  ETA "
             "%s", step, j->t.tc.max_steps, loss, val, lr, tps, t);
}

void lms_progress_step(job *j, long step, double loss, float lr, double gnorm,
                       double tps, double elapsed, int logged, int last) {
    lms_progress *pg = &j->pg;
    const double now = lms_job_now();
    /* this part's pace (a resumed run's earlier part ran elsewhere) */
    const double eta = step > pg->first_step
                           ? (now - pg->t0) / (double)(step - pg->first_step) *
                                 (double)(j->t.tc.max_steps - step)
                           : 0.0;
    char text[256];
    if (pg->show && pg->tty && (logged || last)) {
        line(j, text, sizeof text, step, loss, lr, tps, eta);
        fprintf(stderr, "\r%s  ", text);
        fflush(stderr);
        pg->open_line = 1;
    } else if (pg->show && !pg->tty &&
               (step % pg->every == 0 || now - pg->t_last >= pg->seconds ||
                step == pg->first_step + 1 || last)) {
        line(j, text, sizeof text, step, loss, lr, tps, eta);
        fprintf(stderr, "%s\n", text);
        pg->t_last = now;
    }
    if (!logged && !last)
        return;
    cJSON *e = event("step"); /* "step" as metrics.csv's: the step's index */
    cJSON_AddNumberToObject(e, "step", (double)(step - 1));
    cJSON_AddNumberToObject(e, "max_steps", (double)j->t.tc.max_steps);
    cJSON_AddNumberToObject(e, "train_loss", loss);
    cJSON_AddNumberToObject(e, "lr", lr);
    cJSON_AddNumberToObject(e, "grad_norm", gnorm);
    cJSON_AddNumberToObject(e, "tokens_per_sec", tps);
    cJSON_AddNumberToObject(e, "elapsed_s", elapsed);
    cJSON_AddNumberToObject(e, "eta_s", eta);
    emit(j, e);
}

/* Ends the live line before anything else is printed. */
void lms_progress_break(job *j) {
    if (j->pg.open_line)
        fputc('\n', stderr);
    j->pg.open_line = 0;
}

void lms_progress_end(job *j, const lms_train_result *r) {
    lms_progress_break(j);
    cJSON *e = event("end");
    cJSON_AddStringToObject(e, "status", r->interrupted ? "stopped"
                                         : r->diverged  ? "diverged"
                                                        : "finished");
    cJSON_AddNumberToObject(e, "steps", (double)r->steps);
    if (r->interrupted) {
        cJSON_AddStringToObject(e, "signal", lms_signal_name(r->interrupted));
        cJSON_AddBoolToObject(e, "checkpoint", r->checkpointed);
    } else {
        cJSON_AddNumberToObject(e, "final_val_loss", r->final_val_loss);
        cJSON_AddStringToObject(e, "verdict", lms_verdict_name(r->verdict));
        cJSON_AddStringToObject(e, "diverged_reason", r->diverged_reason);
    }
    emit(j, e);
}
