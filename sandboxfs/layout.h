/* The fixed names of a container's folder (mesos-ID/) and of its follow/ folder: what readdir
 * lists and lookup finds, one table for both. Pure; unit-tested in tests/unit/test_sbfs.c. */
#pragma once

#include <sys/stat.h>

#include "access.h"
#include "tree.h"

#define SBFS_LAYOUT_SANDBOX_INO 0 /* ino of "sandbox": the sandbox directory's own */
#define SBFS_LAYOUT_ROOT_INO 1 /* ino of ".." in mesos-ID/: the mount's root */

struct sbfs_layout_entry {
        const char *name;
        mode_t type; /* S_IFDIR or S_IFREG */
        unsigned ino; /* an enum sbfs_ino_kind, or one of the two above */
        enum sbfs_kind kind; /* the node the name leads to; _SBFS_KIND_MAX for "." and ".." */
        enum sbfs_stream stream;
};

/* The entries of a SBFS_CT_DIR or SBFS_FOLLOW_DIR folder, "." and ".." first, ending with a NULL
 * name; NULL for any other kind. */
const struct sbfs_layout_entry *sbfs_layout(enum sbfs_kind dir);
/* The entry called name in such a folder that leads to a node (not "." or ".."), or NULL. */
const struct sbfs_layout_entry *sbfs_layout_find(enum sbfs_kind dir, const char *name);
