/* Which arithmetic a sweep's runs used. A run's numbers depend on its
 * matrix-product backend and kernel set (OpenBLAS picks one per CPU, or
 * the one OPENBLAS_CORETYPE names) and, at bf16, its bf16 kernel, never on
 * its thread count. A sweep resumed on another machine mixes kernels: its
 * runs stay valid draws of the experiment, but a rerun reproduces each only
 * on its own kernels, so the sweep says so before it continues and the
 * report counts them. */
#include <stdio.h>
#include <string.h>

#include "kernels/gemm.h"
#include "kernels/host.h"
#include "sweep/sweep.h"
#include "sweep/sweep_internal.h"

static int same(const lms_kernel_count *a, const char *gemm,
                const char *kernel, const char *bf16) {
    return !strcmp(a->gemm, gemm) && !strcmp(a->kernel, kernel) &&
           !strcmp(a->bf16, bf16);
}

int lms_sweep_kernels(const lms_sweep *s, int v, lms_kernel_count *out,
                      int max, int *other) {
    int n = 0, left = 0;
    char dir[4300], err[512];
    lms_run_summary rs;
    for (int w = v < 0 ? 0 : v; w < (v < 0 ? s->n_variants : v + 1); w++)
        for (int k = 0; k < s->n_lrs; k++)
            for (int i = 0; i < s->n_seeds; i++) {
                lms_sweep_run_dir(s->out_dir, s->variants[w], s->lrs[k],
                                  s->seeds[i], dir, sizeof dir);
                if (lms_sweep_read_summary(dir, &rs, err, sizeof err) != 0)
                    continue;
                const char *bf = strcmp(rs.precision, "bf16") ? "" : rs.bf16_kernel;
                int j = 0;
                while (j < n && !same(&out[j], rs.gemm, rs.gemm_kernel, bf))
                    j++;
                if (j == n) {
                    if (n == max) {
                        left++; /* more kinds than asked for */
                        continue;
                    }
                    snprintf(out[n].gemm, sizeof out[n].gemm, "%s", rs.gemm);
                    snprintf(out[n].kernel, sizeof out[n].kernel, "%s",
                             rs.gemm_kernel);
                    snprintf(out[n].bf16, sizeof out[n].bf16, "%s", bf);
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
    if (other)
        *other = left;
    return n;
}

void lms_kernel_describe(const lms_kernel_count *k, char *out, size_t n) {
    int w = snprintf(out, n, "%s on kernel set %s",
                     k->gemm[0] ? k->gemm : "not recorded",
                     k->kernel[0] ? k->kernel : "not recorded");
    if (k->bf16[0] && w >= 0 && (size_t)w < n)
        snprintf(out + w, n - (size_t)w, ", bf16 kernel %s", k->bf16);
}

void lms_sweep_next_kernel(const lms_sweep *s, int v, lms_kernel_count *k) {
    lms_gemm_backend b = (lms_gemm_backend)s->gemm[v];
    if (b == LMS_GEMM_AUTO)
        b = lms_gemm_auto(NULL, 0);
    if (!lms_gemm_backend_available(b))
        b = LMS_GEMM_OPENBLAS; /* what train does without oneDNN */
    k->runs = 0;
    snprintf(k->gemm, sizeof k->gemm, "%s", lms_gemm_backend_name(b));
    snprintf(k->kernel, sizeof k->kernel, "%s", lms_gemm_kernel_name(b));
    k->bf16[0] = '\0';
    if (s->bf16[v]) {
        lms_bf16_kernel bk = lms_bf16_kernel_auto(NULL);
        if ((bk == LMS_BF16_NATIVE && !lms_bf16_native_available()) ||
            (bk == LMS_BF16_AMX && !lms_bf16_amx_available()))
            bk = LMS_BF16_EMULATED;
        snprintf(k->bf16, sizeof k->bf16, "%s", lms_bf16_kernel_name(bk));
    }
}

/* How to get had's arithmetic back for variant v, if this machine can. */
static void how_to_keep(FILE *f, const lms_sweep *s, int v,
                        const lms_kernel_count *had,
                        const lms_kernel_count *next) {
    const int was_openblas = !strcmp(had->gemm, "openblas");
    if (was_openblas && strcmp(had->kernel, next->kernel)) {
        fprintf(f, " To keep the arithmetic, stop (Ctrl-C) and run the same "
                "command with OPENBLAS_CORETYPE=%s, if this CPU runs that "
                "kernel set", had->kernel);
        /* auto would then see a narrower OpenBLAS and pick lmstab's own */
        if (s->gemm[v] == LMS_GEMM_AUTO &&
            lms_gemm_auto_under(had->kernel) != LMS_GEMM_OPENBLAS)
            fprintf(f, ", and with --set training.gemm=openblas (`gemm = "
                    "auto` would pick lmstab's kernel beside it)");
        fputc('.', f);
    } else if (strcmp(had->gemm, next->gemm) &&
               (was_openblas || !strcmp(had->gemm, "lmstab")))
        fprintf(f, " To keep the arithmetic, stop (Ctrl-C) and run the same "
                "command with --set training.gemm=%s%s.", had->gemm,
                strcmp(had->gemm, "lmstab") || !strcmp(had->kernel, lms_gemm_isa())
                    ? "" : " (if this CPU runs that instruction set)");
    if (strcmp(had->bf16, next->bf16) && had->bf16[0])
        fprintf(f, " For the bf16 kernel: LMSTAB_BF16_KERNEL=%s, if this CPU "
                "has it.", had->bf16);
}

void lms_sweep_numerics_note(const lms_sweep *s, FILE *f) {
    char said[LMS_SWEEP_MAX_VARIANTS][200];
    int n_said = 0;
    for (int v = 0; v < s->n_variants; v++) {
        lms_kernel_count had[4], next;
        int n = lms_sweep_kernels(s, v, had, 4, NULL);
        if (n == 0 || !had[0].gemm[0]) /* none yet, or runs before the key */
            continue;
        lms_sweep_next_kernel(s, v, &next);
        if (same(&had[0], next.gemm, next.kernel, next.bf16))
            continue;
        char a[96], b[96], key[200]; /* one note per change, not per variant */
        lms_kernel_describe(&had[0], a, sizeof a);
        lms_kernel_describe(&next, b, sizeof b);
        snprintf(key, sizeof key, "%s>%s", a, b);
        int seen = 0;
        for (int i = 0; i < n_said && !seen; i++)
            seen = !strncmp(said[i], key, sizeof said[0] - 1);
        if (seen)
            continue;
        snprintf(said[n_said++], sizeof said[0], "%s", key);
        fprintf(f, "sweep: note: %s's finished runs (%d of them) used %s; "
                "any run it starts or resumes here will use %s, which rounds "
                "differently. Both are valid draws of the experiment, but the "
                "sweep will no longer reproduce bit for bit on one machine "
                "(its report counts the runs of each).", s->variants[v],
                had[0].runs, a, b);
        how_to_keep(f, s, v, &had[0], &next);
        fputc('\n', f);
    }
}
