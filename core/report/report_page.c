/* The report's text: Markdown, and the same content as HTML. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/json_file.h"
#include "io/config.h"
#include "util/fsutil.h"
#include "util/outfile.h"
#include "sweep/sweep.h"
#include "util/outpath.h"
#include "report/report.h"
#include "report/report_internal.h"
#include "sweep/sweep_internal.h"

int lms_report_reading(const lms_sweep *s, char *out, size_t n) {
    if (s->n_lrs == 1 && lms_report_quality_reading(s, out, n) == 0)
        return 0;
    return lms_sweep_reading(s, out, n);
}

cJSON *lms_report_first_summary(const lms_sweep *s) {
    char dir[4300], path[4400];
    for (int v = 0; v < s->n_variants; v++)
        for (int k = 0; k < s->n_lrs; k++) {
            lms_sweep_run_dir(s->out_dir, s->variants[v], s->lrs[k], s->seeds[0],
                              dir, sizeof dir);
            snprintf(path, sizeof path, "%s/summary.json", dir);
            char err[4600];
            cJSON *o = lms_json_read_object(path, LMS_SUMMARY_MAX_BYTES, err,
                                            sizeof err);
            if (o)
                return o;
        }
    return NULL;
}

/* "d_model 128, 4 layers, ..." from the run's config text + overrides. */
static void model_line(cJSON *sum, char *out, size_t n) {
    snprintf(out, n, "(unknown)");
    cJSON *text = cJSON_GetObjectItemCaseSensitive(sum, "config_text");
    cJSON *ov = cJSON_GetObjectItemCaseSensitive(sum, "overrides");
    if (!cJSON_IsString(text))
        return;
    lms_config c;
    char err[512];
    if (lms_config_load_string(&c, text->valuestring, "config", err, sizeof err) == 0) {
        cJSON *it;
        cJSON_ArrayForEach(it, ov) if (cJSON_IsString(it))
            lms_config_override(&c, it->valuestring, err, sizeof err);
        const char *k[] = {"d_model", "n_layer", "n_head", "context"};
        const char *v[4];
        for (int i = 0; i < 4; i++)
            v[i] = lms_config_str(&c, "model", k[i], "?");
        snprintf(out, n, "d_model %s, %s layers, %s heads, context %s, batch %s, "
                 "%s steps (warmup %s, %s schedule), grad clip %s, weight decay %s",
                 v[0], v[1], v[2], v[3],
                 lms_config_str(&c, "training", "batch_size", "16"),
                 lms_config_str(&c, "training", "max_steps", "1000"),
                 lms_config_str(&c, "training", "warmup_steps", "100"),
                 lms_config_str(&c, "training", "schedule", "cosine"),
                 lms_config_str(&c, "training", "grad_clip", "1.0"),
                 lms_config_str(&c, "training", "weight_decay", "0.1"));
    }
    lms_config_free(&c);
}

/* training.warmup_steps of a run (config text + overrides). */
static double warmup_of(cJSON *sum) {
    cJSON *text = cJSON_GetObjectItemCaseSensitive(sum, "config_text");
    cJSON *ov = cJSON_GetObjectItemCaseSensitive(sum, "overrides");
    double w = 100;
    lms_config c = {0}; /* freed below even when there is no config text */
    char err[512];
    if (cJSON_IsString(text) &&
        lms_config_load_string(&c, text->valuestring, "config", err, sizeof err) == 0) {
        cJSON *it;
        cJSON_ArrayForEach(it, ov) if (cJSON_IsString(it))
            lms_config_override(&c, it->valuestring, err, sizeof err);
        lms_parse_double(lms_config_str(&c, "training", "warmup_steps", "100"), &w);
    }
    lms_config_free(&c);
    return w;
}

static void tally(lms_tally *t, const char *key) {
    if (!key[0]) {
        t->none++;
        return;
    }
    int j = 0;
    while (j < t->n && strcmp(t->key[j], key))
        j++;
    if (j == t->n && j == 8) {
        t->other++;
        return;
    }
    if (j == t->n)
        snprintf(t->key[t->n++], sizeof t->key[0], "%s", key);
    t->runs[j]++;
}

