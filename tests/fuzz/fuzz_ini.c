/* libFuzzer target: the INI model description. One input = one INI text.
 * Exercises the strict reader (lms_config_load_string), --set overrides
 * (each line of the form "@SECTION.KEY=VALUE" at the end of the input is
 * also applied as an override), the typed getters, the [training]/[data]
 * reader and, when LMS_FUZZ_PLUGIN_DIR names the built plugins and the
 * dimensions are small, the whole model builder (op lists, slots, plugin
 * keys, shapes), then the unknown-key check. Any crash, sanitizer report or
 * leak is a bug; errors are the expected outcome for most inputs.
 *
 * Build and run: scripts/fuzz.sh (see docs/reliability.md). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/core_keys.h"
#include "fuzz_model.h"
#include "io/config.h"
#include "engine/loader.h"
#include "engine/model.h"
#include "train/train.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 65536)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    /* Split off trailing "@override" lines. */
    char *sets[8];
    int nsets = 0;
    char *at;
    while (nsets < 8 && (at = strrchr(text, '@')) &&
           (at == text || at[-1] == '\n')) {
        sets[nsets++] = at + 1;
        *at = '\0';
        char *nl = strchr(sets[nsets - 1], '\n');
        if (nl)
            *nl = '\0';
    }
    char err[2048];
    lms_config c;
    if (lms_config_load_string(&c, text, "fuzz.ini", err, sizeof err) == 0) {
        int ok = 1;
        for (int i = 0; i < nsets && ok; i++)
            ok = lms_config_override(&c, sets[i], err, sizeof err) == 0;
        lms_train_cfg tc;
        if (ok && lms_train_cfg_read(&tc, &c, err, sizeof err) == 0) {
            long l;
            double d;
            int b;
            (void)lms_config_int(&c, "model", "n_layer", 4, 1, 1024, &l, err,
                                 sizeof err);
            (void)lms_config_float(&c, "model", "init_std", 0.02, 0, 10, &d,
                                   err, sizeof err);
            (void)lms_config_bool(&c, "model", "tie_embeddings", 1, &b, err,
                                  sizeof err);
            (void)lms_config_str(&c, "data", "train", NULL);
            lms_loader *ld = lms_fuzz_loader();
            if (ld && lms_fuzz_small_model(&c)) {
                lms_model m;
                if (lms_model_build(&m, &c, ld, 1, err, sizeof err) == 0) {
                    (void)lms_config_check_unused(&c, lms_core_accepted,
                                                  NULL, err, sizeof err);
                    lms_model_free(&m);
                }
            } else {
                (void)lms_config_check_unused(&c, NULL, NULL, err, sizeof err);
            }
        }
    }
    lms_config_free(&c);
    free(text);
    return 0;
}
