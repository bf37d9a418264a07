/* Building a text piece by piece in a fixed buffer. */
#ifndef LMSTAB_CORE_APPENDF_H
#define LMSTAB_CORE_APPENDF_H

#include <stddef.h>

/* printf onto out at *k and advance *k, never past n: a text that does
 * not fit is cut, and stays terminated. */
__attribute__((format(printf, 4, 5))) void lms_appendf(char *out, size_t n,
                                                       size_t *k,
                                                       const char *fmt, ...);

#endif
