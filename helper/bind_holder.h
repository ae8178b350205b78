/* What the helper checked is what gets mounted (issue 9): the sandbox and every volume source
 * are opened once, without following symlinks, when they are checked (sandbox.c,
 * launch_plan.c), and dockerd is handed those descriptors rather than their paths, as
 * "/proc/PID/fd/N" of a process that holds them until the container has started.
 *
 * Why a path string is not enough: dockerd and runc resolve a bind source again, as root, when
 * the container starts, long after the check (the fetch in between runs at the pace of the
 * caller's own URI server). A caller that can write a directory on the way (the sandbox
 * itself, or the directory it lies in, the usual Mesos layout) renames the checked directory
 * and puts a symlink in its place, and the container gets whatever that symlink names.
 *
 * Why a separate process holds them, and not the helper: the caller may kill the helper (its
 * real uid is the caller's) between the create and the start. "/proc/PID/fd/N" of a dead
 * process names nothing (the start fails), but with 32768 pids the caller can put a process
 * of its own at that pid holding, at N, a directory it cannot read but can name (O_PATH needs
 * no permission on the directory itself). The holder is forked right before the create, leaves
 * the caller's session, closes every other descriptor (also the caller's stdout, whose EOF the
 * agent waits for), takes uid 0 as real and saved uid and moves out of the caller's cgroups
 * (cgroups.h): the caller can no longer signal it, nor kill it through a delegated cgroup, and
 * being the helper's copy it is not dumpable either. It exits when the launch tells it that
 * the start is over; a holder whose helper died first stays BIND_HOLDER_LINGER_S, longer than
 * the monitor may take to act on a hand-over it already received, so its pid is not free while
 * a start could still resolve it.
 *
 * What it assumes: dockerd sees the helper's pids (the helper is refused in a nested PID
 * namespace) and shares its mount namespace (as every path handed to dockerd always did; in
 * another one the kernel refuses the bind, EINVAL, and the start fails). */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "policy.h"
#include "privilege.h"

#define BIND_HOLDER_MAX_FDS (1 + POLICY_MAX_VOLUMES) /* the sandbox and the volumes */
#define BIND_HOLDER_SOURCE_MAX 48 /* "/proc/PID/fd/N" */
#define BIND_HOLDER_LINGER_S 600

struct bind_holder {
        pid_t pid;
        int sock; /* our end of the socketpair: one byte or EOF tells the holder the start is over */
};

/* Forks the holder of fds[0..n) and waits until it is set up. MD_EXIT_FAILED when it could
 * not be, or when the helper runs in a nested PID namespace. */
int bind_holder_start(const struct privilege *priv, const int *fds, size_t n, struct bind_holder *out,
                      md_error *err);

/* "/proc/PID/fd/N": where dockerd finds fd (one of those handed to bind_holder_start). */
void bind_holder_source(const struct bind_holder *h, int fd, char out[static BIND_HOLDER_SOURCE_MAX]);

/* The start is over (done or failed): the holder exits and is reaped. Accepts pid 0. */
void bind_holder_release(struct bind_holder *h);
