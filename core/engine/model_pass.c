/* Forward and backward passes of the model graph. Plugin layers do the
 * per-op work; this file does embeddings, residual adds, the LM head, the
 * softmax cross-entropy and the order of calls. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engine/guard_call.h"
#include "engine/op_timer.h"
#include "kernels/expf_rows.h"
#include "kernels/host.h" /* lms_matmul */
#include "util/clock.h"
#include "engine/metrics.h"
#include "engine/model.h"
#include "kernels/parallel.h"
#include "lmstab/plugin_math.h" /* lms_row_max */

/* Rows the activation buffers were allocated for. */
static size_t alloc_rows(const lms_model *m) {
    return (size_t)m->mi.batch * (size_t)m->mi.context;
}

/* Plugin calls. In guard mode (LMSTAB_GUARD, guard_call.h) each runs on
 * staged copies of its shared buffers with guards after every buffer it
 * is handed; the first write past one is recorded in m->guard_err with the
 * plugin, op and buffer named. y/dx: cap floats allocated. */
static void guard_end(lms_model *m) {
    char msg[sizeof m->guard_err];
    if (lms_guard_call_end(m->gstage, msg, sizeof msg) && !m->guard_err[0])
        snprintf(m->guard_err, sizeof m->guard_err, "%s", msg);
}

static void call_forward(lms_model *m, lms_layer *L, const char *op,
                         float *y, size_t ycap, const float *x, size_t rows,
                         float *stats) {
    if (!m->guard) {
        lms_layer_forward(L, y, x, rows, m->B, m->T, stats);
        return;
    }
    lms_guard_call_begin(m->gstage, L, op, "forward");
    lms_guard_call_zone(m->gstage, "its output y", y,
                        rows * (size_t)L->plan.out_cols, ycap);
    if (stats)
        lms_guard_call_zone(m->gstage, "its stats", stats,
                            (size_t)L->plan.n_stats, lms_layer_stat_floats(L));
    lms_layer_forward(L, y, x, rows, m->B, m->T, stats);
    guard_end(m);
}

static void call_backward(lms_model *m, lms_layer *L, const char *op,
                          float *dx, size_t dxcap, const float *dy,
                          const float *x, const float *y, size_t rows) {
    if (!m->guard) {
        lms_layer_backward(L, dx, dy, x, y, rows, m->B, m->T);
        return;
    }
    lms_guard_call_begin(m->gstage, L, op, "backward");
    lms_guard_call_zone(m->gstage, "its input gradient dx", dx,
                        rows * (size_t)L->plan.in_cols, dxcap);
    lms_layer_backward(L, dx, dy, x, y, rows, m->B, m->T);
    guard_end(m);
}

/* ---- optional op-kind timing (see engine/op_timer.h) ----------------------- */

const char *lms_tkind_name(lms_tkind k) {
    static const char *const names[LMS_TK_N] = {
        "matmul", "attention", "norm",     "activation",
        "loss",   "other",     "optimizer"};
    return (unsigned)k < LMS_TK_N ? names[k] : "?";
}

/* Start of a timed section (0 when m has no timer). */
static inline double lap_start(const lms_model *m) {
    return m->timer ? lms_now() : 0.0;
}

/* Charge the time since *t to kind in m's timer and restart *t. */
static inline void lap(const lms_model *m, double *t, lms_tkind kind) {
    if (m->timer) {
        double n = lms_now();
        m->timer->sec[kind] += n - *t;
        *t = n;
    }
}

static lms_tkind layer_kind(const lms_layer *L) {
    switch (L->plugin->desc->kind) {
    case LMS_KIND_LINEAR: return LMS_TK_MATMUL;
    case LMS_KIND_ATTENTION: return LMS_TK_ATTENTION;
    case LMS_KIND_NORM: return LMS_TK_NORM;
    case LMS_KIND_ACTIVATION: return LMS_TK_ACTIVATION;
    default: return LMS_TK_OTHER;
    }
}

/* resid buffer k: input of branch k (k = l*n_branches + b); the last one is
 * the output of the final block. */
