/* policy_decide: one request against one section, pure. Every aspect and every item of the
 * request gets a finding with the rule ("FILE:LINE") that decided it, so that `policy explain`
 * and the audit log can say exactly why. A key that is absent allows nothing. */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_internal.h"
#include "safe_open.h"
#include "util.h"

struct decider {
        const struct policy_section *s;
        const struct policy_caller *c;
        struct policy_verdict *v;
};

__attribute__((format(printf, 5, 6))) static struct policy_finding *add(struct decider *d,
                                                                        enum policy_aspect aspect, bool allow,
                                                                        const char *subject,
                                                                        const char *reason_fmt, ...)
{
        struct policy_verdict *v = d->v;
        if (v->n_findings == POLICY_MAX_FINDINGS) {
                /* cannot happen with the helper's limits; fail closed if it ever does */
                struct policy_finding *last = &v->findings[POLICY_MAX_FINDINGS - 1];
                last->allow = false;
                snprintf(last->reason, sizeof last->reason, "too many items to judge");
                return last;
        }
        struct policy_finding *f = &v->findings[v->n_findings++];
        f->aspect = aspect;
        f->allow = allow;
        snprintf(f->subject, sizeof f->subject, "%s", subject ? subject : "");
        va_list ap;
        va_start(ap, reason_fmt);
        vsnprintf(f->reason, sizeof f->reason, reason_fmt, ap);
        va_end(ap);
        return f;
}

/* The rule of key k: its line when present, the section header when absent. */
static void set_rule(const struct decider *d, struct policy_finding *f, enum policy_key k)
{
        const struct policy_section *s = d->s;
        if (s->key_line[k])
                snprintf(f->rule, sizeof f->rule, "%s:%u", s->file, s->key_line[k]);
        else
                snprintf(f->rule, sizeof f->rule, "%s", s->rule);
}

static bool has(const struct decider *d, enum policy_key k)
{
        return d->s->key_line[k] != 0;
}

static bool listed(char *const *list, size_t n, const char *s)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(list[i], s) == 0)
                        return true;
        return false;
}

static void decide_image(struct decider *d, const char *image)
{
        bool ok = false;
        for (size_t i = 0; i < d->s->n_images && !ok; i++)
                /* FNM_PATHNAME: a '*' never crosses a '/', so "*.example.com/x" cannot be met by
                 * "evil.com/x.example.com/x"; the patterns have no '\' (refused at load) */
                ok = fnmatch(d->s->images[i], image, FNM_PATHNAME | FNM_NOESCAPE) == 0;
        struct policy_finding *f;
        if (ok)
                f = add(d, POLICY_ASPECT_IMAGE, true, image, "matches images");
        else if (has(d, KEY_IMAGES))
                f = add(d, POLICY_ASPECT_IMAGE, false, image, "no images pattern matches");
        else
                f = add(d, POLICY_ASPECT_IMAGE, false, image, "no images key: no image is allowed");
        set_rule(d, f, KEY_IMAGES);
}

static void decide_network(struct decider *d, const char *net)
{
        unsigned bit = strcmp(net, "host") == 0     ? NET_HOST
                       : strcmp(net, "bridge") == 0 ? NET_BRIDGE
                       : strcmp(net, "none") == 0   ? NET_NONE
                                                    : 0;
        struct policy_finding *f;
        if (!bit)
                f = add(d, POLICY_ASPECT_NETWORK, false, net, "only host, bridge or none can be allowed");
        else if (d->s->networks & bit)
                f = add(d, POLICY_ASPECT_NETWORK, true, net, "in networks");
        else
                f = add(d, POLICY_ASPECT_NETWORK, false, net,
                        has(d, KEY_NETWORKS) ? "not in networks" : "no networks key: no network is allowed");
        set_rule(d, f, KEY_NETWORKS);
}

