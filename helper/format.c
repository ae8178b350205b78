/* Human output for list, usage, policy check, explain and show (format.h). Each view reads the
 * JSON value its command prints for programs, so both say the same thing. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

#define MAX_COLUMNS 8

/* A string fit for a terminal: C0 and C1 control characters and DEL become '?', so that a
 * field another user chose (an image, a task id, a path) cannot move the cursor or retitle the
 * window of whoever reads the table. jansson holds only valid UTF-8, so a C1 control can only
 * come as its two-byte form (no lone 0x9b, no overlong ESC). malloc'd; NULL for NULL. */
static char *clean(const char *s)
{
        if (!s)
                return NULL;
        char *out = strdup(s);
        if (!out)
                return NULL;
        char *w = out;
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) { /* U+0080..U+009F in UTF-8 */
                        *w++ = '?';
                        p++;
                } else {
                        *w++ = (*p < 0x20 || *p == 0x7f) ? '?' : (char)*p;
                }
        }
        *w = '\0';
        return out;
}

/* Columns of text, aligned on output; widths in characters (UTF-8 continuation bytes do not
 * count). */
struct table {
        size_t n_columns, n_rows;
        char **cells; /* n_rows * n_columns */
        bool failed;
};

static size_t text_width(const char *s)
{
        size_t w = 0;
        for (; *s; s++)
                w += ((unsigned char)*s & 0xc0) != 0x80;
        return w;
}

static void table_row(struct table *t, const char *const *cells)
{
        if (t->failed)
                return;
        char **grown = realloc(t->cells, (t->n_rows + 1) * t->n_columns * sizeof *grown);
        if (!grown) {
                t->failed = true;
                return;
        }
        t->cells = grown;
        for (size_t c = 0; c < t->n_columns; c++) {
                char *text = clean(cells[c] ? cells[c] : "");
                t->failed |= !text;
                t->cells[t->n_rows * t->n_columns + c] = text;
        }
        t->n_rows++;
}

/* Two spaces between columns, the last one unpadded; indent before each row. */
static void table_print(FILE *f, struct table *t, const char *indent)
{
        size_t width[MAX_COLUMNS] = {0};
        for (size_t i = 0; !t->failed && i < t->n_rows * t->n_columns; i++) {
                size_t w = text_width(t->cells[i]);
                if (w > width[i % t->n_columns])
                        width[i % t->n_columns] = w;
        }
        for (size_t r = 0; !t->failed && r < t->n_rows; r++) {
                fputs(indent, f);
                for (size_t c = 0; c < t->n_columns; c++) {
                        const char *cell = t->cells[r * t->n_columns + c];
                        bool last = c + 1 == t->n_columns;
                        fprintf(f, "%s%*s", cell, last ? 0 : (int)(width[c] - text_width(cell) + 2), "");
                }
                fputc('\n', f);
        }
        for (size_t i = 0; i < t->n_rows * t->n_columns; i++)
                free(t->cells[i]);
        free(t->cells);
        if (t->failed)
                fputs("(out of memory)\n", f);
}

/* One line of text from the value, cleaned. */
static void put_line(FILE *f, const char *fmt, const char *text)
{
        char *c = clean(text ? text : "");
        fprintf(f, fmt, c ? c : "?");
        free(c);
}

static const char *str(const json_t *o, const char *key)
{
        return json_string_value(json_object_get(o, key));
}

void format_age(long long s, char buf[static 24])
{
        if (s < 0)
                snprintf(buf, 24, "-");
        else if (s < 120)
                snprintf(buf, 24, "%llds", s);
        else if (s < 2 * 3600)
                snprintf(buf, 24, "%lldm", s / 60);
        else if (s < 2 * 86400)
                snprintf(buf, 24, "%lldh", s / 3600);
        else
                snprintf(buf, 24, "%lldd", s / 86400);
}

void format_bytes(double b, char buf[static 32])
{
        static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
        size_t u = 0;
        while (b >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
                b /= 1024;
                u++;
        }
        if (u == 0)
                snprintf(buf, 32, "%.0f B", b);
        else
                snprintf(buf, 32, "%.1f %s", b, units[u]);
}

