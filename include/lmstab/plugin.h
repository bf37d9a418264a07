/*
 * lmstab layer ABI — the only header a plugin needs.
 *
 * A plugin is a shared object `lms_<name>.so` that exports exactly one symbol,
 * LMS_PLUGIN_ENTRY_SYMBOL ("lms_plugin_entry"). The core calls it with its ABI
 * major version; the plugin returns a pointer to a static descriptor, or NULL
 * if it cannot serve that major version.
 *
 * Life cycle of one layer instance (the core drives it, single-threaded):
 *
 *   create(host)          allocate the instance's private state (config only)
 *   set(key, value)*      once per INI key, keys already checked against
 *                         desc->keys; the plugin validates the value
 *   plan(model, plan)     input shape in, output shape + parameter
 *                         declarations + cache/scratch sizes + child shapes out
 *   forward/backward*     many times, on core-owned buffers
 *   destroy               free private state (accepts NULL)
 *
 * Buffers: the core owns every buffer (activations, parameters, gradients,
 * caches, scratch) and sizes them from the plan. forward overwrites its output
 * and its cache; backward ACCUMULATES into dx and every dparam (`+=`).
 * forward/backward never allocate, print or do I/O, and return nothing: they
 * cannot fail once plan succeeded.
 *
 * Versioning (ABI 2.0): every struct that crosses the boundary carries its
 * size first (`size`, filled by whoever creates it: sizeof as that side was
 * compiled), and structs only grow at the end, so either side can tell an
 * older struct and read only the fields it has (LMS_HAS below). A minor bump
 * adds fields or host functions, a major bump breaks. The core refuses a
 * plugin of another major, and one of a newer minor than its own (it would
 * read fields this core does not fill). There are no fixed ceilings: a
 * plugin states how many parameters and stats it may declare (descriptor
 * max_params, max_stats), and the number of child slots is the length of
 * its slot list.
 *
 * Shapes: activations are row-major (rows, cols) with rows = B*T tokens,
 * unless a parent plugin invokes a child with its own row layout.
 */
#ifndef LMSTAB_PLUGIN_H
#define LMSTAB_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LMS_ABI_MAJOR 2
#define LMS_ABI_MINOR 0

#define LMS_PLUGIN_ENTRY_SYMBOL "lms_plugin_entry"
#define LMS_NAME_MAX 32      /* plugin, parameter and stat names incl. NUL */
#define LMS_ERR_MAX 256      /* size of error buffers handed to plugins */

/* Whether the struct *p (with a leading `size_t size`) has the field f:
 * false for a struct built by an older side, before f existed. */
#define LMS_HAS(p, f)                                                          \
    ((p)->size >= offsetof(__typeof__(*(p)), f) + sizeof((p)->f))

#if defined(__GNUC__)
#define LMS_EXPORT __attribute__((visibility("default")))
#else
#define LMS_EXPORT
#endif

/* What a plugin is for; the core checks that an INI slot gets the kind it
 * expects (a block op may be any of the first four). */
typedef enum lms_kind {
    LMS_KIND_NORM = 1,       /* (rows, C) -> (rows, C) */
    LMS_KIND_LINEAR = 2,     /* (rows, C) -> (rows, C_out) */
    LMS_KIND_ACTIVATION = 3, /* elementwise (rows, C) -> (rows, C) */
    LMS_KIND_ATTENTION = 4,  /* (rows, 3*d_model) fused qkv -> (rows, d_model) */
    LMS_KIND_SCORE_MAP = 5,  /* elementwise map on attention scores or logits */
    LMS_KIND_PROB_MAP = 6,   /* elementwise map on attention probabilities */
    LMS_KIND_AUX_LOSS = 7    /* reserved: extra loss term on the logits */
} lms_kind;

/* Parameter initialisation, applied by the core with its seeded generator. */
typedef enum lms_init {
    LMS_INIT_ZEROS = 0,
    LMS_INIT_ONES = 1,
    LMS_INIT_NORMAL = 2,          /* N(0, std) */
    LMS_INIT_NORMAL_RESIDUAL = 3, /* N(0, std / sqrt(2 * n_layer)) (GPT-2) */
    LMS_INIT_CONSTANT = 4         /* every element = std */
} lms_init;

typedef enum lms_value_type {
    LMS_VALUE_INT = 1,
    LMS_VALUE_FLOAT = 2,
    LMS_VALUE_BOOL = 3,
    LMS_VALUE_STRING = 4
} lms_value_type;

