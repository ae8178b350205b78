/* Who is asking: the FUSE request's caller, and whether it may see a container.
 *
 * Root is uid 0 in our own user namespace: the kernel already maps the caller's uid into the
 * mount's namespace, and a uid 0 arriving from a process whose /proc/PID/uid_map differs from
 * ours, or whose pid is not visible (0), is treated as nobody: it sees nothing. */
#pragma once

#include <fuse_lowlevel.h>
#include <stdbool.h>

#include "tree.h"

struct policy;

#define SBFS_READER_MAX_GROUPS 256

struct sbfs_reader {
        fuse_req_t req;
        uid_t uid;
        gid_t gid;
        pid_t pid;
        bool root;
        bool foreign_root; /* uid 0 from another user namespace */
        bool have_details; /* groups and name fetched (lazily: only for non-owners) */
        gid_t groups[SBFS_READER_MAX_GROUPS];
        size_t n_groups;
        char name[256];
        bool has_name;
};

/* Reads our own uid_map once, before the capabilities are dropped. */
int sbfs_reader_setup(struct policy *p);
void sbfs_reader_init(struct sbfs_reader *r, fuse_req_t req);
/* Root, the owner, or a reader of the owner's policy section. */
bool sbfs_reader_may_see(struct sbfs_reader *r, struct sbfs_container *ct);
