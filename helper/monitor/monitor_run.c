/* One container's life in the shared monitor (monitor.h), from the launch's request to its
 * removal, as steps of the monitor's one loop (monitor_server.c). Nothing here blocks for
 * long: the attach, the wait, and the start and inspect of a launch are transfers of the
 * shared multi handle; the other short calls (the inspect after the exit, remove) are
 * synchronous on the monitor's daemon connection, bounded by its request limit, and a daemon
 * that is away is retried later, not waited for.
 *
 * Its phases, in order:
 *   SETUP     attach + wait registered before the start, so no byte and no exit is missed;
 *             once both have their headers: start, inspect (each a transfer, so that
 *             launches at once start together), record RUNNING, reply
 *   STREAM    frames into the output files until the exit is known and the stream has ended
 *   RESUME    the stream broke before the exit and its end (a daemon restart), or the
 *             container was adopted from a monitor that died: the json-file log from the
 *             container's start (GET /logs?follow=1) and wait?condition=not-running, passing
 *             over, per stream, what the output file already holds (its size minus its size
 *             at the start, the record's *_base), so no byte is lost or written twice;
 *             reconnecting with back-off for a bounded time while the daemon is away
 *   FINISH    inspect, fsync, record EXITED
 *   REMOVE    then the container is removed
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "exit_fifo.h"
#include "json_cleanup.h"
#include "monitor_internal.h"
#include "record.h"
#include "util.h"

/* The attach and wait headers must come within the connection's limits (connect + request,
 * and half a request more for the two of them), at most this long: the launching helper
 * gives up at MONITOR_REPORT_TIMEOUT_MS (60 s), and the monitor should say why first. */
#define SETUP_DEADLINE_MAX_MS 50000
/* How often the byte counters go into the record while output streams: each update is a
 * locked rewrite with an fsync, in the loop every container shares, so with many containers
 * they come less often (one more second per RECORD_SPREAD containers). The counters only
 * inform: what a file holds is its size minus its base. */
#define RECORD_INTERVAL_MS 1000
#define RECORD_SPREAD 20
/* After the exit is known, an attach stream that brings nothing for this long is given up. */
#define DRAIN_STALL_MS 30000
/* A daemon that stays unreachable this long after the stream broke: give up on the exit. */
#define RECONNECT_LIMIT_MS (10 * 60 * 1000)
#define BACKOFF_FIRST_MS 250
#define BACKOFF_MAX_MS 10000

enum phase { PH_SETUP, PH_STREAM, PH_RESUME, PH_FINISH, PH_REMOVE, PH_DONE };

struct exit_info {
        struct md_exit_info e;
        uint64_t out_bytes, err_bytes;
};

struct monitor_container {
        char container[128];
        char docker_id[72];
        int reply_fd; /* the launch waiting for its answer, -1 once answered */
        int exit_fifo; /* held until the exit is recorded (exit_fifo.h); -1 when released */
        enum phase phase;
        struct monitor_stream stream;
        int64_t setup_deadline;
        int64_t last_save;
        uint64_t recorded_out, recorded_err;
        int64_t exited_at; /* when the wait answered; 0 before */
        uint64_t base_out, base_err; /* the files' sizes at the start */
        bool resuming; /* RESUME: the log and the wait are registered */
        bool no_logs; /* the stream was not frames: resuming it would not be either */
        /* SETUP: the start, then the inspect, as transfers of the loop (monitor_call.c) */
        enum { CALL_NONE, CALL_START, CALL_INSPECT } call;
        struct monitor_xfer call_xfer;
        bool started; /* SETUP: the container runs; RUNNING is not in the record yet (locked) */
        pid_t pid; /* State.Pid after the start */
        char started_at[40];
        bool exit_known; /* FINISH: x is complete; only the record is left to write */
        long record_backoff; /* the record was locked: the next pause before trying again */
        /* a daemon that is away: when to try again, since when it fails, the next pause */
        int64_t retry_at;
        int64_t failing_since;
        long backoff;
        struct exit_info x;
        struct monitor_log_limit log; /* for the errors that come again and again */
};

