/* A temporary sweep directory for the report's unit tests (sweep_fixture.h). */
#include "sweep_fixture.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep/sweep_internal.h"
#include "util/fsutil.h"

void fx_sweep_dir(char *dir, size_t n, const char *tag, const char *manifest) {
    ck_assert_int_lt((int)snprintf(dir, n, "/tmp/lms%sXXXXXX", tag), (int)n);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    fx_write(dir, "sweep.json", manifest);
}

void fx_sweep_rm(const char *dir) {
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

lms_sweep *fx_sweep_load(const char *dir) {
    lms_sweep *s = malloc(sizeof *s);
    char err[512];
    ck_assert_ptr_nonnull(s);
    ck_assert_msg(lms_sweep_load_manifest(dir, s, err, sizeof err) == 0, "%s",
                  err);
    return s;
}

void fx_run_dir(const char *dir, const char *variant, const char *lr, int seed,
                char *out, size_t n) {
    char err[256];
    snprintf(out, n, "%s/%s/lr_%s/seed_%d", dir, variant, lr, seed);
    ck_assert_msg(lms_mkdirs(out, err, sizeof err) == 0, "%s", err);
}

void fx_write(const char *run_dir, const char *name, const char *text) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", run_dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}