static void decide_privileged(struct decider *d, bool requested)
{
        struct policy_finding *f;
        if (!requested)
                f = add(d, POLICY_ASPECT_PRIVILEGED, true, "no", "not requested");
        else if (d->s->privileged)
                f = add(d, POLICY_ASPECT_PRIVILEGED, true, "yes", "privileged = yes");
        else
                f = add(d, POLICY_ASPECT_PRIVILEGED, false, "yes",
                        has(d, KEY_PRIVILEGED) ? "privileged = no" : "no privileged key: not allowed");
        set_rule(d, f, KEY_PRIVILEGED);
}

/* The helper hands in resolved, normalized paths; anything else is refused, not guessed at. */
static bool is_normalized(const char *p)
{
        if (p[0] != '/')
                return false;
        if (p[1] == '\0')
                return true;
        for (const char *c = p; *c;) {
                c++; /* past '/' */
                size_t n = strcspn(c, "/");
                if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
                        return false;
                c += n;
        }
        return true;
}

static void decide_volume(struct decider *d, size_t idx, const struct policy_volume_request *r)
{
        const struct policy_section *s = d->s;
        const char *path = r->host_path ? r->host_path : "";
        struct policy_finding *f;
        if (idx >= sizeof d->v->read_only_capped / sizeof d->v->read_only_capped[0]) {
                f = add(d, POLICY_ASPECT_VOLUME, false, path, "more than %d volumes", POLICY_MAX_VOLUMES);
                set_rule(d, f, KEY_VOLUMES);
                return;
        }
        if (!is_normalized(path)) {
                f = add(d, POLICY_ASPECT_VOLUME, false, path, "not a normalized absolute path");
                set_rule(d, f, KEY_VOLUMES);
                return;
        }
        if (strcmp(path, "/") == 0) {
                f = add(d, POLICY_ASPECT_VOLUME, false, path, "the host's root directory is never allowed");
                set_rule(d, f, KEY_VOLUMES);
                return;
        }
        /* the docker socket is root on the host, and the helper's records are its memory: no
         * volume may hold them or lie inside them, whatever volumes says */
        for (size_t i = 0; i < s->policy->n_protected; i++) {
                const char *pp = s->policy->protected_paths[i];
                if (md_path_is_beneath(pp, path) || md_path_is_beneath(path, pp)) {
                        f = add(d, POLICY_ASPECT_VOLUME, false, path, "would expose %s to the container", pp);
                        set_rule(d, f, KEY_VOLUMES);
                        return;
                }
        }
        /* the longest listed path that holds the request decides, with its mode */
        const struct policy_volume *best = NULL;
        for (size_t i = 0; i < s->n_volumes; i++)
                if (md_path_is_beneath(path, s->volumes[i].path) &&
                    (!best || strlen(s->volumes[i].path) > strlen(best->path)))
                        best = &s->volumes[i];
        if (!best)
                f = add(d, POLICY_ASPECT_VOLUME, false, path,
                        has(d, KEY_VOLUMES) ? "not at or beneath a path in volumes"
                                            : "no volumes key: no host path is allowed");
        else if (best->read_only && r->read_write) {
                d->v->read_only_capped[idx] = true;
                f = add(d, POLICY_ASPECT_VOLUME, true, path, "beneath %s:ro: mounted read-only", best->path);
        } else
                f = add(d, POLICY_ASPECT_VOLUME, true, path, "beneath %s%s", best->path,
                        best->read_only ? ":ro" : "");
        set_rule(d, f, KEY_VOLUMES);
}

/* Which entry of container-users lets the container run as uid (and gid, when asked)? */
static bool cuser_allows(const struct policy_cuser *e, const struct policy_caller *c, uid_t uid,
                         bool want_gid, gid_t gid, uid_t *ruid, gid_t *rgid)
{
        uid_t u;
        gid_t g;
        switch (e->kind) {
        case CUSER_CALLER:
                u = c->uid, g = c->gid;
                break;
        case CUSER_ID:
                u = e->lo, g = e->gid;
                break;
        case CUSER_RANGE:
                if (uid < e->lo || uid > e->hi)
                        return false;
                u = uid, g = (gid_t)uid;
                break;
        default:
                return false;
        }
        if (u != uid || (want_gid && g != gid))
                return false;
        *ruid = u;
        *rgid = g;
        return true;
}

