/* INI parsing and typed access: every error with its exact message. */
#include <check.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/config.h"
#include "io/core_keys.h"

static char err[2048];
static lms_config c;

static int load(const char *text) {
    lms_config_free(&c);
    return lms_config_load_string(&c, text, "t.ini", err, sizeof err);
}

START_TEST(parses_sections_keys_comments) {
    ck_assert_int_eq(load("; comment\n[model]\nd_model = 64 ; inline\n"
                          "[block.attn.score_cap]\ncap = 50\n"),
                     0);
    lms_cfg_entry *e = lms_config_find(&c, "model", "d_model");
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(e->value, "64");
    ck_assert_int_eq(e->line, 3);
    e = lms_config_find(&c, "block.attn.score_cap", "cap");
    ck_assert_int_eq(e->line, 5);
}
END_TEST

START_TEST(syntax_error) {
    ck_assert_int_ne(load("[model]\nd_model 64\n"), 0);
    ck_assert_str_eq(err, "t.ini:2: syntax error (expected [section], key = "
                          "value, or a ; comment)");
    ck_assert_int_ne(load("[model\nx = 1\n"), 0);
    ck_assert_str_eq(err, "t.ini:1: syntax error (expected [section], key = "
                          "value, or a ; comment)");
}
END_TEST

START_TEST(duplicates) {
    ck_assert_int_ne(load("[model]\nd_model = 1\nd_model = 2\n"), 0);
    ck_assert_str_eq(
        err, "t.ini:3: [model] d_model: duplicate key (first at line 2)");
    ck_assert_int_ne(load("[model]\nx = 1\n[model]\n"), 0);
    ck_assert_str_eq(err,
                     "t.ini:3: [model]: duplicate section (first at line 1)");
}
END_TEST

START_TEST(key_outside_section) {
    ck_assert_int_ne(load("x = 1\n"), 0);
    ck_assert_str_eq(err, "t.ini:1: x: key outside of any [section]");
}
END_TEST

START_TEST(line_too_long) {
    char *text = malloc(3000);
    strcpy(text, "[model]\nname = ");
    memset(text + strlen(text), 'a', 2000);
    strcpy(text + 15 + 2000, "\n");
    ck_assert_int_ne(load(text), 0);
    ck_assert_str_eq(err, "t.ini:2: line longer than 198 characters (the "
                     "limit for a section or key line; a comment may have "
                     "1024)");
    free(text);
}
END_TEST

/* 100k keys in one section: the duplicate check is a hash lookup (it was
 * a scan of every earlier key: 72 s for this file). */
