/* The seed's step 1, for `launch` and `fetch`: every command.uris entry into the sandbox, as
 * the caller, with the caller's fetch cache. */
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "fetch.h"
#include "launch_fetch.h"
#include "safe_open.h"

#define LAUNCH_FETCH_CACHE_MAX_BYTES (UINT64_C(1) << 30) /* per caller */

/* STATE_DIR/fetch-cache, sticky and writable by all (1733) so each caller makes its own UID
 * directory with its own rights; root owns it, so nobody can swap it. A caller whose cache
 * cannot be opened fetches without one. */
static int open_fetch_cache(struct helper *h)
{
        char root[PATH_MAX];
        snprintf(root, sizeof root, "%s/fetch-cache", h->conf->state_dir);
        md_error ignored = {0};
        _cleanup_close_ int state_fd = md_open_dir_nofollow(h->conf->state_dir);
        /* umask took the group/other bits; without the chmod the cache stays unusable, not unsafe */
        if (state_fd >= 0 && mkdirat(state_fd, "fetch-cache", 0700) == 0 &&
            fchmodat(state_fd, "fetch-cache", 01733, 0) < 0)
                return -1;
        int fd = fetch_cache_dir_open(root, h->caller.uid, h->caller.gid, &ignored);
        return fd < 0 ? -1 : fd;
}

int launch_fetch_uris(struct helper *h, const struct launch_plan *plan, int log_fd, md_error *err)
{
        const struct task_spec *t = plan->spec;
        if (t->n_uris == 0)
                return 0;
        struct fetch_item items[64];
        if (t->n_uris > 64)
                return md_fail(err, MD_EXIT_BAD_TASK, "command.uris: more than 64");
        for (size_t i = 0; i < t->n_uris; i++)
                items[i] = (struct fetch_item){
                        .uri = t->uris[i].value,
                        .executable = t->uris[i].executable,
                        .extract = t->uris[i].extract,
                        .cache = t->uris[i].cache,
                        .output_file = t->uris[i].output_file,
                };
        /* every scheme the task uses was allowed with the plan; redirects are held to the policy's list */
        const char *const *schemes;
        size_t n_schemes = policy_fetch_schemes(h->section, &schemes);
        /* the per-caller cache lives in the state dir's fetch-cache/UID; without one, no cache */
        _cleanup_close_ int cache_dirfd = open_fetch_cache(h);
        struct fetch_request req = {
                .uid = h->caller.uid,
                .gid = h->caller.gid,
                .sandbox_dirfd = plan->sandbox.dirfd,
                .items = items,
                .n_items = t->n_uris,
                .allowed_schemes = schemes,
                .n_allowed_schemes = n_schemes,
                .max_bytes = policy_fetch_max_bytes(h->section),
                .cache_dirfd = cache_dirfd,
                .cache_max_bytes = LAUNCH_FETCH_CACHE_MAX_BYTES,
                .log_fd = log_fd,
        };
        if (fetch_run(&req, err) == 0)
                return 0;
        /* a redirect to a scheme the policy does not list is a denial found late: audit it too */
        return helper_audit_denied(h, plan->name[0] ? plan->name : NULL, NULL,
                                   policy_section_rule(h->section), err);
}
