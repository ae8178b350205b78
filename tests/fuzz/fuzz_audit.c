/* libFuzzer: the audit record formatter. Whatever the strings, a record is one line of ASCII JSON
 * that parses back to the same strings, or it is refused (invalid UTF-8). */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s = malloc(size + 1);
        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = '\0';
        struct audit_event ev = {.caller = s, .command = "launch", .reason = s, .allow = true};
        char *line = audit_format(&ev, "t");
        if (line) {
                size_t len = strlen(line);
                for (size_t i = 0; i + 1 < len; i++)
                        if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] >= 0x7f)
                                abort();
                json_error_t e;
                json_t *j = json_loads(line, 0, &e);
                if (!j || strcmp(json_string_value(json_object_get(j, "caller")), s) != 0)
                        abort();
                json_decref(j);
                free(line);
        }
        free(s);
        return 0;
}
