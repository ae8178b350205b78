/* Leaving a caller's cgroups (cgroups.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups.h"
#include "cleanup.h"
#include "mounts.h"
#include "util.h"

static int write_text(int dirfd, const char *file, const char *text)
{
        _cleanup_close_ int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        return md_write_all(fd, text, strlen(text));
}

/* A new cpuset (v1) has no CPUs and no memory nodes, and takes no process until it has: it
 * gets the root's, all of them. */
static int fill_cpuset(int rootfd, int dirfd)
{
        static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
        for (size_t i = 0; i < 2; i++) {
                char buf[4096] = "";
                _cleanup_close_ int fd = openat(dirfd, files[i], O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        return 0; /* not a cpuset hierarchy */
                ssize_t n = read(fd, buf, sizeof buf - 1);
                if (n > 0 && buf[0] != '\n')
                        continue;
                _cleanup_close_ int rfd = openat(rootfd, files[i], O_RDONLY | O_CLOEXEC);
                n = rfd < 0 ? -1 : read(rfd, buf, sizeof buf - 1);
                if (n <= 0)
                        return n < 0 ? -errno : -EINVAL;
                buf[n] = '\0';
                int r = write_text(dirfd, files[i], buf);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Into MD_OWN_CGROUP of the hierarchy mounted at mountpoint. */
static int enter(const char *mountpoint)
{
        _cleanup_close_ int rootfd = open(mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (rootfd < 0)
                return -errno;
        if (mkdirat(rootfd, MD_OWN_CGROUP, 0755) < 0 && errno != EEXIST)
                return -errno;
        _cleanup_close_ int dirfd =
                openat(rootfd, MD_OWN_CGROUP, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (dirfd < 0)
                return -errno;
        int r = fill_cpuset(rootfd, dirfd);
        if (r < 0)
                return r;
        char pid[24];
        snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
        return write_text(dirfd, "cgroup.procs", pid);
}

int md_cgroup_mounts_each(int (*fn)(const char *mount_point, void *arg), void *arg)
{
        FILE *f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return -errno;
        int r = 0;
        char *line = NULL;
        size_t cap = 0;
        while (r == 0 && getline(&line, &cap, f) > 0) {
                line[strcspn(line, "\n")] = '\0';
                struct md_mountinfo_entry e;
                if (md_mountinfo_parse_line(line, &e) == 0 &&
                    (strcmp(e.fstype, "cgroup") == 0 || strcmp(e.fstype, "cgroup2") == 0))
                        r = fn(e.mount_point, arg);
        }
        free(line);
        fclose(f);
        return r;
}

struct entering {
        int first; /* the first failure */
        char *failed;
        size_t size;
};

/* Every hierarchy is tried, whatever the ones before did. */
static int enter_one(const char *mount_point, void *arg)
{
        struct entering *x = arg;
        int r = enter(mount_point);
        if (r < 0 && x->first == 0) {
                x->first = r;
                if (x->failed && x->size)
                        snprintf(x->failed, x->size, "%s", mount_point);
        }
        return 0;
}

int md_cgroup_enter_own(char *failed, size_t size)
{
        struct entering x = {0, failed, size};
        int r = md_cgroup_mounts_each(enter_one, &x);
        return r < 0 ? r : x.first;
}

/* Is mount_point + path (one line of /proc/self/cgroup) a directory root does not own? */
static bool delegated_at(const char *mount_point, const char *path)
{
        char full[PATH_MAX];
        if ((size_t)snprintf(full, sizeof full, "%s%s", mount_point, path) >= sizeof full)
                return true;
        struct stat st;
        return stat(full, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid != 0;
}

/* 1 when one of the process's cgroups (own: /proc/self/cgroup) is delegated under mount_point.
 * "ID:CONTROLLERS:PATH" per hierarchy; trying every path under every mount is a few stats more
 * than matching controllers, and errs only towards "delegated". */
static int delegated_under(const char *mount_point, void *arg)
{
        for (char *l = arg; *l;) {
                char *nl = strchrnul(l, '\n');
                char end = *nl;
                *nl = '\0';
                char *path = strchr(l, ':');
                path = path ? strchr(path + 1, ':') : NULL;
                bool delegated = path && delegated_at(mount_point, path + 1);
                *nl = end;
                if (delegated)
                        return 1;
                l = end ? nl + 1 : nl;
        }
        return 0;
}

bool md_cgroup_delegated(void)
{
        _cleanup_close_ int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
        _cleanup_free_ char *own = NULL;
        size_t len;
        if (fd < 0 || md_read_all(fd, 64 * 1024, &own, &len) < 0)
                return true;
        /* unreadable mountinfo (-errno) counts as delegated too: it cannot tell */
        return md_cgroup_mounts_each(delegated_under, own) != 0;
}
