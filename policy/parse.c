/* The policy file's lines: sections, KEY = VALUE words, comments, and the limits on what is
 * read. The values themselves are parsed in parse_values.c. Any error refuses the whole policy
 * with "FILE:LINE: message" (OpenDoas refuses a doas.conf with one bad line the same way). */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "policy_internal.h"
#include "suggest.h"

#define DEFAULT_STATE_DIR "/run/mesos-docker"
#define DEFAULT_AUDIT_LOG "/var/log/mesos-docker/audit.log"
#define DEFAULT_DOCKER_SOCKET "/var/run/docker.sock"

int policy_parse_error(const struct policy_parser *ps, const char *fmt, ...)
{
        char msg[768];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        return md_fail(ps->err, MD_EXIT_POLICY, "%s:%u: %s", ps->file, ps->line, msg);
}

struct policy *policy_new(md_error *err)
{
        struct policy *p = calloc(1, sizeof *p);
        if (!p)
                md_fail(err, MD_EXIT_FAILED, "policy: out of memory");
        return p;
}

static const char *intern_file(struct policy *p, const char *name)
{
        char **f = reallocarray(p->files, p->n_files + 1, sizeof *f);
        if (!f)
                return NULL;
        p->files = f;
        f[p->n_files] = strdup(name);
        return f[p->n_files] ? f[p->n_files++] : NULL;
}

static bool is_blank(char c)
{
        return c == ' ' || c == '\t';
}

/* Cuts the comment: a '#' at the start of the line, or after white space unless a digit
 * follows (so that "#1000", a uid, stays a word in subjects and readers). */
static void strip_comment(char *s)
{
        bool first = true; /* only blanks so far */
        for (char *c = s; *c; c++) {
                if (*c == '#' && (first || (is_blank(c[-1]) && !(c[1] >= '0' && c[1] <= '9')))) {
                        *c = '\0';
                        return;
                }
                if (!is_blank(*c))
                        first = false;
        }
}

static char *trim(char *s)
{
        while (is_blank(*s))
                s++;
        size_t n = strlen(s);
        while (n > 0 && is_blank(s[n - 1]))
                s[--n] = '\0';
        return s;
}

/* Splits s in place at runs of blanks; returns the number of words (at most max). */
static size_t split_words(char *s, char **words, size_t max)
{
        size_t n = 0;
        while (*s && n < max) {
                while (is_blank(*s))
                        *s++ = '\0';
                if (!*s)
                        break;
                words[n++] = s;
                while (*s && !is_blank(*s))
                        s++;
        }
        return n;
}

static int start_section(struct policy_parser *ps, char *inner)
{
        char *words[4];
        size_t n = split_words(inner, words, 3);
        ps->section = NULL;
        ps->in_helper = false;
        if (n == 1 && strcmp(words[0], "helper") == 0) {
                ps->in_helper = true;
                if (!ps->p->helper_file) {
                        ps->p->helper_file = ps->file;
                        ps->p->helper_line = ps->line;
                }
                return 0;
        }
        if (n == 0 || strcmp(words[0], "caller") != 0)
                return policy_parse_error(ps,
                                          "unknown section [%.64s] (expected [helper] or [caller SUBJECT])",
                                          n ? words[0] : "");
        if (n != 2)
                return policy_parse_error(ps,
                                          "[caller] needs exactly one subject: a user name, #UID or %%GROUP");

        struct policy *p = ps->p;
        struct policy_section **v = reallocarray(p->sections, p->n_sections + 1, sizeof *v);
        if (!v)
                return policy_parse_error(ps, "out of memory");
        p->sections = v;
        struct policy_section *s = calloc(1, sizeof *s);
        if (!s)
                return policy_parse_error(ps, "out of memory");
        v[p->n_sections++] = s;
        s->policy = p;
        s->file = ps->file;
        s->line = ps->line;
        snprintf(s->rule, sizeof s->rule, "%s:%u", ps->file, ps->line);
        if (strlen(s->rule) >= sizeof s->rule - 1)
                return policy_parse_error(ps, "file name too long");
        ps->section = s;
        return policy_parse_subject(ps, words[1], "subject", &s->subject);
}

/* The first character that cannot be in a key, or NULL when k is a valid key. */
static const char *invalid_in_key(const char *k)
{
        for (; *k; k++)
                if (!((*k >= 'a' && *k <= 'z') || *k == '-'))
                        return k;
        return NULL;
}

