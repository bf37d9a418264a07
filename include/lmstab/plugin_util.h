/*
 * lmstab plugin helpers — optional, header-only (a plugin links libc/libm
 * only, so everything here is `static inline`).
 *
 * What nearly every plugin repeats: strict parsing of key values, the
 * standard error message "must be <what> (got '<value>')", a set() driven by
 * the descriptor's key table, and a create() that starts from the defaults written in
 * the lms_key table (so the documented default and the real one cannot
 * drift apart).
 *
 * Typical use: each key declared once, in the descriptor's lms_key table,
 * with its type, default, help, member and bounds:
 *
 *   typedef struct my { float eps; int groups; int cols; } my;
 *
 *   static const lms_key my_keys[] = {
 *       {"eps", LMS_VALUE_FLOAT, "1e-5", "added to the variance",
 *        offsetof(my, eps), LMS_GT, 0, 0, NULL, NULL},
 *       {"groups", LMS_VALUE_INT, "1", "number of groups",
 *        offsetof(my, groups), LMS_GE | LMS_LE, 1, 1 << 20, NULL, NULL},
 *       LMS_KEYS_END,
 *   };
 *   static int my_set(void *self, const char *key, const char *value,
 *                     char *err, size_t errlen) {
 *       return lms_keys_set(self, my_keys, key, value, err, errlen);
 *   }
 *   static void *my_create(const lms_host *host, char *err, size_t errlen) {
 *       (void)host;
 *       return lms_state_new(sizeof(my), my_keys, my_set, err, errlen);
 *   }
 *   ... .keys = my_keys, .create = my_create, .set = my_set,
 *   .destroy = lms_state_free ...
 *
 * A key with special words ("heads", "sqrt_d") handles them in set() before
 * delegating to lms_keys_set, and gives its key an `expect` that names
 * them ("an integer >= 1 or 'heads'").
 */
#ifndef LMSTAB_PLUGIN_UTIL_H
#define LMSTAB_PLUGIN_UTIL_H

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lmstab/plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- parsing: 0 on success, -1 (and *out untouched) otherwise ---------- */
/*
 * These are the only number and boolean parsers of lmstab: the core reads
 * its own keys ([model], [training], ...), sweep files and command-line
 * numbers with them too, so one INI file has one spelling of each.
 * Values arrive trimmed (inih and --set strip blanks); a leading blank, an
 * empty string or trailing characters are errors.
 */

/* The whole of s is a finite double (strtod syntax: "3e-3", "0.5", "1e4";
 * no trailing characters; overflow is an error, underflow to a subnormal
 * or zero is not: bounds decide whether a tiny value is acceptable). */
static inline int lms_parse_double(const char *s, double *out) {
    char *end;
    if (!s || !*s || *s == ' ' || (*s >= '\t' && *s <= '\r'))
        return -1;
    errno = 0;
    double d = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(d) ||
        (errno == ERANGE && fabs(d) > 1.0))
        return -1;
    *out = d;
    return 0;
}

/* The whole of s is a base-10 integer in [lo, hi] (an optional sign, then
 * digits; out of the range of long is an error, never clamped). */
