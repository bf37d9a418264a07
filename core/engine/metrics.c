/* metrics.csv writer and the per-layer signals of the paper. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/metrics.h"
#include "kernels/parallel.h"

typedef struct rows_ctx {
    const float *x;
    int cols;
} rows_ctx;

/* sum of the L2 norms of rows [lo, hi) */
LMS_HOT static double row_norms(void *ctx, size_t lo, size_t hi) {
    const rows_ctx *c = ctx;
    double total = 0.0;
    for (size_t r = lo; r < hi; r++) {
        const float *p = c->x + r * c->cols;
        /* 8 float partial sums: vectorizes, and a row is short enough that
         * float accumulation costs no meaningful precision here */
        float acc[8] = {0};
        int j = 0;
        for (; j + 8 <= c->cols; j += 8)
            for (int k = 0; k < 8; k++)
                acc[k] += p[j + k] * p[j + k];
        double s = 0.0;
        for (int k = 0; k < 8; k++)
            s += acc[k];
        for (; j < c->cols; j++)
            s += (double)p[j] * p[j];
        total += sqrt(s);
    }
    return total;
}

double lms_mean_row_norm(const float *x, size_t rows, int cols) {
    rows_ctx c = {x, cols};
    /* chunks of ~16K floats, a fixed number of rows: thread-independent */
    size_t chunk = cols > 0 && cols < 16384 ? 16384 / (size_t)cols : 1;
    return rows ? lms_par_sum(rows, chunk, row_norms, &c) / (double)rows : 0.0;
}

static int is_linear(const lms_op *op) {
    return op->layer->plugin->desc->kind == LMS_KIND_LINEAR;
}

static double frob(const float *w, size_t n) {
    return sqrt(lms_par_sumsq(w, n));
}

static double rms(const float *w, size_t n) {
    return n ? frob(w, n) / sqrt((double)n) : 0.0;
}

typedef struct logits_ctx {
    const float *z;
    int V;
} logits_ctx;

/* sum over rows [lo, hi) of log sum_v exp(z_v) (max subtracted) */
static double row_logz(void *ctx, size_t lo, size_t hi) {
    const logits_ctx *c = ctx;
    double total = 0.0;
    for (size_t r = lo; r < hi; r++) {
        const float *z = c->z + r * c->V;
        float mx = z[0];
        for (int v = 1; v < c->V; v++)
            mx = z[v] > mx ? z[v] : mx;
        double s = 0.0;
        for (int v = 0; v < c->V; v++)
            s += exp((double)z[v] - mx);
        total += log(s) + mx;
    }
    return total;
}

/* max |z| over n floats (order-free: thread count cannot change it) */
static double abs_max(const float *z, size_t n) {
    float m = 0.0f;
    for (size_t i = 0; i < n; i++) {
        float a = fabsf(z[i]);
        m = a > m || a != a ? a : m; /* a NaN sticks */
    }
    return m;
}

/* One instrumentation column: its name, value and whether it is a max. */
typedef void (*column_fn)(void *user, const char *name, double value,
                          int is_max);

/* Every instrumentation column in order (the header and the values come
 * from this one walk, so they cannot disagree); values are computed only
 * when with_values. First the LM head (the output-logit instability of
 * Wortsman et al. 2023): head.max_abs_logit (max |logit| of the head's
 * output, before any logit map) and head.log_z (mean over tokens of the log
 * partition function of the softmax the loss uses). Then per op of block l:
 *   linear ops: out_norm, in_grad_norm, w_norm
 *   norm ops: gain_rms; norm children: <slot>.gain_rms
 *   plugin stats (attention: max_score, max_score_capped, entropy) */
static void columns(const lms_model *m, int with_values, column_fn fn,
                    void *user) {
    size_t rows = (size_t)m->B * m->T;
    char name[160];
    logits_ctx lz = {m->mapped, m->mi.vocab};
    size_t chunk = lz.V < 16384 ? 16384 / (size_t)lz.V : 1;
    fn(user, "head.max_abs_logit",
       with_values ? abs_max(m->logits, rows * (size_t)lz.V) : 0, 1);
    fn(user, "head.log_z",
       with_values && rows ? lms_par_sum(rows, chunk, row_logz, &lz) / (double)rows
                           : 0, 0);
    for (int l = 0; l < m->mi.n_layer; l++)
        for (int b = 0; b < m->n_branches; b++)
            for (int i = 0; i < m->blocks[l].br[b].n_ops; i++) {
                const lms_op *op = &m->blocks[l].br[b].ops[i];
                const lms_layer *L = op->layer;
                const char *on = op->name;
                if (is_linear(op)) {
                    snprintf(name, sizeof name, "h%d.%s.out_norm", l, on);
                    fn(user, name, with_values ? lms_mean_row_norm(op->out, rows,
                                                                   op->out_cols) : 0, 0);
                    snprintf(name, sizeof name, "h%d.%s.in_grad_norm", l, on);
                    fn(user, name, op->in_grad_norm, 0);
                    snprintf(name, sizeof name, "h%d.%s.w_norm", l, on);
                    fn(user, name, with_values ? frob(L->w[0], L->param_numel[0]) : 0, 0);
                }
                if (L->plugin->desc->kind == LMS_KIND_NORM && L->plan.n_params > 0) {
                    snprintf(name, sizeof name, "h%d.%s.gain_rms", l, on);
                    fn(user, name, with_values ? rms(L->w[0], L->param_numel[0]) : 0, 0);
                }
                for (int c = 0; c < L->n_slots; c++) {
                    const lms_layer *ch = L->children[c];
                    if (!ch || ch->plugin->desc->kind != LMS_KIND_NORM ||
                        ch->plan.n_params == 0)
                        continue;
                    snprintf(name, sizeof name, "h%d.%s.%s.gain_rms", l, on,
                             L->plugin->desc->slots[c].name);
                    fn(user, name, with_values ? rms(ch->w[0], ch->param_numel[0]) : 0, 0);
                }
                for (int s = 0; s < L->plan.n_stats; s++) {
                    snprintf(name, sizeof name, "h%d.%s.%s", l, on,
                             L->plan.stat_names[s]);
                    fn(user, name, with_values ? op->stats[s] : 0,
                       !strncmp(L->plan.stat_names[s], "max", 3));
                }
            }
}