static bool parse_id(const char *s, size_t n, unsigned *out)
{
        char buf[16];
        uid_t v;
        if (n == 0 || n >= sizeof buf)
                return false;
        memcpy(buf, s, n);
        buf[n] = '\0';
        if (md_parse_uid(buf, &v) < 0)
                return false;
        *out = v;
        return true;
}

static void decide_user(struct decider *d, const char *req)
{
        const struct policy_section *s = d->s;
        uid_t ruid = (uid_t)-1;
        gid_t rgid = (gid_t)-1;
        bool ok = false;
        const char *how = "";
        struct policy_finding *f;

        if (!req) {
                /* the default: the first entry, as written */
                if (s->n_cusers > 0) {
                        const struct policy_cuser *e = &s->cusers[0];
                        ok = true;
                        ruid = e->kind == CUSER_CALLER ? d->c->uid : e->lo;
                        rgid = e->kind == CUSER_CALLER ? d->c->gid
                               : e->kind == CUSER_ID   ? e->gid
                                                       : (gid_t)e->lo;
                        how = e->kind == CUSER_CALLER ? " (caller)" : " (the first of container-users)";
                }
        } else {
                /* NAME, UID or UID:GID; a name is one the policy names, the caller's own, or root */
                unsigned uid = 0, gid = 0;
                bool want_gid = false, numeric = false;
                const char *colon = strchr(req, ':');
                size_t ul = colon ? (size_t)(colon - req) : strlen(req);
                if (parse_id(req, ul, &uid)) {
                        numeric = true;
                        if (colon) {
                                want_gid = true;
                                numeric = parse_id(colon + 1, strlen(colon + 1), &gid);
                        }
                }
                for (size_t i = 0; i < s->n_cusers && !ok; i++) {
                        const struct policy_cuser *e = &s->cusers[i];
                        if (numeric)
                                ok = cuser_allows(e, d->c, uid, want_gid, gid, &ruid, &rgid);
                        else if (colon)
                                break; /* NAME:GROUP is not judged: docker would resolve it in the image */
                        else if (e->name && strcmp(e->name, req) == 0)
                                ok = cuser_allows(e, d->c, e->lo, false, 0, &ruid, &rgid);
                        else if (strcmp(req, "root") == 0)
                                ok = cuser_allows(e, d->c, 0, false, 0, &ruid, &rgid);
                        else if (e->kind == CUSER_CALLER && d->c->name && strcmp(d->c->name, req) == 0)
                                ok = cuser_allows(e, d->c, d->c->uid, false, 0, &ruid, &rgid);
                }
        }
        char subject[64];
        if (ok) {
                snprintf(subject, sizeof subject, "%u:%u", (unsigned)ruid, (unsigned)rgid);
                f = add(d, POLICY_ASPECT_USER, true, req ? req : subject, "runs as %u:%u%s", (unsigned)ruid,
                        (unsigned)rgid, how);
                d->v->run_uid = ruid;
                d->v->run_gid = rgid;
        } else if (!has(d, KEY_CONTAINER_USERS))
                f = add(d, POLICY_ASPECT_USER, false, req ? req : "(default)",
                        "no container-users key: the container may run as nobody");
        else
                f = add(d, POLICY_ASPECT_USER, false, req, "not in container-users");
        set_rule(d, f, KEY_CONTAINER_USERS);
}

/* Does the section list KEY=... for this key (values only)? */
static bool has_values(const struct policy_section *s, const char *key)
{
        size_t n = strlen(key);
        for (size_t i = 0; i < s->n_parameters; i++)
                if (strncmp(s->parameters[i], key, n) == 0 && s->parameters[i][n] == '=')
                        return true;
        return false;
}

