/* The plugin checks of the conformance test and `lmstab check`; see
 * tk_check.h. */
#include "tk_check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/layer.h"
#include "engine/loader.h"
#include "kernels/host.h" /* lms_get_threads */

#define ERR 1024

static int ident_ok(const char *s) {
    if (!s || !(s[0] >= 'a' && s[0] <= 'z') || strlen(s) >= LMS_NAME_MAX)
        return 0;
    for (const char *c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              *c == '_'))
            return 0;
    return 1;
}

#define FAIL(...)                                                              \
    do {                                                                       \
        snprintf(err, errlen, __VA_ARGS__);                                    \
        return -1;                                                             \
    } while (0)

static int kind_ok(int k) {
    return k >= LMS_KIND_NORM && k <= LMS_KIND_AUX_LOSS;
}

static int check_keys_decl(const lms_descriptor *d, char *err, size_t errlen) {
    const lms_key *k = d->keys;
    for (int i = 0; k && k[i].name; i++) {
        if (!ident_ok(k[i].name))
            FAIL("bad key name '%s' (want [a-z][a-z0-9_]*)", k[i].name);
        if (!strcmp(k[i].name, "plugin"))
            FAIL("key 'plugin' is reserved");
        if (k[i].type < LMS_VALUE_INT || k[i].type > LMS_VALUE_STRING)
            FAIL("key '%s' has a bad type %d", k[i].name, (int)k[i].type);
        if (!k[i].default_value)
            FAIL("key '%s' has no default", k[i].name);
        if (!k[i].help || !k[i].help[0])
            FAIL("key '%s' has no help", k[i].name);
        for (int j = 0; j < i; j++)
            if (!strcmp(k[i].name, k[j].name))
                FAIL("duplicate key '%s'", k[i].name);
    }
    const lms_slot *s = d->slots;
    for (int i = 0; s && s[i].name; i++) {
        if (!ident_ok(s[i].name))
            FAIL("bad slot name '%s'", s[i].name);
        if (!kind_ok(s[i].kind))
            FAIL("slot '%s' has a bad kind %d", s[i].name, (int)s[i].kind);
        if (!s[i].help || !s[i].help[0])
            FAIL("slot '%s' has no help", s[i].name);
        for (int j = 0; k && k[j].name; j++)
            if (!strcmp(k[j].name, s[i].name))
                FAIL("'%s' is both a key and a slot", s[i].name);
    }
    return 0;
}

int lms_tk_check_descriptor(lms_loader *ld, const char *name, char *err,
                            size_t errlen) {
    const lms_plugin *p;
    if (lms_loader_get(ld, name, &p, err, errlen) != 0)
        return -1;
    const lms_descriptor *d = p->desc;
    if (d->abi_major != LMS_ABI_MAJOR)
        FAIL("ABI major %d, this lmstab has %d", (int)d->abi_major,
             LMS_ABI_MAJOR);
    if (d->size < sizeof(lms_descriptor) && d->abi_minor >= LMS_ABI_MINOR)
        FAIL("descriptor size %zu < %zu at ABI minor %d", (size_t)d->size,
             sizeof(lms_descriptor), (int)d->abi_minor);
    if (!d->name || strcmp(d->name, name) != 0)
        FAIL("name '%s' is not the file's stem '%s'",
             d->name ? d->name : "(null)", name);
    if (!kind_ok(d->kind))
        FAIL("bad kind %d", (int)d->kind);
    int a, b, c, n = 0;
    if (!d->version || sscanf(d->version, "%d.%d.%d%n", &a, &b, &c, &n) != 3 ||
        d->version[n] != '\0')
        FAIL("version '%s' is not MAJOR.MINOR.PATCH",
             d->version ? d->version : "(null)");
    if (!d->summary || !d->summary[0] || strlen(d->summary) >= 200 ||
        strchr(d->summary, '\n'))
        FAIL("summary must be one non-empty line under 200 characters");
    if (check_keys_decl(d, err, errlen) != 0)
        return -1;
    int nk = 0, ns = 0;
    while (d->keys && d->keys[nk].name)
        nk++;
    while (d->slots && d->slots[ns].name)
        ns++;
    snprintf(err, errlen, "%s %s (%s), %d keys, %d slots", d->name,
             d->version, lms_kind_name(d->kind), nk, ns);
    return 0;
}