/* list: CONTAINER STATE EXIT AGE IMAGE, one row each ("-" where the record has no value). */
static void view_list(FILE *f, const json_t *arr)
{
        struct table t = {.n_columns = 5};
        table_row(&t, (const char *[]){"CONTAINER", "STATE", "EXIT", "AGE", "IMAGE"});
        size_t i;
        json_t *e;
        json_array_foreach(arr, i, e)
        {
                char exit_code[24] = "-", age[24] = "-";
                json_t *x = json_object_get(e, "exit_code");
                if (json_is_integer(x))
                        snprintf(exit_code, sizeof exit_code, "%lld", (long long)json_integer_value(x));
                json_t *a = json_object_get(e, "age_s");
                if (json_is_number(a))
                        format_age((long long)json_number_value(a), age);
                const char *image = str(e, "image");
                table_row(&t, (const char *[]){str(e, "container"), str(e, "state"), exit_code, age,
                                               image ? image : "-"});
        }
        table_print(f, &t, "");
        if (json_array_size(arr) == 0)
                fputs("(no containers)\n", f);
}

static double num(const json_t *o, const char *key)
{
        json_t *v = json_object_get(o, key);
        return json_is_number(v) ? json_number_value(v) : 0;
}

/* usage: the ResourceStatistics as labelled values with their units. */
static void view_usage(FILE *f, const json_t *o)
{
        char user[32], system[32], cpus[32], rss[32], limit[32];
        snprintf(user, sizeof user, "%.2f s", num(o, "cpus_user_time_secs"));
        snprintf(system, sizeof system, "%.2f s", num(o, "cpus_system_time_secs"));
        snprintf(cpus, sizeof cpus, "%.2f", num(o, "cpus_limit"));
        format_bytes(num(o, "mem_rss_bytes"), rss);
        format_bytes(num(o, "mem_limit_bytes"), limit);
        struct table t = {.n_columns = 2};
        table_row(&t, (const char *[]){"cpu time, user", user});
        table_row(&t, (const char *[]){"cpu time, system", system});
        table_row(&t, (const char *[]){"cpu limit", cpus});
        table_row(&t, (const char *[]){"memory in use (rss)", rss});
        table_row(&t, (const char *[]){"memory limit", limit});
        table_print(f, &t, "");
}

/* policy check: the verdict, then any warnings (strings, or objects with a "message"). */
static void view_policy_check(FILE *f, const json_t *o)
{
        put_line(f, "%s: ", str(o, "file"));
        fputs(json_is_true(json_object_get(o, "valid")) ? "valid\n" : "NOT valid\n", f);
        size_t i;
        json_t *w;
        json_array_foreach(json_object_get(o, "warnings"), i, w)
        {
                if (json_is_string(w)) {
                        put_line(f, "  %s\n", json_string_value(w));
                } else if (str(w, "message")) {
                        put_line(f, "  %s\n", str(w, "message"));
                } else {
                        char *text = json_dumps(w, JSON_COMPACT | JSON_ENCODE_ANY);
                        put_line(f, "  %s\n", text);
                        free(text);
                }
        }
}

/* A field of the create request, as text: strings as they are, arrays of strings joined by
 * sep, numbers (sep NULL: a number of bytes), booleans as yes/no, objects by their keys
 * (PortBindings). NULL: absent or empty, not shown. */
static char *field_text(const json_t *v, const char *sep)
{
        char *out = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&out, &len);
        if (!m)
                return NULL;
        char bytes[32];
        if (json_is_string(v)) {
                fputs(json_string_value(v), m);
        } else if (json_is_integer(v) && !sep) {
                format_bytes((double)json_integer_value(v), bytes);
                fputs(bytes, m);
        } else if (json_is_integer(v)) {
                fprintf(m, "%lld", (long long)json_integer_value(v));
        } else if (json_is_boolean(v)) {
                fputs(json_is_true(v) ? "yes" : "no", m);
        } else if (json_is_array(v)) {
                size_t i;
                json_t *e;
                json_array_foreach(v, i, e)
                {
                        char *t = json_is_string(e) ? NULL : json_dumps(e, JSON_COMPACT | JSON_ENCODE_ANY);
                        fprintf(m, "%s%s", i ? sep : "", t ? t : json_string_value(e));
                        free(t);
                }
        } else if (json_is_object(v)) {
                const char *k;
                json_t *e;
                bool first = true;
                json_object_foreach((json_t *)v, k, e)
                {
                        fprintf(m, "%s%s", first ? "" : sep, k);
                        first = false;
                }
        }
        if (fclose(m) != 0 || len == 0) {
                free(out);
                return NULL;
        }
        return out;
}

/* The fields of a Docker create request a person checks, with the label to show; sep NULL: a
 * number of bytes. */
