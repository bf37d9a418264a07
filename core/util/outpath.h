/* Paths as lmstab writes them (summary.json, checkpoints, reports): never a
 * machine's absolute path. */
#ifndef LMSTAB_CORE_OUTPATH_H
#define LMSTAB_CORE_OUTPATH_H

#include <stddef.h>

/* path as it may be written: a relative path as given; an absolute one
 * relative to the source tree when it lies in it or in its parent (so the
 * default corpus is "../shared/data/tinyshakespeare.txt"), else relative to
 * the working directory when below it, else its file name alone. */
void lms_output_path(const char *path, char *out, size_t n);

/* A "section.key=value" setting as it may be written: each comma-separated
 * item of the value that is an absolute path (begins with '/') through
 * lms_output_path, the rest as given ("data.train=/x/a.bin, b.bin" ->
 * "data.train=a.bin, b.bin" outside the tree and the working directory). */
void lms_output_setting(const char *kv, char *out, size_t n);

/* The relative path from directory from_dir to the existing path to (both
 * resolved): "../../a/b", "." when they are the same. 0, or -1 when either
 * does not exist or out is too small. */
int lms_relative_path(const char *from_dir, const char *to, char *out,
                      size_t n);

#endif