int lms_tk_check_keys(lms_loader *ld, const char *name, char *err,
                      size_t errlen) {
    lms_layer *L;
    char e[ERR];
    if (lms_tk_layer_new(&L, ld, name, NULL, NULL, err, errlen) != 0)
        return -1;
    const lms_key *k = L->plugin->desc->keys;
    int rc = -1, nbad = 0;
    for (int i = 0; k && k[i].name; i++) {
        if (lms_layer_set(L, k[i].name, k[i].default_value, e, sizeof e) != 0) {
            snprintf(err, errlen, "the default %s = '%s' is rejected: %s",
                     k[i].name, k[i].default_value, e);
            goto out;
        }
        if (k[i].type == LMS_VALUE_STRING)
            continue;
        e[0] = '\0';
        if (lms_layer_set(L, k[i].name, "not_a_value", e, sizeof e) == 0) {
            snprintf(err, errlen, "%s = 'not_a_value' is accepted", k[i].name);
            goto out;
        }
        if (!strstr(e, "got 'not_a_value'")) {
            snprintf(err, errlen,
                     "the message for %s = 'not_a_value' should quote the "
                     "value as (got '...'): %s",
                     k[i].name, e);
            goto out;
        }
        nbad++;
    }
    e[0] = '\0';
    if (lms_layer_set(L, "no_such_key_zz", "1", e, sizeof e) == 0 ||
        !strstr(e, "accepted")) {
        snprintf(err, errlen,
                 "the unknown key 'no_such_key_zz' is not rejected with the "
                 "accepted keys: %s",
                 e);
        goto out;
    }
    snprintf(err, errlen,
             "defaults accepted; 'not_a_value' rejected by %d keys; an "
             "unknown key rejected",
             nbad);
    rc = 0;
out:
    lms_layer_free(L);
    return rc;
}

/* ---- numerics ------------------------------------------------------------ */

/* Input width and (B, T) a plugin of this kind is planned at. */
static void shape_for(int kind, const lms_model_info *mi, int *B, int *T,
                      int *cols) {
    *B = mi->batch;
    *T = mi->context;
    *cols = mi->d_model;
    if (kind == LMS_KIND_ATTENTION)
        *cols = 3 * mi->d_model;
    else if (kind == LMS_KIND_SCORE_MAP || kind == LMS_KIND_PROB_MAP) {
        *B = 1;
        *cols = 8;
    } else if (kind == LMS_KIND_AUX_LOSS)
        *cols = mi->vocab;
}

typedef struct reporter {
    lms_tk_report_fn fn;
    void *user;
    const char *label;
    int failed;
} reporter;

static void report(reporter *r, const char *check, int ok, const char *msg) {
    if (!ok)
        r->failed++;
    if (r->fn)
        r->fn(r->user, check, r->label, ok, msg);
}

/* The guard's message, when a call wrote past a buffer: it names the
 * cause of whatever the check found. */
static int guarded(lms_tk *t, reporter *r, const char *check) {
    if (!t->guard_err[0])
        return 0;
    report(r, check, 0, t->guard_err);
    return 1;
}

static int check_rows(lms_tk *t, reporter *r) {
    char msg[ERR];
    int kind = lms_tk_layer_desc(t->L)->kind;
    if (kind == LMS_KIND_AUX_LOSS || t->B < 2) {
        report(r, "rows", 1, "not applicable to this kind at this shape");
        return 0;
    }
    lms_tk_forward(t);
    size_t n1 = (size_t)t->T * t->out_cols;
    float *y2 = malloc(n1 * sizeof *y2);
    if (!y2) {
        report(r, "rows", 0, "out of memory");
        return -1;
    }
    memcpy(y2, t->y, n1 * sizeof *y2);
    lms_tk_forward_rows(t, 1);
    double d = lms_tk_max_abs_diff(y2, t->y, n1);
    free(y2);
    if (guarded(t, r, "rows"))
        return -1;
    int ok = d <= 1e-5;
    if (ok)
        snprintf(msg, sizeof msg,
                 "forward on %d rows equals the same rows of a %zu-row call",
                 t->T, t->rows);
    else
        snprintf(msg, sizeof msg,
                 "forward on %d rows differs from the same rows of a %zu-row "
                 "call by %g (does it use rows beyond the ones it is given?)",
                 t->T, t->rows, d);
    report(r, "rows", ok, msg);
    return ok ? 0 : -1;
}

/* Largest |v| over n floats (inf when one is not finite). */
static double max_abs(const float *v, size_t n) {
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m = isfinite(v[i]) ? fmax(m, fabs((double)v[i])) : INFINITY;
    return m;
}