static int invalid_key(struct policy_parser *ps, const char *key)
{
        if (!*key)
                return policy_parse_error(ps, "invalid key \"\" (expected KEY = VALUE)");
        const char *bad = invalid_in_key(key);
        char name[MD_CHAR_NAME_MAX], lower[65], hint[96];
        md_char_name(bad, strlen(bad), name);
        size_t n = 0;
        for (; key[n] && n < sizeof lower - 1; n++)
                lower[n] = key[n] >= 'A' && key[n] <= 'Z' ? (char)(key[n] - 'A' + 'a') : key[n];
        lower[n] = '\0';
        return policy_parse_error(ps, "invalid key \"%.64s\": column %zu: %s%s", key, policy_column(ps, bad),
                                  name, policy_key_hint(lower, hint));
}

static int parse_line(struct policy_parser *ps, char *line)
{
        strip_comment(line);
        if (policy_check_characters(ps, line) < 0)
                return -1;
        char *s = trim(line);
        if (!*s)
                return 0;
        ps->entries++;
        if (*s == '[') {
                size_t n = strlen(s);
                if (s[n - 1] != ']')
                        return policy_parse_error(ps, "a section header must end with ']'");
                s[n - 1] = '\0';
                return start_section(ps, s + 1);
        }
        char *eq = strchr(s, '=');
        if (!eq)
                return policy_parse_error(ps, "expected KEY = VALUE or [SECTION]");
        *eq = '\0';
        char *key = trim(s);
        if (!*key || invalid_in_key(key))
                return invalid_key(ps, key);
        if (!ps->section && !ps->in_helper)
                return policy_misplaced_key(ps, key, NULL);
        char *words[POLICY_LINE_MAX / 2 + 1];
        size_t n = split_words(eq + 1, words, sizeof words / sizeof words[0]);
        if (n == 0)
                return policy_parse_error(ps, "%s: no value", key);
        int r = ps->in_helper ? policy_set_helper_key(ps, key, words, n)
                              : policy_set_caller_key(ps, key, words, n);
        if (policy_key_is_list(key)) {
                if (r < 0)
                        return policy_comma_error(ps, words, n);
                policy_comma_warning(ps, words, n);
        }
        return r;
}

int policy_parse_into(struct policy *p, const char *name, const char *text, size_t len, md_error *err)
{
        struct policy_parser ps = {.p = p, .err = err};
        ps.file = intern_file(p, name);
        if (!ps.file)
                return md_fail(err, MD_EXIT_FAILED, "policy: out of memory");
        if (len > POLICY_FILE_MAX)
                return md_fail(err, MD_EXIT_POLICY, "%s: too big (more than %d bytes)", name,
                               POLICY_FILE_MAX);

        size_t pos = 0;
        while (pos < len) {
                ps.line++;
                const char *nl = memchr(text + pos, '\n', len - pos);
                size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
                if (n > 0 && text[pos + n - 1] == '\r')
                        n--; /* CRLF files: the '\r' is not part of the value */
                if (n > POLICY_LINE_MAX)
                        return policy_parse_error(&ps, "line too long (more than %d bytes)", POLICY_LINE_MAX);
                if (memchr(text + pos, '\0', n))
                        return policy_parse_error(&ps, "NUL byte");
                char buf[POLICY_LINE_MAX + 1], raw[POLICY_LINE_MAX + 1];
                memcpy(buf, text + pos, n);
                buf[n] = '\0';
                memcpy(raw, buf, n + 1);
                ps.raw = raw;
                ps.buf = buf;
                for (size_t i = 0; i < n; i++)
                        if ((unsigned char)buf[i] < 0x20 && buf[i] != '\t')
                                return policy_parse_error(&ps, "control character 0x%02x",
                                                          (unsigned char)buf[i]);
                if (parse_line(&ps, buf) < 0)
                        return -1;
                pos += (nl ? (size_t)(nl - (text + pos)) + 1 : len - pos);
        }
        if (ps.entries == 0)
                policy_warn(p, ps.file, 1, "the file is empty");
        return 0;
}

static int set_default(char **slot, const char *value, md_error *err)
{
        if (*slot)
                return 0;
        *slot = strdup(value);
        return *slot ? 0 : md_fail(err, MD_EXIT_FAILED, "policy: out of memory");
}

static int add_protected(struct policy *p, const char *path)
{
        for (size_t i = 0; i < p->n_protected; i++)
                if (strcmp(p->protected_paths[i], path) == 0)
                        return 0;
        char **v = reallocarray(p->protected_paths, p->n_protected + 1, sizeof *v);
        if (!v)
                return -1;
        p->protected_paths = v;
        v[p->n_protected] = strdup(path);
        return v[p->n_protected] ? (p->n_protected++, 0) : -1;
}

