#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "exit_fifo.h"
#include "safe_open.h"
#include "util.h"

/* Opens name beneath dirfd (never through a symlink) and checks that it is a FIFO. */
static int open_fifo(int fifo_dirfd, const char *name, int flags)
{
        int fd = md_openat_beneath(fifo_dirfd, name, flags | O_NONBLOCK | O_NOCTTY, 0);
        if (fd < 0)
                return fd;
        struct stat st;
        int e = fstat(fd, &st) < 0 ? -errno : S_ISFIFO(st.st_mode) ? 0 : -ENOTSUP;
        if (e < 0) {
                close(fd);
                return e;
        }
        return fd;
}

int md_exit_fifo_hold(int fifo_dirfd, const char *container)
{
        if (!md_container_id_of_name(container))
                return -EINVAL;
        if (mkfifoat(fifo_dirfd, container, 0600) < 0 && errno != EEXIST)
                return -errno;
        int fd = open_fifo(fifo_dirfd, container, O_RDWR);
        /* Not held (no fd left, no openat2 as under valgrind): no name either, also not one a
         * dead monitor left, so that waiters do not sleep on a FIFO that nobody will let go of
         * but fall back to watching the record. */
        if (fd < 0 && fd != -ENOTSUP)
                unlinkat(fifo_dirfd, container, 0);
        return fd;
}

void md_exit_fifo_release(int fifo_dirfd, const char *container, int fd)
{
        if (fd < 0)
                return;
        unlinkat(fifo_dirfd, container, 0);
        close(fd);
}

void md_exit_fifo_forget(int record_dirfd, const char *container)
{
        /* the record dir and the FIFO dir are both right beneath the root-owned state dir */
        _cleanup_close_ int dfd =
                openat(record_dirfd, "../" MD_EXIT_FIFO_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (dfd >= 0 && md_container_id_of_name(container) &&
            fstatat(dfd, container, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISFIFO(st.st_mode))
                unlinkat(dfd, container, 0);
}

int md_exit_fifo_open(int fifo_dirfd, const char *container)
{
        if (!md_container_id_of_name(container))
                return -EINVAL;
        return open_fifo(fifo_dirfd, container, O_RDONLY);
}
