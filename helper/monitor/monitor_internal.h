/* Shared by monitor.c (the launching side), monitor_server.c (the shared monitor process, its
 * socket and its loop), monitor_run.c (one container's life in that loop),
 * monitor_stream.c (its attach and wait transfers) and monitor_log.c (its log). The monitor
 * reaches the daemon through docker.h only. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "demux.h"
#include "docker.h"
#include "monitor.h"
#include "monitor_align.h"

/* In the state dir (root-only, 0700). */
#define MONITOR_SOCKET_NAME "monitor.sock"
#define MONITOR_LOCK_NAME "monitor.lock"
/* Longer than the monitor's own bound on a container's setup (monitor_run.c), so that
 * normally the monitor's message, not this timeout, says what went wrong. */
#define MONITOR_REPORT_TIMEOUT_MS 60000
/* A monitor with no container for this long exits (after checking, under the lock, that no
 * launch is knocking). */
#define MONITOR_IDLE_EXIT_MS 30000

/* STATE_DIR/NAME into buf; -ENAMETOOLONG when it does not fit (a socket's path is short). */
int monitor_socket_path(const char *state_dir, const char *name, char *buf, size_t size);

/* One SOCK_SEQPACKET message from monitor_launch, with the two output fds (SCM_RIGHTS). */
#define MONITOR_REQUEST_VERSION 2
struct monitor_request {
        uint32_t version;
        char docker_socket[256];
        char container[128];
        char docker_id[72];
        uint32_t adopt; /* monitor_adopt: the container runs already, its monitor is gone */
        int64_t keep_exited; /* the launching helper's policy: the monitor prunes with the newest */
};

/* The monitor's answer, one message: that the container runs, or why not. The same struct
 * says, on the start pipe, that a new monitor listens (exit_code 0) or why it cannot. */
struct monitor_report {
        int32_t exit_code; /* 0: the container runs */
        int32_t container_pid;
        int32_t monitor_pid;
        /* 0: was "the monitor removed the container"; a failed start is the launcher's to remove
         * now (monitor.h), and the field stays so that the message keeps its layout */
        int32_t reserved;
        char started_at[40];
        char message[1024];
};

/* monitor_server.c: the monitor process; never returns. ready_fd gets one report once the
 * socket listens (or why it does not), then is closed. */
__attribute__((noreturn)) void monitor_main(const char *docker_socket, const char *state_dir,
                                            int64_t keep_exited, int ready_fd);

/* monitor_process.c: uids 0 and not dumpable; only the listed fds (moved above 2) and
 * /dev/null as stdio; the caller's limits, signal mask and cwd undone; the capabilities the
 * helper kept for the monitor raised for monitor_clean_process_state, then all dropped. */
int monitor_become_root_alone(md_error *err);
void monitor_raise_kept_capabilities(void);
int monitor_drop_capabilities(md_error *err);
int monitor_keep_only_fds(int *fds[], int n, md_error *err);
void monitor_quiet_process(void);
/* Refuses limits that the monitor could not undo and that would hurt other callers. */
int monitor_check_limits(md_error *err);

/* monitor_state.c: the monitor's process state set on purpose, not inherited from the caller
 * whose launch started it: out of that caller's cgroups (into "mesos-docker-monitor" under
 * each hierarchy's root), every CPU, SCHED_OTHER at nice 0, I/O class none, oom_score_adj
 * -500 (0 without CAP_SYS_RESOURCE). Each failure goes to syslog and the monitor carries on.
 * A monitor started by a service manager, which gave it a cgroup of its own already, passes
 * MONITOR_STATE_KEEP_CGROUP. Call with the capabilities raised (monitor_raise_kept_capabilities). */
#define MONITOR_STATE_KEEP_CGROUP (1u << 0)
void monitor_clean_process_state(unsigned flags);

/* monitor_log.c: the monitor's log, syslog with the facility LOG_DAEMON and the tag
 * "mesos-docker-monitor" (with its pid): every error the monitor cannot hand to a launch. An
 * error that can come again and again (each second, each retry) goes through a limit of its
 * container's: one line a second at most, the next one saying how many were left out. */
#define MONITOR_LOG_IDENT "mesos-docker-monitor"
#define MONITOR_LOG_INTERVAL_MS 1000
struct monitor_log_limit {
        int64_t last_ms; /* when the last line went out; 0: never */
        unsigned suppressed; /* lines left out since */
};
void monitor_log_open(void);
/* One line as it is, at priority, never waiting (a full /dev/log loses it). */
void monitor_log_line(int priority, const char *line);
/* Logs "CONTAINER: MESSAGE" at priority (LOG_ERR, LOG_WARNING), unless l (NULL: no limit) says
 * one went out less than MONITOR_LOG_INTERVAL_MS ago. */
void monitor_log(struct monitor_log_limit *l, int priority, const char *container, const md_error *err);
/* The two pure parts, for the unit tests: the line, and the limit's decision at now (true:
 * log, with *suppressed lines left out before it). */
int monitor_log_format(char *buf, size_t size, const char *container, const char *message,
                       unsigned suppressed);
bool monitor_log_allow(struct monitor_log_limit *l, int64_t now, unsigned *suppressed);

/* On the start pipe: the new monitor found monitor.lock taken (another monitor is starting, or
 * leaving); the launch tries to connect again. Not an exit code (those are positive). */
