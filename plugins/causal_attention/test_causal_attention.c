/*
 * Check tests of the causal_attention plugin, through the real loader, with
 * layernorm children (qk_norm) and two in-process mock children that cover
 * the score_cap and prob_map slots:
 *   mock_cap:  y = c tanh(x / c) + 0.25, c a learned scalar (tests child
 *              parameters and a map that is non-zero at 0)
 *   mock_pmap: y = a p - 0.1 + 0.1 p^2, a a learned scalar (non-zero at
 *              p = 0: masked entries must still get probability 0)
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tk_suite.h"

static char err[1024];

/* ---- mock children ---------------------------------------------------------
 */

typedef struct mock {
    int cols;
} mock;

static void *mock_create(const lms_host *h, char *e, size_t n) {
    (void)h;
    (void)e;
    (void)n;
    return calloc(1, sizeof(mock));
}
static void mock_destroy(void *self) {
    free(self);
}
static int mock_set(void *self, const char *k, const char *v, char *e,
                    size_t n) {
    (void)self;
    (void)k;
    (void)v;
    (void)e;
    (void)n;
    return -1;
}
static int cap_plan(void *self, const lms_model_info *mi, lms_plan *p, char *e,
                    size_t n) {
    (void)mi;
    (void)e;
    (void)n;
    ((mock *)self)->cols = p->in_cols;
    p->out_cols = p->in_cols;
    lms_plan_add_param(p, "cap", 1, 1, 0, LMS_INIT_CONSTANT, 2.0f);
    return 0;
}
static void cap_forward(void *self, const lms_fwd *a) {
    size_t n = a->rows * (size_t)((mock *)self)->cols;
    float c = a->w[0][0];
    for (size_t i = 0; i < n; i++)
        a->y[i] = c * tanhf(a->x[i] / c) + 0.25f;
}
static void cap_backward(void *self, const lms_bwd *a) {
    size_t n = a->rows * (size_t)((mock *)self)->cols;
    float c = a->w[0][0];
    double dc = 0;
    for (size_t i = 0; i < n; i++) {
        float u = a->x[i] / c, th = tanhf(u);
        a->dx[i] += a->dy[i] * (1 - th * th);
        dc += (double)a->dy[i] * (th - u * (1 - th * th));
    }
    a->dw[0][0] += (float)dc;
}
static const lms_key no_keys[] = {LMS_KEYS_END};
static const lms_descriptor cap_desc = {.abi_major = LMS_ABI_MAJOR,
                                        .abi_minor = LMS_ABI_MINOR,
                                        .size = sizeof(lms_descriptor),
                                        .name = "mock_cap",
                                        .kind = LMS_KIND_SCORE_MAP,
                                        .version = "1.0.0",
                                        .summary = "test",
                                        .keys = no_keys,
                                        .create = mock_create,
                                        .set = mock_set,
                                        .plan = cap_plan,
                                        .forward = cap_forward,
                                        .backward = cap_backward,
                                        .destroy = mock_destroy,
                                        .max_params = 1};

static int pmap_plan(void *self, const lms_model_info *mi, lms_plan *p, char *e,
                     size_t n) {
    (void)mi;
    (void)e;
    (void)n;
    ((mock *)self)->cols = p->in_cols;
    p->out_cols = p->in_cols;
    lms_plan_add_param(p, "a", 1, 1, 0, LMS_INIT_CONSTANT, 1.25f);
    return 0;
}
static void pmap_forward(void *self, const lms_fwd *a) {
    size_t n = a->rows * (size_t)((mock *)self)->cols;
    float s = a->w[0][0];
    for (size_t i = 0; i < n; i++)
        a->y[i] = s * a->x[i] - 0.1f + 0.1f * a->x[i] * a->x[i];
}
static void pmap_backward(void *self, const lms_bwd *a) {
    size_t n = a->rows * (size_t)((mock *)self)->cols;
    float s = a->w[0][0];
    double ds = 0;
    for (size_t i = 0; i < n; i++) {
        a->dx[i] += a->dy[i] * (s + 0.2f * a->x[i]);
        ds += (double)a->dy[i] * a->x[i];
    }
    a->dw[0][0] += (float)ds;
}
static const lms_descriptor pmap_desc = {.abi_major = LMS_ABI_MAJOR,
                                         .abi_minor = LMS_ABI_MINOR,
                                         .size = sizeof(lms_descriptor),
                                         .name = "mock_pmap",
                                         .kind = LMS_KIND_PROB_MAP,
                                         .version = "1.0.0",
                                         .summary = "test",
                                         .keys = no_keys,
                                         .create = mock_create,
                                         .set = mock_set,
                                         .plan = pmap_plan,
                                         .forward = pmap_forward,
                                         .backward = pmap_backward,
                                         .destroy = mock_destroy,
                                        .max_params = 1};

