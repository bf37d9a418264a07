/* Did-you-mean suggestions (core/util/suggest.c). */
#include <check.h>
#include <stdlib.h>

#include "util/suggest.h"

START_TEST(distances) {
    ck_assert_int_eq(lms_edit_distance("training", "training"), 0);
    ck_assert_int_eq(lms_edit_distance("trainig", "training"), 1);  /* deletion */
    ck_assert_int_eq(lms_edit_distance("trianing", "training"), 1); /* swap */
    ck_assert_int_eq(lms_edit_distance("lr", "lrs"), 1);
    ck_assert_int_eq(lms_edit_distance("", "abc"), 3);
    ck_assert_int_eq(lms_edit_distance("kitten", "sitting"), 3);
}
END_TEST

START_TEST(suggestions) {
    const char *const sections[] = {"model", "block", "training", "data", "verdict"};
    ck_assert_str_eq(lms_suggest("trainig", sections, 5), "training");
    ck_assert_str_eq(lms_suggest("modle", sections, 5), "model");
    ck_assert_str_eq(lms_suggest("verdcit", sections, 5), "verdict");
    ck_assert_ptr_null(lms_suggest("optimizer", sections, 5));
    /* short names need a closer match: "dat" -> data (1 of 4), "x" -> none */
    ck_assert_str_eq(lms_suggest("dat", sections, 5), "data");
    ck_assert_ptr_null(lms_suggest("x", sections, 5));
    const char *const cmds[] = {"train", "sample", "sweep", "report", "golden",
                                "plugins", "bench", "verdict"};
    ck_assert_str_eq(lms_suggest("trian", cmds, 8), "train");
    ck_assert_str_eq(lms_suggest("plugin", cmds, 8), "plugins");
    ck_assert_ptr_null(lms_suggest("deploy", cmds, 8));
}
END_TEST

int main(void) {
    Suite *s = suite_create("suggest");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, distances);
    tcase_add_test(tc, suggestions);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
