/* The pid of a container's init, learnt by watching it come to life (issue 12 item 9).
 *
 * Why: the monitor asks the daemon for State.Pid right after the start, and dockerd zeroes it
 * when the container has exited (SetStopped): a task that exits at once would be launched with
 * "pid": 0, and no Engine API call returns the old one. Its init lives, however, from runc's
 * create (blocked on the exec fifo until the start) to its exit, and the kernel's process-event
 * connector (netlink CN_IDX_PROC) announces every fork: a watcher forked by the launch hears
 * them while the monitor creates and starts the container, and looks at each new process
 * while it still lives (runc's init waits for the start, so it is there to be seen).
 *
 * The one process it takes is the container's init and no other: a process in a cgroup named
 * after the docker id (".../ID" or ".../docker-ID.scope", a directory root owns, so not one in
 * a subtree delegated to the caller), and pid 1 of a pid namespace one level below the
 * helper's (NSpid "PID 1"). Only the container's init is both: runc's earlier stages are not
 * pid 1, an `exec` joins the namespace as pid > 1, a namespace made inside the container is
 * deeper. What it reads is read through /proc/PID opened once, so a pid reused meanwhile is
 * read as the new process and has to pass the same test.
 *
 * What it cannot see, and then says 0 (never a guess): a kernel before 6.6 (the connector
 * needs CAP_NET_ADMIN there, which the helper does not keep), a helper outside the initial
 * PID and user namespaces (the connector ignores them), --pid=host (the init is no pid 1), a
 * daemon in a nested PID namespace (NSpid has three entries), and a machine so loaded that the
 * init has exited before the watcher looked. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct launch_pid_watch {
        pid_t child; /* the watcher; 0 when none runs (the watch is inert) */
        int result_fd; /* where it writes the pid it found */
};

/* Starts watching for the init of the container docker_id (64 hex), before the start is asked
 * for. Never fails the launch: when the kernel will not tell, the watch is inert. */
void launch_pid_watch_start(struct launch_pid_watch *w, const char *docker_id);

/* The start is over: ends the watcher and returns the pid it found, or 0. Accepts an inert watch,
 * and a second call. */
pid_t launch_pid_watch_end(struct launch_pid_watch *w);

/* The test, on the texts of /proc/PID/status and /proc/PID/cgroup (pure, unit-tested):
 * is pid 1 of a pid namespace one level down, as NSpid "pid 1" says? */
bool launch_pid_status_is_ns_init(const char *status, pid_t pid);

/* The cgroup path of a line naming the container docker_id as its last component ("ID" or
 * "docker-ID.scope"), copied to path; false when no line does (or it does not fit). */
bool launch_pid_cgroup_of(const char *cgroup, const char *docker_id, char *path, size_t size);
