/* causal_attention at bf16: the operands of its products rounded to
 * bfloat16 into scratch (att_internal.h). */
#include "lmstab/plugin.h"
#include "lmstab/plugin_math.h"
#include "lmstab/plugin_util.h"

#include "att_gemm.h" /* ATT_FILL */
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
    int T; /* rows per (b, h) of a (., Tc) tensor */
} round_call;


/* Columns of row r (query position r % T) the products read. */
static size_t read_end(size_t r, int T, int Tc) {
    const size_t e = (r % (size_t)T / ATT_FILL + 1) * ATT_FILL;
    return e < (size_t)Tc ? e : (size_t)Tc;
}

/* dst[0, n) = bf16(scale * src[0, n)); vectorized by clone (LMS_HOT) */
LMS_HOT static void round_row(float *dst, const float *src, size_t n,
                              float scale) {
    for (size_t j = 0; j < n; j++)
        dst[j] = lms_bf16_round(scale * src[j]);
}

static void gather_rows(void *ctx, size_t lo, size_t hi) {
    const round_call *c = ctx;
    for (size_t r = lo; r < hi; r++)
        round_row(c->dst + r * (size_t)c->C, c->src + r * (size_t)c->ld,
                  (size_t)c->C, 1.0f);
}

/* dst: (N, C) <- columns [0, C) of src: (N, ld) rounded to bfloat16 */
void att_gather_bf16(const attn *s, float *dst, const float *src, size_t N,
                     int C, int ld) {
    round_call c = {s, dst, src, N, C, ld, 1.0f, 0};
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

/* rows [r0, r1) of a (., Tc) tensor, each over the columns read */
static void round_rows(float *dst, const float *src, size_t r0, size_t r1,
                       int T, int Tc, float scale) {
    for (size_t r = r0; r < r1; r++)
        round_row(dst + r * (size_t)Tc, src + r * (size_t)Tc,
                  read_end(r, T, Tc), scale);
}

const float *att_probs_for_product(const attn *s, const float *P, float *rp,
                                   size_t r0, size_t r1, int T) {
    if (!s->bf16)
        return P;
    round_rows(rp, P, r0, r1, T, s->Tc, 1.0f);
    return rp;
}

static void round_chunks(void *ctx, size_t lo, size_t hi) {
    const round_call *c = ctx;
    for (size_t k = lo; k < hi; k++) {
        size_t r = k * TC_CHUNK;
        round_rows(c->dst, c->src, r, r + TC_CHUNK < c->n ? r + TC_CHUNK : c->n,
                   c->T, c->s->Tc, c->scale);
    }
}

/* Chunks of TC_CHUNK rows of a (., Tc) tensor; all in one below PAR_MIN. */
static void tc_chunks(const attn *s, round_call *c) {
    size_t nchunk = (c->n + TC_CHUNK - 1) / TC_CHUNK;
    lms_parallel_for(s->host, nchunk,
                     c->n * (size_t)s->Tc >= PAR_MIN ? 1 : nchunk,
                     round_chunks, c);
}

void att_round_all(const attn *s, float *dst, const float *src, size_t n,
                   int T) {
    round_call c = {s, dst, src, n, s->Tc, s->Tc, 1.0f, T};
    tc_chunks(s, &c);
}

/* The incoming gradient of Q K^T is scale * dS (the scores are
 * scale * (Q K^T)): dS is rounded in place as bf16(scale * dS). */
void att_scale_round_ds(const attn *s, float *dS, size_t r0, size_t r1,
                        float scale, int T) {
    round_rows(dS, dS, r0, r1, T, s->Tc, scale);
}

void att_scale_round_ds_all(const attn *s, float *dS, size_t n, float scale,
                            int T) {
    round_call c = {s, dS, dS, n, s->Tc, s->Tc, scale, T};
    tc_chunks(s, &c);
}