/* KEY alone allows any value; KEY=VALUE that value, compared as docker reads it. */
static void decide_parameter(struct decider *d, const char *key, const char *value)
{
        const struct policy_section *s = d->s;
        struct policy_finding *f;
        char canon[POLICY_VALUE_MAX + 8], entry[POLICY_VALUE_MAX + 80], subject[256];
        /* the value only where it decides: an env value may be a secret, and the subject goes
         * to the audit log */
        bool by_value = !listed(s->parameters, s->n_parameters, key) && has_values(s, key);
        snprintf(subject, sizeof subject, "%s%s%s", key, by_value && value ? "=" : "",
                 by_value && value ? value : "");
        if (listed(s->parameters, s->n_parameters, key))
                f = add(d, POLICY_ASPECT_PARAMETER, true, subject, "%s in parameters", key);
        else if (!has_values(s, key))
                f = add(d, POLICY_ASPECT_PARAMETER, false, subject,
                        has(d, KEY_PARAMETERS) ? "%s not in parameters"
                                               : "no parameters key: no docker parameter (%s) is allowed",
                        key);
        else if (value && policy_parameter_value(key, value, canon, sizeof canon) == 0 &&
                 snprintf(entry, sizeof entry, "%s=%s", key, canon) < (int)sizeof entry &&
                 listed(s->parameters, s->n_parameters, entry))
                f = add(d, POLICY_ASPECT_PARAMETER, true, subject, "%s in parameters", entry);
        else
                f = add(d, POLICY_ASPECT_PARAMETER, false, subject,
                        "%s: this value is not among the %s=VALUE entries of parameters", key, key);
        set_rule(d, f, KEY_PARAMETERS);
}

/* A docker parameter that sets CPU or memory, held to the same limits as the task's resources:
 * what a caller may not ask through `cpus` or `mem` it may not get through a parameter. */
static void decide_claim(struct decider *d, const struct policy_claim *c)
{
        bool cpus = c->kind == POLICY_CLAIM_CPUS;
        enum policy_key k = cpus ? KEY_MAX_CPUS : KEY_MAX_MEM;
        enum policy_aspect a = cpus ? POLICY_ASPECT_CPUS : POLICY_ASPECT_MEM;
        /* memory-swap is memory plus swap: docker gives a task twice its memory when it is not
         * set, so up to twice max-mem is no more than a task at max-mem gets without it */
        double limit =
                cpus ? d->s->max_cpus : (double)d->s->max_mem_mb * (c->kind == POLICY_CLAIM_MEM_SWAP ? 2 : 1);
        const char *what = cpus ? "max-cpus" : c->kind == POLICY_CLAIM_MEM_SWAP ? "twice max-mem" : "max-mem";
        const char *unit = cpus ? "cpus" : "MB";
        char subject[256];
        snprintf(subject, sizeof subject, "%s=%s", c->parameter, c->value ? c->value : "");
        struct policy_finding *f;
        if (!has(d, k))
                f = add(d, a, false, subject, "no %s key: %s may not set %s", cpus ? "max-cpus" : "max-mem",
                        c->parameter, cpus ? "cpus" : "memory");
        else if (c->unlimited)
                f = add(d, a, false, subject, "%s: no limit at all is more than %s %g %s", c->parameter, what,
                        limit, unit);
        else if (!(c->amount >= 0 && c->amount <= limit))
                f = add(d, a, false, subject, "%s: %g %s is more than %s %g %s", c->parameter, c->amount,
                        unit, what, limit, unit);
        else
                f = add(d, a, true, subject, "%s: %g %s within %s %g %s", c->parameter, c->amount, unit, what,
                        limit, unit);
        set_rule(d, f, k);
}

