/* The null checks' dependent draws (null_sim.c, lms_null_draw_copula):
 * each LR keeps the fitted curve's failure probability whatever rho is;
 * at rho 1 a seed has one edge (no failure below a survival), at rho 0 the
 * seeds' runs are independent, and in between the copula's pair
 * probability P(fail at the lower, survive at the higher) holds. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "report/null_sim.h"
#include "sweep/normal.h"

enum { SEEDS = 4000, LRS = 5 };
static lms_curve_run runs[SEEDS * LRS];
static double latent[SEEDS * LRS];

/* curve: logit p = 2 + 1.5 ln LR (LR50 = exp(-4/3)), LRs around it */
static const lms_logit F[2] = {{2, 1.5, 1}, {2, 1.5, 1}};
static double lr_of(int k) { return exp(-4.0 / 3 + 0.6 * (k - 2)); }
static double p_of(int k) {
    return 1 / (1 + exp(-(F[0].a + F[0].b * log(lr_of(k)))));
}

static void draw(double rho, unsigned long long seed) {
    size_t n = 0;
    for (int s = 0; s < SEEDS; s++)
        for (int k = 0; k < LRS; k++)
            runs[n++] = (lms_curve_run){0, lr_of(k), s + 1, 0, 0};
    lms_rng rng;
    lms_rng_seed(&rng, seed, 3);
    const double r[2] = {rho, rho};
    lms_null_draw_copula(runs, n, F, r, latent, &rng);
}

/* the share of seeds that failed at LR i and survived at LR j */
static double pair_share(int i, int j) {
    int c = 0;
    for (int s = 0; s < SEEDS; s++)
        c += runs[s * LRS + i].failed && !runs[s * LRS + j].failed;
    return (double)c / SEEDS;
}

START_TEST(marginals_kept) {
    const double rhos[] = {0, 0.5, 1};
    for (int t = 0; t < 3; t++) {
        draw(rhos[t], 40 + t);
        for (int k = 0; k < LRS; k++) {
            int f = 0;
            for (int s = 0; s < SEEDS; s++)
                f += runs[s * LRS + k].failed;
            const double p = p_of(k), se = sqrt(p * (1 - p) / SEEDS);
            ck_assert_msg(fabs((double)f / SEEDS - p) < 4 * se,
                          "rho %g LR %d: %g against %g", rhos[t], k,
                          (double)f / SEEDS, p);
        }
    }
}
END_TEST

START_TEST(pairs_follow_the_copula) {
    const double rhos[] = {0, 0.5, 1};
    for (int t = 0; t < 3; t++) {
        draw(rhos[t], 50 + t);
        for (int i = 0; i < LRS; i++)
            for (int j = i + 1; j < LRS; j++) {
                const double qi = lms_norm_quantile(p_of(i));
                const double qj = lms_norm_quantile(p_of(j));
                const double want = p_of(i) - lms_bvn_cdf(qi, qj, rhos[t]);
                const double se = sqrt(fmax(want, 1e-4) / SEEDS);
                ck_assert_msg(fabs(pair_share(i, j) - want) < 4 * se + 1e-12,
                              "rho %g LRs %d %d: %g against %g", rhos[t], i, j,
                              pair_share(i, j), want);
            }
    }
    draw(1, 60); /* one edge a seed: not one inversion */
    for (int i = 0; i < LRS; i++)
        for (int j = i + 1; j < LRS; j++)
            ck_assert_double_eq(pair_share(i, j), 0);
}
END_TEST

int main(void) {
    Suite *s = suite_create("null_sim");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, marginals_kept);
    tcase_add_test(tc, pairs_follow_the_copula);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
