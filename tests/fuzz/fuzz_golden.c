/* libFuzzer target: a golden reference file as `lmstab golden` reads it
 * (lms_golden_run): the JSON 'config' in its metadata (dims that override
 * the INI, optimizer settings), the x/y token tensors, and every p0/g0/p1/
 * g1/p2 tensor looked up by name, dtype and shape. One input = one
 * safetensors file; the INI is a fixed baseline, and the real plugins
 * ($LMS_FUZZ_PLUGIN_DIR) build the model. Files whose dims would make a
 * large model are skipped (valid, but too slow to fuzz).
 *
 * Build and run: scripts/fuzz.sh golden (see docs/reliability.md). */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_files.h"
#include "fuzz_model.h"
#include "train/golden.h"
#include "io/safetensors.h"

static const char config[] =
    "[model]\nfinal_norm = layernorm\ntie_embeddings = true\n"
    "[block]\nattn = ln1, qkv, attn, proj\nmlp = ln2, fc1, act, fc2\n"
    "[block.ln1]\nplugin = layernorm\n"
    "[block.qkv]\nplugin = linear\nout_mult = 3\n"
    "[block.attn]\nplugin = causal_attention\n"
    "[block.proj]\nplugin = linear\nresidual_init = true\n"
    "[block.ln2]\nplugin = layernorm\n"
    "[block.fc1]\nplugin = linear\nout_mult = 4\n"
    "[block.act]\nplugin = gelu\n"
    "[block.fc2]\nplugin = linear\nresidual_init = true\n";

/* 1 unless the metadata names a valid but large model or batch. */
static int small(const uint8_t *data, size_t size) {
    char err[512];
    lms_st_file *f = lms_st_open_memory(data, size, "pre", err, sizeof err);
    if (!f)
        return 1; /* lms_golden_run reports it */
    const char *js = lms_st_meta(f, "config");
    cJSON *c = js ? cJSON_Parse(js) : NULL;
    static const char *const keys[] = {"n_layer", "d_model", "n_head",
                                       "seq_len", "vocab", "batch"};
    static const double lim[] = {3, 64, 16, 64, 512, 4};
    int ok = 1;
    for (int i = 0; i < 6; i++) {
        cJSON *v = cJSON_GetObjectItemCaseSensitive(c, keys[i]);
        if (cJSON_IsNumber(v) && v->valuedouble > lim[i])
            ok = 0;
    }
    cJSON_Delete(c);
    lms_st_close(f);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char ini[1024];
    static FILE *sink;
    if (!ini[0]) {
        snprintf(ini, sizeof ini, "%s",
                 lms_fuzz_write("golden.ini", config, sizeof config - 1));
        if (!(sink = fopen("/dev/null", "w")))
            abort();
    }
    lms_loader *ld = lms_fuzz_loader(); /* NULL: no plugins, no model */
    if (!ld || size > (1 << 20) || !small(data, size))
        return 0;
    /* Keep the config's plugins loaded for the whole process: the run's
     * own loader dlcloses them after each input, and the OpenMP runtime
     * they pull in would be unloaded with it, leaving allocations that
     * LeakSanitizer reports as leaks. */
    static const char *const used[] = {"layernorm", "linear",
                                       "causal_attention", "gelu"};
    const lms_plugin *p;
    char err[2048];
    for (size_t i = 0; i < sizeof used / sizeof used[0]; i++)
        if (lms_loader_get(ld, used[i], &p, err, sizeof err) != 0)
            abort();
    lms_golden_opts o;
    memset(&o, 0, sizeof o);
    o.config_path = ini;
    o.golden_path = lms_fuzz_write("golden.safetensors", data, size);
    o.plugin_dir = getenv("LMS_FUZZ_PLUGIN_DIR");
    int rc = lms_golden_run(&o, sink, err, sizeof err);
    if (rc < -1 || rc > 1)
        __builtin_trap();
    return 0;
}