static int protect(struct policy *p, const char *path, md_error *err)
{
        if (add_protected(p, path) < 0)
                return md_fail(err, MD_EXIT_FAILED, "policy: out of memory");
        _cleanup_free_ char *real = realpath(path, NULL);
        if (real && strcmp(real, "/") != 0 && add_protected(p, real) < 0)
                return md_fail(err, MD_EXIT_FAILED, "policy: out of memory");
        return 0;
}

int policy_finish(struct policy *p, md_error *err)
{
        struct policy_helper_conf *h = &p->helper;
        if (set_default(&h->state_dir, DEFAULT_STATE_DIR, err) < 0 ||
            set_default(&h->audit_log, DEFAULT_AUDIT_LOG, err) < 0 ||
            set_default(&h->docker_socket, DEFAULT_DOCKER_SOCKET, err) < 0)
                return -1;
        if (!p->keep_exited_set)
                h->keep_exited = POLICY_KEEP_EXITED_DEFAULT;
        if (!h->sandbox_roots) {
                h->sandbox_roots = calloc(1, sizeof *h->sandbox_roots);
                if (!h->sandbox_roots)
                        return md_fail(err, MD_EXIT_FAILED, "policy: out of memory");
        }
        /* A volume must never hand the container the docker socket (root on the host) or the
         * helper's own records. Symlinks in these paths (/var/run -> /run) are resolved now, as
         * the helper resolves the requested host paths, so that both are compared alike. */
        const char *prot[] = {h->docker_socket, h->state_dir, h->audit_log};
        for (size_t i = 0; i < sizeof prot / sizeof prot[0]; i++)
                if (protect(p, prot[i], err) < 0)
                        return -1;
        /* nor other tasks' sandboxes: a task's own sandbox is mounted anyway. A root of "/"
         * lets sandboxes be anywhere and protects nothing by itself. */
        for (size_t i = 0; i < h->n_sandbox_roots; i++)
                if (strcmp(h->sandbox_roots[i], "/") != 0 && protect(p, h->sandbox_roots[i], err) < 0)
                        return -1;
        return 0;
}

int policy_parse_text(const char *name, const char *text, size_t len, struct policy **out, md_error *err)
{
        struct policy *p = policy_new(err);
        if (!p)
                return -1;
        if (policy_parse_into(p, name, text, len, err) < 0 || policy_finish(p, err) < 0) {
                policy_free(p);
                return -1;
        }
        *out = p;
        return 0;
}

static void free_strv(char **v, size_t n)
{
        for (size_t i = 0; v && i < n; i++)
                free(v[i]);
        free(v);
}

static void section_free(struct policy_section *s)
{
        if (!s)
                return;
        policy_subject_clear(&s->subject);
        free_strv(s->images, s->n_images);
        for (size_t i = 0; i < s->n_volumes; i++)
                free(s->volumes[i].path);
        free(s->volumes);
        for (size_t i = 0; i < s->n_cusers; i++)
                free(s->cusers[i].name);
        free(s->cusers);
        free_strv(s->parameters, s->n_parameters);
        free_strv(s->fetch_schemes, s->n_fetch_schemes);
        for (size_t i = 0; i < s->n_readers; i++)
                policy_subject_clear(&s->readers[i]);
        free(s->readers);
        free(s);
}

void policy_free(struct policy *p)
{
        if (!p)
                return;
        struct policy_helper_conf *h = &p->helper;
        free_strv(h->sandbox_roots, h->n_sandbox_roots);
        free(h->state_dir);
        free(h->audit_log);
        free(h->docker_socket);
        free(h->registry_config);
        for (size_t i = 0; i < sizeof p->helper_rule / sizeof p->helper_rule[0]; i++)
                free(p->helper_rule[i]);
        for (size_t i = 0; i < p->n_sections; i++)
                section_free(p->sections[i]);
        free(p->sections);
        free_strv(p->files, p->n_files);
        free_strv(p->protected_paths, p->n_protected);
        free_strv(p->warnings, p->n_warnings);
        for (size_t i = 0; i < p->n_lookups; i++)
                free(p->lookups[i].name);
        free(p->lookups);
        free(p);
}

const struct policy_helper_conf *policy_helper(const struct policy *p)
{
        return &p->helper;
}
