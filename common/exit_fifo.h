/* A container's exit FIFO: how a `wait` sleeps until its own container's exit is recorded,
 * woken by nothing else. STATE_DIR/waits/NAME is a FIFO (root-only, like the records) that the
 * container's monitor holds open for writing while it has the container, and closes once the
 * exit is in the record (or the container is given up). A waiter opens it for reading and
 * polls it: the kernel reports POLLHUP to a reader once the last writer that came while it
 * had it open is gone, which is the monitor's release, or its death (its fds close with it).
 * No data ever goes through it. Unlike an inotify instance per waiter (at most 128 for uid 0
 * by default: the rest polled), a FIFO costs each waiter one fd and the monitor one fd per
 * container, and no waiter is woken by another container's record. */
#pragma once

#include "error.h"

#define MD_EXIT_FIFO_DIR "waits"

/* The monitor's side: creates the FIFO of container (0600) when it is missing and opens it
 * read-write, non-blocking (a FIFO opened so never waits for a partner); one left by a
 * monitor that died is reused. Returns the fd or -errno (-ENOTSUP: the name is no FIFO). */
int md_exit_fifo_hold(int fifo_dirfd, const char *container);

/* Releases it: the name goes first (a later waiter finds none and reads the record), then
 * the fd, which wakes every waiter that has it open. fd < 0: nothing to do. */
void md_exit_fifo_release(int fifo_dirfd, const char *container, int fd);

/* The FIFO of container, if one is left beside the record dir (a monitor that died while it
 * held it; the reaper does not take it over), goes: called as its record is pruned, so that
 * FIFOs last no longer than records do. Anything there that is no FIFO is left alone. */
void md_exit_fifo_forget(int record_dirfd, const char *container);

/* The waiter's side: the FIFO opened for reading, non-blocking, or -errno (-ENOENT: no
 * monitor holds the container, or one from before FIFOs: the waiter polls instead). */
int md_exit_fifo_open(int fifo_dirfd, const char *container);
