/* One guarded plugin call: staging, zones, the check (guard_call.h). */
#include <stdint.h>
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/guard.h"
#include "engine/guard_call.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define ASAN 1
#else
#define ASAN 0
#endif

#define ALIGN_FLOATS 16 /* 64 bytes: a copy keeps its address mod this */
/* buffers per staged call besides the layers' own: y/dx/stats */
#define CALL_ZONES 4

/* A buffer watched during the call: [buf, buf + used) is the call's; the
 * guard is [buf + used, buf + cap + LMS_GUARD_FLOATS). Staged buffers also
 * know where they came from and the pointers to point back. */
typedef struct zone {
    char what[200];
    float *buf;
    size_t used, cap;
    float *orig;      /* staged: the real buffer (NULL: an arena zone) */
    float **slot[2];  /* the pointers that were redirected to buf */
    int nslots;
} zone;

struct lms_guard_stage {
    float *arena;
    size_t n, cursor;
    zone *z; /* [maxz]: the zones of the largest layer, CALL_ZONES more */
    int nz, maxz;
    const lms_layer *layer;
    const char *op, *pass;
};

/* The call in progress, for the ASan error hook (one at a time: calls
 * are never nested, children run inside their parent's call). */
static lms_guard_stage *g_current;

static size_t staged_floats(size_t n) {
    return n + ALIGN_FLOATS + LMS_GUARD_FLOATS;
}

size_t lms_guard_stage_floats(const lms_layer *L) {
    size_t n = staged_floats(L->plan.cache_floats) +
               staged_floats(L->plan.scratch_floats);
    for (int i = 0; i < L->plan.n_params; i++)
        n += 2 * staged_floats(L->param_numel[i]);
    for (int i = 0; i < L->n_slots; i++)
        if (L->children[i])
            n += lms_guard_stage_floats(L->children[i]);
    return n;
}

/* Buffers a staged call of L watches: parameters and gradients, cache
 * and scratch of L and of its children. */
static int layer_zones(const lms_layer *L) {
    int n = 2 * L->plan.n_params + 2;
    for (int i = 0; i < L->n_slots; i++)
        if (L->children[i])
            n += layer_zones(L->children[i]);
    return n;
}

lms_guard_stage *lms_guard_stage_new(size_t n) {
    lms_guard_stage *g = calloc(1, sizeof *g);
    if (!g || !(g->arena = malloc((n ? n : 1) * sizeof(float)))) {
        free(g);
        return NULL;
    }
    g->n = n;
    return g;
}

void lms_guard_stage_free(lms_guard_stage *g) {
    if (!g)
        return;
    lms_guard_release(g->arena, g->n);
    free(g->arena);
    free(g->z);
    free(g);
}

/* Copy *s0 (n floats) into the arena, point s0 (and s1) at the copy. */
static void stage(lms_guard_stage *g, float **s0, float **s1, size_t n,
                  const char *what) {
    zone *z = &g->z[g->nz++];
    float *orig = *s0;
    size_t want = ((uintptr_t)orig / sizeof(float)) % ALIGN_FLOATS;
    size_t have = ((uintptr_t)(g->arena + g->cursor) / sizeof(float)) %
                  ALIGN_FLOATS;
    size_t at = g->cursor + (want + ALIGN_FLOATS - have) % ALIGN_FLOATS;
    *z = (zone){.buf = g->arena + at, .used = n, .cap = n, .orig = orig,
                .slot = {s0, s1}, .nslots = s1 ? 2 : 1};
    snprintf(z->what, sizeof z->what, "%s", what);
    g->cursor = at + n + LMS_GUARD_FLOATS;
    if (n)
        memcpy(z->buf, orig, n * sizeof(float));
    lms_guard_fill(z->buf + n, LMS_GUARD_FLOATS);
    for (int i = 0; i < z->nslots; i++)
        *z->slot[i] = z->buf;
}

