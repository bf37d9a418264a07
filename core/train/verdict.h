/*
 * Run verdicts under rules declared before the runs (docs/results/protocol.md).
 *
 * A run's facts are streamed over the rows of its metrics.csv, so every
 * verdict can be recomputed from that file (plus the data's unigram entropy,
 * in summary.json): the trainer feeds the rows it logs, rounded as written,
 * and the sweep's aggregation feeds the rows it reads back. A rule then
 * turns the facts into a label:
 *   diverged   a non-finite loss or gradient norm (the run stopped)
 *   collapsed  final validation loss >= unigram entropy - margin
 *   spiked     the smoothed train loss rose >= spike nats above its running
 *              minimum at a logged step >= spike_after (warmup included),
 *              and the run did not end badly
 *   converged  none of these
 * (in this order of precedence). A rule's failure = any label but converged.
 */
#ifndef LMSTAB_CORE_VERDICT_H
#define LMSTAB_CORE_VERDICT_H

#include "io/config.h"
#include "train/train.h" /* lms_verdict, lms_verdict_name */

#define LMS_N_RULES 3 /* strict, default, lenient */

typedef struct lms_rule {
    char name[16];
    double margin; /* collapsed: final val >= unigram - margin */
    double spike;  /* spiked: rise >= spike nats (0: spikes never count) */
} lms_rule;

/* [verdict]: the smoothing and window shared by all rules, the three rules,
 * and which of them labels the run itself. */
typedef struct lms_verdict_cfg {
    double smoothing;  /* EMA factor over logged rows (0: raw loss) */
    long spike_after;  /* first step whose rise counts */
    lms_rule rules[LMS_N_RULES];
    int own;           /* index of the rule that gives summary's "verdict" */
} lms_verdict_cfg;

/* Read [verdict] (defaults when absent); marks entries used. */
int lms_verdict_cfg_read(lms_verdict_cfg *v, lms_config *c, char *err,
                         size_t errlen);

/* Rule-independent facts, streamed row by row (checkpointed with the run). */
typedef struct lms_facts {
    long rows;           /* logged train-loss rows seen */
    double ema;          /* smoothed train loss */
    double ema_min;      /* its running minimum (before this row) */
    double max_rise;     /* largest ema - running min at step >= spike_after */
    long max_rise_step;  /* where (-1: no rise counted yet) */
    int diverged;        /* a non-finite train loss or gradient norm row */
    double final_val;    /* last validation loss seen (NAN: none) */
} lms_facts;

void lms_facts_init(lms_facts *f);
/* One metrics row: its train loss and gradient norm (has_train 0: an
 * evaluation-only row) and validation loss (NAN: none in this row). */
void lms_facts_add(lms_facts *f, const lms_verdict_cfg *v, long step,
                   int has_train, double train_loss, double grad_norm,
                   double val_loss);
/* Label of a run under one rule. */
lms_verdict lms_rule_label(const lms_rule *r, const lms_facts *f,
                           double unigram_entropy);
/* Verdict for a name ("blew_up", the old name of spiked, is accepted);
 * -1 when unknown. */
int lms_verdict_parse(const char *name);

/* Facts from a metrics.csv file (columns step, train_loss, grad_norm,
 * val_loss found by name). 0, or -1 with a message naming the file and
 * line. */
int lms_facts_from_csv(lms_facts *f, const lms_verdict_cfg *v,
                       const char *path, char *err, size_t errlen);

#endif
