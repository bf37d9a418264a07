/* causal_attention at bf16: the operands of its products rounded to
 * bfloat16 into scratch (att_internal.h). */
#include "lmstab/plugin.h"
#include "lmstab/plugin_math.h"

#include "att_internal.h"

/* dst: (N, C) <- columns [0, C) of src: (N, ld) rounded to bfloat16 */
void att_gather_bf16(float *dst, const float *src, size_t N, int C, int ld) {
#pragma omp parallel for schedule(static) if (N * (size_t)C >= PAR_MIN)
    for (size_t r = 0; r < N; r++)
        lms_bf16_round_rows(dst + r * C, (size_t)C, src + r * ld, (size_t)ld, 1,
                            (size_t)C);
}

/* At bf16: q, k, v of x replaced by rounded copies in scratch. */
void att_round_qkv(const attn *s, qkv_src *x, float *scratch, size_t N) {
    if (!s->bf16)
        return;
    float *rq = scratch + s->s_rq, *rk = scratch + s->s_rk;
    float *rv = scratch + s->s_rv;
    att_gather_bf16(rq, x->q, N, s->C, x->ldq);
    att_gather_bf16(rk, x->k, N, s->C, x->ldk);
    att_gather_bf16(rv, x->v, N, s->C, x->ldv);
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

/* n rows of a (., Tc) tensor rounded into dst (may be src), on the threads */
void att_round_all(const attn *s, float *dst, const float *src, size_t n) {
    const size_t chunk = 256;
#pragma omp parallel for schedule(static) if (n * (size_t)s->Tc >= PAR_MIN)
    for (size_t r = 0; r < n; r += chunk)
        lms_bf16_round_rows(dst + r * s->Tc, (size_t)s->Tc, src + r * s->Tc,
                            (size_t)s->Tc, n - r < chunk ? n - r : chunk,
                            (size_t)s->Tc);
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

/* the same over all n rows, on the threads */
void att_scale_round_ds_all(const attn *s, float *dS, size_t n, float scale) {
    const size_t chunk = 256;
#pragma omp parallel for schedule(static) if (n * (size_t)s->Tc >= PAR_MIN)
    for (size_t r = 0; r < n; r += chunk)
        att_scale_round_ds(s, dS, r, r + chunk < n ? r + chunk : n, scale);
}
