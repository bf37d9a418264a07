/*
 * Golden check: compare the model of an INI config against a PyTorch
 * reference file in the ../shared/golden safetensors format (x, y, p0.*,
 * logits0, loss0, g0.*, grad_norm0, p1.*, loss1, g1.*, grad_norm1, p2.*,
 * loss2; __metadata__.config = JSON with the dims and optimizer settings).
 *
 * Name mapping (lmstab -> file): tensor names are the same
 * ("wte", "h.0.qkv.weight", "ln_f.bias", ...) after these rewrites of the
 * dotted path: "attn.q_norm" -> "q_ln", "attn.k_norm" -> "k_ln", plus any
 * user rules "--map OURS=THEIRS" applied first.
 *
 * Precision: __metadata__.config "precision" ("fp32" when absent, or
 * "bf16") must equal the model's [training] precision (else an error), and
 * a bf16 file is checked under the bf16 rules of the golden README: loss1
 * and g1 at the file's p1, loss2 within 5e-4, our own p1 and p2 within
 * 3e-2; the rest as for fp32.
 */
#ifndef LMSTAB_GOLDEN_H
#define LMSTAB_GOLDEN_H

#include <stdio.h>

typedef struct lms_golden_opts {
    const char *config_path;
    const char *golden_path;
    const char *const *sets; /* "--set" assignments, nsets of them */
    int nsets;
    const char *const *maps; /* "ours=theirs" rewrites */
    int nmaps;
    const char *plugin_dir;  /* may be NULL */
    int verbose;             /* print every tensor, not only the worst */
} lms_golden_opts;

/* Runs the comparison, printing a table to out. Returns 0 when everything
 * is within tolerance, 1 on a numeric mismatch, -1 on an error (message in
 * err: unreadable file, missing tensor, config problem). */
int lms_golden_run(const lms_golden_opts *o, FILE *out, char *err,
                   size_t errlen);

#endif