/* Stage L's buffers; as child k of P they are named as its child's. */
static void stage_layer(lms_guard_stage *g, lms_layer *L, lms_layer *P,
                        int k) {
    char of[100] = "", what[200];
    if (P)
        snprintf(of, sizeof of, " of its child '%s' (plugin '%s')",
                 P->plugin->desc->slots[k].name, L->plugin->desc->name);
    const char *its = P ? "the" : "its";
    for (int i = 0; i < L->plan.n_params; i++) {
        const char *p = L->plan.params[i].name;
        snprintf(what, sizeof what, "%s parameter '%s'%s", its, p, of);
        stage(g, &L->w[i], NULL, L->param_numel[i], what);
        snprintf(what, sizeof what, "the gradient of %s parameter '%s'%s",
                 its, p, of);
        stage(g, &L->dw[i], NULL, L->param_numel[i], what);
    }
    snprintf(what, sizeof what, "%s cache%s", its, of);
    stage(g, &L->cache, P ? &P->child_args[k].cache : NULL,
          L->plan.cache_floats, what);
    snprintf(what, sizeof what, "%s scratch%s", its, of);
    stage(g, &L->scratch, P ? &P->child_args[k].scratch : NULL,
          L->plan.scratch_floats, what);
    for (int i = 0; i < L->n_slots; i++)
        if (L->children[i])
            stage_layer(g, L->children[i], L, i);
}

void lms_guard_call_begin(lms_guard_stage *g, lms_layer *L, const char *op,
                          const char *pass) {
    lms_guard_release(g->arena, g->n); /* ASan: last call's guards */
    g->cursor = 0;
    g->nz = 0;
    int need = layer_zones(L) + CALL_ZONES;
    if (need > g->maxz) { /* a debugging mode: a few KiB, once per size */
        zone *z = realloc(g->z, (size_t)need * sizeof *z);
        if (!z) {
            fputs("lmstab: out of memory (LMSTAB_GUARD zones)\n", stderr);
            abort();
        }
        g->z = z;
        g->maxz = need;
    }
    g->layer = L;
    g->op = op;
    g->pass = pass;
    stage_layer(g, L, NULL, 0);
    g_current = g;
}

void lms_guard_call_zone(lms_guard_stage *g, const char *what, float *buf,
                         size_t used, size_t cap) {
    assert(g->nz < g->maxz);
    zone *z = &g->z[g->nz++];
    *z = (zone){.buf = buf, .used = used, .cap = cap};
    snprintf(z->what, sizeof z->what, "%s", what);
    lms_guard_open(buf, used, cap);
}

static void describe(const lms_guard_stage *g, const zone *z, size_t past,
                     char *msg, size_t msglen) {
    snprintf(msg, msglen, "plugin '%s' (op '%s', %s) wrote past the end of "
             "%s: %zu floats past its %zu (LMSTAB_GUARD)",
             g->layer->plugin->desc->name, g->op, g->pass, z->what, past,
             z->used);
}

int lms_guard_call_end(lms_guard_stage *g, char *msg, size_t msglen) {
    int bad = 0;
    for (int i = 0; i < g->nz; i++) {
        zone *z = &g->z[i];
        size_t past;
        if (lms_guard_close(z->buf, z->used, z->cap, &past) && !bad) {
            describe(g, z, past, msg, msglen);
            bad = 1;
        }
        if (!z->orig)
            continue;
        if (z->used)
            memcpy(z->orig, z->buf, z->used * sizeof(float));
        for (int s = 0; s < z->nslots; s++)
            *z->slot[s] = z->orig;
    }
    g_current = NULL;
    return bad;
}

#if ASAN
/* Called by ASan as it starts a report: when the bad address is in a
 * guard of the call in progress, say whose and which buffer first. */
void __asan_on_error(void);
void __asan_on_error(void) {
    lms_guard_stage *g = g_current;
    if (!g)
        return;
    const char *a = __asan_get_report_address();
    for (int i = 0; i < g->nz; i++) {
        const zone *z = &g->z[i];
        const char *lo = (const char *)(z->buf + z->used);
        const char *hi = (const char *)(z->buf + z->cap + LMS_GUARD_FLOATS);
        if (a >= lo && a < hi) {
            char msg[400];
            describe(g, z, (size_t)(a - lo) / sizeof(float), msg, sizeof msg);
            fprintf(stderr, "LMSTAB_GUARD: %s\n", msg);
            return;
        }
    }
}
#endif