START_TEST(many_keys_fast) {
    const int n = 100000;
    char *text = malloc((size_t)n * 24 + 64), *p = text;
    p += sprintf(p, "[big]\n");
    for (int i = 0; i < n; i++)
        p += sprintf(p, "key_%d = %d\n", i, i);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert_msg(load(text) == 0, "%s", err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    ck_assert_msg(secs < 10.0, "100k keys took %.1f s", secs);
    ck_assert_str_eq(lms_config_str(&c, "big", "key_77777", ""), "77777");
    sprintf(p, "key_5 = again\n");
    ck_assert_int_ne(load(text), 0);
    char want[128];
    snprintf(want, sizeof want, "t.ini:%d: [big] key_5: duplicate key (first at "
             "line 7)", n + 2);
    ck_assert_str_eq(err, want);
    free(text);
}
END_TEST

/* The limits stated are the real ones: inih's 200-byte buffer for a key
 * line (198 characters + newline + NUL), 1024 for a comment (a 200-byte
 * comment was refused as "longer than 1024 characters"). */
START_TEST(line_limits_truthful) {
    char text[2200];
    for (int n = 197; n <= 199; n++) {
        snprintf(text, sizeof text, "[model]\nname = %0*d\n", n - 7, 0);
        int rc = load(text);
        if (n <= 198) {
            ck_assert_msg(rc == 0, "%d: %s", n, err);
            ck_assert_uint_eq(strlen(lms_config_str(&c, "model", "name", "")),
                              (size_t)(n - 7));
        } else {
            ck_assert_str_eq(err, "t.ini:2: line longer than 198 characters "
                             "(the limit for a section or key line; a "
                             "comment may have 1024)");
        }
    }
    static const int ns[] = {199, 1024, 1025};
    for (int i = 0; i < 3; i++) {
        int n = ns[i];
        int k = snprintf(text, sizeof text, "[model]\n  ;");
        memset(text + k, 'c', (size_t)n - 3);
        strcpy(text + k + n - 3, "\nx = 1\n");
        int rc = load(text);
        if (n <= 1024) {
            ck_assert_msg(rc == 0, "%d: %s", n, err);
            ck_assert_str_eq(lms_config_str(&c, "model", "x", ""), "1");
        } else {
            ck_assert_str_eq(err, "t.ini:2: line longer than 1024 characters");
        }
    }
}
END_TEST

START_TEST(typed_values) {
    ck_assert_int_eq(load("[training]\nmax_steps = abc\nlr = nan\nx = inf\n"
                          "b = maybe\nn = 1.5\nok = 7\nbig = 1e999\n"),
                     0);
    long v;
    double d;
    int b;
    ck_assert_int_ne(lms_config_int(&c, "training", "max_steps", 1, 1, 100, &v,
                                    err, sizeof err),
                     0);
    ck_assert_str_eq(err, "t.ini:2: [training] max_steps: must be an integer "
                          "in [1, 100] (got 'abc')");
    ck_assert_int_ne(
        lms_config_float(&c, "training", "lr", 1, 0, 10, &d, err, sizeof err),
        0);
    ck_assert_str_eq(err, "t.ini:3: [training] lr: must be a finite number in "
                          "[0, 10] (got 'nan')");
    ck_assert_int_ne(
        lms_config_float(&c, "training", "x", 1, 0, 10, &d, err, sizeof err),
        0);
    ck_assert_str_eq(err, "t.ini:4: [training] x: must be a finite number in "
                          "[0, 10] (got 'inf')");
    ck_assert_int_ne(
        lms_config_bool(&c, "training", "b", 1, &b, err, sizeof err), 0);
    ck_assert_str_eq(
        err, "t.ini:5: [training] b: must be true or false (got 'maybe')");
    ck_assert_int_ne(
        lms_config_int(&c, "training", "n", 1, 1, 100, &v, err, sizeof err), 0);
    ck_assert_int_eq(
        lms_config_int(&c, "training", "ok", 1, 1, 100, &v, err, sizeof err),
        0);
    ck_assert_int_eq(v, 7);
    ck_assert_int_ne(
        lms_config_int(&c, "training", "ok", 1, 8, 100, &v, err, sizeof err),
        0);
    ck_assert_str_eq(
        err,
        "t.ini:7: [training] ok: must be an integer in [8, 100] (got '7')");
    ck_assert_int_ne(lms_config_float(&c, "training", "big", 1, 0, 1e300, &d,
                                      err, sizeof err),
                     0);
    ck_assert_int_eq(lms_config_int(&c, "training", "absent", 42, 1, 100, &v,
                                    err, sizeof err),
                     0);
    ck_assert_int_eq(v, 42);
}
END_TEST

/* One dialect: the core's keys and plugins' fields parse booleans and
 * numbers with the same functions (plugin_util.h). */
typedef struct flags { int bias; int n; float eps; } flags;

START_TEST(one_boolean_dialect) {
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes",
                                      "on", "ON", "1"};
    static const char *const no[] = {"false", "False", "no", "NO", "off",
                                     "Off", "0"};
    static const char *const bad[] = {"", " true", "true ", "2", "y", "t",
                                      "maybe", "01", "-1", "yess"};
    static const lms_key fields[] = {
        {"bias", LMS_VALUE_BOOL, "true", "b", offsetof(flags, bias), 0, 0, 0,
         NULL, NULL},
        LMS_KEYS_END,
    };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        int b = -1;
        flags f = {0, 0, 0};
        ck_assert_int_eq(lms_parse_bool(yes[i], &b), 0);
        ck_assert_int_eq(b, 1);
        /* a plugin's bool field takes the same words (it took only
         * true/1/false/0 before) */
        ck_assert_int_eq(lms_keys_set(&f, fields, "bias", yes[i], err,
                                        sizeof err), 0);
        ck_assert_int_eq(f.bias, 1);
    }
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        int b = -1;
        flags f = {1, 0, 0};
        ck_assert_int_eq(lms_parse_bool(no[i], &b), 0);
        ck_assert_int_eq(b, 0);
        ck_assert_int_eq(lms_keys_set(&f, fields, "bias", no[i], err,
                                        sizeof err), 0);
        ck_assert_int_eq(f.bias, 0);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int b = -1;
        flags f = {7, 0, 0};
        ck_assert_int_ne(lms_parse_bool(bad[i], &b), 0);
        ck_assert_int_eq(b, -1);
        ck_assert_int_ne(lms_keys_set(&f, fields, "bias", bad[i], err,
                                        sizeof err), 0);
        ck_assert_int_eq(f.bias, 7);
    }
    ck_assert_str_eq(err, "must be true or false (got 'yess')");
    /* the core's getter: the same words */
    ck_assert_int_eq(load("[model]\na = yes\nb = Off\nc = y\n"), 0);
    int b = -1;
    ck_assert_int_eq(lms_config_bool(&c, "model", "a", 0, &b, err, sizeof err), 0);
    ck_assert_int_eq(b, 1);
    ck_assert_int_eq(lms_config_bool(&c, "model", "b", 1, &b, err, sizeof err), 0);
    ck_assert_int_eq(b, 0);
    ck_assert_int_ne(lms_config_bool(&c, "model", "c", 1, &b, err, sizeof err), 0);
    ck_assert_str_eq(err, "t.ini:4: [model] c: must be true or false (got 'y')");
}
END_TEST

