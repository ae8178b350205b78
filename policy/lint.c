/* What loads but is probably not what the author meant: warnings for `policy check`, and the
 * characters a copy from a web page or a word processor brings in (a no-break space, a BOM,
 * curly quotes, a comma between list items), named with their column. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_internal.h"
#include "suggest.h"

#define WARNINGS_MAX 1000 /* `policy check` shows these; more would say nothing new */
#define SHADOW_CHECK_MAX 10000 /* sections compared pairwise for the "never applies" warning */

void policy_warn(struct policy *p, const char *file, unsigned line, const char *fmt, ...)
{
        if (p->n_warnings >= WARNINGS_MAX)
                return;
        char msg[768];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        char **v = reallocarray(p->warnings, p->n_warnings + 1, sizeof *v);
        if (!v)
                return; /* a warning lost to a full memory is no reason to refuse the policy */
        p->warnings = v;
        if (asprintf(&v[p->n_warnings], "%s:%u: warning: %s", file, line, msg) >= 0)
                p->n_warnings++;
}

size_t policy_n_warnings(const struct policy *p)
{
        return p->n_warnings;
}

const char *policy_warning(const struct policy *p, size_t i)
{
        return i < p->n_warnings ? p->warnings[i] : NULL;
}

size_t policy_column(const struct policy_parser *ps, const char *at)
{
        return md_char_column(ps->raw, (size_t)(at - ps->buf));
}

/* What to write instead of a look-alike character, by its name. */
static const char *instead(const char *name)
{
        if (strstr(name, "byte order mark"))
                return "save the file without it";
        if (strstr(name, "quotation"))
                return "values are not quoted: write them bare";
        if (strstr(name, "dash") || strstr(name, "hyphen") || strstr(name, "minus"))
                return "write '-'";
        return "write a plain space";
}

/* Is the character next to c (before: -1, after: +1) a blank, a '=' or the line's end? */
static bool word_edge(const char *line, const char *c, int side)
{
        if ((side < 0 && c == line) || (side > 0 && !c[1]))
                return true;
        return c[side] == ' ' || c[side] == '\t' || c[side] == '=';
}

int policy_check_characters(struct policy_parser *ps, const char *s)
{
        size_t len = strlen(s);
        char name[MD_CHAR_NAME_MAX];
        for (size_t i = 0; i < len; i++) {
                size_t n;
                if ((unsigned char)s[i] >= 0x80 && md_char_lookalike(s + i, len - i, &n)) {
                        md_char_name(s + i, len - i, name);
                        return policy_parse_error(ps, "column %zu: %s: %s", policy_column(ps, s + i), name,
                                                  instead(name));
                }
                /* no value is quoted: a quote that opens or closes a word is one the author
                 * thought the grammar needs (and the value would otherwise hold it) */
                if ((s[i] == '"' || s[i] == '\'') && (word_edge(s, s + i, -1) || word_edge(s, s + i, 1))) {
                        md_char_name(s + i, 1, name);
                        return policy_parse_error(ps,
                                                  "column %zu: %s: values are not quoted: write them bare",
                                                  policy_column(ps, s + i), name);
                }
        }
        return 0;
}

/* The first comma among the words, or NULL. */
static const char *first_comma(char **words, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                const char *c = strchr(words[i], ',');
                if (c)
                        return c;
        }
        return NULL;
}

#define COMMA_MESSAGE "column %zu: ',' (comma): list items are separated by blanks, not commas"

int policy_comma_error(struct policy_parser *ps, char **words, size_t n)
{
        const char *c = first_comma(words, n);
        if (!c)
                return -1;
        /* the message the value's parser gave, without its "FILE:LINE: " */
        char prefix[512], why[sizeof ps->err->message];
        int plen = snprintf(prefix, sizeof prefix, "%s:%u: ", ps->file, ps->line);
        const char *m = ps->err->message;
        snprintf(why, sizeof why, "%s", plen > 0 && strncmp(m, prefix, (size_t)plen) == 0 ? m + plen : m);
        md_error_clear(ps->err); /* the first error stands otherwise */
        return policy_parse_error(ps, COMMA_MESSAGE " (%s)", policy_column(ps, c), why);
}

void policy_comma_warning(struct policy_parser *ps, char **words, size_t n)
{
        const char *c = first_comma(words, n);
        if (c)
                policy_parse_warning(ps, COMMA_MESSAGE, policy_column(ps, c));
}

/* Do two subjects match exactly the same callers? Names were resolved at load time. */
static bool same_callers(const struct policy_subject *a, const struct policy_subject *b)
{
        if (a->kind == SUBJECT_GROUP || b->kind == SUBJECT_GROUP)
                return a->kind == b->kind &&
                       (strcmp(a->name, b->name) == 0 || (a->gid_known && b->gid_known && a->gid == b->gid));
        if (a->kind == SUBJECT_USER && b->kind == SUBJECT_USER && strcmp(a->name, b->name) == 0)
                return true;
        bool a_uid = a->kind == SUBJECT_UID || a->uid_known, b_uid = b->kind == SUBJECT_UID || b->uid_known;
        return a_uid && b_uid && a->uid == b->uid;
}

static void subject_text(const struct policy_subject *s, char out[static POLICY_NAME_MAX + 16])
{
        if (s->kind == SUBJECT_UID)
                snprintf(out, POLICY_NAME_MAX + 16, "#%u", (unsigned)s->uid);
        else
                snprintf(out, POLICY_NAME_MAX + 16, "%s%s", s->kind == SUBJECT_GROUP ? "%" : "", s->name);
}

void policy_lint(struct policy *p)
{
        const char *first = p->n_files ? p->files[0] : "policy";
        if (p->n_sections == 0)
                policy_warn(p, first, 1, "no [caller] section: every caller is denied");
        if (p->helper.n_sandbox_roots == 0)
                policy_warn(p, p->helper_file ? p->helper_file : first, p->helper_file ? p->helper_line : 1,
                            "no sandbox-root in [helper]: every launch and fetch is refused");
        if (p->n_sections > SHADOW_CHECK_MAX)
                return;
        /* the last matching section wins, whole: an earlier one for the same callers is dead */
        for (size_t i = 0; i < p->n_sections; i++)
                for (size_t j = p->n_sections; j-- > i + 1;) {
                        const struct policy_section *a = p->sections[i], *b = p->sections[j];
                        if (!same_callers(&a->subject, &b->subject))
                                continue;
                        char sa[POLICY_NAME_MAX + 16], sb[POLICY_NAME_MAX + 16];
                        subject_text(&a->subject, sa);
                        subject_text(&b->subject, sb);
                        policy_warn(p, a->file, a->line,
                                    "[caller %s] never applies: [caller %s] at %s matches the same callers "
                                    "and comes later (the last matching section wins, whole)",
                                    sa, sb, b->rule);
                        break;
                }
}
