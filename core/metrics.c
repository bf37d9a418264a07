/* metrics.csv writer and the per-layer signals of the paper. */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "lmstab/metrics.h"

double lms_mean_row_norm(const float *x, size_t rows, int cols) {
    double total = 0.0;
    for (size_t r = 0; r < rows; r++) {
        const float *p = x + r * cols;
        double s = 0.0;
        for (int c = 0; c < cols; c++)
            s += (double)p[c] * p[c];
        total += sqrt(s);
    }
    return rows ? total / (double)rows : 0.0;
}

static int is_linear(const lms_op *op) {
    return op->layer->plugin->desc->kind == LMS_KIND_LINEAR;
}

int lms_metrics_open(lms_metrics *mt, const char *path, const lms_model *m,
                     char *err, size_t errlen) {
    memset(mt, 0, sizeof *mt);
    mt->f = fopen(path, "w");
    if (!mt->f) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        return -1;
    }
    fprintf(mt->f, "step,lr,train_loss,val_loss,grad_norm,tokens_per_sec,elapsed_s");
    for (int l = 0; l < m->mi.n_layer; l++)
        for (int b = 0; b < m->n_branches; b++)
            for (int i = 0; i < m->blocks[l].br[b].n_ops; i++) {
                const lms_op *op = &m->blocks[l].br[b].ops[i];
                if (is_linear(op))
                    fprintf(mt->f, ",h%d.%s.out_norm,h%d.%s.w_norm", l,
                            op->name, l, op->name);
                for (int s = 0; s < op->layer->plan.n_stats; s++)
                    fprintf(mt->f, ",h%d.%s.%s", l, op->name,
                            op->layer->plan.stat_names[s]);
            }
    fputc('\n', mt->f);
    fflush(mt->f);
    mt->ncols_inst = (int)lms_metrics_collect(m, NULL, NULL, 0);
    return 0;
}

static double frob(const float *w, size_t n) {
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (double)w[i] * w[i];
    return sqrt(s);
}

size_t lms_metrics_collect(const lms_model *m, double *vals, int *is_max,
                           size_t cap) {
    size_t n = 0, rows = (size_t)m->B * m->T;
    for (int l = 0; l < m->mi.n_layer; l++)
        for (int b = 0; b < m->n_branches; b++)
            for (int i = 0; i < m->blocks[l].br[b].n_ops; i++) {
                const lms_op *op = &m->blocks[l].br[b].ops[i];
                int lin = is_linear(op), ns = op->layer->plan.n_stats;
                size_t need = (size_t)(lin ? 2 : 0) + (size_t)ns;
                if (vals && n + need <= cap) {
                    if (lin) {
                        is_max[n] = is_max[n + 1] = 0;
                        vals[n] = lms_mean_row_norm(op->out, rows, op->out_cols);
                        vals[n + 1] = frob(op->layer->w[0],
                                           op->layer->param_numel[0]);
                    }
                    for (int s = 0; s < ns; s++) {
                        size_t k = n + (lin ? 2 : 0) + (size_t)s;
                        is_max[k] = !strncmp(op->layer->plan.stat_names[s], "max", 3);
                        vals[k] = op->stats[s];
                    }
                }
                n += need;
            }
    return n;
}

void lms_metrics_write(lms_metrics *mt, const lms_metrics_row *r,
                       const double *vals, size_t nvals) {
    if (!mt->f)
        return;
    fprintf(mt->f, "%ld,%.6g,%.6f,", r->step, r->lr, r->train_loss);
    if (r->has_val)
        fprintf(mt->f, "%.6f", r->val_loss);
    fprintf(mt->f, ",%.6g,%.1f,%.3f", r->grad_norm, r->tokens_per_sec,
            r->elapsed);
    for (size_t i = 0; i < nvals; i++)
        if (r->instrumented)
            fprintf(mt->f, ",%.6g", vals[i]);
        else
            fputc(',', mt->f);
    fputc('\n', mt->f);
    fflush(mt->f);
}

void lms_metrics_close(lms_metrics *mt) {
    if (mt && mt->f) {
        fclose(mt->f);
        mt->f = NULL;
    }
}
