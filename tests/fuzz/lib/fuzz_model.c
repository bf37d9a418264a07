/* Plugins and size check for the fuzz targets (fuzz_model.h). */
#include <stdlib.h>

#include "fuzz_model.h"

lms_loader *lms_fuzz_loader(void) {
    static lms_loader *ld;
    static int tried;
    if (!tried) {
        tried = 1;
        const char *dir = getenv("LMS_FUZZ_PLUGIN_DIR");
        if (dir && *dir)
            ld = lms_loader_new(dir);
    }
    return ld;
}

int lms_fuzz_small_model(lms_config *c) {
    char err[512];
    static const char *const keys[] = {"vocab_size", "context", "d_model",
                                       "n_layer", "n_head"};
    static const long defs[] = {256, 128, 128, 4, 4};
    static const long lim[] = {512, 64, 64, 3, 16};
    for (int i = 0; i < 5; i++) {
        long v;
        if (lms_config_int(c, "model", keys[i], defs[i], 1, 1L << 30, &v, err,
                           sizeof err) != 0)
            return 1;
        if (v > lim[i])
            return 0;
    }
    return 1;
}