static float *resid_at(lms_model *m, size_t k) {
    return m->resid + k * (size_t)m->B * m->T * m->mi.d_model;
}

/* x: (B,T) tokens -> resid[0] = wte[x] + wpe[t] */
static void embed_forward(lms_model *m, const int32_t *x) {
    const int C = m->mi.d_model, T = m->T;
    const long rows = (long)m->B * T;
    const int nt = lms_par_threads((size_t)rows * C);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
    for (long r = 0; r < rows; r++) {
        const float *te = m->wte + (size_t)x[r] * C;
        const float *pe = m->wpe + (size_t)(r % T) * C;
        float *o = m->resid + (size_t)r * C;
        for (int c = 0; c < C; c++)
            o[c] = te[c] + pe[c];
    }
}

/* dwte[x] += d, dwpe[t] += d. Rows repeat tokens, so threads split the
 * columns instead: each element still sums its rows in row order. */
static void embed_backward(lms_model *m) {
    const int C = m->mi.d_model, T = m->T;
    const size_t rows = (size_t)m->B * T;
    const int nt = lms_par_threads(rows * C);
#pragma omp parallel for num_threads(nt) schedule(static, 1) if (nt > 1)
    for (int p = 0; p < nt; p++) {
        const int c0 = C * p / nt, c1 = C * (p + 1) / nt;
        for (size_t r = 0; r < rows; r++) {
            const float *d = m->dresid + r * C;
            float *dte = m->dwte + (size_t)m->x[r] * C;
            float *dpe = m->dwpe + (r % (size_t)T) * C;
            for (int c = c0; c < c1; c++) {
                dte[c] += d[c];
                dpe[c] += d[c];
            }
        }
    }
}

/* Rows of the softmax that sum side by side: each row's sum of exps is one
 * in-order chain of double adds, which alone waits on every add; eight
 * independent chains keep the adder busy. */
enum { CE_ROWS = 8 };

/* probs = softmax(logits) row-wise; losses[i] = logsumexp - logit[y].
 * Every number is what a row-by-row loop of libm expf and a sequential
 * double sum gives: lms_expf_rows is expf bit for bit, lms_row_max the
 * same maximum (up to the sign of a zero, which changes no result), and
 * each row's sum keeps its order. */
static void softmax_ce(lms_model *m, const int32_t *y, size_t rows) {
    const int V = m->mi.vocab;
    const size_t groups = (rows + CE_ROWS - 1) / CE_ROWS;
    const int nt = lms_par_threads(rows * V);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
    for (size_t g = 0; g < groups; g++) {
        const size_t r0 = g * CE_ROWS;
        const int nr = (int)(rows - r0 < CE_ROWS ? rows - r0 : CE_ROWS);
        float mx[CE_ROWS];
        double sum[CE_ROWS] = {0};
        for (int k = 0; k < nr; k++) {
            const float *z = m->mapped + (r0 + k) * V;
            mx[k] = lms_row_max(z, V);
            lms_expf_rows(m->probs + (r0 + k) * V, z, mx[k], (size_t)V);
        }
        const float *p = m->probs + r0 * V;
        if (nr == CE_ROWS) {
            for (int v = 0; v < V; v++)
                for (int k = 0; k < CE_ROWS; k++)
                    sum[k] += p[(size_t)k * V + v];
        } else {
            for (int k = 0; k < nr; k++)
                for (int v = 0; v < V; v++)
                    sum[k] += p[(size_t)k * V + v];
        }
        for (int k = 0; k < nr; k++) {
            const size_t r = r0 + k;
            const float *z = m->mapped + r * V;
            float *pr = m->probs + r * V;
            const float inv = (float)(1.0 / sum[k]);
            for (int v = 0; v < V; v++)
                pr[v] *= inv;
            m->losses[r] = y ? (float)(log(sum[k]) + mx[k] - z[y[r]]) : 0.0f;
        }
    }
}

