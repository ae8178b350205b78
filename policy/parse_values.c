/* The values of the policy's keys: [helper] paths and every [caller …] key. Each key may be
 * given once per section; its words are checked in full, so that a typo is an error and never
 * a silently narrower or wider rule. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imageref.h"
#include "policy_internal.h"
#include "suggest.h"
#include "util.h"

static const char *const caller_keys[_KEY_MAX] = {
        [KEY_IMAGES] = "images",
        [KEY_NETWORKS] = "networks",
        [KEY_PRIVILEGED] = "privileged",
        [KEY_VOLUMES] = "volumes",
        [KEY_CONTAINER_USERS] = "container-users",
        [KEY_PARAMETERS] = "parameters",
        [KEY_MAX_CPUS] = "max-cpus",
        [KEY_MAX_MEM] = "max-mem",
        [KEY_FETCH_SCHEMES] = "fetch-schemes",
        [KEY_FETCH_MAX_BYTES] = "fetch-max-bytes",
        [KEY_READERS] = "readers",
        [KEY_EXEC] = "exec",
};

enum {
        HKEY_SANDBOX_ROOT,
        HKEY_STATE_DIR,
        HKEY_AUDIT_LOG,
        HKEY_DOCKER_SOCKET,
        HKEY_REGISTRY_CONFIG,
        HKEY_KEEP_EXITED,
        _HKEY_MAX
};
_Static_assert(sizeof((struct policy *)0)->helper_rule / sizeof(char *) == _HKEY_MAX,
               "one rule per [helper] key");
static const char *const helper_keys[_HKEY_MAX] = {
        [HKEY_SANDBOX_ROOT] = "sandbox-root",
        [HKEY_STATE_DIR] = "state-dir",
        [HKEY_AUDIT_LOG] = "audit-log",
        [HKEY_DOCKER_SOCKET] = "docker-socket",
        [HKEY_REGISTRY_CONFIG] = "registry-config",
        [HKEY_KEEP_EXITED] = "keep-exited",
};

static int key_index(const char *key, const char *const *keys, int n)
{
        for (int i = 0; i < n; i++)
                if (strcmp(key, keys[i]) == 0)
                        return i;
        return -1;
}

bool policy_key_is_list(const char *key)
{
        static const char *const lists[] = {"images",     "networks",      "volumes", "container-users",
                                            "parameters", "fetch-schemes", "readers", "sandbox-root"};
        return key_index(key, lists, sizeof lists / sizeof lists[0]) >= 0;
}

const char *policy_key_hint(const char *key, char buf[static 96])
{
        const char *all[_KEY_MAX + _HKEY_MAX + 1];
        memcpy(all, caller_keys, sizeof caller_keys);
        memcpy(all + _KEY_MAX, helper_keys, sizeof helper_keys);
        all[_KEY_MAX + _HKEY_MAX] = NULL;
        const char *near = md_nearest(key, all);
        buf[0] = '\0';
        if (near)
                snprintf(buf, 96, " (did you mean %s?)", near);
        return buf;
}

int policy_misplaced_key(struct policy_parser *ps, const char *key, const char *where)
{
        bool caller_key = key_index(key, caller_keys, _KEY_MAX) >= 0;
        bool helper_key = key_index(key, helper_keys, _HKEY_MAX) >= 0;
        if (!where && (caller_key || helper_key))
                return policy_parse_error(ps, "%s: outside a section (it belongs in %s)", key,
                                          caller_key ? "a [caller SUBJECT] section" : "[helper]");
        if (caller_key)
                return policy_parse_error(ps,
                                          "%s: belongs in a [caller SUBJECT] section, not in [helper] (is a "
                                          "[caller …] header missing above it?)",
                                          key);
        if (helper_key)
                return policy_parse_error(ps, "%s: belongs in [helper], not in a [caller] section", key);
        char hint[96];
        if (!where)
                return policy_parse_error(ps, "unknown key \"%.64s\" outside a section%s", key,
                                          policy_key_hint(key, hint));
        return policy_parse_error(ps, "unknown key \"%.64s\" in %s%s", key, where,
                                  policy_key_hint(key, hint));
}

#define DURATION_MAX_S INT64_C(3650 * 86400)

static const struct {
        char unit;
        int64_t seconds;
} duration_units[] = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};

int policy_parse_duration(const char *s, int64_t *out)
{
        if (strcmp(s, "never") == 0) {
                *out = POLICY_KEEP_FOREVER;
                return 0;
        }
        size_t digits = strspn(s, "0123456789");
        if (digits == 0 || digits > 10 || (s[digits] && s[digits + 1]))
                return -EINVAL;
        int64_t unit = s[digits] ? 0 : 1;
        for (size_t i = 0; i < sizeof duration_units / sizeof duration_units[0]; i++)
                if (s[digits] == duration_units[i].unit)
                        unit = duration_units[i].seconds;
        int64_t v = strtoll(s, NULL, 10) * unit;
        if (!unit || v > DURATION_MAX_S)
                return -EINVAL;
        *out = v;
        return 0;
}

void policy_format_duration(int64_t seconds, char buf[static 24])
{
        if (seconds < 0) {
                snprintf(buf, 24, "never");
                return;
        }
        size_t i = 0;
        while (seconds && seconds % duration_units[i].seconds)
                i++;
        snprintf(buf, 24, "%lld%c", (long long)(seconds / duration_units[i].seconds),
                 seconds ? duration_units[i].unit : 's');
}

int policy_normalize_path(const char *in, char **out, const char **why)
{
        if (in[0] != '/') {
                *why = "not an absolute path";
                return -1;
        }
        size_t n = strlen(in);
        char *buf = malloc(n + 1);
        if (!buf) {
                *why = "out of memory";
                return -1;
        }
        size_t o = 0;
        const char *s = in;
        while (*s) {
                while (*s == '/')
                        s++;
                if (!*s)
                        break;
                size_t cl = strcspn(s, "/");
                if ((cl == 1 && s[0] == '.') || (cl == 2 && s[0] == '.' && s[1] == '.')) {
                        free(buf);
                        *why = "\".\" and \"..\" are not allowed in a path";
                        return -1;
                }
                buf[o++] = '/';
                memcpy(buf + o, s, cl);
                o += cl;
                s += cl;
        }
        if (o == 0)
                buf[o++] = '/';
        buf[o] = '\0';
        for (size_t i = 0; i < o; i++) {
                unsigned char c = (unsigned char)buf[i];
                if (c < 0x20 || c == 0x7f || c == ':') {
                        free(buf);
                        /* ':' would split a docker bind "host:container:mode" in the wrong place */
                        *why = c == ':' ? "':' is not allowed in a path" : "control character in a path";
                        return -1;
                }
        }
        *out = buf;
        return 0;
}

