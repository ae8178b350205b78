/* Who may see a container: the decision, pure, on what the caller is (reader.c gathers it). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "tree.h"

struct policy;

struct sbfs_identity {
        uid_t uid;
        gid_t gid;
        bool root; /* uid 0 in our user namespace */
        bool foreign_root; /* uid 0 from another user namespace: nobody */
        bool have_details; /* groups and name below are filled in */
        const gid_t *groups;
        size_t n_groups;
        const char *name; /* NULL when the uid has no name */
};

enum sbfs_visibility {
        SBFS_HIDDEN,
        SBFS_VISIBLE,
        SBFS_NEED_DETAILS, /* only the policy can tell: fetch groups and name, ask again */
};

/* Root and the owner see the container; a foreign root sees nothing; anyone else when the owner's
 * policy section names it in readers. */
enum sbfs_visibility sbfs_visibility(const struct policy *p, const struct sbfs_container *ct,
                                     const struct sbfs_identity *who);