int monitor_send_report(int fd, const struct monitor_report *rep)
{
        for (;;) {
                ssize_t n = send(fd, rep, sizeof *rep, MSG_NOSIGNAL);
                if (n == (ssize_t)sizeof *rep)
                        return 0;
                if (n >= 0)
                        return -EIO;
                if (errno != EINTR)
                        return -errno;
        }
}

/* Answers the launch; false when it is not there to hear it (it gave up). */
static bool reply(struct monitor_container *c, const md_error *err, pid_t container_pid,
                  const char *started_at)
{
        if (c->reply_fd < 0)
                return false;
        struct monitor_report rep;
        memset(&rep, 0, sizeof rep);
        rep.exit_code = err ? md_error_exit_code(err) : 0;
        rep.container_pid = container_pid;
        rep.monitor_pid = getpid();
        if (started_at)
                snprintf(rep.started_at, sizeof rep.started_at, "%s", started_at);
        if (err)
                snprintf(rep.message, sizeof rep.message, "%s", err->message);
        int r = monitor_send_report(c->reply_fd, &rep);
        close(c->reply_fd);
        c->reply_fd = -1;
        return r == 0;
}

/* Read-modify-write of the record under its lock, so that a concurrent `destroy` setting
 * kill_requested is not lost. The lock is only tried, never waited for: the owner's helpers
 * take it too, and its caller can stop one of them while it holds it, which must not stop
 * this loop and every other container's output with it. -EWOULDBLOCK (err untouched): the
 * record is locked now, try again later; -1: failed, err says why. */
static int record_update(struct monitor_ctx *ctx, struct monitor_container *c, md_record_edit edit, void *arg,
                         md_error *err)
{
        int r = md_record_try_update(ctx->record_dirfd, c->container, edit, arg, err);
        if (r == -EWOULDBLOCK)
                return r;
        if (r == -ENOENT)
                return md_fail(err, MD_EXIT_FAILED, "record of %s: missing", c->container);
        return r < 0 ? -1 : 0;
}

/* A record found locked is tried again this much later, then less and less often. */
#define RECORD_RETRY_FIRST_MS 20
#define RECORD_RETRY_MAX_MS 1000

static void record_retry_later(struct monitor_container *c, int64_t now)
{
        c->record_backoff = c->record_backoff ? c->record_backoff * 2 : RECORD_RETRY_FIRST_MS;
        if (c->record_backoff > RECORD_RETRY_MAX_MS)
                c->record_backoff = RECORD_RETRY_MAX_MS;
        c->retry_at = now + c->record_backoff;
}

struct running_edit {
        pid_t pid;
        const char *started_at;
        uint64_t base_out, base_err;
};

static void edit_running(struct md_record *r, void *arg)
{
        const struct running_edit *e = arg;
        r->state = MD_STATE_RUNNING;
        r->pid = e->pid;
        r->monitor_pid = getpid();
        free(r->started_at);
        r->started_at = strdup(e->started_at);
        r->stdout_base = e->base_out;
        r->stderr_base = e->base_err;
}

static void edit_bytes(struct md_record *r, void *arg)
{
        const struct monitor_stream *s = arg;
        r->stdout_bytes = s->out_bytes;
        r->stderr_bytes = s->err_bytes;
}

static void save_bytes(struct monitor_ctx *ctx, struct monitor_container *c)
{
        struct monitor_stream *s = &c->stream;
        if (s->out_bytes == c->recorded_out && s->err_bytes == c->recorded_err)
                return;
        md_error err = {0};
        int r = record_update(ctx, c, edit_bytes, s, &err);
        if (r == 0) {
                c->recorded_out = s->out_bytes;
                c->recorded_err = s->err_bytes;
        } else if (r != -EWOULDBLOCK) {
                monitor_log(&c->log, LOG_WARNING, c->container, &err);
        }
}

static void edit_exited(struct md_record *r, void *arg)
{
        const struct exit_info *x = arg;
        md_record_set_exited(r, &x->e);
        r->stdout_bytes = x->out_bytes;
        r->stderr_bytes = x->err_bytes;
}

static int64_t record_interval(const struct monitor_ctx *ctx)
{
        return RECORD_INTERVAL_MS * (1 + (int64_t)(ctx->containers / RECORD_SPREAD));
}

