#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
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

/* Asked at most once per process, and only when a mount is not nosuid,nodev. */
static int daemon_remaps_users(const struct helper *h, bool *on, md_error *err)
{
        static int known = -1;
        if (known < 0) {
                bool remapped = false;
                if (mount_rules_daemon_remaps_users(h, &remapped, err) < 0)
                        return -1;
                known = remapped;
        }
        *on = known;
        return 0;
}

/* The rule for a place that root in a container may write: what names it in messages, fix_dir
 * is what the operator should mount nosuid,nodev. */
static int check_root_writable(const struct helper *h, int fd, const char *what, const char *fix_dir,
                               md_error *err)
{
        char mnt[PATH_MAX];
        int r = md_mount_nosuid_nodev(fd, mnt, sizeof mnt);
        if (r < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, -r, "%s: mount flags", what);
        if (r == 1)
                return 0;
        bool remapped = false;
        if (daemon_remaps_users(h, &remapped, err) < 0) {
                md_error_prefix(err, "%s: not on a nosuid,nodev mount; does the daemon remap users", what);
                return -1;
        }
        if (remapped)
                return 0;
        return md_fail(err, MD_EXIT_POLICY,
                       "%s: its mount %s is not nosuid,nodev, so root in a container could leave a setuid "
                       "program or a device node there for the host; mount %s so: " MD_MOUNT_NOSUID_FIX
                       " (or \"%s %s none bind,nosuid,nodev 0 0\" in /etc/fstab)",
                       what, mnt[0] ? mnt : "(unknown)", fix_dir, fix_dir, fix_dir, fix_dir, fix_dir,
                       fix_dir);
}

int sandbox_check_mount(const struct helper *h, const struct sandbox *sb, md_error *err)
{
        char what[PATH_MAX + 16];
        snprintf(what, sizeof what, "sandbox %s", sb->path);
        return check_root_writable(h, sb->dirfd, what, sandbox_root_of(h->conf, sb->path), err);
}

int volume_check_mount(const struct helper *h, int fd, const char *source, md_error *err)
{
        return check_root_writable(h, fd, source, source, err);
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