/* ---- building
 * ---------------------------------------------------------------- */

enum { QKN = 1, CAP = 2, PMAP = 4 };

/* causal_attention with kvs and the children in `flags`. */
static lms_layer *make(const char *const *kvs, int flags) {
    lms_tk_child ch[] = {{"q_norm", "layernorm", NULL},
                         {"k_norm", "layernorm", NULL},
                         {NULL, NULL, NULL}};
    lms_layer *L, *c;
    ck_assert_msg(lms_tk_layer_new(&L, lms_tks_loader(), "causal_attention",
                                   kvs, (flags & QKN) ? ch : NULL, err,
                                   sizeof err) == 0,
                  "%s", err);
    if (flags & CAP) {
        ck_assert(lms_tk_layer_from_desc(&c, &cap_desc, err, sizeof err) == 0);
        ck_assert_msg(lms_layer_attach(L, "score_cap", c, err, sizeof err) == 0,
                      "%s", err);
    }
    if (flags & PMAP) {
        ck_assert(lms_tk_layer_from_desc(&c, &pmap_desc, err, sizeof err) == 0);
        ck_assert_msg(lms_layer_attach(L, "prob_map", c, err, sizeof err) == 0,
                      "%s", err);
    }
    return L;
}

/* Plan under mi for B x T (T <= context) and bind; random params/input. */
static void build(lms_tk *t, const char *const *kvs, int flags,
                  lms_model_info mi, int B, int T) {
    ck_assert_msg(lms_tk_setup(t, make(kvs, flags), &mi, B, T, 3 * mi.d_model,
                               err, sizeof err) == 0,
                  "%s", err);
    lms_tk_init_params(t, 21);
    lms_tk_fill_input(t, 22);
}

/* ---- double reference ---------------------------------------------------- */

static void ref_ln(double *v, int n, const float *w, const float *b) {
    double m = 0, var = 0;
    for (int i = 0; i < n; i++)
        m += v[i];
    m /= n;
    for (int i = 0; i < n; i++)
        var += (v[i] - m) * (v[i] - m);
    var /= n;
    for (int i = 0; i < n; i++)
        v[i] = (v[i] - m) / sqrt(var + 1e-5) * w[i] + b[i];
}

/* y: (B*T, C) and stats[3] for the layer in t (flags as in make) */
static void reference(double *y, double *stats, const lms_tk *t, int flags,
                      int H) {
    int B = t->B, T = t->T, C = t->in_cols / 3, hd = C / H;
    const float *x = t->x;
    const float *qw = NULL, *qb = NULL, *kw = NULL, *kb = NULL;
    double c = 0, pa = 0;
    if (flags & PMAP)
        pa = lms_tk_layer_w(t->L, "prob_map", 0)[0];
    if (flags & QKN) {
        qw = lms_tk_layer_w(t->L, "q_norm", 0);
        qb = lms_tk_layer_w(t->L, "q_norm", 1);
        kw = lms_tk_layer_w(t->L, "k_norm", 0);
        kb = lms_tk_layer_w(t->L, "k_norm", 1);
    }
    if (flags & CAP)
        c = lms_tk_layer_w(t->L, "score_cap", 0)[0];
    double *q = malloc(sizeof(double) * T * hd),
           *k = malloc(sizeof(double) * T * hd);
    double *s = malloc(sizeof(double) * T), *p = malloc(sizeof(double) * T);
    double mx = -INFINITY, mxc = -INFINITY, ent = 0;
    for (int b = 0; b < B; b++)
        for (int h = 0; h < H; h++) {
            for (int i = 0; i < T; i++)
                for (int d = 0; d < hd; d++) {
                    const float *row = x + (size_t)(b * T + i) * 3 * C;
                    q[i * hd + d] = row[h * hd + d];
                    k[i * hd + d] = row[C + h * hd + d];
                }
            if (flags & QKN)
                for (int i = 0; i < T; i++) {
                    ref_ln(q + i * hd, hd, qw, qb);
                    ref_ln(k + i * hd, hd, kw, kb);
                }
            for (int i = 0; i < T; i++) {
                double m = -INFINITY, z = 0;
                for (int j = 0; j <= i; j++) {
                    double d = 0;
                    for (int e = 0; e < hd; e++)
                        d += q[i * hd + e] * k[j * hd + e];
                    s[j] = d / sqrt((double)hd);
                    mx = fmax(mx, s[j]);
                    if (flags & CAP)
                        s[j] = c * tanh(s[j] / c) + 0.25;
                    mxc = fmax(mxc, s[j]);
                    m = fmax(m, s[j]);
                }
                for (int j = 0; j <= i; j++)
                    z += p[j] = exp(s[j] - m);
                for (int j = 0; j <= i; j++) {
                    p[j] /= z;
                    if (p[j] > 0)
                        ent -= p[j] * log(p[j]);
                    if (flags & PMAP)
                        p[j] = pa * p[j] - 0.1 + 0.1 * p[j] * p[j];
                }
                for (int d = 0; d < hd; d++) {
                    double acc = 0;
                    for (int j = 0; j <= i; j++)
                        acc +=
                            p[j] *
                            x[(size_t)(b * T + j) * 3 * C + 2 * C + h * hd + d];
                    y[(size_t)(b * T + i) * C + h * hd + d] = acc;
                }
            }
        }
    stats[0] = mx;
    stats[1] = mxc;
    stats[2] = ent / ((double)B * H * T);
    free(q);
    free(k);
    free(s);
    free(p);
}

