/* SHA-256 (FIPS 180-4), to name data files by content in what lmstab writes
 * (summary.json, reports) instead of by a machine's path. */
#ifndef LMSTAB_CORE_SHA256_H
#define LMSTAB_CORE_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct lms_sha256 {
    uint32_t h[8];
    uint64_t len;      /* bytes hashed so far */
    unsigned char buf[64];
    size_t nbuf;
} lms_sha256;

void lms_sha256_init(lms_sha256 *c);
void lms_sha256_update(lms_sha256 *c, const void *data, size_t n);
/* hex: 65 bytes, lower-case digest and a NUL */
void lms_sha256_hex(lms_sha256 *c, char *hex);
/* The digest of a whole file as hex, and its size; 0, or -1 (errno set). */
int lms_sha256_file(const char *path, char *hex, unsigned long long *bytes);

#endif
