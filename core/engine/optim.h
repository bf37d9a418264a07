/*
 * AdamW with PyTorch semantics and the learning-rate schedule.
 * Per parameter at step t (1-based):
 *   p -= lr*wd*p (only tensors flagged for decay)
 *   m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g^2
 *   p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)
 */
#ifndef LMSTAB_OPTIM_H
#define LMSTAB_OPTIM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lms_adamw {
    float beta1, beta2, eps, weight_decay;
} lms_adamw;

/* One AdamW step over n floats. decay: apply weight decay to this tensor. */
void lms_adamw_update(const lms_adamw *o, float *p, const float *g, float *m,
                      float *v, size_t n, float lr, int t, int decay);

/* Global L2 norm of a gradient arena (double accumulation). */
double lms_grad_norm(const float *g, size_t n);
/* PyTorch clip_grad_norm_: scale = max_norm/(norm+1e-6) when < 1; scales g in
 * place and returns the scale used (1 when no clipping; max_norm <= 0 off). */
float lms_clip_grads(float *g, size_t n, double norm, float max_norm);

typedef enum lms_sched_kind {
    LMS_SCHED_COSINE = 0, /* linear warmup, cosine to min_lr_ratio*lr */
    LMS_SCHED_CONSTANT = 1,
    LMS_SCHED_LINEAR = 2  /* linear warmup, linear decay to min_lr_ratio*lr */
} lms_sched_kind;

typedef struct lms_schedule {
    lms_sched_kind kind;
    float lr;
    int warmup_steps;
    int max_steps;
    float min_lr_ratio; /* 0.1 by default */
} lms_schedule;

/* LR for step (0-based): warmup (step+1)/warmup*lr, then decay. */
float lms_schedule_lr(const lms_schedule *s, int step);

#ifdef __cplusplus
}
#endif
#endif
