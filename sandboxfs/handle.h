/* Open files and directories of mesos-sandboxfs (fi->fh).
 *
 * The kernel may send RELEASE while a READ of the same file is still being answered: a reader
 * killed in read() does not wait for its request. So a released handle is not freed at once:
 * it waits in a graveyard until no operation uses it (busy) and a grace period has passed, which
 * also covers the microseconds between a request's dispatch and its handler taking the handle. */
#pragma once

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "tree.h"

struct sbfs_follow;

struct sbfs_handle {
        struct sbfs_handle *next; /* in the graveyard */
        struct sbfs_handle *all_next, *all_prev; /* every handle, for the exit */
        enum sbfs_kind kind;
        int fd; /* SBFS_LOG, sandbox files: the open file, else -1 */
        char *text; /* SBFS_INFO: the text fixed at open */
        size_t len;
        struct sbfs_follow *follow; /* SBFS_FOLLOW_LOG */
        DIR *dp; /* sandbox directories */
        off_t offset;
        struct dirent *entry; /* read from dp but not yet returned */
        int busy; /* operations running on it (atomic) */
        int64_t released_at; /* monotonic ms */
};

struct sbfs_handle *sbfs_handle_new(enum sbfs_kind kind);
/* Frees at once: only for a handle the kernel never saw (failed or interrupted open). */
void sbfs_handle_destroy(struct sbfs_handle *h);
struct sbfs_handle *sbfs_handle_get(uint64_t fh);
void sbfs_handle_put(struct sbfs_handle *h);
/* RELEASE/RELEASEDIR: into the graveyard. */
void sbfs_handle_release(struct sbfs_handle *h);
/* Frees what has waited long enough and is idle (all: every handle, released or not, at exit
 * when no request runs any more). */
void sbfs_handle_reap(bool all);
