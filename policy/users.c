/* Users and groups of the policy: subjects of [caller …], readers, and their look-ups.
 * Names are resolved once, at load time; matching later is pure. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "policy_internal.h"
#include "util.h"

#define LOOKUP_BUF_MAX (1024 * 1024)

/* getpwnam_r and getgrnam_r say "not found" in several ways (glibc: 0 and a NULL result;
 * others ENOENT, ESRCH, EBADF, EPERM). Only a real failure is an error: a policy that cannot
 * be resolved is refused rather than read with holes in it. */
static bool not_found(int r)
{
        return r == 0 || r == ENOENT || r == ESRCH || r == EBADF || r == EPERM;
}

/* A user's uid and primary gid, or a group's gid; 1 found, 0 not, a negative errno. The buffer
 * grows until the entry fits (a group with many members can need megabytes). */
static int lookup_name(const char *name, bool group, uid_t *uid, gid_t *gid)
{
        for (size_t size = 4096; size <= LOOKUP_BUF_MAX; size *= 4) {
                _cleanup_free_ char *buf = malloc(size);
                if (!buf)
                        return -ENOMEM;
                int r;
                if (group) {
                        struct group gr, *res = NULL;
                        r = getgrnam_r(name, &gr, buf, size, &res);
                        if (r == 0 && res) {
                                *gid = gr.gr_gid;
                                return 1;
                        }
                } else {
                        struct passwd pw, *res = NULL;
                        r = getpwnam_r(name, &pw, buf, size, &res);
                        if (r == 0 && res) {
                                *uid = pw.pw_uid;
                                *gid = pw.pw_gid;
                                return 1;
                        }
                }
                if (r != ERANGE)
                        return not_found(r) ? 0 : -r;
        }
        return -ERANGE;
}

static int cached(struct policy *p, bool group, const char *name, uid_t *uid, gid_t *gid)
{
        for (size_t i = 0; i < p->n_lookups; i++) {
                const struct policy_lookup *l = &p->lookups[i];
                if (l->group == group && strcmp(l->name, name) == 0) {
                        *uid = l->uid;
                        *gid = l->gid;
                        return l->result;
                }
        }
        struct policy_lookup l = {.group = group};
        l.result = lookup_name(name, group, &l.uid, &l.gid);
        if (l.result < 0)
                return l.result; /* a failure is not remembered: the load fails anyway */
        struct policy_lookup *v = reallocarray(p->lookups, p->n_lookups + 1, sizeof *v);
        if (!v || !(l.name = strdup(name))) {
                if (v)
                        p->lookups = v;
                return -ENOMEM;
        }
        p->lookups = v;
        v[p->n_lookups++] = l;
        *uid = l.uid;
        *gid = l.gid;
        return l.result;
}

int policy_lookup_user(struct policy *p, const char *name, uid_t *uid, gid_t *gid)
{
        return cached(p, false, name, uid, gid);
}

int policy_lookup_group(struct policy *p, const char *name, gid_t *gid)
{
        uid_t ignored;
        return cached(p, true, name, &ignored, gid);
}

/* POSIX portable names plus '@' (directory users) and a trailing '$' (Samba machines). */
static bool valid_name(const char *s)
{
        size_t n = strlen(s);
        if (n == 0 || n >= POLICY_NAME_MAX || s[0] == '-')
                return false;
        for (size_t i = 0; i < n; i++) {
                char c = s[i];
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                          c == '.' || c == '_' || c == '-' || c == '@' || (c == '$' && i == n - 1);
                if (!ok)
                        return false;
        }
        return true;
}

int policy_parse_subject(struct policy_parser *ps, const char *word, const char *what,
                         struct policy_subject *out)
{
        struct policy_subject s = {0};
        if (word[0] == '#') {
                if (md_parse_uid(word + 1, &s.uid) < 0 || s.uid == (uid_t)-1)
                        return policy_parse_error(ps, "%s: invalid uid \"%.64s\"", what, word);
                s.kind = SUBJECT_UID;
                s.uid_known = true;
                *out = s;
                return 0;
        }
        bool group = word[0] == '%';
        const char *name = group ? word + 1 : word;
        if (!valid_name(name))
                return policy_parse_error(ps, "%s: invalid %s name \"%.64s\"", what, group ? "group" : "user",
                                          name);
        int r;
        if (group) {
                s.kind = SUBJECT_GROUP;
                r = policy_lookup_group(ps->p, name, &s.gid);
                s.gid_known = r > 0;
        } else {
                gid_t ignored;
                s.kind = SUBJECT_USER;
                r = policy_lookup_user(ps->p, name, &s.uid, &ignored);
                s.uid_known = r > 0;
        }
        if (r < 0)
                return policy_parse_error(ps, "%s: cannot look up %s %s: %s", what, group ? "group" : "user",
                                          name, strerror(-r));
        /* still loaded (a user may be created after the policy), but probably a typo */
        if (r == 0 && strcmp(what, "subject") == 0)
                policy_parse_warning(ps,
                                     "[caller %s]: no such %s \"%s\": the section matches no caller until "
                                     "that %s exists",
                                     word, group ? "group" : "user", name, group ? "group" : "user");
        else if (r == 0)
                policy_parse_warning(ps, "%s: no such %s \"%s\"", what, group ? "group" : "user", name);
        s.name = strdup(name);
        if (!s.name)
                return policy_parse_error(ps, "out of memory");
        *out = s;
        return 0;
}

void policy_subject_clear(struct policy_subject *s)
{
        free(s->name);
        s->name = NULL;
}