static void decide_limits(struct decider *d, const struct policy_request *r)
{
        struct policy_finding *f;
        char subject[64];
        if (r->cpus != 0) {
                snprintf(subject, sizeof subject, "%g", r->cpus);
                bool ok = has(d, KEY_MAX_CPUS) && r->cpus > 0 && r->cpus <= d->s->max_cpus;
                if (!has(d, KEY_MAX_CPUS))
                        f = add(d, POLICY_ASPECT_CPUS, false, subject,
                                "no max-cpus key: no cpus may be asked");
                else
                        f = add(d, POLICY_ASPECT_CPUS, ok, subject,
                                ok ? "within max-cpus %g" : "more than max-cpus %g", d->s->max_cpus);
                set_rule(d, f, KEY_MAX_CPUS);
        }
        if (r->mem_mb != 0) {
                snprintf(subject, sizeof subject, "%llu", (unsigned long long)r->mem_mb);
                bool ok = has(d, KEY_MAX_MEM) && r->mem_mb <= d->s->max_mem_mb;
                if (!has(d, KEY_MAX_MEM))
                        f = add(d, POLICY_ASPECT_MEM, false, subject,
                                "no max-mem key: no memory may be asked");
                else
                        f = add(d, POLICY_ASPECT_MEM, ok, subject,
                                ok ? "within max-mem %llu" : "more than max-mem %llu",
                                (unsigned long long)d->s->max_mem_mb);
                set_rule(d, f, KEY_MAX_MEM);
                if (ok)
                        d->v->mem_limit_mb = r->mem_mb;
        } else if (r->image) {
                /* a container without a memory limit could take all of the host's: a task that
                 * names no mem runs under the caller's max-mem (interface.md) */
                bool ok = has(d, KEY_MAX_MEM) && d->s->max_mem_mb > 0;
                if (ok)
                        f = add(d, POLICY_ASPECT_MEM, true, "(default)",
                                "no mem asked: runs under max-mem %llu",
                                (unsigned long long)d->s->max_mem_mb);
                else
                        f = add(d, POLICY_ASPECT_MEM, false, "(default)",
                                has(d, KEY_MAX_MEM)
                                        ? "no mem asked and max-mem is 0: no memory limit to run under"
                                        : "no mem asked and no max-mem key: no memory limit to run under");
                set_rule(d, f, KEY_MAX_MEM);
                if (ok)
                        d->v->mem_limit_mb = d->s->max_mem_mb;
        }
}

static void decide_fetch(struct decider *d, const char *scheme)
{
        const struct policy_section *s = d->s;
        struct policy_finding *f;
        if (!listed(s->fetch_schemes, s->n_fetch_schemes, scheme)) {
                f = add(d, POLICY_ASPECT_FETCH_SCHEME, false, scheme,
                        has(d, KEY_FETCH_SCHEMES) ? "not in fetch-schemes"
                                                  : "no fetch-schemes key: no fetching");
                set_rule(d, f, KEY_FETCH_SCHEMES);
        } else if (s->fetch_max_bytes == 0) {
                /* a scheme without a byte budget would only fail later, as an error, not as policy */
                f = add(d, POLICY_ASPECT_FETCH_SCHEME, false, scheme,
                        has(d, KEY_FETCH_MAX_BYTES) ? "fetch-max-bytes is 0"
                                                    : "no fetch-max-bytes key: no fetching");
                set_rule(d, f, KEY_FETCH_MAX_BYTES);
        } else {
                f = add(d, POLICY_ASPECT_FETCH_SCHEME, true, scheme, "in fetch-schemes");
                set_rule(d, f, KEY_FETCH_SCHEMES);
        }
}

static void caller_label(const struct policy_caller *c, char buf[static 64])
{
        if (c->name)
                snprintf(buf, 64, "%s", c->name);
        else
                snprintf(buf, 64, "#%u", (unsigned)c->uid);
}

