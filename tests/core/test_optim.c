/* Tests for core/engine/optim.c: AdamW against the PyTorch golden files (two steps
 * with clipping), hand-computed updates, clipping and the LR schedules. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/optim.h"
#include "io/safetensors.h"

static const char *variants[] = {"baseline", "qk_norm",     "qk_fc_norm",
                                 "qkv_norm", "qk_norm_cap", "soft_cap"};

static lms_st_file *open_golden(const char *variant) {
    const char *shared = getenv("LMS_SHARED_DIR");
    char path[4096], err[1024];
    snprintf(path, sizeof path, "%s/golden/%s.safetensors",
             shared ? shared : "../shared", variant);
    lms_st_file *f = lms_st_open(path, err, sizeof err);
    ck_assert_msg(f, "%s (set LMS_SHARED_DIR)", err);
    return f;
}

static const lms_st_tensor *need(const lms_st_file *f, const char *prefix,
                                 const char *param) {
    char name[256];
    snprintf(name, sizeof name, "%s.%s", prefix, param);
    const lms_st_tensor *t = lms_st_find(f, name);
    ck_assert_msg(t && t->dtype == LMS_DTYPE_F32, "golden tensor %s missing",
                  name);
    return t;
}

/* One parameter tensor's optimizer state. */
typedef struct param {
    const char *name; /* without the p0. prefix; owned by the file */
    int decay;
    size_t n;
    float *p, *g, *m, *v;
} param;

/* Copy g<step>.* into each param's g, clip by the global norm, and compare
 * the norm with the file's grad_norm<step>. */
static void load_and_clip(const lms_st_file *f, param *ps, int np, int step) {
    char prefix[8], normname[32];
    snprintf(prefix, sizeof prefix, "g%d", step);
    snprintf(normname, sizeof normname, "grad_norm%d", step);
    double sq = 0;
    for (int i = 0; i < np; i++) {
        const lms_st_tensor *g = need(f, prefix, ps[i].name);
        ck_assert_uint_eq(g->numel, ps[i].n);
        memcpy(ps[i].g, g->data, g->nbytes);
        double nrm = lms_grad_norm(ps[i].g, ps[i].n);
        sq += nrm * nrm;
    }
    double norm = sqrt(sq);
    const lms_st_tensor *fn = lms_st_find(f, normname);
    ck_assert_msg(fn && fn->numel == 1, "%s missing", normname);
    double want = ((const float *)fn->data)[0];
    ck_assert_msg(fabs(norm - want) <= 1e-5 * want, "%s: ours %.9g, file %.9g",
                  normname, norm, want);
    ck_assert_msg(norm > 1.0, "golden clipping should be active");
    for (int i = 0; i < np; i++)
        lms_clip_grads(ps[i].g, ps[i].n, norm, 1.0f);
}

/* Compare every param with p<step>.*; returns the worst |diff|. */
static double compare(const lms_st_file *f, const char *variant, param *ps,
                      int np, int step) {
    char prefix[8];
    snprintf(prefix, sizeof prefix, "p%d", step);
    double worst = 0;
    for (int i = 0; i < np; i++) {
        const float *want = need(f, prefix, ps[i].name)->data;
        double w = 0;
        for (size_t j = 0; j < ps[i].n; j++)
            w = fmax(w, fabs((double)ps[i].p[j] - want[j]));
        ck_assert_msg(w <= 1e-6, "%s step %d %s: max |diff| %.3g > 1e-6",
                      variant, step, ps[i].name, w);
        worst = fmax(worst, w);
    }
    return worst;
}

/* AdamW on p0 with clipped g0 gives p1; again with clipped g1 gives p2. */
START_TEST(test_adamw_matches_golden) {
    const char *variant = variants[_i];
    lms_st_file *f = open_golden(variant);
    param ps[64];
    int np = 0;
    for (size_t i = 0; i < lms_st_count(f); i++) {
        const lms_st_tensor *t = lms_st_at(f, i);
        if (strncmp(t->name, "p0.", 3) != 0)
            continue;
        ck_assert_int_lt(np, 64);
        param *q = &ps[np++];
        q->name = t->name + 3;
        q->decay = t->ndim >= 2;
        q->n = t->numel;
        q->p = malloc(t->nbytes);
        q->g = malloc(t->nbytes);
        q->m = calloc(t->numel, sizeof(float));
        q->v = calloc(t->numel, sizeof(float));
        memcpy(q->p, t->data, t->nbytes);
    }
    ck_assert_int_gt(np, 10);
    const lms_adamw opt = {0.9f, 0.95f, 1e-8f, 0.1f};
    double worst[3] = {0};
    for (int step = 1; step <= 2; step++) {
        load_and_clip(f, ps, np, step - 1);
        for (int i = 0; i < np; i++)
            lms_adamw_update(&opt, ps[i].p, ps[i].g, ps[i].m, ps[i].v, ps[i].n,
                             1e-2f, step, ps[i].decay);
        worst[step] = compare(f, variant, ps, np, step);
    }
    printf("optim golden %s: worst |diff| p1 %.3g, p2 %.3g\n", variant,
           worst[1], worst[2]);
    fflush(stdout); /* the forked child may not flush on exit */
    for (int i = 0; i < np; i++) {
        free(ps[i].p), free(ps[i].g), free(ps[i].m), free(ps[i].v);
    }
    lms_st_close(f);
}
END_TEST

