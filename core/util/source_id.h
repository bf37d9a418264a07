/* The source lmstab was built from (cmake/LmsSourceId.cmake, at build
 * time): `git describe --always --dirty --abbrev=12` of the checkout, e.g.
 * "3e1f2a9c0b7d" or "3e1f2a9c0b7d-dirty", or "unknown" outside one. The
 * version number alone does not change between commits. */
#ifndef LMSTAB_SOURCE_ID_H
#define LMSTAB_SOURCE_ID_H

const char *lms_source_id(void);

#endif
