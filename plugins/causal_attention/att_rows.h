/*
 * Row operations of attention on the (B*H*T, Tc) scores / probabilities:
 * row r belongs to query i = r % T and has i + 1 unmasked entries. Causal
 * softmax and its backward, masking, and the statistics of the scores.
 * Every result is independent of the thread count.
 */
#ifndef LMS_ATT_ROWS_H
#define LMS_ATT_ROWS_H

#include <stddef.h>

#include "lmstab/plugin.h"

/* softmax over rows [r0, r1) in place. Masked entries are zeroed up to the
 * next multiple of `fill` after the diagonal (fill > 0: all the products
 * read), or to Tc (fill = 0: whole rows, for child plugins). Serial: for
 * one (b, h) inside a parallel loop. */
void att_softmax_rows(float *P, size_t r0, size_t r1, int T, int Tc, int fill);
/* dP = P * (dP - sum(P * dP)) per row over [r0, r1), masked as above */
void att_softmax_rows_backward(float *dP, const float *P, size_t r0, size_t r1,
                               int T, int Tc, int fill);

/* The same over all n rows, whole rows zeroed, on the host's threads. */
void att_softmax_all(const lms_host *host, float *P, size_t n, int T, int Tc);
void att_softmax_backward_all(const lms_host *host, float *dP, const float *P,
                              size_t n, int T, int Tc);

/* zero the masked (j > i) and padding (j >= T) entries of nbh*T rows */
void att_mask_rows(const lms_host *host, float *S, size_t nbh, int T, int Tc);

/* Over nbh heads' scores: the max of the unmasked entries, and (ent_out
 * not NULL) the sum over rows of the entropy of their softmax. Per head in
 * parallel, combined in head order. */
void att_score_stats(const lms_host *host, const float *S, int nbh, int T,
                     int Tc, float *max_out, double *ent_out);

#endif
