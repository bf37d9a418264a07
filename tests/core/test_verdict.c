/* Verdict rules (core/train/verdict.c): the facts streamed over metrics rows, the
 * three pre-declared rules, and the recomputation from a metrics.csv. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "train/verdict.h"

static lms_verdict_cfg defaults(void) {
    lms_verdict_cfg v;
    lms_config c;
    char err[256];
    ck_assert_int_eq(lms_config_load_string(&c, "[verdict]\n", "t", err, sizeof err), 0);
    ck_assert_msg(lms_verdict_cfg_read(&v, &c, err, sizeof err) == 0, "%s", err);
    lms_config_free(&c);
    return v;
}

/* A loss curve: 5.5 falling to 2.5 by step 20, a bump of `bump` nats at
 * steps at..at+2 and final validation loss `val`. */
static void curve(lms_facts *f, const lms_verdict_cfg *v, double bump, long at,
                  double val) {
    lms_facts_init(f);
    for (long s = 0; s < 40; s++) {
        double loss = s < 20 ? 5.5 - 0.15 * (double)s : 2.5;
        if (s >= at && s <= at + 2)
            loss += bump;
        lms_facts_add(f, v, s, 1, loss, 1.0, s % 10 == 0 ? loss : NAN);
    }
    lms_facts_add(f, v, 40, 0, NAN, NAN, val);
}

START_TEST(rules_label_runs) {
    lms_verdict_cfg v = defaults();
    ck_assert_str_eq(v.rules[0].name, "strict");
    ck_assert_int_eq(v.own, 1);
    lms_facts f;
    const double unigram = 3.3;
    /* a clean run ending at 2.5: converged under every rule */
    curve(&f, &v, 0.0, 12, 2.5);
    ck_assert_double_eq_tol(f.final_val, 2.5, 1e-12);
    for (int r = 0; r < LMS_N_RULES; r++)
        ck_assert_int_eq(lms_rule_label(&v.rules[r], &f, unigram), LMS_CONVERGED);
    /* a 2-nat spike while the loss still falls, as in warmup (step 12 >=
     * spike_after 10): spiked under strict and default, not under lenient */
    curve(&f, &v, 2.0, 12, 2.5);
    ck_assert_int_ge(f.max_rise_step, 12);
    ck_assert_int_le(f.max_rise_step, 14);
    ck_assert(f.max_rise > 1.0);
    ck_assert_int_eq(lms_rule_label(&v.rules[0], &f, unigram), LMS_SPIKED);
    ck_assert_int_eq(lms_rule_label(&v.rules[1], &f, unigram), LMS_SPIKED);
    ck_assert_int_eq(lms_rule_label(&v.rules[2], &f, unigram), LMS_CONVERGED);
    /* a 0.7-nat bump for 3 steps on the plateau, smoothed by the EMA (0.5)
     * to a rise of about 0.61 nats: strict only */
    curve(&f, &v, 0.7, 25, 2.5);
    ck_assert_double_eq_tol(f.max_rise, 0.6125, 0.01); /* the EMA still lags the fall */
    ck_assert(f.max_rise >= 0.5 && f.max_rise < 1.0);
    ck_assert_int_eq(lms_rule_label(&v.rules[0], &f, unigram), LMS_SPIKED);
    ck_assert_int_eq(lms_rule_label(&v.rules[1], &f, unigram), LMS_CONVERGED);
    /* ending near the unigram entropy: the margins decide */
    curve(&f, &v, 0.0, 12, 3.25);
    ck_assert_int_eq(lms_rule_label(&v.rules[0], &f, unigram), LMS_COLLAPSED);
    ck_assert_int_eq(lms_rule_label(&v.rules[1], &f, unigram), LMS_COLLAPSED);
    ck_assert_int_eq(lms_rule_label(&v.rules[2], &f, unigram), LMS_CONVERGED);
    /* a non-finite loss row: diverged whatever else */
    lms_facts_add(&f, &v, 41, 1, NAN, NAN, NAN);
    ck_assert_int_eq(lms_rule_label(&v.rules[2], &f, unigram), LMS_DIVERGED);
}
END_TEST