/* Opens the monitor's daemon connection when it has none (the daemon was away). */
static int need_docker(struct monitor_ctx *ctx, md_error *err)
{
        if (ctx->docker)
                return 0;
        return docker_open(ctx->docker_socket, &ctx->docker, err);
}

/* A started container whose launch is gone (it gave up, or was killed): its caller was told
 * the launch failed, and a container nobody knows of must not run. Stopped, not removed. */
static void kill_unknown(struct monitor_ctx *ctx, struct monitor_container *c, const char *why)
{
        md_error err = {0};
        if (docker_container_kill(ctx->docker, c->docker_id, "SIGKILL", &err) < 0) {
                md_error_prefix(&err, "%s, and the kill failed", why);
                monitor_log(NULL, LOG_ERR, c->container, &err);
        }
}

/* The launch failed: answer why, and let the container go. Its removal is the launcher's
 * (monitor.h: the launcher alone removes a container whose start failed), also when the start
 * got as far as a running container: the launcher's remove stops it. A launcher that is gone
 * left its record, which names the container, to the reaper (wait, recover); one that started
 * is killed first, so that it does not run meanwhile. */
static bool fail_launch(struct monitor_ctx *ctx, struct monitor_container *c, const md_error *err)
{
        if (!reply(c, err, 0, NULL)) { /* the launch gave up: nobody else hears why */
                md_error said = *err;
                md_error_prefix(&said, "the launch is gone, its container is left to the reaper");
                monitor_log(NULL, LOG_ERR, c->container, &said);
                if (c->started || c->call == CALL_INSPECT) /* the daemon answered the start */
                        kill_unknown(ctx, c, "the launch is gone");
        }
        c->phase = PH_DONE;
        return true;
}

static void xfer_error(struct monitor_xfer *x, const char *what, md_error *err)
{
        if (x->done && x->rc != CURLE_OK) {
                docker_fail_curl(err, x->rc, x->errbuf, what);
                return;
        }
        _cleanup_json_ json_t *j = json_loadb(x->body.data ? x->body.data : "", x->body.len, 0, NULL);
        docker_fail_status(err, x->status, j, true, what);
}

static bool record_running(struct monitor_ctx *ctx, struct monitor_container *c, int64_t now);

enum call_step { CALL_FAILED, CALL_WAITING, CALL_ANSWERED };

/* SETUP, both headers in: POST start, then GET the container (its pid and start time), each
 * begun when the one before has answered; *info gets the inspect's answer. */
static enum call_step step_call(struct monitor_ctx *ctx, struct monitor_container *c, json_t **info,
                                md_error *err)
{
        static const long already[] = {304, 0}; /* started already: as docker_container_start */
        char path[128], what[300];
        struct monitor_xfer *x = &c->call_xfer;
        if (c->call != CALL_NONE && !x->done)
                return CALL_WAITING;
        if (c->call == CALL_START) {
                snprintf(what, sizeof what, "start container %s", c->docker_id);
                if (monitor_call_result(x, already, NULL, what, err) < 0)
                        return CALL_FAILED;
        } else if (c->call == CALL_INSPECT) {
                snprintf(what, sizeof what, "inspect container %s", c->docker_id);
                if (monitor_call_result(x, NULL, info, what, err) < 0)
                        return CALL_FAILED;
                if (!json_is_object(*info)) {
                        md_error_set(err, -EPROTO, "%s: the daemon's answer is not a JSON object", what);
                        return CALL_FAILED;
                }
                monitor_xfer_close(ctx->multi, x);
                return CALL_ANSWERED;
        }
        monitor_xfer_close(ctx->multi, x);
        bool start = c->call == CALL_NONE;
        snprintf(path, sizeof path, "/containers/%s/%s", c->docker_id, start ? "start" : "json");
        if (monitor_call_begin(x, ctx->multi, ctx->docker, start ? "POST" : "GET", path, err) < 0)
                return CALL_FAILED;
        c->call = start ? CALL_START : CALL_INSPECT;
        return CALL_WAITING;
}

