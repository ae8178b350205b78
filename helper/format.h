/* Human output: the JSON value a command already built, shown as a table or a few readable lines
 * (`--format table`, the default on a terminal). The JSON stays the one source: a view only reads
 * it. Pure: it writes to the FILE it is given and nothing else. */
#pragma once

#include <jansson.h>
#include <stdio.h>

enum format_style {
        FORMAT_JSON, /* one JSON value on one line: what programs parse (the default on a pipe) */
        FORMAT_TABLE, /* for a person */
        _FORMAT_STYLE_MAX,
};

/* What the value is, so that the view knows its fields. */
enum format_view {
        FORMAT_VIEW_LIST, /* list: an array of containers */
        FORMAT_VIEW_USAGE, /* usage: ResourceStatistics */
        FORMAT_VIEW_POLICY_CHECK, /* policy check: {"file","valid"[,"warnings"]} */
        FORMAT_VIEW_POLICY_EXPLAIN, /* policy explain: decision, findings, the create request */
        FORMAT_VIEW_POLICY_SHOW, /* policy show: what a caller may do */
        _FORMAT_VIEW_MAX,
};

/* "table" or "json"; -EINVAL for anything else. */
int format_parse_style(const char *text, enum format_style *out);

/* Writes value as view for a person. Every string from the value is shown with its control
 * characters replaced (a container's fields are another user's text on root's terminal).
 * 0, or -EIO when f fails. */
int format_print(FILE *f, enum format_view view, const json_t *value);

/* "45s", "12m", "3h", "2d": an age for a column. */
void format_age(long long seconds, char buf[static 24]);

/* "512 B", "12.3 MiB": a size for a person. */
void format_bytes(double bytes, char buf[static 32]);