static const struct {
        const char *label, *object, *key, *sep;
} create_fields[] = {
        {"image", NULL, "Image", " "},
        {"entrypoint", NULL, "Entrypoint", " "},
        {"command", NULL, "Cmd", " "},
        {"user", NULL, "User", " "},
        {"working dir", NULL, "WorkingDir", " "},
        {"network", "HostConfig", "NetworkMode", " "},
        {"ports", "HostConfig", "PortBindings", ", "},
        {"mounts", "HostConfig", "Binds", ", "},
        {"privileged", "HostConfig", "Privileged", " "},
        {"cpu shares", "HostConfig", "CpuShares", " "},
        {"memory", "HostConfig", "Memory", NULL},
        {"capabilities added", "HostConfig", "CapAdd", ", "},
        {"capabilities dropped", "HostConfig", "CapDrop", ", "},
        {"security options", "HostConfig", "SecurityOpt", ", "},
        {"environment", NULL, "Env", ", "},
};

static void view_create(FILE *f, const json_t *create)
{
        const json_t *body = json_object_get(create, "body");
        put_line(f, "It would create %s:\n", str(create, "name"));
        struct table t = {.n_columns = 2};
        for (size_t i = 0; i < sizeof create_fields / sizeof create_fields[0]; i++) {
                const json_t *o =
                        create_fields[i].object ? json_object_get(body, create_fields[i].object) : body;
                char *text = field_text(json_object_get(o, create_fields[i].key), create_fields[i].sep);
                if (text)
                        table_row(&t, (const char *[]){create_fields[i].label, text});
                free(text);
        }
        table_print(f, &t, "  ");
}

/* policy explain: the decision and the rule that made it, every finding, then the container
 * that a launch would create. */
static void view_policy_explain(FILE *f, const json_t *o)
{
        bool allow = strcmp(str(o, "decision") ? str(o, "decision") : "", "allow") == 0;
        const json_t *findings = json_object_get(o, "findings");
        size_t i;
        json_t *e;
        const json_t *denial = NULL;
        json_array_foreach(findings, i, e)
        {
                if (!denial && strcmp(str(e, "decision") ? str(e, "decision") : "", "allow") != 0)
                        denial = e;
        }
        put_line(f, "%s: ", str(o, "container"));
        if (allow) {
                put_line(f, "ALLOWED by the [caller] section at %s\n", str(o, "section"));
        } else if (denial) {
                put_line(f, "DENIED: %s", str(denial, "aspect"));
                put_line(f, " %s: ", str(denial, "subject"));
                put_line(f, "%s", str(denial, "reason"));
                put_line(f, " (%s)\n", str(denial, "rule"));
        } else {
                fputs("DENIED\n", f);
        }
        put_line(f, "image: %s\n", str(o, "image"));
        struct table t = {.n_columns = 5};
        table_row(&t, (const char *[]){"DECISION", "ASPECT", "SUBJECT", "RULE", "REASON"});
        json_array_foreach(findings, i, e)
        {
                table_row(&t, (const char *[]){str(e, "decision"), str(e, "aspect"), str(e, "subject"),
                                               str(e, "rule"), str(e, "reason")});
        }
        table_print(f, &t, "  ");
        const json_t *create = json_object_get(o, "create");
        if (json_is_object(create))
                view_create(f, create);
        else
                fputs("Nothing would be created.\n", f);
}

/* policy show: who, by which section, then one line for each thing the section allows. */
static void view_policy_show(FILE *f, const json_t *o)
{
        json_t *uid = json_object_get(o, "uid");
        put_line(f, "%s", str(o, "caller"));
        fprintf(f, " (uid %lld)", (long long)json_integer_value(uid));
        if (!str(o, "section")) {
                fputs(": no [caller] section of the policy matches: nothing is allowed (default deny)\n", f);
                return;
        }
        put_line(f, " is governed by the [caller] section at %s and may:\n", str(o, "section"));
        size_t i;
        json_t *line;
        json_array_foreach(json_object_get(o, "allows"), i, line)
        {
                put_line(f, "  %s\n", json_string_value(line));
        }
}

int format_parse_style(const char *text, enum format_style *out)
{
        if (strcmp(text, "json") == 0)
                *out = FORMAT_JSON;
        else if (strcmp(text, "table") == 0)
                *out = FORMAT_TABLE;
        else
                return -EINVAL;
        return 0;
}

int format_print(FILE *f, enum format_view view, const json_t *value)
{
        static void (*const views[_FORMAT_VIEW_MAX])(FILE *, const json_t *) = {
                [FORMAT_VIEW_LIST] = view_list,
                [FORMAT_VIEW_USAGE] = view_usage,
                [FORMAT_VIEW_POLICY_CHECK] = view_policy_check,
                [FORMAT_VIEW_POLICY_EXPLAIN] = view_policy_explain,
                [FORMAT_VIEW_POLICY_SHOW] = view_policy_show,
        };
        if ((unsigned)view >= _FORMAT_VIEW_MAX)
                return -EINVAL;
        views[view](f, value);
        return ferror(f) || fflush(f) != 0 ? -EIO : 0;
}
