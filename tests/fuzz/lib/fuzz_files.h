/* Scratch files for the fuzz targets whose readers take a path (sweep
 * files, summary.json, sweep.json, metrics.csv, data, golden files): the
 * input is written to a private directory and read back through the same
 * function lmstab uses, so the fuzzed path is the real one (open, size
 * checks, whole-file reads), not a copy made for the fuzzer. */
#ifndef LMS_FUZZ_FILES_H
#define LMS_FUZZ_FILES_H

#include <stddef.h>
#include <stdint.h>

/* dir/name under a directory of this process (made on first use in
 * $TMPDIR, else /dev/shm or /tmp; removed at exit). A static buffer, valid
 * until the next call of any function here. */
const char *lms_fuzz_path(const char *name);
/* Write data to lms_fuzz_path(name) (subdirectories must exist: see
 * lms_fuzz_mkdir). Aborts on an I/O error: a broken harness must not look
 * like a clean run. Returns the path. */
const char *lms_fuzz_write(const char *name, const void *data, size_t size);
/* mkdir lms_fuzz_path(name) (an existing one is fine). */
const char *lms_fuzz_mkdir(const char *name);
/* Remove lms_fuzz_path(name) if it exists. */
void lms_fuzz_remove(const char *name);

/* Split data at every occurrence of sep (e.g. "\n--edges--\n") into at
 * most max parts; returns how many. Lets one input carry several files. */
int lms_fuzz_split(const uint8_t *data, size_t size, const char *sep,
                   const uint8_t **part, size_t *len, int max);

#endif