static void check_reference(const char *const *kvs, int flags,
                            lms_model_info mi, int B, int T, int H,
                            float qk_scale) {
    lms_tk t;
    build(&t, kvs, flags, mi, B, T);
    int C = mi.d_model;
    for (size_t r = 0; r < t.rows; r++)
        for (int i = 0; i < 2 * C; i++)
            t.x[r * 3 * C + i] *= qk_scale;
    lms_tk_forward(&t);
    size_t n = t.rows * (size_t)C;
    double *y = malloc(n * sizeof *y), st[3], worst = 0, ymax = 0;
    reference(y, st, &t, flags, H);
    for (size_t i = 0; i < n; i++) {
        worst = fmax(worst, fabs(y[i] - t.y[i]));
        ymax = fmax(ymax, fabs(y[i]));
    }
    ck_assert_msg(worst <= 2e-6 * fmax(1, ymax),
                  "flags %d, B %d, T %d: max |y - ref| = %g", flags, B, T,
                  worst);
    for (int i = 0; i < 3; i++)
        ck_assert_msg(fabs(t.stats[i] - st[i]) <= 1e-5 * fmax(1, fabs(st[i])),
                      "stat %s = %g, reference %g", lms_tk_layer_plan(t.L, NULL)->stat_names[i],
                      t.stats[i], st[i]);
    free(y);
    lms_tk_free(&t);
}

/* ---- tests
 * ---------------------------------------------------------------------- */

START_TEST(test_descriptor) {
    const lms_key keys[] = {{"n_head", LMS_VALUE_INT, "0", NULL, 0, 0, 0, 0, NULL, NULL},
                            LMS_KEYS_END};
    const lms_descriptor *d =
        lms_tks_check_descriptor(LMS_KIND_ATTENTION, "1.1.0", keys);
    const char *slots[] = {"q_norm", "k_norm", "score_cap", "prob_map"};
    const int kinds[] = {LMS_KIND_NORM, LMS_KIND_NORM, LMS_KIND_SCORE_MAP,
                         LMS_KIND_PROB_MAP};
    for (int i = 0; i < 4; i++) {
        ck_assert_str_eq(d->slots[i].name, slots[i]);
        ck_assert_int_eq(d->slots[i].kind, kinds[i]);
    }
    ck_assert(d->slots[4].name == NULL);
}
END_TEST