START_TEST(one_number_parser) {
    long v = -7;
    double d = -7;
    ck_assert_int_eq(lms_parse_long("42", 0, 100, &v), 0);
    ck_assert_int_eq(v, 42);
    ck_assert_int_eq(lms_parse_long("-3", -5, 5, &v), 0);
    ck_assert_int_eq(v, -3);
    v = -7;
    /* blanks, empty, trailing text, out of range, overflow: errors, *out
     * untouched (the SDK's parser took " 5" before) */
    static const char *const badl[] = {"", " 5", "5 ", "5x", "x", "1.5",
                                       "101", "-1", "99999999999999999999"};
    for (size_t i = 0; i < sizeof badl / sizeof badl[0]; i++)
        ck_assert_int_ne(lms_parse_long(badl[i], 0, 100, &v), 0);
    ck_assert_int_eq(v, -7);
    ck_assert_int_eq(lms_parse_double("3e-3", &d), 0);
    ck_assert_double_eq(d, 3e-3);
    /* underflow is a tiny number (bounds judge it), overflow an error */
    ck_assert_int_eq(lms_parse_double("1e-320", &d), 0);
    ck_assert(d > 0 && d < 1e-300);
    d = -7;
    static const char *const badd[] = {"", " 1", "1 ", "nan", "inf", "-inf",
                                       "1e999", "-1e999", "0x", "1,5"};
    for (size_t i = 0; i < sizeof badd / sizeof badd[0]; i++)
        ck_assert_int_ne(lms_parse_double(badd[i], &d), 0);
    ck_assert_double_eq(d, -7);
}
END_TEST

/* The core's keys are declared once (core_keys.c): the getters take the
 * default and the bounds from the table, the unknown-key check its names. */
