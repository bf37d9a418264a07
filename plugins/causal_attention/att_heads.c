/* causal_attention: the products of one (batch, head) (att_internal.h). */
#include "lmstab/plugin.h"

#include "att_gemm.h"
#include "att_internal.h"

/* S = scale Q K^T; masked entries left unspecified */
void att_bh_scores(const attn *s, const bh_view *w, int T, float scale) {
    att_transpose(w->t, T, w->k, w->ldk, T, s->hd);
    att_gemm(ATT_LOWER_N, T, T, s->hd, scale, w->q, w->ldq, 1, w->t, T, 0, w->S,
             s->Tc);
}

/* Y = P V (y: first row of batch b, column h*hd, stride C) */
void att_bh_pv(const attn *s, const bh_view *w, const float *P, float *y,
               int T) {
    att_gemm(ATT_LOWER_K, T, s->hd, T, 1.0f, P, s->Tc, 1, w->v, w->ldv, 0, y,
             s->C);
}

/* dP = dY V^T (into w->S) and dV += P^T dY */
void att_bh_pv_backward(const attn *s, const bh_view *w, const float *P,
                        const float *dy, float *dv, int T) {
    att_transpose(w->t, T, w->v, w->ldv, T, s->hd);
    att_gemm(ATT_LOWER_N, T, T, s->hd, 1.0f, dy, s->C, 1, w->t, T, 0, w->S,
             s->Tc);
    att_gemm(ATT_UPPER_K, T, s->hd, T, 1.0f, P, 1, s->Tc, dy, s->C, 1, dv,
             3 * s->C);
}

/* dQ += scale dS K, dK += scale dS^T Q (dS = w->S, masked entries 0) */
void att_bh_qk_backward(const attn *s, const bh_view *w, float *dq, int lddq,
                        float *dk, int lddk, int T, float scale) {
    att_gemm(ATT_LOWER_K, T, s->hd, T, scale, w->S, s->Tc, 1, w->k, w->ldk, 1,
             dq, lddq);
    att_gemm(ATT_UPPER_K, T, s->hd, T, scale, w->S, 1, s->Tc, w->q, w->ldq, 1,
             dk, lddk);
}

/* The view of (b, h) = bh over q, k, v, S: (B,H,T,Tc) and the transpose
 * buffers tb: (B*H, hd, T). */
bh_view att_view_of(const attn *s, int bh, int T, const float *q, int ldq,
                    const float *k, int ldk, const float *v, int ldv, float *S,
                    float *tb) {
    const int b = bh / s->H, h = bh % s->H;
    bh_view w = {
        .q = q + (size_t)b * T * ldq + (size_t)h * s->hd,
        .k = k + (size_t)b * T * ldk + (size_t)h * s->hd,
        .v = v ? v + (size_t)b * T * ldv + (size_t)h * s->hd : NULL,
        .ldq = ldq,
        .ldk = ldk,
        .ldv = ldv,
        .S = S + (size_t)bh * T * s->Tc,
        .t = tb + (size_t)bh * s->hd * T,
    };
    return w;
}

/* offset of (b, h)'s first row, column h*hd, in a (B*T, ld) matrix */
size_t att_bh_off(const attn *s, int bh, int T, int ld) {
    return (size_t)(bh / s->H) * T * ld + (size_t)(bh % s->H) * s->hd;
}

/* att_view_of over where the pass reads q, k, v (x) */
bh_view att_head(const attn *s, const qkv_src *x, int bh, int T, float *S) {
    return att_view_of(s, bh, T, x->q, x->ldq, x->k, x->ldk, x->v, x->ldv, S,
                       x->tb);
}
