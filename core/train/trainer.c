/* The trainer (trainer.h): one setup path, one training step, one
 * evaluation, for every command that trains. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/optim.h"
#include "io/core_keys.h"
#include "io/vocab.h"
#include "kernels/bigalloc.h"
#include "kernels/parallel.h"
#include "train/dist.h"
#include "train/trainer.h"
#include "util/clock.h"

int lms_trainer_load_config(lms_trainer *t, const char *path,
                            const char *const *sets, int nsets, char *err,
                            size_t errlen) {
    if (lms_config_load(&t->cfg, path, err, errlen) != 0)
        return -1;
    for (int i = 0; i < nsets; i++)
        if (lms_config_override(&t->cfg, sets[i], err, errlen) != 0)
            return -1;
    return 0;
}

/* [training], [data], the caller's sections; the numerics and threads the
 * plugins plan for; the data's path (model.vocab_size = auto is the
 * data's vocabulary). */
static int read_config(lms_trainer *t, const lms_trainer_opts *o, char *err,
                       size_t errlen) {
    if (lms_train_cfg_read(&t->tc, &t->cfg, err, errlen) != 0 ||
        (o->configure && o->configure(o->user, t, err, errlen) != 0))
        return -1;
    lms_set_precision(t->tc.precision); /* the plugins plan for it */
    if (o->threads >= 0)
        lms_set_threads(lms_threads_choice(o->threads, t->tc.threads));
    if (o->no_data)
        return 0;
    if (lms_data_resolve(o->data_path, t->tc.train_path, t->data_path,
                         sizeof t->data_path, err, errlen) != 0 ||
        lms_vocab_from_data(&t->cfg, t->data_path, err, errlen) != 0)
        return -1;
    return 0;
}

/* This rank's share of [training] batch_size. */
static int split_batch(lms_trainer *t, char *err, size_t errlen) {
    const lms_dist *d = lms_dist_world();
    t->rank = d->rank;
    t->nranks = d->size;
    t->root = d->rank == 0;
    if (lms_dist_check(err, errlen) != 0)
        return -1;
    if (t->tc.batch_size % d->size != 0) {
        lms_cfg_entry *e = lms_config_find(&t->cfg, "training", "batch_size");
        char msg[160];
        snprintf(msg, sizeof msg, "%ld sequences cannot be split evenly over "
                 "%d MPI ranks", t->tc.batch_size, d->size);
        if (e)
            lms_config_errorf(e, err, errlen, "%s", msg);
        else
            snprintf(err, errlen, "[training] batch_size: %s", msg);
        return -1;
    }
    t->local_b = t->tc.batch_size / d->size;
    return 0;
}