void policy_decide(const struct policy_section *section, const struct policy_caller *caller,
                   const struct policy_request *req, struct policy_verdict *out)
{
        memset(out, 0, sizeof *out);
        out->run_uid = (uid_t)-1;
        out->run_gid = (gid_t)-1;
        struct decider d = {.s = section, .c = caller, .v = out};
        char who[64];
        caller_label(caller, who);

        if (!section) {
                add(&d, POLICY_ASPECT_CALLER, false, who, "no [caller] section matches");
        } else {
                struct policy_finding *f = add(&d, POLICY_ASPECT_CALLER, true, who, "[caller %s%s] matches",
                                               section->subject.kind == SUBJECT_UID ? "#" : "",
                                               section->subject.name ? section->subject.name : "");
                if (section->subject.kind == SUBJECT_UID)
                        snprintf(f->reason, sizeof f->reason, "[caller #%u] matches",
                                 (unsigned)section->subject.uid);
                else if (section->subject.kind == SUBJECT_GROUP)
                        snprintf(f->reason, sizeof f->reason, "[caller %%%s] matches", section->subject.name);
                snprintf(f->rule, sizeof f->rule, "%s", section->rule);

                if (req->image)
                        decide_image(&d, req->image);
                if (req->network)
                        decide_network(&d, req->network);
                decide_privileged(&d, req->privileged);
                for (size_t i = 0; i < req->n_volumes; i++)
                        decide_volume(&d, i, &req->volumes[i]);
                decide_user(&d, req->user);
                for (size_t i = 0; i < req->n_parameters; i++)
                        decide_parameter(&d, req->parameters[i],
                                         req->parameter_values ? req->parameter_values[i] : NULL);
                decide_limits(&d, req);
                for (size_t i = 0; i < req->n_claims; i++)
                        decide_claim(&d, &req->claims[i]);
                for (size_t i = 0; i < req->n_fetch_schemes; i++)
                        decide_fetch(&d, req->fetch_schemes[i]);
        }

        out->allow = true;
        for (size_t i = 0; i < out->n_findings; i++)
                if (!out->findings[i].allow) {
                        out->allow = false;
                        out->first_denial = i;
                        break;
                }
        if (!out->allow) {
                /* nothing runs on a denial: no user to run as, no volume to mount */
                out->run_uid = (uid_t)-1;
                out->run_gid = (gid_t)-1;
                out->mem_limit_mb = 0;
        }
}

bool policy_image_allowed(const struct policy_section *section, const char *image, struct policy_finding *out)
{
        struct policy_verdict *v = calloc(1, sizeof *v);
        if (!v || !section) {
                free(v);
                memset(out, 0, sizeof *out);
                out->aspect = section ? POLICY_ASPECT_IMAGE : POLICY_ASPECT_CALLER;
                snprintf(out->subject, sizeof out->subject, "%s", image);
                snprintf(out->reason, sizeof out->reason, "%s",
                         section ? "out of memory" : "no [caller] section matches");
                return false;
        }
        struct decider d = {.s = section, .v = v};
        decide_image(&d, image);
        *out = v->findings[0];
        free(v);
        return out->allow;
}

bool policy_exec_allowed(const struct policy_section *s, struct policy_finding *out)
{
        memset(out, 0, sizeof *out);
        out->aspect = POLICY_ASPECT_CALLER;
        snprintf(out->subject, sizeof out->subject, "exec");
        if (!s) {
                snprintf(out->reason, sizeof out->reason, "no [caller] section matches");
                return false;
        }
        out->allow = s->key_line[KEY_EXEC] && s->exec;
        snprintf(out->reason, sizeof out->reason, "%s",
                 out->allow              ? "exec = yes"
                 : s->key_line[KEY_EXEC] ? "exec = no"
                                         : "no exec key: exec is not allowed");
        struct decider d = {.s = s};
        set_rule(&d, out, KEY_EXEC);
        return out->allow;
}
