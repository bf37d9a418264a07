/* Run verdicts under pre-declared rules (verdict.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/core_keys.h"
#include "util/fsutil.h"
#include "train/verdict.h"

/* The rules, in this order. Their numbers are the defaults of the keys
 * <rule>_margin and <rule>_spike in core/io/core_keys.c, declared in
 * docs/results/protocol.md before the sweeps ran: strict fails a run that
 * spiked half a nat or ended within half a nat of the unigram entropy
 * (byte counts alone); lenient only a run that diverged or ended at or
 * above it. */
static const lms_rule default_rules[LMS_N_RULES] = {
    {"strict", 0, 0},
    {"default", 0, 0},
    {"lenient", 0, 0},
};

int lms_verdict_cfg_read(lms_verdict_cfg *v, lms_config *c, char *err,
                         size_t errlen) {
    memset(v, 0, sizeof *v);
    memcpy(v->rules, default_rules, sizeof v->rules);
    const char *s = "verdict";
    /* defaults and bounds: core/io/core_keys.c */
    if (lms_core_float(c, s, "smoothing", &v->smoothing, err, errlen) ||
        lms_core_int(c, s, "spike_after", &v->spike_after, err, errlen))
        return -1;
    for (int i = 0; i < LMS_N_RULES; i++) {
        char km[48], ks[48];
        snprintf(km, sizeof km, "%s_margin", v->rules[i].name);
        snprintf(ks, sizeof ks, "%s_spike", v->rules[i].name);
        if (lms_core_float(c, s, km, &v->rules[i].margin, err, errlen) ||
            lms_core_float(c, s, ks, &v->rules[i].spike, err, errlen))
            return -1;
    }
    v->own = 1;
    lms_cfg_entry *e = lms_config_find(c, s, "rule");
    if (e) {
        v->own = -1;
        for (int i = 0; i < LMS_N_RULES; i++)
            if (!strcmp(e->value, v->rules[i].name))
                v->own = i;
        if (v->own < 0) {
            lms_config_errorf(e, err, errlen, "must be strict, default or "
                              "lenient (got '%s')", e->value);
            return -1;
        }
    }
    lms_config_has_section(c, s);
    return 0;
}

void lms_facts_init(lms_facts *f) {
    memset(f, 0, sizeof *f);
    f->ema = NAN;
    f->ema_min = NAN;
    f->max_rise_step = -1;
    f->final_val = NAN;
}

void lms_facts_add(lms_facts *f, const lms_verdict_cfg *v, long step,
                   int has_train, double train_loss, double grad_norm,
                   double val_loss) {
    if (!isnan(val_loss))
        f->final_val = val_loss;
    if (!has_train)
        return;
    if (!isfinite(train_loss) || (!isnan(grad_norm) && !isfinite(grad_norm))) {
        f->diverged = 1;
        return;
    }
    const double a = v->smoothing;
    f->ema = f->rows == 0 ? train_loss : a * f->ema + (1.0 - a) * train_loss;
    f->rows++;
    if (step >= v->spike_after && !isnan(f->ema_min)) {
        double rise = f->ema - f->ema_min;
        if (rise > f->max_rise || f->max_rise_step < 0) {
            f->max_rise = rise > 0 ? rise : 0;
            f->max_rise_step = step;
        }
    }
    if (isnan(f->ema_min) || f->ema < f->ema_min)
        f->ema_min = f->ema;
}

lms_verdict lms_rule_label(const lms_rule *r, const lms_facts *f,
                           double unigram_entropy) {
    if (f->diverged)
        return LMS_DIVERGED;
    if (!isfinite(f->final_val) || f->final_val >= unigram_entropy - r->margin)
        return LMS_COLLAPSED;
    if (r->spike > 0 && f->max_rise_step >= 0 && f->max_rise >= r->spike)
        return LMS_SPIKED;
    return LMS_CONVERGED;
}

int lms_verdict_parse(const char *name) {
    for (int i = 0; i <= LMS_DIVERGED; i++)
        if (!strcmp(name, lms_verdict_name((lms_verdict)i)))
            return i;
    if (!strcmp(name, "blew_up"))
        return LMS_SPIKED;
    return -1;
}