void lms_report_compute(const lms_sweep *s, lms_compute *c) {
    memset(c, 0, sizeof *c);
    char dir[4300], err[512];
    lms_run_summary rs;
    for (int v = 0; v < s->n_variants; v++)
        for (int k = 0; k < s->n_lrs; k++)
            for (int i = 0; i < s->n_seeds; i++) {
                lms_sweep_run_dir(s->out_dir, s->variants[v], s->lrs[k],
                                  s->seeds[i], dir, sizeof dir);
                if (lms_sweep_read_summary(dir, &rs, err, sizeof err) != 0)
                    continue;
                const double sec = isfinite(rs.wall_seconds) ? rs.wall_seconds
                                                             : 0;
                c->runs++;
                c->seconds += sec;
                if (rs.reused) {
                    c->reused++;
                    c->reused_seconds += sec;
                }
                tally(&c->source, rs.source);
                tally(&c->data, rs.data_sha);
                tally(&c->tok, rs.tok_sha);
            }
}

static void emit_compute(FILE *f, const lms_compute *cp) {
    const lms_compute c = *cp;
    fprintf(f, "- **Compute:** %d runs finished, %.2f core-hours (the runs' "
            "wall-clock time summed, one thread each: an upper bound on their "
            "CPU time when the machine was shared)", c.runs,
            c.seconds / 3600.0);
    if (c.reused)
        fprintf(f, "; %d of the runs, %.2f of the core-hours, were another "
                "sweep's identical runs, copied ([sweep] reuse)", c.reused,
                c.reused_seconds / 3600.0);
    fprintf(f, ".\n");
}

/* The code that made the runs (counted by lms_report_compute). */
static void emit_code(FILE *f, const lms_compute *c) {
    const lms_tally *t = &c->source;
    if (!t->n && !t->none && !t->other)
        return;
    fprintf(f, "- **Code:** ");
    for (int j = 0; j < t->n; j++)
        fprintf(f, "%slmstab source `%s` (%d run%s)", j ? "; " : "", t->key[j],
                t->runs[j], t->runs[j] == 1 ? "" : "s");
    if (t->other)
        fprintf(f, "%sother sources (%d run%s)", t->n ? "; " : "", t->other,
                t->other == 1 ? "" : "s");
    if (t->none)
        fprintf(f, "%s%d run%s made before lmstab recorded its source",
                t->n || t->other ? "; " : "", t->none,
                t->none == 1 ? "" : "s");
    fprintf(f, ".\n");
}

/* Runs whose data or tokenizer files differ by content (the Data line
 * names the first run's): each SHA-256 with its runs, so that a mix is
 * seen; nothing when every run has one of each. */
static void emit_inputs(FILE *f, const lms_compute *c) {
    const lms_tally *t[2] = {&c->data, &c->tok};
    static const char *const what[2] = {"data", "tokenizer"};
    for (int i = 0; i < 2; i++) {
        if (t[i]->n + (t[i]->other > 0) + (t[i]->none > 0) < 2)
            continue;
        fprintf(f, "- **The runs' %s files differ** (by SHA-256): ", what[i]);
        for (int j = 0; j < t[i]->n; j++)
            fprintf(f, "%s`%s` (%d run%s)", j ? "; " : "", t[i]->key[j],
                    t[i]->runs[j], t[i]->runs[j] == 1 ? "" : "s");
        if (t[i]->other)
            fprintf(f, "; others (%d run%s)", t[i]->other,
                    t[i]->other == 1 ? "" : "s");
        if (t[i]->none)
            fprintf(f, "; none recorded (%d run%s)", t[i]->none,
                    t[i]->none == 1 ? "" : "s");
        fprintf(f, ".\n");
    }
}

/* The matrix-product kernels the runs used: a rerun reproduces a run bit
 * for bit only on its own kernel set (core/sweep/sweep_numerics.c). */
static void emit_kernels(FILE *f, const lms_sweep *s) {
    lms_kernel_count k[8];
    int other;
    int n = lms_sweep_kernels(s, -1, k, 8, &other);
    if (n == 0)
        return;
    fprintf(f, "- **Matrix products:** ");
    for (int i = 0; i < n; i++) {
        char d[96];
        lms_kernel_describe(&k[i], d, sizeof d);
        fprintf(f, "%s%s (%d run%s)", i ? "; " : "", d, k[i].runs,
                k[i].runs == 1 ? "" : "s");
    }
    if (other)
        fprintf(f, "; other kernels (%d run%s)", other, other == 1 ? "" : "s");
    fprintf(f, n == 1 && !other
                   ? ".\n"
                   : ". Kernels round differently: the runs are draws of the "
                     "same experiment, each reproducible bit for bit on its "
                     "own kernels only.\n");
}

/* The precision of a variant's products as its first finished run (in
 * grid order) records it: "fp32", "bf16 (<kernel>)", or "?" with none. */