/* Bounds of a numeric key (lms_key.bounds): one lower and one upper, or
 * either, or none (0). */
#define LMS_GE 0x1u /* value >= min */
#define LMS_GT 0x2u /* value >  min */
#define LMS_LE 0x4u /* value <= max */
#define LMS_LT 0x8u /* value <  max */

/*
 * An accepted INI key, declared once: listed by `lmstab plugins` and
 * docs/keys.md (type, default, valid values, help), named in errors, and
 * parsed by plugin_util.h's lms_keys_set from the same entry. The core's
 * own keys ([model], [training], ...) are declared with it too.
 * Tables end with LMS_KEYS_END. Valid values: `expect` when set, else the
 * text made from type and bounds ("a finite number > 0", "an integer >= 1
 * and <= 64", "true or false").
 */
typedef struct lms_key {
    const char *name;
    lms_value_type type;       /* INT and BOOL: an int member; FLOAT: a float
                                  member (the core's own keys: long, double) */
    const char *default_value; /* as written in an INI file */
    const char *help;          /* one line: what the key means */
    size_t offset;             /* offsetof(the plugin's state, its member):
                                  where lms_keys_set stores the value; the
                                  plugin's own business, never read by the
                                  core */
    unsigned bounds;           /* LMS_GE / LMS_GT with min, LMS_LE / LMS_LT
                                  with max, or 0 */
    double min, max;
    const char *expect;        /* NULL, or what is valid, when type and bounds
                                  do not say it ("an integer >= 1 or
                                  'heads'") */
    const char *why;           /* NULL, or appended to the error message
                                  ("; a positive gamma would ...") */
} lms_key;

/* The end of an lms_key table. */
#define LMS_KEYS_END {0}

/* A child slot, e.g. attention's "q_norm" (kind NORM) or "score_cap". */
typedef struct lms_slot {
    const char *name;
    lms_kind kind;
    const char *help;
} lms_slot;

/* Model-wide dimensions, given to plan. */
typedef struct lms_model_info {
    size_t size; /* sizeof(lms_model_info) of the core */
    int d_model;
    int n_head;
    int n_layer;
    int context; /* max T */
    int batch;   /* max B */
    int vocab;
    int layer;   /* index of the block this instance belongs to, -1 outside */
} lms_model_info;

/* A parameter tensor the plugin asks the core to own. Written by the plugin
 * (use lms_plan_add_param, which sets size). */
typedef struct lms_param_decl {
    size_t size;             /* sizeof(lms_param_decl) of the plugin */
    char name[LMS_NAME_MAX]; /* "weight", "bias", ...; unique per layer */
    int ndim;                /* 1 or 2; weight decay applies when ndim >= 2 */
    int shape[2];
    lms_init init;
    float std;               /* for NORMAL / NORMAL_RESIDUAL / CONSTANT */
    int buffer;              /* 1: state the plugin updates itself (e.g. a
                                power-iteration vector): saved in checkpoints,
                                never trained, its gradient stays 0 */
} lms_param_decl;

/*
 * Filled by plan. The core sets size, in_rows, in_cols, the slot arrays and
 * the capacities; the plugin sets everything else it uses (the core zeroes
 * the struct and its arrays first). Arrays are the core's, valid during
 * plan: params holds max_params declarations (the descriptor's), stat_names
 * max_stats names, child_present/child_rows/child_cols one entry per slot
 * of the descriptor's slot list (n_slots).
 * Cache floats are saved from forward for backward, per call; scratch floats
 * are temporary and may be reused by other layers between calls.
 */
typedef struct lms_plan {
    size_t size; /* sizeof(lms_plan) of the core */
    /* in (core) */
    size_t in_rows;
    int in_cols;
    int n_slots;              /* entries of the child_* arrays */
    const int *child_present; /* [n_slots] 1: a child is attached */
    int max_params;           /* capacity of params (desc->max_params) */
    int max_stats;            /* capacity of stat_names (desc->max_stats) */
    /* out (plugin) */
    int out_cols;
    int n_params;
    lms_param_decl *params;   /* [max_params]; lms_plan_add_param fills it */
    size_t cache_floats;
    size_t scratch_floats;
    size_t *child_rows;       /* [n_slots] shape the child will be run at */
    int *child_cols;          /* [n_slots] */
    int n_stats;
    char (*stat_names)[LMS_NAME_MAX]; /* [max_stats] */
} lms_plan;

struct lms_child;