float lms_model_forward(lms_model *m, const int32_t *x, const int32_t *y, int B,
                        int T, int flags) {
    const int instrument = flags & LMS_FWD_INSTRUMENT;
    m->instrumented = instrument != 0;
    const int training = (flags & LMS_FWD_TRAINING) != 0;
    if (training != m->training) {
        lms_model_set_training(m, training);
        m->training = training;
    }
    double t = lap_start(m);
    m->B = B;
    m->T = T;
    const int C = m->mi.d_model, V = m->mi.vocab;
    const size_t rows = (size_t)B * T;
    memcpy(m->x, x, rows * sizeof *x);
    if (y)
        memcpy(m->y, y, rows * sizeof *y);
    embed_forward(m, x);
    lap(m, &t, LMS_TK_OTHER);
    size_t k = 0;
    for (int l = 0; l < m->mi.n_layer; l++)
        for (int b = 0; b < m->n_branches; b++, k++) {
            lms_branch *br = &m->blocks[l].br[b];
            const float *in = resid_at(m, k);
            for (int i = 0; i < br->n_ops; i++) {
                lms_op *op = &br->ops[i];
                call_forward(m, op->layer, op->name, op->out,
                             alloc_rows(m) * (size_t)op->out_cols, in, rows,
                             instrument ? op->stats : NULL);
                lap(m, &t, layer_kind(op->layer));
                in = op->out;
            }
            float *next = resid_at(m, k + 1);
            const float *res = resid_at(m, k);
            lms_par_add(next, res, in, rows * C);
            lap(m, &t, LMS_TK_OTHER);
        }
    const float *h = resid_at(m, k);
    if (m->final_norm) {
        call_forward(m, m->final_norm, "final_norm", m->normed,
                     alloc_rows(m) * C, h, rows, NULL);
        h = m->normed;
        lap(m, &t, LMS_TK_NORM);
    }
    /* logits (rows, V) = h (rows, C) @ head^T, at the run's precision */
    lms_matmul(0, 1, (int)rows, V, C, 1.0f, h, C, m->head, C, 0.0f, m->logits,
               V);
    lap(m, &t, LMS_TK_MATMUL);
    if (m->logit_map)
        call_forward(m, m->logit_map, "logit_cap", m->mapped,
                     alloc_rows(m) * V, m->logits, rows, NULL);
    softmax_ce(m, y, rows);
    if (!y) {
        lap(m, &t, LMS_TK_LOSS);
        return 0.0f;
    }
    double loss = 0.0;
    for (size_t r = 0; r < rows; r++)
        loss += m->losses[r];
    if (m->aux_loss) {
        call_forward(m, m->aux_loss, "aux_loss", m->aux_out, alloc_rows(m),
                     m->mapped, rows, NULL);
        for (size_t r = 0; r < rows; r++)
            loss += m->aux_out[r];
    }
    lap(m, &t, LMS_TK_LOSS);
    return (float)(loss / (double)rows);
}

double lms_model_last_ce(const lms_model *m) {
    const size_t rows = (size_t)m->B * m->T;
    double s = 0.0;
    for (size_t r = 0; r < rows; r++)
        s += m->losses[r];
    return s / (double)rows;
}

void lms_model_zero_grad(lms_model *m) {
    lms_par_zero(m->grads, m->n_params);
}

/* Backward of one branch: dresid holds dL/d(branch output) on entry (the
 * residual passes it through unchanged) and gets the branch's input
 * gradient added. The last op reads dresid directly; intermediate
 * gradients alternate between dbuf[0] and dbuf[1]. */
