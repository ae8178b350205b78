#include <string.h>
#include <unistd.h>

#include "adopt.h"
#include "monitor.h"
#include "safe_open.h"
#include "sandbox.h"

static bool adoptable(const struct helper *h, const struct md_record *r)
{
        return r->state == MD_STATE_RUNNING && r->docker_id && r->sandbox && r->owner_uid == h->caller.uid;
}

int adopt_container(const struct helper *h, const struct md_record *r, md_error *err)
{
        if (!adoptable(h, r))
                return 0;
        struct sandbox sb = {.dirfd = -1};
        struct fsids saved;
        privilege_as_caller(&h->priv, &saved);
        sb.dirfd = md_open_dir_nofollow(r->sandbox);
        privilege_restore(&saved);
        if (sb.dirfd < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, -sb.dirfd, "adopt %s: sandbox %s", r->container,
                                     r->sandbox);
        snprintf(sb.path, sizeof sb.path, "%s", r->sandbox);
        int out_fd = sandbox_open_output(&h->priv, &sb, "stdout", err);
        int err_fd = out_fd < 0 ? -1 : sandbox_open_output(&h->priv, &sb, "stderr", err);
        close(sb.dirfd);
        if (err_fd < 0) {
                if (out_fd >= 0)
                        close(out_fd);
                return -1;
        }
        return adopt_container_to(h, r, out_fd, err_fd, err);
}

int adopt_container_to(const struct helper *h, const struct md_record *r, int out_fd, int err_fd,
                       md_error *err)
{
        if (!adoptable(h, r) || out_fd < 0 || err_fd < 0) {
                if (out_fd >= 0)
                        close(out_fd);
                if (err_fd >= 0)
                        close(err_fd);
                return 0;
        }
        struct monitor_config mc = {
                .docker_socket = h->conf->docker_socket,
                .container = r->container,
                .docker_id = r->docker_id,
                .state_dir = h->conf->state_dir,
                .stdout_fd = out_fd,
                .stderr_fd = err_fd,
                .keep_exited = h->conf->keep_exited,
        };
        return monitor_adopt(&mc, err) < 0 ? -1 : 1; /* the fds are the monitor's either way */
}
