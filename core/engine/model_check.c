/* Naming the origin of a NaN/inf: the model keeps every op's forward output
 * (lms_op.out) and the residual stream, so after a non-finite loss or
 * gradient a single pass in forward order finds the first place a
 * non-finite value appears. Only reads the model. */
#include <math.h>
#include <stdio.h>

#include "engine/model.h"

/* Index of the first non-finite value of x[0..n), or n. */
static size_t first_bad(const float *x, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return i;
    return n;
}

static int report(char *out, size_t outlen, const float *x, size_t n,
                  const char *fmt, const char *a, const char *b) {
    size_t i = first_bad(x, n);
    if (i == n)
        return 0;
    char what[160];
    snprintf(what, sizeof what, fmt, a, b);
    snprintf(out, outlen, "%s (%s at element %zu)", what,
             isnan(x[i]) ? "NaN" : "inf", i);
    return 1;
}

static const char *plugin_name(const lms_layer *L) {
    return L->plugin->desc->name;
}

/* Parameters in model order. */
static int check_params(const lms_model *m, char *out, size_t outlen) {
    for (size_t i = 0; i < m->n_tensors; i++) {
        const lms_tensor *t = &m->tensors[i];
        if (report(out, outlen, t->w, t->numel,
                   "non-finite parameter %s%s", t->name, ""))
            return 1;
    }
    return 0;
}

/* Activations of the last forward, in the order they were computed. */
static int check_acts(const lms_model *m, char *out, size_t outlen) {
    const size_t rows = (size_t)m->B * (size_t)m->T;
    const size_t C = (size_t)m->mi.d_model, V = (size_t)m->mi.vocab;
    if (rows == 0)
        return 0;
    if (report(out, outlen, m->resid, rows * C,
               "non-finite output first in the embeddings (wte + wpe)%s%s",
               "", ""))
        return 1;
    size_t k = 0;
    for (int l = 0; l < m->mi.n_layer; l++)
        for (int b = 0; b < m->n_branches; b++, k++) {
            const lms_branch *br = &m->blocks[l].br[b];
            for (int i = 0; i < br->n_ops; i++) {
                const lms_op *op = &br->ops[i];
                char name[96];
                snprintf(name, sizeof name, "h.%d.%s", l, op->name);
                if (report(out, outlen, op->out, rows * (size_t)op->out_cols,
                           "non-finite output first in %s (%s)", name,
                           plugin_name(op->layer)))
                    return 1;
            }
            char name[96];
            snprintf(name, sizeof name, "h.%d.%s", l, m->branch_names[b]);
            if (report(out, outlen, m->resid + (k + 1) * rows * C, rows * C,
                       "non-finite output first in the residual sum after "
                       "%s%s", name, ""))
                return 1;
        }
    if (m->final_norm &&
        report(out, outlen, m->normed, rows * C,
               "non-finite output first in ln_f (%s)%s",
               plugin_name(m->final_norm), ""))
        return 1;
    if (report(out, outlen, m->logits, rows * V,
               "non-finite output first in the logits (lm head)%s%s", "", ""))
        return 1;
    if (m->logit_map &&
        report(out, outlen, m->mapped, rows * V,
               "non-finite output first in logit_cap (%s)%s",
               plugin_name(m->logit_map), ""))
        return 1;
    if (report(out, outlen, m->losses, rows,
               "non-finite output first in the cross-entropy%s%s", "", ""))
        return 1;
    if (m->aux_loss &&
        report(out, outlen, m->aux_out, rows,
               "non-finite output first in aux_loss (%s)%s",
               plugin_name(m->aux_loss), ""))
        return 1;
    return 0;
}

/* Gradients per tensor, last tensor first (roughly the order backward
 * computes them; the tied head/wte gradient is reached last). */
static int check_grads(const lms_model *m, char *out, size_t outlen) {
    for (size_t i = m->n_tensors; i-- > 0;) {
        const lms_tensor *t = &m->tensors[i];
        if (report(out, outlen, t->dw, t->numel,
                   "non-finite gradient first in %s%s", t->name, ""))
            return 1;
    }
    return 0;
}

int lms_model_find_nonfinite(const lms_model *m, int grads, char *out,
                             size_t outlen) {
    if (check_params(m, out, outlen) || check_acts(m, out, outlen) ||
        (grads && check_grads(m, out, outlen)))
        return 1;
    snprintf(out, outlen, "no non-finite value found");
    return 0;
}
