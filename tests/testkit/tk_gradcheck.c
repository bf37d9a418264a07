/* The test kit's finite-difference gradient check (lms_tk_gradcheck, see
 * testkit.h): analytic gradients from backward against central, forward
 * and backward differences of loss = sum(y * r). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/layer.h"
#include "testkit.h"
#include "util/rng.h"

/* ---- finite-difference gradient check ----------------------------------- */

#define GC_MAX_TENSORS 64

typedef struct gc_tensor {
    char name[128];
    float *w;         /* values perturbed */
    const float *ana; /* analytic gradient */
    size_t n;
} gc_tensor;

typedef struct gc_list {
    gc_tensor t[GC_MAX_TENSORS];
    int n;
    float *ana_base; /* analytic gradients, laid out like t->grads */
    float *grads;
} gc_list;

static void collect_visit(void *user, const char *name, const lms_param_decl *d,
                          float *w, float *dw, size_t n) {
    gc_list *l = user;
    if (l->n == GC_MAX_TENSORS || d->buffer)
        return; /* buffers are state the plugin updates, not trained */
    gc_tensor *t = &l->t[l->n++];
    snprintf(t->name, sizeof t->name, "%s", name);
    t->w = w;
    t->ana = l->ana_base + (dw - l->grads);
    t->n = n;
}

static double loss_at(lms_tk *t, const float *r) {
    lms_tk_forward_rows(t, t->B);
    double s = 0;
    size_t ny = t->rows * (size_t)t->out_cols;
    for (size_t i = 0; i < ny; i++)
        s += (double)t->y[i] * (double)r[i];
    return s;
}

/* Cache and scratch hold anything between calls (scratch is shared with
 * other layers): poison them so that a plugin relying on their contents
 * shows up as NaN. */
static void poison(lms_tk *t, int cache) {
    for (size_t i = 0; i < t->n_scratch; i++)
        t->scratch[i] = NAN;
    for (size_t i = 0; cache && i < t->n_cache; i++)
        t->cache[i] = NAN;
}