/* SETUP: waits for both headers, then starts the container and answers the launch. */
static bool step_setup(struct monitor_ctx *ctx, struct monitor_container *c, int64_t now)
{
        struct monitor_stream *s = &c->stream;
        if (c->started)
                return now >= c->retry_at ? record_running(ctx, c, now) : false;
        md_error err = {0};
        char what[300];
        struct monitor_xfer *xs[] = {&s->attach, &s->wait};
        const char *names[] = {"attach to", "wait for"};
        for (int i = 0; i < 2; i++) {
                snprintf(what, sizeof what, "%s container %s", names[i], c->container);
                if (xs[i]->done && !xs[i]->headers_done) {
                        xfer_error(xs[i], what, &err);
                        return fail_launch(ctx, c, &err);
                }
                /* A non-200 answer with complete headers (404: the container went away);
                 * its body may still be on its way, and a short wait is enough for a message. */
                if (xs[i]->headers_done && xs[i]->status != 200 && (xs[i]->done || now > c->setup_deadline)) {
                        xfer_error(xs[i], what, &err);
                        return fail_launch(ctx, c, &err);
                }
        }
        if (!(s->attach.headers_done && s->wait.headers_done && s->attach.status == 200 &&
              s->wait.status == 200)) {
                if (now > c->setup_deadline) {
                        md_fail(&err, MD_EXIT_UNAVAILABLE,
                                "attach to container %s: docker daemon unavailable: no answer in time",
                                c->container);
                        return fail_launch(ctx, c, &err);
                }
                return false;
        }
        _cleanup_json_ json_t *info = NULL;
        switch (step_call(ctx, c, &info, &err)) {
        case CALL_FAILED:
                return fail_launch(ctx, c, &err);
        case CALL_WAITING:
                return false;
        case CALL_ANSWERED:
                break;
        }
        json_t *state = json_object_get(info, "State");
        json_t *jpid = json_object_get(state, "Pid");
        const char *at = json_string_value(json_object_get(state, "StartedAt"));
        c->pid = json_is_integer(jpid) && json_integer_value(jpid) > 0 && json_integer_value(jpid) < (1 << 30)
                         ? (pid_t)json_integer_value(jpid)
                         : 0;
        snprintf(c->started_at, sizeof c->started_at, "%s", at ? at : "");
        if (!c->started_at[0])
                md_now_rfc3339(c->started_at);
        c->started = true;
        return record_running(ctx, c, now);
}

/* SETUP, the container started: RUNNING into the record, then the answer. The record is
 * locked only by its owner's helpers: tried again until the setup deadline, then the launch
 * fails as any other (the launcher removes the container). */
static bool record_running(struct monitor_ctx *ctx, struct monitor_container *c, int64_t now)
{
        md_error err = {0};
        struct running_edit e = {c->pid, c->started_at, c->base_out, c->base_err};
        int r = record_update(ctx, c, edit_running, &e, &err);
        if (r == -EWOULDBLOCK) {
                if (now <= c->setup_deadline) {
                        record_retry_later(c, now);
                        return false;
                }
                md_fail(&err, MD_EXIT_UNAVAILABLE, "record of %s: locked by another process", c->container);
        }
        if (r < 0)
                return fail_launch(ctx, c, &err);
        c->record_backoff = 0;
        c->retry_at = 0;
        c->phase = PH_STREAM;
        c->last_save = now;
        /* the exit of a container killed here is recorded as usual */
        if (!reply(c, NULL, c->pid, c->started_at))
                kill_unknown(ctx, c, "the launch gave up waiting");
        return false;
}

/* A failed call to a daemon that may be restarting: true when it is worth trying again
 * later (and when), false when it is time to go on without the answer. */
static bool retry_later(struct monitor_container *c, const md_error *err, int64_t now)
{
        if (err->errnum != EHOSTDOWN)
                return false;
        if (!c->failing_since) {
                c->failing_since = now;
                c->backoff = BACKOFF_FIRST_MS;
        }
        if (now - c->failing_since > RECONNECT_LIMIT_MS)
                return false;
        c->retry_at = now + c->backoff;
        c->backoff = c->backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : c->backoff * 2;
        return true;
}

