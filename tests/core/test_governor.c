/* Tests for core/train/thread_governor.c: the candidate counts, and the
 * count it settles on when the machine makes more or fewer threads faster
 * (a simulated step time per thread count, no clock). */
#include <check.h>
#include <stdlib.h>

#include "train/thread_governor.h"

/* seconds per step at n threads: cost[n] */
static int run(lms_governor *g, const double *cost, int steps, long *at) {
    int n = 0;
    for (int i = 0; i < steps; i++) {
        n = lms_governor_threads(g);
        if (at)
            at[n]++;
        lms_governor_step(g, cost[n]);
    }
    return lms_governor_threads(g);
}

START_TEST(test_candidates) {
    lms_governor g;
    lms_governor_init(&g, 8, 1);
    ck_assert_int_eq(g.ncand, 4);
    ck_assert_int_eq(g.cand[0], 8);
    ck_assert_int_eq(g.cand[1], 7);
    ck_assert_int_eq(g.cand[2], 4);
    ck_assert_int_eq(g.cand[3], 1);
    lms_governor_init(&g, 2, 1);
    ck_assert_int_eq(g.ncand, 2);
    ck_assert_int_eq(g.cand[1], 1);
    lms_governor_init(&g, 1, 1); /* nothing to choose */
    ck_assert_int_eq(g.on, 0);
    ck_assert_int_eq(lms_governor_threads(&g), 1);
}
END_TEST

/* A quiet 2-core machine: 2 threads nearly twice as fast. Kept, and the
 * probes of 1 thread cost few steps. */
START_TEST(test_quiet_keeps_all_threads) {
    const double cost[3] = {0, 0.09, 0.05};
    lms_governor g;
    long at[3] = {0, 0, 0};
    lms_governor_init(&g, 2, 1);
    ck_assert_int_eq(run(&g, cost, 3000, at), 2);
    ck_assert_msg(at[1] < 3000 / 20, "%ld of 3000 steps on 1 thread", at[1]);
    ck_assert(lms_governor_mean(&g) > 1.95);
}
END_TEST

/* Another process holds a core: 2 threads 4x slower than 1 (what a 2-core
 * VM beside a busy loop measured). 1 thread is kept. */
START_TEST(test_busy_core_drops_a_thread) {
    const double cost[3] = {0, 0.05, 0.20};
    lms_governor g;
    long at[3] = {0, 0, 0};
    lms_governor_init(&g, 2, 1);
    ck_assert_int_eq(run(&g, cost, 3000, at), 1);
    ck_assert_msg(at[2] < 3000 / 20, "%ld of 3000 steps on 2 threads", at[2]);
}
END_TEST

/* The load comes and goes: the count follows within a bounded number of
 * steps each way. */
START_TEST(test_follows_the_load) {
    const double quiet[3] = {0, 0.09, 0.05}, busy[3] = {0, 0.05, 0.20};
    lms_governor g;
    lms_governor_init(&g, 2, 1);
    ck_assert_int_eq(run(&g, quiet, 2000, NULL), 2);
    /* the slow-down of the kept count triggers a probe at once */
    ck_assert_int_eq(run(&g, busy, 40, NULL), 1);
    ck_assert_int_eq(run(&g, busy, 5000, NULL), 1);
    /* back to quiet: found at the next probe (intervals are bounded) */
    ck_assert_int_eq(run(&g, quiet, 6000, NULL), 2);
}
END_TEST

/* Within the margin the kept count stays (no flapping on noise). */
START_TEST(test_margin) {
    const double cost[3] = {0, 0.098, 0.100};
    lms_governor g;
    lms_governor_init(&g, 2, 1);
    ck_assert_int_eq(run(&g, cost, 3000, NULL), 2);
}
END_TEST

/* Off: every step on the maximum, whatever the times. */
START_TEST(test_off) {
    const double cost[5] = {0, 0.01, 1, 1, 1};
    lms_governor g;
    long at[5] = {0, 0, 0, 0, 0};
    lms_governor_init(&g, 4, 0);
    ck_assert_int_eq(run(&g, cost, 500, at), 4);
    ck_assert_int_eq(at[4], 500);
    ck_assert(lms_governor_mean(&g) == 4.0);
}
END_TEST

int main(void) {
    Suite *s = suite_create("governor");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_candidates);
    tcase_add_test(tc, test_quiet_keeps_all_threads);
    tcase_add_test(tc, test_busy_core_drops_a_thread);
    tcase_add_test(tc, test_follows_the_load);
    tcase_add_test(tc, test_margin);
    tcase_add_test(tc, test_off);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
