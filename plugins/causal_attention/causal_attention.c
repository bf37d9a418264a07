/*
 * causal_attention: multi-head causal self-attention on a fused QKV input
 * (GPT-2), with optional child plugins:
 *
 *   q_norm, k_norm (NORM)   applied per head over head_dim (rows B*T*H)
 *   score_cap (SCORE_MAP)   elementwise on the scaled scores, before the mask
 *   prob_map (PROB_MAP)     elementwise on the probabilities (its output is
 *                           used instead of them; masked entries stay 0)
 *
 * Shapes (C = d_model, H heads, hd = C/H, Tc = planned context, T <= Tc):
 *   x: (B*T, 3C) = [q | k | v], head j uses features [j*hd, (j+1)*hd) of each
 *   y: (B*T, C), heads concatenated
 *   scores, probabilities: (B, H, T, Tc) -- rows of Tc floats of which the
 *   first T are used, so that children planned at (B*H*Tc, Tc) see fixed
 *   rows. With a score_cap or prob_map child, entries j > i (masked) and
 *   j >= T (padding) are kept at 0; without, only those up to the next
 *   multiple of ATT_FILL (what the products read) and the rest is
 *   unspecified.
 *
 * Per (b, h): S = scale * Q K^T (scale 1/sqrt(hd)), Sc = cap(S),
 * P = softmax_causal(Sc), Pf = map(P), Y = Pf V. The products are the
 * att_gemm kernels (att_gemm.h), which skip masked tiles. Without a score
 * or probability child, each (b, h) runs all its stages back to back while
 * its rows are in cache.
 *
 * Cache: [q_raw, q_n] (N, C) with q_norm; [k_raw, k_n] with k_norm;
 * [S, Sc] with score_cap; P; [Pf] with prob_map. v and un-normed q, k are
 * read back from the forward input in backward.
 *
 * At the host's precision bf16 (lms_host_precision at plan) every operand
 * of the six products is rounded to bfloat16 first (plugin_math.h), into
 * scratch: q, k, v (after the norms), P (or Pf) for P V and dV, dY for dP
 * and dV, and scale * dS (in place; the scores are scale * (Q K^T), so
 * that is the incoming gradient of Q K^T) for dQ and dK. The kernels then
 * sum exact products of bf16 values in float32, which is what a bf16 GEMM
 * with float32 accumulation computes; softmax, the children and every
 * gradient stay float32.
 *
 * Files: this one plans and runs the passes; att_heads.c holds the
 * products of one (b, h), att_bf16.c the bf16 rounding of their operands,
 * att_rows.c the row-wise softmax and masks, att_gemm.c the kernels;
 * att_internal.h the state they share.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lmstab/plugin.h"
#include "lmstab/plugin_math.h"
#include "lmstab/plugin_util.h"

#include "att_gemm.h"
#include "att_internal.h"
#include "att_rows.h"

enum { SLOT_QN = 0, SLOT_KN = 1, SLOT_CAP = 2, SLOT_PMAP = 3 };

/* ---- keys, plan ---------------------------------------------------------- */

static const lms_key at_keys[] = {
    {"n_head", LMS_VALUE_INT, "0",
     "number of heads; 0 = the model's n_head; must divide d_model",
     offsetof(attn, n_head_key), LMS_GE | LMS_LE, 0, 65536,
     "an integer >= 0 (0 = the model's n_head)", NULL},
    LMS_KEYS_END,
};

static int at_set(void *self, const char *key, const char *value, char *err,
                  size_t errlen) {
    return lms_keys_set(self, at_keys, key, value, err, errlen);
}

static void *at_create(const lms_host *host, char *err, size_t errlen) {
    attn *s = lms_state_new(sizeof(attn), at_keys, at_set, err, errlen);
    if (s)
        s->host = host;
    return s;
}

static size_t take(size_t *top, size_t n) {
    size_t off = *top;
    *top += n;
    return off;
}