/* A rise before spike_after does not count; a running minimum that only
 * falls gives no rise at all. */
START_TEST(spike_window) {
    lms_verdict_cfg v = defaults();
    lms_facts f;
    lms_facts_init(&f);
    const double loss[] = {5.5, 4.0, 7.0, 3.0, 2.9, 2.8};
    for (int s = 0; s < 6; s++)
        lms_facts_add(&f, &v, s, 1, loss[s], 1.0, NAN);
    ck_assert_int_eq(f.max_rise_step, -1);
    v.spike_after = 0;
    lms_facts_init(&f);
    for (int s = 0; s < 6; s++)
        lms_facts_add(&f, &v, s, 1, loss[s], 1.0, NAN);
    ck_assert_int_eq(f.max_rise_step, 2);
    ck_assert(f.max_rise > 0.5);
}
END_TEST

/* The same facts from rows streamed and from the metrics.csv holding them
 * (empty cells, an evaluation-only last row, nan cells). */
START_TEST(from_csv) {
    lms_verdict_cfg v = defaults();
    char path[] = "/tmp/lmsverdictXXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *out = fdopen(fd, "w");
    fprintf(out, "step,lr,train_loss,val_loss,grad_norm,tokens_per_sec,elapsed_s,h0.x\n");
    lms_facts a;
    lms_facts_init(&a);
    for (long s = 0; s < 30; s++) {
        double loss = s == 15 ? 6.0 : 5.0 - 0.1 * (double)s;
        double val = s % 10 == 0 ? loss + 0.05 : NAN;
        fprintf(out, "%ld,0.01,%.6f,", s, loss);
        if (!isnan(val))
            fprintf(out, "%.6f", val);
        fprintf(out, ",1.5,100.0,0.1,%s\n", s % 5 ? "" : "3");
        lms_facts_add(&a, &v, s, 1, loss, 1.5, val);
    }
    fprintf(out, "30,,,2.750000,,,,\n");
    lms_facts_add(&a, &v, 30, 0, NAN, NAN, 2.75);
    fclose(out);
    lms_facts b;
    char err[256];
    ck_assert_msg(lms_facts_from_csv(&b, &v, path, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(a.rows, b.rows);
    ck_assert_double_eq_tol(a.max_rise, b.max_rise, 1e-12);
    ck_assert_int_eq(a.max_rise_step, b.max_rise_step);
    ck_assert_double_eq(b.final_val, 2.75);
    ck_assert_int_eq(b.diverged, 0);
    /* a diverged last row ("nan" written by printf) */
    out = fopen(path, "a");
    fprintf(out, "31,0.01,nan,,-nan,1,1,\n");
    fclose(out);
    ck_assert_int_eq(lms_facts_from_csv(&b, &v, path, err, sizeof err), 0);
    ck_assert_int_eq(b.diverged, 1);
    /* a row without a step, and an empty file, are named */
    out = fopen(path, "w");
    fprintf(out, "step,lr,train_loss,val_loss,grad_norm\n0,0.1,5.5,,1\n,0.1,5.4,,1\n");
    fclose(out);
    ck_assert_int_ne(lms_facts_from_csv(&b, &v, path, err, sizeof err), 0);
    ck_assert_msg(strstr(err, ":3: no step in this row"), "%s", err);
    /* steps that are not whole numbers a long can hold (1e308 was cast to
     * long: undefined behaviour, found by fuzz_metrics) */
    out = fopen(path, "w");
    fprintf(out, "step,lr,train_loss,val_loss,grad_norm\n0,0.1,5.5,,1\n1e308,0.1,5.4,,1\n");
    fclose(out);
    ck_assert_int_ne(lms_facts_from_csv(&b, &v, path, err, sizeof err), 0);
    ck_assert_msg(strstr(err, ":3: step 1e+308 is not a whole number from 0 to 1e15"), "%s", err);
    out = fopen(path, "w");
    fprintf(out, "step,lr,train_loss,val_loss,grad_norm\n2.5,0.1,5.5,,1\n");
    fclose(out);
    ck_assert_int_ne(lms_facts_from_csv(&b, &v, path, err, sizeof err), 0);
    ck_assert_msg(strstr(err, ":2: step 2.5 is not a whole number"), "%s", err);
    out = fopen(path, "w");
    fclose(out);
    ck_assert_int_ne(lms_facts_from_csv(&b, &v, path, err, sizeof err), 0);
    ck_assert_msg(strstr(err, ": empty file"), "%s", err);
    /* a cell that is not one number, steps that do not rise, a header
     * alone: errors named by line (a garbled val_loss read as 0.0 turned a
     * collapsed run into a converged one; found by an input audit) */
    static const char *const bad_files[][2] = {
        {"step,lr,train_loss,val_loss,grad_norm\n0,0.1,5.5,5.6,1\n30,,,n/a,\n",
         ":3: val_loss is 'n/a', not a number"},
        {"step,lr,train_loss,val_loss,grad_norm\n0,0.1,3.35xyz,,1\n",
         ":2: train_loss is '3.35xyz', not a number"},
        {"step,lr,train_loss,val_loss,grad_norm\n5,0.1,5.5,,1\n0,0.1,5.4,,1\n",
         ":3: step 0 after step 5: the rows' steps must rise"},
        {"step,lr,train_loss,val_loss,grad_norm\n", ": a header and no rows"},
    };
    for (size_t i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++) {
        out = fopen(path, "w");
        fputs(bad_files[i][0], out);
        fclose(out);
        ck_assert_int_ne(lms_facts_from_csv(&b, &v, path, err, sizeof err), 0);
        ck_assert_msg(strstr(err, bad_files[i][1]), "%s", err);
    }
    /* not a metrics file */
    out = fopen(path, "w");
    fprintf(out, "a,b\n1,2\n");
    fclose(out);
    ck_assert_int_ne(lms_facts_from_csv(&b, &v, path, err, sizeof err), 0);
    ck_assert_msg(strstr(err, ":1: not a metrics.csv header"), "%s", err);
    unlink(path);
}
END_TEST

START_TEST(names_and_config) {
    ck_assert_int_eq(lms_verdict_parse("spiked"), LMS_SPIKED);
    ck_assert_int_eq(lms_verdict_parse("blew_up"), LMS_SPIKED);
    ck_assert_int_eq(lms_verdict_parse("diverged"), LMS_DIVERGED);
    ck_assert_int_eq(lms_verdict_parse("nope"), -1);
    lms_config c;
    lms_verdict_cfg v;
    char err[256];
    ck_assert_int_eq(lms_config_load_string(&c, "[verdict]\nrule = strict\nstrict_spike = 2\n",
                                            "t", err, sizeof err), 0);
    ck_assert_int_eq(lms_verdict_cfg_read(&v, &c, err, sizeof err), 0);
    ck_assert_int_eq(v.own, 0);
    ck_assert_double_eq(v.rules[0].spike, 2.0);
    lms_config_free(&c);
    ck_assert_int_eq(lms_config_load_string(&c, "[verdict]\nrule = loose\n", "t",
                                            err, sizeof err), 0);
    ck_assert_int_ne(lms_verdict_cfg_read(&v, &c, err, sizeof err), 0);
    ck_assert_msg(strstr(err, "must be strict, default or lenient"), "%s", err);
    lms_config_free(&c);
}
END_TEST

int main(void) {
    Suite *s = suite_create("verdict");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, rules_label_runs);
    tcase_add_test(tc, spike_window);
    tcase_add_test(tc, from_csv);
    tcase_add_test(tc, names_and_config);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
