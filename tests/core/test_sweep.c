/* Sweep aggregation on hand-made run summaries: max stable LR, LR
 * sensitivity and the per-cell verdict counts follow their definitions. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fsutil.h"
#include "sweep/sweep.h"
#include "sweep/failcurve.h"
#include "sweep/sweep_internal.h"

static char dir[64];

static void put_run(const char *v, const char *lr, int seed, const char *verdict,
                    double val, double init_val) {
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/%s/lr_%s/seed_%d", dir, v, lr, seed);
    ck_assert_int_eq(lms_mkdirs(path, err, sizeof err), 0);
    strcat(path, "/summary.json");
    FILE *f = fopen(path, "w");
    if (isfinite(val))
        fprintf(f, "{\"verdict\": \"%s\", \"final_val_loss\": %g, "
                "\"init_val_loss\": %g, \"steps\": 10}\n", verdict, val, init_val);
    else
        fprintf(f, "{\"verdict\": \"%s\", \"final_val_loss\": null, "
                "\"init_val_loss\": %g, \"steps\": 3}\n", verdict, init_val);
    fclose(f);
}

/* A run labelled under each rule, with its largest loss rise and, when
 * config is not NULL, its config_text (the run's own [verdict] keys). */
static void put_rules(const char *v, const char *lr, int seed,
                      const char *strict, const char *def, const char *len,
                      double val, double rise, const char *config) {
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/%s/lr_%s/seed_%d", dir, v, lr, seed);
    ck_assert_int_eq(lms_mkdirs(path, err, sizeof err), 0);
    strcat(path, "/summary.json");
    FILE *f = fopen(path, "w");
    fprintf(f, "{\"verdict\": \"%s\", \"verdicts\": {\"strict\": \"%s\", "
            "\"default\": \"%s\", \"lenient\": \"%s\"}, \"final_val_loss\": "
            "%g, \"init_val_loss\": 5.5, \"max_rise\": %g, \"steps\": 10",
            def, strict, def, len, val, rise);
    if (config)
        fprintf(f, ", \"config_text\": \"%s\"", config);
    fprintf(f, "}\n");
    fclose(f);
}

