/*
 * The plugin checks: what the conformance test runs over every built
 * plugin and what `lmstab check PLUGIN.so` runs for a plugin author, one
 * code for both. Each check reports one line: its name, pass or fail, and
 * a message that says why.
 *
 *   descriptor   ABI, name = file stem, kind, MAJOR.MINOR.PATCH version,
 *                one-line summary, keys and slots well formed
 *   keys         every default accepted; a malformed value ('not_a_value')
 *                rejected quoting it as (got '...'); an unknown key rejected
 *   rows         forward on fewer rows than planned gives the same rows
 *   gradient     finite-difference check of the input and every parameter
 *                (lms_tk_gradcheck: also finite outputs, no reliance on
 *                cache or scratch contents)
 *   accumulate   backward adds to dx and to every gradient (+=)
 *   determinism  repeated runs, and 1 vs `threads` threads, give the same
 *                numbers
 *   guard        (with guard zones) nothing written past the end of any
 *                buffer the plugin is handed; a write past one fails every
 *                numeric check with the guard's message naming the buffer
 *
 * Plain C (no Check): `lmstab check` links it.
 */
#ifndef LMSTAB_TK_CHECK_H
#define LMSTAB_TK_CHECK_H

#include "testkit.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One result: check name ("gradient"), ok 1/0, and what was found. The
 * strings live until the callback returns. */
typedef void (*lms_tk_report_fn)(void *user, const char *check,
                                 const char *label, int ok, const char *msg);

typedef struct lms_tk_check_opts {
    const char *const *kvs; /* keys for the plugin ("k=v", NULL-ended) */
    int numerics_only;      /* skip descriptor and keys */
    int fill_slots;  /* also run the numeric checks with each slot (then all
                        slots) filled by a loadable plugin of its kind */
    int threads;     /* second thread count of the determinism check [2] */
} lms_tk_check_opts;

/* Run the checks on plugin `name` through ld (already loaded or found on
 * its search path), calling fn once per check (and per slot filling).
 * Returns the number of failed checks. Guard zones follow
 * lms_tk_set_guard. */
int lms_tk_check_plugin(lms_loader *ld, const char *name,
                        const lms_tk_check_opts *o, lms_tk_report_fn fn,
                        void *user);

/* Every lms_*.so in dir itself (not the rest of the search path): fn gets
 * its name and kind, or kind 0 and the loader's message when it does not
 * load. Returns how many were found, -1 when out of memory. */
typedef void (*lms_tk_found_fn)(void *user, const char *name, int kind,
                                const char *err);
int lms_tk_scan_dir(const char *dir, lms_tk_found_fn fn, void *user);

/* The single checks, each 0 or -1 with the reason in err. */
int lms_tk_check_descriptor(lms_loader *ld, const char *name, char *err,
                            size_t errlen);
int lms_tk_check_keys(lms_loader *ld, const char *name, char *err,
                      size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