int lms_trainer_open(lms_trainer *t, const lms_trainer_opts *o, char *err,
                     size_t errlen) {
    if (read_config(t, o, err, errlen) != 0)
        return -1;
    if (!(t->ld = lms_loader_new(o->plugin_dir))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (split_batch(t, err, errlen) != 0 ||
        lms_model_build(&t->m, &t->cfg, t->ld, (int)t->local_b, err,
                        errlen) != 0 ||
        lms_config_check_unused(&t->cfg, lms_core_accepted, NULL, err,
                                errlen) != 0)
        return -1;
    t->T = t->m.mi.context;
    if (!o->no_data &&
        (lms_data_load_split(&t->data, t->data_path, t->tc.val_path, t->T,
                             err, errlen) != 0 ||
         lms_vocab_check(&t->cfg, &t->data, t->m.mi.vocab, err, errlen) != 0))
        return -1;
    size_t BT = (size_t)t->tc.batch_size * t->T;
    t->mstate = lms_big_floats(t->m.n_params);
    t->vstate = lms_big_floats(t->m.n_params);
    t->x = calloc(BT, sizeof(int32_t));
    t->y = calloc(BT, sizeof(int32_t));
    if (!t->mstate || !t->vstate || !t->x || !t->y) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

void lms_trainer_init(lms_trainer *t, lms_rng *rng) {
    if (rng)
        lms_rng_seed(rng, (uint64_t)t->tc.seed, 0xda7a);
    lms_model_init(&t->m, (uint64_t)t->tc.seed);
    memset(t->mstate, 0, t->m.n_params * sizeof(float));
    memset(t->vstate, 0, t->m.n_params * sizeof(float));
}

void lms_trainer_draw(lms_trainer *t, lms_rng *rng) {
    lms_data_train_batch(&t->data, rng, (int)t->tc.batch_size, t->T, t->x,
                         t->y);
}

/* This rank's slice of the global batch a (t->x or t->y). */
static const int32_t *slice(const lms_trainer *t, const int32_t *a) {
    return a + (size_t)t->rank * t->local_b * t->T;
}

/* Average the gradients over ranks (one in-place allreduce of the arena). */
static void reduce_grads(lms_trainer *t) {
    if (t->nranks == 1)
        return;
    lms_dist_sum_floats(t->m.grads, t->m.n_params);
    lms_par_scale(t->m.grads, t->m.n_params, 1.0f / (float)t->nranks);
}

int lms_trainer_forward_backward(lms_trainer *t, long step, int flags,
                                 double *loss, char *why, size_t whylen) {
    *loss = lms_model_forward(&t->m, slice(t, t->x), slice(t, t->y),
                              (int)t->local_b, t->T, LMS_FWD_TRAINING | flags);
    *loss = lms_dist_mean(*loss);
    if (!isfinite(*loss)) {
        char where[300];
        lms_model_find_nonfinite(&t->m, 0, where, sizeof where);
        snprintf(why, whylen, "non-finite training loss at step %ld: %s",
                 step, where);
        return 1;
    }
    lms_model_zero_grad(&t->m);
    lms_model_backward(&t->m);
    reduce_grads(t);
    return 0;
}

int lms_trainer_update(lms_trainer *t, long step, float lr, double *gnorm,
                       char *why, size_t whylen) {
    lms_model *m = &t->m;
    double t0 = m->timer ? lms_now() : 0.0;
    *gnorm = lms_grad_norm(m->grads, m->n_params);
    if (!isfinite(*gnorm)) {
        char where[300];
        lms_model_find_nonfinite(m, 1, where, sizeof where);
        snprintf(why, whylen, "non-finite gradient norm at step %ld: %s",
                 step, where);
        return 1;
    }
    lms_clip_grads(m->grads, m->n_params, *gnorm, (float)t->tc.grad_clip);
    lms_adamw o = {(float)t->tc.beta1, (float)t->tc.beta2, (float)t->tc.eps,
                   (float)t->tc.weight_decay};
    for (size_t i = 0; i < m->n_tensors; i++) {
        lms_tensor *tt = &m->tensors[i];
        if (tt->buffer)
            continue;
        size_t off = (size_t)(tt->w - m->params);
        lms_adamw_update(&o, tt->w, tt->dw, t->mstate + off, t->vstate + off,
                         tt->numel, lr, (int)step + 1, tt->decay);
    }
    if (m->timer)
        m->timer->sec[LMS_TK_OPTIMIZER] += lms_now() - t0;
    return 0;
}

int lms_trainer_step(lms_trainer *t, long step, float lr, int flags,
                     double *loss, double *gnorm, char *why, size_t whylen) {
    if (lms_trainer_forward_backward(t, step, flags, loss, why, whylen))
        return 1;
    return lms_trainer_update(t, step, lr, gnorm, why, whylen);
}

float lms_trainer_lr(const lms_trainer *t, long step) {
    lms_schedule sch = {t->tc.schedule, (float)t->tc.lr,
                        (int)t->tc.warmup_steps, (int)t->tc.max_steps,
                        (float)t->tc.min_lr_ratio};
    return lms_schedule_lr(&sch, (int)step);
}

double lms_trainer_evaluate(lms_trainer *t) {
    const int B = (int)t->tc.batch_size, n = (int)t->tc.eval_batches;
    double s = 0.0;
    for (int i = 0; i < n; i++) {
        lms_data_val_batch(&t->data, i, n, B, t->T, t->x, t->y);
        lms_model_forward(&t->m, slice(t, t->x), slice(t, t->y),
                          (int)t->local_b, t->T, 0);
        s += lms_model_last_ce(&t->m);
    }
    return lms_dist_mean(s / (double)n);
}

int lms_trainer_checkpoint(const lms_trainer *t, const char *path,
                           const lms_train_state *st, char *err,
                           size_t errlen) {
    if (!t->root)
        return 0;
    lms_data_id id = {t->data_path, t->data.n_tokens,
                      lms_tokens_hash(t->data.tokens, t->data.n_tokens)};
    return lms_ckpt_save(path, &t->m, t->mstate, t->vstate, st, &t->cfg, &id,
                         err, errlen);
}

void lms_trainer_close(lms_trainer *t) {
    lms_big_free(t->mstate);
    lms_big_free(t->vstate);
    free(t->x);
    free(t->y);
    lms_data_free(&t->data);
    lms_model_free(&t->m);
    lms_loader_free(t->ld);
    lms_config_free(&t->cfg);
    memset(t, 0, sizeof *t);
}
