/* A JSON object read from a file: the one way summary.json, sweep.json and
 * edges.json are read (json_file.c). */
#ifndef LMSTAB_CORE_JSON_FILE_H
#define LMSTAB_CORE_JSON_FILE_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* The object in the file at path, read whole (at most cap bytes; never
 * from a FIFO: lms_read_file), to be freed with cJSON_Delete. NULL with a
 * message naming the file, and errno: EBADMSG when it was read but is "not
 * valid JSON" or "not a JSON object" (a torn or edited file), else the
 * read's own (ENOENT when it does not exist, which callers that take an
 * absent file for "not yet" check; EINVAL not a regular file, EFBIG over
 * cap, EACCES, EIO, ...). */
cJSON *lms_json_read_object(const char *path, size_t cap, char *err,
                            size_t errlen);

#endif
