/* lms_appendf (appendf.h). */
#include <stdarg.h>
#include <stdio.h>

#include "util/appendf.h"

void lms_appendf(char *out, size_t n, size_t *k, const char *fmt, ...) {
    if (*k + 1 >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(out + *k, n - *k, fmt, ap);
    va_end(ap);
    if (w > 0)
        *k = *k + (size_t)w < n ? *k + (size_t)w : n - 1;
}
