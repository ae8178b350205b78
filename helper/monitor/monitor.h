/* The monitor (design.md "Shape"): ONE detached, fully-root process per state dir (and so per
 * docker socket), shared by every container launched with that state dir, with no caller in
 * its credentials. For each container it
 *   1. attaches to the container's output (POST /attach?stream=1&stdout=1&stderr=1) and
 *      registers POST /wait?condition=next-exit, BEFORE the container starts, so no byte and
 *      no exit is missed;
 *   2. starts the container and tells the launching helper (over its connection) that it
 *      runs, or why not;
 *   3. appends stdout and stderr frames to the two fds it was handed (the sandbox's
 *      stdout/stderr files, opened by the helper with the caller's rights, O_APPEND),
 *      updating the record's byte counters as it goes;
 *   4. when the container exits and the stream has drained: inspects it, writes the exit into
 *      the record (state EXITED, status, exit_code, signal, oom_killed, finished_at), and only
 *      then removes the container.
 * Every container's transfers run in the monitor's one curl multi loop, so a running
 * container costs its transfers and buffers, not a process (bench/logs measures it).
 *
 * Shape (monitor.c launches, monitor_server.c serves, monitor_run.c runs one container):
 *   - STATE_DIR/monitor.sock (SOCK_SEQPACKET, 0600 in the root-only state dir; the monitor
 *     also refuses a peer whose SO_PEERCRED uid is not 0): monitor_launch connects, sends the
 *     container, its docker id and the docker socket (which must be the monitor's) with the
 *     two output fds (SCM_RIGHTS), and reads one reply.
 *   - Nobody answering there: monitor_launch starts a monitor (fork, setsid, fork: it is
 *     reparented to init and outlives helper and agent). The monitor holds STATE_DIR/
 *     monitor.lock while it listens, and only it: of two monitors started at once one
 *     listens, the other says so and the launch connects again. No launch takes a lock, so
 *     no caller's stopped or starved helper stands between another caller and the monitor.
 *   - A monitor with no container for 30 s removes its socket's name, lets the lock go,
 *     still serves what connected meanwhile, and exits (monitor_server.c).
 * It never execs, is not dumpable, and has no fd but its socket, its record dir, the dir
 * of the exit FIFOs and its containers' output files, connections and exit FIFOs (held
 * from the request until the exit is recorded, so that each `wait` wakes for its own
 * container only: exit_fifo.h).
 *
 * What the caller of monitor_launch must know (monitor_run.c has the details):
 *   - The record (state CREATED) must exist before the launch; the monitor only updates it.
 *   - Every edit of a record while the monitor runs must go through md_record_update (the
 *     record's own lock): the monitor rewrites the whole record (RUNNING, the byte counters
 *     about once a second, EXITED) that way, and an unlocked write would lose its changes or
 *     have them lost (destroy's kill_requested). The monitor only tries that lock
 *     (md_record_try_update) and tries again from its loop: a helper that holds it, stopped
 *     by its caller, delays that one record, never the loop.
 *   - The record's monitor_pid is the shared monitor's pid: a monitor that died (kill(pid, 0)
 *     fails) no longer writes any of its containers' exits, and the reaper takes over; the
 *     next launch starts a new monitor.
 *   - The container must be created with Tty false (the stream must be frames).
 *   - The monitor is started by whichever launch finds none, and sets its own process state
 *     (monitor_state.c: cgroups, CPUs, scheduling, nice, I/O class, OOM score) with the
 *     CAP_SYS_NICE and CAP_SYS_RESOURCE the helper kept for it; it keeps the caller's gids
 *     (without CAP_SETGID), and a nice value or OOM score it cannot undo without those
 *     capabilities (then logged to syslog). A hard RLIMIT_CPU, FSIZE, DATA,
 *     AS or RTTIME, or a hard RLIMIT_NOFILE below 1024, would bind every caller's
 *     containers: a start under one is refused (MD_EXIT_FAILED, the container removed).
 *   - The caller may have dropped every capability: the uid change of a new monitor needs
 *     none (the saved uid is 0); the gids become 0 only with CAP_SETGID and otherwise stay
 *     the starting caller's, which no kill/ptrace/prlimit check depends on. The monitor drops
 *     any capability left.
 *   - Exit as recorded: status KILLED when kill_requested, else FINISHED for exit code 0,
 *     else FAILED. signal = code - 128 for codes 129..192 (docker's 128+N; a voluntary
 *     `exit 137` reads as signal 9 too). exit_code -1 when the exit could not be learnt
 *     (the container was removed by someone else, or the daemon stayed away > 10 min).
 *   - No byte lost, none written twice (issue 6): the record's stdout_base/stderr_base are
 *     the files' sizes at the start, so what a file holds of the container is its size
 *     minus that. When the attach stream breaks before its end (a daemon restart), and
 *     when monitor_adopt hands over a container whose monitor died, the monitor reads the
 *     json-file log from the container's start (GET /logs?follow=1), passes over what each
 *     file holds, and appends the rest; it reconnects with back-off (at most 10 min) while
 *     the daemon is away. What a container writes into its pipes and exits before the
 *     daemon is back never reaches docker's log: nobody can copy it.
 *   - monitor_launch fails with MD_EXIT_UNAVAILABLE after 60 s without word from the
 *     monitor, and the launcher removes the container; a monitor that started it meanwhile
 *     finds the helper gone and kills it, so no container runs that nobody was told of.
 *   - A launch's start and inspect are transfers of the loop, each bounded by the request
 *     limit (30 s): launches at once start together. The other short calls (the inspect
 *     after the exit, remove) are synchronous in its loop, bounded the same: a daemon slow
 *     to answer one delays the other containers' copying (the daemon holds their output
 *     meanwhile; nothing is lost). */
