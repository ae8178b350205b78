#include <limits.h>
#include <string.h>

#include "docker.h"
#include "mount_rules.h"
#include "mounts.h"
#include "safe_open.h"

/* The sandbox-root that holds the sandbox: what the operator should mount nosuid,nodev. */
static const char *sandbox_root_of(const struct policy_helper_conf *conf, const char *sandbox)
{
        const char *best = sandbox;
        size_t best_len = 0;
        for (size_t i = 0; i < conf->n_sandbox_roots; i++) {
                size_t len = strlen(conf->sandbox_roots[i]);
                if (md_path_is_beneath(sandbox, conf->sandbox_roots[i]) && len > best_len) {
                        best = conf->sandbox_roots[i];
                        best_len = len;
                }
        }
        return best;
}

int sandbox_check_mount(const struct helper *h, const struct sandbox *sb, md_error *err)
{
        char mnt[PATH_MAX];
        int r = md_mount_nosuid_nodev(sb->dirfd, mnt, sizeof mnt);
        if (r < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, -r, "sandbox %s: mount flags", sb->path);
        if (r == 1)
                return 0;
        struct docker *d = NULL;
        bool remapped = false;
        int rc = docker_open(h->conf->docker_socket, &d, err);
        if (rc == 0)
                rc = docker_userns_remap(d, &remapped, err);
        docker_close(d);
        if (rc < 0) {
                md_error_prefix(err, "sandbox %s: not on a nosuid,nodev mount; does the daemon remap users",
                                sb->path);
                return -1;
        }
        if (remapped)
                return 0;
        const char *root = sandbox_root_of(h->conf, sb->path);
        return md_fail(err, MD_EXIT_POLICY,
                       "sandbox %s: its mount %s is not nosuid,nodev, so root in a container could leave a "
                       "setuid program or a device node there for the host; mount the sandbox-root "
                       "so: " MD_MOUNT_NOSUID_FIX " (or \"%s %s none bind,nosuid,nodev 0 0\" in /etc/fstab)",
                       sb->path, mnt[0] ? mnt : "(unknown)", root, root, root, root, root);
}

int volume_check_not_sandboxfs(const char *source, md_error *err)
{
        char mnt[PATH_MAX];
        int r = md_mount_sandboxfs_near(source, mnt, sizeof mnt);
        if (r < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, -r, "%s: reading the mount table", source);
        if (r == 1)
                return md_fail(err, MD_EXIT_DENIED,
                               "%s: %s is a " MD_SANDBOXFS_FSNAME
                               " mount, which shows root in a container every tenant's sandbox",
                               source, mnt);
        return 0;
}
