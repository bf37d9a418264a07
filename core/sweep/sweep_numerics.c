/* Which arithmetic a sweep's runs used. A run's numbers depend on its
 * matrix-product backend and kernel set (OpenBLAS picks one per CPU, or
 * the one OPENBLAS_CORETYPE names), never on its thread count. A sweep
 * resumed on another machine mixes kernels: its runs stay valid draws of
 * the experiment, but a rerun reproduces each only on its own kernel, so
 * the sweep says so before it continues and the report counts them. */
#include <stdio.h>
#include <string.h>

#include "kernels/host.h"
#include "sweep/sweep.h"
#include "sweep/sweep_internal.h"

int lms_sweep_kernels(const lms_sweep *s, int v, lms_kernel_count *out,
                      int max) {
    int n = 0;
    char dir[4300], err[512];
    lms_run_summary rs;
    for (int w = v < 0 ? 0 : v; w < (v < 0 ? s->n_variants : v + 1); w++)
        for (int k = 0; k < s->n_lrs; k++)
            for (int i = 0; i < s->n_seeds; i++) {
                lms_sweep_run_dir(s->out_dir, s->variants[w], s->lrs[k],
                                  s->seeds[i], dir, sizeof dir);
                if (lms_sweep_read_summary(dir, &rs, err, sizeof err) != 0)
                    continue;
                int j = 0;
                while (j < n && (strcmp(out[j].gemm, rs.gemm) ||
                                 strcmp(out[j].kernel, rs.gemm_kernel)))
                    j++;
                if (j == n) {
                    if (n == max)
                        continue; /* more kinds than asked for: uncounted */
                    memcpy(out[n].gemm, rs.gemm, sizeof out[n].gemm);
                    memcpy(out[n].kernel, rs.gemm_kernel, sizeof out[n].kernel);
                    out[n++].runs = 0;
                }
                out[j].runs++;
            }
    for (int i = 1; i < n; i++) /* most runs first; ties in grid order */
        for (int j = i; j > 0 && out[j].runs > out[j - 1].runs; j--) {
            lms_kernel_count t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    return n;
}

/* The backend and kernel set variant v's next runs get on this machine:
 * its [training] gemm, `auto` resolved by the rule train uses. */
static void next_kernel(const lms_sweep *s, int v, lms_kernel_count *k) {
    lms_gemm_backend b = (lms_gemm_backend)s->gemm[v];
    if (b == LMS_GEMM_AUTO)
        b = lms_gemm_auto(NULL, 0);
    if (!lms_gemm_backend_available(b))
        b = LMS_GEMM_OPENBLAS; /* what train does without oneDNN */
    snprintf(k->gemm, sizeof k->gemm, "%s", lms_gemm_backend_name(b));
    snprintf(k->kernel, sizeof k->kernel, "%s", lms_gemm_kernel_name(b));
}

void lms_sweep_numerics_note(const lms_sweep *s, FILE *f) {
    char said[LMS_SWEEP_MAX_VARIANTS][128];
    int n_said = 0;
    for (int v = 0; v < s->n_variants; v++) {
        lms_kernel_count had[4], next;
        int n = lms_sweep_kernels(s, v, had, 4);
        if (n == 0 || !had[0].gemm[0]) /* none yet, or runs before the key */
            continue;
        next_kernel(s, v, &next);
        if (!strcmp(had[0].gemm, next.gemm) &&
            !strcmp(had[0].kernel, next.kernel))
            continue;
        char key[128]; /* one note per change, not per variant */
        snprintf(key, sizeof key, "%s %s>%s %s", had[0].gemm, had[0].kernel,
                 next.gemm, next.kernel);
        int seen = 0;
        for (int i = 0; i < n_said && !seen; i++)
            seen = !strcmp(said[i], key);
        if (seen)
            continue;
        snprintf(said[n_said++], sizeof said[0], "%s", key);
        fprintf(f, "sweep: note: %s's finished runs (%d of them) used gemm %s "
                "on kernel set %s; its next runs here will use gemm %s on "
                "kernel set %s, which rounds differently. Both are valid draws "
                "of the experiment, but the sweep will no longer reproduce bit "
                "for bit on one machine (its report counts the runs of each).",
                s->variants[v], had[0].runs, had[0].gemm, had[0].kernel,
                next.gemm, next.kernel);
        if (!strcmp(had[0].gemm, "openblas") && !strcmp(next.gemm, "openblas"))
            fprintf(f, " To keep the arithmetic, stop (Ctrl-C) and run the "
                    "same command with OPENBLAS_CORETYPE=%s, if this CPU runs "
                    "that kernel set.", had[0].kernel);
        fputc('\n', f);
    }
}