/* DIR/name holding text (sweep.json, edges.json) */
static void put_file(const char *name, const char *text) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void setup(void) {
    strcpy(dir, "/tmp/lmssweepXXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    put_file("sweep.json", "{\"variants\": [\"a\", \"b\"], \"configs\": "
             "[\"a.ini\", \"b.ini\"], \"lrs\": [0.1, 0.15, 0.225, 0.3375], "
             "\"seeds\": [1, 2], \"boundary_seeds\": 2, \"reference\": \"a\"}\n");
}

static char *slurp(const char *name) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

START_TEST(max_stable_and_sensitivity) {
    /* a: converges up to 0.15; 0.225 splits over seeds; 0.3375 diverges */
    put_run("a", "0.1", 1, "converged", 2.0, 5.5);
    put_run("a", "0.15", 1, "converged", 1.9, 5.5);
    put_run("a", "0.15", 2, "converged", 1.95, 5.5);
    put_run("a", "0.225", 1, "converged", 2.2, 5.5);
    put_run("a", "0.225", 2, "spiked", 3.0, 5.5);
    put_run("a", "0.3375", 1, "diverged", NAN, 5.5);
    /* b: a non-converged cell below converged ones caps the max stable LR */
    put_run("b", "0.1", 1, "converged", 2.1, 5.5);
    put_run("b", "0.15", 1, "collapsed", 3.4, 5.5);
    put_run("b", "0.225", 1, "converged", 2.0, 5.5);
    put_run("b", "0.3375", 1, "converged", 2.0, 5.5);
    char err[512];
    ck_assert_msg(lms_sweep_aggregate(dir, 0, err, sizeof err) == 0, "%s", err);
    const char *v = slurp("variants.csv");
    /* LR sensitivity: the mean over ln LR of the line through the grid
     * cells (min(val, init): a's diverged 0.3375 counts as 5.5), from 0.1
     * (the lowest grid LR) to 0.3 (0.3375 anchors that end), minus the best.
     * a: 2.0, 1.925, 2.6 and 4.6576 at 0.3: trapezoids 0.795725 + 0.917365
     * + 1.043935 over ln 3, minus 1.925 = 0.58455 */
    ck_assert_msg(strstr(v, "a,0.15,1.925000,0.15,0.58455"), "%s", v);
    ck_assert_msg(strstr(v, ",3,0.1,0.3\n"), "%s", v);
    /* b: max stable LR 0.1; 2.1, 3.4, 2.0, 2.0: 1.115029 + 1.094756 +
     * 0.575364 over ln 3, minus 2 = 0.53515 */
    ck_assert_msg(strstr(v, "b,0.1,2.000000,0.225,0.53515"), "%s", v);
    const char *c = slurp("cells.csv");
    ck_assert_msg(strstr(c, "a,0.225,2,1,1,0,0,2.600000"), "%s", c);
    ck_assert_msg(strstr(c, "a,0.3375,1,0,0,0,1,"), "%s", c);
    const char *t = slurp("table.md");
    ck_assert_msg(strstr(t, "| a | 0.15 | 1.00x |"), "%s", t);
    ck_assert_msg(strstr(t, "| b | 0.1 | 0.67x |"), "%s", t);
    ck_assert_msg(strstr(t, "2.600 cS"), "%s", t);
}
END_TEST

/* The reading: variants with no learning rate run on two seeds by both
 * them and the reference are named in one sentence; a pair that has one
 * gets its counts and Fisher's p. */
START_TEST(reading_sentences) {
    put_run("a", "0.15", 1, "converged", 2.0, 5.5);
    put_run("b", "0.15", 1, "converged", 2.0, 5.5);
    lms_sweep *sw = malloc(sizeof *sw);
    char err[512], out[2048];
    ck_assert_msg(lms_sweep_load_manifest(dir, sw, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(lms_sweep_reading(sw, out, sizeof out), 0);
    ck_assert_str_eq(out, "b shares no learning rate run on two or more seeds "
                     "with a yet.");
    put_run("a", "0.15", 2, "converged", 2.0, 5.5);
    put_run("b", "0.15", 2, "collapsed", 3.4, 5.5);
    put_run("b", "0.15", 1, "collapsed", 3.4, 5.5);
    ck_assert_int_eq(lms_sweep_reading(sw, out, sizeof out), 0);
    ck_assert_str_eq(out, "At learning rate 0.15, b failed in 2 of 2 seeds and "
                     "a in 0 of 2 (default rule, Fisher's exact p = 0.33; "
                     "strict 2 vs 0, p = 0.33; lenient 2 vs 0, p = 0.33).");
    free(sw);
}
END_TEST

/* No shared LR, but both have a failure curve: the reading gives the LR50
 * ratio. Each fails one step above where it converges on both seeds, so
 * Firth's LR50 lies at the geometric middle: sqrt(0.225 * 0.3375) /
 * sqrt(0.1 * 0.15) = 2.25. */
START_TEST(reading_from_curves) {
    for (int seed = 1; seed <= 2; seed++) {
        put_run("a", "0.1", seed, "converged", 2.0, 5.5);
        put_run("a", "0.15", seed, "collapsed", 3.4, 5.5);
        put_run("b", "0.225", seed, "converged", 2.0, 5.5);
        put_run("b", "0.3375", seed, "collapsed", 3.4, 5.5);
    }
    lms_sweep *sw = malloc(sizeof *sw);
    char err[512], out[2048];
    ck_assert_msg(lms_sweep_load_manifest(dir, sw, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(lms_sweep_reading(sw, out, sizeof out), 0);
    ck_assert_msg(!strncmp(out, "The LR50 of b is 2.25 [", 23), "%s", out);
    ck_assert_msg(strstr(out, " times a's (default rule, failure curves over 4 "
                         "and 4 runs, 95% bootstrap interval; strict 2.25"), "%s", out);
    free(sw);
}
END_TEST

/* One seed: the ratio has no interval, and the reading does not call it
 * one. */
START_TEST(reading_one_seed) {
    put_run("a", "0.1", 1, "converged", 2.0, 5.5);
    put_run("a", "0.15", 1, "collapsed", 3.4, 5.5);
    put_run("b", "0.225", 1, "converged", 2.0, 5.5);
    put_run("b", "0.3375", 1, "collapsed", 3.4, 5.5);
    lms_sweep *sw = malloc(sizeof *sw);
    char err[512], out[2048];
    ck_assert_msg(lms_sweep_load_manifest(dir, sw, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(lms_sweep_reading(sw, out, sizeof out), 0);
    ck_assert_msg(strstr(out, " times a's (default rule, failure curves over 2 "
                         "and 2 runs, no bootstrap interval; strict 2.25 (no "
                         "interval)"), "%s", out);
    free(sw);
}
END_TEST

/* Below a variant's loss-optimal grid LR, a run that failed a rule only by
 * its final loss (collapsed, its rise under the rule's own spike threshold)
 * is under-trained: the curves count it as a survival and the edge band is
 * laid past it. A band too wide for LMS_SWEEP_MAX_BAND LRs at edge_ratio
 * widens its ratio and still spans the edge. */
START_TEST(under_trained_survives) {
    /* a: the lowest LR ends 3.0 (collapsed under strict, rise 0.1); seed 2
     * there collapsed under every rule after a rise of 0.6, a spike for
     * strict (0.5) but not for default (1.0) nor for lenient, which counts
     * no spikes and is judged by the default threshold; its optimum is 0.15;
     * it fails at 0.3375 under every rule */
    put_rules("a", "0.1", 1, "collapsed", "converged", "converged", 3.0, 0.1, NULL);
    put_rules("a", "0.1", 2, "collapsed", "collapsed", "collapsed", 3.4, 0.6, NULL);
    put_rules("a", "0.15", 1, "converged", "converged", "converged", 2.0, 0.1, NULL);
    put_rules("a", "0.225", 1, "converged", "converged", "converged", 2.2, 0.1, NULL);
    put_rules("a", "0.3375", 1, "collapsed", "collapsed", "collapsed", 3.4, 0, NULL);
    /* b: rise 0.7 is a spike under the default strict threshold (0.5), not
     * under its own (strict_spike = 1); rise 1.2 is a spike for every rule */
    const char *own = "[verdict]\\nstrict_spike = 1.0\\n";
    put_rules("b", "0.1", 1, "collapsed", "converged", "converged", 3.0, 0.7, own);
    put_rules("b", "0.1", 2, "collapsed", "collapsed", "collapsed", 3.4, 1.2, own);
    put_rules("b", "0.15", 1, "converged", "converged", "converged", 2.0, 0.1, own);
    put_rules("b", "0.225", 1, "converged", "converged", "converged", 2.2, 0.1, own);
    put_rules("b", "0.3375", 1, "collapsed", "collapsed", "collapsed", 3.0, 0, own);
    lms_sweep *sw = malloc(sizeof *sw);
    char err[512];
    ck_assert_msg(lms_sweep_load_manifest(dir, sw, err, sizeof err) == 0, "%s", err);
    double opt;
    ck_assert_int_eq(lms_sweep_optimal_lr(sw, 0, &opt, err, sizeof err), 0);
    ck_assert_double_eq(opt, 0.15);
    lms_curve_run *runs[LMS_N_RULES];
    for (int r = 0; r < LMS_N_RULES; r++)
        runs[r] = malloc(64 * sizeof *runs[r]);
    const size_t n = lms_sweep_curve_runs(sw, runs, 64);
    ck_assert_int_eq((int)n, 10);
    /* failures and under-trained survivals of a and b, per rule */
    static const int want_fails[LMS_N_RULES][2] = {{2, 2}, {1, 2}, {1, 2}};
    static const int want_under[LMS_N_RULES][2] = {{1, 1}, {1, 0}, {1, 0}};
    for (int r = 0; r < LMS_N_RULES; r++) {
        int fails[2] = {0, 0}, under[2] = {0, 0};
        for (size_t i = 0; i < n; i++) {
            fails[runs[r][i].variant] += runs[r][i].failed;
            under[runs[r][i].variant] += runs[r][i].under_trained;
        }
        for (int v = 0; v < 2; v++) {
            ck_assert_msg(fails[v] == want_fails[r][v], "rule %d variant %d: "
                          "%d failures, want %d", r, v, fails[v], want_fails[r][v]);
            ck_assert_msg(under[v] == want_under[r][v], "rule %d variant %d: "
                          "%d under-trained, want %d", r, v, under[v], want_under[r][v]);
        }
    }
    /* the band: from the last LR below the first unstable one (0.225) to
     * it (0.3375), 24 LRs at a widened ratio (1.01 would take 42) */
    sw->edge_points = 2;
    sw->edge_ratio = 1.01;
    ck_assert_msg(lms_sweep_edges_update(sw, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(sw->n_band[0], LMS_SWEEP_MAX_BAND);
    ck_assert_double_eq_tol(sw->lrs[sw->band[0][0]], 0.225, 1e-4);
    ck_assert_double_eq_tol(sw->lrs[sw->band[0][LMS_SWEEP_MAX_BAND - 1]], 0.3375, 1e-4);
    for (int r = 0; r < LMS_N_RULES; r++)
        free(runs[r]);
    free(sw);
}
END_TEST

/* A failure-curve sweep whose band LRs have fewer than edge_seeds seeds:
 * the reading says it is provisional, with the counts. */
START_TEST(reading_provisional) {
    put_file("sweep.json", "{\"variants\": [\"a\", \"b\"], \"lrs\": [0.1, "
             "0.3], \"seeds\": [1, 2, 3, 4], \"edge_points\": 2, \"edge_ratio\": "
             "1.2, \"edge_seeds\": 4, \"reference\": \"a\"}\n");
    put_run("a", "0.1", 1, "converged", 2.0, 5.5);
    put_run("b", "0.1", 1, "converged", 2.0, 5.5);
    lms_sweep *sw = malloc(sizeof *sw);
    char err[512], out[2048];
    /* no band decided yet: provisional, with none of the band seeds */
    ck_assert_msg(lms_sweep_load_manifest(dir, sw, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(lms_sweep_reading(sw, out, sizeof out), 0);
    ck_assert_msg(strstr(out, " Provisional: the edge bands' learning rates "
                         "have 0 of their 4 seeds so far"), "%s", out);
    /* a's band includes a grid LR (0.1, one seed so far) */
    put_file("edges.json", "{\"bands\": {\"a\": [0.1, 0.2], \"b\": [0.25]}, "
             "\"edge_seeds\": 4}\n");
    for (int seed = 1; seed <= 3; seed++)
        put_run("a", "0.2", seed, "converged", 2.0, 5.5);
    for (int seed = 1; seed <= 2; seed++)
        put_run("b", "0.25", seed, "converged", 2.0, 5.5);
    ck_assert_msg(lms_sweep_load_manifest(dir, sw, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(lms_sweep_reading(sw, out, sizeof out), 0);
    ck_assert_msg(strstr(out, " Provisional: the edge bands' learning rates "
                         "have 1 to 3 of their 4 seeds so far, and no claim is "
                         "made before all 4 (docs/results/protocol.md)."), "%s", out);
    for (int seed = 2; seed <= 4; seed++)
        put_run("a", "0.1", seed, "converged", 2.0, 5.5);
    for (int seed = 3; seed <= 4; seed++) {
        put_run("a", "0.2", seed, "converged", 2.0, 5.5);
        put_run("b", "0.25", seed, "converged", 2.0, 5.5);
    }
    ck_assert_msg(lms_sweep_load_manifest(dir, sw, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(lms_sweep_reading(sw, out, sizeof out), 0);
    ck_assert_msg(!strstr(out, "Provisional"), "%s", out);
    free(sw);
}
END_TEST

START_TEST(not_a_sweep_dir) {
    char err[512];
    ck_assert_int_ne(lms_sweep_aggregate("/nonexistent", 0, err, sizeof err), 0);
    ck_assert_str_eq(err, "/nonexistent: not a sweep directory (no sweep.json)");
}
END_TEST

/* sweep.json is ours: a value it would never hold is named, not cast or
 * dropped (a seed of 1.1e308 was cast to long: undefined behaviour, found
 * by fuzz_manifest). */
static void manifest_fails(const char *json, const char *want) {
    char err[512];
    put_file("sweep.json", json);
    static lms_sweep s;
    ck_assert_int_ne(lms_sweep_load_manifest(dir, &s, err, sizeof err), 0);
    ck_assert_msg(strstr(err, want), "want '%s', got '%s'", want, err);
}

START_TEST(malformed_manifest) {
    static lms_sweep s;
    char err[512];
    ck_assert_msg(lms_sweep_load_manifest(dir, &s, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(s.n_seeds, 2);
    ck_assert_int_eq(s.boundary_seeds, 2);
#define M(rest) "{\"variants\": [\"a\", \"b\"], " rest "}"
    manifest_fails(M("\"lrs\": [0.1], \"seeds\": [1.1e308]"),
                   "sweep.json: malformed sweep.json (seed 1.1e+308)");
    manifest_fails(M("\"lrs\": [0.1], \"seeds\": [2.5]"), "(seed 2.5)");
    manifest_fails(M("\"lrs\": [0.1], \"seeds\": [-1]"), "(seed -1)");
    manifest_fails(M("\"lrs\": [0.1], \"seeds\": [3, 3]"), "(repeated seed 3)");
    manifest_fails(M("\"lrs\": [0.1, -1], \"seeds\": [1]"), "(learning rate -1)");
    manifest_fails(M("\"lrs\": [0.01, 0.010001], \"seeds\": [1]"),
                   "(a learning rate that names the run directory of another 0.010001)");
    manifest_fails(M("\"lrs\": [\"x\"], \"seeds\": [1]"), "(learning rate \"x\")");
    manifest_fails(M("\"lrs\": [], \"seeds\": [1]"), "(no learning rates or seeds)");
    manifest_fails("{\"variants\": [\"a\", \"a\"], \"lrs\": [0.1], \"seeds\": [1]}",
                   "(repeated variant \"a\")");
    manifest_fails(M("\"lrs\": [0.1], \"seeds\": [1], \"reference\": \"z\""),
                   "(reference \"z\")");
    manifest_fails(M("\"lrs\": [0.1], \"seeds\": [1, 2], \"grid_seeds\": 5"),
                   "(grid_seeds 5)");
    manifest_fails(M("\"lrs\": [0.1], \"seeds\": [1], \"edge_ratio\": 0"),
                   "(edge_ratio 0)");
#undef M
}
END_TEST

/* lr_anchor: the grid is anchor x ratio^k within [lr_min, lr_max]; at and
 * above the anchor it is, bit for bit, the grid of a sweep whose lr_min is
 * the anchor (repeated multiplication), below it repeated division; an
 * anchor outside the range still fixes the grid's phase. */
static void load_grid(const char *keys, lms_sweep *sw) {
    char text[1024], path[128], err[512];
    put_file("a.ini", "[model]\n");
    snprintf(text, sizeof text, "[sweep]\nvariants = a\nconfigs_dir = .\n"
             "seeds = 1\n%s", keys);
    put_file("s.ini", text);
    snprintf(path, sizeof path, "%s/s.ini", dir);
    ck_assert_msg(lms_sweep_load(sw, path, err, sizeof err) == 0, "%s", err);
}

START_TEST(grid_anchor) {
    lms_sweep *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    load_grid("lr_min = 0.03\nlr_max = 1.2\nlr_ratio = 1.5\n", a);
    load_grid("lr_min = 3e-4\nlr_anchor = 0.03\nlr_max = 1.3\n"
              "lr_ratio = 1.5\n", b);
    ck_assert_int_eq(a->n_grid, 10); /* 0.03 ... 0.03 * 1.5^9 = 1.153 */
    ck_assert_int_eq(b->n_grid, 21); /* and 11 below: 0.03 / 1.5^11 >= 3e-4 */
    for (int i = 0; i < a->n_grid; i++)
        ck_assert_msg(a->lrs[i] == b->lrs[11 + i], "LR %d: %.17g vs %.17g", i,
                      a->lrs[i], b->lrs[11 + i]);
    for (int i = 0; i < 11; i++) {
        double d = 0.03;
        for (int j = 0; j < 11 - i; j++)
            d /= 1.5;
        ck_assert_double_eq(b->lrs[i], d);
        ck_assert(b->is_grid[i]);
    }
    /* an anchor above lr_max: the same LRs as the anchor's own grid */
    load_grid("lr_min = 3e-4\nlr_anchor = 0.03\nlr_max = 0.0134\n"
              "lr_ratio = 1.5\n", a);
    ck_assert_int_eq(a->n_grid, 10); /* 0.03 / 1.5^11 ... 0.03 / 1.5^2 = 0.01333 */
    for (int i = 0; i < 10; i++)
        ck_assert_double_eq(a->lrs[i], b->lrs[i]);
    /* no anchor: lr_min is one, as before the key */
    load_grid("lr_min = 0.01\nlr_max = 0.1\nlr_ratio = 2\n", a);
    ck_assert_int_eq(a->n_grid, 4);
    ck_assert_double_eq(a->lrs[0], 0.01);
    ck_assert_double_eq(a->lrs[3], 0.08);
    /* a range between two of the anchor's LRs holds none */
    char path[128], err[512];
    put_file("s.ini", "[sweep]\nvariants = a\nconfigs_dir = .\nseeds = 1\n"
             "lr_min = 0.031\nlr_max = 0.04\nlr_anchor = 0.03\nlr_ratio = 1.5\n");
    snprintf(path, sizeof path, "%s/s.ini", dir);
    ck_assert_int_eq(lms_sweep_load(a, path, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "s.ini: [sweep] no LR of the grid lies between "
                         "lr_min and lr_max"), "%s", err);
    free(a);
    free(b);
}
END_TEST

/* a ratio resting on an LR50 beyond the LRs run says so (the variant's or
 * the reference's), and one within both ranges does not */
START_TEST(ratio_from_extrapolated_lr50) {
    lms_curve v = {0}, r = {0};
    v.lr50.value = 24.4; /* d64's method 2: runs up to 1.23 */
    r.lr50.value = 0.569;
    char b[128] = "42.9 [2.52, 8.21e+09]";
    lms_curve_mark_ratio(b, sizeof b, &v, 3e-4, 1.23, &r, 3e-4, 1.23);
    ck_assert_str_eq(b, "42.9 [2.52, 8.21e+09] (from an extrapolated LR50)");
    v.lr50.value = 0.6;
    r.lr50.value = 2e-4; /* the reference's below its range */
    snprintf(b, sizeof b, "3");
    lms_curve_mark_ratio(b, sizeof b, &v, 3e-4, 1.23, &r, 3e-4, 1.23);
    ck_assert_str_eq(b, "3 (from an extrapolated LR50)");
    r.lr50.value = 0.5;
    snprintf(b, sizeof b, "1.2");
    lms_curve_mark_ratio(b, sizeof b, &v, 3e-4, 1.23, &r, 3e-4, 1.23);
    ck_assert_str_eq(b, "1.2");
}
END_TEST

/* an LR50 cell without a value says why: a curve that is flat or falls,
 * or no fit at all (Newton did not settle) */
START_TEST(curve_cell_without_lr50) {
    lms_curve c = {0};
    c.runs = 16;
    c.fails = 5;
    c.lr50.value = NAN;
    c.fit.b = -0.3;
    char b[128];
    lms_curve_format(b, sizeof b, &c.lr50, &c, 0.01, 0.3);
    ck_assert_str_eq(b, "none (failure does not rise with the LR)");
    c.fit.b = NAN;
    lms_curve_format(b, sizeof b, &c.lr50, &c, 0.01, 0.3);
    ck_assert_str_eq(b, "none (no fit: the curve's fit did not settle)");
    c.lr50 = (lms_estimate){0.1, 0.08, 0.12, 0};
    c.fit.b = 4;
    lms_curve_format(b, sizeof b, &c.lr50, &c, 0.01, 0.3);
    ck_assert_str_eq(b, "0.1 [0.08, 0.12]");
}
END_TEST

int main(void) {
    Suite *s = suite_create("sweep");
    TCase *tc = tcase_create("aggregate");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, max_stable_and_sensitivity);
    tcase_add_test(tc, reading_sentences);
    tcase_add_test(tc, reading_from_curves);
    tcase_add_test(tc, reading_one_seed);
    tcase_add_test(tc, under_trained_survives);
    tcase_add_test(tc, reading_provisional);
    tcase_add_test(tc, not_a_sweep_dir);
    tcase_add_test(tc, malformed_manifest);
    tcase_add_test(tc, grid_anchor);
    tcase_add_test(tc, ratio_from_extrapolated_lr50);
    tcase_add_test(tc, curve_cell_without_lr50);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