static void variant_precision(const lms_sweep *s, int v, char *out, size_t n) {
    char dir[4300], err[512];
    lms_run_summary rs;
    snprintf(out, n, "?");
    for (int k = 0; k < s->n_lrs; k++)
        for (int si = 0; si < s->n_seeds; si++) {
            lms_sweep_run_dir(s->out_dir, s->variants[v], s->lrs[k],
                              s->seeds[si], dir, sizeof dir);
            if (lms_sweep_read_summary(dir, &rs, err, sizeof err) != 0)
                continue;
            if (!strcmp(rs.precision, "bf16") && rs.bf16_kernel[0])
                snprintf(out, n, "bf16 (%s kernel)", rs.bf16_kernel);
            else
                snprintf(out, n, "%s", rs.precision);
            return;
        }
}

/* One line: the precision of every variant's matrix products (a sweep
 * over `precisions` has each variant at each, side by side). */
static void emit_precision(FILE *f, const lms_sweep *s) {
    char p[LMS_SWEEP_MAX_VARIANTS][48];
    int mixed = 0;
    for (int v = 0; v < s->n_variants; v++) {
        variant_precision(s, v, p[v], sizeof p[v]);
        mixed |= strcmp(p[v], p[0]) != 0;
    }
    fprintf(f, "- **Precision** of the matrix products (`[training] "
            "precision`; bf16: both operands rounded to bfloat16, float32 "
            "sums, everything else float32):");
    if (!mixed)
        fprintf(f, " %s for every variant.\n", s->n_variants ? p[0] : "?");
    else
        for (int v = 0; v < s->n_variants; v++)
            fprintf(f, " `%s` %s%s", s->variants[v], p[v],
                    v + 1 < s->n_variants ? "," : ".\n");
}

/* A relabelled sweep (lmstab relabel) says so before anything else. */
static void emit_relabel(FILE *f, const cJSON *sum) {
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(sum, "relabel"), *it;
    if (!cJSON_IsArray(r) || !cJSON_GetArraySize(r))
        return;
    fprintf(f, "**Relabelled** (`lmstab relabel`) with");
    cJSON_ArrayForEach(it, r)
        if (cJSON_IsString(it))
            fprintf(f, " `%s`", it->valuestring);
    fprintf(f, ": every verdict here is recomputed from the runs' metrics.csv "
            "under keys that were not declared before the runs. It shows how "
            "the declared analysis depends on them; it is not the declared "
            "analysis.\n\n");
}

/* The seeds, as the design spends them and as far as they have run: a
 * failure-curve sweep runs its bands seed by seed, so the count finished
 * matters to every interval. */
static void emit_seeds(FILE *f, const lms_sweep *s) {
    fprintf(f, "- **Seeds:**");
    for (int i = 0; i < s->n_seeds; i++)
        fprintf(f, " %ld%s", s->seeds[i], i + 1 < s->n_seeds ? "," : "");
    if (s->n_lrs == 1) {
        fprintf(f, "; every seed at the one learning rate.\n");
        return;
    }
    if (s->edge_points <= 0) {
        fprintf(f, "; the first seed on every cell, up to %d on each variant's "
                "last stable and first unstable learning rate.\n",
                s->boundary_seeds);
        return;
    }
    int lo, hi;
    lms_sweep_band_seeds(s, &lo, &hi);
    char grid[32] = "the first seed";
    if (s->grid_seeds > 1)
        snprintf(grid, sizeof grid, "the first %d", s->grid_seeds);
    fprintf(f, "; %s on every grid learning rate, and %d on every learning "
            "rate of each variant's edge band (edges.json), run seed by seed "
            "across variants.", grid, s->edge_seeds);
    if (hi == 0)
        fprintf(f, " No band run has finished yet.\n");
    else if (lo == hi)
        fprintf(f, " Finished so far: %d of the %d at every band learning "
                "rate.\n", lo, s->edge_seeds);
    else
        fprintf(f, " Finished so far: %d to %d of the %d at the band learning "
                "rates.\n", lo, hi, s->edge_seeds);
}

