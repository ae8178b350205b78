#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "safe_open.h"

/* The same walk without openat2 (Linux < 5.6, or valgrind, which does not know the syscall):
 * one openat per component with O_NOFOLLOW, refusing "..", absolute paths and symlinks, so the
 * result is what RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS would allow. */
static int openat_beneath_walk(int dirfd, const char *path, int flags, mode_t mode)
{
        if (path[0] == '/')
                return -EXDEV;
        char *copy = strdup(path);
        if (!copy)
                return -ENOMEM;
        int cur = dirfd, r = -ENOENT;
        char *save = NULL, *part = strtok_r(copy, "/", &save);
        while (part) {
                char *next = strtok_r(NULL, "/", &save);
                if (strcmp(part, "..") == 0) {
                        r = -EXDEV;
                        break;
                }
                if (!next) {
                        r = openat(cur, part, flags | O_CLOEXEC | O_NOFOLLOW, mode);
                        r = r < 0 ? -errno : r;
                        struct stat st;
                        /* O_PATH|O_NOFOLLOW opens a trailing symlink itself */
                        if (r >= 0 && (flags & O_PATH) && fstat(r, &st) == 0 && S_ISLNK(st.st_mode)) {
                                close(r);
                                r = -ELOOP;
                        }
                        break;
                }
                if (strcmp(part, ".") != 0) {
                        int fd = openat(cur, part, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (fd < 0) {
                                struct stat st;
                                r = errno == ENOTDIR && fstatat(cur, part, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                                                    S_ISLNK(st.st_mode)
                                            ? -ELOOP
                                            : -errno;
                                break;
                        }
                        if (cur != dirfd)
                                close(cur);
                        cur = fd;
                }
                part = next;
        }
        if (cur != dirfd)
                close(cur);
        free(copy);
        return r;
}

int md_openat_beneath(int dirfd, const char *path, int flags, mode_t mode)
{
        struct open_how how = {
                .flags = (unsigned long long)(flags | O_CLOEXEC | O_NOFOLLOW),
                .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
                .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
        };
        for (;;) {
                long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
                if (fd >= 0)
                        return (int)fd;
                if (errno == ENOSYS)
                        return openat_beneath_walk(dirfd, path, flags, how.mode);
                /* EAGAIN: a concurrent rename raced the lookup; the kernel asks for a retry */
                if (errno != EINTR && errno != EAGAIN)
                        return -errno;
        }
}

int md_open_dir_nofollow(const char *abs_path)
{
        if (!abs_path || abs_path[0] != '/')
                return -EINVAL;
        int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        _cleanup_free_ char *copy = strdup(abs_path);
        if (!copy) {
                close(fd);
                return -ENOMEM;
        }
        char *save = NULL;
        for (char *part = strtok_r(copy, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
                if (strcmp(part, ".") == 0 || strcmp(part, "..") == 0) {
                        close(fd);
                        return -EINVAL;
                }
                int next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                int e = errno;
                struct stat st;
                /* O_DIRECTORY|O_NOFOLLOW says ENOTDIR for a symlink: tell the two apart */
                if (next < 0 && e == ENOTDIR && fstatat(fd, part, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                    S_ISLNK(st.st_mode))
                        e = ELOOP;
                close(fd);
                if (next < 0)
                        return -e;
                fd = next;
        }
        return fd;
}

int md_path_is_beneath(const char *child, const char *root)
{
        size_t rlen = strlen(root);
        while (rlen > 1 && root[rlen - 1] == '/')
                rlen--;
        if (rlen == 1 && root[0] == '/')
                return child[0] == '/';
        if (strncmp(child, root, rlen) != 0)
                return 0;
        return child[rlen] == '\0' || child[rlen] == '/';
}