/* Push what stdio holds to the file now: a full disk stops the run at this
 * row, not at the end of a run whose rows were silently lost. */
static int flush_checked(lms_metrics *mt, char *err, size_t errlen) {
    if (fflush(mt->f) == 0 && !ferror(mt->f))
        return 0;
    snprintf(err, errlen, "%s: cannot write: %s (the rows before this one "
             "are kept)", mt->path, strerror(errno ? errno : EIO));
    fclose(mt->f); /* later writes would only fail again */
    mt->f = NULL;
    return -1;
}

static void header_column(void *user, const char *name, double v, int mx) {
    (void)v;
    (void)mx;
    fprintf(user, ",%s", name);
}

int lms_metrics_open(lms_metrics *mt, const char *path, const lms_model *m,
                     char *err, size_t errlen) {
    memset(mt, 0, sizeof *mt);
    snprintf(mt->path, sizeof mt->path, "%s", path);
    mt->f = fopen(path, "w");
    if (!mt->f) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        return -1;
    }
    fprintf(mt->f, "step,lr,train_loss,val_loss,grad_norm,tokens_per_sec,elapsed_s,"
               "val_bpb");
    columns(m, 0, header_column, mt->f);
    fputc('\n', mt->f);
    mt->ncols_inst = (int)lms_metrics_collect(m, NULL, NULL, 0);
    return flush_checked(mt, err, errlen);
}

int lms_metrics_append(lms_metrics *mt, const char *path, char *err,
                       size_t errlen) {
    memset(mt, 0, sizeof *mt);
    snprintf(mt->path, sizeof mt->path, "%s", path);
    if (!(mt->f = fopen(path, "a"))) {
        snprintf(err, errlen, "%s: cannot append: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

typedef struct collector {
    double *vals;
    int *is_max;
    size_t n, cap;
} collector;

static void collect_column(void *user, const char *name, double v, int mx) {
    (void)name;
    collector *c = user;
    if (c->vals && c->n < c->cap) {
        c->vals[c->n] = v;
        c->is_max[c->n] = mx;
    }
    c->n++;
}

size_t lms_metrics_collect(const lms_model *m, double *vals, int *is_max,
                           size_t cap) {
    collector c = {vals, is_max, 0, cap};
    columns(m, vals != NULL, collect_column, &c);
    return c.n;
}

int lms_metrics_write(lms_metrics *mt, const lms_metrics_row *r,
                      const double *vals, size_t nvals, char *err,
                      size_t errlen) {
    if (!mt->f)
        return 0;
    fprintf(mt->f, "%ld,%.6g,%.6f,", r->step, r->lr, r->train_loss);
    if (r->has_val)
        fprintf(mt->f, "%.6f", r->val_loss);
    fprintf(mt->f, ",%.6g,%.1f,%.3f,", r->grad_norm, r->tokens_per_sec,
            r->elapsed);
    if (r->has_val && isfinite(r->val_bpb))
        fprintf(mt->f, "%.6f", r->val_bpb);
    for (size_t i = 0; i < nvals; i++)
        if (r->instrumented)
            fprintf(mt->f, ",%.6g", vals[i]);
        else
            fputc(',', mt->f);
    fputc('\n', mt->f);
    return flush_checked(mt, err, errlen);
}

int lms_metrics_write_final(lms_metrics *mt, long step, double val_loss,
                            double val_bpb, char *err, size_t errlen) {
    if (!mt->f)
        return 0;
    fprintf(mt->f, "%ld,,,%.6f,,,,", step, val_loss);
    if (isfinite(val_bpb))
        fprintf(mt->f, "%.6f", val_bpb);
    for (int i = 0; i < mt->ncols_inst; i++)
        fputc(',', mt->f);
    fputc('\n', mt->f);
    return flush_checked(mt, err, errlen);
}

double lms_metrics_as_written(double x, int general) {
    char b[64];
    snprintf(b, sizeof b, general ? "%.6g" : "%.6f", x);
    return strtod(b, NULL);
}

void lms_metrics_close(lms_metrics *mt) {
    if (mt && mt->f) {
        fclose(mt->f);
        mt->f = NULL;
    }
}
