/* Docker image references, normalized as distribution/reference does, and the policy's image
 * patterns, normalized the same way so that both sides of an fnmatch() speak one language.
 *
 * The grammar is checked strictly: a reference reaches the Docker API and the audit log, so
 * anything beyond [a-zA-Z0-9._/:@-] is refused before it is even split. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "imageref.h"

#define NAME_TOTAL_MAX 255
#define TAG_MAX 128
#define DEFAULT_DOMAIN "docker.io"
#define LEGACY_DOMAIN "index.docker.io"
#define OFFICIAL_PREFIX "library/"
#define DIGEST_PREFIX "sha256:"
#define DIGEST_HEX 64

static bool is_lower_alnum(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
static bool is_alnum(char c)
{
        return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}
static bool is_word(char c)
{
        return is_alnum(c) || c == '_';
}
static bool is_glob(char c)
{
        return c == '*' || c == '?' || c == '[' || c == ']' || c == '!' || c == '^';
}

/* The reference as it may be shown in a message: printable, bounded. */
static const char *shown(const char *s, char buf[static 80])
{
        size_t o = 0;
        for (size_t i = 0; s[i] && o < 70; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
                        o += (size_t)snprintf(buf + o, 80 - o, "\\x%02x", c);
                else
                        buf[o++] = (char)c;
        }
        if (strlen(s) > 70 && o < 76)
                buf[o++] = '.', buf[o++] = '.', buf[o++] = '.';
        buf[o] = '\0';
        return buf;
}

struct parse {
        const char *what; /* "image" or "image pattern" */
        const char *input;
        bool pattern;
        md_error *err;
};

__attribute__((format(printf, 2, 3))) static int bad(const struct parse *p, const char *fmt, ...)
{
        char why[256], b[80];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, sizeof why, fmt, ap);
        va_end(ap);
        return md_fail(p->err, MD_EXIT_BAD_TASK, "%s \"%s\": %s", p->what, shown(p->input, b), why);
}

/* In a pattern, a bracket expression holds only characters that cannot split the reference,
 * so that the structural ':' '/' '@' found below are never inside one. Returns the length of
 * the expression starting at s ('['), or 0 when it is malformed. */