START_TEST(core_keys_table) {
    size_t n;
    const lms_core_key *k = lms_core_keys(&n);
    ck_assert_uint_gt(n, 40);
    for (size_t i = 0; i < n; i++) {
        const lms_key *key = &k[i].key;
        char text[256], e2[256];
        /* every documented default is accepted by the parser */
        snprintf(text, sizeof text, "[%s]\n%s = %s\n", k[i].section,
                 key->name, key->default_value);
        ck_assert_int_eq(load(text), 0);
        long v;
        double d;
        int b;
        if (key->type == LMS_VALUE_INT)
            ck_assert_msg(lms_core_int(&c, k[i].section, key->name, &v, e2,
                                       sizeof e2) == 0, "%s", e2);
        else if (key->type == LMS_VALUE_FLOAT)
            ck_assert_msg(lms_core_float(&c, k[i].section, key->name, &d, e2,
                                         sizeof e2) == 0, "%s", e2);
        else if (key->type == LMS_VALUE_BOOL)
            ck_assert_msg(lms_core_bool(&c, k[i].section, key->name, &b, e2,
                                        sizeof e2) == 0, "%s", e2);
        ck_assert_ptr_eq(lms_core_key_find(k[i].section, key->name), &k[i]);
        ck_assert_ptr_nonnull(strstr(lms_core_accepted(NULL, k[i].section),
                                     key->name));
    }
    ck_assert_str_eq(lms_core_accepted(NULL, "data"), "train, val, tokenizer");
    ck_assert_ptr_null(lms_core_accepted(NULL, "block.ln1"));
    ck_assert_ptr_null(lms_core_key_find("training", "lrr"));
    /* absent: the table's default; present: the table's bounds */
    ck_assert_int_eq(load("[training]\nbatch_size = 0\nlr = 2e3\n"), 0);
    long v = 0;
    double d = 0;
    ck_assert_int_eq(lms_core_int(&c, "training", "max_steps", &v, err,
                                  sizeof err), 0);
    ck_assert_int_eq(v, 1000);
    ck_assert_int_eq(lms_core_float(&c, "training", "beta2", &d, err,
                                    sizeof err), 0);
    ck_assert_double_eq(d, 0.95);
    ck_assert_int_ne(lms_core_int(&c, "training", "batch_size", &v, err,
                                  sizeof err), 0);
    ck_assert_str_eq(err, "t.ini:2: [training] batch_size: must be an integer "
                          "in [1, 65536] (got '0')");
    ck_assert_int_ne(lms_core_float(&c, "training", "lr", &d, err,
                                    sizeof err), 0);
    ck_assert_str_eq(err, "t.ini:3: [training] lr: must be a finite number in "
                          "[0, 1000] (got '2e3')");
    /* a core boolean speaks the one dialect */
    ck_assert_int_eq(load("[model]\ntie_embeddings = OFF\n"), 0);
    int b = 1;
    ck_assert_int_eq(lms_core_bool(&c, "model", "tie_embeddings", &b, err,
                                   sizeof err), 0);
    ck_assert_int_eq(b, 0);
}
END_TEST

START_TEST(overrides) {
    ck_assert_int_eq(load("[training]\nlr = 0.1\n"), 0);
    ck_assert_int_eq(
        lms_config_override(&c, "training.lr=0.5", err, sizeof err), 0);
    ck_assert_int_eq(
        lms_config_override(&c, "block.attn.score_cap.cap=30", err, sizeof err),
        0);
    lms_cfg_entry *e = lms_config_find(&c, "training", "lr");
    ck_assert_str_eq(e->value, "0.5");
    e = lms_config_find(&c, "block.attn.score_cap", "cap");
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(e->value, "30");
    ck_assert_int_eq(c.noverrides, 2);
    double d;
    ck_assert_int_eq(
        lms_config_override(&c, "training.lr=oops", err, sizeof err), 0);
    ck_assert_int_ne(
        lms_config_float(&c, "training", "lr", 1, 0, 10, &d, err, sizeof err),
        0);
    ck_assert_str_eq(err, "--set training.lr: [training] lr: must be a finite "
                          "number in [0, 10] (got 'oops')");
    ck_assert_int_ne(lms_config_override(&c, "nodot=1", err, sizeof err), 0);
    ck_assert_str_eq(
        err,
        "--set nodot=1: expected SECTION.KEY=VALUE (e.g. training.lr=0.01)");
    ck_assert_int_ne(lms_config_override(&c, "training.lr", err, sizeof err),
                     0);
}
END_TEST

/* An override written in another file (a sweep's [overrides]) is named by
 * that file and line, for its key and for a section it created. */
