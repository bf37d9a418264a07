/* libFuzzer target: the safetensors reader. One input = one whole file,
 * read through lms_st_open_memory (the same checks as lms_st_open). On
 * success every tensor and metadata entry is visited and every tensor's
 * bytes are read, so an offset the reader failed to check shows up as an
 * AddressSanitizer report rather than passing silently.
 *
 * Build and run: scripts/fuzz.sh (see docs/reliability.md). */
#include <stdint.h>
#include <string.h>

#include "io/safetensors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[1024];
    lms_st_file *f = lms_st_open_memory(data, size, "fuzz.safetensors", err,
                                        sizeof err);
    if (!f)
        return 0;
    volatile unsigned sum = 0;
    for (size_t i = 0; i < lms_st_count(f); i++) {
        const lms_st_tensor *t = lms_st_at(f, i);
        if (lms_st_find(f, t->name) != t)
            __builtin_trap(); /* names are unique: find must return it */
        if (t->nbytes != t->numel * lms_dtype_size(t->dtype))
            __builtin_trap();
        const unsigned char *p = t->data;
        for (size_t k = 0; k < t->nbytes; k++)
            sum += p[k];
    }
    (void)lms_st_meta(f, "format");
    lms_st_close(f);
    return 0;
}
