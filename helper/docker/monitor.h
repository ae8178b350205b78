/* The per-container monitor (design.md "Shape"): a detached, fully-root process with no
 * caller in its credentials, that
 *   1. attaches to the container's output (POST /attach?stream=1&stdout=1&stderr=1) and
 *      registers POST /wait?condition=next-exit, BEFORE the container starts, so no byte and
 *      no exit is missed;
 *   2. starts the container and tells the launching helper (over a pipe) that it runs, or why not;
 *   3. appends stdout and stderr frames to the two fds it was handed (the sandbox's
 *      stdout/stderr files, opened by the helper with the caller's rights, O_APPEND),
 *      updating the record's byte counters as it goes;
 *   4. when the container exits and the stream has drained: inspects it, writes the exit into
 *      the record (state EXITED, status, exit_code, signal, oom_killed, finished_at), and only
 *      then removes the container.
 * It never execs, is not dumpable, and has no fd but its own. */
#pragma once

#include <sys/types.h>

#include "error.h"

struct monitor_config {
        const char *docker_socket;
        const char *container;    /* "mesos-ID" */
        const char *docker_id;    /* 64 hex */
        const char *state_dir;    /* where the record lives (md_record_dir_open) */
        int stdout_fd;            /* O_WRONLY|O_APPEND, owned by the caller; the monitor takes them */
        int stderr_fd;
};

struct monitor_started {
        pid_t monitor_pid;
        pid_t container_pid;      /* State.Pid after start */
        char started_at[40];      /* State.StartedAt */
};

/* Forks the monitor (double fork + setsid so it survives the helper and the agent), waits
 * until the container runs, and returns. On failure the container is removed and err says
 * why (start refused: MD_EXIT_FAILED with docker's message). The fds in cfg are closed in
 * the parent either way. */
int monitor_launch(const struct monitor_config *cfg, struct monitor_started *out, md_error *err);
