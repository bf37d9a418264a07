/*
 * lmstab linear-layer helpers — optional, header-only, for plugins of kind
 * LMS_KIND_LINEAR that take the keys of `linear` (out_mult, out, bias,
 * init_std, residual_init) and declare its weight (out, in) and bias (out),
 * e.g. `linear` itself and `sigma_reparam`, which adds parameters after
 * them.
 *
 * Typical use:
 *
 *   typedef struct my { const lms_host *host; lms_linear_cfg cfg;
 *                       int iw, ib; } my;
 *
 *   static const lms_key my_keys[] = {LMS_LINEAR_KEYS,
 *                                     LMS_KEYS_END};
 *   static int my_set(void *self, const char *key, const char *value,
 *                     char *err, size_t errlen) {
 *       return lms_linear_set(&((my *)self)->cfg, key, value, err, errlen);
 *   }
 *   plan:  int out = lms_linear_plan(&s->cfg, model, plan, &s->iw, &s->ib,
 *                                    err, errlen);
 *          if (out < 0) return -1;
 */
#ifndef LMSTAB_PLUGIN_LINEAR_H
#define LMSTAB_PLUGIN_LINEAR_H

#include <stddef.h>
#include <stdio.h>

#include "lmstab/plugin.h"
#include "lmstab/plugin_util.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The configuration the keys set (defaults in LMS_LINEAR_KEYS). */
typedef struct lms_linear_cfg {
    int out_mult;      /* output width = out_mult * d_model ... */
    int out;           /* ... unless out > 0 */
    int bias;          /* 1: declare and add a bias */
    float init_std;    /* weights start as N(0, init_std) */
    int residual_init; /* 1: LMS_INIT_NORMAL_RESIDUAL instead of NORMAL */
} lms_linear_cfg;

/* The largest output width; larger ones are refused at set or plan. */
#define LMS_LINEAR_MAX_OUT (1 << 24)

/* The lms_key entries of the keys above, in this order; end the plugin's
 * table with LMS_KEYS_END after them (or after keys of its own). Their
 * offsets are within lms_linear_cfg: give lms_linear_set the plugin's
 * lms_linear_cfg member. The upper limits of the widths are sanity caps,
 * not named in messages. */
/* clang-format off */
#define LMS_LINEAR_KEYS                                                      \
    {"out_mult", LMS_VALUE_INT, "1",                                         \
     "output width = out_mult * d_model, unless out is set",                 \
     offsetof(lms_linear_cfg, out_mult), LMS_GE | LMS_LE, 1, 1 << 16,        \
     "an integer >= 1", NULL},                                               \
    {"out", LMS_VALUE_INT, "0", "absolute output width; 0 = use out_mult",   \
     offsetof(lms_linear_cfg, out), LMS_GE | LMS_LE, 0, LMS_LINEAR_MAX_OUT,  \
     "an integer >= 0 (0 = use out_mult)", NULL},                            \
    {"bias", LMS_VALUE_BOOL, "true", "add a learned bias",                   \
     offsetof(lms_linear_cfg, bias), 0, 0, 0, NULL, NULL},                   \
    {"init_std", LMS_VALUE_FLOAT, "0.02", "weights start as N(0, init_std)", \
     offsetof(lms_linear_cfg, init_std), LMS_GT, 0, 0, NULL, NULL},          \
    {"residual_init", LMS_VALUE_BOOL, "false",                               \
     "scale init_std by 1/sqrt(2*n_layer) (GPT-2 residual projections)",     \
     offsetof(lms_linear_cfg, residual_init), 0, 0, 0, NULL, NULL}
/* clang-format on */

/* A set() for the keys above on c: 0, or -1 with the standard message
 * ("must be an integer >= 1 (got '0')", "unknown key 'x'") in err and c
 * untouched. */
static inline int lms_linear_set(lms_linear_cfg *c, const char *key,
                                 const char *value, char *err, size_t errlen) {
    static const lms_key keys[] = {LMS_LINEAR_KEYS, LMS_KEYS_END};
    return lms_keys_set(c, keys, key, value, err, errlen);
}

/*
 * The start of plan(): resolves the output width (out, else out_mult *
 * d_model), sets plan->out_cols to it and declares "weight" (out, in)
 * (NORMAL or NORMAL_RESIDUAL with init_std) and, when c->bias, "bias" (out)
 * (zeros). *iw, *ib receive their indices (*ib = -1 without bias); the
 * plugin may declare more parameters after them.
 * Returns the output width, or -1 with a message in err.
 */
static inline int lms_linear_plan(const lms_linear_cfg *c,
                                  const lms_model_info *model, lms_plan *plan,
                                  int *iw, int *ib, char *err, size_t errlen) {
    long out = c->out > 0 ? c->out : (long)c->out_mult * model->d_model;
    if (out <= 0 || out > LMS_LINEAR_MAX_OUT) {
        snprintf(err, errlen,
                 "output width %ld is invalid (out_mult = %d, d_model = %d); "
                 "set out or out_mult",
                 out, c->out_mult, model->d_model);
        return -1;
    }
    plan->out_cols = (int)out;
    *iw = lms_plan_add_param(plan, "weight", 2, (int)out, plan->in_cols,
                             c->residual_init ? LMS_INIT_NORMAL_RESIDUAL
                                              : LMS_INIT_NORMAL,
                             c->init_std);
    *ib = c->bias ? lms_plan_add_param(plan, "bias", 1, (int)out, 0,
                                       LMS_INIT_ZEROS, 0.0f)
                  : -1;
    if (*iw < 0 || (c->bias && *ib < 0)) {
        snprintf(err, errlen, "too many parameters");
        return -1;
    }
    return (int)out;
}

#ifdef __cplusplus
}
#endif
#endif /* LMSTAB_PLUGIN_LINEAR_H */