#pragma once

#include <stdint.h>
#include <sys/types.h>

#include "error.h"

struct monitor_config {
        const char *docker_socket;
        const char *container; /* "mesos-ID" */
        const char *docker_id; /* 64 hex */
        const char *state_dir; /* where the record lives (md_record_dir_open) */
        /* O_APPEND, read-write when the caller may read the file (a resume then finds where the
         * file ends in the log by content, monitor_align.h), owned by the caller; the monitor
         * takes them */
        int stdout_fd;
        int stderr_fd;
        /* the policy's keep-exited, seconds (policy_helper_conf): the monitor this starts prunes
         * the state dir's expired records with it (md_record_prune); < 0 keeps them */
        int64_t keep_exited;
};

struct monitor_started {
        pid_t monitor_pid;
        pid_t container_pid; /* State.Pid after start */
        char started_at[40]; /* State.StartedAt */
};

/* Hands the container to the state dir's monitor (starting it when it is not running),
 * waits until the container runs, and returns. On failure err says why (start refused:
 * MD_EXIT_FAILED with docker's message), and the container is still there, maybe even running:
 * the launcher alone removes a container whose start failed, in every case (the daemon
 * refused the start, the monitor refused the request or could not start, died before its
 * answer, or did not answer in time), and the monitor never does. A launcher killed midway
 * leaves its record, which names the container, to the reaper (wait, recover). The fds in cfg
 * are closed in the parent either way. */
int monitor_launch(const struct monitor_config *cfg, struct monitor_started *out, md_error *err);

/* Hands a container whose monitor is gone (the record says RUNNING, its monitor_pid is dead)
 * to the state dir's monitor, starting it when needed. cfg is as for monitor_launch: the
 * output fds are the sandbox's files opened again (O_APPEND, the caller's rights), and are
 * closed here either way. The monitor sets monitor_pid, then copies what the files lack from
 * the daemon's json-file log (their size minus the record's stdout_base/stderr_base is what
 * they hold; where that ends in the log is found by content) and goes on as for a launch:
 * exit, record, removal. A container that has exited meanwhile is adopted too: its output is
 * completed and its exit recorded. Fails (the container is left alone) when the record is
 * missing, is not RUNNING or names another docker id (MD_EXIT_NO_CONTAINER / MD_EXIT_FAILED),
 * or when this monitor already has the container. */
int monitor_adopt(const struct monitor_config *cfg, md_error *err);

/* Socket activation (monitor_activated.c, mesos-docker-monitor.socket): checks that fd is a
 * listening SOCK_SEQPACKET socket bound to STATE_DIR/monitor.sock, where the helper connects,
 * and makes it non-blocking. MD_EXIT_POLICY names the address the unit must listen on. */
int monitor_take_activated_socket(const char *state_dir, int fd, md_error *err);

/* Becomes the state dir's monitor on a socket that systemd listens on (checked with
 * monitor_take_activated_socket). The process must be root's (uid 0, any capabilities
 * already dropped); it serves until it has been idle for a while, then exits 0 and leaves the
 * socket to systemd. Failures go to syslog and exit 1. Never returns. */
__attribute__((noreturn)) void monitor_main_activated(const char *docker_socket, const char *state_dir,
                                                      int64_t keep_exited, int listen_fd);
