#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "lookup.h"
#include "util.h"

int lookup_open_records(const struct helper *h, const char *arg, md_error *err)
{
        int fd = md_record_dir_open(h->conf->state_dir, false, err);
        if (fd < 0) {
                md_error_clear(err); /* no state dir yet: no container was ever launched */
                return md_fail(err, MD_EXIT_NO_CONTAINER, "%.200s: no such container", arg);
        }
        return fd;
}

struct visit {
        const struct helper *h;
        lookup_visitor fn;
        void *arg;
};

static int visit_one(int record_dirfd, const char *name, void *arg)
{
        struct visit *v = arg;
        struct md_record r = {0};
        md_error ignored = {0};
        if (md_record_read(record_dirfd, name, &r, &ignored) < 0)
                return 0; /* being replaced, or corrupt: not the caller's problem */
        if (helper_may_see(v->h, r.owner_uid))
                v->fn(&r, v->arg);
        md_record_clear(&r);
        return 0;
}

int lookup_each_visible(const struct helper *h, int record_dirfd, lookup_visitor fn, void *arg, md_error *err)
{
        struct visit v = {h, fn, arg};
        if (md_record_each(record_dirfd, visit_one, &v) < 0)
                return md_fail(err, MD_EXIT_FAILED, "state dir %s: cannot list", h->conf->state_dir);
        return 0;
}

struct prefix_match {
        const char *prefix;
        size_t len;
        size_t count;
        char name[MD_NAME_MAX + 1];
};

static void match_prefix(const struct md_record *r, void *arg)
{
        struct prefix_match *m = arg;
        if (r->docker_id && strncmp(r->docker_id, m->prefix, m->len) == 0 && m->count++ == 0)
                snprintf(m->name, sizeof m->name, "%s", r->container);
}

/* A record by exact name that the caller may see; 1 found, 0 not (or not the caller's). */
static int read_visible(const struct helper *h, int record_dirfd, const char *name, struct md_record *out,
                        md_error *err)
{
        struct md_record r = {0};
        int rc = md_record_read(record_dirfd, name, &r, err);
        if (rc == -ENOENT)
                return 0;
        if (rc < 0)
                return -1;
        if (!helper_may_see(h, r.owner_uid)) {
                md_record_clear(&r);
                return 0;
        }
        *out = r;
        return 1;
}

int lookup_container(const struct helper *h, int record_dirfd, const char *arg, struct md_record *out,
                     md_error *err)
{
        char names[2][MD_NAME_MAX + 1];
        size_t n = md_container_name_candidates(arg, names);
        if (n == 0)
                return md_fail(err, MD_EXIT_USAGE,
                               "container id \"%.*s\": must match [A-Za-z0-9][A-Za-z0-9._-]{0,127}", 200,
                               arg ? arg : "");
        for (size_t i = 0; i < n; i++) {
                int rc = read_visible(h, record_dirfd, names[i], out, err);
                if (rc != 0)
                        return rc < 0 ? -1 : 0;
        }
        if (md_is_docker_id_prefix(arg)) {
                struct prefix_match m = {.prefix = arg, .len = strlen(arg)};
                if (lookup_each_visible(h, record_dirfd, match_prefix, &m, err) < 0)
                        return -1;
                if (m.count > 1)
                        return md_fail(err, MD_EXIT_FAILED, "%s: matches %zu containers, give more of the id",
                                       arg, m.count);
                if (m.count == 1) {
                        int rc = read_visible(h, record_dirfd, m.name, out, err);
                        if (rc != 0)
                                return rc < 0 ? -1 : 0;
                }
        }
        return md_fail(err, MD_EXIT_NO_CONTAINER, "%.200s: no such container", arg);
}

int lookup_target(struct helper *h, const char *arg, struct lookup_target *out, md_error *err)
{
        _cleanup_close_ int record_dirfd = lookup_open_records(h, arg, err);
        struct md_record r = {0};
        if (record_dirfd < 0 || lookup_container(h, record_dirfd, arg, &r, err) < 0)
                return helper_audit_not_found(h, arg, err);
        snprintf(out->name, sizeof out->name, "%s", r.container);
        snprintf(out->docker_id, sizeof out->docker_id, "%s", r.docker_id ? r.docker_id : "");
        out->running = r.state == MD_STATE_RUNNING && r.docker_id;
        md_record_clear(&r);
        return 0;
}