/* Arguments of one forward call. Pointers are core-owned and valid for the
 * call only. rows <= planned in_rows. Built by the core, or by a parent
 * plugin for its child (lms_child_forward): check LMS_HAS before reading a
 * field newer than 2.0. */
typedef struct lms_fwd {
    size_t size;           /* sizeof(lms_fwd) of the side that built it */
    float *y;              /* (rows, out_cols) output, overwritten */
    const float *x;        /* (rows, in_cols) input */
    float *const *w;       /* parameters in declaration order */
    float *cache;          /* cache_floats */
    float *scratch;        /* scratch_floats */
    size_t rows;
    int B, T;              /* rows == B*T for block ops */
    const struct lms_child *const *children; /* [n_children] by slot index;
                              NULL for an empty slot (and for a child) */
    int n_children;        /* the descriptor's slots (0 for a child) */
    float *stats;          /* [n_stats] to fill, or NULL when not wanted */
    int training;          /* 1 in a training step, 0 in evaluation/tests:
                              state updates (power iteration) only when 1 */
} lms_fwd;

/* Arguments of one backward call: accumulate into dx and dw. */
typedef struct lms_bwd {
    size_t size;           /* sizeof(lms_bwd) of the side that built it */
    float *dx;             /* (rows, in_cols) += */
    const float *dy;       /* (rows, out_cols) */
    const float *x;        /* the forward input */
    const float *y;        /* the forward output */
    float *const *w;
    float *const *dw;      /* gradients in declaration order, += */
    float *cache;          /* as left by forward (may be reused as work) */
    float *scratch;
    size_t rows;
    int B, T;
    const struct lms_child *const *children; /* as in lms_fwd */
    int n_children;
} lms_bwd;

struct lms_descriptor;

/* A planned child instance, handed to its parent in every call. */
typedef struct lms_child {
    size_t size;                       /* sizeof(lms_child) of the core */
    const struct lms_descriptor *desc;
    void *self;
    float *const *w;
    float *const *dw;
    float *cache;
    float *scratch;
    int training; /* the parent's mode, passed on by lms_child_forward */
} lms_child;

/* The arithmetic of the model's matrix products ([training] precision),
 * fixed before plan and for the life of every instance:
 *   FP32  float32 operands, float32 accumulation (host->sgemm)
 *   BF16  both operands rounded to bfloat16 (round to nearest even), float32
 *         accumulation, float32 result; everything else stays float32 */
typedef enum lms_precision {
    LMS_PRECISION_FP32 = 0,
    LMS_PRECISION_BF16 = 1
} lms_precision;

/* A piece of a loop: items [lo, hi) of a parallel_for. */
typedef void (*lms_range_fn)(void *ctx, size_t lo, size_t hi);

/*
 * Services of the core, passed at create (append-only; check size, or use
 * the helpers of plugin_util.h, which do).
 * sgemm is row-major: C = alpha * op(A) op(B) + beta * C, op(A) is MxK,
 * op(B) is KxN, trans flags 0/1; lda/ldb/ldc are row strides. With several
 * threads the core splits large products over them (never the k sum).
 */
typedef struct lms_host {
    size_t size; /* sizeof(lms_host) of the core: LMS_HAS(host, f) */
    int abi_major, abi_minor;
    void (*sgemm)(int trans_a, int trans_b, int m, int n, int k, float alpha,
                  const float *a, int lda, const float *b, int ldb, float beta,
                  float *c, int ldc);
    /* A diagnostic line (level 0 info, 1 warning), without a newline;
     * create/set/plan only. Call it as host->log(host->log_ctx, level, msg)
     * (plugin_util.h: lms_logf formats one). */
    void (*log)(void *ctx, int level, const char *msg);
    void *log_ctx;
    /* Threads of the numeric work (lmstab's --threads /
     * LMSTAB_THREADS; 1 by default). */
    int (*threads)(void);
    /* Calls fn(ctx, lo, hi) once for each chunk [lo, hi) of
     * `grain` items (the last may be shorter) covering [0, n), on the
     * host's threads, possibly at the same time; serially inside an
     * already parallel region. The chunks never depend on the thread count,
     * so a plugin that writes disjoint outputs per chunk (or per-chunk
     * partial sums that it adds in chunk order) gets the same result with
     * any number of threads. Forward/backward only. */
    void (*parallel_for)(size_t n, size_t grain, lms_range_fn fn, void *ctx);
    /* The run's lms_precision (the same from create to destroy).
     * A plugin that multiplies matrices with its own kernels rounds their
     * operands itself at BF16 (plugin_math.h: lms_bf16_round). */
    int (*precision)(void);
    /* A model product at the run's precision: sgemm's arguments
     * and result; at BF16 every element of op(A) and op(B) is rounded to
     * bfloat16 first (alpha, beta and the sum stay float32). Use it for
     * every product of activations, weights and incoming gradients, and
     * sgemm only for products that are not part of the model's arithmetic
     * (e.g. a power iteration). Thread count never changes a result. */
    void (*matmul)(int trans_a, int trans_b, int m, int n, int k, float alpha,
                   const float *a, int lda, const float *b, int ldb,
                   float beta, float *c, int ldc);
} lms_host;

