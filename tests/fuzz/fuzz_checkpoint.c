/* libFuzzer target: a checkpoint as `lmstab train --resume` and
 * `lmstab sample` read it. One input = one safetensors file (through
 * lms_st_open_memory, the checks of lms_st_open). Its metadata goes
 * through lms_ckpt_read_state (the training state), lms_ckpt_check_run
 * (against a fixed config and data identity) and lms_ckpt_config (the
 * stored config text and overrides); when that config builds a small model
 * with the real plugins, the parameters and AdamW moments are loaded into
 * it (lms_ckpt_load_params / lms_ckpt_load_moments). A state the reader
 * accepts must be one a run could have written.
 *
 * Build and run: scripts/fuzz.sh checkpoint (see docs/reliability.md). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_model.h"
#include "train/checkpoint.h"
#include "engine/model.h"

static void check_state(const lms_train_state *st) {
    if (st->step < 0 || st->nrecent < 0 || st->nrecent > st->step ||
        !(st->rng.inc & 1) || !isfinite(st->init_loss) ||
        !isfinite(st->init_train_loss) || !(st->train_seconds >= 0) ||
        !(st->wall_seconds >= 0) || st->checkpoint_every < 0)
        __builtin_trap();
    for (int i = 0; i < LMS_CKPT_RECENT; i++)
        if (!isfinite(st->recent[i]))
            __builtin_trap();
}

/* The model of the stored config, its parameters and moments loaded. */
static void load_model(lms_config *c, const lms_st_file *f) {
    lms_loader *ld = lms_fuzz_loader();
    char err[2048];
    lms_model m;
    if (!ld || !lms_fuzz_small_model(c) ||
        lms_model_build(&m, c, ld, 1, err, sizeof err) != 0)
        return;
    float *mv = calloc(2 * m.n_params + 1, sizeof(float));
    if (mv && lms_ckpt_load_params(&m, f, "fuzz", err, sizeof err) == 0)
        (void)lms_ckpt_load_moments(&m, f, mv, mv + m.n_params, "fuzz", err,
                                    sizeof err);
    free(mv);
    lms_model_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* the run resuming: the config and data of the seeds meta_*.safetensors
     * (make_seeds.py), so that the override and data checks are reached */
    static lms_config mine;
    static int ready;
    char err[2048];
    if (!ready) {
        static const char text[] = "[model]\nd_model = 4\nn_layer = 1\n"
                                   "n_head = 1\ncontext = 4\n[block]\n"
                                   "mlp = fc1, act, fc2\n"
                                   "[block.fc1]\nplugin = linear\n"
                                   "[block.act]\nplugin = gelu\n"
                                   "[block.fc2]\nplugin = linear\n";
        if (lms_config_load_string(&mine, text, "mine.ini", err,
                                   sizeof err) != 0)
            abort();
        ready = 1;
    }
    lms_st_file *f = lms_st_open_memory(data, size, "fuzz.safetensors", err,
                                        sizeof err);
    if (!f)
        return 0;
    lms_train_state st;
    if (lms_ckpt_read_state(f, &st, "fuzz", err, sizeof err) == 0)
        check_state(&st);
    lms_data_id id = {"corpus.txt", 1000, 42};
    (void)lms_ckpt_check_run(f, &mine, &id, "fuzz", err, sizeof err);
    lms_config c;
    if (lms_ckpt_config(&c, f, "fuzz", err, sizeof err) == 0)
        load_model(&c, f);
    lms_config_free(&c);
    lms_st_close(f);
    return 0;
}
