/* The session loop: libfuse's multi-threaded loop, with one change in which thread reads. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <fuse_lowlevel.h>

/* The opcodes of the FUSE protocol that the choice of reader looks at (linux/fuse.h, a header
 * whose macros clash with libfuse's). */
enum sbfs_opcode {
        SBFS_OP_LOOKUP = 1,
        SBFS_OP_READLINK = 5,
        SBFS_OP_READ = 15,
        SBFS_OP_READDIR = 28,
        SBFS_OP_READDIRPLUS = 44,
};

/* Whether answering a request may wait for the disk; the thread that read it then lets another
 * thread read on first. */
typedef bool sbfs_may_wait_fn(uint32_t opcode, uint64_t nodeid);

/* Serves se until it ends (unmounted, or a signal that libfuse's handlers catch), with at most
 * max_threads threads of which at most max_idle wait for work, asking may_wait of each request. Call it with
 * SIGTERM, SIGINT and SIGHUP blocked in every thread (sbfs_loop_signals): it takes them in the calling thread
 * alone, which then stops the others. 0 when the session ended, -1 on an error. */
int sbfs_loop_run(struct fuse_session *se, unsigned max_threads, unsigned max_idle,
                  sbfs_may_wait_fn *may_wait);

/* Blocks (SIG_BLOCK) or unblocks (SIG_UNBLOCK) the signals the loop takes, in the calling thread
 * and in the threads it starts from then on. */
void sbfs_loop_signals(int how);