static int path_value(struct policy_parser *ps, const char *key, const char *word, char **out)
{
        const char *why;
        if (policy_normalize_path(word, out, &why) < 0)
                return policy_parse_error(ps, "%s: %.256s: %s", key, word, why);
        return 0;
}

static int one_word(struct policy_parser *ps, const char *key, size_t n)
{
        return n == 1 ? 0 : policy_parse_error(ps, "%s: takes one value, not %zu", key, n);
}

int policy_set_helper_key(struct policy_parser *ps, const char *key, char **words, size_t n)
{
        struct policy_helper_conf *h = &ps->p->helper;
        int k = key_index(key, helper_keys, _HKEY_MAX);
        if (k < 0)
                return policy_misplaced_key(ps, key, "[helper]");
        /* [helper] may be split over several sections and files, but each key is set once */
        if (ps->p->helper_rule[k])
                return policy_parse_error(ps, "%s: already set at %s", key, ps->p->helper_rule[k]);
        if (asprintf(&ps->p->helper_rule[k], "%s:%u", ps->file, ps->line) < 0) {
                ps->p->helper_rule[k] = NULL;
                return policy_parse_error(ps, "out of memory");
        }

        if (k == HKEY_SANDBOX_ROOT) {
                h->sandbox_roots = calloc(n + 1, sizeof *h->sandbox_roots);
                if (!h->sandbox_roots)
                        return policy_parse_error(ps, "out of memory");
                for (size_t i = 0; i < n; i++) {
                        if (path_value(ps, key, words[i], &h->sandbox_roots[i]) < 0)
                                return -1;
                        h->n_sandbox_roots++;
                }
                return 0;
        }
        if (one_word(ps, key, n) < 0)
                return -1;
        if (k == HKEY_KEEP_EXITED) {
                if (policy_parse_duration(words[0], &h->keep_exited) < 0)
                        return policy_parse_error(ps,
                                                  "keep-exited: \"%.64s\": not a duration (30s, 10m, 6h, "
                                                  "2d, up to 3650d, or never)",
                                                  words[0]);
                ps->p->keep_exited_set = true;
                return 0;
        }
        char **slot = k == HKEY_STATE_DIR       ? &h->state_dir
                      : k == HKEY_AUDIT_LOG     ? &h->audit_log
                      : k == HKEY_DOCKER_SOCKET ? &h->docker_socket
                                                : &h->registry_config;
        if (path_value(ps, key, words[0], slot) < 0)
                return -1;
        if (strcmp(*slot, "/") == 0)
                return policy_parse_error(ps, "%s: must not be /", key);
        return 0;
}