static inline int lms_parse_long(const char *s, long lo, long hi, long *out) {
    char *end;
    if (!s || !*s || *s == ' ' || (*s >= '\t' && *s <= '\r'))
        return -1;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* 1 when a and b are equal ignoring ASCII case. */
static inline int lms_word_eq(const char *a, const char *b) {
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

/* The boolean dialect of every key, core's and plugins' alike (any ASCII
 * case): true, yes, on, 1 -> 1; false, no, off, 0 -> 0. */
static inline int lms_parse_bool(const char *s, int *out) {
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    if (!s)
        return -1;
    for (int i = 0; i < 4; i++) {
        if (lms_word_eq(s, yes[i])) {
            *out = 1;
            return 0;
        }
        if (lms_word_eq(s, no[i])) {
            *out = 0;
            return 0;
        }
    }
    return -1;
}

/* ---- the standard messages (always return -1, for `return lms_...`) ---- */

/* err = "must be <expect> (got '<value>')<why>"; why may be NULL, else it
 * is appended as is (start it with "; "). */
static inline int lms_bad_value(char *err, size_t errlen, const char *expect,
                                const char *value, const char *why) {
    snprintf(err, errlen, "must be %s (got '%s')%s", expect, value,
             why ? why : "");
    return -1;
}

/* err = "unknown key '<key>'" (the core checks keys against desc->keys, so
 * this is reached only when a plugin's keys and its set() disagree). */
static inline int lms_unknown_key(char *err, size_t errlen, const char *key) {
    snprintf(err, errlen, "unknown key '%s'", key);
    return -1;
}

/* ---- table-driven set() ------------------------------------------------- */

/* True when v satisfies k's bounds. */
static inline int lms_key_in_bounds(const lms_key *k, double v) {
    if ((k->bounds & LMS_GE) && !(v >= k->min))
        return 0;
    if ((k->bounds & LMS_GT) && !(v > k->min))
        return 0;
    if ((k->bounds & LMS_LE) && !(v <= k->max))
        return 0;
    if ((k->bounds & LMS_LT) && !(v < k->max))
        return 0;
    return 1;
}

/* What k accepts (see lms_key.expect), written into buf when it is made
 * from type and bounds; returns the text. */
static inline const char *lms_key_expect(const lms_key *k, char *buf,
                                         size_t n) {
    if (k->expect)
        return k->expect;
    if (k->type == LMS_VALUE_BOOL)
        return "true or false";
    if (k->type == LMS_VALUE_STRING)
        return "a string";
    const int lower = (k->bounds & (LMS_GE | LMS_GT)) != 0;
    char lo[40] = "", hi[48] = "";
    if (lower)
        snprintf(lo, sizeof lo, " %s %.15g",
                 k->bounds & LMS_GT ? ">" : ">=", k->min);
    if (k->bounds & (LMS_LE | LMS_LT))
        snprintf(hi, sizeof hi, "%s%s %.15g", lower ? " and " : " ",
                 k->bounds & LMS_LT ? "<" : "<=", k->max);
    snprintf(buf, n, "%s%s%s",
             k->type == LMS_VALUE_INT ? "an integer" : "a finite number", lo,
             hi);
    return buf;
}

/*
 * Parse value for key k and store it at (char *)self + k->offset.
 * FLOAT: a finite double (lms_parse_double) whose conversion to float is
 * finite too; both the double and the float must satisfy the bounds, so
 * "1e-50" is not "> 0" (it is 0 as a float); stored as float. INT: an
 * integer within the bounds and within int; stored as int. BOOL:
 * lms_parse_bool, stored as int. STRING keys are the plugin's set() to
 * handle (this returns -1 for them).
 * Returns 0, or -1 with the standard message in err and the member
 * untouched.
 */
static inline int lms_key_set(void *self, const lms_key *k, const char *value,
                              char *err, size_t errlen) {
    char *dst = (char *)self + k->offset;
    double d;
    long v;
    int b;
    switch (k->type) {
    case LMS_VALUE_FLOAT:
        if (lms_parse_double(value, &d) == 0 && isfinite((float)d) &&
            lms_key_in_bounds(k, d) && lms_key_in_bounds(k, (float)d)) {
            float x = (float)d;
            memcpy(dst, &x, sizeof x);
            return 0;
        }
        break;
    case LMS_VALUE_INT:
        if (lms_parse_long(value, INT_MIN, INT_MAX, &v) == 0 &&
            lms_key_in_bounds(k, (double)v)) {
            int x = (int)v;
            memcpy(dst, &x, sizeof x);
            return 0;
        }
        break;
    case LMS_VALUE_BOOL:
        if (lms_parse_bool(value, &b) == 0) {
            memcpy(dst, &b, sizeof b);
            return 0;
        }
        break;
    case LMS_VALUE_STRING:
        break;
    }
    char buf[96];
    return lms_bad_value(err, errlen, lms_key_expect(k, buf, sizeof buf),
                         value, k->why);
}

/* The key named name in the table, or NULL. */
static inline const lms_key *lms_key_find(const lms_key *keys,
                                          const char *name) {
    for (; keys && keys->name; keys++)
        if (!strcmp(keys->name, name))
            return keys;
    return NULL;
}

/* A whole set() hook: lms_key_set on the key named key, or
 * "unknown key '<key>'". Returns 0 or -1 (message in err). */
static inline int lms_keys_set(void *self, const lms_key *keys,
                               const char *key, const char *value, char *err,
                               size_t errlen) {
    const lms_key *k = lms_key_find(keys, key);
    if (!k)
        return lms_unknown_key(err, errlen, key);
    return lms_key_set(self, k, value, err, errlen);
}

/* ---- host services ------------------------------------------------------ */

/* 0 when host offers sgemm (its struct is large enough to hold the pointer
 * and the pointer is set), else -1 with "the host provides no sgemm" in err.
 * For create() of plugins that multiply matrices through the host. */
static inline int lms_host_need_sgemm(const lms_host *host, char *err,
                                      size_t errlen) {
    if (!host || host->size < offsetof(lms_host, sgemm) + sizeof host->sgemm ||
        !host->sgemm) {
        snprintf(err, errlen, "the host provides no sgemm");
        return -1;
    }
    return 0;
}

/* Whether the host table has the field f (it grows with the ABI minor). */
#define LMS_HOST_HAS(host, f)                                                  \
    ((host) && (host)->size >= offsetof(lms_host, f) + sizeof((host)->f) &&  \
     (host)->f)

/* host->parallel_for when the host has it (ABI >= 1.1), else the same
 * chunks serially, in order: either way fn sees the same [lo, hi) chunks. */
static inline void lms_parallel_for(const lms_host *host, size_t n,
                                    size_t grain, lms_range_fn fn, void *ctx) {
    if (LMS_HOST_HAS(host, parallel_for)) {
        host->parallel_for(n, grain, fn, ctx);
        return;
    }
    if (grain == 0)
        grain = 1;
    for (size_t lo = 0; lo < n; lo += grain)
        fn(ctx, lo, n - lo < grain ? n : lo + grain);
}

/* A printf-style line through host->log (create/set/plan only); nothing
 * when the host has no log. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static inline void lms_logf(const lms_host *host, int level, const char *fmt,
                            ...) {
    if (!LMS_HOST_HAS(host, log))
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    host->log(host->log_ctx, level, msg);
}

/* host->threads() when the host has it, else 1. */
static inline int lms_host_threads(const lms_host *host) {
    return LMS_HOST_HAS(host, threads) ? host->threads() : 1;
}

/* host->precision() when the host has it (ABI >= 1.2), else
 * LMS_PRECISION_FP32 (an older host computes in float32 only). */
static inline int lms_host_precision(const lms_host *host) {
    return LMS_HOST_HAS(host, precision) ? host->precision()
                                         : LMS_PRECISION_FP32;
}

/* A model product at the host's precision: host->matmul when the host has
 * it, else host->sgemm (an older host is float32 only, so that is the same
 * arithmetic). */
static inline void lms_host_matmul(const lms_host *host, int trans_a,
                                   int trans_b, int m, int n, int k,
                                   float alpha, const float *a, int lda,
                                   const float *b, int ldb, float beta,
                                   float *c, int ldc) {
    if (LMS_HOST_HAS(host, matmul))
        host->matmul(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c,
                     ldc);
    else
        host->sgemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c,
                    ldc);
}

/* ---- create() / destroy() ----------------------------------------------- */

/*
 * A zeroed state of `size` bytes with every key's default_value applied
 * through the plugin's own set() (keys without a default stay zero), so the
 * default documented in the key table is the one in force.
 * Returns the state (free with lms_state_free), or NULL with "out of
 * memory" or "default <key> = '<value>' rejected: <set's message>" in err.
 */
static inline void *lms_state_new(size_t size, const lms_key *keys,
                                  lms_set_fn set, char *err, size_t errlen) {
    void *s = calloc(1, size);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    for (; keys && keys->name; keys++) {
        if (!keys->default_value)
            continue;
        char msg[LMS_ERR_MAX];
        msg[0] = '\0';
        if (set(s, keys->name, keys->default_value, msg, sizeof msg) != 0) {
            snprintf(err, errlen, "default %s = '%s' rejected: %s", keys->name,
                     keys->default_value, msg);
            free(s);
            return NULL;
        }
    }
    return s;
}

/* The destroy hook of a state from lms_state_new (accepts NULL). */
static inline void lms_state_free(void *self) {
    free(self);
}

#ifdef __cplusplus
}
#endif
#endif /* LMSTAB_PLUGIN_UTIL_H */
