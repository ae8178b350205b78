/* Pure decisions of mesos-sandboxfs: what a sandbox entry looks like to a reader and whether
 * the container's owner could read it. No I/O; unit-tested in tests/unit/test_sbfs.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* The mode shown to readers: file type and read/execute bits only. Write bits go (the mount is
 * read-only), and so do setuid, setgid and sticky (nothing here may look privileged). */
mode_t sbfs_shown_mode(mode_t mode);

/* Would a process running as the owner (uid, groups) be granted want (R_OK and/or X_OK) on a
 * file with this stat, by its mode bits alone? The filesystem reads as root but serves a
 * sandbox entry only when its owner could read it, so a hard link or a root-made file in a
 * sandbox does not become readable through the mount. uid 0 may do anything. */
bool sbfs_owner_may(const struct stat *st, uid_t uid, const gid_t *groups, size_t n_groups, int want);

/* Two /proc/PID/uid_map texts describe the same mapping (whitespace-insensitive). A caller
 * whose map differs from ours lives in another user namespace. */
bool sbfs_same_uid_map(const char *a, const char *b);

/* The synthetic entries of a container. Each has one inode number, the same in stat's st_ino and
 * readdir's d_ino (find(1) and du(1) compare them). */
enum sbfs_ino_kind {
        SBFS_INO_CT_DIR = 1, /* mesos-ID */
        SBFS_INO_FOLLOW_DIR, /* mesos-ID/follow */
        SBFS_INO_STDOUT, /* mesos-ID/stdout; SBFS_INO_STDOUT + stream */
        SBFS_INO_STDERR,
        SBFS_INO_FOLLOW_STDOUT, /* mesos-ID/follow/stdout; SBFS_INO_FOLLOW_STDOUT + stream */
        SBFS_INO_FOLLOW_STDERR,
        SBFS_INO_INFO, /* mesos-ID/info.json */
        _SBFS_INO_MAX,
};

/* The inode number of a synthetic entry: the high bit set so that it never equals a sandbox
 * entry's (those are shown with their own numbers), then the container's serial, then the kind. */
unsigned long long sbfs_ino(unsigned long long serial, enum sbfs_ino_kind kind);