static void done_retrying(struct monitor_container *c)
{
        c->failing_since = 0;
        c->retry_at = 0;
}

static void to_finish(struct monitor_container *c)
{
        c->phase = PH_FINISH;
        done_retrying(c);
}

/* STREAM and RESUME alike: the counters into the record now and then, and true once the
 * output stream and the wait have both ended. */
static bool streamed(struct monitor_ctx *ctx, struct monitor_container *c, int64_t now)
{
        struct monitor_stream *s = &c->stream;
        if (now - c->last_save >= record_interval(ctx)) {
                save_bytes(ctx, c);
                c->last_save = now;
        }
        /* The container is gone but something keeps the stream open: do not hang. The clock
         * starts at the exit, not at the last output: the daemon may answer the wait before
         * the last bytes of the stream have arrived. */
        if (s->wait.done && !c->exited_at)
                c->exited_at = now;
        if (c->exited_at && !s->attach.done && now - c->exited_at > DRAIN_STALL_MS &&
            now - s->last_progress_ms > DRAIN_STALL_MS)
                monitor_stream_abort_attach(s, ctx->multi);
        return s->attach.done && s->wait.done;
}

/* STREAM: until the exit is known and the stream has ended. */
static void step_stream(struct monitor_ctx *ctx, struct monitor_container *c, int64_t now)
{
        struct monitor_stream *s = &c->stream;
        if (!streamed(ctx, c, now))
                return;
        c->x.e.known = monitor_stream_exit_code(s, &c->x.e.exit_code);
        /* The attach is a raw stream to the connection's close: a clean end with the exit
         * known is the normal end. Anything else is a daemon that went away. */
        if (c->x.e.known && (s->attach.rc == CURLE_OK || s->attach.rc == CURLE_ABORTED_BY_CALLBACK) &&
            !s->proto_error) {
                to_finish(c);
                return;
        }
        c->phase = PH_RESUME;
        c->resuming = false;
        c->no_logs = s->proto_error;
        c->retry_at = now;
}

static uint64_t file_size(int fd)
{
        struct stat st;
        return fstat(fd, &st) == 0 && st.st_size > 0 ? (uint64_t)st.st_size : 0;
}

/* The log from the start, passing over what each file holds, and the wait. */
static int resume(struct monitor_ctx *ctx, struct monitor_container *c, md_error *err)
{
        struct monitor_stream *s = &c->stream;
        uint64_t out = file_size(s->out_fd), errsz = file_size(s->err_fd);
        s->out_bytes = out > c->base_out ? out - c->base_out : 0;
        s->err_bytes = errsz > c->base_err ? errsz - c->base_err : 0;
        /* by content, not by count: json-file kept each byte that is not UTF-8 as U+FFFD (a
         * buffer that cannot be had falls back to the count, exact for UTF-8) */
        s->name = c->container;
        monitor_align_start(&s->align_out, s->out_fd, c->base_out, out);
        monitor_align_start(&s->align_err, s->err_fd, c->base_err, errsz);
        if (need_docker(ctx, err) < 0)
                return -1;
        return monitor_stream_resume(s, ctx->multi, ctx->docker, c->docker_id, !c->no_logs, err);
}

/* RESUME could not go on: again later while the daemon may come back, otherwise on to the
 * exit without the rest of the output. Said either way (the retries at most once a second). */
static void resume_failed(struct monitor_container *c, md_error *err, int64_t now)
{
        if (retry_later(c, err, now)) {
                monitor_log(&c->log, LOG_WARNING, c->container, err);
                return;
        }
        md_error_prefix(err, "the rest of its output is lost");
        monitor_log(NULL, LOG_ERR, c->container, err);
        to_finish(c);
}

/* RESUME: until the log has ended and the exit is known, again and again while the daemon
 * is away. */
