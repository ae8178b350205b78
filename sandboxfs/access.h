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

/* st_ino shown for the synthetic entries: high bit set so that find(1) never mistakes one
 * for a sandbox directory with the same inode number. */
unsigned long long sbfs_synthetic_ino(unsigned long long serial, unsigned code);
