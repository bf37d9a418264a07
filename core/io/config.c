/* core/io (above kernels): INI config, safetensors, data files, token shards, tokenizers. */
/* Strict INI configuration on top of inih, with file:line for every entry.
 * Debian's inih does not pass line numbers to the handler, so our reader
 * counts lines (and rejects over-long ones instead of letting inih split
 * them). inih's line buffer is small (INI_MAX_LINE, 200 bytes in Debian's
 * build: 198 characters + newline + NUL): a section or key line must fit
 * it, and the error says so; a comment or blank line, which inih would
 * skip anyway, reaches it as an empty line and may be LMS_CFG_MAX_LINE
 * long. */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/config_index.h"
#include "io/config.h"
#include "util/fsutil.h"
#include "util/suggest.h"

typedef struct reader_state {
    const char *text; /* remaining input */
    int line;         /* number of the line last handed to inih */
    int too_long;     /* line number of an over-long line, or 0 */
    lms_config *c;
    const char *origin;
    char *err;
    size_t errlen;
    int failed;
    int limit;        /* the limit the over-long line broke */
    const char *end;  /* end of the input: lines are found with memchr, as
                         strchr would (under ASan's strict string checks)
                         scan the whole rest of the text for every line */
} reader_state;

static char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static char *trim(char *s) {
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* Append section name (first seen at line of origin, NULL: the file being
 * read; line 0 for --set) and index it. */
static int append_section(lms_config *c, const char *name, int line,
                          const char *origin) {
    if (c->nsec == c->capsec) {
        size_t cap = c->capsec ? 2 * c->capsec : 16;
        lms_cfg_section *ns = realloc(c->sections, cap * sizeof *ns);
        if (!ns)
            return -1;
        c->sections = ns;
        c->capsec = cap;
    }
    char *copy = xstrdup(name);
    if (!copy)
        return -1;
    c->sections[c->nsec++] = (lms_cfg_section){copy, line, 0, origin};
    return lms_cfg_index_add_section(c);
}

/* Record a section header seen on this line (so empty sections count). */
static int note_section(reader_state *rs, const char *line) {
    char buf[LMS_CFG_MAX_LINE + 2];
    snprintf(buf, sizeof buf, "%s", line);
    char *s = trim(buf);
    if (*s != '[')
        return 0;
    char *end = strchr(s, ']');
    if (!end)
        return 0; /* inih reports the syntax error */
    *end = '\0';
    char *name = trim(s + 1);
    lms_config *c = rs->c;
    const lms_cfg_section *prev = lms_cfg_index_section(c, name);
    if (prev) {
        snprintf(rs->err, rs->errlen,
                 "%s:%d: [%s]: duplicate section (first at line %d)",
                 rs->origin, rs->line, name, prev->line);
        return -1;
    }
    if (append_section(c, name, rs->line, NULL) != 0) {
        snprintf(rs->err, rs->errlen, "%s: out of memory", rs->origin);
        return -1;
    }
    return 0;
}

static char *reader(char *str, int num, void *stream) {
    reader_state *rs = stream;
    if (rs->failed || rs->text == rs->end)
        return NULL;
    const char *nl = memchr(rs->text, '\n', (size_t)(rs->end - rs->text));
    size_t len = nl ? (size_t)(nl - rs->text) + 1
                    : (size_t)(rs->end - rs->text);
    rs->line++;
    const char *p = rs->text;
    while (p < rs->text + len && (*p == ' ' || *p == '\t'))
        p++;
    /* (inih's own test: ';' or '#' first, or nothing but blanks) */
    int skip = *p == ';' || *p == '#' || p == rs->text + len ||
               *p == '\n' || *p == '\r';
    size_t content = len - (nl ? 1 : 0); /* without the newline */
    size_t limit = skip ? LMS_CFG_MAX_LINE : (size_t)(num > 2 ? num - 2 : 0);
    if (limit > LMS_CFG_MAX_LINE)
        limit = LMS_CFG_MAX_LINE;
    if (content > limit) {
        rs->too_long = rs->line;
        rs->limit = (int)limit;
        rs->failed = 1;
        return NULL;
    }
    if (skip) {
        snprintf(str, (size_t)num, "\n");
        rs->text += len;
        return str;
    }
    memcpy(str, rs->text, len);
    str[len] = '\0';
    rs->text += len;
    if (note_section(rs, str) != 0) {
        rs->failed = 1;
        return NULL;
    }
    return str;
}

static int add_entry(lms_config *c, const char *section, const char *key,
                     const char *value, const char *origin, int line) {
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 32;
        lms_cfg_entry *ne = realloc(c->entries, cap * sizeof *ne);
        if (!ne)
            return -1;
        c->entries = ne;
        c->cap = cap;
    }
    lms_cfg_entry *e = &c->entries[c->n];
    e->section = xstrdup(section);
    e->key = xstrdup(key);
    e->value = xstrdup(value);
    e->origin = origin;
    e->line = line;
    e->used = 0;
    if (!e->section || !e->key || !e->value) {
        free(e->section);
        free(e->key);
        free(e->value);
        return -1;
    }
    c->n++;
    return lms_cfg_index_add_entry(c);
}