static void step_resume(struct monitor_ctx *ctx, struct monitor_container *c, int64_t now)
{
        struct monitor_stream *s = &c->stream;
        md_error err = {0};
        if (!c->resuming) {
                if (c->retry_at && now < c->retry_at)
                        return;
                c->retry_at = 0;
                if (resume(ctx, c, &err) < 0) {
                        resume_failed(c, &err, now);
                        return;
                }
                c->resuming = true;
                c->exited_at = 0;
                return;
        }
        if (!streamed(ctx, c, now))
                return;
        c->resuming = false;
        /* the daemon answered: a later absence has its own time limit */
        if (s->attach.headers_done || s->wait.headers_done)
                done_retrying(c);
        c->x.e.known = monitor_stream_exit_code(s, &c->x.e.exit_code);
        bool log_ended = c->no_logs || (s->attach.rc == CURLE_OK && s->attach.status == 200) ||
                         s->attach.rc == CURLE_ABORTED_BY_CALLBACK;
        bool gone = (s->wait.rc == CURLE_OK && s->wait.status == 404) ||
                    (s->attach.rc == CURLE_OK && s->attach.status == 404);
        if ((c->x.e.known && log_ended) || gone) {
                to_finish(c);
                return;
        }
        /* The daemon went away again (or answered what we cannot use): from the files'
         * sizes again, once it is back. */
        struct monitor_xfer *x = s->wait.rc != CURLE_OK ? &s->wait : &s->attach;
        if (x->rc != CURLE_OK)
                docker_fail_curl(&err, x->rc, x->errbuf, "resume");
        else
                md_fail(&err, MD_EXIT_FAILED, "resume: HTTP %ld", x->status);
        resume_failed(c, &err, now);
}

/* Output that did not fit in its file (a full disk, a quota) is gone: said once, at the end. */
static void log_dropped(const struct monitor_container *c)
{
        const struct monitor_stream *s = &c->stream;
        if (!s->dropped_bytes)
                return;
        md_error err = {0};
        int e = s->out_errno ? s->out_errno : s->err_errno;
        if (e)
                md_fail_errno(&err, MD_EXIT_FAILED, e, "%llu bytes of output not written to the sandbox",
                              (unsigned long long)s->dropped_bytes);
        else
                md_fail(&err, MD_EXIT_FAILED, "%llu bytes of output not written to the sandbox",
                        (unsigned long long)s->dropped_bytes);
        monitor_log(NULL, LOG_ERR, c->container, &err);
}

/* FINISH: the exit into the record, once the daemon has told what it knows of it. */
static void step_finish(struct monitor_ctx *ctx, struct monitor_container *c, int64_t now)
{
        if (c->retry_at && now < c->retry_at)
                return;
        md_error err = {0};
        struct exit_info *x = &c->x;
        if (!c->exit_known) {
                _cleanup_json_ json_t *info = NULL;
                if (need_docker(ctx, &err) < 0 ||
                    docker_container_inspect(ctx->docker, c->docker_id, &info, &err) < 0) {
                        if (retry_later(c, &err, now))
                                return;
                        md_error_prefix(&err, "the exit is recorded with what the wait said");
                        monitor_log(NULL, LOG_WARNING, c->container, &err);
                }
                md_exit_info_from_state(json_object_get(info, "State"), &x->e);
                x->out_bytes = c->stream.out_bytes;
                x->err_bytes = c->stream.err_bytes;
                log_dropped(c);
                /* The bytes are on disk before the record says EXITED: `wait` returning means
                 * all the output is there. */
                fsync(c->stream.out_fd);
                fsync(c->stream.err_fd);
                c->exit_known = true;
                done_retrying(c);
        }
        /* Locked by one of the owner's helpers (which its caller may have stopped): tried
         * again, without a limit, and the container is removed only after. The other
         * containers go on meanwhile; writing without the lock would let that helper, once
         * continued, put back the RUNNING it read. */
        err = (md_error){0};
        int r = record_update(ctx, c, edit_exited, x, &err);
        if (r == -EWOULDBLOCK) {
                record_retry_later(c, now);
                return;
        }
        if (r < 0) { /* `wait` will not see this exit: recover or the reaper must write it */
                md_error_prefix(&err, "record the exit");
                monitor_log(NULL, LOG_ERR, c->container, &err);
        }
        /* the waiters wake now and read the exit, before the removal */
        md_exit_fifo_release(ctx->fifo_dirfd, c->container, c->exit_fifo);
        c->exit_fifo = -1;
        c->phase = PH_REMOVE;
        c->record_backoff = 0;
        done_retrying(c);
}

