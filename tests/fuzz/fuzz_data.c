/* libFuzzer target: the data loader (lms_data_load), for byte-level text
 * and llm.c token files (.bin: 1 KiB header, uint16 tokens). One input =
 * one control byte, then the file: bit 0 of the control byte picks the
 * name (data.bin or data.txt, which decides the format), the other bits
 * the context (1 to 128). Loaded data is then used as training uses it:
 * training and validation batches at that context, the unigram entropy;
 * every token must be below the vocabulary.
 *
 * Build and run: scripts/fuzz.sh data (see docs/reliability.md). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_files.h"
#include "io/data.h"
#include "util/rng.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1 || size > (1 << 20))
        return 0;
    const char *name = data[0] & 1 ? "data.bin" : "data.txt";
    int context = 1 + (data[0] >> 1);
    const char *path = lms_fuzz_write(name, data + 1, size - 1);
    lms_data d;
    char err[1024];
    if (lms_data_load(&d, path, context, err, sizeof err) != 0) {
        if (d.tokens)
            __builtin_trap(); /* a failed load owns nothing */
        return 0;
    }
    if (d.n_train < (size_t)context + 1 ||
        d.n_tokens - d.n_train < (size_t)context + 1)
        __builtin_trap();
    for (size_t i = 0; i < d.n_tokens; i++)
        if (d.tokens[i] < 0 || d.tokens[i] >= d.vocab)
            __builtin_trap();
    enum { B = 3 };
    int32_t *x = malloc(sizeof(int32_t) * B * (size_t)context);
    int32_t *y = malloc(sizeof(int32_t) * B * (size_t)context);
    if (x && y) {
        lms_rng rng;
        lms_rng_seed(&rng, 1, 2);
        lms_data_train_batch(&d, &rng, B, context, x, y);
        for (int i = 0; i < 4; i++)
            lms_data_val_batch(&d, i, 4, B, context, x, y);
    }
    free(x);
    free(y);
    double h = lms_data_unigram_entropy(&d);
    if (!(h >= 0) || h > log(d.vocab) + 1e-9)
        __builtin_trap();
    lms_data_free(&d);
    return 0;
}
