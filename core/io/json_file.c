/* A JSON object read from a file (json_file.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "io/json_file.h"
#include "util/fsutil.h"

cJSON *lms_json_read_object(const char *path, size_t cap, char *err,
                            size_t errlen) {
    char *buf = lms_read_file(path, cap, NULL, err, errlen);
    if (!buf)
        return NULL; /* errno from the read: ENOENT for an absent file */
    cJSON *o = cJSON_Parse(buf);
    free(buf);
    if (cJSON_IsObject(o))
        return o;
    snprintf(err, errlen, "%s: %s", path, o ? "not a JSON object" : "not valid JSON");
    cJSON_Delete(o);
    errno = EBADMSG; /* read whole, but not an object: torn or edited */
    return NULL;
}
