/* The FUSE low-level operations of mesos-sandboxfs (libfuse's example/passthrough_ll.c shape:
 * one handler per operation, each ending in exactly one reply). */
#pragma once

#include <fuse_lowlevel.h>

#include "loop.h"

extern const struct fuse_lowlevel_ops sbfs_ops;

/* The loop's question (loop.h): file data, folder listings, and names and symlinks in a sandbox
 * may wait for the disk; the rest is answered from memory and from descriptors held open. */
sbfs_may_wait_fn sbfs_may_wait;