#define MONITOR_START_BUSY (-1)

/* One HTTP transfer of the monitor's multi handle. */
struct monitor_xfer {
        CURL *h;
        long status; /* from the status line */
        bool headers_done; /* the final response's headers have all arrived */
        bool done;
        CURLcode rc;
        char errbuf[CURL_ERROR_SIZE];
        struct docker_buf body; /* wait: the answer; attach: an error answer only */
};

/* Sets up x (zeroed, but for body.max) and adds it to multi: the request as docker.h sets up
 * every request, timeout_ms as for docker_request (-1: none), curl's read size buffer. */
int monitor_xfer_open(CURLM *multi, struct monitor_xfer *x, const struct docker *d, const char *method,
                      const char *path, long timeout_ms, long buffer, curl_write_callback write_cb,
                      void *write_data, md_error *err);
/* Removes x from multi and frees it, keeping body.max; x may be closed already. */
void monitor_xfer_close(CURLM *multi, struct monitor_xfer *x);

/* monitor_call.c: one short call (start, inspect) as a transfer of the multi handle, so that
 * a daemon slow to start one container holds up no other container's setup or output. */
int monitor_call_begin(struct monitor_xfer *x, CURLM *multi, const struct docker *d, const char *method,
                       const char *path, md_error *err);
/* Once x->done: 0 when the daemon answered 2xx or one of ok_extra (0-terminated, may be NULL),
 * with the JSON answer in *out when out is not NULL (NULL when empty or not JSON); -1 with
 * err as docker_call says it (what names the call, a 404 is MD_EXIT_NO_CONTAINER). */
int monitor_call_result(const struct monitor_xfer *x, const long *ok_extra, json_t **out, const char *what,
                        md_error *err);

/* A container's attach stream and wait, on the monitor's one multi handle. */
struct monitor_stream {
        struct monitor_xfer attach, wait;
        struct demux demux;
        int out_fd, err_fd;
        uint64_t out_bytes, err_bytes; /* written to the files */
        uint64_t dropped_bytes; /* read but not written (a failing output file) */
        /* a resumed log: where each stream takes up again after what its file holds */
        struct monitor_align align_out, align_err;
        const char *name; /* the container, for the log */
        int out_errno, err_errno; /* the first write error on each file */
        bool proto_error; /* the stream was not frames */
        int64_t last_progress_ms; /* when attach bytes last arrived */
};

int monitor_stream_open(struct monitor_stream *s, CURLM *multi, const struct docker *d, const char *id,
                        int out_fd, int err_fd, md_error *err);
/* After the stream broke (a daemon restart, a monitor that died): the json-file log from the
 * container's start (GET /logs?follow=1) in place of the attach, passing over what
 * s->align_out and s->align_err (started by the caller) find the files hold, and a new
 * wait?condition=not-running. Without logs, only the wait. */
int monitor_stream_resume(struct monitor_stream *s, CURLM *multi, const struct docker *d, const char *id,
                          bool logs, md_error *err);
/* Marks the transfers that curl finished (any container's: CURLOPT_PRIVATE is the xfer). */
void monitor_stream_collect(CURLM *multi);
/* Stops the attach transfer early (the container is gone but the stream stays open). */
void monitor_stream_abort_attach(struct monitor_stream *s, CURLM *multi);
/* The wait's StatusCode, when it answered 200 with one. */
bool monitor_stream_exit_code(const struct monitor_stream *s, int *exit_code);
/* Removes the transfers from the multi and frees them; the fds stay open. */
void monitor_stream_close(struct monitor_stream *s, CURLM *multi);

/* monitor_run.c: the containers of one monitor. */
struct monitor_ctx {
        const char *docker_socket;
        struct docker *docker; /* NULL until a launch needs it (the daemon may be away at first) */
        CURLM *multi;
        int record_dirfd;
        int fifo_dirfd; /* STATE_DIR/waits (exit_fifo.h), -1 when it could not be had */
        size_t containers; /* how many the monitor has (spreads the record updates) */
};

struct monitor_container;

/* Takes out_fd, err_fd and reply_fd (closed when the container is done). On failure the
 * reply is sent (or reply_fd closed) and NULL returned. A request with adopt set takes over a
 * running container whose monitor is gone, resuming its output from the log. */
struct monitor_container *monitor_container_begin(struct monitor_ctx *ctx, const struct monitor_request *req,
                                                  int out_fd, int err_fd, int reply_fd);
/* Moves the container on; true when it is done (then free it with monitor_container_free). */
bool monitor_container_step(struct monitor_ctx *ctx, struct monitor_container *c, int64_t now);
/* When the container next needs a step without any transfer having moved (a deadline, a
 * retry, the byte counters), as a monotonic time in ms. */
int64_t monitor_container_next_ms(const struct monitor_ctx *ctx, const struct monitor_container *c);
void monitor_container_free(struct monitor_ctx *ctx, struct monitor_container *c);
const char *monitor_container_name(const struct monitor_container *c);
/* Sends one report on fd (MSG_NOSIGNAL); 0 or -errno. */
int monitor_send_report(int fd, const struct monitor_report *rep);

/* monitor.c: the launch's (adopt: the adoption's) request for cfg, with its two output fds,
 * on a connection to the monitor; the fds stay the caller's. */
int monitor_send_request(int fd, const struct monitor_config *cfg, bool adopt, md_error *err);
