/*
 * How many of a run's threads each training step uses. Since no number
 * depends on the thread count (kernels/host.h), a run may change it from
 * step to step; the governor does so when fewer threads are faster: when
 * another process keeps a core busy, a thread that shares that core
 * finishes each parallel loop last and the rest wait for it (measured on a
 * 2-core VM beside a busy loop: 2 threads ran at 0.25x one thread on the
 * baseline model, docs/performance.md). It times windows of steps on each
 * candidate count (the maximum, one less, half, one), keeps the fastest,
 * and probes the others again at growing intervals (each probe ends at its
 * first step that shows it losing, and probes take at most ~1% of the
 * time), or at once when the kept count slows down by a third.
 */
#ifndef LMSTAB_THREAD_GOVERNOR_H
#define LMSTAB_THREAD_GOVERNOR_H

#define LMS_GOV_MAXC 4

typedef struct lms_governor {
    int on;                     /* 0: always `cand[0]` */
    int cand[LMS_GOV_MAXC];     /* thread counts, the maximum first */
    int ncand;
    double rate[LMS_GOV_MAXC];  /* seconds per step of the last window */
    int best;                   /* the count kept (index into cand) */
    int cur;                    /* the count of the window in progress */
    int probing, first_round;   /* a probe round runs; the first one */
    double probe_cost;          /* its seconds beyond the kept count's */
    double best_ref;            /* best's rate when it was chosen */
    long win_steps;             /* steps timed in the current window */
    double win_sec;             /* and their seconds */
    double interval, sec_left;  /* seconds between probes; to the next */
    long steps[LMS_GOV_MAXC];   /* steps run per candidate (the report) */
    int warm;                   /* the first step seen (page faults and
                                   first touches: not timed) */
} lms_governor;

/* max: the run's thread count; on: adapt (else every step uses max). */
void lms_governor_init(lms_governor *g, int max, int on);

/* The thread count for the next step. */
int lms_governor_threads(const lms_governor *g);

/* The next step took `seconds` on lms_governor_threads' count. */
void lms_governor_step(lms_governor *g, double seconds);

/* The mean thread count over the steps run so far (max before any). */
double lms_governor_mean(const lms_governor *g);

#endif