static int at_plan(void *self, const lms_model_info *model, lms_plan *plan,
                   char *err, size_t errlen) {
    attn *s = self;
    int H = s->n_head_key > 0 ? s->n_head_key : model->n_head;
    int in = plan->in_cols;
    if (H <= 0) {
        snprintf(err, errlen, "n_head must be >= 1 (model n_head = %d)",
                 model->n_head);
        return -1;
    }
    if (in % (3 * H) != 0) {
        snprintf(err, errlen,
                 "input width %d is not divisible by 3*n_head = %d (the input "
                 "is the fused q|k|v of width 3*d_model, and d_model must be "
                 "a multiple of n_head = %d)",
                 in, 3 * H, H);
        return -1;
    }
    if (model->context <= 0) {
        snprintf(err, errlen, "model context must be >= 1 (got %d)",
                 model->context);
        return -1;
    }
    s->H = H;
    s->C = in / 3;
    s->hd = s->C / H;
    s->Tc = model->context;
    s->rows = plan->in_rows;
    for (int i = 0; i < 4; i++)
        s->has[i] = plan->child_present[i];

    size_t NC = s->rows * (size_t)s->C;
    size_t NS = s->rows * (size_t)H * (size_t)s->Tc; /* (B, H, T, Tc) */
    size_t top = 0;
    if (s->has[SLOT_QN]) {
        s->c_qraw = take(&top, NC);
        s->c_qn = take(&top, NC);
    }
    if (s->has[SLOT_KN]) {
        s->c_kraw = take(&top, NC);
        s->c_kn = take(&top, NC);
    }
    if (s->has[SLOT_CAP]) {
        s->c_sraw = take(&top, NS);
        s->c_scap = take(&top, NS);
    }
    s->c_p = take(&top, NS);
    if (s->has[SLOT_PMAP])
        s->c_pf = take(&top, NS);
    plan->cache_floats = top;

    top = 0;
    s->s_t = take(&top, NC); /* K or V transposed per (b, h) */
    s->s_w1 = take(&top, NS);
    if (s->has[SLOT_CAP] || s->has[SLOT_PMAP])
        s->s_w2 = take(&top, NS);
    if (s->has[SLOT_QN]) {
        s->s_dqn = take(&top, NC);
        s->s_dqraw = take(&top, NC);
    }
    if (s->has[SLOT_KN]) {
        s->s_dkn = take(&top, NC);
        s->s_dkraw = take(&top, NC);
    }
    s->bf16 = lms_host_precision(s->host) == LMS_PRECISION_BF16;
    if (s->bf16) {
        s->s_rq = take(&top, NC);
        s->s_rk = take(&top, NC);
        s->s_rv = take(&top, NC);
        s->s_rdy = take(&top, NC);
        s->s_rp = take(&top, NS);
    }
    plan->scratch_floats = top;

    plan->out_cols = s->C;
    plan->n_params = 0;
    for (int i = 0; i < 4; i++) {
        plan->child_rows[i] = s->rows * (size_t)H;
        plan->child_cols[i] = i <= SLOT_KN ? s->hd : s->Tc;
    }
    plan->n_stats = 3;
    snprintf(plan->stat_names[0], LMS_NAME_MAX, "max_score");
    snprintf(plan->stat_names[1], LMS_NAME_MAX, "max_score_capped");
    snprintf(plan->stat_names[2], LMS_NAME_MAX, "entropy");
    return 0;
}

/* ---- buffer copies, q/k norms ----------------------------------------- */

/* A copy loop (items of the host's parallel_for: chunks of ZERO_CHUNK
 * floats, or rows). */
typedef struct copy_call {
    float *dst;
    const float *src;
    size_t n;
    int C, ld;
} copy_call;

#define ZERO_CHUNK 16384
#define ROW_GRAIN 16 /* rows per chunk of a large gather / scatter */

static void zero_chunks(void *ctx, size_t lo, size_t hi) {
    const copy_call *c = ctx;
    for (size_t k = lo; k < hi; k++) {
        size_t i = k * ZERO_CHUNK;
        memset(c->dst + i, 0,
               (c->n - i < ZERO_CHUNK ? c->n - i : ZERO_CHUNK) * sizeof(float));
    }
}

/* x[0..n) = 0, on the threads when large */
static void zero(const attn *s, float *x, size_t n) {
    copy_call c = {x, NULL, n, 0, 0};
    size_t nchunk = (n + ZERO_CHUNK - 1) / ZERO_CHUNK;
    lms_parallel_for(s->host, nchunk, n >= PAR_MIN ? 1 : nchunk, zero_chunks,
                     &c);
}

static void gather_rows(void *ctx, size_t lo, size_t hi) {
    const copy_call *c = ctx;
    for (size_t r = lo; r < hi; r++)
        memcpy(c->dst + r * c->C, c->src + r * c->ld,
               (size_t)c->C * sizeof(float));
}

