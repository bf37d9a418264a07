/*
 * Op-kind timing, an observer of one model: while a model's `timer` field
 * (engine/model.h) points to an lms_op_timer, every lms_model_forward /
 * lms_model_backward of that model adds the wall time of each of its parts
 * to the bucket of that part's kind (a plugin layer's bucket is its plugin
 * kind, children included; the LM head and its gradients count as
 * matmuls), and the trainer (train/trainer.h) adds its optimizer time. NULL
 * by default: then the passes pay one pointer test per op. The owner of
 * the timer keeps it alive while it is installed.
 */
#ifndef LMSTAB_OP_TIMER_H
#define LMSTAB_OP_TIMER_H

typedef enum lms_tkind {
    LMS_TK_MATMUL = 0,     /* linear plugins (fwd + bwd) and the LM head */
    LMS_TK_ATTENTION = 1,  /* attention plugins with their children */
    LMS_TK_NORM = 2,       /* norm plugins (block norms, final norm) */
    LMS_TK_ACTIVATION = 3, /* activation plugins (gelu) */
    LMS_TK_LOSS = 4,       /* softmax cross-entropy, logit map, aux loss */
    LMS_TK_OTHER = 5,      /* embeddings, residual adds, buffer clears */
    LMS_TK_OPTIMIZER = 6,  /* grad norm, clipping, AdamW (timed by caller) */
    LMS_TK_N = 7
} lms_tkind;

/* Seconds accumulated per kind. */
typedef struct lms_op_timer {
    double sec[LMS_TK_N];
} lms_op_timer;

/* Short name of a kind: "matmul", "attention", ... */
const char *lms_tkind_name(lms_tkind k);

#endif
