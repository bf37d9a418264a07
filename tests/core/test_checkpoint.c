/* Checkpoints (core/train/checkpoint.c) and the NaN finder (core/engine/model_check.c):
 * exact round trip of parameters, moments and loop state; the file layout;
 * every load error with its exact message; metadata checks; metrics.csv
 * truncation; naming the first non-finite op, parameter and gradient. */
#define _GNU_SOURCE
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "train/checkpoint.h"
#include "kernels/host.h"
#include "engine/model.h"

static const char *CFG =
    "[model]\nvocab_size = 256\ncontext = 4\nd_model = 8\nn_layer = 1\n"
    "n_head = 2\n[block]\nattn = ln1, qkv, attn, proj\n"
    "mlp = ln2, fc1, act, fc2\n[block.ln1]\nplugin = layernorm\n"
    "[block.qkv]\nplugin = linear\nout_mult = 3\n[block.attn]\n"
    "plugin = causal_attention\n[block.proj]\nplugin = linear\n"
    "[block.ln2]\nplugin = layernorm\n[block.fc1]\nplugin = linear\n"
    "out_mult = 4\n[block.act]\nplugin = gelu\n[block.fc2]\nplugin = linear\n";

static char err[2048], dir[64], path[128];
static lms_config cfg;
static lms_loader *ld;
static lms_model m;
static float *am, *av;
static lms_train_state st;

static void setup(void) {
    snprintf(dir, sizeof dir, "/tmp/lms_ckpt_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/ck.safetensors", dir);
    ck_assert_int_eq(lms_config_load_string(&cfg, CFG, "t.ini", err, sizeof err), 0);
    ck_assert_int_eq(lms_config_override(&cfg, "training.lr=0.5", err, sizeof err), 0);
    ld = lms_loader_new(getenv("LMS_TEST_PLUGIN_DIR"));
    ck_assert_msg(lms_model_build(&m, &cfg, ld, 2, err, sizeof err) == 0, "%s", err);
    lms_model_init(&m, 7);
    am = calloc(m.n_params, sizeof *am);
    av = calloc(m.n_params, sizeof *av);
    for (size_t i = 0; i < m.n_params; i++) {
        am[i] = (float)i * 1e-3f - 0.5f;
        av[i] = (float)i * 1e-7f;
    }
    memset(&st, 0, sizeof st);
    st.step = 37;
    st.rng.state = 18446744073709551615ULL;
    st.rng.inc = 12345678901234567ULL;
    st.init_loss = 5.5451774444795623;
    st.init_train_loss = 0.1 + 0.2;
    for (int i = 0; i < LMS_CKPT_RECENT; i++)
        st.recent[i] = 1.0 / (i + 3);
    st.nrecent = 37; /* one loss per step */
    st.train_seconds = 1.25;
    st.wall_seconds = 2.5e-300;
    st.gemm = -1;
    st.precision = LMS_PRECISION_BF16;
    st.bf16_kernel = LMS_BF16_EMULATED;
}