static void emit_setup(FILE *f, const lms_sweep *s, cJSON *sum) {
    char model[512];
    model_line(sum, model, sizeof model);
    cJSON *data = cJSON_GetObjectItemCaseSensitive(sum, "data");
    cJSON *uni = cJSON_GetObjectItemCaseSensitive(sum, "unigram_entropy");
    cJSON *np = cJSON_GetObjectItemCaseSensitive(sum, "n_params");
    fprintf(f, "## Setup\n\n");
    fprintf(f, "- **Model:** %s; %.0f parameters (first variant).\n", model,
            cJSON_IsNumber(np) ? np->valuedouble : NAN);
    cJSON *bytes = cJSON_GetObjectItemCaseSensitive(sum, "data_bytes");
    cJSON *sha = cJSON_GetObjectItemCaseSensitive(sum, "data_sha256");
    char shown[4096];
    lms_output_path(cJSON_IsString(data) ? data->valuestring : "?", shown,
                    sizeof shown);
    fprintf(f, "- **Data:** `%s`", shown);
    if (cJSON_IsNumber(bytes) && cJSON_IsString(sha))
        fprintf(f, " (%.0f bytes, SHA-256 `%s`)", bytes->valuedouble,
                sha->valuestring);
    cJSON *tpb = cJSON_GetObjectItemCaseSensitive(sum, "val_tokens_per_byte");
    cJSON *tok = cJSON_GetObjectItemCaseSensitive(sum, "tokenizer");
    cJSON *tsha = cJSON_GetObjectItemCaseSensitive(sum, "tokenizer_sha256");
    if (cJSON_IsString(tok) && cJSON_IsNumber(tpb) && cJSON_IsString(tsha))
        fprintf(f, ", a token shard of the tokenizer `%s` (SHA-256 `%s`), %.4f "
                "tokens per byte of text over the validation windows: losses "
                "are nats per token, `final_val_bpb` in results.csv bits per "
                "byte", tok->valuestring, tsha->valuestring, tpb->valuedouble);
    else if (cJSON_IsNumber(tpb) || !cJSON_GetObjectItemCaseSensitive(sum, "val_tokens_per_byte"))
        fprintf(f, ", byte-level (losses in nats per byte; bits per byte = "
                "nats / ln 2)");
    else
        fprintf(f, ", a token shard without `data.tokenizer` (losses in nats "
                "per token; no bits per byte)");
    /* a byte-level run's token is a byte */
    const int bytes_only = !(cJSON_IsString(tok) && cJSON_IsNumber(tpb)) &&
                           (cJSON_IsNumber(tpb) || !tpb);
    fprintf(f, "; first 90%% train / last 10%% validation; unigram entropy of "
            "the training split %.4f nats per %s.\n",
            cJSON_IsNumber(uni) ? uni->valuedouble : NAN,
            bytes_only ? "byte" : "token");
    fprintf(f, "- **Variants:**");
    for (int v = 0; v < s->n_variants; v++)
        fprintf(f, " `%s`%s", s->variants[v], v + 1 < s->n_variants ? "," : ".\n");
    emit_precision(f, s);
    fprintf(f, "- **Learning rates:**");
    for (int k = 0; k < s->n_lrs; k++)
        fprintf(f, " %.4g%s", s->lrs[k], k + 1 < s->n_lrs ? "," : "");
    /* one geometric grid, or the grid with the failure curves' bands */
    int geometric = s->n_lrs > 1;
    for (int k = 2; k < s->n_lrs && geometric; k++)
        geometric = fabs(s->lrs[k] / s->lrs[k - 1] / (s->lrs[1] / s->lrs[0]) -
                         1.0) < 1e-3;
    if (geometric)
        fprintf(f, " (geometric, ratio %.3g).\n", s->lrs[1] / s->lrs[0]);
    else if (s->n_lrs > 1) {
        fprintf(f, " (a geometric grid and each variant's edge band, "
                   "edges.json, at ratio %.3g", s->edge_ratio);
        for (int v = 0; v < s->n_variants; v++)
            if (s->band_ratio[v] > s->edge_ratio * (1 + 1e-3))
                fprintf(f, "; %s's band widened to ratio %.4g to span its edge",
                        s->variants[v], s->band_ratio[v]);
        fprintf(f, ").\n");
    } else
        fprintf(f, ".\n");
    lms_compute c; /* (one pass over the runs' summaries) */
    lms_report_compute(s, &c);
    emit_compute(f, &c);
    emit_inputs(f, &c);
    emit_kernels(f, s);
    emit_code(f, &c);
    emit_seeds(f, s);
    fprintf(f, "- **Verdicts** (each run's own rule, `[verdict] rule`, default "
            "unless set; first label that applies): diverged = non-finite "
            "loss or gradient (the run stops); collapsed = final validation loss "
            ">= the unigram entropy of the training data minus the rule's margin; "
            "spiked = the smoothed training loss rose the rule's threshold above "
            "its running minimum at a step >= `spike_after` (warmup after that "
            "step included); "
            "converged otherwise (docs/results/protocol.md). %s"
            "**LR sensitivity** (Wortsman et al. 2023) = mean over LRs in [3e-4, 3e-1] of "
            "min(val loss, val loss at init) minus the best of them, from the "
            "grid LRs interpolated in log LR.\n\n",
            s->edge_points > 0 ? "" /* its failure curves replace it */
                               : "**Max stable LR** = the highest grid LR that "
                                 "converged on every seed run, with every lower "
                                 "LR also converged. ");
}