START_TEST(overrides_from_a_file) {
    ck_assert_int_eq(load("[training]\nlr = 0.1\n"), 0);
    ck_assert_int_eq(lms_config_override_at(&c, "training.lr=x", "s.ini", 12,
                                            err, sizeof err), 0);
    double d;
    ck_assert_int_ne(
        lms_config_float(&c, "training", "lr", 1, 0, 10, &d, err, sizeof err),
        0);
    ck_assert_str_eq(err, "s.ini:12: [training] lr: must be a finite number "
                          "in [0, 10] (got 'x')");
    ck_assert_int_eq(lms_config_override_at(&c, "trainig.seed=1", "s.ini", 13,
                                            err, sizeof err), 0);
    ck_assert_str_eq(c.overrides[1], "trainig.seed=1");
    ck_assert_int_ne(
        lms_config_check_unused(&c, NULL, NULL, err, sizeof err), 0);
    ck_assert_str_eq(err, "s.ini:13: [trainig]: unknown section (not used by "
                          "the model, training or data); did you mean "
                          "[training]?");
}
END_TEST

static const char *accepted(void *u, const char *s) {
    (void)u;
    return strcmp(s, "training") == 0 ? "lr, seed" : NULL;
}

START_TEST(unknown_keys_and_sections) {
    ck_assert_int_eq(load("[training]\nlr = 1\nlrr = 2\n"), 0);
    lms_config_find(&c, "training", "lr");
    ck_assert_int_ne(
        lms_config_check_unused(&c, accepted, NULL, err, sizeof err), 0);
    ck_assert_str_eq(err, "t.ini:3: [training] lrr: unknown key (did you mean "
                          "'lr'?); accepted: lr, seed");
    /* nothing close: no suggestion */
    ck_assert_int_eq(load("[training]\nlr = 1\nwidth = 2\n"), 0);
    lms_config_find(&c, "training", "lr");
    ck_assert_int_ne(
        lms_config_check_unused(&c, accepted, NULL, err, sizeof err), 0);
    ck_assert_str_eq(
        err, "t.ini:3: [training] width: unknown key; accepted: lr, seed");
    ck_assert_int_eq(load("[training]\nlr = 1\n[trainig]\n"), 0);
    lms_config_find(&c, "training", "lr");
    ck_assert_int_ne(
        lms_config_check_unused(&c, accepted, NULL, err, sizeof err), 0);
    ck_assert_str_eq(err, "t.ini:3: [trainig]: unknown section (not used by "
                          "the model, training or data); did you mean "
                          "[training]?");
}
END_TEST

START_TEST(split_list) {
    char a[] = " ln1, qkv ,attn,proj ", b[] = "a,,b", e[] = "", f[] = "x,";
    char *items[8];
    ck_assert_int_eq(lms_split_list(a, items, 8), 4);
    ck_assert_str_eq(items[0], "ln1");
    ck_assert_str_eq(items[1], "qkv");
    ck_assert_str_eq(items[3], "proj");
    ck_assert_int_eq(lms_split_list(b, items, 8), -1);
    ck_assert_int_eq(lms_split_list(e, items, 8), 0);
    ck_assert_int_eq(lms_split_list(f, items, 8), -1);
    char g[] = "a,b,c";
    ck_assert_int_eq(lms_split_list(g, items, 2), -1);
}
END_TEST

START_TEST(missing_file) {
    lms_config_free(&c);
    ck_assert_int_ne(lms_config_load(&c, "/nonexistent/x.ini", err, sizeof err),
                     0);
    ck_assert_str_eq(
        err, "/nonexistent/x.ini: cannot open: No such file or directory");
}
END_TEST

int main(void) {
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, parses_sections_keys_comments);
    tcase_add_test(tc, syntax_error);
    tcase_add_test(tc, duplicates);
    tcase_add_test(tc, key_outside_section);
    tcase_add_test(tc, line_too_long);
    tcase_add_test(tc, line_limits_truthful);
    tcase_add_test(tc, many_keys_fast);
    tcase_add_test(tc, typed_values);
    tcase_add_test(tc, one_boolean_dialect);
    tcase_add_test(tc, one_number_parser);
    tcase_add_test(tc, core_keys_table);
    tcase_add_test(tc, overrides);
    tcase_add_test(tc, overrides_from_a_file);
    tcase_add_test(tc, unknown_keys_and_sections);
    tcase_add_test(tc, split_list);
    tcase_add_test(tc, missing_file);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    lms_config_free(&c);
    return failed ? 1 : 0;
}
