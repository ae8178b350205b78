/* Opening files without ever following a symlink or leaving a directory.
 * Every path a caller can influence goes through these (design.md: by dirfd, never by
 * re-resolving a path string). All fds are O_CLOEXEC. */
#pragma once

#include <sys/types.h>

/* openat2(dirfd, path, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS).
 * path is relative; ".." that would leave dirfd, absolute paths and any symlink component
 * fail (EXDEV / ELOOP). Returns an fd or -errno. EINTR/EAGAIN are retried. */
int md_openat_beneath(int dirfd, const char *path, int flags, mode_t mode);

/* Opens an absolute directory path component by component with O_NOFOLLOW, so that
 * no component may be a symlink (ELOOP) or a non-directory (ENOTDIR). Rejects relative
 * paths, empty components are folded, "." and ".." are refused (EINVAL).
 * Returns an O_DIRECTORY|O_PATH-less, readable dirfd or -errno. */
int md_open_dir_nofollow(const char *abs_path);

/* True when child (absolute, normalized: no "." or ".." components) lies at or below
 * root (also normalized). Pure string comparison on component boundaries. */
int md_path_is_beneath(const char *child, const char *root);