static void scatter_add_rows(void *ctx, size_t lo, size_t hi) {
    const copy_call *c = ctx;
    for (size_t r = lo; r < hi; r++)
        for (int j = 0; j < c->C; j++)
            c->dst[r * c->ld + j] += c->src[r * c->C + j];
}

static void rows_loop(const attn *s, copy_call *c, lms_range_fn fn) {
    lms_parallel_for(s->host, c->n,
                     c->n * (size_t)c->C >= PAR_MIN ? ROW_GRAIN : c->n, fn, c);
}

/* dst: (N, C) <- columns [0, C) of src: (N, ld) */
static void gather(const attn *s, float *dst, const float *src, size_t N,
                   int C, int ld) {
    copy_call c = {dst, src, N, C, ld};
    rows_loop(s, &c, gather_rows);
}

/* dst: (N, ld) columns [0, C) += src: (N, C) */
static void scatter_add(const attn *s, float *dst, const float *src, size_t N,
                        int C, int ld) {
    copy_call c = {dst, src, N, C, ld};
    rows_loop(s, &c, scatter_add_rows);
}

/* Run a NORM child on q or k (columns [off, off+C) of x); returns the
 * normed copy. raw, out: (N, C). */
static const float *norm_forward(const attn *s, const lms_child *c, float *raw,
                                 float *out, const lms_fwd *a, int off) {
    gather(s, raw, a->x + off, a->rows, s->C, 3 * s->C);
    lms_child_forward(c, out, raw, a->rows * (size_t)s->H, a->B, a->T);
    return out;
}

/* ---- forward ------------------------------------------------------------ */

/* Where the gradients of q and k go (dx itself, or buffers that the q/k
 * norm children's backward reads). */
typedef struct qk_grad {
    float *dq, *dk;
    int lddq, lddk;
} qk_grad;

/* A loop over (b, h) = items of the host's parallel_for, one a chunk. */
typedef struct bh_call {
    const attn *s;
    const lms_fwd *f;
    const lms_bwd *b;
    const qkv_src *x;
    const qk_grad *g;
    float *S;        /* scores / probabilities / dP / dS, (B,H,T,Tc) */
    const float *P;  /* the probabilities the products read */
    const float *dy; /* backward: a->dy or its rounded copy */
    int T;
    float scale;
} bh_call;

static void for_heads(const attn *s, int nbh, lms_range_fn fn, bh_call *c) {
    lms_parallel_for(s->host, (size_t)nbh, 1, fn, c);
}

static void scores_heads(void *ctx, size_t lo, size_t hi) {
    const bh_call *c = ctx;
    for (size_t bh = lo; bh < hi; bh++) {
        bh_view w = att_head(c->s, c->x, (int)bh, c->T, c->S);
        att_bh_scores(c->s, &w, c->T, c->scale);
    }
}

/* Scores of every (b, h) into S. */
static void all_scores(const attn *s, const qkv_src *x, float *S, int nbh,
                       int T, float scale) {
    bh_call c = {.s = s, .x = x, .S = S, .T = T, .scale = scale};
    for_heads(s, nbh, scores_heads, &c);
}

/* scores (unless stats computed them), softmax and P V of each (b, h) */
static void fused_heads(void *ctx, size_t lo, size_t hi) {
    const bh_call *c = ctx;
    const attn *s = c->s;
    const lms_fwd *a = c->f;
    const int T = c->T, Tc = s->Tc;
    float *P = c->S;
    for (size_t bh = lo; bh < hi; bh++) {
        bh_view w = att_head(s, c->x, (int)bh, T, P);
        if (!a->stats)
            att_bh_scores(s, &w, T, c->scale);
        const size_t r0 = bh * T, r1 = r0 + T;
        att_softmax_rows(P, r0, r1, T, Tc, ATT_FILL);
        const float *Pp =
            att_probs_for_product(s, P, a->scratch + s->s_rp, r0, r1, T);
        att_bh_pv(s, &w, Pp + r0 * Tc, a->y + att_bh_off(s, (int)bh, T, s->C),
                  T);
    }
}

/* Y = P V of each (b, h), P = c->P (B,H,T,Tc) */
static void pv_heads(void *ctx, size_t lo, size_t hi) {
    const bh_call *c = ctx;
    const attn *s = c->s;
    const int T = c->T;
    for (size_t bh = lo; bh < hi; bh++) {
        bh_view w = att_head(s, c->x, (int)bh, T, c->S);
        att_bh_pv(s, &w, c->P + bh * T * s->Tc,
                  c->f->y + att_bh_off(s, (int)bh, T, s->C), T);
    }
}

