/* Tests for the host table's threading services (ABI 1.1, core/host.c) and
 * their plugin_util.h helpers: every item once, in the same fixed chunks for
 * any thread count, and the serial fallback for an ABI 1.0 host. */
#include <check.h>
#include <stdlib.h>

#include "lmstab/host.h"
#include "lmstab/loader.h"
#include "lmstab/plugin_util.h"

typedef struct visits {
    int *count;     /* per item */
    size_t grain;
    int bad_chunk;  /* a chunk not of the form [k*grain, min((k+1)*grain, n)) */
    size_t n;
} visits;

static void visit(void *ctx, size_t lo, size_t hi) {
    visits *v = ctx;
    if (lo % v->grain != 0 || hi != (lo + v->grain < v->n ? lo + v->grain : v->n))
        __atomic_store_n(&v->bad_chunk, 1, __ATOMIC_RELAXED);
    for (size_t i = lo; i < hi; i++)
        __atomic_fetch_add(&v->count[i], 1, __ATOMIC_RELAXED);
}

static void check_cover(const lms_host *h, size_t n, size_t grain) {
    visits v = {calloc(n + 1, sizeof(int)), grain ? grain : 1, 0, n};
    lms_parallel_for(h, n, grain, visit, &v);
    ck_assert_msg(!v.bad_chunk, "n %zu grain %zu: a chunk is not fixed", n,
                  grain);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(v.count[i] == 1, "n %zu grain %zu: item %zu visited %d "
                      "times", n, grain, i, v.count[i]);
    free(v.count);
}

START_TEST(test_host_parallel_for) {
    const lms_host *h = lms_host_default();
    ck_assert_int_eq(h->abi_minor, LMS_ABI_MINOR);
    ck_assert(h->threads && h->parallel_for);
    const size_t ns[] = {0, 1, 7, 64, 1000, 100003};
    const size_t grains[] = {0, 1, 3, 64, 4096};
    for (int t = 1; t <= 3; t++) {
        lms_set_threads(t);
        ck_assert_int_eq(lms_host_threads(h), t);
        for (size_t a = 0; a < 6; a++)
            for (size_t b = 0; b < 5; b++)
                check_cover(h, ns[a], grains[b]);
    }
    /* a host of ABI 1.0 (no parallel_for): the helper runs the same chunks */
    lms_host old = *h;
    old.size = offsetof(lms_host, threads);
    ck_assert_int_eq(lms_host_threads(&old), 1);
    check_cover(&old, 1000, 64);
    check_cover(NULL, 10, 3);
    lms_set_threads(1);
}
END_TEST

int main(void) {
    Suite *s = suite_create("host");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_host_parallel_for);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
