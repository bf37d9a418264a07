/* Tensor-name maps: rules rewrite whole dotted pieces, once each, in order;
 * the nanoGPT and HF GPT-2 presets give those trainers' names; HF's Conv1D
 * weights are transposed on load; errors name both names. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "train/tensor_map.h"

static char err[512];

static const char *mapped(const lms_tensor_map *m, const char *ours) {
    static char out[600];
    lms_tensor_map_name(m, ours, out, sizeof out);
    return out;
}

START_TEST(presets_give_their_names) {
    lms_tensor_map nano = {0}, hf = {0};
    ck_assert_int_eq(lms_tensor_map_preset(&nano, "nanogpt", err, sizeof err), 0);
    ck_assert_int_eq(lms_tensor_map_preset(&hf, "hf-gpt2", err, sizeof err), 0);
    const char *cases[][3] = {
        {"wte", "transformer.wte.weight", "wte.weight"},
        {"wpe", "transformer.wpe.weight", "wpe.weight"},
        {"h.0.ln1.weight", "transformer.h.0.ln_1.weight", "h.0.ln_1.weight"},
        {"h.11.qkv.weight", "transformer.h.11.attn.c_attn.weight", "h.11.attn.c_attn.weight"},
        {"h.2.proj.bias", "transformer.h.2.attn.c_proj.bias", "h.2.attn.c_proj.bias"},
        {"h.0.ln2.bias", "transformer.h.0.ln_2.bias", "h.0.ln_2.bias"},
        {"h.3.fc1.weight", "transformer.h.3.mlp.c_fc.weight", "h.3.mlp.c_fc.weight"},
        {"h.3.fc2.weight", "transformer.h.3.mlp.c_proj.weight", "h.3.mlp.c_proj.weight"},
        {"ln_f.weight", "transformer.ln_f.weight", "ln_f.weight"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ck_assert_str_eq(mapped(&nano, cases[i][0]), cases[i][1]);
        ck_assert_str_eq(mapped(&hf, cases[i][0]), cases[i][2]);
    }
    ck_assert_int_ne(lms_tensor_map_preset(&hf, "megatron", err, sizeof err), 0);
    ck_assert_str_eq(err, "unknown map preset 'megatron' (nanogpt or hf-gpt2)");
}
END_TEST

START_TEST(rules_match_whole_pieces_once) {
    lms_tensor_map m = {0};
    ck_assert_int_eq(lms_tensor_map_add(&m, "proj=out", err, sizeof err), 0);
    ck_assert_int_eq(lms_tensor_map_add(&m, "attn.q_norm=q_ln", err, sizeof err), 0);
    ck_assert_str_eq(mapped(&m, "h.0.proj.weight"), "h.0.out.weight");
    ck_assert_str_eq(mapped(&m, "h.0.c_proj.weight"), "h.0.c_proj.weight");
    ck_assert_str_eq(mapped(&m, "h.0.projx"), "h.0.projx");
    ck_assert_str_eq(mapped(&m, "proj.proj"), "out.proj"); /* once */
    ck_assert_str_eq(mapped(&m, "h.1.attn.q_norm.weight"), "h.1.q_ln.weight");
    ck_assert_str_eq(mapped(NULL, "h.1.qkv.bias"), "h.1.qkv.bias");
    const char *bad[] = {"noequals", "=x", "x=", "a=b=c"};
    for (int i = 0; i < 4; i++) {
        ck_assert_int_ne(lms_tensor_map_add(&m, bad[i], err, sizeof err), 0);
        char want[200];
        snprintf(want, sizeof want, "map '%s': must be OURS=THEIRS, two dotted "
                 "names of at most 95 characters", bad[i]);
        ck_assert_str_eq(err, want);
    }
}
END_TEST

/* A file with HF's layout: qkv stored (in, out) = (2, 6) under
 * "transformer." (GPT2LMHeadModel's names), loaded as ours (6, 2). */
START_TEST(conv1d_transposed_on_load) {
    char path[] = "/tmp/lmsmapXXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    float theirs[12], bias[6];
    for (int i = 0; i < 12; i++)
        theirs[i] = (float)i;
    for (int i = 0; i < 6; i++)
        bias[i] = 100.0f + (float)i;
    lms_st_writer *w = lms_st_writer_new();
    int64_t s_in_out[2] = {2, 6}, s_b[1] = {6};
    lms_st_writer_add(w, "transformer.h.0.attn.c_attn.weight", LMS_DTYPE_F32, 2,
                      s_in_out, theirs);
    lms_st_writer_add(w, "h.0.attn.c_attn.bias", LMS_DTYPE_F32, 1, s_b, bias);
    ck_assert_int_eq(lms_st_writer_save(w, path, err, sizeof err), 0);
    lms_st_writer_free(w);
    lms_st_file *f = lms_st_open(path, err, sizeof err);
    ck_assert_ptr_nonnull(f);
    float ow[12], ob[6];
    lms_tensor t[2] = {{"h.0.qkv.weight", ow, NULL, 12, 2, {6, 2}, 1, 0},
                       {"h.0.qkv.bias", ob, NULL, 6, 1, {6, 0}, 0, 0}};
    lms_model model;
    memset(&model, 0, sizeof model);
    model.tensors = t;
    model.n_tensors = 2;
    lms_tensor_map hf = {0};
    ck_assert_int_eq(lms_tensor_map_preset(&hf, "hf-gpt2", err, sizeof err), 0);
    ck_assert_msg(lms_tensor_map_load(&model, f, &hf, "x.st", err, sizeof err) == 0,
                  "%s", err);
    for (int r = 0; r < 6; r++) {
        for (int c = 0; c < 2; c++)
            ck_assert(ow[r * 2 + c] == theirs[c * 6 + r]);
        ck_assert(ob[r] == bias[r]);
    }
    /* nanoGPT's Linear layout is ours: the same file is refused there */
    lms_tensor_map nano = {0};
    lms_tensor_map_preset(&nano, "nanogpt", err, sizeof err);
    ck_assert_int_ne(lms_tensor_map_load(&model, f, &nano, "x.st", err, sizeof err), 0);
    ck_assert_str_eq(err, "x.st: tensor 'transformer.h.0.attn.c_attn.weight' has "
                     "shape [2, 6], the model needs [6, 2]");
    /* a name absent under both names is named with ours */
    lms_tensor_map one = {0};
    lms_tensor_map_add(&one, "qkv=attn.qkv", err, sizeof err);
    ck_assert_int_ne(lms_tensor_map_load(&model, f, &one, "x.st", err, sizeof err), 0);
    ck_assert_str_eq(err, "x.st: missing tensor 'h.0.attn.qkv.weight' (F32 [6, 2]) "
                     "for our 'h.0.qkv.weight'");
    /* a bias is never transposed: a wrong shape is named */
    t[1].shape[0] = 3;
    t[1].numel = 3;
    ck_assert_int_ne(lms_tensor_map_load(&model, f, &hf, "x.st", err, sizeof err), 0);
    ck_assert_str_eq(err, "x.st: tensor 'h.0.attn.c_attn.bias' has shape [6], "
                     "the model needs [3]");
    lms_st_close(f);
    unlink(path);
}
END_TEST

int main(void) {
    Suite *s = suite_create("tensor_map");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, presets_give_their_names);
    tcase_add_test(tc, rules_match_whole_pieces_once);
    tcase_add_test(tc, conv1d_transposed_on_load);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