static char **strv_new(struct policy_parser *ps, size_t n)
{
        char **v = calloc(n, sizeof *v);
        if (!v)
                policy_parse_error(ps, "out of memory");
        return v;
}

static int set_images(struct policy_parser *ps, struct policy_section *s, char **words, size_t n)
{
        if (!(s->images = strv_new(ps, n)))
                return -1;
        for (size_t i = 0; i < n; i++) {
                char norm[IMAGEREF_MAX];
                md_error e = {0};
                if (strchr(words[i], '\\'))
                        return policy_parse_error(ps, "images: %.256s: '\\' is not allowed", words[i]);
                if (imageref_normalize_pattern(words[i], norm, &e) < 0)
                        return policy_parse_error(ps, "images: %s", e.message);
                if (!(s->images[i] = strdup(norm)))
                        return policy_parse_error(ps, "out of memory");
                s->n_images++;
        }
        return 0;
}

static int set_networks(struct policy_parser *ps, struct policy_section *s, char **words, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                if (strcmp(words[i], "host") == 0)
                        s->networks |= NET_HOST;
                else if (strcmp(words[i], "bridge") == 0)
                        s->networks |= NET_BRIDGE;
                else if (strcmp(words[i], "none") == 0)
                        s->networks |= NET_NONE;
                else
                        return policy_parse_error(
                                ps, "networks: unknown network \"%.64s\" (host, bridge or none)", words[i]);
        }
        return 0;
}

static int set_yes_no(struct policy_parser *ps, const char *key, char **words, size_t n, bool *out)
{
        if (one_word(ps, key, n) < 0)
                return -1;
        if (strcmp(words[0], "yes") == 0)
                *out = true;
        else if (strcmp(words[0], "no") == 0)
                *out = false;
        else
                return policy_parse_error(ps, "%s: expected yes or no, not \"%.64s\"", key, words[0]);
        return 0;
}

static int set_volumes(struct policy_parser *ps, struct policy_section *s, char **words, size_t n)
{
        if (!(s->volumes = calloc(n, sizeof *s->volumes)))
                return policy_parse_error(ps, "out of memory");
        for (size_t i = 0; i < n; i++) {
                char *w = words[i];
                size_t len = strlen(w);
                bool ro = false;
                if (len > 3 && (strcmp(w + len - 3, ":ro") == 0 || strcmp(w + len - 3, ":rw") == 0)) {
                        ro = w[len - 2] == 'r' && w[len - 1] == 'o';
                        w[len - 3] = '\0';
                }
                if (strpbrk(w, "*?["))
                        return policy_parse_error(ps,
                                                  "volumes: %.256s: patterns are not allowed (a path allows "
                                                  "itself and everything beneath it)",
                                                  w);
                if (path_value(ps, "volumes", w, &s->volumes[i].path) < 0)
                        return -1;
                s->volumes[i].read_only = ro;
                s->n_volumes++;
        }
        return 0;
}

