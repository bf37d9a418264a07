/* Bits per byte: the validation loss per byte of the text behind the
 * tokens, so runs with different tokenizers (or bytes) compare. The
 * validation windows are fixed, so tokens per byte over their targets is a
 * constant of the run, and bpb = val_loss * tokens / bytes / ln 2 exactly
 * (every window has the same number of targets). A text file read as
 * bytes: one byte a token. A token shard: the bytes each piece decodes to,
 * from the SentencePiece model of data.tokenizer; without one, unknown. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/sha256.h"
#include "io/tokenizer.h"
#include "train/train_job.h"

/* The data.tokenizer entry (for messages at its line), or NULL. */
static lms_cfg_entry *tok_entry(job *j) {
    return lms_config_find(&j->t.cfg, "data", "tokenizer");
}

static int tok_error(job *j, char *err, size_t errlen, const char *msg) {
    lms_cfg_entry *e = tok_entry(j);
    if (e)
        lms_config_errorf(e, err, errlen, "%s", msg);
    else
        snprintf(err, errlen, "[data] tokenizer: %s", msg);
    return -1;
}

/* Bytes of text behind every target of the validation windows. */
static double val_bytes(job *j, const uint32_t *piece_bytes, double *tokens) {
    const int B = (int)j->t.tc.batch_size, T = j->t.m.mi.context;
    double bytes = 0;
    *tokens = 0;
    for (int i = 0; i < j->t.tc.eval_batches; i++) {
        lms_data_val_batch(&j->t.data, i, (int)j->t.tc.eval_batches, B, T, j->t.x,
                           j->t.y);
        for (size_t r = 0; r < (size_t)B * T; r++)
            bytes += piece_bytes ? piece_bytes[j->t.y[r]] : 1.0;
        *tokens += (double)B * T;
    }
    return bytes;
}

int lms_job_bytes_setup(job *j, char *err, size_t errlen) {
    j->val_tok_per_byte = NAN;
    j->tokenizer[0] = j->tokenizer_sha[0] = '\0';
    const char *path = j->t.tc.tokenizer_path;
    double tokens;
    if (!j->t.data.id_bytes) { /* bytes */
        if (path && *path)
            return tok_error(j, err, errlen, "the data is a text file read "
                             "as bytes; a tokenizer goes with a token shard");
        double b = val_bytes(j, NULL, &tokens);
        j->val_tok_per_byte = tokens / b;
        return 0;
    }
    if (!path || !*path)
        return 0;
    char msg[4400];
    lms_tokenizer *t = lms_tok_load(path, msg, sizeof msg);
    if (!t)
        return tok_error(j, err, errlen, msg);
    const int vocab = lms_tok_vocab(t);
    uint32_t *pb = NULL;
    int rc = 0;
    if (vocab != j->t.data.vocab) {
        snprintf(msg, sizeof msg, "%s has %d pieces but %s has a vocabulary "
                 "of %d: not the tokenizer that wrote it", path, vocab,
                 j->t.data.path, j->t.data.vocab);
        rc = tok_error(j, err, errlen, msg);
    } else if (!(pb = malloc((size_t)vocab * sizeof *pb)) ||
               lms_tok_piece_bytes(t, pb, vocab, msg, sizeof msg) != 0) {
        rc = tok_error(j, err, errlen, pb ? msg : "out of memory");
    }
    lms_tok_free(t);
    unsigned long long size;
    if (rc == 0 && lms_sha256_file(path, j->tokenizer_sha, &size) != 0)
        rc = tok_error(j, err, errlen, "cannot be read for its SHA-256");
    if (rc == 0) {
        double b = val_bytes(j, pb, &tokens);
        j->val_tok_per_byte = b > 0 ? tokens / b : NAN;
        snprintf(j->tokenizer, sizeof j->tokenizer, "%s", path);
    }
    free(pb);
    return rc;
}

double lms_job_bpb(const job *j, double val) {
    return val * j->val_tok_per_byte / log(2.0);
}