/* A single scalar step worked by hand: p=1, g=0.5, lr=0.1, wd=0.1, t=1:
 * p = 0.99; m = 0.05; v = 0.0125; step_size = 0.1/0.1 = 1;
 * denom = sqrt(0.0125)/sqrt(0.05) + 1e-8 = 0.5; p = 0.99 - 0.05/0.5. */
START_TEST(test_adamw_hand_step) {
    const lms_adamw opt = {0.9f, 0.95f, 1e-8f, 0.1f};
    float p[2] = {1.0f, 1.0f}, g[2] = {0.5f, 0.5f}, m[2] = {0}, v[2] = {0};
    lms_adamw_update(&opt, p, g, m, v, 1, 0.1f, 1, 1);
    lms_adamw_update(&opt, p + 1, g + 1, m + 1, v + 1, 1, 0.1f, 1, 0);
    ck_assert_double_eq_tol(p[0], 0.89, 1e-6);
    ck_assert_double_eq_tol(p[1], 0.90, 1e-6); /* no decay */
    ck_assert_double_eq_tol(m[0], 0.05, 1e-7);
    ck_assert_double_eq_tol(v[0], 0.0125, 1e-8);
}
END_TEST

START_TEST(test_grad_norm_and_clip) {
    float g[2] = {3.0f, 4.0f};
    double n = lms_grad_norm(g, 2);
    ck_assert_double_eq_tol(n, 5.0, 1e-12);
    ck_assert_float_eq(lms_clip_grads(g, 2, n, 10.0f), 1.0f);
    ck_assert_float_eq(g[0], 3.0f);
    ck_assert_float_eq(lms_clip_grads(g, 2, n, 0.0f), 1.0f); /* disabled */
    float c = lms_clip_grads(g, 2, n, 1.0f);
    ck_assert_double_eq_tol(c, 1.0 / (5.0 + 1e-6), 1e-7);
    ck_assert_double_eq_tol(g[0], 0.6, 1e-6);
    ck_assert_double_eq_tol(g[1], 0.8, 1e-6);
    /* exactly at the limit: coef = 5/(5+1e-6) < 1 still scales (PyTorch) */
    float h[1] = {5.0f};
    ck_assert(lms_clip_grads(h, 1, 5.0, 5.0f) < 1.0f);
    float inf[1] = {INFINITY};
    ck_assert_float_eq(lms_clip_grads(inf, 1, INFINITY, 1.0f), 1.0f);
}
END_TEST

START_TEST(test_schedule_cosine) {
    lms_schedule s = {LMS_SCHED_COSINE, 1.0f, 10, 110, 0.1f};
    ck_assert_double_eq_tol(lms_schedule_lr(&s, 0), 0.1, 1e-7);
    ck_assert_double_eq_tol(lms_schedule_lr(&s, 4), 0.5, 1e-7);
    ck_assert_double_eq_tol(lms_schedule_lr(&s, 9), 1.0, 1e-7);
    ck_assert_double_eq_tol(lms_schedule_lr(&s, 10), 1.0, 1e-7);
    ck_assert_double_eq_tol(lms_schedule_lr(&s, 60), 0.55, 1e-7);
    ck_assert_double_eq_tol(lms_schedule_lr(&s, 35),
                            0.1 + 0.45 * (1 + cos(M_PI * 0.25)), 1e-7);
    ck_assert_double_eq_tol(lms_schedule_lr(&s, 110), 0.1, 1e-7);
    ck_assert_double_eq_tol(lms_schedule_lr(&s, 5000), 0.1, 1e-7);
    for (int t = 11; t < 110; t++) /* strictly decreasing after warmup */
        ck_assert(lms_schedule_lr(&s, t) < lms_schedule_lr(&s, t - 1));
    s.warmup_steps = 0; /* no warmup: the first step is the peak */
    ck_assert_double_eq_tol(lms_schedule_lr(&s, 0), 1.0, 1e-7);
    ck_assert_double_eq_tol(lms_schedule_lr(&s, 55), 0.55, 1e-7);
}
END_TEST

START_TEST(test_schedule_linear_and_constant) {
    lms_schedule s = {LMS_SCHED_LINEAR, 2.0f, 10, 110, 0.1f};
    ck_assert_double_eq_tol(lms_schedule_lr(&s, 0), 0.2, 1e-6);
    ck_assert_double_eq_tol(lms_schedule_lr(&s, 10), 2.0, 1e-6);
    ck_assert_double_eq_tol(lms_schedule_lr(&s, 35), 2.0 - 0.25 * 1.8, 1e-6);
    ck_assert_double_eq_tol(lms_schedule_lr(&s, 60), 1.1, 1e-6);
    ck_assert_double_eq_tol(lms_schedule_lr(&s, 200), 0.2, 1e-6);
    s.kind = LMS_SCHED_CONSTANT;
    ck_assert_double_eq_tol(lms_schedule_lr(&s, 4), 1.0, 1e-6);
    ck_assert_double_eq_tol(lms_schedule_lr(&s, 10), 2.0, 1e-6);
    ck_assert_double_eq_tol(lms_schedule_lr(&s, 100000), 2.0, 1e-6);
}
END_TEST

int main(void) {
    Suite *s = suite_create("optim");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_adamw_matches_golden, 0,
                        (int)(sizeof variants / sizeof variants[0]));
    tcase_add_test(tc, test_adamw_hand_step);
    tcase_add_test(tc, test_grad_norm_and_clip);
    tcase_add_test(tc, test_schedule_cosine);
    tcase_add_test(tc, test_schedule_linear_and_constant);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