/* REMOVE: a daemon that is away is waited for as for the exit, so that no stopped mesos-
 * container stays behind; if it refuses, recover --kill-orphans is the way out. */
static void step_remove(struct monitor_ctx *ctx, struct monitor_container *c, int64_t now)
{
        if (c->retry_at && now < c->retry_at)
                return;
        md_error err = {0};
        if (need_docker(ctx, &err) < 0 || docker_container_remove(ctx->docker, c->docker_id, &err) < 0) {
                if (retry_later(c, &err, now))
                        return;
                md_error_prefix(&err, "the exited container stays (recover --kill-orphans removes it)");
                monitor_log(NULL, LOG_ERR, c->container, &err);
        }
        c->phase = PH_DONE;
}

bool monitor_container_step(struct monitor_ctx *ctx, struct monitor_container *c, int64_t now)
{
        for (;;) {
                enum phase before = c->phase;
                switch (c->phase) {
                case PH_SETUP:
                        step_setup(ctx, c, now);
                        break;
                case PH_STREAM:
                        step_stream(ctx, c, now);
                        break;
                case PH_RESUME:
                        step_resume(ctx, c, now);
                        break;
                case PH_FINISH:
                        step_finish(ctx, c, now);
                        break;
                case PH_REMOVE:
                        step_remove(ctx, c, now);
                        break;
                case PH_DONE:
                        return true;
                }
                if (c->phase == before)
                        return false;
        }
}

/* STREAM and RESUME: a container that writes nothing needs no step of its own (any output
 * wakes the loop through its transfer), so an idle one sets no timer: the counters only once
 * they moved, the drain clock only once the exit is known. */
static int64_t streaming_next_ms(const struct monitor_ctx *ctx, const struct monitor_container *c)
{
        const struct monitor_stream *s = &c->stream;
        int64_t next = INT64_MAX;
        if (s->out_bytes != c->recorded_out || s->err_bytes != c->recorded_err)
                next = c->last_save + record_interval(ctx);
        if (s->wait.done && !c->exited_at)
                return md_monotonic_ms(); /* the exit just came: start the drain clock */
        if (c->exited_at && !s->attach.done) {
                int64_t stall = (c->exited_at > s->last_progress_ms ? c->exited_at : s->last_progress_ms) +
                                DRAIN_STALL_MS + 1;
                if (stall < next)
                        next = stall;
        }
        return next;
}

int64_t monitor_container_next_ms(const struct monitor_ctx *ctx, const struct monitor_container *c)
{
        switch (c->phase) {
        case PH_SETUP:
                /* started, the record locked: its next try */
                if (c->started && c->retry_at && c->retry_at < c->setup_deadline + 1)
                        return c->retry_at;
                /* a call under way wakes the loop when it answers, or fails at its own limit */
                if (c->call != CALL_NONE && !c->started)
                        return INT64_MAX;
                return c->setup_deadline + 1;
        case PH_STREAM:
                return streaming_next_ms(ctx, c);
        case PH_RESUME:
                if (!c->resuming)
                        return c->retry_at ? c->retry_at : md_monotonic_ms();
                return streaming_next_ms(ctx, c);
        case PH_FINISH:
        case PH_REMOVE:
                return c->retry_at ? c->retry_at : md_monotonic_ms();
        case PH_DONE:
                return md_monotonic_ms();
        }
        return md_monotonic_ms();
}

static void edit_adopted(struct md_record *r, void *arg)
{
        r->monitor_pid = getpid();
}

