/* Setting up a training job: config and overrides, plugins and model,
 * data, buffers; then the initial state (seeded, --init-from or a
 * checkpoint) and the output directory. Everything that can fail on bad
 * input fails here, before any output is written. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "train/dist.h"
#include "util/fsutil.h"
#include "train/runlock.h"
#include "train/tensor_map.h"
#include "train/train_job.h"

/* Everything that can fail on bad input happens here, before any output. */
static int out_dir_free(const lms_train_opts *o, char *err, size_t errlen);

/* The trainer's configure hook: [verdict] is the run's too. */
static int read_verdict(void *user, lms_trainer *t, char *err,
                        size_t errlen) {
    job *j = user;
    if (lms_verdict_cfg_read(&j->vc, &t->cfg, err, errlen) != 0)
        return -1;
    lms_facts_init(&j->facts);
    return 0;
}

int lms_job_setup(job *j, char *err, size_t errlen) {
    const lms_train_opts *o = j->o;
    const lms_dist *d = lms_dist_world(); /* (set again by the trainer) */
    j->t.rank = d->rank;
    j->t.nranks = d->size;
    j->t.root = d->rank == 0;
    if (out_dir_free(o, err, errlen) != 0)
        return -1;
    if (o->resume) { /* locked first: a run still going there may rewrite it */
        if (lms_job_lock(j, err, errlen) != 0 ||
            lms_job_resume_config(j, err, errlen) != 0)
            return -1;
    } else if (lms_trainer_load_config(&j->t, o->config_path, o->sets,
                                       o->nsets, err, errlen) != 0) {
        return -1;
    }
    lms_trainer_opts to = {o->plugin_dir, o->data_path, o->threads, 0,
                           read_verdict, j};
    if (lms_trainer_open(&j->t, &to, err, errlen) != 0)
        return -1;
    j->n_inst = lms_metrics_collect(&j->t.m, NULL, NULL, 0);
    j->inst = calloc(j->n_inst + 1, sizeof *j->inst);
    j->inst_max = calloc(j->n_inst + 1, sizeof *j->inst_max);
    if (!j->inst || !j->inst_max) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return lms_job_bytes_setup(j, err, errlen);
}

/* Resume: everything in the checkpoint is checked before it is used. */
static int load_checkpoint(job *j, lms_train_result *r, char *err,
                           size_t errlen) {
    const char *path = j->ckpt_path;
    lms_st_file *f = lms_st_open(path, err, errlen);
    if (!f)
        return -1;
    lms_data_id id = {j->t.data_path, j->t.data.n_tokens,
                      lms_tokens_hash(j->t.data.tokens, j->t.data.n_tokens)};
    int rc = lms_ckpt_read_state(f, &j->st, path, err, errlen);
    if (rc == 0 && j->st.precision != (int)j->t.tc.precision) {
        snprintf(err, errlen, "%s: was trained at precision %s, this run is "
                 "at %s ([training] precision): a run resumes only at its own "
                 "precision", path,
                 lms_precision_name((lms_precision)j->st.precision),
                 lms_precision_name(j->t.tc.precision));
        rc = -1;
    }
    if (rc == 0)
        rc = lms_ckpt_check_run(f, &j->t.cfg, &id, path, err, errlen);
    if (rc == 0 && j->st.step > j->t.tc.max_steps) {
        snprintf(err, errlen, "%s: is at step %ld, past training.max_steps = "
                 "%ld", path, j->st.step, j->t.tc.max_steps);
        rc = -1;
    }
    if (rc == 0)
        rc = lms_ckpt_load_params(&j->t.m, f, path, err, errlen);
    if (rc == 0)
        rc = lms_ckpt_load_moments(&j->t.m, f, j->t.mstate, j->t.vstate, path, err,
                                   errlen);
    lms_st_close(f);
    r->resumed_from = j->st.step;
    /* the cadence is the run's: kept unless given again */
    if (rc == 0 && j->o->checkpoint_every <= 0)
        j->ckpt_every = j->st.checkpoint_every;
    return rc;
}

