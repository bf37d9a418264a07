/* The model's vocabulary and the data's. `model.vocab_size = auto` takes
 * the data's: 256 for a text file (bytes), the header's vocabulary for an
 * llm.c token file (GPT-2's 50257), not its largest id + 1, so that the
 * model's shape is the tokenizer's and does not depend on which tokens one
 * file happens to hold (a run on another shard, or its validation file,
 * has the same shape). The resolved number is what the model, the
 * checkpoint's tensors and summary.json's vocab_size hold; the config text
 * keeps `auto`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/vocab.h"

int lms_vocab_is_auto(lms_config *c) {
    lms_cfg_entry *e = lms_config_find(c, "model", "vocab_size");
    return e && !strcmp(e->value, "auto");
}

void lms_vocab_set_auto(lms_config *c, int vocab) {
    lms_cfg_entry *e = lms_config_find(c, "model", "vocab_size");
    char num[16];
    snprintf(num, sizeof num, "%d", vocab);
    char *v = e && !strcmp(e->value, "auto") ? strdup(num) : NULL;
    if (v) {
        free(e->value);
        e->value = v;
    }
}

int lms_vocab_from_data(lms_config *c, const char *data_path, char *err,
                        size_t errlen) {
    if (!lms_vocab_is_auto(c))
        return 0;
    int vocab;
    if (lms_data_header_vocab(data_path, &vocab, err, errlen) != 0)
        return -1;
    lms_vocab_set_auto(c, vocab);
    return 0;
}

int lms_vocab_check(lms_config *c, const lms_data *d, int vocab, char *err,
                    size_t errlen) {
    if (d->vocab <= vocab)
        return 0;
    char msg[sizeof d->path + 256];
    const char *kind = !d->id_bytes          ? "a text file read as bytes"
                       : d->vocab_recorded    ? "a token shard"
                       : d->id_bytes == 2     ? "an llm.c token file of GPT-2 tokens"
                                              : "an llm.c token file of Llama 3 tokens";
    snprintf(msg, sizeof msg, "is %d, but %s is %s (vocabulary %d; its "
             "largest token id is %d): set model.vocab_size = %d, or auto to "
             "take it from the data", vocab, d->path, kind, d->vocab,
             d->max_token, d->vocab);
    lms_cfg_entry *e = lms_config_find(c, "model", "vocab_size");
    if (e)
        lms_config_errorf(e, err, errlen, "%s", msg);
    else
        snprintf(err, errlen, "[model] vocab_size (default 256) %s", msg);
    return -1;
}
