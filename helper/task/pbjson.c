/* The protobuf JSON mapping as Mesos' TaskInfo uses it: field names in snake_case or
 * lowerCamelCase, null as the default, numbers also as strings, enums by name or number.
 * Every message starts with the field path, so that a user finds the culprit. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "task_internal.h"

static void child_path(const char *parent, const char *key, char path[static TASK_PATH_MAX])
{
        if (parent && *parent)
                snprintf(path, TASK_PATH_MAX, "%s.%s", parent, key);
        else
                snprintf(path, TASK_PATH_MAX, "%s", key);
}

void task_pb_index_path(const char *parent, size_t i, char path[static TASK_PATH_MAX])
{
        snprintf(path, TASK_PATH_MAX, "%s[%zu]", parent, i);
}

void task_pb_json_name(const char *name, char out[static 64])
{
        size_t n = 0;
        bool upper = false;
        for (const char *p = name; *p && n < 63; p++) {
                if (*p == '_') {
                        upper = true;
                        continue;
                }
                out[n++] = upper ? (char)toupper((unsigned char)*p) : *p;
                upper = false;
        }
        out[n] = '\0';
}

const char *task_quote(const char *s, char buf[static 300])
{
        size_t n = 0;
        buf[n++] = '"';
        for (size_t i = 0; s[i]; i++) {
                unsigned char c = (unsigned char)s[i];
                if (i >= 64 && (c & 0xc0) != 0x80) { /* cut between UTF-8 characters */
                        memcpy(buf + n, "...", 3);
                        n += 3;
                        break;
                }
                if (c == '"' || c == '\\') {
                        buf[n++] = '\\';
                        buf[n++] = (char)c;
                } else if (c < 0x20 || c == 0x7f) {
                        n += (size_t)snprintf(buf + n, 5, "\\x%02x", c);
                } else {
                        buf[n++] = (char)c;
                }
        }
        buf[n++] = '"';
        buf[n] = '\0';
        return buf;
}

int task_pb_field(json_t *obj, const char *parent, const char *name, json_t **out,
                  char path[static TASK_PATH_MAX], md_error *err)
{
        char camel[64];
        task_pb_json_name(name, camel);
        json_t *snake_v = json_object_get(obj, name);
        json_t *camel_v = strcmp(camel, name) != 0 ? json_object_get(obj, camel) : NULL;

        if (snake_v && camel_v) {
                child_path(parent, name, path);
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: given twice, as \"%s\" and \"%s\"", path, name,
                               camel);
        }
        child_path(parent, camel_v ? camel : name, path);
        json_t *v = snake_v ? snake_v : camel_v;
        *out = json_is_null(v) ? NULL : v;
        return 0;
}

static const char *type_name(json_t *v)
{
        switch (json_typeof(v)) {
        case JSON_OBJECT:
                return "an object";
        case JSON_ARRAY:
                return "an array";
        case JSON_STRING:
                return "a string";
        case JSON_INTEGER:
        case JSON_REAL:
                return "a number";
        case JSON_TRUE:
        case JSON_FALSE:
                return "a boolean";
        case JSON_NULL:
                return "null";
        }
        return "something else";
}

static int expected(json_t *v, const char *path, const char *what, md_error *err)
{
        return md_fail(err, MD_EXIT_BAD_TASK, "%s: expected %s, not %s", path, what, type_name(v));
}

int task_pb_string(json_t *v, const char *path, char **out, md_error *err)
{
        if (!json_is_string(v))
                return expected(v, path, "a string", err);
        size_t len = json_string_length(v);
        if (len > TASK_MAX_STRING)
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: longer than %d bytes", path, TASK_MAX_STRING);
        /* jansson without JSON_ALLOW_NUL refuses \u0000, so the length is the C string's */
        char *s = strndup(json_string_value(v), len);
        if (!s)
                return md_fail(err, MD_EXIT_FAILED, "%s: out of memory", path);
        *out = s;
        return 0;
}

int task_pb_bool(json_t *v, const char *path, bool *out, md_error *err)
{
        if (!json_is_boolean(v))
                return expected(v, path, "true or false", err);
        *out = json_is_true(v);
        return 0;
}

/* A number given as a JSON string: protobuf accepts "8080" and "1.5" for numeric fields. */
static int number_from_string(json_t *v, const char *path, double *out, md_error *err)
{
        const char *s = json_string_value(v);
        char q[300];
        if (strcmp(s, "NaN") == 0 || strcmp(s, "Infinity") == 0 || strcmp(s, "-Infinity") == 0)
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: not a finite number", path);
        bool negative = s[0] == '-';
        const char *digits = negative ? s + 1 : s;
        if (!isdigit((unsigned char)digits[0]) || strspn(digits, "0123456789.eE+-") != strlen(digits))
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: expected a number, not %s", path,
                               task_quote(s, q));
        char *end;
        double d = strtod(digits, &end);
        if (*end)
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: expected a number, not %s", path,
                               task_quote(s, q));
        if (!isfinite(d))
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: not a finite number", path);
        *out = negative ? -d : d;
        return 0;
}