/* Initial state: seeded init, then --init-from, or a checkpoint. */
int lms_job_prepare(job *j, lms_train_result *r, char *err, size_t errlen) {
    const lms_train_opts *o = j->o;
    r->resumed_from = -1;
    j->ckpt_every = o->checkpoint_every;
    if (o->out_dir)
        snprintf(j->ckpt_path, sizeof j->ckpt_path, "%s/" LMS_CKPT_FILE,
                 o->out_dir);
    if ((o->resume || o->checkpoint_every > 0) && !o->out_dir) {
        snprintf(err, errlen, "checkpoints need an output directory (--out)");
        return -1;
    }
    if (o->resume && o->init_from) {
        snprintf(err, errlen, "--resume and --init-from exclude each other");
        return -1;
    }
    memset(&j->st, 0, sizeof j->st);
    j->st.gemm = -1;
    j->st.precision = (int)j->t.tc.precision;
    j->st.bf16_kernel = -1;
    lms_trainer_init(&j->t, &j->st.rng);
    if (o->resume)
        return load_checkpoint(j, r, err, errlen);
    if (!o->init_from)
        return 0;
    /* another trainer's names: the preset's rules first, then --map */
    lms_tensor_map map;
    memset(&map, 0, sizeof map);
    if (o->map_preset &&
        lms_tensor_map_preset(&map, o->map_preset, err, errlen) != 0)
        return -1;
    const int first_user = map.n;
    for (int i = 0; i < o->nmaps; i++)
        if (lms_tensor_map_add(&map, o->maps[i], err, errlen) != 0)
            return -1;
    const int unused = lms_tensor_map_unused(&map, first_user, &j->t.m);
    if (unused >= 0)
        return lms_errf(err, errlen, "--map %s=%s: '%s' is not a piece of "
                        "any of the model's tensor names (after the rules "
                        "before it): a typo?", map.from[unused], map.to[unused],
                        map.from[unused]);
    lms_st_file *f = lms_st_open(o->init_from, err, errlen);
    int rc = f ? lms_tensor_map_load(&j->t.m, f, &map, o->init_from, err, errlen)
               : -1;
    lms_st_close(f);
    /* a model cannot start from a non-finite weight: its first step would
     * be a "diverged" result that counts on a failure curve */
    for (size_t t = 0; rc == 0 && t < j->t.m.n_tensors; t++) {
        const lms_tensor *x = &j->t.m.tensors[t];
        for (size_t i = 0; i < x->numel; i++)
            if (!isfinite(x->w[i])) {
                char theirs[512];
                lms_tensor_map_name(&map, x->name, theirs, sizeof theirs);
                return lms_errf(err, errlen, "%s: tensor '%s' holds %s at "
                                "index %zu: a model cannot start from a "
                                "non-finite weight", o->init_from, theirs,
                                isnan(x->w[i]) ? "NaN" : "an infinity", i);
            }
    }
    return rc;
}

int lms_job_lock(job *j, char *err, size_t errlen) {
    const char *dir = j->o->out_dir;
    if (!dir || !j->t.root || j->lock_fd >= 0)
        return 0;
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return 0; /* created (then locked) by lms_job_open_outputs */
    if ((j->lock_fd = lms_runlock_acquire(dir, err, errlen)) < 0)
        return -1;
    lms_runlock_clean_temps(dir); /* what a killed run left */
    return 0;
}

/* 0 when --out DIR may be written: it does not exist, holds no run and no
 * sweep, or the caller resumes or overwrites; else -1 and a message naming
 * the way out. Checked before anything is written. */
static int out_dir_free(const lms_train_opts *o, char *err, size_t errlen) {
    static const char *const run_files[] = {"summary.json", "metrics.csv",
                                            LMS_CKPT_FILE, LMS_WEIGHTS_FILE};
    char path[4300];
    if (!o->out_dir || o->resume)
        return 0;
    snprintf(path, sizeof path, "%s/sweep.json", o->out_dir);
    if (access(path, F_OK) == 0) {
        snprintf(err, errlen, "%s holds a sweep (sweep.json): a run cannot go "
                 "into its root; pick another --out", o->out_dir);
        return -1;
    }
    if (o->overwrite)
        return 0;
    for (size_t i = 0; i < sizeof run_files / sizeof run_files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", o->out_dir, run_files[i]);
        if (access(path, F_OK) == 0) {
            snprintf(err, errlen, "%s already holds a run (%s): continue it "
                     "with --resume %s, or replace it with --overwrite",
                     o->out_dir, run_files[i], o->out_dir);
            return -1;
        }
    }
    return 0;
}

