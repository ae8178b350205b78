/* The FUSE low-level operations of mesos-sandboxfs (libfuse's example/passthrough_ll.c shape:
 * one handler per operation, each ending in exactly one reply). */
#pragma once

#include <fuse_lowlevel.h>

extern const struct fuse_lowlevel_ops sbfs_ops;
