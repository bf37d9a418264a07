/* Minimal Markdown -> HTML for the pages lmstab writes (report, compare):
 * headings, lists, tables, images, paragraphs, **bold**, `code`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"

static void inline_html(FILE *o, const char *t) {
    int bold = 0, code = 0;
    for (; *t; t++) {
        if (t[0] == '*' && t[1] == '*') {
            fputs(bold ? "</b>" : "<b>", o);
            bold = !bold;
            t++;
        } else if (*t == '`') {
            fputs(code ? "</code>" : "<code>", o);
            code = !code;
        } else if (*t == '<') {
            fputs("&lt;", o);
        } else if (*t == '>') {
            fputs("&gt;", o);
        } else if (*t == '&') {
            fputs("&amp;", o);
        } else {
            fputc(*t, o);
        }
    }
}

void lms_md_to_html(FILE *in, FILE *o, const char *title) {
    fputs("<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>", o);
    inline_html(o, title);
    fputs("</title><style>body{font-family:sans-serif;max-width:1000px;"
          "margin:auto}table{border-collapse:collapse}td,th{border:1px solid "
          "#ccc;padding:3px 6px}img{max-width:100%}</style></head><body>\n", o);
    char *line = NULL; /* a reading is one line, of any length */
    size_t cap = 0;
    int in_list = 0, in_table = 0, row = 0;
    while (getline(&line, &cap, in) > 0) {
        line[strcspn(line, "\n")] = '\0';
        if (in_list && strncmp(line, "- ", 2)) {
            fputs("</ul>\n", o);
            in_list = 0;
        }
        if (in_table && line[0] != '|') {
            fputs("</table>\n", o);
            in_table = 0;
        }
        if (!strncmp(line, "# ", 2) || !strncmp(line, "## ", 3) ||
            !strncmp(line, "### ", 4)) {
            int h = (int)strspn(line, "#");
            fprintf(o, "<h%d>", h);
            inline_html(o, line + h + 1);
            fprintf(o, "</h%d>\n", h);
        } else if (!strncmp(line, "- ", 2)) {
            if (!in_list)
                fputs("<ul>\n", o);
            in_list = 1;
            fputs("<li>", o);
            inline_html(o, line + 2);
            fputs("</li>\n", o);
        } else if (line[0] == '|') {
            if (!in_table) {
                fputs("<table>\n", o);
                row = 0;
            }
            in_table = 1;
            if (strstr(line, "|---"))
                continue;
            fputs("<tr>", o);
            char *p = line + 1, *bar;
            while ((bar = strchr(p, '|'))) {
                *bar = '\0';
                fputs(row ? "<td>" : "<th>", o);
                inline_html(o, p);
                fputs(row ? "</td>" : "</th>", o);
                p = bar + 1;
            }
            fputs("</tr>\n", o);
            row++;
        } else if (!strncmp(line, "![", 2)) {
            char *mid = strstr(line, "](");
            if (mid) {
                *mid = '\0';
                mid[strcspn(mid + 2, ")") + 2] = '\0';
                fprintf(o, "<p><img src='%s' alt='", mid + 2);
                inline_html(o, line + 2);
                fputs("'></p>\n", o);
            }
        } else if (line[0]) {
            fputs("<p>", o);
            inline_html(o, line);
            fputs("</p>\n", o);
        }
    }
    free(line);
    if (in_list)
        fputs("</ul>\n", o);
    if (in_table)
        fputs("</table>\n", o);
    fputs("</body></html>\n", o);
}

