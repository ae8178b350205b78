/* The task's sandbox: DIR of `launch --sandbox DIR`, checked and held as a dirfd. */
#pragma once

#include <limits.h>

#include "error.h"
#include "policy.h"
#include "privilege.h"

struct sandbox {
        char path[PATH_MAX]; /* absolute, normalized (no ".", "..", "//", trailing "/") */
        int dirfd; /* opened component by component without following symlinks */
};

/* Normalizes path and checks, in this order (each error names the sandbox and the reason):
 *   not absolute, "." or ".." components          -> MD_EXIT_USAGE
 *   not under any sandbox-root of the policy      -> MD_EXIT_DENIED
 *   missing, a symlink anywhere, not a directory  -> MD_EXIT_USAGE
 *   not owned by the caller                       -> MD_EXIT_DENIED
 * Opening happens with the caller's fsuid, so it cannot reveal directories the caller cannot
 * search. On success *out owns dirfd. */
int sandbox_open(const struct privilege *priv, const struct policy_helper_conf *conf, const char *path,
                 struct sandbox *out, md_error *err);

/* Opens (creating, 0640, owned by the caller) one of the sandbox's output files for appending:
 * through the dirfd, never through a symlink, refusing anything but a regular file. Read-write
 * when the caller may read it (a resumed monitor walks what the file holds, monitor_align.h),
 * write-only otherwise. */
int sandbox_open_output(const struct privilege *priv, const struct sandbox *sb, const char *name,
                        md_error *err);

/* Resolves a container.volumes host_path that is relative: it names a directory inside the
 * sandbox that must exist and be reached without symlinks, opened with the caller's rights.
 * Writes "SANDBOX/rel" into out (for messages and `policy explain`) and the O_PATH descriptor
 * of what was checked into *fd_out: that descriptor, not the path, is what gets mounted. */
int sandbox_resolve_relative(const struct privilege *priv, const struct sandbox *sb, const char *rel,
                             char out[static PATH_MAX], int *fd_out, md_error *err);

/* Normalizes an absolute path in place of out: folds "//", drops "." and trailing "/", refuses "..".
 * Returns 0 or -EINVAL. Pure. */
int sandbox_normalize_path(const char *in, char out[static PATH_MAX]);
