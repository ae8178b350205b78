/* Who a section is for: matching callers and readers against subjects, pure (names were
 * resolved at load time). The last matching section wins, whole. */
#include <string.h>

#include "policy_internal.h"

static bool in_groups(const struct policy_caller *c, gid_t gid)
{
        if (c->gid == gid)
                return true;
        for (size_t i = 0; c->groups && i < c->n_groups; i++)
                if (c->groups[i] == gid)
                        return true;
        return false;
}

static bool subject_matches(const struct policy_subject *s, const struct policy_caller *c)
{
        switch (s->kind) {
        case SUBJECT_USER:
                return (c->name && strcmp(c->name, s->name) == 0) || (s->uid_known && s->uid == c->uid);
        case SUBJECT_UID:
                return s->uid == c->uid;
        case SUBJECT_GROUP:
                return s->gid_known && in_groups(c, s->gid);
        }
        return false;
}

const struct policy_section *policy_match_caller(const struct policy *p, const struct policy_caller *c)
{
        for (size_t i = p->n_sections; i-- > 0;)
                if (subject_matches(&p->sections[i]->subject, c))
                        return p->sections[i];
        return NULL;
}

const char *policy_section_rule(const struct policy_section *s)
{
        return s ? s->rule : "";
}

bool policy_reader_allowed(const struct policy *p, const struct policy_caller *owner,
                           const struct policy_caller *reader)
{
        if (reader->uid == 0 || reader->uid == owner->uid)
                return true;
        const struct policy_section *s = policy_match_caller(p, owner);
        if (!s)
                return false;
        for (size_t i = 0; i < s->n_readers; i++)
                if (subject_matches(&s->readers[i], reader))
                        return true;
        return false;
}

uint64_t policy_fetch_max_bytes(const struct policy_section *s)
{
        return s && s->key_line[KEY_FETCH_MAX_BYTES] ? s->fetch_max_bytes : 0;
}

size_t policy_fetch_schemes(const struct policy_section *s, const char *const **out)
{
        if (!s || !s->key_line[KEY_FETCH_SCHEMES] || policy_fetch_max_bytes(s) == 0) {
                *out = NULL;
                return 0;
        }
        *out = (const char *const *)s->fetch_schemes;
        return s->n_fetch_schemes;
}

double policy_max_cpus(const struct policy_section *s)
{
        return s && s->key_line[KEY_MAX_CPUS] ? s->max_cpus : 0;
}

uint64_t policy_max_mem_mb(const struct policy_section *s)
{
        return s && s->key_line[KEY_MAX_MEM] ? s->max_mem_mb : 0;
}

const char *policy_aspect_to_string(enum policy_aspect a)
{
        static const char *const names[_POLICY_ASPECT_MAX] = {
                [POLICY_ASPECT_CALLER] = "caller",
                [POLICY_ASPECT_IMAGE] = "image",
                [POLICY_ASPECT_NETWORK] = "network",
                [POLICY_ASPECT_PRIVILEGED] = "privileged",
                [POLICY_ASPECT_VOLUME] = "volume",
                [POLICY_ASPECT_USER] = "user",
                [POLICY_ASPECT_PARAMETER] = "parameter",
                [POLICY_ASPECT_CPUS] = "cpus",
                [POLICY_ASPECT_MEM] = "mem",
                [POLICY_ASPECT_FETCH_SCHEME] = "fetch-scheme",
        };
        return (unsigned)a < _POLICY_ASPECT_MAX && names[a] ? names[a] : "unknown";
}
