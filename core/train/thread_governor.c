/* The thread count per training step (thread_governor.h). */
#include "train/thread_governor.h"

/* A window: at least this many steps and this many seconds, or one step
 * alone when it takes WIN_LONG (a large model's step, or a step crawling
 * beside a busy core, is measured enough). */
#define WIN_STEPS 2
#define WIN_SEC 0.2
#define WIN_LONG 0.5
/* A probed count stops as soon as its steps average this much slower than
 * the kept count's: it has lost, and on a busy core a losing count can be
 * several times slower (its steps are the probe's whole cost). */
#define LOSE 1.25
/* Seconds on the kept count before the next probe: the first interval,
 * doubled while probes confirm the choice, up to the longest; and never
 * less than the last probe's cost over this share of the run's time. */
#define INTERVAL0 2.0
#define INTERVAL_MAX 60.0
#define BUDGET 0.01
/* Another count replaces the kept one only when this much faster. */
#define MARGIN 0.95
/* The kept count slowed down this much: probe at once. */
#define SLOWDOWN 1.33

void lms_governor_init(lms_governor *g, int max, int on) {
    *g = (lms_governor){0};
    if (max < 1)
        max = 1;
    const int want[LMS_GOV_MAXC] = {max, max - 1, max / 2, 1};
    for (int i = 0; i < LMS_GOV_MAXC; i++) {
        int dup = want[i] < 1;
        for (int k = 0; k < g->ncand && !dup; k++)
            dup = g->cand[k] == want[i];
        if (!dup)
            g->cand[g->ncand++] = want[i];
    }
    g->on = on && g->ncand > 1;
    g->probing = g->on; /* the first round measures every count */
    g->first_round = g->on;
    g->interval = INTERVAL0;
}

/* The first step, untimed, runs on the fewest threads: beside a busy core
 * the most can be several times slower, and nothing is learnt from it. */
int lms_governor_threads(const lms_governor *g) {
    if (!g->on)
        return g->cand[0];
    return g->warm ? g->cand[g->cur] : g->cand[g->ncand - 1];
}

/* The fastest candidate measured in the probe round; the kept one unless
 * another beats it by the margin. */
static int fastest(const lms_governor *g) {
    int b = g->best;
    for (int i = 0; i < g->ncand; i++)
        if (g->rate[i] > 0 && g->rate[i] < MARGIN * g->rate[b])
            b = i;
    return b;
}

static void end_probe_round(lms_governor *g) {
    const int b = fastest(g);
    double iv = b == g->best ? 2 * g->interval : INTERVAL0;
    iv = iv < INTERVAL_MAX ? iv : INTERVAL_MAX;
    if (!g->first_round && g->probe_cost / BUDGET > iv)
        iv = g->probe_cost / BUDGET;
    g->interval = iv;
    g->best = b;
    g->best_ref = g->rate[b];
    g->cur = b;
    g->probing = g->first_round = 0;
    g->sec_left = iv;
}

static void end_window(lms_governor *g) {
    const double r = g->win_sec / (double)g->win_steps;
    const double sec = g->win_sec;
    g->rate[g->cur] = r;
    if (g->probing && g->cur != g->best)
        g->probe_cost += sec - (double)g->win_steps * g->rate[g->best];
    g->win_sec = 0;
    g->win_steps = 0;
    if (g->probing) {
        int next = g->cur + 1 == g->best ? g->cur + 2 : g->cur + 1;
        if (next < g->ncand)
            g->cur = next; /* the round goes on */
        else
            end_probe_round(g);
        return;
    }
    g->sec_left -= sec;
    const int slow = r > SLOWDOWN * g->best_ref;
    if (slow || g->sec_left <= 0) {
        g->probing = 1; /* the others, in order, skipping the kept one */
        g->probe_cost = 0;
        g->cur = g->best == 0 ? 1 : 0;
        if (slow)
            g->interval = INTERVAL0 / 2; /* the load changed */
    }
}

void lms_governor_step(lms_governor *g, double seconds) {
    g->steps[!g->on ? 0 : g->warm ? g->cur : g->ncand - 1]++;
    if (!g->on || !g->warm) {
        g->warm = 1;
        return;
    }
    g->win_sec += seconds;
    g->win_steps++;
    const int lost = g->probing && !g->first_round && g->cur != g->best &&
                     g->win_sec > LOSE * g->rate[g->best] * (double)g->win_steps;
    if (lost || g->win_sec >= WIN_LONG ||
        (g->win_steps >= WIN_STEPS && g->win_sec >= WIN_SEC))
        end_window(g);
}

double lms_governor_mean(const lms_governor *g) {
    double n = 0, s = 0;
    for (int i = 0; i < g->ncand; i++) {
        n += (double)g->steps[i];
        s += (double)g->steps[i] * g->cand[i];
    }
    return n > 0 ? s / n : g->cand[0];
}