/* No score or probability child: each (b, h) runs scores, softmax and P V
 * back to back while its rows are in cache. Statistics need every score
 * before its softmax, so with them the scores come first. */
static void forward_fused(const attn *s, const lms_fwd *a, const qkv_src *x,
                          float *P, float scale, float st[3]) {
    const int H = s->H, Tc = s->Tc, T = a->T, nbh = a->B * H;
    if (a->stats) {
        double ent;
        all_scores(s, x, P, nbh, T, scale);
        att_score_stats(s->host, P, nbh, T, Tc, &st[0], &ent);
        st[1] = st[0];
        st[2] = (float)(ent / (double)(a->rows * (size_t)H));
    }
    bh_call c = {.s = s, .f = a, .x = x, .S = P, .T = T, .scale = scale};
    for_heads(s, nbh, fused_heads, &c);
}

/* With a score cap or probability map: each stage over the whole tensor,
 * as the children are planned on it. */
static void forward_staged(const attn *s, const lms_fwd *a, const qkv_src *x,
                           float *P, float scale, float st[3]) {
    const int H = s->H, Tc = s->Tc, B = a->B, T = a->T, nbh = B * H;
    const size_t NS = a->rows * (size_t)H;
    const lms_child *const *ch = a->children;
    double ent = 0;
    float *S = s->has[SLOT_CAP] ? a->cache + s->c_sraw : P;
    all_scores(s, x, S, nbh, T, scale);
    if (s->has[SLOT_CAP]) {
        float *Sc = a->cache + s->c_scap;
        att_mask_rows(s->host, S, nbh, T, Tc); /* the child must see finite values */
        lms_child_forward(ch[SLOT_CAP], Sc, S, NS, B, T);
        if (a->stats) {
            att_score_stats(s->host, S, nbh, T, Tc, &st[0], NULL);
            att_score_stats(s->host, Sc, nbh, T, Tc, &st[1], &ent);
        }
        memcpy(P, Sc, NS * Tc * sizeof *P);
    } else if (a->stats) {
        att_score_stats(s->host, S, nbh, T, Tc, &st[0], &ent);
        st[1] = st[0];
    }
    st[2] = (float)(ent / (double)(NS ? NS : 1));
    att_softmax_all(s->host, P, NS, T, Tc);
    const float *Pf = P;
    if (s->has[SLOT_PMAP]) {
        float *Pm = a->cache + s->c_pf;
        lms_child_forward(ch[SLOT_PMAP], Pm, P, NS, B, T);
        att_mask_rows(s->host, Pm, nbh, T, Tc);
        Pf = Pm;
    }
    if (s->bf16) {
        att_round_all(s, a->scratch + s->s_rp, Pf, NS, T);
        Pf = a->scratch + s->s_rp;
    }
    bh_call c = {.s = s, .f = a, .x = x, .S = P, .P = Pf, .T = T};
    for_heads(s, nbh, pv_heads, &c);
}

static void at_forward(void *self, const lms_fwd *a) {
    const attn *s = self;
    const int C = s->C;
    const lms_child *const *ch = a->children;
    float *cache = a->cache;
    qkv_src x = {a->x, a->x + C, a->x + 2 * C, 3 * C, 3 * C, 3 * C,
                 a->scratch + s->s_t};
    if (s->has[SLOT_QN]) {
        x.q = norm_forward(s, ch[SLOT_QN], cache + s->c_qraw, cache + s->c_qn,
                           a, 0);
        x.ldq = C;
    }
    if (s->has[SLOT_KN]) {
        x.k = norm_forward(s, ch[SLOT_KN], cache + s->c_kraw, cache + s->c_kn,
                           a, C);
        x.ldk = C;
    }
    att_round_qkv(s, &x, a->scratch, a->rows);
    const float scale = 1.0f / sqrtf((float)s->hd);
    float st[3] = {0, 0, 0};
    if (s->has[SLOT_CAP] || s->has[SLOT_PMAP])
        forward_staged(s, a, &x, cache + s->c_p, scale, st);
    else
        forward_fused(s, a, &x, cache + s->c_p, scale, st);
    if (a->stats)
        memcpy(a->stats, st, sizeof st);
}

/* ---- backward ----------------------------------------------------------- */