/* backward twice without zeroing: dx and gradients must double */
static void check_accumulate(lms_tk *t, reporter *r) {
    char msg[ERR];
    size_t nx = t->rows * (size_t)t->in_cols, ny = t->rows * (size_t)t->out_cols;
    size_t np = t->n_params;
    float *a = malloc((nx + np + 1) * sizeof *a);
    if (!a) {
        report(r, "accumulate", 0, "out of memory");
        return;
    }
    lms_tk_fill(t->dy, ny, 77, -1.0f, 1.0f);
    lms_tk_forward(t);
    lms_tk_backward(t);
    memcpy(a, t->dx, nx * sizeof *a);
    memcpy(a + nx, t->grads, np * sizeof *a);
    lms_tk_forward(t);
    memcpy(t->dx, a, nx * sizeof *a); /* pre-filled with one backward */
    memcpy(t->grads, a + nx, np * sizeof *a);
    lms_tk_backward_acc(t);
    if (guarded(t, r, "accumulate")) {
        free(a);
        return;
    }
    double sx = max_abs(a, nx), sp = max_abs(a + nx, np);
    double dx = 0, dp = 0;
    for (size_t i = 0; i < nx; i++)
        dx = fmax(dx, fabs((double)t->dx[i] - 2.0 * a[i]));
    for (size_t i = 0; i < np; i++)
        dp = fmax(dp, fabs((double)t->grads[i] - 2.0 * a[nx + i]));
    free(a);
    if (!(dx <= 1e-5 * (sx + 1e-6)))
        snprintf(msg, sizeof msg,
                 "backward overwrites dx instead of adding to it (a second "
                 "backward should double dx; off by %g of %g)",
                 dx, sx);
    else if (!(dp <= 1e-5 * (sp + 1e-6)))
        snprintf(msg, sizeof msg,
                 "backward overwrites a parameter gradient instead of adding "
                 "to it (a second backward should double it; off by %g of %g)",
                 dp, sp);
    else {
        report(r, "accumulate", 1, "backward adds to dx and to every gradient");
        return;
    }
    report(r, "accumulate", 0, msg);
}

/* y, dx and gradients of one forward + backward at n threads into out */
static void run_at(lms_tk *t, int n, float *out) {
    size_t nx = t->rows * (size_t)t->in_cols, ny = t->rows * (size_t)t->out_cols;
    lms_tk_set_threads(n);
    lms_tk_fill(t->dy, ny, 78, -1.0f, 1.0f);
    lms_tk_forward(t);
    lms_tk_backward(t);
    memcpy(out, t->y, ny * sizeof *out);
    memcpy(out + ny, t->dx, nx * sizeof *out);
    memcpy(out + ny + nx, t->grads, t->n_params * sizeof *out);
}

static void check_determinism(lms_tk *t, int threads, reporter *r) {
    char msg[ERR];
    size_t n = t->rows * (size_t)(t->in_cols + t->out_cols) + t->n_params;
    float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b),
          *c = malloc(n * sizeof *c);
    int was = lms_get_threads();
    if (!a || !b || !c) {
        report(r, "determinism", 0, "out of memory");
        goto out;
    }
    run_at(t, 1, a);
    run_at(t, 1, b);
    run_at(t, threads, c);
    lms_tk_set_threads(was);
    if (guarded(t, r, "determinism"))
        goto out;
    if (memcmp(a, b, n * sizeof *a) != 0) {
        snprintf(msg, sizeof msg,
                 "two runs on the same input differ by %g (uninitialised "
                 "memory, or state kept between calls?)",
                 lms_tk_max_abs_diff(a, b, n));
        report(r, "determinism", 0, msg);
        goto out;
    }
    /* threads may split a sum differently: rounding, not more */
    double d = lms_tk_max_abs_diff(a, c, n), s = max_abs(a, n);
    if (!(d <= 1e-5 * (s + 1e-6))) {
        snprintf(msg, sizeof msg,
                 "1 and %d threads differ by %g (of %g): a race, or work "
                 "that depends on the thread count",
                 threads, d, s);
        report(r, "determinism", 0, msg);
        goto out;
    }
    snprintf(msg, sizeof msg,
             "repeated runs identical; 1 vs %d threads within %g%s", threads,
             d, d == 0 ? " (bit for bit)" : "");
    report(r, "determinism", 1, msg);
out:
    lms_tk_set_threads(was);
    free(a);
    free(b);
    free(c);
}

