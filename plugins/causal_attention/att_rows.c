/* Row operations of attention on scores and probabilities (att_rows.h). */
#include <math.h>
#include <string.h>

#include "lmstab/plugin_math.h"
#include "lmstab/plugin_util.h"

#include "att_rows.h"

/* Rows per parallel chunk of the whole-tensor loops. */
#define ROW_CHUNK 256
/* Below this many floats a mask loop is one chunk (one thread). */
#define PAR_MIN 65536
/* Rows per chunk of a larger mask loop. */
#define MASK_GRAIN 64
/* Heads whose statistics are combined per round (bounded stack use). */
#define STAT_GROUP 256

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

/* p[0..n) = softmax(p[0..n)) in place, p[n..end) = 0 */
static void softmax_row(float *p, int n, int end) {
    float m = lms_row_max(p, n);
    for (int j = 0; j < n; j++)
        p[j] = lms_expf(p[j] - m);
    float inv = 1.0f / row_dot(p, NULL, n);
    for (int j = 0; j < n; j++)
        p[j] *= inv;
    memset(p + n, 0, (size_t)(end - n) * sizeof *p);
}

/* d[0..n) = p * (d - sum(p * d)) in place, d[n..end) = 0 */
static void softmax_row_backward(float *d, const float *p, int n, int end) {
    float dot = row_dot(p, d, n);
    for (int j = 0; j < n; j++)
        d[j] = p[j] * (d[j] - dot);
    memset(d + n, 0, (size_t)(end - n) * sizeof *d);
}

/* entropy -sum p log p of softmax(s[0..n)) as log z - sum(e d) / z with
 * d = s - max, e = exp d: one log per row */
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

/* end of the zeroed part of row i (see att_softmax_rows) */
static int end_of(int i, int Tc, int fill) {
    if (fill <= 0)
        return Tc;
    int end = (i / fill + 1) * fill;
    return end < Tc ? end : Tc;
}

LMS_HOT void att_softmax_rows(float *P, size_t r0, size_t r1, int T, int Tc,
                              int fill) {
    for (size_t r = r0; r < r1; r++) {
        int i = (int)(r % (size_t)T);
        softmax_row(P + r * Tc, i + 1, end_of(i, Tc, fill));
    }
}

LMS_HOT void att_softmax_rows_backward(float *dP, const float *P, size_t r0,
                                       size_t r1, int T, int Tc, int fill) {
    for (size_t r = r0; r < r1; r++) {
        int i = (int)(r % (size_t)T);
        softmax_row_backward(dP + r * Tc, P + r * Tc, i + 1,
                             end_of(i, Tc, fill));
    }
}

/* A loop over row chunks (items of the host's parallel_for). */
typedef struct rows_call {
    float *A;        /* P, dP or S */
    const float *P;  /* backward: the probabilities */
    size_t n;        /* rows */
    int T, Tc;
} rows_call;

static void softmax_chunks(void *ctx, size_t lo, size_t hi) {
    const rows_call *c = ctx;
    for (size_t k = lo; k < hi; k++) {
        size_t r = k * ROW_CHUNK;
        att_softmax_rows(c->A, r, r + ROW_CHUNK < c->n ? r + ROW_CHUNK : c->n,
                         c->T, c->Tc, 0);
    }
}

void att_softmax_all(const lms_host *host, float *P, size_t n, int T, int Tc) {
    rows_call c = {P, NULL, n, T, Tc};
    lms_parallel_for(host, (n + ROW_CHUNK - 1) / ROW_CHUNK, 1, softmax_chunks,
                     &c);
}

static void softmax_bwd_chunks(void *ctx, size_t lo, size_t hi) {
    const rows_call *c = ctx;
    for (size_t k = lo; k < hi; k++) {
        size_t r = k * ROW_CHUNK;
        att_softmax_rows_backward(c->A, c->P, r,
                                  r + ROW_CHUNK < c->n ? r + ROW_CHUNK : c->n,
                                  c->T, c->Tc, 0);
    }
}

void att_softmax_backward_all(const lms_host *host, float *dP, const float *P,
                              size_t n, int T, int Tc) {
    rows_call c = {dP, P, n, T, Tc};
    lms_parallel_for(host, (n + ROW_CHUNK - 1) / ROW_CHUNK, 1,
                     softmax_bwd_chunks, &c);
}

static void mask_range(void *ctx, size_t lo, size_t hi) {
    const rows_call *c = ctx;
    for (size_t r = lo; r < hi; r++) {
        int i = (int)(r % (size_t)c->T);
        memset(c->A + r * c->Tc + i + 1, 0,
               (size_t)(c->Tc - i - 1) * sizeof *c->A);
    }
}

/* rows one at a time (grain MASK_GRAIN), or all at once below PAR_MIN */
void att_mask_rows(const lms_host *host, float *S, size_t nbh, int T, int Tc) {
    rows_call c = {S, NULL, nbh * (size_t)T, T, Tc};
    lms_parallel_for(host, c.n,
                     c.n * (size_t)Tc >= PAR_MIN ? MASK_GRAIN : c.n,
                     mask_range, &c);
}

/* max over the unmasked entries of rows [r0, r1) (NaN wins) */
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

/* The heads g0 + [lo, hi) of att_score_stats, into pm, pe [lo, hi). */
typedef struct stats_call {
    const float *S;
    int g0, T, Tc, ent;
    float *pm;
    double *pe;
} stats_call;

static void stats_heads(void *ctx, size_t lo, size_t hi) {
    const stats_call *c = ctx;
    for (size_t i = lo; i < hi; i++) {
        size_t r0 = (size_t)(c->g0 + (int)i) * c->T;
        c->pm[i] = masked_max(c->S, r0, r0 + c->T, c->T, c->Tc);
        c->pe[i] = c->ent ? entropy_rows(c->S, r0, r0 + c->T, c->T, c->Tc)
                          : 0.0;
    }
}

void att_score_stats(const lms_host *host, const float *S, int nbh, int T,
                     int Tc, float *max_out, double *ent_out) {
    float mx = -INFINITY;
    double ent = 0;
    for (int g0 = 0; g0 < nbh; g0 += STAT_GROUP) {
        const int gn = nbh - g0 < STAT_GROUP ? nbh - g0 : STAT_GROUP;
        float pm[STAT_GROUP];
        double pe[STAT_GROUP];
        stats_call c = {S, g0, T, Tc, ent_out != NULL, pm, pe};
        lms_parallel_for(host, (size_t)gn, 1, stats_heads, &c);
        for (int i = 0; i < gn; i++) {
            mx = (pm[i] > mx || pm[i] != pm[i]) ? pm[i] : mx;
            ent += pe[i];
        }
    }
    *max_out = mx;
    if (ent_out)
        *ent_out = ent;
}