static void branch_backward(lms_model *m, lms_branch *br, const float *in0,
                            size_t rows, double *t) {
    const float *dy = m->dresid;
    if (br->n_ops == 1) { /* the op would read and accumulate into dresid */
        memcpy(m->dbuf[1], m->dresid, rows * m->mi.d_model * sizeof(float));
        dy = m->dbuf[1];
    }
    for (int i = br->n_ops - 1, k = 0; i >= 0; i--, k ^= 1) {
        lms_op *op = &br->ops[i];
        const float *in = i > 0 ? br->ops[i - 1].out : in0;
        /* op 0 accumulates into dresid, instrumented or not (accumulating
         * into a zeroed buffer and adding it after rounds differently, so
         * logging would change the run); its own input gradient's norm is
         * then taken from dresid minus a copy made before */
        const int linear = op->layer->plugin->desc->kind == LMS_KIND_LINEAR;
        const int separate = i > 0, delta = !separate && m->instrumented && linear;
        float *target = separate ? m->dbuf[k] : m->dresid;
        const size_t n_in = rows * op->in_cols;
        if (separate)
            lms_par_zero(target, n_in);
        if (delta) /* dbuf[k] is free: dy is dbuf[k ^ 1] or dresid's copy */
            memcpy(m->dbuf[k], m->dresid, n_in * sizeof(float));
        lap(m, t, LMS_TK_OTHER);
        const size_t cap = alloc_rows(m) *
                           (separate ? m->max_cols : (size_t)m->mi.d_model);
        call_backward(m, op->layer, op->name, target, cap, dy, in, op->out,
                      rows);
        lap(m, t, layer_kind(op->layer));
        if (delta) {
            float *d = m->dbuf[k];
            for (size_t e = 0; e < n_in; e++)
                d[e] = m->dresid[e] - d[e];
            op->in_grad_norm = lms_mean_row_norm(d, rows, op->in_cols);
        } else if (m->instrumented && linear) {
            op->in_grad_norm = lms_mean_row_norm(target, rows, op->in_cols);
        }
        dy = target;
    }
}

void lms_model_backward(lms_model *m) {
    const int C = m->mi.d_model, V = m->mi.vocab;
    const size_t rows = (size_t)m->B * m->T;
    const float inv = 1.0f / (float)rows;
    double t = lap_start(m);
    /* dL/dmapped = (softmax - onehot) / rows, written over probs */
    float *dmapped = m->probs;
    const int nt = lms_par_threads(rows * V);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
    for (size_t r = 0; r < rows; r++) {
        float *p = dmapped + r * V;
        p[m->y[r]] -= 1.0f;
        for (int v = 0; v < V; v++)
            p[v] *= inv;
    }
    if (m->aux_loss) {
        float *daux = m->dnormed; /* free until the final-norm backward */
        for (size_t r = 0; r < rows; r++)
            daux[r] = inv;
        call_backward(m, m->aux_loss, "aux_loss", dmapped, alloc_rows(m) * V,
                      daux, m->mapped, m->aux_out, rows);
    }
    float *dlogits = dmapped;
    if (m->logit_map) {
        lms_par_zero(m->dlogits2, rows * V);
        call_backward(m, m->logit_map, "logit_cap", m->dlogits2,
                      alloc_rows(m) * V, dmapped, m->logits, m->mapped, rows);
        dlogits = m->dlogits2;
    }
    lap(m, &t, LMS_TK_LOSS);
    size_t nk = (size_t)m->mi.n_layer * m->n_branches;
    const float *h = m->final_norm ? m->normed : resid_at(m, nk);
    float *dh = m->final_norm ? m->dnormed : m->dresid;
    /* dhead += dlogits^T h ; dh = dlogits head (beta 0: no clear needed);
     * at bf16 dlogits, h and head are each rounded (lms_matmul) */
    lms_matmul(1, 0, V, C, (int)rows, 1.0f, dlogits, V, h, C, 1.0f, m->dhead,
               C);
    lms_matmul(0, 0, (int)rows, C, V, 1.0f, dlogits, V, m->head, C, 0.0f, dh,
               C);
    lap(m, &t, LMS_TK_MATMUL);
    if (m->final_norm) {
        lms_par_zero(m->dresid, rows * C);
        lap(m, &t, LMS_TK_OTHER);
        call_backward(m, m->final_norm, "final_norm", m->dresid,
                      alloc_rows(m) * C, dh, resid_at(m, nk), m->normed, rows);
        lap(m, &t, LMS_TK_NORM);
    }
    for (size_t k = nk; k-- > 0;) {
        int l = (int)(k / m->n_branches), b = (int)(k % m->n_branches);
        branch_backward(m, &m->blocks[l].br[b], resid_at(m, k), rows, &t);
    }
    embed_backward(m);
    lap(m, &t, LMS_TK_OTHER);
}