/* caller | root | NAME | UID | UID:GID | LO-HI */
static int parse_cuser(struct policy_parser *ps, const char *w, struct policy_cuser *c)
{
        if (strcmp(w, "caller") == 0) {
                c->kind = CUSER_CALLER;
                return 0;
        }
        if (strcmp(w, "root") == 0) {
                c->kind = CUSER_ID;
                c->lo = c->hi = 0;
                c->gid = 0;
                return (c->name = strdup(w)) ? 0 : policy_parse_error(ps, "out of memory");
        }
        if (w[0] >= '0' && w[0] <= '9') {
                char buf[64];
                if (strlen(w) >= sizeof buf)
                        return policy_parse_error(ps, "container-users: invalid entry \"%.64s\"", w);
                strcpy(buf, w);
                char *sep = strpbrk(buf, ":-");
                char kind = sep ? *sep : 0;
                if (sep)
                        *sep = '\0';
                uid_t a, b = 0;
                if (md_parse_uid(buf, &a) < 0 || (sep && md_parse_uid(sep + 1, &b) < 0))
                        return policy_parse_error(ps, "container-users: invalid entry \"%.64s\"", w);
                if (kind == '-') {
                        if (b < a)
                                return policy_parse_error(ps, "container-users: empty range \"%.64s\"", w);
                        c->kind = CUSER_RANGE;
                        c->lo = a;
                        c->hi = b;
                        return 0;
                }
                c->kind = CUSER_ID;
                c->lo = c->hi = a;
                c->gid = kind == ':' ? (gid_t)b : (gid_t)a;
                return 0;
        }
        uid_t uid;
        gid_t gid;
        int r = policy_lookup_user(ps->p, w, &uid, &gid);
        if (r < 0)
                return policy_parse_error(ps, "container-users: cannot look up user %.64s: %s", w,
                                          strerror(-r));
        if (r == 0)
                return policy_parse_error(ps, "container-users: no such user \"%.64s\"", w);
        c->kind = CUSER_ID;
        c->lo = c->hi = uid;
        c->gid = gid;
        return (c->name = strdup(w)) ? 0 : policy_parse_error(ps, "out of memory");
}

static int set_cusers(struct policy_parser *ps, struct policy_section *s, char **words, size_t n)
{
        if (!(s->cusers = calloc(n, sizeof *s->cusers)))
                return policy_parse_error(ps, "out of memory");
        for (size_t i = 0; i < n; i++) {
                if (parse_cuser(ps, words[i], &s->cusers[i]) < 0)
                        return -1;
                s->n_cusers++;
        }
        return 0;
}

/* A word of a restricted alphabet: lower case, digits and extra, starting with a letter. */
static bool word_ok(const char *w, const char *extra)
{
        bool ok = w[0] >= 'a' && w[0] <= 'z';
        for (const char *c = w; ok && *c; c++)
                ok = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || strchr(extra, *c);
        return ok && strlen(w) <= 64;
}

/* Words of a restricted alphabet: docker parameter keys, URI schemes. */
static int set_words(struct policy_parser *ps, const char *key, const char *extra, char **words, size_t n,
                     char ***out, size_t *n_out)
{
        if (!(*out = strv_new(ps, n)))
                return -1;
        for (size_t i = 0; i < n; i++) {
                const char *w = words[i];
                if (!word_ok(w, extra))
                        return policy_parse_error(ps, "%s: invalid value \"%.64s\"", key, w);
                if (!((*out)[i] = strdup(w)))
                        return policy_parse_error(ps, "out of memory");
                (*n_out)++;
        }
        return 0;
}

/* KEY (any value) or KEY=VALUE (that value only): the key as set_words takes it, the value
 * kept in the form it is compared in (policy_parameter_value). */