/* Forward leaves finite outputs and stats, and is deterministic. */
static int check_forward(lms_tk *t, char *err, size_t errlen) {
    size_t ny = t->rows * (size_t)t->out_cols;
    for (size_t i = 0; i < ny; i++)
        t->y[i] = NAN;
    poison(t, 1);
    lms_tk_forward(t);
    for (size_t i = 0; i < ny; i++)
        if (!isfinite(t->y[i])) {
            snprintf(err, errlen,
                     "forward left y[%zu] = %g on finite input (does it "
                     "write every output?)",
                     i, t->y[i]);
            return -1;
        }
    for (int i = 0; i < t->L->plan.n_stats; i++)
        if (!isfinite(t->stats[i])) {
            snprintf(err, errlen, "forward wrote a non-finite stat '%s'",
                     t->L->plan.stat_names[i]);
            return -1;
        }
    float *y0 = malloc(ny * sizeof *y0);
    if (!y0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(y0, t->y, ny * sizeof *y0);
    poison(t, 1);
    lms_tk_forward(t);
    int rc = memcmp(y0, t->y, ny * sizeof *y0) != 0;
    free(y0);
    if (rc)
        snprintf(err, errlen,
                 "forward is not deterministic (two calls on "
                 "the same input differ)");
    return rc ? -1 : 0;
}

/* Backward on buffers pre-filled with `pre`: analytic = result - pre. */
static int analytic_grads(lms_tk *t, const float *r, float *ana_x, float *ana_p,
                          float pre, char *err, size_t errlen) {
    size_t nx = t->rows * (size_t)t->in_cols;
    size_t ny = t->rows * (size_t)t->out_cols;
    memcpy(t->dy, r, ny * sizeof *r);
    poison(t, 1);
    lms_tk_forward_rows(t, t->B);
    poison(t, 0);
    for (size_t i = 0; i < nx; i++)
        t->dx[i] = pre;
    for (size_t i = 0; i < t->n_params; i++)
        t->grads[i] = pre;
    lms_tk_backward_acc(t);
    for (size_t i = 0; i < nx; i++)
        ana_x[i] = t->dx[i] - pre;
    for (size_t i = 0; i < t->n_params; i++)
        ana_p[i] = t->grads[i] - pre;
    for (size_t i = 0; i < nx; i++)
        if (!isfinite(ana_x[i])) {
            snprintf(err, errlen, "backward left dx[%zu] = %g", i, t->dx[i]);
            return -1;
        }
    for (size_t i = 0; i < t->n_params; i++)
        if (!isfinite(ana_p[i])) {
            snprintf(err, errlen,
                     "backward left a non-finite parameter "
                     "gradient");
            return -1;
        }
    return 0;
}

typedef struct gc_point {
    int tensor;
    size_t idx;
    double ana, num, fwd, bwd;
    double noise; /* rounding noise expected in num */
} gc_point;

/* Central, forward and backward differences at up to max_elems elements of
 * each tensor. Returns the number of points written. */
static size_t numeric_points(lms_tk *t, const gc_list *l, const float *r,
                             const lms_tk_gc_opts *o, gc_point *pts) {
    double L0 = loss_at(t, r);
    /* float rounding moves each y_i by a few ulps: |dL| ~ 2^-24 *
     * sqrt(sum (y_i r_i)^2) per evaluation; allow 16 times that */
    double ss = 0;
    for (size_t i = 0; i < t->rows * (size_t)t->out_cols; i++)
        ss += ((double)t->y[i] * r[i]) * ((double)t->y[i] * r[i]);
    double dL = 16.0 * ldexp(1.0, -24) * sqrt(ss);
    size_t np = 0;
    lms_rng rng;
    lms_rng_seed(&rng, o->seed, 5);
    for (int k = 0; k < l->n; k++) {
        const gc_tensor *g = &l->t[k];
        size_t m = g->n < o->max_elems ? g->n : o->max_elems;
        /* step scale: the tensor's RMS when below 1, so that small
         * scale-invariant weights (std 0.02) are not probed with a step
         * comparable to their size */
        double ss = 0;
        for (size_t i = 0; i < g->n; i++)
            ss += (double)g->w[i] * g->w[i];
        double rms = g->n ? sqrt(ss / (double)g->n) : 0.0;
        double scale = rms > 0 && rms < 1 ? rms : 1.0;
        for (size_t e = 0; e < m; e++) {
            size_t idx = e;
            if (m < g->n) { /* spread: one random element per stride */
                size_t lo = e * g->n / m, hi = (e + 1) * g->n / m;
                idx = lo + (size_t)lms_rng_below(&rng, hi - lo);
            }
            float v = g->w[idx];
            float h = (float)(o->h * fmax(scale, fabs((double)v)));
            g->w[idx] = v + h;
            double hp = (double)g->w[idx] - v; /* the step actually taken */
            double Lp = loss_at(t, r);
            g->w[idx] = v - h;
            double hm = v - (double)g->w[idx];
            double Lm = loss_at(t, r);
            g->w[idx] = v;
            gc_point *p = &pts[np++];
            p->tensor = k;
            p->idx = idx;
            p->ana = g->ana[idx];
            p->num = (Lp - Lm) / (hp + hm);
            p->fwd = (Lp - L0) / hp;
            p->bwd = (L0 - Lm) / hm;
            p->noise = 2 * dL / (hp + hm);
        }
    }
    return np;
}

int lms_tk_gradcheck(lms_tk *t, const lms_tk_gc_opts *oin,
                     lms_tk_gc_result *res, char *err, size_t errlen) {
    lms_tk_gc_opts o = {1e-2, 5e-3, 1e-2, 1e-3, 256, 1234, 0};
    if (oin) {
        o.h = oin->h > 0 ? oin->h : o.h;
        o.tol = oin->tol > 0 ? oin->tol : o.tol;
        o.floor = oin->floor > 0 ? oin->floor : o.floor;
        o.abs_floor = oin->abs_floor > 0 ? oin->abs_floor : o.abs_floor;
        o.max_elems = oin->max_elems > 0 ? oin->max_elems : o.max_elems;
        o.seed = oin->seed ? oin->seed : o.seed;
        o.skip_input = oin->skip_input;
    }
    lms_tk_gc_result rdummy;
    if (!res)
        res = &rdummy;
    memset(res, 0, sizeof *res);
    size_t nx = t->rows * (size_t)t->in_cols;
    size_t ny = t->rows * (size_t)t->out_cols;
    float *r = malloc(ny * sizeof *r);
    float *ana_x = malloc((nx ? nx : 1) * sizeof *ana_x);
    float *ana_p = malloc((t->n_params ? t->n_params : 1) * sizeof *ana_p);
    gc_list *l = calloc(1, sizeof *l);
    gc_point *pts = NULL;
    int rc = -1;
    if (!r || !ana_x || !ana_p || !l) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    lms_tk_fill(r, ny, o.seed + 1, -1.0f, 1.0f);
    if (check_forward(t, err, errlen) != 0 ||
        analytic_grads(t, r, ana_x, ana_p, 0.25f, err, errlen) != 0)
        goto done;

    l->ana_base = ana_p;
    l->grads = t->grads;
    if (!o.skip_input) {
        snprintf(l->t[0].name, sizeof l->t[0].name, "x");
        l->t[0].w = t->x;
        l->t[0].ana = ana_x;
        l->t[0].n = nx;
        l->n = 1;
    }
    lms_layer_visit_params(t->L, "", collect_visit, l);
    size_t maxp = (size_t)l->n * o.max_elems;
    pts = malloc((maxp ? maxp : 1) * sizeof *pts);
    if (!pts) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    size_t np = numeric_points(t, l, r, &o, pts);

    double tmax[GC_MAX_TENSORS] = {0}, gmax = 0;
    for (size_t i = 0; i < np; i++) {
        double a = fabs(pts[i].num);
        tmax[pts[i].tensor] = fmax(tmax[pts[i].tensor], a);
        gmax = fmax(gmax, a);
    }
    rc = 0;
    for (size_t i = 0; i < np; i++) {
        const gc_point *p = &pts[i];
        double den = fmax(fmax(fabs(p->num), o.floor * tmax[p->tensor]),
                          fmax(o.abs_floor * gmax, 1e-6));
        double e = fmax(0, fabs(p->ana - p->num) - p->noise) / den;
        double e1 = fmax(0, fmin(fabs(p->ana - p->fwd), fabs(p->ana - p->bwd)) -
                                2 * p->noise) /
                    den;
        /* one-sided differences disagreeing by more than twice the
         * tolerance: the step crossed a kink (e.g. a clip) */
        int kink = fabs(p->fwd - p->bwd) > 2 * o.tol * den + 4 * p->noise;
        if (e > o.tol && kink && e1 <= o.tol) {
            res->kinks++;
            continue;
        }
        res->checked++;
        double raw = fabs(p->ana - p->num) / den;
        if (raw > res->raw_worst || isnan(raw))
            res->raw_worst = isnan(raw) ? INFINITY : raw;
        if (e > res->worst || isnan(e) || !res->where[0]) {
            res->worst = isnan(e) ? INFINITY : e;
            res->analytic = p->ana;
            res->numeric = p->num;
            snprintf(res->where, sizeof res->where, "%s[%zu]",
                     l->t[p->tensor].name, p->idx);
        }
    }
    if (res->worst > o.tol) {
        const char *hint = "";
        double ov = fabs(res->analytic + 0.25 - res->numeric);
        if (ov < 0.5 * fabs(res->analytic - res->numeric))
            hint = " (backward seems to overwrite instead of accumulating)";
        snprintf(err, errlen,
                 "gradient mismatch at %s: analytic %.6g, numeric %.6g, error "
                 "%.3g > %.3g%s",
                 res->where, res->analytic, res->numeric, res->worst, o.tol,
                 hint);
        rc = -1;
    } else {
        snprintf(err, errlen,
                 "ok: worst error %.3g at %s (before the rounding allowance "
                 "%.3g) over %zu elements, %zu kinks skipped",
                 res->worst, res->where[0] ? res->where : "-", res->raw_worst,
                 res->checked, res->kinks);
    }
done:
    if (t->guard_err[0]) { /* the cause of whatever else went wrong */
        snprintf(err, errlen, "%s", t->guard_err);
        rc = -1;
    }
    free(r);
    free(ana_x);
    free(ana_p);
    free(l);
    free(pts);
    return rc;
}
