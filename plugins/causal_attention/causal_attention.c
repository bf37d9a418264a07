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

enum { SLOT_QN = 0, SLOT_KN = 1, SLOT_CAP = 2, SLOT_PMAP = 3 };

/* Rows per parallel chunk of the softmax loops. Loops over (batch, head)
 * and over rows run on the OpenMP threads of the host's lms_set_threads;
 * each (b, h) or row is computed exactly as serially, so results do not
 * depend on the thread count. */
#define ROW_CHUNK 256
/* Below this many floats a copy or mask loop stays on one thread. */
#define PAR_MIN 65536

typedef struct attn {
    const lms_host *host;
    int n_head_key; /* 0: the model's n_head */
    /* planned */
    int C, H, hd, Tc;
    size_t rows;
    int has[4];
    size_t c_qraw, c_qn, c_kraw, c_kn, c_sraw, c_scap, c_p, c_pf; /* cache */
    size_t s_w1, s_w2, s_dqn, s_dqraw, s_dkn, s_dkraw, s_t;       /* scratch */
} attn;

/* ---- vectorizable row kernels ------------------------------------------ */


/* sum of a[j] * (b ? b[j] : 1) over [0, n), 8 lanes in float */
static float row_dot(const float *a, const float *b, int n) {
    float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int j = 0;
    if (b) {
        for (; j + 8 <= n; j += 8)
            for (int k = 0; k < 8; k++)
                s[k] += a[j + k] * b[j + k];
        for (; j < n; j++)
            s[0] += a[j] * b[j];
    } else {
        for (; j + 8 <= n; j += 8)
            for (int k = 0; k < 8; k++)
                s[k] += a[j + k];
        for (; j < n; j++)
            s[0] += a[j];
    }
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

/* p[0..n) = softmax(p[0..n)) in place, p[n..fill) = 0 */
static void softmax_row(float *p, int n, int fill) {
    float m = lms_row_max(p, n);
    for (int j = 0; j < n; j++)
        p[j] = lms_expf(p[j] - m);
    float inv = 1.0f / row_dot(p, NULL, n);
    for (int j = 0; j < n; j++)
        p[j] *= inv;
    memset(p + n, 0, (size_t)(fill - n) * sizeof *p);
}

/* entropy -sum p log p of softmax(s[0..n)) as log z - sum(e d) / z with
 * d = s - max, e = exp d: one log per row (stats only) */
static double softmax_entropy(const float *s, int n) {
    float m = lms_row_max(s, n);
    double z = 0, t = 0;
    for (int j = 0; j < n; j++) {
        float d = s[j] - m, e = lms_expf(d);
        z += e;
        t += e > 0.0f ? (double)e * d : 0.0;
    }
    return log(z) - t / z;
}

/* d[0..n) = p * (d - sum(p * d)) in place (softmax backward), d[n..fill) = 0 */
static void softmax_row_backward(float *d, const float *p, int n, int fill) {
    float dot = row_dot(p, d, n);
    for (int j = 0; j < n; j++)
        d[j] = p[j] * (d[j] - dot);
    memset(d + n, 0, (size_t)(fill - n) * sizeof *d);
}

/* Masked entries of row i that are zeroed: all (block = 0, whole rows for
 * children), or those up to the end of i's query block (block > 0: the
 * products never read further). */
static int fill_of(int i, int Tc, int block) {
    if (block <= 0)
        return Tc;
    int end = (i / block + 1) * block;
    return end < Tc ? end : Tc;
}

/* softmax_row over rows [r0, r1) of P: (B*H*T, Tc), row r has r % T + 1
 * unmasked entries */
LMS_HOT static void softmax_rows(float *P, size_t r0, size_t r1, int T, int Tc,
                                 int block) {
    for (size_t r = r0; r < r1; r++) {
        int i = (int)(r % (size_t)T);
        softmax_row(P + r * Tc, i + 1, fill_of(i, Tc, block));
    }
}

LMS_HOT static void softmax_rows_backward(float *dP, const float *P, size_t r0,
                                          size_t r1, int T, int Tc, int block) {
    for (size_t r = r0; r < r1; r++) {
        int i = (int)(r % (size_t)T);
        softmax_row_backward(dP + r * Tc, P + r * Tc, i + 1,
                             fill_of(i, Tc, block));
    }
}

/* zero the masked (j > i) and padding (j >= T) entries of B*H*T rows */
static void mask_rows(float *s, size_t nbh, int T, int Tc) {
#pragma omp parallel for schedule(static) if (nbh * (size_t)T * Tc >= PAR_MIN)
    for (size_t r = 0; r < nbh * (size_t)T; r++) {
        int i = (int)(r % (size_t)T);
        memset(s + r * Tc + i + 1, 0, (size_t)(Tc - i - 1) * sizeof *s);
    }
}

/* ---- keys, plan ---------------------------------------------------------- */

static const lms_key at_keys[] = {
    {"n_head", LMS_VALUE_INT, "0",
     "number of heads; 0 = the model's n_head; must divide d_model"},
    {NULL, 0, NULL, NULL},
};

static const lms_field at_fields[] = {
    {"n_head", LMS_FIELD_INT, offsetof(attn, n_head_key), LMS_GE | LMS_LE, 0,
     65536, "an integer >= 0 (0 = the model's n_head)", NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};

static int at_set(void *self, const char *key, const char *value, char *err,
                  size_t errlen) {
    return lms_fields_set(self, at_fields, key, value, err, errlen);
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

/* ---- forward ------------------------------------------------------------ */

/* x[0..n) = 0, on the threads when large */
static void zero(float *x, size_t n) {
    const size_t chunk = 16384;
#pragma omp parallel for schedule(static) if (n >= PAR_MIN)
    for (size_t i = 0; i < n; i += chunk)
        memset(x + i, 0, (n - i < chunk ? n - i : chunk) * sizeof *x);
}

/* dst: (N, C) <- columns [0, C) of src: (N, ld) */
static void gather(float *dst, const float *src, size_t N, int C, int ld) {
#pragma omp parallel for schedule(static) if (N * (size_t)C >= PAR_MIN)
    for (size_t r = 0; r < N; r++)
        memcpy(dst + r * C, src + r * ld, (size_t)C * sizeof *dst);
}

/* dst: (N, ld) columns [0, C) += src: (N, C) */
static void scatter_add(float *dst, const float *src, size_t N, int C, int ld) {
#pragma omp parallel for schedule(static) if (N * (size_t)C >= PAR_MIN)
    for (size_t r = 0; r < N; r++)
        for (int c = 0; c < C; c++)
            dst[r * ld + c] += src[r * C + c];
}

/* Run a NORM child on q or k (columns [off, off+C) of x); returns the
 * normed copy. raw, out: (N, C). */
static const float *norm_forward(const attn *s, const lms_child *c, float *raw,
                                 float *out, const lms_fwd *a, int off) {
    gather(raw, a->x + off, a->rows, s->C, 3 * s->C);
    lms_child_forward(c, out, raw, a->rows * (size_t)s->H, a->B, a->T);
    return out;
}

/* ---- per (b, h) products ------------------------------------------------
 * Each works on one (b, h): Q, K, V, dY are that head's columns of rows
 * [b*T, (b+1)*T); S, P, dP its T rows of Tc floats; t a (hd, T) buffer
 * for K or V transposed. The att_gemm kernels skip masked tiles. */

typedef struct bh_view {
    const float *q, *k, *v; /* first row of batch b, column h*hd */
    int ldq, ldk, ldv;
    float *S;               /* (T, Tc) scores / probabilities / dP */
    float *t;               /* (hd, T) scratch */
} bh_view;

/* S = scale Q K^T; masked entries left unspecified */
static void bh_scores(const attn *s, const bh_view *w, int T, float scale) {
    att_transpose(w->t, T, w->k, w->ldk, T, s->hd);
    att_gemm(ATT_LOWER_N, T, T, s->hd, scale, w->q, w->ldq, 1, w->t, T, 0, w->S,
             s->Tc);
}

/* Y = P V (y: first row of batch b, column h*hd, stride C) */
static void bh_pv(const attn *s, const bh_view *w, const float *P, float *y,
                  int T) {
    att_gemm(ATT_LOWER_K, T, s->hd, T, 1.0f, P, s->Tc, 1, w->v, w->ldv, 0, y,
             s->C);
}

/* dP = dY V^T (into w->S) and dV += P^T dY */
static void bh_pv_backward(const attn *s, const bh_view *w, const float *P,
                           const float *dy, float *dv, int T) {
    att_transpose(w->t, T, w->v, w->ldv, T, s->hd);
    att_gemm(ATT_LOWER_N, T, T, s->hd, 1.0f, dy, s->C, 1, w->t, T, 0, w->S,
             s->Tc);
    att_gemm(ATT_UPPER_K, T, s->hd, T, 1.0f, P, 1, s->Tc, dy, s->C, 1, dv,
             3 * s->C);
}

/* dQ += scale dS K, dK += scale dS^T Q (dS = w->S, masked entries 0) */
static void bh_qk_backward(const attn *s, const bh_view *w, float *dq,
                           int lddq, float *dk, int lddk, int T, float scale) {
    att_gemm(ATT_LOWER_K, T, s->hd, T, scale, w->S, s->Tc, 1, w->k, w->ldk, 1,
             dq, lddq);
    att_gemm(ATT_UPPER_K, T, s->hd, T, scale, w->S, 1, s->Tc, w->q, w->ldq, 1,
             dk, lddk);
}

/* The view of (b, h) = bh over q, k, v, S: (B,H,T,Tc) and the transpose
 * buffers tb: (B*H, hd, T). */
static bh_view view_of(const attn *s, int bh, int T, const float *q, int ldq,
                       const float *k, int ldk, const float *v, float *S,
                       float *tb) {
    const int b = bh / s->H, h = bh % s->H;
    bh_view w = {
        .q = q + (size_t)b * T * ldq + (size_t)h * s->hd,
        .k = k + (size_t)b * T * ldk + (size_t)h * s->hd,
        .v = v ? v + (size_t)b * T * 3 * s->C + (size_t)h * s->hd : NULL,
        .ldq = ldq,
        .ldk = ldk,
        .ldv = 3 * s->C,
        .S = S + (size_t)bh * T * s->Tc,
        .t = tb + (size_t)bh * s->hd * T,
    };
    return w;
}

/* offset of (b, h)'s first row, column h*hd, in a (B*T, ld) matrix */
static size_t bh_off(const attn *s, int bh, int T, int ld) {
    return (size_t)(bh / s->H) * T * ld + (size_t)(bh % s->H) * s->hd;
}

/* max over unmasked entries of rows [r0, r1) of S: (B,H,T,Tc) */
static float masked_max(const float *S, size_t r0, size_t r1, int T, int Tc) {
    float m = -INFINITY;
    for (size_t r = r0; r < r1; r++) {
        float v = lms_row_max(S + r * Tc, (int)(r % (size_t)T) + 1);
        m = (v > m || v != v) ? v : m;
    }
    return m;
}

static double entropy_rows(const float *S, size_t r0, size_t r1, int T,
                           int Tc) {
    double e = 0;
    for (size_t r = r0; r < r1; r++)
        e += softmax_entropy(S + r * Tc, (int)(r % (size_t)T) + 1);
    return e;
}

/* Statistics of (B*H) heads' scores, per head in parallel: each head's
 * max and entropy sum are combined in head order (thread-independent). */
#define STAT_GROUP 256
static void score_stats(const float *S, int nbh, int T, int Tc, float *max_out,
                        double *ent_out) {
    float mx = -INFINITY;
    double ent = 0;
    for (int g0 = 0; g0 < nbh; g0 += STAT_GROUP) {
        const int gn = nbh - g0 < STAT_GROUP ? nbh - g0 : STAT_GROUP;
        float pm[STAT_GROUP];
        double pe[STAT_GROUP];
#pragma omp parallel for schedule(static)
        for (int i = 0; i < gn; i++) {
            size_t r0 = (size_t)(g0 + i) * T;
            pm[i] = masked_max(S, r0, r0 + T, T, Tc);
            pe[i] = ent_out ? entropy_rows(S, r0, r0 + T, T, Tc) : 0.0;
        }
        for (int i = 0; i < gn; i++) {
            mx = (pm[i] > mx || pm[i] != pm[i]) ? pm[i] : mx;
            ent += pe[i];
        }
    }
    *max_out = mx;
    if (ent_out)
        *ent_out = ent;
}

/* ---- forward ------------------------------------------------------------ */

/* Without a score cap or probability map, each (b, h) runs scores, softmax
 * and P V back to back while its (T, Tc) block is in cache; with them, the
 * children see whole tensors between the stages. Same arithmetic either
 * way. */
static void at_forward(void *self, const lms_fwd *a) {
    const attn *s = self;
    const int C = s->C, H = s->H, Tc = s->Tc, B = a->B, T = a->T;
    const int nbh = B * H;
    const size_t NS = a->rows * (size_t)H;
    const float scale = 1.0f / sqrtf((float)s->hd);
    const lms_child *ch = a->children;
    float *cache = a->cache;
    const float *q = a->x, *k = a->x + C, *v = a->x + 2 * C;
    int ldq = 3 * C, ldk = 3 * C;
    if (s->has[SLOT_QN]) {
        q = norm_forward(s, &ch[SLOT_QN], cache + s->c_qraw, cache + s->c_qn, a,
                         0);
        ldq = C;
    }
    if (s->has[SLOT_KN]) {
        k = norm_forward(s, &ch[SLOT_KN], cache + s->c_kraw, cache + s->c_kn, a,
                         C);
        ldk = C;
    }
    float *P = cache + s->c_p, *tb = a->scratch + s->s_t;
    float max_raw = 0, max_cap = 0;
    double ent = 0;

    if (!s->has[SLOT_CAP] && !s->has[SLOT_PMAP]) {
        if (a->stats) { /* stats need every score before its softmax */
#pragma omp parallel for schedule(static)
            for (int bh = 0; bh < nbh; bh++) {
                bh_view w = view_of(s, bh, T, q, ldq, k, ldk, v, P, tb);
                bh_scores(s, &w, T, scale);
            }
            score_stats(P, nbh, T, Tc, &max_raw, &ent);
            max_cap = max_raw;
        }
#pragma omp parallel for schedule(static)
        for (int bh = 0; bh < nbh; bh++) {
            bh_view w = view_of(s, bh, T, q, ldq, k, ldk, v, P, tb);
            if (!a->stats)
                bh_scores(s, &w, T, scale);
            softmax_rows(P, (size_t)bh * T, (size_t)(bh + 1) * T, T, Tc,
                         ATT_FILL);
            bh_pv(s, &w, w.S, a->y + bh_off(s, bh, T, C), T);
        }
    } else {
        float *S = s->has[SLOT_CAP] ? cache + s->c_sraw : P;
#pragma omp parallel for schedule(static)
        for (int bh = 0; bh < nbh; bh++) {
            bh_view w = view_of(s, bh, T, q, ldq, k, ldk, v, S, tb);
            bh_scores(s, &w, T, scale);
        }
        if (s->has[SLOT_CAP]) {
            float *Sc = cache + s->c_scap;
            mask_rows(S, nbh, T, Tc); /* the child must see finite values */
            lms_child_forward(&ch[SLOT_CAP], Sc, S, NS, B, T);
            if (a->stats) {
                score_stats(S, nbh, T, Tc, &max_raw, NULL);
                score_stats(Sc, nbh, T, Tc, &max_cap, &ent);
            }
            memcpy(P, Sc, NS * Tc * sizeof *P);
        } else if (a->stats) {
            score_stats(S, nbh, T, Tc, &max_raw, &ent);
            max_cap = max_raw;
        }
#pragma omp parallel for schedule(static)
        for (long r = 0; r < (long)NS; r += ROW_CHUNK)
            softmax_rows(P, (size_t)r,
                         (size_t)r + ROW_CHUNK < NS ? (size_t)r + ROW_CHUNK : NS,
                         T, Tc, 0);
        const float *Pf = P;
        if (s->has[SLOT_PMAP]) {
            float *Pm = cache + s->c_pf;
            lms_child_forward(&ch[SLOT_PMAP], Pm, P, NS, B, T);
            mask_rows(Pm, nbh, T, Tc);
            Pf = Pm;
        }
#pragma omp parallel for schedule(static)
        for (int bh = 0; bh < nbh; bh++) {
            bh_view w = view_of(s, bh, T, q, ldq, k, ldk, v, P, tb);
            bh_pv(s, &w, Pf + (size_t)bh * T * Tc, a->y + bh_off(s, bh, T, C),
                  T);
        }
    }
    if (a->stats) {
        a->stats[0] = max_raw;
        a->stats[1] = max_cap;
        a->stats[2] = (float)(ent / (double)(NS ? NS : 1));
    }
}

/* ---- backward ----------------------------------------------------------- */

/* Backward through a NORM child: dx[:, off:off+C] += norm'(dn) */
static void norm_backward(const attn *s, const lms_child *c, float *dn,
                          float *draw, const float *raw, const float *out,
                          const lms_bwd *a, int off) {
    size_t NC = a->rows * (size_t)s->C;
    zero(draw, NC);
    lms_child_backward(c, draw, dn, raw, out, a->rows * (size_t)s->H, a->B,
                       a->T);
    scatter_add(a->dx + off, draw, a->rows, s->C, 3 * s->C);
}

static void at_backward(void *self, const lms_bwd *a) {
    const attn *s = self;
    const int C = s->C, Tc = s->Tc, B = a->B, T = a->T;
    const int nbh = B * s->H;
    const size_t NS = a->rows * (size_t)s->H;
    const size_t NC = a->rows * (size_t)C;
    const float scale = 1.0f / sqrtf((float)s->hd);
    const lms_child *ch = a->children;
    float *cache = a->cache, *scr = a->scratch;
    const float *P = cache + s->c_p;
    const float *Pf = s->has[SLOT_PMAP] ? cache + s->c_pf : P;
    float *w1 = scr + s->s_w1, *w2 = scr + s->s_w2, *tb = scr + s->s_t;
    const float *v = a->x + 2 * C;

    /* q, k as the scores saw them; dq, dk where their gradients go */
    const float *q = a->x, *k = a->x + C;
    int ldq = 3 * C, ldk = 3 * C, lddq = 3 * C, lddk = 3 * C;
    float *dq = a->dx, *dk = a->dx + C;
    if (s->has[SLOT_QN]) {
        q = cache + s->c_qn;
        dq = scr + s->s_dqn;
        ldq = lddq = C;
        zero(dq, NC);
    }
    if (s->has[SLOT_KN]) {
        k = cache + s->c_kn;
        dk = scr + s->s_dkn;
        ldk = lddk = C;
        zero(dk, NC);
    }

    if (!s->has[SLOT_CAP] && !s->has[SLOT_PMAP]) {
        /* per (b, h): dP, dV, softmax backward, dQ, dK while dP is cached */
#pragma omp parallel for schedule(static)
        for (int bh = 0; bh < nbh; bh++) {
            bh_view w = view_of(s, bh, T, q, ldq, k, ldk, v, w1, tb);
            bh_pv_backward(s, &w, P + (size_t)bh * T * Tc,
                           a->dy + bh_off(s, bh, T, C),
                           a->dx + 2 * C + bh_off(s, bh, T, 3 * C), T);
            softmax_rows_backward(w1, P, (size_t)bh * T, (size_t)(bh + 1) * T,
                                  T, Tc, ATT_FILL);
            bh_qk_backward(s, &w, dq + bh_off(s, bh, T, lddq), lddq,
                           dk + bh_off(s, bh, T, lddk), lddk, T, scale);
        }
    } else {
#pragma omp parallel for schedule(static)
        for (int bh = 0; bh < nbh; bh++) {
            bh_view w = view_of(s, bh, T, q, ldq, k, ldk, v, w1, tb);
            bh_pv_backward(s, &w, Pf + (size_t)bh * T * Tc,
                           a->dy + bh_off(s, bh, T, C),
                           a->dx + 2 * C + bh_off(s, bh, T, 3 * C), T);
        }
        float *dP = w1;
        if (s->has[SLOT_PMAP]) {
            mask_rows(w1, nbh, T, Tc);
            zero(w2, NS * Tc);
            lms_child_backward(&ch[SLOT_PMAP], w2, w1, P, Pf, NS, B, T);
            dP = w2;
        }
#pragma omp parallel for schedule(static)
        for (long r = 0; r < (long)NS; r += ROW_CHUNK)
            softmax_rows_backward(
                dP, P, (size_t)r,
                (size_t)r + ROW_CHUNK < NS ? (size_t)r + ROW_CHUNK : NS, T, Tc, 0);
        float *dS = dP;
        if (s->has[SLOT_CAP]) {
            dS = dP == w1 ? w2 : w1;
            zero(dS, NS * Tc);
            lms_child_backward(&ch[SLOT_CAP], dS, dP, cache + s->c_sraw,
                               cache + s->c_scap, NS, B, T);
            mask_rows(dS, nbh, T, Tc);
        }
#pragma omp parallel for schedule(static)
        for (int bh = 0; bh < nbh; bh++) {
            bh_view w = view_of(s, bh, T, q, ldq, k, ldk, v, dS, tb);
            bh_qk_backward(s, &w, dq + bh_off(s, bh, T, lddq), lddq,
                           dk + bh_off(s, bh, T, lddk), lddk, T, scale);
        }
    }
    if (s->has[SLOT_QN])
        norm_backward(s, &ch[SLOT_QN], dq, scr + s->s_dqraw, cache + s->c_qraw,
                      cache + s->c_qn, a, 0);
    if (s->has[SLOT_KN])
        norm_backward(s, &ch[SLOT_KN], dk, scr + s->s_dkraw, cache + s->c_kraw,
                      cache + s->c_kn, a, C);
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
    .version = "1.0.0",
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
};

LMS_PLUGIN_ENTRY(&at_desc)
