/* AdamW (PyTorch 1.13 `_single_tensor_adamw` semantics), gradient clipping
 * (`torch.nn.utils.clip_grad_norm_`) and the learning-rate schedule.
 * Element-wise math is float32 like PyTorch on CPU; scalars that PyTorch
 * computes as Python floats (bias corrections, step size) are computed in
 * double and rounded once to float. */
#include <math.h>

#include "engine/optim.h"
#include "kernels/parallel.h"

/* One AdamW step (t is 1-based) over n floats, in place on p, m, v.
 * PyTorch order: decay, first moment, second moment, then
 * p += -step_size * m / (sqrt(v) / sqrt(1 - b2^t) + eps). g is read only.
 * decay != 0 applies the decoupled weight decay p *= 1 - lr*wd. */
/* The element loop over [0, n): vectorized (sqrt and division are IEEE
 * exact in any width, and -fno-math-errno lets sqrtf inline), so the
 * result is the same in every clone and for every split. */
typedef struct adamw_k {
    float b1, b2, one_m_b1, one_m_b2, step_size, bc2_sqrt, eps, keep;
} adamw_k;

LMS_HOT static void adamw_range(const adamw_k *k, float *restrict p,
                                const float *restrict g, float *restrict m,
                                float *restrict v, size_t n) {
    const adamw_k c = *k;
    for (size_t i = 0; i < n; i++) {
        float pi = p[i] * c.keep, gi = g[i]; /* keep = 1: no decay, exact */
        float mi = m[i] * c.b1 + c.one_m_b1 * gi;
        float vi = v[i] * c.b2 + c.one_m_b2 * gi * gi;
        float denom = sqrtf(vi) / c.bc2_sqrt + c.eps;
        p[i] = pi + (-c.step_size * mi) / denom; /* addcdiv order */
        m[i] = mi;
        v[i] = vi;
    }
}

void lms_adamw_update(const lms_adamw *o, float *p, const float *g, float *m,
                      float *v, size_t n, float lr, int t, int decay) {
    const double bc1 = 1.0 - pow((double)o->beta1, (double)t);
    const double bc2 = 1.0 - pow((double)o->beta2, (double)t);
    const adamw_k k = {
        .b1 = o->beta1,
        .b2 = o->beta2,
        .one_m_b1 = (float)(1.0 - (double)o->beta1),
        .one_m_b2 = (float)(1.0 - (double)o->beta2),
        .step_size = (float)((double)lr / bc1),
        .bc2_sqrt = (float)sqrt(bc2),
        .eps = o->eps,
        .keep = decay ? (float)(1.0 - (double)lr * (double)o->weight_decay)
                      : 1.0f,
    };
    /* contiguous slabs of 16-float multiples, one per thread */
    const int nt = lms_par_threads(n);
#pragma omp parallel for num_threads(nt) schedule(static, 1) if (nt > 1)
    for (int q = 0; q < nt; q++) {
        size_t lo, hi;
        lms_par_part(n, q, nt, &lo, &hi);
        if (hi > lo)
            adamw_range(&k, p + lo, g + lo, m + lo, v + lo, hi - lo);
    }
}

/* sqrt(sum g^2) over n floats, accumulated in double over fixed chunks (the
 * same value for any thread count). Non-finite entries give a non-finite
 * result (so divergence is visible). */
double lms_grad_norm(const float *g, size_t n) {
    return sqrt(lms_par_sumsq(g, n));
}

/* PyTorch clip_grad_norm_: coef = max_norm / (norm + 1e-6), computed in
 * float32 like PyTorch's tensor math; if coef < 1 every g is multiplied by
 * it. Returns the factor applied (1 when not clipping or max_norm <= 0).
 * A non-finite norm leaves g untouched and returns 1: the caller's
 * divergence check, not the clipper, must handle it. */
float lms_clip_grads(float *g, size_t n, double norm, float max_norm) {
    if (!(max_norm > 0.0f) || !isfinite(norm))
        return 1.0f;
    float coef = max_norm / ((float)norm + 1e-6f);
    if (!(coef < 1.0f))
        return 1.0f;
    lms_par_scale(g, n, coef);
    return coef;
}

/* Learning rate for 0-based `step`. Warmup (warmup_steps > 0 only):
 * lr*(step+1)/warmup_steps for step < warmup_steps. Then COSINE goes from lr
 * to min_lr_ratio*lr along half a cosine over [warmup_steps, max_steps),
 * LINEAR along a straight line, CONSTANT stays at lr. Steps >= max_steps
 * return the minimum (COSINE, LINEAR). Negative steps count as step 0. */
float lms_schedule_lr(const lms_schedule *s, int step) {
    const double lr = s->lr;
    if (step < 0)
        step = 0;
    if (s->warmup_steps > 0 && step < s->warmup_steps)
        return (float)(lr * (double)(step + 1) / (double)s->warmup_steps);
    if (s->kind == LMS_SCHED_CONSTANT)
        return (float)lr;
    const double lr_min = lr * (double)s->min_lr_ratio;
    const int start = s->warmup_steps > 0 ? s->warmup_steps : 0;
    if (step >= s->max_steps)
        return (float)lr_min;
    /* here start <= step < max_steps, so the span is >= 1 */
    double progress = (double)(step - start) / (double)(s->max_steps - start);
    if (s->kind == LMS_SCHED_LINEAR)
        return (float)(lr - progress * (lr - lr_min));
    double c = 0.5 * (1.0 + cos(M_PI * progress));
    return (float)(lr_min + c * (lr - lr_min));
}