/* Adoption: the record says what the dead monitor knew; the output resumes from the log. */
static bool adopt(struct monitor_ctx *ctx, struct monitor_container *c, md_error *err)
{
        struct md_record rec = {0};
        int r = md_record_read(ctx->record_dirfd, c->container, &rec, err);
        if (r == -ENOENT) {
                md_fail(err, MD_EXIT_NO_CONTAINER, "adopt %s: no record", c->container);
                return false;
        }
        if (r < 0)
                return false;
        bool ok = rec.docker_id && strcmp(rec.docker_id, c->docker_id) == 0 && rec.state == MD_STATE_RUNNING;
        if (!ok)
                md_fail(err, MD_EXIT_FAILED, "adopt %s: the record is not of a running container %s",
                        c->container, c->docker_id);
        c->base_out = rec.stdout_base;
        c->base_err = rec.stderr_base;
        pid_t pid = rec.pid;
        char started_at[40];
        snprintf(started_at, sizeof started_at, "%s", rec.started_at ? rec.started_at : "");
        md_record_clear(&rec);
        if (!ok)
                return false;
        /* locked by the owner's helper: the adopting helper (wait, recover) asks again later */
        int u = record_update(ctx, c, edit_adopted, NULL, err);
        if (u == -EWOULDBLOCK)
                md_fail(err, MD_EXIT_UNAVAILABLE,
                        "adopt %s: its record is locked by another process; try again", c->container);
        if (u < 0)
                return false;
        c->phase = PH_RESUME;
        c->retry_at = md_monotonic_ms();
        c->last_save = c->retry_at;
        reply(c, NULL, pid, started_at);
        return true;
}

const char *monitor_container_name(const struct monitor_container *c)
{
        return c->container;
}

struct monitor_container *monitor_container_begin(struct monitor_ctx *ctx, const struct monitor_request *req,
                                                  int out_fd, int err_fd, int reply_fd)
{
        md_error err = {0};
        struct monitor_container *c = calloc(1, sizeof *c);
        if (!c) {
                close(out_fd);
                close(err_fd);
                md_fail(&err, MD_EXIT_FAILED, "monitor: out of memory");
                struct monitor_container tmp = {.reply_fd = reply_fd};
                reply(&tmp, &err, 0, NULL);
                return NULL;
        }
        snprintf(c->container, sizeof c->container, "%s", req->container);
        snprintf(c->docker_id, sizeof c->docker_id, "%s", req->docker_id);
        c->reply_fd = reply_fd;
        c->stream.out_fd = out_fd;
        c->stream.err_fd = err_fd;
        /* before the launch hears that the container runs, so a `wait` after it finds it;
         * without it (no FIFO dir, no fd left) the waiters poll */
        c->exit_fifo = ctx->fifo_dirfd >= 0 ? md_exit_fifo_hold(ctx->fifo_dirfd, c->container) : -1;
        if (c->exit_fifo < 0)
                c->exit_fifo = -1;
        if (req->adopt) {
                if (!adopt(ctx, c, &err)) {
                        reply(c, &err, 0, NULL);
                        monitor_container_free(ctx, c);
                        return NULL;
                }
                return c;
        }
        /* What the files hold before the start is not the container's (the fetcher's log). */
        c->base_out = file_size(out_fd);
        c->base_err = file_size(err_fd);
        c->phase = PH_SETUP;
        if (need_docker(ctx, &err) < 0) {
                fail_launch(ctx, c, &err);
                monitor_container_free(ctx, c);
                return NULL;
        }
        const struct docker *d = ctx->docker;
        long connect_ms, request_ms;
        docker_time_limits(d, &connect_ms, &request_ms);
        long setup_ms = connect_ms + request_ms + request_ms / 2;
        if (setup_ms > SETUP_DEADLINE_MAX_MS)
                setup_ms = SETUP_DEADLINE_MAX_MS;
        c->setup_deadline = md_monotonic_ms() + setup_ms;
        if (monitor_stream_open(&c->stream, ctx->multi, d, c->docker_id, out_fd, err_fd, &err) < 0) {
                fail_launch(ctx, c, &err);
                monitor_container_free(ctx, c);
                return NULL;
        }
        return c;
}

void monitor_container_free(struct monitor_ctx *ctx, struct monitor_container *c)
{
        if (!c)
                return;
        monitor_stream_close(&c->stream, ctx->multi);
        monitor_xfer_close(ctx->multi, &c->call_xfer);
        if (c->stream.out_fd >= 0)
                close(c->stream.out_fd);
        if (c->stream.err_fd >= 0)
                close(c->stream.err_fd);
        if (c->reply_fd >= 0)
                close(c->reply_fd);
        md_exit_fifo_release(ctx->fifo_dirfd, c->container, c->exit_fifo);
        free(c);
}