/* Norm growth tables (claim: QKV, Proj and FC2 outputs grow most, before
 * the loss blows up) for every variant with both kinds of run. */
static void emit_norms(FILE *f, const char *dir, const lms_sweep *s,
                       const int *stable, const int *bad, double warmup) {
    fprintf(f, "## Linear-output norms across adjacent learning rates\n\n"
            "For each op, the mean over layers of the mean token L2 norm of "
            "its output (before any added norm), seed %ld: the run at the last "
            "stable grid learning rate against the run one grid step above. "
            "The two runs differ in learning rate too, and one step alone moves "
            "the norms: the table above, at one learning rate, is the clean "
            "comparison. Warmup ends at step %.0f.\n\n", s->seeds[0], warmup);
    for (int v = 0; v < s->n_variants; v++) {
        if (stable[v] < 0 || bad[v] < 0)
            continue;
        char ok[4400], bd[4400];
        snprintf(ok, sizeof ok, "%s/plots/data/run_%s_%d.dat", dir, s->variants[v],
                 stable[v]);
        snprintf(bd, sizeof bd, "%s/plots/data/run_%s_%d.dat", dir, s->variants[v],
                 bad[v]);
        lms_report_norm_table(f, s->variants[v], ok, bd, s->lrs[stable[v]],
                              s->lrs[bad[v]], warmup);
    }
}

static void emit_figures(FILE *f, const lms_sweep *s, const int *stable,
                         const int *bad, int plots_ok) {
    fprintf(f, "## Figures\n\n");
    if (!plots_ok) {
        fprintf(f, "Plots were not drawn: gnuplot is missing or failed "
                "(`apt-get install gnuplot-nox`, then run `lmstab report` again).\n\n");
        return;
    }
    static const char *const rules[3] = {"default", "strict", "lenient"};
    for (int r = 0; r < 3; r++)
        fprintf(f, "![failure probability vs learning rate, rule %s]"
                "(plots/curves_%s.png)\n\n", rules[r], rules[r]);
    fprintf(f, "![final validation loss vs learning rate](plots/val_vs_lr.png)\n\n");
    for (int v = 0; v < s->n_variants; v++)
        if (stable[v] >= 0 && bad[v] >= 0)
            fprintf(f, "![%s: linear-output norms, converging vs unstable]"
                    "(plots/norms_%s.png)\n\n", s->variants[v], s->variants[v]);
    for (int v = 0; v < s->n_variants; v++)
        fprintf(f, "![%s: training loss curves](plots/loss_%s.png)\n\n",
                s->variants[v], s->variants[v]);
}

/* The null check (lms_report_null) with its CSVs opened on nul and dep,
 * its section into *buf (*len bytes) and the reading's claims into
 * *claims (free both). 0, or -1 with a message and nul, dep aborted. */
static int null_first(const char *dir, const lms_sweep *s, int sims,
                      lms_out *nul, lms_out *dep, char **buf, size_t *len,
                      char **claims, char *err, size_t errlen) {
    enum { CLAIMS = 65536 }; /* a row's sentence is a few hundred bytes */
    char path[4300], dpath[4300];
    snprintf(path, sizeof path, "%s/report_null.csv", dir);
    snprintf(dpath, sizeof dpath, "%s/report_dependence.csv", dir);
    *claims = calloc(CLAIMS, 1);
    FILE *mem = *claims ? open_memstream(buf, len) : NULL;
    int rc = -1;
    if (!mem)
        lms_errf(err, errlen, "out of memory");
    else if (lms_out_open(nul, path, err, errlen) &&
             lms_out_open(dep, dpath, err, errlen) &&
             lms_report_null(mem, nul->f, dep->f, s, sims, stderr, *claims,
                             CLAIMS, err, errlen) == 0)
        rc = 0;
    /* a buffer that could not grow: a write failed, or the close does */
    if (mem) {
        const int failed = ferror(mem);
        if ((fclose(mem) != 0 || failed) && rc == 0)
            rc = lms_errf(err, errlen, "out of memory");
    }
    if (rc != 0) {
        free(*buf);
        free(*claims);
        *buf = *claims = NULL;
        lms_out_abort(dep);
        lms_out_abort(nul);
    }
    return rc;
}

