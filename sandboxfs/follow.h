/* follow/stdout, follow/stderr: reads past the end are parked, not slept on. The request is
 * kept and answered when inotify or the periodic check finds new bytes, when the caller is
 * interrupted (EINTR), or with EOF once the container has exited and every byte was read. */
#pragma once

#include <fuse_lowlevel.h>

#include "tree.h"

struct sbfs_follow;

/* Takes ownership of fd (the log, opened beneath the sandbox) and a reference on ct. */
struct sbfs_follow *sbfs_follow_new(struct sbfs_container *ct, int fd);
void sbfs_follow_read(fuse_req_t req, struct sbfs_follow *f, size_t size, off_t off);
void sbfs_follow_poll(fuse_req_t req, struct sbfs_follow *f, struct fuse_pollhandle *ph);
void sbfs_follow_release(struct sbfs_follow *f);
/* Looks at every parked read and poll again (after inotify events and once a second). */
void sbfs_follow_wake(void);
/* Answers whatever is still parked (at exit). */
void sbfs_follow_shutdown(void);
size_t sbfs_follow_parked(void);
