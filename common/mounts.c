#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <unistd.h>

#include "cleanup.h"
#include "mounts.h"
#include "safe_open.h"
#include "util.h"

/* a host with thousands of container mounts has a mountinfo of a few MiB */
#define MOUNTINFO_MAX_BYTES (64u * 1024 * 1024)

/* Undoes the kernel's "\ooo" escapes (space, tab, newline, backslash) in place. */
static void unescape(char *s)
{
        char *o = s;
        for (char *p = s; *p; p++) {
                if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' &&
                    p[3] <= '7') {
                        *o++ = (char)((p[1] - '0') << 6 | (p[2] - '0') << 3 | (p[3] - '0'));
                        p += 3;
                } else {
                        *o++ = *p;
                }
        }
        *o = '\0';
}

int md_mountinfo_parse_line(char *line, struct md_mountinfo_entry *e)
{
        /* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS */
        char *f[6], *save = NULL, *tok;
        size_t n = 0;
        for (tok = strtok_r(line, " ", &save); tok && n < 6; tok = strtok_r(NULL, " ", &save))
                f[n++] = tok;
        if (n < 6)
                return -EINVAL;
        while (tok && strcmp(tok, "-") != 0)
                tok = strtok_r(NULL, " ", &save);
        char *fstype = tok ? strtok_r(NULL, " ", &save) : NULL;
        char *source = fstype ? strtok_r(NULL, " ", &save) : NULL;
        uint64_t id;
        if (!source || md_parse_u64(f[0], &id) < 0)
                return -EINVAL;
        for (size_t i = 3; i < 5; i++)
                unescape(f[i]);
        unescape(fstype);
        unescape(source);
        *e = (struct md_mountinfo_entry){
                .mount_id = (unsigned long)id,
                .root = f[3],
                .mount_point = f[4],
                .options = f[5],
                .fstype = fstype,
                .source = source,
        };
        return 0;
}

bool md_mountinfo_is_sandboxfs(const struct md_mountinfo_entry *e)
{
        /* fsname alone would do; the subtype also catches a build that renamed its fsname */
        return strcmp(e->fstype, MD_SANDBOXFS_FSTYPE) == 0 ||
               (strncmp(e->fstype, "fuse", 4) == 0 && strcmp(e->source, MD_SANDBOXFS_FSNAME) == 0);
}

/* Calls visit on each line of a mountinfo text until it returns non-zero; returns that value,
 * 0 at the end, or -EINVAL on a malformed line. */
static int each_mount(const char *text, int (*visit)(const struct md_mountinfo_entry *e, void *arg),
                      void *arg)
{
        const char *p = text;
        while (*p) {
                const char *nl = strchrnul(p, '\n');
                size_t len = (size_t)(nl - p);
                if (len > 0) {
                        _cleanup_free_ char *line = strndup(p, len);
                        if (!line)
                                return -ENOMEM;
                        struct md_mountinfo_entry e;
                        if (md_mountinfo_parse_line(line, &e) < 0)
                                return -EINVAL;
                        int r = visit(&e, arg);
                        if (r != 0)
                                return r;
                }
                p = *nl ? nl + 1 : nl;
        }
        return 0;
}

struct found {
        unsigned long mount_id; /* by_id */
        const char *path; /* near_sandboxfs */
        char *out;
        size_t size;
};

static int copy_mount_point(const struct md_mountinfo_entry *e, struct found *f)
{
        if ((size_t)snprintf(f->out, f->size, "%s", e->mount_point) >= f->size)
                return -ENAMETOOLONG;
        return 1;
}

static int by_id(const struct md_mountinfo_entry *e, void *arg)
{
        struct found *f = arg;
        return e->mount_id == f->mount_id ? copy_mount_point(e, f) : 0;
}

static int near_sandboxfs(const struct md_mountinfo_entry *e, void *arg)
{
        struct found *f = arg;
        if (!md_mountinfo_is_sandboxfs(e) || e->mount_point[0] != '/')
                return 0;
        /* at or beneath path: a bind of path (docker binds recursively) carries it along;
         * holding path: path is a directory of the view itself */
        if (md_path_is_beneath(e->mount_point, f->path) || md_path_is_beneath(f->path, e->mount_point))
                return copy_mount_point(e, f);
        return 0;
}

int md_mountinfo_find_sandboxfs(const char *text, const char *path, char *found, size_t size)
{
        struct found f = {.path = path, .out = found, .size = size};
        return each_mount(text, near_sandboxfs, &f);
}

static int read_mountinfo(char **text)
{
        _cleanup_close_ int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        size_t len;
        return md_read_all(fd, MOUNTINFO_MAX_BYTES, text, &len);
}

int md_mount_sandboxfs_near(const char *path, char *found, size_t size)
{
        _cleanup_free_ char *text = NULL;
        int r = read_mountinfo(&text);
        return r < 0 ? r : md_mountinfo_find_sandboxfs(text, path, found, size);
}

/* Names the mount that holds fd by its mount ID (statx STATX_MNT_ID, Linux 5.8). */
static void name_mount_of(int fd, char *mountpoint, size_t size)
{
        mountpoint[0] = '\0';
        struct statx sx;
        _cleanup_free_ char *text = NULL;
        if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) < 0 || !(sx.stx_mask & STATX_MNT_ID) ||
            read_mountinfo(&text) < 0)
                return;
        struct found f = {.mount_id = (unsigned long)sx.stx_mnt_id, .out = mountpoint, .size = size};
        if (each_mount(text, by_id, &f) != 1)
                mountpoint[0] = '\0';
}

int md_mount_nosuid_nodev(int fd, char *mountpoint, size_t size)
{
        struct statvfs sv;
        if (fstatvfs(fd, &sv) < 0)
                return -errno;
        if ((sv.f_flag & ST_NOSUID) && (sv.f_flag & ST_NODEV))
                return 1;
        if (mountpoint && size > 0)
                name_mount_of(fd, mountpoint, size);
        return 0;
}

int md_mount_of(int fd, struct md_mount_facts *out)
{
        struct statvfs sv;
        if (fstatvfs(fd, &sv) < 0)
                return -errno;
        out->nosuid = sv.f_flag & ST_NOSUID;
        out->nodev = sv.f_flag & ST_NODEV;
        name_mount_of(fd, out->mount_point, sizeof out->mount_point);
        return 0;
}

static int any_sandboxfs(const struct md_mountinfo_entry *e, void *arg)
{
        return md_mountinfo_is_sandboxfs(e) ? copy_mount_point(e, arg) : 0;
}

int md_mount_find_sandboxfs(char *found, size_t size)
{
        _cleanup_free_ char *text = NULL;
        int r = read_mountinfo(&text);
        if (r < 0)
                return r;
        struct found f = {.out = found, .size = size};
        return each_mount(text, any_sandboxfs, &f);
}

int md_fd_on_fuse(int fd)
{
        struct statfs sf;
        if (fstatfs(fd, &sf) < 0)
                return -errno;
        return sf.f_type == FUSE_SUPER_MAGIC;
}
