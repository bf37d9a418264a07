/* Closest-name suggestions (suggest.h). */
#include <string.h>

#include "util/suggest.h"

#define MAXLEN 64

int lms_edit_distance(const char *a, const char *b) {
    size_t n = strlen(a), m = strlen(b);
    if (n > MAXLEN || m > MAXLEN)
        return MAXLEN;
    int d[MAXLEN + 1][MAXLEN + 1];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            int cost = a[i - 1] != b[j - 1];
            int best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best)
                best = d[i - 1][j - 1] + cost;
            /* a swap of two neighbours ("trianing") is one edit */
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[n][m];
}

const char *lms_suggest(const char *name, const char *const *candidates,
                        size_t n) {
    const char *best = NULL;
    int best_d = MAXLEN + 1;
    for (size_t i = 0; i < n; i++) {
        if (!candidates[i])
            continue;
        int d = lms_edit_distance(name, candidates[i]);
        size_t len = strlen(name) > strlen(candidates[i]) ? strlen(name)
                                                          : strlen(candidates[i]);
        if (d <= 2 && d <= (int)((len + 2) / 3) && d < best_d) {
            best = candidates[i];
            best_d = d;
        }
    }
    return best;
}