static int set_parameters(struct policy_parser *ps, struct policy_section *s, char **words, size_t n)
{
        if (!(s->parameters = strv_new(ps, n)))
                return -1;
        for (size_t i = 0; i < n; i++) {
                char *eq = strchr(words[i], '=');
                if (eq)
                        *eq = '\0';
                if (!word_ok(words[i], "-_"))
                        return policy_parse_error(ps, "parameters: invalid value \"%.64s\"", words[i]);
                char value[POLICY_VALUE_MAX + 8];
                if (eq && policy_parameter_value(words[i], eq + 1, value, sizeof value) < 0)
                        return policy_parse_error(ps,
                                                  "parameters: %.64s: invalid value \"%.64s\" (1 to %d "
                                                  "characters, no blanks)",
                                                  words[i], eq + 1, POLICY_VALUE_MAX);
                if (eq ? asprintf(&s->parameters[i], "%s=%s", words[i], value) < 0
                       : !(s->parameters[i] = strdup(words[i]))) {
                        s->parameters[i] = NULL;
                        return policy_parse_error(ps, "out of memory");
                }
                s->n_parameters++;
        }
        return 0;
}

static int set_u64(struct policy_parser *ps, const char *key, char **words, size_t n, uint64_t *out)
{
        if (one_word(ps, key, n) < 0)
                return -1;
        if (md_parse_u64(words[0], out) < 0)
                return policy_parse_error(ps, "%s: expected a non-negative integer, not \"%.64s\"", key,
                                          words[0]);
        return 0;
}

static int set_cpus(struct policy_parser *ps, struct policy_section *s, char **words, size_t n)
{
        if (one_word(ps, "max-cpus", n) < 0)
                return -1;
        const char *w = words[0];
        size_t digits = strspn(w, "0123456789");
        bool ok = digits > 0 &&
                  (w[digits] == '\0' || (w[digits] == '.' && w[digits + 1] &&
                                         strspn(w + digits + 1, "0123456789") == strlen(w + digits + 1)));
        if (!ok || md_parse_double(w, &s->max_cpus) < 0 || s->max_cpus > 1e6)
                return policy_parse_error(
                        ps, "max-cpus: expected a decimal number like 4 or 0.5, not \"%.64s\"", w);
        return 0;
}

static int set_readers(struct policy_parser *ps, struct policy_section *s, char **words, size_t n)
{
        if (!(s->readers = calloc(n, sizeof *s->readers)))
                return policy_parse_error(ps, "out of memory");
        for (size_t i = 0; i < n; i++) {
                if (policy_parse_subject(ps, words[i], "readers", &s->readers[i]) < 0)
                        return -1;
                s->n_readers++;
        }
        return 0;
}

int policy_set_caller_key(struct policy_parser *ps, const char *key, char **words, size_t n)
{
        struct policy_section *s = ps->section;
        int k = key_index(key, caller_keys, _KEY_MAX);
        if (k < 0)
                return policy_misplaced_key(ps, key, "[caller]");
        if (s->key_line[k])
                return policy_parse_error(ps, "%s: already set in this section at line %u", key,
                                          s->key_line[k]);
        s->key_line[k] = ps->line;

        switch ((enum policy_key)k) {
        case KEY_IMAGES:
                return set_images(ps, s, words, n);
        case KEY_NETWORKS:
                return set_networks(ps, s, words, n);
        case KEY_PRIVILEGED:
                return set_yes_no(ps, key, words, n, &s->privileged);
        case KEY_VOLUMES:
                return set_volumes(ps, s, words, n);
        case KEY_CONTAINER_USERS:
                return set_cusers(ps, s, words, n);
        case KEY_PARAMETERS:
                return set_parameters(ps, s, words, n);
        case KEY_MAX_CPUS:
                return set_cpus(ps, s, words, n);
        case KEY_MAX_MEM:
                return set_u64(ps, key, words, n, &s->max_mem_mb);
        case KEY_FETCH_SCHEMES:
                return set_words(ps, key, "+.-", words, n, &s->fetch_schemes, &s->n_fetch_schemes);
        case KEY_FETCH_MAX_BYTES:
                return set_u64(ps, key, words, n, &s->fetch_max_bytes);
        case KEY_READERS:
                return set_readers(ps, s, words, n);
        case KEY_EXEC:
                return set_yes_no(ps, key, words, n, &s->exec);
        case _KEY_MAX:
                break;
        }
        return policy_parse_error(ps, "unknown key \"%.64s\"", key);
}
