/* causal_attention at bf16: the operands of its products rounded to
 * bfloat16 into scratch (att_internal.h). */
#include "lmstab/plugin.h"
#include "lmstab/plugin_math.h"
#include "lmstab/plugin_util.h"

#include "att_internal.h"

/* Rows per chunk of the (., Tc) loops, and of the (N, C) gathers. */
#define TC_CHUNK 256
#define ROW_GRAIN 16

/* A loop over rows (items of the host's parallel_for). */
typedef struct round_call {
    const attn *s;
    float *dst;
    const float *src;
    size_t n;
    int C, ld;
    float scale;
} round_call;

static void gather_rows(void *ctx, size_t lo, size_t hi) {
    const round_call *c = ctx;
    for (size_t r = lo; r < hi; r++)
        lms_bf16_round_rows(c->dst + r * c->C, (size_t)c->C, c->src + r * c->ld,
                            (size_t)c->ld, 1, (size_t)c->C);
}

/* dst: (N, C) <- columns [0, C) of src: (N, ld) rounded to bfloat16 */
void att_gather_bf16(const attn *s, float *dst, const float *src, size_t N,
                     int C, int ld) {
    round_call c = {s, dst, src, N, C, ld, 1.0f};
    lms_parallel_for(s->host, N, N * (size_t)C >= PAR_MIN ? ROW_GRAIN : N,
                     gather_rows, &c);
}

/* At bf16: q, k, v of x replaced by rounded copies in scratch. */
void att_round_qkv(const attn *s, qkv_src *x, float *scratch, size_t N) {
    if (!s->bf16)
        return;
    float *rq = scratch + s->s_rq, *rk = scratch + s->s_rk;
    float *rv = scratch + s->s_rv;
    att_gather_bf16(s, rq, x->q, N, s->C, x->ldq);
    att_gather_bf16(s, rk, x->k, N, s->C, x->ldk);
    att_gather_bf16(s, rv, x->v, N, s->C, x->ldv);
    *x = (qkv_src){rq, rk, rv, s->C, s->C, s->C, x->tb};
}

/* The probabilities P V and dV read: P itself, or at bf16 rows [r0, r1)
 * of it rounded into rp (the same rows of the (., Tc) layout). */
const float *att_probs_for_product(const attn *s, const float *P, float *rp,
                                   size_t r0, size_t r1) {
    if (!s->bf16)
        return P;
    lms_bf16_round_rows(rp + r0 * s->Tc, (size_t)s->Tc, P + r0 * s->Tc,
                        (size_t)s->Tc, r1 - r0, (size_t)s->Tc);
    return rp;
}

static void round_chunks(void *ctx, size_t lo, size_t hi) {
    const round_call *c = ctx;
    const size_t Tc = (size_t)c->s->Tc;
    for (size_t k = lo; k < hi; k++) {
        size_t r = k * TC_CHUNK;
        lms_bf16_round_rows(c->dst + r * Tc, Tc, c->src + r * Tc, Tc,
                            c->n - r < TC_CHUNK ? c->n - r : TC_CHUNK, Tc);
    }
}

/* Chunks of TC_CHUNK rows of a (., Tc) tensor; all in one below PAR_MIN. */
static void tc_chunks(const attn *s, round_call *c, lms_range_fn fn) {
    size_t nchunk = (c->n + TC_CHUNK - 1) / TC_CHUNK;
    lms_parallel_for(s->host, nchunk,
                     c->n * (size_t)s->Tc >= PAR_MIN ? 1 : nchunk, fn, c);
}

/* n rows of a (., Tc) tensor rounded into dst (may be src), on the threads */
void att_round_all(const attn *s, float *dst, const float *src, size_t n) {
    round_call c = {s, dst, src, n, s->Tc, s->Tc, 1.0f};
    tc_chunks(s, &c, round_chunks);
}

/* At bf16, the incoming gradient of Q K^T is scale * dS (the scores are
 * scale * (Q K^T)): rows [r0, r1) of dS become bf16(scale * dS) in place
 * (only dQ and dK read them), and those products then take alpha 1. */
void att_scale_round_ds(const attn *s, float *dS, size_t r0, size_t r1,
                        float scale) {
    for (size_t r = r0; r < r1; r++)
        for (int j = 0; j < s->Tc; j++)
            dS[r * s->Tc + j] = lms_bf16_round(scale * dS[r * s->Tc + j]);
}

static void scale_round_chunks(void *ctx, size_t lo, size_t hi) {
    const round_call *c = ctx;
    for (size_t k = lo; k < hi; k++) {
        size_t r = k * TC_CHUNK;
        att_scale_round_ds(c->s, c->dst, r,
                           r + TC_CHUNK < c->n ? r + TC_CHUNK : c->n, c->scale);
    }
}

/* the same over all n rows, on the threads */
void att_scale_round_ds_all(const attn *s, float *dS, size_t n, float scale) {
    round_call c = {s, dS, dS, n, s->Tc, s->Tc, scale};
    tc_chunks(s, &c, scale_round_chunks);
}
