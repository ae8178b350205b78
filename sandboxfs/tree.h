/* The containers and the inodes of mesos-sandboxfs (passthrough_ll's lo_inode table).
 *
 * A container lives while its record and its sandbox exist. A node is what the kernel holds a
 * lookup count on: a synthetic entry of a container (its directory, stdout, follow/…) or a
 * sandbox entry held as an O_PATH fd. The FUSE inode number is the node's address; a node and
 * the container it points to stay allocated until the kernel forgets the node, so a container
 * removed while read only turns its entries into ENOENT/EOF.
 *
 * One mutex (sbfs_lock) guards the tables and every container's record; everything else in a
 * container is fixed when it is made. */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "record.h"

enum sbfs_kind {
        SBFS_ROOT,
        SBFS_CT_DIR, /* MOUNTPOINT/mesos-ID */
        SBFS_LOG, /* mesos-ID/stdout, stderr */
        SBFS_FOLLOW_DIR, /* mesos-ID/follow */
        SBFS_FOLLOW_LOG, /* mesos-ID/follow/stdout, stderr */
        SBFS_INFO, /* mesos-ID/info.json */
        SBFS_SANDBOX, /* mesos-ID/sandbox and everything below it */
        _SBFS_KIND_MAX,
};

enum sbfs_stream { SBFS_STDOUT, SBFS_STDERR, _SBFS_STREAM_MAX };

struct sbfs_container {
        struct sbfs_container *next, *prev; /* the live list, in serial order */
        struct sbfs_container *by_name_next, *by_serial_next; /* hash chains of the live ones */
        char *name; /* "mesos-ID" */
        uint64_t serial; /* readdir offset; never reused */
        unsigned refs; /* the live list holds one, each node one */
        bool live;
        struct md_record rec; /* latest record (sbfs_lock) */
        int sandbox_fd; /* readable dirfd of the sandbox, opened without symlinks */
        int watch; /* inotify wd on the sandbox, -1 when none */
        uid_t owner_uid;
        gid_t owner_gid;
        char *owner_name; /* NULL when the uid has no name */
        gid_t *owner_groups;
        size_t n_owner_groups;
        /* the last answer for a reader that is neither root nor the owner (sbfs_lock): `ls -l`
         * asks once per container, and the policy's answer takes a section match */
        struct {
                pid_t pid;
                uid_t uid;
                gid_t gid;
                int64_t at_ms;
                bool visible;
        } reader_memo;
};

struct sbfs_node {
        struct sbfs_node *hnext;
        enum sbfs_kind kind;
        enum sbfs_stream stream;
        struct sbfs_container *ct; /* NULL for the root */
        int fd; /* O_PATH fd for SBFS_SANDBOX, else -1 */
        dev_t dev;
        ino_t ino;
        uint64_t nlookup;
        /* page cache or listing: size, mtime and ctime at the last open, to keep the cache when
         * unchanged (sbfs_node_unchanged) */
        bool seen;
        off_t seen_size;
        struct timespec seen_mtime, seen_ctime;
};

extern pthread_mutex_t sbfs_lock;
extern struct sbfs_node sbfs_root;

/* ----- containers (callers hold sbfs_lock) ----- */
/* The live container called name, or NULL; O(1): every path walk through the root asks. */
struct sbfs_container *sbfs_ct_find(const char *name);
/* The first live container with serial > after, or NULL; O(1) when after is a live container's
 * serial (a readdir resumes after the last one it returned), a scan otherwise. */
struct sbfs_container *sbfs_ct_next(uint64_t after);
/* Makes a live container; takes ownership of name, rec's strings (rec is cleared), the fd and the
 * owner info. Returns NULL on ENOMEM, leaving everything to the caller. */
struct sbfs_container *sbfs_ct_add(char *name, struct md_record *rec, int sandbox_fd, uid_t owner_uid,
                                   gid_t owner_gid, char *owner_name, gid_t *owner_groups,
                                   size_t n_owner_groups);
/* Takes the container off the live list and drops the list's reference. */
void sbfs_ct_remove(struct sbfs_container *ct);
void sbfs_ct_ref(struct sbfs_container *ct);
void sbfs_ct_unref(struct sbfs_container *ct);
size_t sbfs_ct_count(void);

/* ----- nodes (callers hold sbfs_lock) ----- */
/* Finds or makes the node for (ct, kind, stream, dev, ino), adds one lookup. For SBFS_SANDBOX,
 * fd is the new O_PATH fd: kept when a node is made, closed when one existed. NULL on ENOMEM
 * (fd closed). */
struct sbfs_node *sbfs_node_get(struct sbfs_container *ct, enum sbfs_kind kind, enum sbfs_stream stream,
                                int fd, dev_t dev, ino_t ino);
/* Drops n lookups; frees the node (closing its fd, unref'ing its container) at zero. */
void sbfs_node_forget(struct sbfs_node *n, uint64_t count);
size_t sbfs_node_count(void);

/* Frees everything (at exit, and for valgrind-clean tests). */
void sbfs_tree_clear(void);
