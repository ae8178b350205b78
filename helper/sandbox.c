#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "mounts.h"
#include "safe_open.h"
#include "sandbox.h"

int sandbox_normalize_path(const char *in, char out[static PATH_MAX])
{
        if (!in || in[0] != '/')
                return -EINVAL;
        size_t o = 0;
        const char *p = in;
        while (*p) {
                while (*p == '/')
                        p++;
                if (!*p)
                        break;
                const char *end = strchrnul(p, '/');
                size_t len = (size_t)(end - p);
                if (len == 2 && p[0] == '.' && p[1] == '.')
                        return -EINVAL;
                if (!(len == 1 && p[0] == '.')) {
                        if (o + 1 + len + 1 > PATH_MAX)
                                return -ENAMETOOLONG;
                        out[o++] = '/';
                        memcpy(out + o, p, len);
                        o += len;
                }
                p = end;
        }
        if (o == 0)
                out[o++] = '/';
        out[o] = '\0';
        return 0;
}

int sandbox_open(const struct privilege *priv, const struct policy_helper_conf *conf, const char *path,
                 struct sandbox *out, md_error *err)
{
        char norm[PATH_MAX];
        if (!path || path[0] != '/')
                return md_fail(err, MD_EXIT_USAGE, "sandbox %s: not an absolute path", path ? path : "");
        if (sandbox_normalize_path(path, norm) < 0)
                return md_fail(err, MD_EXIT_USAGE, "sandbox %s: \"..\" or too long", path);
        bool beneath = false;
        for (size_t i = 0; i < conf->n_sandbox_roots; i++)
                /* strictly below a root: the root itself is shared by every task */
                if (md_path_is_beneath(norm, conf->sandbox_roots[i]) &&
                    strcmp(norm, conf->sandbox_roots[i]) != 0)
                        beneath = true;
        if (!beneath) {
                /* the roots, so that the agent's --work_dir can be set to match */
                char roots[512] = "";
                size_t len = 0;
                for (size_t i = 0; i < conf->n_sandbox_roots && len < sizeof roots; i++)
                        len += (size_t)snprintf(roots + len, sizeof roots - len, "%s%s", i ? " " : "",
                                                conf->sandbox_roots[i]);
                return md_fail(err, MD_EXIT_DENIED, "sandbox %s: not under a sandbox-root of the policy (%s)",
                               norm, conf->n_sandbox_roots ? roots : "the policy sets none");
        }

        struct fsids saved;
        privilege_as_caller(priv, &saved);
        int fd = md_open_dir_nofollow(norm);
        privilege_restore(&saved);
        if (fd == -ELOOP)
                return md_fail(err, MD_EXIT_USAGE, "sandbox %s: a symlink in the path", norm);
        if (fd == -ENOTDIR)
                return md_fail(err, MD_EXIT_USAGE, "sandbox %s: not a directory (or a symlink in the path)",
                               norm);
        if (fd < 0)
                return md_fail_errno(err, MD_EXIT_USAGE, -fd, "sandbox %s", norm);
        struct stat st;
        if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
                close(fd);
                return md_fail(err, MD_EXIT_USAGE, "sandbox %s: not a directory", norm);
        }
        if (st.st_uid != priv->caller_uid) {
                close(fd);
                return md_fail(err, MD_EXIT_DENIED, "sandbox %s: not owned by uid %u", norm,
                               (unsigned)priv->caller_uid);
        }
        snprintf(out->path, sizeof out->path, "%s", norm);
        out->dirfd = fd;
        return 0;
}

int sandbox_open_output(const struct privilege *priv, const struct sandbox *sb, const char *name,
                        md_error *err)
{
        struct fsids saved;
        privilege_as_caller(priv, &saved);
        /* O_NONBLOCK: a FIFO planted under the name must not hang us; it is refused below */
        int flags = O_APPEND | O_CREAT | O_NOCTTY | O_NONBLOCK;
        int fd = md_openat_beneath(sb->dirfd, name, O_RDWR | flags, 0640);
        if (fd == -EACCES)
                fd = md_openat_beneath(sb->dirfd, name, O_WRONLY | flags, 0640);
        privilege_restore(&saved);
        if (fd < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, -fd, "sandbox %s/%s", sb->path, name);
        struct stat st;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != priv->caller_uid) {
                close(fd);
                return md_fail(err, MD_EXIT_FAILED, "sandbox %s/%s: not a regular file of the caller",
                               sb->path, name);
        }
        /* the shared monitor writes here for the container's whole life (mounts.h) */
        if (md_fd_on_fuse(fd) != 0) {
                close(fd);
                return md_fail(err, MD_EXIT_POLICY,
                               "sandbox %s/%s: on a FUSE filesystem, whose server could stall the monitor "
                               "that writes every container's output: put sandboxes on a local filesystem",
                               sb->path, name);
        }
        int fl = fcntl(fd, F_GETFL);
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
        return fd;
}

int sandbox_resolve_relative(const struct privilege *priv, const struct sandbox *sb, const char *rel,
                             char out[static PATH_MAX], int *fd_out, md_error *err)
{
        char joined[PATH_MAX], norm[PATH_MAX];
        if (snprintf(joined, sizeof joined, "/%s", rel) >= (int)sizeof joined ||
            sandbox_normalize_path(joined, norm) < 0)
                return md_fail(err, MD_EXIT_BAD_TASK, "\"%s\": \"..\" or too long", rel);
        struct fsids saved;
        privilege_as_caller(priv, &saved);
        int fd = strcmp(norm, "/") == 0 ? fcntl(sb->dirfd, F_DUPFD_CLOEXEC, 3)
                                        : md_openat_beneath(sb->dirfd, norm + 1, O_PATH, 0);
        privilege_restore(&saved);
        if (fd < 0)
                return md_fail_errno(err, MD_EXIT_BAD_TASK, fd == -1 ? errno : -fd, "\"%s\" in the sandbox",
                                     rel);
        /* O_PATH|O_NOFOLLOW opens a trailing symlink itself; dockerd would follow it: refuse.
         * Only a directory can be handed over as a held descriptor (launch_binds.h). */
        struct stat st;
        if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
                bool is_link = S_ISLNK(st.st_mode);
                close(fd);
                return md_fail(err, MD_EXIT_BAD_TASK, "\"%s\" in the sandbox: %s", rel,
                               is_link ? "a symlink" : "not a directory");
        }
        snprintf(out, PATH_MAX, "%s%s", sb->path, strcmp(norm, "/") == 0 ? "" : norm);
        *fd_out = fd;
        return 0;
}
