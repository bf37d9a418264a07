/* causal_attention's internals shared by its files: the planned state,
 * the per-(b, h) products (att_heads.c) and the bf16 rounding of their
 * operands (att_bf16.c). Not installed. */
#ifndef LMS_ATT_INTERNAL_H
#define LMS_ATT_INTERNAL_H

#include <stddef.h>

#include "lmstab/plugin.h"

/* Loops over (batch, head) and over rows run through the host's
 * parallel_for (the plugin links no thread library); each (b, h) or row is
 * computed exactly as serially, so results do not depend on the thread
 * count. Below PAR_MIN floats a copy loop is one chunk (one thread). */
#define PAR_MIN 65536

typedef struct attn {
    const lms_host *host;
    int n_head_key; /* 0: the model's n_head */
    /* planned */
    int C, H, hd, Tc;
    size_t rows;
    int has[4];
    int bf16; /* products on bf16-rounded operands (fixed at plan) */
    size_t c_qraw, c_qn, c_kraw, c_kn, c_sraw, c_scap, c_p, c_pf; /* cache */
    size_t s_w1, s_w2, s_dqn, s_dqraw, s_dkn, s_dkraw, s_t;       /* scratch */
    size_t s_rq, s_rk, s_rv, s_rdy, s_rp; /* bf16: rounded operands */
} attn;

/* ---- per (b, h) products (att_heads.c) ------------------------------
 * Each works on one (b, h): Q, K, V, dY are that head's columns of rows
 * [b*T, (b+1)*T); S, P, dP its T rows of Tc floats; t a (hd, T) buffer
 * for K or V transposed. The att_gemm kernels skip masked tiles. */

typedef struct bh_view {
    const float *q, *k, *v; /* first row of batch b, column h*hd */
    int ldq, ldk, ldv;
    float *S; /* (T, Tc) scores / probabilities / dP */
    float *t; /* (hd, T) scratch */
} bh_view;

/* Where a pass reads q, k, v (q, k normed by children when present; all
 * three rounded at bf16) and the per-(b, h) transpose buffers. */
typedef struct qkv_src {
    const float *q, *k, *v;
    int ldq, ldk, ldv;
    float *tb;
} qkv_src;

/* S = scale Q K^T; masked entries left unspecified */
void att_bh_scores(const attn *s, const bh_view *w, int T, float scale);
/* Y = P V (y: first row of batch b, column h*hd, stride C) */
void att_bh_pv(const attn *s, const bh_view *w, const float *P, float *y,
               int T);
/* dP = dY V^T (into w->S) and dV += P^T dY */
void att_bh_pv_backward(const attn *s, const bh_view *w, const float *P,
                        const float *dy, float *dv, int T);
/* dQ += scale dS K, dK += scale dS^T Q (dS = w->S, masked entries 0) */
void att_bh_qk_backward(const attn *s, const bh_view *w, float *dq, int lddq,
                        float *dk, int lddk, int T, float scale);
/* The view of (b, h) = bh over q, k, v, S: (B,H,T,Tc) and the transpose
 * buffers tb: (B*H, hd, T). */
bh_view att_view_of(const attn *s, int bh, int T, const float *q, int ldq,
                    const float *k, int ldk, const float *v, int ldv, float *S,
                    float *tb);
/* offset of (b, h)'s first row, column h*hd, in a (B*T, ld) matrix */
size_t att_bh_off(const attn *s, int bh, int T, int ld);
/* att_view_of over where the pass reads q, k, v (x) */
bh_view att_head(const attn *s, const qkv_src *x, int bh, int T, float *S);

/* ---- bf16 operands (att_bf16.c) ---------------------------------------- */

/* dst: (N, C) <- columns [0, C) of src: (N, ld) rounded to bfloat16 */
void att_gather_bf16(const attn *s, float *dst, const float *src, size_t N,
                     int C, int ld);
/* At bf16: q, k, v of x replaced by rounded copies in scratch. */
void att_round_qkv(const attn *s, qkv_src *x, float *scratch, size_t N);
/* The (., Tc) tensors below hold T rows per (b, h); row r is query
 * position r % T, and the products read its columns below the end of its
 * ATT_FILL group (att_gemm.h) only: the rest of the row (the masked half)
 * is neither rounded nor written. */
/* The probabilities P V and dV read: P itself, or at bf16 rows [r0, r1)
 * of it rounded into rp (the same rows of the (., Tc) layout). */
const float *att_probs_for_product(const attn *s, const float *P, float *rp,
                                   size_t r0, size_t r1, int T);
/* n rows of a (., Tc) tensor rounded into dst (may be src), on the threads */
void att_round_all(const attn *s, float *dst, const float *src, size_t n,
                   int T);
/* At bf16, the incoming gradient of Q K^T is scale * dS (the scores are
 * scale * (Q K^T)): rows [r0, r1) of dS become bf16(scale * dS) in place
 * (only dQ and dK read them), and those products then take alpha 1. */
void att_scale_round_ds(const attn *s, float *dS, size_t r0, size_t r1,
                        float scale, int T);
/* the same over all n rows, on the threads */
void att_scale_round_ds_all(const attn *s, float *dS, size_t n, float scale,
                            int T);

#endif
