/* What a [caller] section allows, in the words of the policy file: one paragraph for
 * `mesos-docker-helper doctor`, one line a clause for `policy show`. An operator reads the
 * section as the helper reads it (after image normalization and name resolution). Pure: no I/O. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_internal.h"

struct text {
        char *buf;
        size_t len;
        bool failed;
};

static __attribute__((format(printf, 2, 3))) void put(struct text *t, const char *fmt, ...)
{
        if (t->failed)
                return;
        va_list ap;
        va_start(ap, fmt);
        char *piece = NULL;
        int n = vasprintf(&piece, fmt, ap);
        va_end(ap);
        char *grown = n < 0 ? NULL : realloc(t->buf, t->len + (size_t)n + 1);
        if (!grown) {
                free(piece);
                t->failed = true;
                return;
        }
        memcpy(grown + t->len, piece, (size_t)n + 1);
        t->buf = grown;
        t->len += (size_t)n;
        free(piece);
}

static void put_subject(struct text *t, const struct policy_subject *s)
{
        switch (s->kind) {
        case SUBJECT_USER:
                put(t, " %s", s->name);
                break;
        case SUBJECT_UID:
                put(t, " #%u", (unsigned)s->uid);
                break;
        case SUBJECT_GROUP:
                put(t, " %%%s%s", s->name, s->gid_known ? "" : " (no such group)");
                break;
        }
}

static void put_cuser(struct text *t, const struct policy_cuser *c)
{
        if (c->kind == CUSER_CALLER)
                put(t, " caller");
        else if (c->kind == CUSER_RANGE)
                put(t, " %u-%u", (unsigned)c->lo, (unsigned)c->hi);
        else if (c->name)
                put(t, " %s", c->name);
        else
                put(t, " %u", (unsigned)c->lo);
}

static const char *absent(const struct policy_section *s, enum policy_key k, const char *none)
{
        return s->key_line[k] ? "" : none;
}

/* What the section allows, clause by clause, sep between clauses. */
static void put_clauses(struct text *t, const struct policy_section *s, const char *sep)
{
        put(t, "images");
        for (size_t i = 0; i < s->n_images; i++)
                put(t, " %s", s->images[i]);
        put(t, "%s%snetworks", s->n_images ? "" : " none (nothing can run)", sep);
        if (s->networks & NET_HOST)
                put(t, " host");
        if (s->networks & NET_BRIDGE)
                put(t, " bridge");
        if (s->networks & NET_NONE)
                put(t, " none");
        put(t, "%s%sprivileged %s%svolumes besides the sandbox", s->networks ? "" : " (none allowed)", sep,
            s->privileged ? "YES (root on the host)" : "no", sep);
        for (size_t i = 0; i < s->n_volumes; i++)
                put(t, " %s%s", s->volumes[i].path, s->volumes[i].read_only ? ":ro" : "");
        put(t, "%s%scontainer users", s->n_volumes ? "" : " none", sep);
        for (size_t i = 0; i < s->n_cusers; i++)
                put_cuser(t, &s->cusers[i]);
        put(t, "%s%sdocker parameters", s->n_cusers ? "" : " none (nothing can run)", sep);
        for (size_t i = 0; i < s->n_parameters; i++)
                put(t, " %s", s->parameters[i]);
        put(t, "%s%s", s->n_parameters ? "" : " none", sep);
        if (s->key_line[KEY_MAX_CPUS])
                put(t, "at most %g cpus", s->max_cpus);
        else
                put(t, "no cpus may be asked (no max-cpus)");
        if (s->key_line[KEY_MAX_MEM])
                put(t, " and %llu MB%s", (unsigned long long)s->max_mem_mb, sep);
        else
                put(t, ", no memory may be asked (no max-mem)%s", sep);
        put(t, "exec in its running containers %s%s", s->key_line[KEY_EXEC] && s->exec ? "yes" : "no", sep);
        put(t, "fetching");
        for (size_t i = 0; i < s->n_fetch_schemes; i++)
                put(t, " %s", s->fetch_schemes[i]);
        if (s->n_fetch_schemes && s->fetch_max_bytes)
                put(t, " up to %llu bytes a URI", (unsigned long long)s->fetch_max_bytes);
        else
                put(t, " nothing%s", absent(s, KEY_FETCH_SCHEMES, " (no fetch-schemes)"));
        put(t, "%sreaders in mesos-sandboxfs besides the owner and root:", sep);
        for (size_t i = 0; i < s->n_readers; i++)
                put_subject(t, &s->readers[i]);
        put(t, "%s", s->n_readers ? "" : " none");
}

static char *finish(struct text *t)
{
        if (t->failed) {
                free(t->buf);
                return NULL;
        }
        return t->buf;
}

char *policy_describe_section(const struct policy_section *s)
{
        struct text t = {0};
        put(&t, "[caller");
        put_subject(&t, &s->subject);
        put(&t, "] at %s allows: ", s->rule);
        put_clauses(&t, s, "; ");
        put(&t, ".");
        return finish(&t);
}

char *policy_describe_lines(const struct policy_section *s)
{
        struct text t = {0};
        put_clauses(&t, s, "\n");
        return finish(&t);
}

size_t policy_n_sections(const struct policy *p)
{
        return p->n_sections;
}

const struct policy_section *policy_section_at(const struct policy *p, size_t i)
{
        return i < p->n_sections ? p->sections[i] : NULL;
}