START_TEST(test_keys) {
    const char *bad[] = {"-1", "1.5", "two", "", "1e3"};
    for (int i = 0; i < 5; i++) {
        char want[64];
        snprintf(want, sizeof want, "(got '%s')", bad[i]);
        lms_tks_expect_bad("n_head", bad[i], "must be an integer >= 0");
        lms_tks_expect_bad("n_head", bad[i], want);
    }
    lms_layer *L = make((const char *[]){"n_head=4", NULL}, 0);
    ck_assert(lms_layer_set(L, "heads", "4", err, sizeof err) != 0);
    ck_assert_msg(strstr(err, "accepted: n_head"), "%s", err);
    /* a child of the wrong kind is refused by the core */
    lms_layer *c;
    ck_assert(lms_tk_layer_from_desc(&c, &pmap_desc, err, sizeof err) == 0);
    ck_assert(lms_layer_attach(L, "q_norm", c, err, sizeof err) != 0);
    lms_layer_free(c);
    lms_layer_free(L);
}
END_TEST

START_TEST(test_plan) {
    lms_model_info mi = lms_tk_model_small();
    lms_layer *L = make((const char *[]){"n_head=5", NULL}, 0);
    ck_assert(lms_layer_plan(L, &mi, 16, 96, err, sizeof err) != 0);
    ck_assert_msg(strstr(err, "not divisible by 3*n_head = 15"), "%s", err);
    lms_layer_free(L);
    L = make(NULL, 0);
    ck_assert(lms_layer_plan(L, &mi, 16, 95, err, sizeof err) != 0);
    ck_assert_msg(strstr(err, "95"), "%s", err);
    lms_layer_free(L);

    lms_tk t;
    build(&t, NULL, QKN | CAP | PMAP, mi, 2, 8);
    const lms_plan *p = lms_tk_layer_plan(t.L, NULL);
    ck_assert_int_eq(p->out_cols, 32);
    ck_assert_int_eq(p->n_params, 0);
    ck_assert_int_eq(p->n_stats, 3);
    ck_assert_str_eq(p->stat_names[0], "max_score");
    ck_assert_str_eq(p->stat_names[1], "max_score_capped");
    ck_assert_str_eq(p->stat_names[2], "entropy");
    /* q/k norms: (B*T*H, head_dim); maps: (B*H*T, context) */
    static const char *const slot[] = {"q_norm", "k_norm", "score_cap",
                                       "prob_map"};
    for (int i = 0; i < 2; i++) {
        const lms_plan *c = lms_tk_layer_plan(t.L, slot[i]);
        ck_assert_uint_eq(c->in_rows, 32);
        ck_assert_int_eq(c->in_cols, 16);
        ck_assert_int_eq(c->params[0].shape[0], 16);
    }
    for (int i = 2; i < 4; i++) {
        const lms_plan *c = lms_tk_layer_plan(t.L, slot[i]);
        ck_assert_uint_eq(c->in_rows, 32);
        ck_assert_int_eq(c->in_cols, 8);
    }
    lms_tk_free(&t);

    build(&t, (const char *[]){"n_head=4", NULL}, QKN, mi, 2, 8);
    ck_assert_int_eq(lms_tk_layer_plan(t.L, "q_norm")->in_cols, 8);
    ck_assert_uint_eq(lms_tk_layer_plan(t.L, "q_norm")->in_rows, 64);
    lms_tk_free(&t);
}
END_TEST

START_TEST(test_forward_reference) {
    lms_model_info mi = lms_tk_model_small();
    for (int f = 0; f < 8; f++) {
        check_reference(NULL, f, mi, 2, 8, 2, 1.0f);
        check_reference(NULL, f, mi, 2, 5, 2, 1.0f); /* T < context */
        check_reference(NULL, f, mi, 1, 1, 2, 1.0f);
    }
    check_reference((const char *[]){"n_head=4", NULL}, QKN, mi, 2, 8, 4, 1.0f);
    check_reference((const char *[]){"n_head=1", NULL}, CAP, mi, 2, 7, 1, 1.0f);
}
END_TEST

/* sequences longer than one query block of the blocked products */
START_TEST(test_long_sequence) {
    lms_model_info mi = lms_tk_model_small();
    mi.d_model = 16;
    mi.context = 150;
    mi.batch = 1;
    check_reference(NULL, 0, mi, 1, 150, 2, 1.0f);
    check_reference(NULL, CAP | PMAP, mi, 1, 130, 2, 1.0f);
    check_reference(NULL, QKN, mi, 1, 130, 2, 1.0f);
    /* staged path (children on whole tensors) and fused per-head path, at
     * full context and below it */
    const int flags[] = {QKN | CAP, 0, QKN, 0};
    const int Ts[] = {150, 150, 150, 130};
    for (int i = 0; i < 4; i++) {
        lms_tk t;
        build(&t, NULL, flags[i], mi, 1, Ts[i]);
        lms_tk_gc_opts o = {.max_elems = 48};
        ck_assert_msg(lms_tk_gradcheck(&t, &o, NULL, err, sizeof err) == 0,
                      "flags %d T %d: %s", flags[i], Ts[i], err);
        lms_tk_free(&t);
    }
}
END_TEST