static void teardown(void) {
    free(am);
    free(av);
    lms_model_free(&m);
    lms_loader_free(ld);
    lms_config_free(&cfg);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static const lms_data_id data = {"corpus.txt", 1000, 0xfeedfacecafebeefULL};

static lms_st_file *save_and_open(void) {
    ck_assert_msg(lms_ckpt_save(path, &m, am, av, &st, &cfg, &data, err,
                                sizeof err) == 0, "%s", err);
    lms_st_file *f = lms_st_open(path, err, sizeof err);
    ck_assert_msg(f != NULL, "%s", err);
    return f;
}

START_TEST(round_trip_is_exact) {
    lms_st_file *f = save_and_open();
    lms_train_state got;
    ck_assert_msg(lms_ckpt_read_state(f, &got, path, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(got.step, 37);
    ck_assert(got.rng.state == st.rng.state && got.rng.inc == st.rng.inc);
    ck_assert(got.init_loss == st.init_loss && got.init_train_loss == st.init_train_loss);
    ck_assert(got.wall_seconds == st.wall_seconds && got.nrecent == 37);
    ck_assert(memcmp(got.recent, st.recent, sizeof st.recent) == 0);
    ck_assert_int_eq(got.precision, LMS_PRECISION_BF16);
    ck_assert_int_eq(got.bf16_kernel, LMS_BF16_EMULATED);
    float *keep = malloc(m.n_params * sizeof *keep);
    memcpy(keep, m.params, m.n_params * sizeof *keep);
    lms_model_init(&m, 8);
    ck_assert(memcmp(keep, m.params, m.n_params * sizeof *keep) != 0);
    ck_assert_int_eq(lms_ckpt_load_params(&m, f, path, err, sizeof err), 0);
    ck_assert(memcmp(keep, m.params, m.n_params * sizeof *keep) == 0);
    float *m2 = calloc(m.n_params, 4), *v2 = calloc(m.n_params, 4);
    ck_assert_int_eq(lms_ckpt_load_moments(&m, f, m2, v2, path, err, sizeof err), 0);
    ck_assert(memcmp(m2, am, m.n_params * 4) == 0 && memcmp(v2, av, m.n_params * 4) == 0);
    ck_assert_int_eq(lms_ckpt_check_run(f, &cfg, &data, path, err, sizeof err), 0);
    lms_config c2;
    ck_assert_int_eq(lms_ckpt_config(&c2, f, path, err, sizeof err), 0);
    ck_assert_str_eq(c2.text, CFG);
    ck_assert_str_eq(lms_config_find(&c2, "training", "lr")->value, "0.5");
    lms_config_free(&c2);
    free(keep), free(m2), free(v2);
    lms_st_close(f);
}
END_TEST

START_TEST(layout_documented_names) {
    lms_st_file *f = save_and_open();
    const char *names[] = {"wte", "wpe", "h.0.ln1.weight", "h.0.ln1.bias",
                           "h.0.qkv.weight", "h.0.qkv.bias", "h.0.proj.weight",
                           "h.0.fc1.weight", "h.0.fc2.bias", "ln_f.weight",
                           "adam.m.wte", "adam.v.h.0.qkv.weight"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        ck_assert_msg(lms_st_find(f, names[i]), "no %s", names[i]);
    const lms_st_tensor *t = lms_st_find(f, "h.0.qkv.weight");
    ck_assert(t->dtype == LMS_DTYPE_F32 && t->ndim == 2);
    ck_assert(t->shape[0] == 24 && t->shape[1] == 8);
    ck_assert(lms_st_find(f, "lm_head.weight") == NULL); /* tied */
    ck_assert_str_eq(lms_st_meta(f, "format"), "lmstab-checkpoint");
    ck_assert_str_eq(lms_st_meta(f, "format_version"), "2");
    ck_assert_str_eq(lms_st_meta(f, "rng_state"), "18446744073709551615");
    ck_assert_str_eq(lms_st_meta(f, "overrides"), "[\"training.lr=0.5\"]");
    ck_assert_str_eq(lms_st_meta(f, "data_hash"), "18369614221190020847");
    ck_assert_str_eq(lms_st_meta(f, "config_path"), "t.ini");
    ck_assert_uint_eq(lms_st_count(f), 3 * m.n_tensors);
    lms_st_close(f);
}
END_TEST

/* A parameters-only file with tensor `skip` left out and `odd` (if set)
 * written with `dtype`/`shape` instead; then expect `want` from loading. */
static void expect_load_error(const char *skip, const char *odd,
                              lms_dtype dtype, int ndim, int64_t s0,
                              int64_t s1, const char *want) {
    lms_st_writer *w = lms_st_writer_new();
    static float zeros[4096];
    for (size_t i = 0; i < m.n_tensors; i++) {
        const lms_tensor *t = &m.tensors[i];
        int64_t shape[2] = {t->shape[0], t->shape[1]};
        if (skip && !strcmp(t->name, skip))
            continue;
        if (odd && !strcmp(t->name, odd)) {
            int64_t os[2] = {s0, s1};
            lms_st_writer_add(w, t->name, dtype, ndim, os, zeros);
        } else {
            lms_st_writer_add(w, t->name, LMS_DTYPE_F32, t->ndim, shape, t->w);
        }
    }
    ck_assert_int_eq(lms_st_writer_save(w, path, err, sizeof err), 0);
    lms_st_writer_free(w);
    lms_st_file *f = lms_st_open(path, err, sizeof err);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_ne(lms_ckpt_load_params(&m, f, path, err, sizeof err), 0);
    char full[512];
    snprintf(full, sizeof full, "%s: %s", path, want);
    ck_assert_str_eq(err, full);
    lms_st_close(f);
}

START_TEST(load_errors_name_tensor_and_shape) {
    expect_load_error("h.0.qkv.bias", NULL, 0, 0, 0, 0,
                      "missing tensor 'h.0.qkv.bias' (F32 [24])");
    expect_load_error(NULL, "wpe", LMS_DTYPE_F32, 2, 5, 8,
                      "tensor 'wpe' has shape [5, 8], the model needs [4, 8]");
    expect_load_error(NULL, "h.0.fc1.weight", LMS_DTYPE_F32, 1, 256, 1,
                      "tensor 'h.0.fc1.weight' has shape [256], the model "
                      "needs [32, 8]");
    expect_load_error(NULL, "wte", LMS_DTYPE_F16, 2, 256, 8,
                      "tensor 'wte' is F16 [256, 8], expected F32 [256, 8]");
    /* a parameters-only file has no moments and no state */
    lms_st_file *f = lms_st_open(path, err, sizeof err);
    ck_assert_int_ne(lms_ckpt_load_moments(&m, f, am, av, path, err, sizeof err), 0);
    ck_assert(strstr(err, ": missing tensor 'adam.m.wte' (F32 [256, 8])"));
    lms_train_state s2;
    ck_assert_int_ne(lms_ckpt_read_state(f, &s2, path, err, sizeof err), 0);
    ck_assert(strstr(err, ": not an lmstab checkpoint: missing metadata 'format'"));
    lms_st_close(f);
}
END_TEST

/* Save, change one metadata key, expect read_state to fail with want. */
static void expect_meta_error(const char *key, const char *value,
                              const char *want) {
    lms_st_writer *w = lms_st_writer_new();
    lms_st_file *f = save_and_open();
    for (size_t i = 0; i < lms_st_count(f); i++) {
        const lms_st_tensor *t = lms_st_at(f, i);
        lms_st_writer_add(w, t->name, t->dtype, t->ndim, t->shape, t->data);
    }
    const char *keys[] = {"format", "format_version", "step", "rng_state",
                          "rng_inc", "init_loss", "init_train_loss", "nrecent",
                          "recent_losses", "train_seconds", "wall_seconds"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (strcmp(keys[i], key) != 0)
            lms_st_writer_meta(w, keys[i], lms_st_meta(f, keys[i]));
    if (value)
        lms_st_writer_meta(w, key, value);
    lms_st_close(f);
    ck_assert_int_eq(lms_st_writer_save(w, path, err, sizeof err), 0);
    lms_st_writer_free(w);
    f = lms_st_open(path, err, sizeof err);
    lms_train_state s2;
    ck_assert_int_ne(lms_ckpt_read_state(f, &s2, path, err, sizeof err), 0);
    char full[512];
    snprintf(full, sizeof full, "%s: %s", path, want);
    ck_assert_str_eq(err, full);
    lms_st_close(f);
}

START_TEST(metadata_errors) {
    expect_meta_error("format", "something-else", "metadata 'format': not an "
                      "lmstab checkpoint (got 'something-else')");
    expect_meta_error("format_version", "0", "checkpoint format version 0, "
                      "this lmstab reads versions 1 to 2");
    expect_meta_error("format_version", "3", "checkpoint format version 3, "
                      "this lmstab reads versions 1 to 2");
    expect_meta_error("step", NULL, "not an lmstab checkpoint: missing "
                      "metadata 'step'");
    expect_meta_error("step", "-3", "metadata 'step': must be an integer "
                      "(got '-3')");
    expect_meta_error("rng_state", "12abc", "metadata 'rng_state': must be a "
                      "decimal integer (got '12abc')");
    expect_meta_error("rng_state", "99999999999999999999", "metadata "
                      "'rng_state': must be a decimal integer (got "
                      "'99999999999999999999')");
    expect_meta_error("rng_inc", "4", "metadata 'rng_inc': must be odd (got '4')");
    expect_meta_error("init_loss", "x", "metadata 'init_loss': must be a number (got 'x')");
    expect_meta_error("recent_losses", "1 2 3", "metadata 'recent_losses': "
                      "must be 20 numbers (got '1 2 3')");
    expect_meta_error("precision", "fp16", "metadata 'precision': must be "
                      "fp32 or bf16 (got 'fp16')");
    expect_meta_error("bf16_kernel", "tmul", "metadata 'bf16_kernel': must be "
                      "emulated, avx512_bf16 or amx_bf16 (got 'tmul')");
}
END_TEST

/* A version-1 checkpoint (with the blow-up keys version 2 dropped) still
 * resumes: runs in progress survive the upgrade. */
START_TEST(version_1_read) {
    lms_st_writer *w = lms_st_writer_new();
    lms_st_file *f = save_and_open();
    for (size_t i = 0; i < lms_st_count(f); i++) {
        const lms_st_tensor *t = lms_st_at(f, i);
        lms_st_writer_add(w, t->name, t->dtype, t->ndim, t->shape, t->data);
    }
    const char *keys[] = {"format", "step", "rng_state", "rng_inc",
                          "init_loss", "init_train_loss", "nrecent",
                          "recent_losses", "train_seconds", "wall_seconds",
                          "config_text", "overrides", "data_tokens",
                          "data_hash"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        lms_st_writer_meta(w, keys[i], lms_st_meta(f, keys[i]));
    lms_st_writer_meta(w, "format_version", "1");
    lms_st_writer_meta(w, "ema", "3.5");
    lms_st_writer_meta(w, "max_smoothed_loss", "4.25");
    lms_st_writer_meta(w, "blew_up_step", "0");
    lms_st_close(f);
    ck_assert_int_eq(lms_st_writer_save(w, path, err, sizeof err), 0);
    lms_st_writer_free(w);
    f = lms_st_open(path, err, sizeof err);
    lms_train_state got;
    ck_assert_msg(lms_ckpt_read_state(f, &got, path, err, sizeof err) == 0,
                  "%s", err);
    ck_assert_int_eq(got.step, 37);
    ck_assert(memcmp(got.recent, st.recent, sizeof st.recent) == 0);
    ck_assert_int_eq(lms_ckpt_check_run(f, &cfg, &data, path, err, sizeof err), 0);
    lms_st_close(f);
}
END_TEST

/* Crafted state that resumed with rc 0 into a wrong final loss or verdict:
 * every field is checked, and the error names it. */
START_TEST(crafted_state_rejected) {
    expect_meta_error("nrecent", "1000", "metadata 'nrecent': must be at most "
                      "the step (37) (got '1000')");
    expect_meta_error("recent_losses", "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 "
                      "16 nan 18 19 20", "metadata 'recent_losses': number 17 "
                      "must be finite (got 'nan')");
    expect_meta_error("init_loss", "nan", "metadata 'init_loss': must be a "
                      "finite number (got 'nan')");
    expect_meta_error("init_train_loss", "-inf", "metadata 'init_train_loss': "
                      "must be a finite number (got '-inf')");
    expect_meta_error("train_seconds", "-1", "metadata 'train_seconds': must "
                      "be a finite number >= 0 (got '-1')");
    expect_meta_error("wall_seconds", "inf", "metadata 'wall_seconds': must "
                      "be a finite number >= 0 (got 'inf')");
}
END_TEST

START_TEST(run_identity_checked) {
    lms_st_file *f = save_and_open();
    lms_config other;
    ck_assert_int_eq(lms_config_load_string(&other, CFG, "t.ini", err, sizeof err), 0);
    ck_assert_int_ne(lms_ckpt_check_run(f, &other, NULL, path, err, sizeof err), 0);
    char want[512];
    snprintf(want, sizeof want, "%s: was written with --set "
             "[\"training.lr=0.5\"], this run has []: resume with the run's "
             "own (leave out CONFIG and --set)", path);
    ck_assert_str_eq(err, want);
    /* a resume may add overrides after the run's own, never change them */
    ck_assert_int_eq(lms_config_override(&other, "training.lr=0.4", err, sizeof err), 0);
    ck_assert_int_ne(lms_ckpt_check_run(f, &other, NULL, path, err, sizeof err), 0);
    lms_config_free(&other);
    ck_assert_int_eq(lms_config_load_string(&other, CFG, "t.ini", err, sizeof err), 0);
    ck_assert_int_eq(lms_config_override(&other, "training.lr=0.5", err, sizeof err), 0);
    ck_assert_int_eq(lms_config_override(&other, "training.max_steps=9", err, sizeof err), 0);
    ck_assert_msg(lms_ckpt_check_run(f, &other, NULL, path, err, sizeof err) == 0, "%s", err);
    lms_config_free(&other);
    ck_assert_int_eq(lms_config_load_string(&other, "[model]\n", "u.ini", err, sizeof err), 0);
    ck_assert_int_ne(lms_ckpt_check_run(f, &other, NULL, path, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s: was written for a different config (its "
             "text differs from u.ini; the original was t.ini)", path);
    ck_assert_str_eq(err, want);
    lms_config_free(&other);
    lms_data_id d2 = data;
    d2.hash ^= 1;
    ck_assert_int_ne(lms_ckpt_check_run(f, &cfg, &d2, path, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s: was trained on other data (corpus.txt, "
             "1000 tokens) than corpus.txt (1000 tokens): give its data with "
             "--data FILE", path);
    ck_assert_str_eq(err, want);
    lms_st_close(f);
}
END_TEST

START_TEST(metrics_truncated_to_step) {
    char csv[128], *text = NULL;
    snprintf(csv, sizeof csv, "%s/metrics.csv", dir);
    FILE *fp = fopen(csv, "w");
    fputs("step,lr,train_loss\n0,1,2\n5,1,2\n10,1,2\n15,1,2\n20,1", fp);
    fclose(fp);
    ck_assert_int_eq(lms_ckpt_truncate_metrics(csv, 11, err, sizeof err), 0);
    fp = fopen(csv, "r");
    size_t n = 0;
    ck_assert(getdelim(&text, &n, '\0', fp) > 0);
    fclose(fp);
    ck_assert_str_eq(text, "step,lr,train_loss\n0,1,2\n5,1,2\n10,1,2\n");
    free(text);
    snprintf(csv, sizeof csv, "%s/none.csv", dir);
    ck_assert_int_eq(lms_ckpt_truncate_metrics(csv, 11, err, sizeof err), 1);
}
END_TEST

START_TEST(nonfinite_named) {
    int32_t x[8], y[8];
    for (int i = 0; i < 8; i++)
        x[i] = 'a' + i, y[i] = 'b' + i;
    char where[256];
    float loss = lms_model_forward(&m, x, y, 2, 4, LMS_FWD_TRAINING);
    ck_assert(isfinite(loss));
    lms_model_zero_grad(&m);
    lms_model_backward(&m);
    ck_assert_int_eq(lms_model_find_nonfinite(&m, 1, where, sizeof where), 0);
    ck_assert_str_eq(where, "no non-finite value found");
    lms_model_op(&m, 0, "attn")->out[3] = INFINITY;
    lms_model_op(&m, 0, "fc1")->out[5] = NAN;
    ck_assert_int_eq(lms_model_find_nonfinite(&m, 0, where, sizeof where), 1);
    ck_assert_str_eq(where, "non-finite output first in h.0.attn "
                            "(causal_attention) (inf at element 3)");
    lms_model_op(&m, 0, "attn")->out[3] = 0;
    lms_model_find_nonfinite(&m, 0, where, sizeof where);
    ck_assert_str_eq(where, "non-finite output first in h.0.fc1 (linear) "
                            "(NaN at element 5)");
    lms_model_op(&m, 0, "fc1")->out[5] = 0;
    lms_model_tensor(&m, "h.0.qkv.bias")->dw[1] = NAN;
    lms_model_tensor(&m, "h.0.fc2.weight")->dw[2] = NAN;
    lms_model_find_nonfinite(&m, 0, where, sizeof where);
    ck_assert_str_eq(where, "no non-finite value found");
    lms_model_find_nonfinite(&m, 1, where, sizeof where);
    ck_assert_str_eq(where, "non-finite gradient first in h.0.fc2.weight "
                            "(NaN at element 2)");
    lms_model_tensor(&m, "h.0.ln2.weight")->w[0] = -INFINITY;
    lms_model_find_nonfinite(&m, 1, where, sizeof where);
    ck_assert_str_eq(where, "non-finite parameter h.0.ln2.weight (inf at "
                            "element 0)");
}
END_TEST

int main(void) {
    Suite *s = suite_create("checkpoint");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, round_trip_is_exact);
    tcase_add_test(tc, layout_documented_names);
    tcase_add_test(tc, load_errors_name_tensor_and_shape);
    tcase_add_test(tc, metadata_errors);
    tcase_add_test(tc, version_1_read);
    tcase_add_test(tc, crafted_state_rejected);
    tcase_add_test(tc, run_identity_checked);
    tcase_add_test(tc, metrics_truncated_to_step);
    tcase_add_test(tc, nonfinite_named);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? 0 : 1;
}
