/* The report follows ops by role, found by plugin kind in the run's model
 * description, not by GPT-2's op names (core/report/report_roles.c). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"
#include "util/fsutil.h"

static char dir[64];

/* A run whose [block] names its ops as given (JSON-escaped INI text), and
 * a metrics.csv with one row of out_norm columns for those names. */
static void put_run(const char *attn, const char *mlp, const char *const op[4]) {
    char path[256];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "{\"config_text\": \"[block]\\nattn = ln_a, %s\\nmlp = ln_b, %s\\n"
            "[block.ln_a]\\nplugin = layernorm\\n[block.ln_b]\\nplugin = "
            "layernorm\\n[block.%s]\\nplugin = linear\\n[block.mix]\\nplugin = "
            "causal_attention\\n[block.%s]\\nplugin = linear\\n[block.%s]\\n"
            "plugin = linear\\n[block.act]\\nplugin = gelu\\n[block.%s]\\n"
            "plugin = linear\\n\"}\n", attn, mlp, op[0], op[1], op[2], op[3]);
    fclose(f);
    snprintf(path, sizeof path, "%s/metrics.csv", dir);
    f = fopen(path, "w");
    fprintf(f, "step,lr,train_loss,val_loss,grad_norm,h0.%s.out_norm,"
            "h0.mix.max_score,h0.%s.out_norm,h0.%s.out_norm,h0.%s.out_norm\n",
            op[0], op[1], op[2], op[3]);
    fprintf(f, "10,0.1,3.0,2.5,1.0,1.5,7,2.5,3.5,4.5\n");
    fclose(f);
}

static const char *extract(void) {
    static char line[512];
    char out[128];
    snprintf(out, sizeof out, "%s/run.dat", dir);
    char err[512];
    ck_assert_int_eq(lms_report_extract(dir, out, err, sizeof err), 0);
    FILE *f = fopen(out, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f)); /* header */
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    fclose(f);
    return line;
}

static void setup(void) {
    strcpy(dir, "/tmp/lmsrolesXXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    /* the loader finds the built plugins (kinds) here */
    const char *pd = getenv("LMS_TEST_PLUGIN_DIR");
    if (pd)
        setenv("LMSTAB_PLUGIN_PATH", pd, 1);
}

static void teardown(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(other_names_same_table) {
    static const char *const gpt2[4] = {"qkv", "proj", "fc1", "fc2"};
    put_run("qkv, mix, proj", "fc1, act, fc2", gpt2);
    char want[512];
    snprintf(want, sizeof want, "%s", extract());
    ck_assert_str_eq(want, "10 3.0 2.5 1.0 1.5 2.5 3.5 4.5 7 NaN NaN\n");
    static const char *const other[4] = {"in_proj", "out_proj", "up", "down"};
    put_run("in_proj, mix, out_proj", "up, act, down", other);
    char roles[LMS_REPORT_NOPS][LMS_NAME_MAX];
    ck_assert_int_eq(lms_report_op_roles(dir, roles), 0);
    for (int k = 0; k < 4; k++)
        ck_assert_str_eq(roles[k], other[k]);
    ck_assert_str_eq(extract(), want);
}
END_TEST

/* No summary.json (a run still going): GPT-2's names, as before. */
START_TEST(no_summary_gpt2_names) {
    static const char *const gpt2[4] = {"qkv", "proj", "fc1", "fc2"};
    put_run("qkv, mix, proj", "fc1, act, fc2", gpt2);
    char path[128];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    ck_assert_int_eq(remove(path), 0);
    char roles[LMS_REPORT_NOPS][LMS_NAME_MAX];
    ck_assert_int_eq(lms_report_op_roles(dir, roles), -1);
    ck_assert_str_eq(extract(), "10 3.0 2.5 1.0 1.5 2.5 3.5 4.5 7 NaN NaN\n");
}
END_TEST

/* A run without metrics.csv is no run (1, nothing written); a table that
 * cannot be written is an error naming it (-1). */
START_TEST(extract_outcomes) {
    char out[160], err[512], want[600];
    snprintf(out, sizeof out, "%s/run.dat", dir);
    ck_assert_int_eq(lms_report_extract(dir, out, err, sizeof err), 1);
    ck_assert(!lms_path_exists(out));
    static const char *const gpt2[4] = {"qkv", "proj", "fc1", "fc2"};
    put_run("qkv, mix, proj", "fc1, act, fc2", gpt2);
    snprintf(out, sizeof out, "%s/missing/run.dat", dir);
    ck_assert_int_eq(lms_report_extract(dir, out, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s: cannot write: No such file or directory", out);
    ck_assert_str_eq(err, want);
}
END_TEST

int main(void) {
    Suite *s = suite_create("report_roles");
    TCase *tc = tcase_create("roles");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, other_names_same_table);
    tcase_add_test(tc, no_summary_gpt2_names);
    tcase_add_test(tc, extract_outcomes);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