static void gradcheck(const char *const *kvs, int flags, int B, int T) {
    lms_tk t;
    build(&t, kvs, flags, lms_tk_model_small(), B, T);
    int rc = lms_tk_gradcheck(&t, NULL, NULL, err, sizeof err);
    ck_assert_msg(rc == 0, "flags %d: %s", flags, err);
    lms_tk_free(&t);
}

START_TEST(test_gradients) {
    for (int f = 0; f < 8; f++)
        gradcheck(NULL, f, 2, 8);
    gradcheck(NULL, QKN | CAP | PMAP, 2, 6); /* T < context */
    gradcheck((const char *[]){"n_head=4", NULL}, QKN, 2, 8);
}
END_TEST

/* the future never leaks: outputs before t ignore inputs at t and later,
 * and inputs after t get no gradient from outputs at t */
START_TEST(test_causality) {
    lms_tk t;
    build(&t, NULL, QKN | CAP | PMAP, lms_tk_model_small(), 2, 8);
    int C = 32, T = 8;
    lms_tk_forward(&t);
    float *y0 = malloc(t.rows * C * sizeof *y0);
    memcpy(y0, t.y, t.rows * C * sizeof *y0);
    for (int i = 0; i < 3 * C; i++)
        t.x[5 * 3 * C + i] += 3.0f; /* batch 0, position 5 */
    lms_tk_forward(&t);
    ck_assert(memcmp(y0, t.y, 5 * C * sizeof *y0) == 0);
    ck_assert(memcmp(y0 + T * C, t.y + T * C, T * C * sizeof *y0) == 0);
    ck_assert(memcmp(y0 + 5 * C, t.y + 5 * C, C * sizeof *y0) != 0);
    free(y0);

    memset(t.dy, 0, t.rows * C * sizeof *t.dy);
    for (int i = 0; i < C; i++)
        t.dy[3 * C + i] = 1.0f; /* batch 0, position 3 */
    lms_tk_backward(&t);
    for (size_t r = 0; r < t.rows; r++)
        for (int i = 0; i < 3 * C; i++)
            if (r > 3)
                ck_assert_msg(t.dx[r * 3 * C + i] == 0.0f, "dx[%zu][%d] = %g",
                              r, i, t.dx[r * 3 * C + i]);
    double s = 0;
    for (int i = 0; i < 4 * 3 * C; i++)
        s += fabs(t.dx[i]);
    ck_assert(s > 0);
    lms_tk_free(&t);
}
END_TEST

START_TEST(test_huge_scores) {
    lms_model_info mi = lms_tk_model_small();
    check_reference(NULL, 0, mi, 2, 8, 2, 40.0f); /* scores ~ 1e3 */
    check_reference(NULL, CAP, mi, 2, 8, 2, 40.0f);
    lms_tk t;
    build(&t, NULL, 0, mi, 2, 8);
    for (size_t r = 0; r < t.rows; r++)
        for (int i = 0; i < 64; i++)
            t.x[r * 96 + i] *= 300.0f; /* scores ~ 1e5 */
    lms_tk_forward(&t);
    ck_assert(t.stats[0] > 1e4);
    for (size_t i = 0; i < t.rows * 32; i++)
        ck_assert(isfinite(t.y[i]));
    lms_tk_fill(t.dy, t.rows * 32, 5, -1, 1);
    lms_tk_backward(&t);
    for (size_t i = 0; i < t.rows * 96; i++)
        ck_assert(isfinite(t.dx[i]));
    /* a NaN in the input shows up in the output (divergence detection) */
    t.x[0] = NAN;
    lms_tk_forward(&t);
    ck_assert(isnan(t.y[0]));
    lms_tk_free(&t);
}
END_TEST

/* 60 s a test: the reference and gradient checks are slow. */
int main(void) {
    const TTest *tests[] = {
        test_descriptor,        test_keys,          test_plan,
        test_forward_reference, test_long_sequence, test_gradients,
        test_causality,         test_huge_scores,   NULL};
    return lms_tks_main_timeout("causal_attention", tests, 60);
}
