/* The paper's signal in numbers: how much each linear op's output norm grows
 * in an unstable run against a converging run of the same variant, and
 * whether it grows before the loss separates. Reads the plot data files. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"

int lms_report_norm_table(FILE *f, const char *variant, const char *ok_path,
                          const char *bad_path, double lr_ok, double lr_bad,
                          double warmup) {
    lms_series ok = {0, NULL}, bad = {0, NULL};
    if (lms_series_load(ok_path, &ok) != 0 || ok.n < 2 ||
        lms_series_load(bad_path, &bad) != 0 || bad.n < 2) {
        free(ok.v);
        free(bad.v);
        return -1;
    }
    static const char *const names[LMS_REPORT_NOPS + 1] = {
        "qkv", "proj", "fc1", "fc2", "max attention score"};
    fprintf(f, "**%s** (converging: lr %.3g; unstable: lr %.3g)\n\n"
            "| output | converging: at warmup end -> max after | unstable: at "
            "warmup end -> max after | growth after warmup, unstable | max, "
            "unstable / converging | first step unstable > 2x converging |\n"
            "|---|---|---|---|---|---|\n", variant, lr_ok, lr_bad);
    for (int o = 0; o <= LMS_REPORT_NOPS; o++) {
        double ow, om, bw, bm;
        lms_series_after(&ok, 4 + o, warmup, &ow, &om);
        lms_series_after(&bad, 4 + o, warmup, &bw, &bm);
        double t = lms_series_first_sep(&ok, &bad, 4 + o, 2.0, 0.0);
        char when[32] = "never";
        if (isfinite(t))
            snprintf(when, sizeof when, "%.0f", t);
        fprintf(f, "| %s | %.3g -> %.3g | %.3g -> %.3g | %.1fx | %.1fx | %s |\n",
                names[o], ow, om, bw, bm, bm / bw, bm / om, when);
    }
    double loss_sep = lms_series_first_sep(&ok, &bad, 1, 1.0, 0.25);
    if (isfinite(loss_sep))
        fprintf(f, "\nThe smoothed training loss of the unstable run first exceeds "
                "the converging run's by 0.25 nats at step %.0f.\n\n", loss_sep);
    else
        fprintf(f, "\nThe smoothed training losses never differ by 0.25 nats.\n\n");
    free(ok.v);
    free(bad.v);
    return 0;
}