static int number(json_t *v, const char *path, double *out, md_error *err)
{
        double d;
        if (json_is_integer(v))
                d = (double)json_integer_value(v);
        else if (json_is_real(v))
                d = json_real_value(v);
        else if (json_is_string(v)) {
                if (number_from_string(v, path, &d, err) < 0)
                        return -1;
        } else
                return expected(v, path, "a number", err);
        if (!isfinite(d)) /* jansson refuses overflowing literals; this is the belt */
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: not a finite number", path);
        if (d < 0)
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: must not be negative", path);
        *out = d;
        return 0;
}

int task_pb_double(json_t *v, const char *path, double *out, md_error *err)
{
        return number(v, path, out, err);
}

int task_pb_uint(json_t *v, const char *path, uint64_t max, uint64_t *out, md_error *err)
{
        double d;
        if (json_is_integer(v)) {
                json_int_t i = json_integer_value(v);
                if (i < 0)
                        return md_fail(err, MD_EXIT_BAD_TASK, "%s: must not be negative", path);
                if ((uint64_t)i > max)
                        return md_fail(err, MD_EXIT_BAD_TASK, "%s: must be at most %ju", path,
                                       (uintmax_t)max);
                *out = (uint64_t)i;
                return 0;
        }
        if (number(v, path, &d, err) < 0)
                return -1;
        if (d != floor(d))
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: expected a whole number", path);
        if (d > (double)max)
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: must be at most %ju", path, (uintmax_t)max);
        *out = (uint64_t)d;
        return 0;
}

/* " (HOST, BRIDGE, NONE or USER)": the names a message lists after an unknown value. */
static const char *allowed(const struct task_pb_enum *values, char buf[static 256])
{
        size_t n = 0, len = 0;
        while (values[n].name)
                n++;
        len += (size_t)snprintf(buf + len, 256 - len, " (");
        for (size_t i = 0; i < n && len < 256; i++)
                len += (size_t)snprintf(buf + len, 256 - len, "%s%s",
                                        i == 0       ? ""
                                        : i + 1 == n ? " or "
                                                     : ", ",
                                        values[i].name);
        if (len < 256)
                snprintf(buf + len, 256 - len, ")");
        return buf;
}

int task_pb_enum(json_t *v, const char *path, const struct task_pb_enum *values, int *out, md_error *err)
{
        char q[300], names[256];
        if (json_is_string(v)) {
                const char *s = json_string_value(v);
                for (const struct task_pb_enum *e = values; e->name; e++)
                        if (strcmp(e->name, s) == 0) {
                                *out = e->number;
                                return 0;
                        }
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: unknown value %s%s", path, task_quote(s, q),
                               allowed(values, names));
        }
        if (json_is_integer(v)) {
                json_int_t i = json_integer_value(v);
                for (const struct task_pb_enum *e = values; e->name; e++)
                        if (e->number == i) {
                                *out = e->number;
                                return 0;
                        }
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: unknown value %jd%s", path, (intmax_t)i,
                               allowed(values, names));
        }
        return expected(v, path, "a string", err);
}

int task_pb_get_string(json_t *obj, const char *parent, const char *name, bool required, char **out,
                       md_error *err)
{
        char path[TASK_PATH_MAX];
        json_t *v;
        if (task_pb_field(obj, parent, name, &v, path, err) < 0)
                return -1;
        if (!v)
                return required ? md_fail(err, MD_EXIT_BAD_TASK, "%s: missing", path) : 0;
        return task_pb_string(v, path, out, err);
}

int task_pb_get_bool(json_t *obj, const char *parent, const char *name, bool *out, md_error *err)
{
        char path[TASK_PATH_MAX];
        json_t *v;
        if (task_pb_field(obj, parent, name, &v, path, err) < 0)
                return -1;
        return v ? task_pb_bool(v, path, out, err) : 0;
}

int task_pb_get_object(json_t *obj, const char *parent, const char *name, bool required, json_t **out,
                       char path[static TASK_PATH_MAX], md_error *err)
{
        json_t *v;
        if (task_pb_field(obj, parent, name, &v, path, err) < 0)
                return -1;
        if (!v) {
                if (required)
                        return md_fail(err, MD_EXIT_BAD_TASK, "%s: missing", path);
                *out = NULL;
                return 0;
        }
        if (!json_is_object(v))
                return expected(v, path, "an object", err);
        *out = v;
        return 0;
}

int task_pb_get_array(json_t *obj, const char *parent, const char *name, size_t max, json_t **out,
                      char path[static TASK_PATH_MAX], md_error *err)
{
        json_t *v;
        if (task_pb_field(obj, parent, name, &v, path, err) < 0)
                return -1;
        if (!v) {
                *out = NULL;
                return 0;
        }
        if (!json_is_array(v))
                return expected(v, path, "an array", err);
        if (json_array_size(v) > max)
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: more than %zu items", path, max);
        *out = v;
        return 0;
}