/* Output directory, stale summary removed, metrics.csv fresh or (resume)
 * truncated to the checkpoint's step and appended to. */
int lms_job_open_outputs(job *j, char *err, size_t errlen) {
    const char *dir = j->o->out_dir;
    char path[4200];
    if (!dir || !j->t.root)
        return 0;
    if (lms_mkdirs(dir, err, errlen) != 0)
        return -1;
    /* one writer per directory: a second run there (a rerun sweep while
     * the first one's runs still go) is refused before it touches a file */
    if (j->lock_fd < 0 && lms_job_lock(j, err, errlen) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/summary.json", dir);
    unlink(path); /* a stale summary would mark this run finished */
    if (!j->o->resume) { /* --overwrite: no stale weights next to new rows */
        snprintf(path, sizeof path, "%s/" LMS_CKPT_FILE, dir);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/" LMS_WEIGHTS_FILE, dir);
    unlink(path); /* the final weights are written at the (new) end */
    snprintf(path, sizeof path, "%s/metrics.csv", dir);
    if (j->o->resume) {
        int rc = lms_ckpt_truncate_metrics(path, j->st.step, err, errlen);
        if (rc < 0)
            return -1;
        /* the verdict's facts are those of the rows kept (verdict.h) */
        if (rc == 0 &&
            lms_facts_from_csv(&j->facts, &j->vc, path, err, errlen) != 0)
            return -1;
        if (rc == 0) {
            if (lms_metrics_append(&j->mt, path, err, errlen) != 0)
                return -1;
            j->mt.ncols_inst = (int)j->n_inst;
            return 0;
        }
    }
    return lms_metrics_open(&j->mt, path, &j->t.m, err, errlen);
}

/* At bf16, the kernel of the model's products: the one a resumed run
 * trained with (recorded in its checkpoint), unless LMSTAB_BF16_KERNEL
 * asks for one; else lms_bf16_kernel_auto. A run that trained on the
 * native or AMX kernel cannot continue bit for bit where there is none:
 * refused, unless the environment asks for another kernel. */
static int set_bf16_kernel(job *j, char *err, size_t errlen) {
    int forced;
    lms_bf16_kernel k = lms_bf16_kernel_auto(&forced);
    if (!forced && j->st.bf16_kernel >= 0) {
        k = (lms_bf16_kernel)j->st.bf16_kernel;
        if ((k == LMS_BF16_NATIVE && !lms_bf16_native_available()) ||
            (k == LMS_BF16_AMX && !lms_bf16_amx_available())) {
            snprintf(err, errlen, "%s: was trained with the %s kernel, which "
                     "this CPU lacks; set LMSTAB_BF16_KERNEL=emulated to "
                     "continue on the emulation (the numbers then differ "
                     "from an uninterrupted run)", j->ckpt_path,
                     lms_bf16_kernel_name(k));
            return -1;
        }
    }
    lms_set_bf16_kernel(k);
    j->st.bf16_kernel = (int)lms_get_bf16_kernel();
    return 0;
}

/* The run's matmul backend: [training] gemm, `auto` resolved once by its
 * fixed rule, or on resume taken from the checkpoint, so that a resumed
 * run keeps the arithmetic it started with wherever it resumes; at bf16
 * the same for the bf16 kernel. */
int lms_job_set_numerics(job *j, char *err, size_t errlen) {
    lms_gemm_backend b = j->t.tc.gemm;
    if (b == LMS_GEMM_AUTO)
        b = j->st.gemm >= 0 ? (lms_gemm_backend)j->st.gemm
                            : lms_gemm_auto(NULL, 0);
    lms_sgemm_set_backend(b);
    j->st.gemm = (int)b;
    if (j->t.tc.precision != LMS_PRECISION_BF16) {
        j->st.bf16_kernel = -1;
        return 0;
    }
    return set_bf16_kernel(j, err, errlen);
}