/* Backward through a NORM child: dx[:, off:off+C] += norm'(dn) */
static void norm_backward(const attn *s, const lms_child *c, float *dn,
                          float *draw, const float *raw, const float *out,
                          const lms_bwd *a, int off) {
    size_t NC = a->rows * (size_t)s->C;
    zero(s, draw, NC);
    lms_child_backward(c, draw, dn, raw, out, a->rows * (size_t)s->H, a->B,
                       a->T);
    scatter_add(s, a->dx + off, draw, a->rows, s->C, 3 * s->C);
}


/* dV, and dP into w->S, of one (b, h); dy: (N, C), a->dy or rounded */
static void head_pv_backward(const attn *s, const lms_bwd *a, const bh_view *w,
                             const float *Pf, const float *dy, int bh) {
    const int T = a->T;
    att_bh_pv_backward(s, w, Pf + (size_t)bh * T * s->Tc,
                   dy + att_bh_off(s, bh, T, s->C),
                   a->dx + 2 * s->C + att_bh_off(s, bh, T, 3 * s->C), T);
}

/* dQ, dK of one (b, h) from dS = w->S */
static void head_qk_backward(const attn *s, const bh_view *w, const qk_grad *g,
                             int bh, int T, float scale) {
    att_bh_qk_backward(s, w, g->dq + att_bh_off(s, bh, T, g->lddq), g->lddq,
                   g->dk + att_bh_off(s, bh, T, g->lddk), g->lddk, T, scale);
}

static void fused_bwd_heads(void *ctx, size_t lo, size_t hi) {
    const bh_call *c = ctx;
    const attn *s = c->s;
    const lms_bwd *a = c->b;
    const int T = c->T;
    float *dP = c->S;
    for (size_t bh = lo; bh < hi; bh++) {
        const size_t r0 = bh * T, r1 = r0 + T;
        bh_view w = att_head(s, c->x, (int)bh, T, dP);
        head_pv_backward(
            s, a, &w,
            att_probs_for_product(s, c->P, a->scratch + s->s_rp, r0, r1, T),
            c->dy, (int)bh);
        att_softmax_rows_backward(dP, c->P, r0, r1, T, s->Tc, ATT_FILL);
        if (s->bf16)
            att_scale_round_ds(s, dP, r0, r1, c->scale, T);
        head_qk_backward(s, &w, c->g, (int)bh, T, s->bf16 ? 1.0f : c->scale);
    }
}

/* per (b, h): dP, dV, softmax backward, dQ, dK while dP is in cache */
static void backward_fused(const attn *s, const lms_bwd *a, const qkv_src *x,
                           const float *dy, const qk_grad *g, float scale) {
    bh_call c = {.s = s, .b = a, .x = x, .g = g, .S = a->scratch + s->s_w1,
                 .P = a->cache + s->c_p, .dy = dy, .T = a->T, .scale = scale};
    for_heads(s, a->B * s->H, fused_bwd_heads, &c);
}

/* dV, and dP into c->S, of each (b, h); P = c->P */
static void pv_bwd_heads(void *ctx, size_t lo, size_t hi) {
    const bh_call *c = ctx;
    for (size_t bh = lo; bh < hi; bh++) {
        bh_view w = att_head(c->s, c->x, (int)bh, c->T, c->S);
        head_pv_backward(c->s, c->b, &w, c->P, c->dy, (int)bh);
    }
}

/* dQ, dK of each (b, h) from dS = c->S */
static void qk_bwd_heads(void *ctx, size_t lo, size_t hi) {
    const bh_call *c = ctx;
    for (size_t bh = lo; bh < hi; bh++) {
        bh_view w = att_head(c->s, c->x, (int)bh, c->T, c->S);
        head_qk_backward(c->s, &w, c->g, (int)bh, c->T,
                         c->s->bf16 ? 1.0f : c->scale);
    }
}