/* The numeric checks of one layer (plugin + children). */
static void check_numerics(lms_loader *ld, const char *name,
                           const lms_tk_check_opts *o,
                           const lms_tk_child *children, reporter *r) {
    char err[ERR];
    lms_model_info mi = lms_tk_model_small();
    lms_layer *L;
    if (lms_tk_layer_new(&L, ld, name, o->kvs, children, err, sizeof err)) {
        report(r, "plan", 0, err);
        return;
    }
    int kind = L->plugin->desc->kind, B, T, cols;
    shape_for(kind, &mi, &B, &T, &cols);
    lms_tk t;
    if (lms_tk_setup(&t, L, &mi, B, T, cols, err, sizeof err) != 0) {
        char msg[ERR + 64];
        snprintf(msg, sizeof msg, "plan at (%d, %d): %s", B * T, cols, err);
        report(r, "plan", 0, msg);
        return;
    }
    lms_tk_init_params(&t, 11);
    lms_tk_fill_input(&t, 12);
    check_rows(&t, r);
    int rc = lms_tk_gradcheck(&t, NULL, NULL, err, sizeof err);
    report(r, "gradient", rc == 0, err);
    if (!t.guard_err[0]) {
        check_accumulate(&t, r);
        check_determinism(&t, o->threads > 1 ? o->threads : 2, r);
    }
    if (t.guard)
        report(r, "guard", !t.guard_err[0],
               t.guard_err[0] ? t.guard_err
                              : "nothing written past the end of any buffer");
    lms_tk_free(&t);
}

/* A loadable plugin of `kind` on ld's search path, into out (or ""). */
typedef struct kind_find {
    int kind;
    char name[LMS_NAME_MAX];
} kind_find;

static void find_visit(void *user, const lms_plugin *p, const char *path,
                       const char *err) {
    kind_find *f = user;
    (void)path;
    (void)err;
    if (p && !f->name[0] && (int)p->desc->kind == f->kind)
        snprintf(f->name, sizeof f->name, "%s", p->name);
}

int lms_tk_check_plugin(lms_loader *ld, const char *name,
                        const lms_tk_check_opts *oin, lms_tk_report_fn fn,
                        void *user) {
    lms_tk_check_opts o = {0};
    if (oin)
        o = *oin;
    reporter r = {fn, user, "", 0};
    char err[ERR];
    const lms_plugin *p;
    if (lms_loader_get(ld, name, &p, err, sizeof err) != 0) {
        report(&r, "load", 0, err);
        return r.failed;
    }
    if (!o.numerics_only) {
        report(&r, "descriptor",
               lms_tk_check_descriptor(ld, name, err, sizeof err) == 0, err);
        if (r.failed)
            return r.failed; /* nothing else can be trusted */
        report(&r, "keys", lms_tk_check_keys(ld, name, err, sizeof err) == 0,
               err);
    }
    check_numerics(ld, name, &o, NULL, &r);
    if (!o.fill_slots)
        return r.failed;

    const lms_slot *s = p->desc->slots;
    int nslots = 0;
    while (s && s[nslots].name)
        nslots++;
    lms_tk_child all[nslots + 1];
    int nall = 0;
    char labels[nslots + 1][96];
    for (int i = 0; i < nslots; i++) {
        kind_find f = {(int)s[i].kind, ""};
        lms_loader_scan(ld, find_visit, &f);
        if (!f.name[0])
            continue;
        /* the name must outlive the children array: keep it in labels */
        snprintf(labels[i], sizeof labels[i], "%s", f.name);
        lms_tk_child one[2] = {{s[i].name, labels[i], NULL},
                               {NULL, NULL, NULL}};
        char label[128];
        snprintf(label, sizeof label, "+%s=%s", s[i].name, f.name);
        r.label = label;
        check_numerics(ld, name, &o, one, &r);
        all[nall++] = one[0];
    }
    if (nall > 1) {
        all[nall] = (lms_tk_child){NULL, NULL, NULL};
        r.label = "+all slots";
        check_numerics(ld, name, &o, all, &r);
    }
    return r.failed;
}

/* ---- discovery ----------------------------------------------------------- */

typedef struct scan_ctx {
    const char *dir;
    lms_tk_found_fn fn;
    void *user;
    int n;
} scan_ctx;

static int in_dir(const char *path, const char *dir) {
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && path[n] == '/';
}

static void scan_visit(void *user, const lms_plugin *p, const char *path,
                       const char *err) {
    scan_ctx *c = user;
    if (p && !in_dir(p->path, c->dir))
        return; /* an installed or LMSTAB_PLUGIN_PATH plugin: not ours */
    if (!p && !strstr(err, c->dir))
        return;
    c->n++;
    c->fn(c->user, p ? p->name : path, p ? (int)p->desc->kind : 0,
          err ? err : "");
}

int lms_tk_scan_dir(const char *dir, lms_tk_found_fn fn, void *user) {
    lms_loader *ld = lms_loader_new(dir);
    if (!ld)
        return -1;
    scan_ctx c = {dir, fn, user, 0};
    lms_loader_scan(ld, scan_visit, &c);
    lms_loader_free(ld);
    return c.n;
}