static lms_cfg_entry *find_raw(lms_config *c, const char *section,
                               const char *key) {
    return lms_cfg_index_entry(c, section, key);
}

static int handler(void *user, const char *section, const char *name,
                   const char *value) {
    reader_state *rs = user;
    if (!section[0]) {
        snprintf(rs->err, rs->errlen,
                 "%s:%d: %s: key outside of any [section]", rs->origin,
                 rs->line, name);
        return 0;
    }
    lms_cfg_entry *prev = find_raw(rs->c, section, name);
    if (prev) {
        snprintf(rs->err, rs->errlen,
                 "%s:%d: [%s] %s: duplicate key (first at line %d)",
                 rs->origin, rs->line, section, name, prev->line);
        return 0;
    }
    if (add_entry(rs->c, section, name, value, rs->c->path, rs->line) != 0) {
        snprintf(rs->err, rs->errlen, "%s: out of memory", rs->origin);
        return 0;
    }
    return 1;
}

int lms_config_load_string(lms_config *c, const char *text, const char *origin,
                           char *err, size_t errlen) {
    memset(c, 0, sizeof *c);
    c->path = xstrdup(origin);
    c->text = xstrdup(text);
    if (!c->path || !c->text) {
        snprintf(err, errlen, "%s: out of memory", origin);
        return -1;
    }
    err[0] = '\0';
    ini_allow_multiline = false; /* a continuation line is a typo here */
    ini_stop_on_first_error = true;
    ini_allow_no_value = false;
    reader_state rs = {c->text, 0, 0, c, c->path, err, errlen, 0, 0,
                       c->text + strlen(c->text)};
    int rc = ini_parse_stream(reader, &rs, handler, &rs);
    if (rs.too_long) {
        if (rs.limit == LMS_CFG_MAX_LINE)
            snprintf(err, errlen, "%s:%d: line longer than %d characters",
                     c->path, rs.too_long, rs.limit);
        else
            snprintf(err, errlen, "%s:%d: line longer than %d characters "
                     "(the limit for a section or key line; a comment may "
                     "have %d)", c->path, rs.too_long, rs.limit,
                     LMS_CFG_MAX_LINE);
        return -1;
    }
    if (err[0])
        return -1;
    if (rc != 0) {
        snprintf(err, errlen,
                 "%s:%d: syntax error (expected [section], key = value, or "
                 "a ; comment)",
                 c->path, rc > 0 ? rc : rs.line);
        return -1;
    }
    return 0;
}

int lms_config_load(lms_config *c, const char *path, char *err,
                    size_t errlen) {
    memset(c, 0, sizeof *c);
    size_t n;
    char *buf = lms_read_file(path, LMS_CFG_MAX_BYTES, &n, err, errlen);
    if (!buf)
        return -1;
    if (strlen(buf) != n) {
        free(buf);
        snprintf(err, errlen, "%s: contains a NUL byte (not a text file?)",
                 path);
        return -1;
    }
    int rc = lms_config_load_string(c, buf, path, err, errlen);
    free(buf);
    return rc;
}

void lms_config_free(lms_config *c) {
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->entries[i].section);
        free(c->entries[i].key);
        free(c->entries[i].value);
    }
    for (size_t i = 0; i < c->nsec; i++)
        free(c->sections[i].name);
    for (size_t i = 0; i < c->noverrides; i++)
        free(c->overrides[i]);
    free(c->overrides);
    free(c->entries);
    free(c->sections);
    free(c->path);
    free(c->text);
    lms_cfg_index_free(c);
    memset(c, 0, sizeof *c);
}

static int ensure_section(lms_config *c, const char *name, int line,
                          const char *origin) {
    if (lms_cfg_index_section(c, name))
        return 0;
    return append_section(c, name, line, origin);
}

int lms_config_override(lms_config *c, const char *assign, char *err,
                        size_t errlen) {
    return lms_config_override_at(c, assign, NULL, 0, err, errlen);
}

