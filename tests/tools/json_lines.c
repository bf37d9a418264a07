/* json_lines FILE: read a JSON-lines stream (lmstab train --json) and check
 * that every line is one JSON object with a string "event"; print each as
 * "EVENT key=value ..." (numbers with %.17g, strings bare, null as null),
 * for the test scripts to grep. Exit 1 naming the first line that is not
 * such an object (or an empty stream), 2 on usage. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void show(const cJSON *o) {
    printf("%s", cJSON_GetObjectItemCaseSensitive(o, "event")->valuestring);
    for (const cJSON *it = o->child; it; it = it->next) {
        if (!strcmp(it->string, "event"))
            continue;
        if (cJSON_IsNumber(it))
            printf(" %s=%.17g", it->string, it->valuedouble);
        else if (cJSON_IsString(it))
            printf(" %s=%s", it->string, it->valuestring);
        else if (cJSON_IsBool(it))
            printf(" %s=%s", it->string, cJSON_IsTrue(it) ? "true" : "false");
        else if (cJSON_IsNull(it))
            printf(" %s=null", it->string);
        else
            printf(" %s=(nested)", it->string);
    }
    printf("\n");
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: json_lines FILE\n");
        return 2;
    }
    FILE *f = strcmp(argv[1], "-") ? fopen(argv[1], "r") : stdin;
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    char *line = NULL;
    size_t cap = 0;
    long n = 0;
    int bad = 0;
    while (!bad && getline(&line, &cap, f) > 0) {
        n++;
        size_t len = strlen(line);
        if (len == 0 || line[len - 1] != '\n') {
            fprintf(stderr, "json_lines: line %ld: no line end\n", n);
            bad = 1;
            break;
        }
        cJSON *o = cJSON_Parse(line);
        const cJSON *ev = cJSON_GetObjectItemCaseSensitive(o, "event");
        if (!cJSON_IsObject(o) || !cJSON_IsString(ev)) {
            fprintf(stderr, "json_lines: line %ld: not a JSON object with an "
                    "\"event\": %s", n, line);
            bad = 1;
        } else {
            show(o);
        }
        cJSON_Delete(o);
    }
    free(line);
    if (f != stdin)
        fclose(f);
    if (!bad && n == 0) {
        fprintf(stderr, "json_lines: %s: empty\n", argv[1]);
        bad = 1;
    }
    return bad;
}