/* each stage over the whole tensor, through the children's backward */
static void backward_staged(const attn *s, const lms_bwd *a, const qkv_src *x,
                            const float *dy, const qk_grad *g, float scale) {
    const int Tc = s->Tc, B = a->B, T = a->T, nbh = B * s->H;
    const size_t NS = a->rows * (size_t)s->H;
    const lms_child *const *ch = a->children;
    const float *P = a->cache + s->c_p;
    const float *Pf = s->has[SLOT_PMAP] ? a->cache + s->c_pf : P;
    float *w1 = a->scratch + s->s_w1, *w2 = a->scratch + s->s_w2;
    const float *Pp = Pf;
    if (s->bf16) {
        att_round_all(s, a->scratch + s->s_rp, Pf, NS, T);
        Pp = a->scratch + s->s_rp;
    }
    bh_call c = {.s = s, .b = a, .x = x, .g = g, .S = w1, .P = Pp, .dy = dy,
                 .T = T, .scale = scale};
    for_heads(s, nbh, pv_bwd_heads, &c);
    float *dP = w1;
    if (s->has[SLOT_PMAP]) {
        att_mask_rows(s->host, w1, nbh, T, Tc);
        zero(s, w2, NS * Tc);
        lms_child_backward(ch[SLOT_PMAP], w2, w1, P, Pf, NS, B, T);
        dP = w2;
    }
    att_softmax_backward_all(s->host, dP, P, NS, T, Tc);
    float *dS = dP;
    if (s->has[SLOT_CAP]) {
        dS = dP == w1 ? w2 : w1;
        zero(s, dS, NS * Tc);
        lms_child_backward(ch[SLOT_CAP], dS, dP, a->cache + s->c_sraw,
                           a->cache + s->c_scap, NS, B, T);
        att_mask_rows(s->host, dS, nbh, T, Tc);
    }
    if (s->bf16)
        att_scale_round_ds_all(s, dS, NS, scale, T);
    c.S = dS;
    for_heads(s, nbh, qk_bwd_heads, &c);
}

static void at_backward(void *self, const lms_bwd *a) {
    const attn *s = self;
    const int C = s->C;
    const size_t NC = a->rows * (size_t)C;
    const lms_child *const *ch = a->children;
    float *cache = a->cache, *scr = a->scratch;
    /* q, k as the scores saw them; dq, dk where their gradients go */
    qkv_src x = {a->x, a->x + C, a->x + 2 * C, 3 * C, 3 * C, 3 * C,
                 scr + s->s_t};
    qk_grad g = {a->dx, a->dx + C, 3 * C, 3 * C};
    if (s->has[SLOT_QN]) {
        x.q = cache + s->c_qn;
        g.dq = scr + s->s_dqn;
        x.ldq = g.lddq = C;
        zero(s, g.dq, NC);
    }
    if (s->has[SLOT_KN]) {
        x.k = cache + s->c_kn;
        g.dk = scr + s->s_dkn;
        x.ldk = g.lddk = C;
        zero(s, g.dk, NC);
    }
    att_round_qkv(s, &x, scr, a->rows);
    const float *dy = a->dy;
    if (s->bf16) {
        att_gather_bf16(s, scr + s->s_rdy, a->dy, a->rows, C, C);
        dy = scr + s->s_rdy;
    }
    const float scale = 1.0f / sqrtf((float)s->hd);
    if (s->has[SLOT_CAP] || s->has[SLOT_PMAP])
        backward_staged(s, a, &x, dy, &g, scale);
    else
        backward_fused(s, a, &x, dy, &g, scale);
    if (s->has[SLOT_QN])
        norm_backward(s, ch[SLOT_QN], g.dq, scr + s->s_dqraw,
                      cache + s->c_qraw, cache + s->c_qn, a, 0);
    if (s->has[SLOT_KN])
        norm_backward(s, ch[SLOT_KN], g.dk, scr + s->s_dkraw,
                      cache + s->c_kraw, cache + s->c_kn, a, C);
}

static const lms_slot at_slots[] = {
    {"q_norm", LMS_KIND_NORM, "normalisation of q per head over head_dim"},
    {"k_norm", LMS_KIND_NORM, "normalisation of k per head over head_dim"},
    {"score_cap", LMS_KIND_SCORE_MAP,
     "elementwise map of the scaled scores, before the causal mask"},
    {"prob_map", LMS_KIND_PROB_MAP,
     "elementwise map of the softmax probabilities (e.g. clipped softmax)"},
    {NULL, 0, NULL},
};

static const lms_descriptor at_desc = {
    .abi_major = LMS_ABI_MAJOR,
    .abi_minor = LMS_ABI_MINOR,
    .size = sizeof(lms_descriptor),
    .name = "causal_attention",
    .kind = LMS_KIND_ATTENTION,
    .version = "1.1.0",
    .summary = "multi-head causal self-attention on fused q|k|v (GPT-2) "
               "with optional q/k norms, score cap and probability map",
    .keys = at_keys,
    .slots = at_slots,
    .create = at_create,
    .set = at_set,
    .plan = at_plan,
    .forward = at_forward,
    .backward = at_backward,
    .destroy = lms_state_free,
    .max_params = 0,
    .max_stats = 3,
};

LMS_PLUGIN_ENTRY(&at_desc)
