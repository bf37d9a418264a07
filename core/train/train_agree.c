/* Data-parallel ranks must run the same job: the same config text and
 * overrides, data and plugins, from the same step to the same last step.
 * Each rank hashes what it has and all ranks compare (one collective per
 * check), so a mismatch or a rank that failed to set up stops every rank
 * with one clear message, instead of mismatched allreduces that abort,
 * spin for ever or silently train different parameters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "train/dist.h"
#include "util/fsutil.h"
#include "train/train_job.h"

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static unsigned long long fnv(unsigned long long h, const void *p, size_t n) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * FNV_PRIME;
    return h;
}

static unsigned long long fnv_str(unsigned long long h, const char *s) {
    return fnv(h, s ? s : "", (s ? strlen(s) : 0) + 1); /* NUL separates */
}

static unsigned long long fnv_u64(unsigned long long h, unsigned long long v) {
    return fnv(h, &v, sizeof v);
}

/* The job's identity: config text, overrides in order, data (token count
 * and hash; not the path, which may differ between nodes), and every
 * loaded plugin (name, version and the bytes of its .so). */
static unsigned long long identity(const job *j) {
    unsigned long long h = fnv_str(FNV_OFFSET, j->t.cfg.text);
    for (size_t i = 0; i < j->t.cfg.noverrides; i++)
        h = fnv_str(h, j->t.cfg.overrides[i]);
    h = fnv_u64(h, j->t.data.n_tokens);
    h = fnv_u64(h, lms_tokens_hash(j->t.data.tokens, j->t.data.n_tokens));
    for (int i = 0; i < lms_loader_nloaded(j->t.ld); i++) {
        const lms_plugin *p = lms_loader_loaded(j->t.ld, i);
        h = fnv_str(fnv_str(h, p->name), p->desc->version);
        char err[256];
        size_t n = 0;
        char *so = lms_read_file(p->path, (size_t)1 << 30, &n, err, sizeof err);
        h = so ? fnv(h, so, n) : fnv_str(h, "(unreadable)");
        free(so);
    }
    return h;
}

/* Where the ranks' runs start and end, and where they stop to save a
 * checkpoint (a collective vote: --checkpoint-every is not in the config,
 * nor is --out, and ranks saving at different steps would pair unrelated
 * collectives). */
static unsigned long long progress(const job *j) {
    unsigned long long h = fnv_u64(FNV_OFFSET, (unsigned long long)j->st.step);
    h = fnv_u64(h, (unsigned long long)j->t.tc.max_steps);
    h = fnv_u64(h, (unsigned long long)j->ckpt_every);
    h = fnv_u64(h, j->o->out_dir != NULL); /* saving is collective too */
    h = fnv_u64(h, j->st.rng.state);
    return fnv_u64(h, j->st.rng.inc);
}

int lms_job_agree(job *j, int rc, int stage, char *err, size_t errlen) {
    const lms_dist *d = lms_dist_world();
    if (d->size <= 1)
        return rc;
    unsigned long long h = 0, h0, hb;
    if (rc == 0)
        h = stage == LMS_AGREE_SETUP ? identity(j) : progress(j);
    int bad;
    int r = lms_dist_agree(rc, h, &bad, &h0, &hb);
    if (r == 0 || rc != 0) /* a rank that failed keeps its own message */
        return r == 0 ? 0 : -1;
    if (r == 1)
        snprintf(err, errlen, "MPI rank %d failed %s (see its message); "
                 "every rank stops", bad, stage == LMS_AGREE_SETUP
                 ? "to set up" : "to load its checkpoint or open the outputs");
    else if (stage == LMS_AGREE_SETUP)
        snprintf(err, errlen, "MPI ranks 0 and %d do not run the same job: "
                 "their config text, --set overrides, data or plugins differ "
                 "(identity %016llx vs %016llx); start every rank with the "
                 "same command", bad, h0, hb);
    else
        snprintf(err, errlen, "MPI ranks 0 and %d would not run the same "
                 "steps: their start step, training.max_steps, "
                 "--checkpoint-every, --out or data sampler differ (e.g. different "
                 "checkpoints); every rank stops", bad);
    return -1;
}
