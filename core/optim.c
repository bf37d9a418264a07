/* AdamW (PyTorch 1.13 `_single_tensor_adamw` semantics), gradient clipping
 * (`torch.nn.utils.clip_grad_norm_`) and the learning-rate schedule.
 * Element-wise math is float32 like PyTorch on CPU; scalars that PyTorch
 * computes as Python floats (bias corrections, step size) are computed in
 * double and rounded once to float. */
#include <math.h>

#include "lmstab/bench.h"
#include "lmstab/optim.h"

/* One AdamW step (t is 1-based) over n floats, in place on p, m, v.
 * PyTorch order: decay, first moment, second moment, then
 * p += -step_size * m / (sqrt(v) / sqrt(1 - b2^t) + eps). g is read only.
 * decay != 0 applies the decoupled weight decay p *= 1 - lr*wd. */
void lms_adamw_update(const lms_adamw *o, float *p, const float *g, float *m,
                      float *v, size_t n, float lr, int t, int decay) {
    const float b1 = o->beta1, b2 = o->beta2, eps = o->eps;
    const float one_m_b1 = (float)(1.0 - (double)b1);
    const float one_m_b2 = (float)(1.0 - (double)b2);
    const double bc1 = 1.0 - pow((double)b1, (double)t);
    const double bc2 = 1.0 - pow((double)b2, (double)t);
    const float step_size = (float)((double)lr / bc1);
    const float bc2_sqrt = (float)sqrt(bc2);
    const float keep = (float)(1.0 - (double)lr * (double)o->weight_decay);
    /* elementwise, so threads (lms_set_threads) change no result */
    const int nt = n >= 65536 ? lms_get_threads() : 1;
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
    for (size_t i = 0; i < n; i++) {
        float pi = p[i], gi = g[i];
        if (decay)
            pi *= keep;
        float mi = m[i] * b1 + one_m_b1 * gi;
        float vi = v[i] * b2 + one_m_b2 * gi * gi;
        float denom = sqrtf(vi) / bc2_sqrt + eps;
        p[i] = pi + (-step_size * mi) / denom; /* addcdiv order */
        m[i] = mi;
        v[i] = vi;
    }
}

/* sqrt(sum g^2) over n floats, accumulated in double. Non-finite entries
 * give a non-finite result (so divergence is visible). */
double lms_grad_norm(const float *g, size_t n) {
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (double)g[i] * (double)g[i];
    return sqrt(s);
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
    for (size_t i = 0; i < n; i++)
        g[i] *= coef;
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
