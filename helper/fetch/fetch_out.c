/* Writing into the sandbox: every path is walked from a dirfd one component at a time with
 * openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS), and a file appears under its name only when it
 * is complete (rename over the final name, which also replaces a planted symlink instead of
 * following it). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fetch_internal.h"
#include "safe_open.h"

int fetch_openat1(int dirfd, const char *name, int flags, mode_t mode)
{
        int fd = md_openat_beneath(dirfd, name, flags, mode);
        if (fd != -ENOSYS)
                return fd;
        /* no openat2 (kernels before 5.6, valgrind): for one component, O_NOFOLLOW gives the
         * same guarantees, once "..", "/" and "" are ruled out */
        if (!name[0] || strchr(name, '/') || strcmp(name, "..") == 0)
                return -EINVAL;
        for (;;) {
                fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC, mode);
                if (fd >= 0)
                        return fd;
                if (errno != EINTR)
                        return -errno;
        }
}

int fetch_open_subdir(int dirfd, const char *name)
{
        int fd = fetch_openat1(dirfd, name, O_RDONLY | O_DIRECTORY, 0);
        struct stat st;
        /* O_DIRECTORY|O_NOFOLLOW says ENOTDIR for a symlink: tell the user what it was */
        if (fd == -ENOTDIR && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
                return -ELOOP;
        return fd;
}

int fetch_open_parent(int rootfd, const char *relpath, bool create, const char **leaf)
{
        int dfd = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
        if (dfd < 0)
                return -errno;
        const char *c = relpath;
        for (;;) {
                while (*c == '/')
                        c++;
                size_t n = strcspn(c, "/");
                const char *next = c + n;
                while (*next == '/')
                        next++;
                if (*next == '\0') { /* c is the last component */
                        *leaf = c;
                        return dfd;
                }
                char comp[256];
                if (n == 0 || n >= sizeof comp || (n == 2 && c[0] == '.' && c[1] == '.')) {
                        close(dfd);
                        return -EINVAL;
                }
                memcpy(comp, c, n);
                comp[n] = '\0';
                if (strcmp(comp, ".") != 0) {
                        if (create && mkdirat(dfd, comp, 0755) < 0 && errno != EEXIST) {
                                int e = errno;
                                close(dfd);
                                return -e;
                        }
                        int nfd = fetch_open_subdir(dfd, comp);
                        close(dfd);
                        if (nfd < 0)
                                return nfd;
                        dfd = nfd;
                }
                c = next;
        }
}

static void random_name(char *buf, size_t len)
{
        unsigned char r[8] = {0};
        if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
                /* never fails for 8 bytes once the pool is up; the pid keeps names apart anyway */
                pid_t p = getpid();
                memcpy(r, &p, sizeof p);
        }
        snprintf(buf, len, ".fetch.%02x%02x%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5],
                 r[6], r[7]);
}

int fetch_tmp_open(int dirfd, struct fetch_tmp *t)
{
        t->dirfd = dirfd;
        t->name[0] = '\0';
        t->fd = fetch_openat1(dirfd, ".", O_TMPFILE | O_RDWR, 0600);
        if (t->fd >= 0)
                return 0;
        if (t->fd != -EOPNOTSUPP && t->fd != -EISDIR && t->fd != -EINVAL)
                return t->fd;
        for (int tries = 0; tries < 16; tries++) {
                random_name(t->name, sizeof t->name);
                t->fd = fetch_openat1(dirfd, t->name, O_RDWR | O_CREAT | O_EXCL, 0600);
                if (t->fd != -EEXIST)
                        break;
        }
        if (t->fd < 0)
                t->name[0] = '\0';
        return t->fd < 0 ? t->fd : 0;
}

int fetch_tmp_commit(struct fetch_tmp *t, const char *name)
{
        if (t->name[0] == '\0') {
                /* an O_TMPFILE gets a hidden name first: linkat cannot replace, rename can */
                char proc[64];
                snprintf(proc, sizeof proc, "/proc/self/fd/%d", t->fd);
                for (int tries = 0;; tries++) {
                        random_name(t->name, sizeof t->name);
                        if (linkat(AT_FDCWD, proc, t->dirfd, t->name, AT_SYMLINK_FOLLOW) == 0)
                                break;
                        int e = errno;
                        t->name[0] = '\0';
                        if (e != EEXIST || tries >= 16)
                                return -e;
                }
        }
        if (renameat(t->dirfd, t->name, t->dirfd, name) < 0) {
                int e = errno;
                unlinkat(t->dirfd, t->name, 0);
                t->name[0] = '\0';
                return -e;
        }
        t->name[0] = '\0';
        return 0;
}

void fetch_tmp_discard(struct fetch_tmp *t)
{
        if (t->name[0])
                unlinkat(t->dirfd, t->name, 0);
        t->name[0] = '\0';
        if (t->fd >= 0)
                close(t->fd);
        t->fd = -1;
}