int lms_config_override_at(lms_config *c, const char *assign,
                           const char *origin, int line, char *err,
                           size_t errlen) {
    const char *eq = strchr(assign, '=');
    const char *dot = NULL;
    for (const char *p = assign; eq && p < eq; p++)
        if (*p == '.')
            dot = p;
    if ((!eq || !dot || dot == assign || dot + 1 == eq) && origin && line > 0) {
        snprintf(err, errlen, "%s:%d: %.*s: an override key is SECTION.KEY "
                 "(e.g. training.max_steps = 500)", origin, line,
                 eq ? (int)(eq - assign) : (int)strlen(assign), assign);
        return -1;
    }
    if (!eq || !dot || dot == assign || dot + 1 == eq) {
        snprintf(err, errlen,
                 "--set %s: expected SECTION.KEY=VALUE (e.g. training.lr=0.01)",
                 assign);
        return -1;
    }
    char section[256], key[128];
    size_t slen = (size_t)(dot - assign), klen = (size_t)(eq - dot - 1);
    if (slen >= sizeof section || klen >= sizeof key) {
        snprintf(err, errlen, "--set %s: section or key too long", assign);
        return -1;
    }
    memcpy(section, assign, slen);
    section[slen] = '\0';
    memcpy(key, dot + 1, klen);
    key[klen] = '\0';
    char *value = xstrdup(eq + 1), *v = value ? trim(value) : NULL;
    char **no = realloc(c->overrides, (c->noverrides + 1) * sizeof *no);
    if (!v || !no) {
        free(value);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    c->overrides = no;
    c->overrides[c->noverrides++] = xstrdup(assign);
    /* a --set entry is located by its index among the overrides */
    const char *eorigin = origin ? origin : "--set";
    int eline = origin ? line : (int)c->noverrides;
    lms_cfg_entry *e = find_raw(c, section, key);
    int rc = 0;
    if (e) {
        free(e->value);
        e->value = xstrdup(v);
        e->origin = eorigin;
        e->line = eline;
    } else if (ensure_section(c, section, origin ? line : 0, origin) != 0 ||
               add_entry(c, section, key, v, eorigin, eline) != 0) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    free(value);
    return rc;
}

static void mark_section(lms_config *c, const char *section) {
    lms_cfg_section *s = lms_cfg_index_section(c, section);
    if (s)
        s->used = 1;
}

lms_cfg_entry *lms_config_find(lms_config *c, const char *section,
                               const char *key) {
    lms_cfg_entry *e = find_raw(c, section, key);
    if (e) {
        e->used = 1;
        mark_section(c, section);
    }
    return e;
}

int lms_config_has_section(lms_config *c, const char *section) {
    lms_cfg_section *s = lms_cfg_index_section(c, section);
    if (s)
        s->used = 1;
    return s != NULL;
}

void lms_config_errorf(const lms_cfg_entry *e, char *err, size_t errlen,
                       const char *fmt, ...) {
    int n;
    if (strcmp(e->origin, "--set") == 0)
        n = snprintf(err, errlen, "--set %s.%s: [%s] %s: ", e->section, e->key,
                     e->section, e->key);
    else
        n = snprintf(err, errlen, "%s:%d: [%s] %s: ", e->origin, e->line,
                     e->section, e->key);
    if (n < 0 || (size_t)n >= errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errlen - n, fmt, ap);
    va_end(ap);
}

/* "; did you mean 'x'?" for the closest used section to name, or "". */
static void near_section(const lms_config *c, const char *name, char *out,
                         size_t n) {
    static const char *const fixed[] = {"model", "block", "training", "data",
                                        "verdict"};
    const char *cand[64];
    size_t k = 0;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        cand[k++] = fixed[i];
    for (size_t i = 0; i < c->nsec && k < 64; i++)
        if (c->sections[i].used)
            cand[k++] = c->sections[i].name;
    const char *best = lms_suggest(name, cand, k);
    snprintf(out, n, best ? "; did you mean [%s]?" : "", best);
}

/* " (did you mean 'x'?)" for the closest key of a ", "-separated list. */
static void near_key(const char *key, const char *accepted, char *out,
                     size_t n) {
    char buf[2048];
    const char *cand[128];
    size_t k = 0;
    out[0] = '\0';
    if (!accepted)
        return;
    snprintf(buf, sizeof buf, "%s", accepted);
    for (char *t = strtok(buf, ", "); t && k < 128; t = strtok(NULL, ", "))
        cand[k++] = t;
    const char *best = lms_suggest(key, cand, k);
    if (best)
        snprintf(out, n, " (did you mean '%s'?)", best);
}

int lms_config_check_unused(lms_config *c, lms_cfg_accepted_fn accepted,
                            void *user, char *err, size_t errlen) {
    char hint[160];
    for (size_t i = 0; i < c->nsec; i++) {
        lms_cfg_section *s = &c->sections[i];
        if (s->used)
            continue;
        near_section(c, s->name, hint, sizeof hint);
        if (s->line > 0)
            snprintf(err, errlen,
                     "%s:%d: [%s]: unknown section (not used by the model, "
                     "training or data)%s",
                     s->origin ? s->origin : c->path, s->line, s->name, hint);
        else
            snprintf(err, errlen, "--set: [%s]: unknown section%s", s->name,
                     hint);
        return -1;
    }
    for (size_t i = 0; i < c->n; i++) {
        lms_cfg_entry *e = &c->entries[i];
        if (e->used)
            continue;
        const char *acc = accepted ? accepted(user, e->section) : NULL;
        near_key(e->key, acc, hint, sizeof hint);
        lms_config_errorf(e, err, errlen, "unknown key%s%s%s", hint,
                          acc ? "; accepted: " : "", acc ? acc : "");
        return -1;
    }
    return 0;
}