/* The cell of column col in a CSV line (no quoting: metrics.csv has none):
 * 1 and *x set, "nan"/"inf" parsed as such; 0 when empty or missing (*x
 * NaN); -1 when it is not one number (*x NaN, the cell in bad[0..nbad)). */
static int cell(const char *line, int col, double *x, char *bad, size_t nbad) {
    const char *p = line;
    for (int i = 0; i < col && p; i++) {
        p = strchr(p, ',');
        if (p)
            p++;
    }
    *x = NAN;
    if (!p || *p == ',' || *p == '\n' || *p == '\r' || *p == '\0')
        return 0;
    char *end;
    const double v = strtod(p, &end);
    if (end == p || (*end && *end != ',' && *end != '\r' && *end != '\n')) {
        snprintf(bad, nbad, "%.*s", (int)strcspn(p, ",\r\n"), p);
        return -1;
    }
    *x = v;
    return 1;
}

int lms_facts_from_csv(lms_facts *f, const lms_verdict_cfg *v,
                       const char *path, char *err, size_t errlen) {
    lms_facts_init(f);
    FILE *in = lms_fopen_regular(path, err, errlen); /* never a FIFO */
    if (!in)
        return -1;
    size_t cap = 0;
    char *line = NULL;
    int c_step = -1, c_train = -1, c_grad = -1, c_val = -1, rc = 0;
    long lineno = 0;
    double last_step = -1;
    while (getline(&line, &cap, in) > 0) {
        lineno++;
        if (lineno == 1) {
            int col = 0;
            for (char *tok = line; tok; col++) {
                size_t n = strcspn(tok, ",\r\n");
                if (n == 4 && !strncmp(tok, "step", 4)) c_step = col;
                if (n == 10 && !strncmp(tok, "train_loss", 10)) c_train = col;
                if (n == 9 && !strncmp(tok, "grad_norm", 9)) c_grad = col;
                if (n == 8 && !strncmp(tok, "val_loss", 8)) c_val = col;
                tok = tok[n] == ',' ? tok + n + 1 : NULL;
            }
            if (c_step < 0 || c_train < 0 || c_val < 0) {
                snprintf(err, errlen, "%s:1: not a metrics.csv header (needs "
                         "step, train_loss and val_loss)", path);
                rc = -1;
                break;
            }
            continue;
        }
        double step, train, grad = NAN, val;
        char bad[64];
        if (cell(line, c_step, &step, bad, sizeof bad) != 1 || !isfinite(step)) {
            snprintf(err, errlen, "%s:%ld: no step in this row", path, lineno);
            rc = -1;
            break;
        }
        /* a step we wrote is a whole number (and fits a long), and each
         * row's is above the one before (a resume cuts the file back) */
        if (!(step >= 0 && step <= 1e15) || step != floor(step)) {
            snprintf(err, errlen, "%s:%ld: step %.17g is not a whole number "
                     "from 0 to 1e15", path, lineno, step);
            rc = -1;
            break;
        }
        if (lineno > 2 && step <= last_step) {
            snprintf(err, errlen, "%s:%ld: step %.0f after step %.0f: the "
                     "rows' steps must rise", path, lineno, step, last_step);
            rc = -1;
            break;
        }
        last_step = step;
        /* a cell that is not a number is an error, never a zero or a gap */
        static const char *const names[3] = {"train_loss", "grad_norm",
                                             "val_loss"};
        const int cols[3] = {c_train, c_grad, c_val};
        double *dst[3] = {&train, &grad, &val};
        int got[3] = {0, 0, 0};
        for (int i = 0; i < 3 && rc == 0; i++) {
            if (cols[i] < 0)
                continue;
            got[i] = cell(line, cols[i], dst[i], bad, sizeof bad);
            if (got[i] < 0) {
                snprintf(err, errlen, "%s:%ld: %s is '%s', not a number", path,
                         lineno, names[i], bad);
                rc = -1;
            }
        }
        if (rc != 0)
            break;
        lms_facts_add(f, v, (long)step, got[0] || got[1], train, grad, val);
    }
    if (rc == 0 && lineno == 0) {
        snprintf(err, errlen, "%s: empty file", path);
        rc = -1;
    } else if (rc == 0 && lineno == 1) {
        snprintf(err, errlen, "%s: a header and no rows", path);
        rc = -1;
    }
    free(line);
    fclose(in);
    return rc;
}
