/* The per-run series behind the report's tables (report_internal.h): a
 * plot data file read back, the row-wise median of several runs, and the
 * two questions the tables ask of a pair of series. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/fsutil.h"
#include "report/report_internal.h"
#include "util/order.h"

#define MAX_ROWS 100000

int lms_series_load(const char *path, lms_series *s) {
    s->n = 0;
    s->v = NULL;
    char err[512];
    FILE *f = lms_fopen_regular(path, err, sizeof err);
    if (!f)
        return -1;
    size_t cap = 0;
    char line[2048];
    while (s->n < MAX_ROWS && fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        if ((size_t)s->n == cap) { /* grow: most series are short */
            cap = cap ? 2 * cap : 256;
            void *v = realloc(s->v, sizeof *s->v * cap);
            if (!v)
                break;
            s->v = v;
        }
        char *p = line;
        for (int c = 0; c < LMS_SERIES_NCOL; c++)
            s->v[s->n][c] = strtod(p, &p);
        s->n++;
    }
    fclose(f);
    return s->n > 0 ? 0 : -1;
}

int lms_series_median(const lms_series *runs, int n, lms_series *out) {
    out->n = 0;
    for (int r = 0; r < n; r++)
        out->n = runs[r].n > out->n ? runs[r].n : out->n;
    out->v = malloc(sizeof *out->v * (out->n ? out->n : 1));
    double *vals = malloc(sizeof(double) * (n ? n : 1));
    if (!out->v || !vals) {
        free(vals);
        return -1;
    }
    for (int i = 0; i < out->n; i++)
        for (int c = 0; c < LMS_SERIES_NCOL; c++) {
            int m = 0;
            for (int r = 0; r < n; r++)
                if (i < runs[r].n && isfinite(runs[r].v[i][c]))
                    vals[m++] = runs[r].v[i][c];
            if (m == 0) {
                out->v[i][c] = NAN;
                continue;
            }
            out->v[i][c] = lms_median(vals, (size_t)m);
        }
    free(vals);
    return 0;
}

void lms_series_after(const lms_series *s, int c, double from, double *at,
                      double *mx) {
    *at = NAN;
    *mx = NAN;
    for (int i = 0; i < s->n; i++) {
        double v = s->v[i][c];
        if (s->v[i][0] < from || !isfinite(v))
            continue;
        if (isnan(*at))
            *at = v;
        if (isnan(*mx) || v > *mx)
            *mx = v;
    }
}

double lms_series_first_sep(const lms_series *ok, const lms_series *bad, int c,
                            double factor, double add) {
    int n = ok->n < bad->n ? ok->n : bad->n;
    double eo = NAN, eb = NAN;
    for (int i = 0; i < n; i++) {
        double a = ok->v[i][c], b = bad->v[i][c];
        if (!isfinite(a) || !isfinite(b))
            continue;
        if (add > 0) { /* smooth losses before comparing them */
            eo = isnan(eo) ? a : 0.8 * eo + 0.2 * a;
            eb = isnan(eb) ? b : 0.8 * eb + 0.2 * b;
            a = eo;
            b = eb;
        }
        if (b > factor * a + add)
            return bad->v[i][0];
    }
    return NAN;
}