static size_t bracket_len(const char *s, size_t n)
{
        size_t i = 1;
        if (i < n && (s[i] == '!' || s[i] == '^'))
                i++;
        size_t start = i;
        for (; i < n; i++) {
                if (s[i] == ']' && i > start)
                        return i + 1;
                if (!is_alnum(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
                        return 0;
        }
        return 0;
}

/* Checks every character: ok(c) for literal characters, globs when p->pattern. */
static int check_chars(const struct parse *p, const char *s, size_t n, bool (*ok)(char), const char *part)
{
        if (n == 0)
                return bad(p, "empty %s", part);
        for (size_t i = 0; i < n; i++) {
                if (p->pattern && s[i] == '[') {
                        size_t b = bracket_len(s + i, n - i);
                        if (!b)
                                return bad(p, "unbalanced or invalid '[' in the %s", part);
                        i += b - 1;
                        continue;
                }
                if (p->pattern && (s[i] == '*' || s[i] == '?'))
                        continue;
                if (!ok(s[i])) {
                        if (s[i] >= 'A' && s[i] <= 'Z')
                                return bad(p, "the %s must be lower case", part);
                        return bad(p, "invalid character '%c' in the %s", s[i], part);
                }
        }
        return 0;
}

static bool path_char(char c)
{
        return is_lower_alnum(c) || c == '.' || c == '_' || c == '-';
}
static bool tag_char(char c)
{
        return is_word(c) || c == '.' || c == '-';
}
static bool host_char(char c)
{
        return is_alnum(c) || c == '.' || c == '-';
}
static bool port_char(char c)
{
        return c >= '0' && c <= '9';
}
static bool hex_char(char c)
{
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* path-component := [a-z0-9]+ (separator [a-z0-9]+)*, separator := [_.] | __ | [-]* */
static int check_path_component(const struct parse *p, const char *s, size_t n)
{
        if (check_chars(p, s, n, path_char, "repository path") < 0)
                return -1;
        if (p->pattern)
                return 0; /* a glob may stand for any part; the request is checked strictly */
        size_t i = 0;
        while (i < n) {
                size_t a = i;
                while (i < n && is_lower_alnum(s[i]))
                        i++;
                if (i == a)
                        return bad(p,
                                   "repository path component \"%.*s\" must start and end with a letter or "
                                   "digit",
                                   (int)n, s);
                if (i == n)
                        return 0;
                size_t sep = i;
                while (i < n && !is_lower_alnum(s[i]))
                        i++;
                size_t sl = i - sep;
                bool ok = (sl == 1 && (s[sep] == '.' || s[sep] == '_')) ||
                          (sl == 2 && s[sep] == '_' && s[sep + 1] == '_') || strspn(s + sep, "-") >= sl;
                if (!ok)
                        return bad(p, "invalid separator \"%.*s\" in the repository path", (int)sl, s + sep);
                if (i == n)
                        return bad(p,
                                   "repository path component \"%.*s\" must start and end with a letter or "
                                   "digit",
                                   (int)n, s);
        }
        return 0;
}

/* domain := host [':' port], host := label ('.' label)*, label := [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])? */
static int check_domain(const struct parse *p, const char *s, size_t n)
{
        const char *colon = memchr(s, ':', n);
        size_t hn = colon ? (size_t)(colon - s) : n;
        if (check_chars(p, s, hn, host_char, "registry host") < 0)
                return -1;
        if (colon) {
                size_t pn = n - hn - 1;
                if (check_chars(p, colon + 1, pn, port_char, "registry port") < 0)
                        return -1;
                if (!p->pattern && pn > 5)
                        return bad(p, "registry port too long");
        }
        if (p->pattern)
                return 0;
        size_t i = 0;
        while (i <= hn) {
                size_t a = i;
                while (i < hn && s[i] != '.')
                        i++;
                if (i == a || s[a] == '-' || s[i - 1] == '-')
                        return bad(p, "invalid registry host \"%.*s\"", (int)hn, s);
                i++;
        }
        return 0;
}

static int check_tag(const struct parse *p, const char *s, size_t n)
{
        if (check_chars(p, s, n, tag_char, "tag") < 0)
                return -1;
        if (p->pattern)
                return n > TAG_MAX * 2 ? bad(p, "tag too long") : 0;
        if (!is_word(s[0]))
                return bad(p, "the tag must start with a letter, digit or '_'");
        if (n > TAG_MAX)
                return bad(p, "tag longer than %d characters", TAG_MAX);
        return 0;
}

static int check_digest(const struct parse *p, const char *s, size_t n)
{
        size_t pl = strlen(DIGEST_PREFIX);
        if (p->pattern) {
                /* "@*" or "@sha256:<hex or globs>" */
                if (n >= pl && memcmp(s, DIGEST_PREFIX, pl) == 0)
                        return check_chars(p, s + pl, n - pl, hex_char, "digest");
                return check_chars(p, s, n, hex_char, "digest");
        }
        if (n != pl + DIGEST_HEX || memcmp(s, DIGEST_PREFIX, pl) != 0)
                return bad(p, "the digest must be sha256: and 64 lower-case hex digits");
        for (size_t i = pl; i < n; i++)
                if (!hex_char(s[i]))
                        return bad(p, "the digest must be sha256: and 64 lower-case hex digits");
        return 0;
}

/* Docker's splitDockerDomain: the first component is a registry when it has a '.' or ':',
 * is "localhost", or has upper case (which a repository path may not). */
static bool is_domain(const char *s, size_t n)
{
        if (n == 9 && memcmp(s, "localhost", 9) == 0)
                return true;
        for (size_t i = 0; i < n; i++)
                if (s[i] == '.' || s[i] == ':' || (s[i] >= 'A' && s[i] <= 'Z'))
                        return true;
        return false;
}

static int normalize(struct parse *p, char out[static IMAGEREF_MAX])
{
        const char *ref = p->input;
        size_t len = strlen(ref);

        if (len == 0)
                return bad(p, "empty");
        if (ref[0] == '-')
                return bad(p, "must not start with '-'");
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)ref[i];
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
                        return bad(p, "white space is not allowed");
                if (c < 0x20 || c == 0x7f)
                        return bad(p, "control characters are not allowed");
                if (c >= 0x80)
                        return bad(p, "only ASCII characters are allowed");
                if (!is_alnum((char)c) && !strchr("._-/:@", c) && !(p->pattern && is_glob((char)c)))
                        return bad(p, "invalid character '%c'", c);
        }
        if (len >= IMAGEREF_MAX - sizeof DEFAULT_DOMAIN - sizeof OFFICIAL_PREFIX - sizeof ":latest")
                return bad(p, "too long");

        /* name [":" tag] ["@" digest]; in a pattern no ':' '/' '@' stands inside brackets */
        const char *at = strchr(ref, '@');
        size_t name_tag_len = at ? (size_t)(at - ref) : len;
        if (at && check_digest(p, at + 1, len - name_tag_len - 1) < 0)
                return -1;
        const char *last_slash = memrchr(ref, '/', name_tag_len);
        const char *after_slash = last_slash ? last_slash + 1 : ref;
        const char *colon = memchr(after_slash, ':', name_tag_len - (size_t)(after_slash - ref));
        size_t name_len = colon ? (size_t)(colon - ref) : name_tag_len;
        if (colon && check_tag(p, colon + 1, name_tag_len - name_len - 1) < 0)
                return -1;
        if (name_len == 0)
                return bad(p, "no repository name");

        const char *slash = memchr(ref, '/', name_len);
        const char *domain = DEFAULT_DOMAIN, *rest = ref;
        size_t domain_len = strlen(DEFAULT_DOMAIN), rest_len = name_len;
        if (slash && is_domain(ref, (size_t)(slash - ref))) {
                domain = ref;
                domain_len = (size_t)(slash - ref);
                rest = slash + 1;
                rest_len = name_len - domain_len - 1;
                if (check_domain(p, domain, domain_len) < 0)
                        return -1;
                if (domain_len == strlen(LEGACY_DOMAIN) && memcmp(domain, LEGACY_DOMAIN, domain_len) == 0) {
                        domain = DEFAULT_DOMAIN;
                        domain_len = strlen(DEFAULT_DOMAIN);
                }
        }
        if (rest_len == 0)
                return bad(p, "no repository name");
        for (size_t i = 0; i < rest_len;) {
                const char *c = rest + i;
                const char *e = memchr(c, '/', rest_len - i);
                size_t cl = e ? (size_t)(e - c) : rest_len - i;
                if (cl == 0)
                        return bad(p, "empty repository path component");
                if (check_path_component(p, c, cl) < 0)
                        return -1;
                i += cl + 1;
                if (e && i == rest_len)
                        return bad(p, "empty repository path component");
        }

        bool official = domain_len == strlen(DEFAULT_DOMAIN) &&
                        memcmp(domain, DEFAULT_DOMAIN, domain_len) == 0 && !memchr(rest, '/', rest_len);
        int n = snprintf(out, IMAGEREF_MAX, "%.*s/%s%.*s", (int)domain_len, domain,
                         official ? OFFICIAL_PREFIX : "", (int)rest_len, rest);
        if (n < 0 || n > NAME_TOTAL_MAX)
                return bad(p, "the repository name is longer than %d characters", NAME_TOTAL_MAX);
        n += snprintf(out + n, IMAGEREF_MAX - (size_t)n, "%s", ref + name_len);
        if (!colon && !at)
                n += snprintf(out + n, IMAGEREF_MAX - (size_t)n, ":latest");
        if (n >= IMAGEREF_MAX)
                return bad(p, "too long");
        return 0;
}

int imageref_normalize(const char *ref, char out[static IMAGEREF_MAX], md_error *err)
{
        struct parse p = {.what = "image", .input = ref, .pattern = false, .err = err};
        char tmp[IMAGEREF_MAX];
        if (normalize(&p, tmp) < 0)
                return -1;
        memcpy(out, tmp, IMAGEREF_MAX);
        return 0;
}

int imageref_normalize_pattern(const char *pattern, char out[static IMAGEREF_MAX], md_error *err)
{
        struct parse p = {.what = "image pattern", .input = pattern, .pattern = true, .err = err};
        char tmp[IMAGEREF_MAX];
        if (normalize(&p, tmp) < 0)
                return -1;
        memcpy(out, tmp, IMAGEREF_MAX);
        return 0;
}

void imageref_registry(const char *normalized, char out[static IMAGEREF_MAX])
{
        size_t n = strcspn(normalized, "/");
        if (!normalized[n] || n >= IMAGEREF_MAX)
                n = 0; /* not a normalized reference: no registry rather than a wrong one */
        memcpy(out, normalized, n);
        out[n] = '\0';
}

void imageref_repository(const char *normalized, char out[static IMAGEREF_MAX])
{
        size_t end = strcspn(normalized, "@");
        const char *slash = memrchr(normalized, '/', end);
        const char *from = slash ? slash : normalized;
        const char *colon = memrchr(from, ':', end - (size_t)(from - normalized));
        if (colon)
                end = (size_t)(colon - normalized);
        if (end >= IMAGEREF_MAX)
                end = 0;
        memcpy(out, normalized, end);
        out[end] = '\0';
}
