/* Typed, range-checked access to configuration values. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io/config.h"

int lms_config_int(lms_config *c, const char *section, const char *key,
                   long def, long min, long max, long *out, char *err,
                   size_t errlen) {
    lms_cfg_entry *e = lms_config_find(c, section, key);
    if (!e) {
        *out = def;
        return 0;
    }
    long v;
    if (lms_parse_long(e->value, min, max, &v) != 0) {
        lms_config_errorf(e, err, errlen,
                          "must be an integer in [%ld, %ld] (got '%s')", min,
                          max, e->value);
        return -1;
    }
    *out = v;
    return 0;
}

int lms_config_float(lms_config *c, const char *section, const char *key,
                     double def, double min, double max, double *out,
                     char *err, size_t errlen) {
    lms_cfg_entry *e = lms_config_find(c, section, key);
    if (!e) {
        *out = def;
        return 0;
    }
    double v;
    if (lms_parse_double(e->value, &v) != 0 || v < min || v > max) {
        lms_config_errorf(e, err, errlen,
                          "must be a finite number in [%g, %g] (got '%s')",
                          min, max, e->value);
        return -1;
    }
    *out = v;
    return 0;
}

int lms_config_bool(lms_config *c, const char *section, const char *key,
                    int def, int *out, char *err, size_t errlen) {
    lms_cfg_entry *e = lms_config_find(c, section, key);
    if (!e) {
        *out = def;
        return 0;
    }
    if (lms_parse_bool(e->value, out) != 0) {
        lms_config_errorf(e, err, errlen, "must be true or false (got '%s')",
                          e->value);
        return -1;
    }
    return 0;
}

const char *lms_config_str(lms_config *c, const char *section,
                           const char *key, const char *def) {
    lms_cfg_entry *e = lms_config_find(c, section, key);
    return e ? e->value : def;
}

int lms_split_list(char *s, char **items, int max) {
    int n = 0;
    char *p = s;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        char *item = p;
        while (isspace((unsigned char)*item))
            item++;
        char *e = item + strlen(item);
        while (e > item && isspace((unsigned char)e[-1]))
            *--e = '\0';
        if (!*item)
            return (n == 0 && !comma) ? 0 : -1;
        if (n == max)
            return -1;
        items[n++] = item;
        if (!comma)
            break;
        p = comma + 1;
    }
    return n;
}