int lms_report_page(const char *dir, const lms_sweep *s, const int *stable,
                    const int *bad, int plots_ok, int null_sims, char *err,
                    size_t errlen);
int lms_report_page(const char *dir, const lms_sweep *s, const int *stable,
                    const int *bad, int plots_ok, int null_sims, char *err,
                    size_t errlen) {
    char path[4300];
    snprintf(path, sizeof path, "%s/table.md", dir);
    FILE *t = lms_fopen_regular(path, err, errlen); /* the aggregate's */
    if (!t)
        return -1;
    /* report.md, report_null.csv and report_dependence.csv */
    lms_out page[3] = {{0}}, html;
    lms_out *md = &page[0], *nul = &page[1], *dep = &page[2];
    snprintf(path, sizeof path, "%s/report.md", dir);
    FILE *f = lms_out_open(md, path, err, errlen);
    if (!f) {
        fclose(t);
        return -1;
    }
    cJSON *sum = lms_report_first_summary(s);
    double warmup = warmup_of(sum);
    const cJSON *vs = cJSON_GetObjectItemCaseSensitive(sum, "vocab_size");
    const int vocab = cJSON_IsNumber(vs) ? vs->valueint : 256;
    char reading[4096];
    if (lms_report_reading(s, reading, sizeof reading) != 0)
        reading[0] = '\0';
    /* the null check first: the reading states its declared claims, the
     * section goes after the tables it checks */
    char *nbuf = NULL, *claims = NULL;
    size_t nlen = 0;
    if (null_sims > 0 && null_first(dir, s, null_sims, nul, dep, &nbuf, &nlen,
                                    &claims, err, errlen) != 0) {
        cJSON_Delete(sum);
        fclose(t);
        lms_out_abort(md);
        return -1;
    }
    fprintf(f, "# lmstab sweep report\n\n");
    emit_relabel(f, sum); /* before the reading it qualifies */
    fprintf(f, "**Reading.** %s%s%s\n\nGenerated by `lmstab report`; the "
            "verdict rules are declared in docs/results/protocol.md.\n\n",
            reading, claims && claims[0] && reading[0] ? " " : "",
            claims ? claims : "");
    free(claims);
    emit_setup(f, s, sum);
    cJSON_Delete(sum);
    fprintf(f, "## Results\n\n");
    char line[8192];
    while (fgets(line, sizeof line, t))
        fputs(line, f);
    fclose(t);
    fputc('\n', f);
    if (nbuf) /* beside the failure-curve tables it checks */
        fwrite(nbuf, 1, nlen, f);
    free(nbuf);
    char data_dir[4300];
    snprintf(data_dir, sizeof data_dir, "%s/plots/data", dir);
    if (lms_report_quality_table(f, s, data_dir, err, errlen) != 0 ||
        lms_report_split_tables(f, s, data_dir, warmup, err, errlen) != 0) {
        lms_out_abort(dep);
        lms_out_abort(nul);
        lms_out_abort(md);
        return -1;
    }
    lms_report_logits_table(f, s, vocab);
    emit_norms(f, dir, s, stable, bad, warmup);
    emit_figures(f, s, stable, bad, plots_ok);
    if (lms_out_commit_all(page, 3, err, errlen) != 0)
        return -1;
    /* without a null check, an earlier one goes with the page it belonged
     * to (a stale one would be published beside this page) */
    static const char *const stale[] = {"report_null.csv",
                                        "report_dependence.csv"};
    for (int i = 0; null_sims <= 0 && i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, stale[i]);
        if (remove(path) != 0 && errno != ENOENT)
            return lms_errf(err, errlen, "%s: cannot remove: %s", path,
                            strerror(errno));
    }
    snprintf(path, sizeof path, "%s/report.md", dir);
    FILE *in = lms_fopen_regular(path, err, errlen);
    if (!in)
        return -1;
    snprintf(path, sizeof path, "%s/report.html", dir);
    FILE *o = lms_out_open(&html, path, err, errlen);
    if (!o) {
        fclose(in);
        return -1;
    }
    lms_md_to_html(in, o, "lmstab report");
    fclose(in);
    return lms_out_commit(&html, err, errlen);
}