/* Hook signatures. err/errlen: a human message ("what is wrong", the core
 * adds the place) when the hook returns non-zero. */
typedef void *(*lms_create_fn)(const lms_host *host, char *err, size_t errlen);
typedef int (*lms_set_fn)(void *self, const char *key, const char *value,
                          char *err, size_t errlen);
typedef int (*lms_plan_fn)(void *self, const lms_model_info *model,
                           lms_plan *plan, char *err, size_t errlen);
typedef void (*lms_forward_fn)(void *self, const lms_fwd *a);
typedef void (*lms_backward_fn)(void *self, const lms_bwd *a);
typedef void (*lms_destroy_fn)(void *self);

typedef struct lms_descriptor {
    int abi_major, abi_minor;  /* these two first in every major */
    size_t size;               /* sizeof(lms_descriptor) the plugin was built with */
    const char *name;          /* equals the file stem: lms_<name>.so */
    lms_kind kind;
    const char *version;       /* the plugin's own version, e.g. "1.0.0" */
    const char *summary;       /* one line */
    const lms_key *keys;       /* terminated by LMS_KEYS_END */
    const lms_slot *slots;     /* terminated by {NULL}; may be NULL */
    lms_create_fn create;
    lms_set_fn set;
    lms_plan_fn plan;
    lms_forward_fn forward;
    lms_backward_fn backward;
    lms_destroy_fn destroy;
    int max_params;            /* most parameters plan declares (>= 0) */
    int max_stats;             /* most stats plan reports (>= 0) */
} lms_descriptor;

typedef const lms_descriptor *(*lms_entry_fn)(int core_abi_major);

/* Declare the entry of a plugin: LMS_PLUGIN_ENTRY(&my_descriptor); */
#define LMS_PLUGIN_ENTRY(desc_ptr)                                           \
    LMS_EXPORT const lms_descriptor *lms_plugin_entry(int core_abi_major);  \
    LMS_EXPORT const lms_descriptor *lms_plugin_entry(int core_abi_major) { \
        return core_abi_major == LMS_ABI_MAJOR ? (desc_ptr) : NULL;          \
    }

/* Declare a parameter in plan (returns its index, or -1 when the plan is
 * full: more than the descriptor's max_params). Prefer this to struct
 * literals: it sets size and keeps compiling when lms_param_decl grows. */
static inline int lms_plan_add_param(lms_plan *p, const char *name, int ndim,
                                     int s0, int s1, lms_init init,
                                     float std) {
    if (p->n_params < 0 || p->n_params >= p->max_params || !p->params)
        return -1;
    lms_param_decl *d = &p->params[p->n_params];
    d->size = sizeof *d;
    size_t i = 0;
    for (; name[i] && i + 1 < LMS_NAME_MAX; i++)
        d->name[i] = name[i];
    d->name[i] = '\0';
    d->ndim = ndim;
    d->shape[0] = s0;
    d->shape[1] = ndim > 1 ? s1 : 1;
    d->init = init;
    d->std = std;
    d->buffer = 0;
    return p->n_params++;
}

/* Run a child over `rows` rows of its planned layout (parents call these). */
static inline void lms_child_forward(const lms_child *c, float *y,
                                     const float *x, size_t rows, int B,
                                     int T) {
    lms_fwd a = {sizeof a, y, x, c->w, c->cache, c->scratch, rows, B, T,
                 NULL, 0, NULL, c->training};
    c->desc->forward(c->self, &a);
}

static inline void lms_child_backward(const lms_child *c, float *dx,
                                      const float *dy, const float *x,
                                      const float *y, size_t rows, int B,
                                      int T) {
    lms_bwd a = {sizeof a, dx, dy, x, y, c->w, c->dw, c->cache, c->scratch,
                 rows, B, T, NULL, 0};
    c->desc->backward(c->self, &a);
}

#ifdef __cplusplus
}
#endif
#endif /* LMSTAB_PLUGIN_H */
