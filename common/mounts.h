/* What the mount table says about a place, for the rules that keep root in a container from
 * handing a host user more rights than it had (design.md: sandboxes live on a nosuid,nodev mount).
 * One home for these rules: the helper's sandbox and volume checks and `doctor` call the same
 * functions. Library code: negative errno on error, nothing printed. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* fsname and subtype that mesos-sandboxfs mounts with (sandboxfs/main.c): /proc/self/mountinfo
 * shows it as fstype "fuse.sandboxfs", source "mesos-sandboxfs". */
#define MD_SANDBOXFS_FSNAME "mesos-sandboxfs"
#define MD_SANDBOXFS_SUBTYPE "sandboxfs"
#define MD_SANDBOXFS_FSTYPE "fuse." MD_SANDBOXFS_SUBTYPE

/* The fix an operator applies to DIR, for messages: a bind mount of itself with nosuid,nodev. */
#define MD_MOUNT_NOSUID_FIX "mount --bind %s %s && mount -o remount,bind,nosuid,nodev %s"

/* Is the filesystem that fd lies on mounted both nosuid and nodev (fstatvfs ST_NOSUID|ST_NODEV)?
 * Returns 1 when it is, 0 when it is not, or -errno. On 0, mountpoint (if not NULL) receives the
 * mount point that holds fd, from /proc/self/mountinfo matched by the mount ID of fd, or "" when
 * it cannot be named; on 1 it is left untouched (the common case reads no mount table). */
int md_mount_nosuid_nodev(int fd, char *mountpoint, size_t size);

/* Is fd on a FUSE filesystem (fstatfs)? 1, 0, or -errno. Any user can mount one
 * (fusermount3) and stall every write into it by stopping its server: the shared monitor, which
 * writes every tenant's output in one loop, never writes into such a file. */
int md_fd_on_fuse(int fd);

/* What doctor shows of the mount that fd lies on: its flags and where it is mounted. */
struct md_mount_facts {
        bool nosuid, nodev;
        char mount_point[4096]; /* "" when /proc/self/mountinfo does not name it */
};

/* The facts of the mount fd lies on (O_PATH is enough). 0 or -errno. */
int md_mount_of(int fd, struct md_mount_facts *out);

/* The mount point of the first mesos-sandboxfs mount of this process's mount table: 1 (found),
 * 0 (none), or -errno. */
int md_mount_find_sandboxfs(char *found, size_t size);

/* One line of /proc/self/mountinfo (proc(5)); the strings point into the parsed line, with the
 * kernel's octal escapes ("\040") undone. */
struct md_mountinfo_entry {
        unsigned long mount_id;
        const char *root; /* the part of the filesystem that is mounted */
        const char *mount_point;
        const char *options; /* per-mount: "rw,nosuid,nodev,relatime" */
        const char *fstype; /* "ext4", "fuse.sandboxfs" */
        const char *source;
};

/* Parses line (modified in place, no trailing newline) into *e. Pure. Returns 0 or -EINVAL. */
int md_mountinfo_parse_line(char *line, struct md_mountinfo_entry *e);

/* Is this a mesos-sandboxfs mount (also a bind mount of one)? Pure. */
bool md_mountinfo_is_sandboxfs(const struct md_mountinfo_entry *e);

/* In a mountinfo text: the first mesos-sandboxfs mount whose mount point is path, lies beneath
 * path, or holds path. path is absolute and normalized. Returns 1 with the mount point in found,
 * 0 when there is none, -EINVAL on a malformed table, -ENAMETOOLONG. Pure; text is not modified. */
int md_mountinfo_find_sandboxfs(const char *text, const char *path, char *found, size_t size);

/* md_mountinfo_find_sandboxfs on this process's /proc/self/mountinfo. A bind of such a path
 * would show root in a container every tenant's sandbox (sandboxfs lets uid 0 read all). */
int md_mount_sandboxfs_near(const char *path, char *found, size_t size);
