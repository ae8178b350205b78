/* The monitor process (monitor.h): from becoming fully root to removing the container.
 *
 * Its phases, in order:
 *   process hygiene    ids 0, not dumpable, only its own fds, sane limits (monitor_process.c)
 *   attach + wait      registered before the start, so no byte and no exit is missed
 *   start + report     the launching helper learns the pid, or why the start failed
 *   stream             frames into the output files until the exit is known and the
 *                      stream has ended
 *   exit record        then the container is removed
 *
 * After a daemon restart the attach stream is gone: the monitor then only waits for the exit
 * (blocking /wait?condition=not-running, reconnecting with back-off for a bounded time) and
 * records it; output the container writes after the restart is not copied (resuming it from
 * the json-file log is issue 6). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json_cleanup.h"
#include "monitor_internal.h"
#include "record.h"
#include "util.h"

/* The attach and wait headers must come within the connection's limits (connect + request,
 * and half a request more for the two of them), at most this long: the launching helper
 * gives up at MONITOR_REPORT_TIMEOUT_MS (60 s), and the monitor should say why first. */
#define SETUP_DEADLINE_MAX_MS 50000
/* How often the byte counters go into the record while output streams. */
#define RECORD_INTERVAL_MS 1000
/* After the exit is known, an attach stream that brings nothing for this long is given up. */
#define DRAIN_STALL_MS 30000
/* A daemon that stays unreachable this long after the stream broke: give up on the exit. */
#define RECONNECT_LIMIT_MS (10 * 60 * 1000)

struct monitor {
        const struct monitor_config *cfg;
        int report_fd;
        int record_dirfd;
        struct docker *docker;
        struct monitor_stream stream;
        uint64_t recorded_out, recorded_err;
};

static void sleep_ms(long ms)
{
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

static void report(struct monitor *m, const md_error *err, bool removed, pid_t container_pid,
                   const char *started_at)
{
        struct monitor_report rep;
        memset(&rep, 0, sizeof rep);
        rep.exit_code = err ? (err->exit_code ? err->exit_code : MD_EXIT_FAILED) : 0;
        rep.container_pid = container_pid;
        rep.monitor_pid = getpid();
        rep.removed = removed;
        if (started_at)
                snprintf(rep.started_at, sizeof rep.started_at, "%s", started_at);
        if (err)
                snprintf(rep.message, sizeof rep.message, "%s", err->message);
        /* A failed write means the helper gave up waiting (its end is closed): the caller
         * of monitor_main sees report_fd < 0. */
        if (m->report_fd >= 0 && md_write_all(m->report_fd, &rep, sizeof rep) < 0) {
                close(m->report_fd);
                m->report_fd = -1;
        }
}

/* Read-modify-write of the record (md_record_update: under the record directory's lock, so
 * that a concurrent `destroy` setting kill_requested is not lost). */
static int record_update(struct monitor *m, md_record_edit edit, void *arg, md_error *err)
{
        int r = md_record_update(m->record_dirfd, m->cfg->container, edit, arg, err);
        if (r == -ENOENT)
                return md_fail(err, MD_EXIT_FAILED, "record of %s: missing", m->cfg->container);
        return r < 0 ? -1 : 0;
}

struct running_edit {
        pid_t pid;
        const char *started_at;
};

static void edit_running(struct md_record *r, void *arg)
{
        const struct running_edit *e = arg;
        r->state = MD_STATE_RUNNING;
        r->pid = e->pid;
        r->monitor_pid = getpid();
        free(r->started_at);
        r->started_at = strdup(e->started_at);
}

static void edit_bytes(struct md_record *r, void *arg)
{
        const struct monitor_stream *s = arg;
        r->stdout_bytes = s->out_bytes;
        r->stderr_bytes = s->err_bytes;
}

static void save_bytes(struct monitor *m, bool force)
{
        struct monitor_stream *s = &m->stream;
        if (!force && s->out_bytes == m->recorded_out && s->err_bytes == m->recorded_err)
                return;
        md_error err = {0};
        if (record_update(m, edit_bytes, s, &err) == 0) {
                m->recorded_out = s->out_bytes;
                m->recorded_err = s->err_bytes;
        }
}

/* Removes the container after a failed launch; says whether it is gone. */
static bool remove_container(struct monitor *m)
{
        md_error err = {0};
        return m->docker && docker_container_remove(m->docker, m->cfg->docker_id, &err) == 0;
}

static __attribute__((noreturn)) void fail_launch(struct monitor *m, md_error *err, bool remove)
{
        bool removed = remove && remove_container(m);
        report(m, err, removed, 0, NULL);
        _exit(1);
}

/* Phase: attach and wait registered, then start; returns the inspected pid and start time. */
static void start_container(struct monitor *m, pid_t *pid, char started_at[static 40])
{
        md_error err = {0};
        const struct monitor_config *cfg = m->cfg;
        if (docker_open(cfg->docker_socket, &m->docker, &err) < 0)
                fail_launch(m, &err, false);
        long setup_ms = m->docker->connect_ms + m->docker->request_ms + m->docker->request_ms / 2;
        if (setup_ms > SETUP_DEADLINE_MAX_MS)
                setup_ms = SETUP_DEADLINE_MAX_MS;
        int64_t deadline = md_monotonic_ms() + setup_ms;
        struct monitor_stream *s = &m->stream;
        if (monitor_stream_open(s, m->docker, cfg->docker_id, cfg->stdout_fd, cfg->stderr_fd, &err) < 0)
                fail_launch(m, &err, true);
        while (!(s->attach.headers_done && s->wait.headers_done)) {
                if (s->attach.done || s->wait.done) {
                        struct monitor_xfer *x = s->attach.done ? &s->attach : &s->wait;
                        const char *what = x == &s->attach ? "attach to" : "wait for";
                        char w[300];
                        snprintf(w, sizeof w, "%s container %s", what, cfg->container);
                        if (x->rc != CURLE_OK)
                                docker_fail_curl(&err, x->rc, x->errbuf, w);
                        else {
                                _cleanup_json_ json_t *j =
                                        json_loadb(x->body.data ? x->body.data : "", x->body.len, 0, NULL);
                                docker_fail_status(&err, x->status, j, true, w);
                        }
                        fail_launch(m, &err, true);
                }
                if (md_monotonic_ms() > deadline) {
                        md_fail(&err, MD_EXIT_UNAVAILABLE,
                                "attach to container %s: docker daemon unavailable: "
                                "no answer within %ld ms",
                                cfg->container, setup_ms);
                        fail_launch(m, &err, true);
                }
                if (monitor_stream_pump(s, 200, &err) < 0)
                        fail_launch(m, &err, true);
        }
        /* A non-200 answer with complete headers (404: the container went away). */
        struct monitor_xfer *xs[] = {&s->attach, &s->wait};
        for (int i = 0; i < 2; i++) {
                if (xs[i]->status != 200) {
                        char w[300];
                        snprintf(w, sizeof w, "%s container %s", i == 0 ? "attach to" : "wait for",
                                 cfg->container);
                        /* the body may still be on its way; what came is enough for a message */
                        for (int k = 0; k < 10 && !xs[i]->done; k++)
                                monitor_stream_pump(s, 100, &err);
                        _cleanup_json_ json_t *j = json_loadb(xs[i]->body.data ? xs[i]->body.data : "",
                                                              xs[i]->body.len, 0, NULL);
                        docker_fail_status(&err, xs[i]->status, j, true, w);
                        fail_launch(m, &err, true);
                }
        }
        if (docker_container_start(m->docker, cfg->docker_id, &err) < 0)
                fail_launch(m, &err, true);

        _cleanup_json_ json_t *info = NULL;
        if (docker_container_inspect(m->docker, cfg->docker_id, &info, &err) < 0)
                fail_launch(m, &err, true);
        json_t *state = json_object_get(info, "State");
        json_t *jpid = json_object_get(state, "Pid");
        const char *at = json_string_value(json_object_get(state, "StartedAt"));
        *pid = json_is_integer(jpid) && json_integer_value(jpid) > 0 && json_integer_value(jpid) < (1 << 30)
                       ? (pid_t)json_integer_value(jpid)
                       : 0;
        snprintf(started_at, 40, "%s", at ? at : "");
        if (!started_at[0])
                md_now_rfc3339(started_at);

        struct running_edit e = {*pid, started_at};
        if (record_update(m, edit_running, &e, &err) < 0)
                fail_launch(m, &err, true);
}

/* Phase: stream until the exit is known and the stream has ended. Returns true when the
 * wait answered with an exit code. */
static bool stream_until_exit(struct monitor *m, int *exit_code)
{
        struct monitor_stream *s = &m->stream;
        int64_t last_save = md_monotonic_ms();
        md_error err = {0};
        int64_t exited_at = 0;
        while (!(s->attach.done && s->wait.done)) {
                if (monitor_stream_pump(s, RECORD_INTERVAL_MS, &err) < 0)
                        break;
                int64_t now = md_monotonic_ms();
                if (now - last_save >= RECORD_INTERVAL_MS) {
                        save_bytes(m, false);
                        last_save = now;
                }
                /* The container is gone but something keeps the stream open: do not hang.
                 * The clock starts at the exit, not at the last output: the daemon may
                 * answer the wait before the last bytes of the stream have arrived. */
                if (s->wait.done && !exited_at)
                        exited_at = now;
                if (exited_at && !s->attach.done && now - exited_at > DRAIN_STALL_MS &&
                    now - s->last_progress_ms > DRAIN_STALL_MS)
                        monitor_stream_abort_attach(s);
        }
        return monitor_stream_exit_code(s, exit_code);
}

/* Runs op against the daemon, reconnecting with back-off while the daemon is unreachable
 * (a restart), for at most RECONNECT_LIMIT_MS. 0 when op succeeded, -1 when it failed
 * otherwise or the daemon stayed away. */
typedef int (*daemon_op)(struct monitor *m, void *arg, md_error *err);

static int with_daemon(struct monitor *m, daemon_op op, void *arg)
{
        int64_t failing_since = md_monotonic_ms();
        long backoff = 250;
        for (;;) {
                md_error err = {0};
                if (!m->docker && docker_open(m->cfg->docker_socket, &m->docker, &err) < 0)
                        m->docker = NULL;
                if (m->docker && op(m, arg, &err) == 0)
                        return 0;
                if (err.exit_code != MD_EXIT_UNAVAILABLE ||
                    md_monotonic_ms() - failing_since > RECONNECT_LIMIT_MS)
                        return -1;
                docker_close(m->docker);
                m->docker = NULL;
                sleep_ms(backoff);
                backoff = backoff * 2 > 10000 ? 10000 : backoff * 2;
        }
}

static int op_wait(struct monitor *m, void *arg, md_error *err)
{
        return docker_container_wait(m->docker, m->cfg->docker_id, "not-running", arg, err);
}

static int op_inspect(struct monitor *m, void *arg, md_error *err)
{
        return docker_container_inspect(m->docker, m->cfg->docker_id, arg, err);
}

static int op_remove(struct monitor *m, void *arg, md_error *err)
{
        return docker_container_remove(m->docker, m->cfg->docker_id, err);
}

struct exit_info {
        int exit_code;
        bool known;
        bool oom_killed;
        char finished_at[40];
        const struct monitor_stream *stream;
};

static void edit_exited(struct md_record *r, void *arg)
{
        const struct exit_info *x = arg;
        r->state = MD_STATE_EXITED;
        r->exit_code = x->known ? x->exit_code : -1;
        /* Docker reports a container whose init died of signal N as exit code 128+N, the
         * shell's convention, and cannot tell it from `exit 128+N`. We read 129..192 as a
         * signal, as a shell would: a destroy (SIGTERM/SIGKILL) and the OOM killer show up
         * as signal 15/9. exit_code keeps docker's number either way. */
        r->signal = (x->known && x->exit_code > 128 && x->exit_code <= 128 + 64) ? x->exit_code - 128 : 0;
        r->oom_killed = x->oom_killed;
        if (r->kill_requested)
                r->status = MD_STATUS_KILLED;
        else if (x->known && x->exit_code == 0)
                r->status = MD_STATUS_FINISHED;
        else
                r->status = MD_STATUS_FAILED;
        free(r->finished_at);
        r->finished_at = strdup(x->finished_at);
        r->stdout_bytes = x->stream->out_bytes;
        r->stderr_bytes = x->stream->err_bytes;
        r->monitor_pid = 0;
}

static void finish(struct monitor *m, struct exit_info *x)
{
        md_error err = {0};
        _cleanup_json_ json_t *info = NULL;
        if (with_daemon(m, op_inspect, &info) == 0) {
                json_t *state = json_object_get(info, "State");
                json_t *code = json_object_get(state, "ExitCode");
                if (json_is_integer(code) && json_integer_value(code) >= 0 &&
                    json_integer_value(code) <= 0xffff) {
                        x->exit_code = (int)json_integer_value(code);
                        x->known = true;
                }
                x->oom_killed = json_is_true(json_object_get(state, "OOMKilled"));
                const char *at = json_string_value(json_object_get(state, "FinishedAt"));
                if (at && strncmp(at, "0001-", 5) != 0) /* Go's zero time: not finished */
                        snprintf(x->finished_at, sizeof x->finished_at, "%s", at);
        }
        if (!x->finished_at[0])
                md_now_rfc3339(x->finished_at);

        /* The bytes are on disk before the record says EXITED: `wait` returning means all
         * the output is there. */
        fsync(m->cfg->stdout_fd);
        fsync(m->cfg->stderr_fd);
        err = (md_error){0};
        record_update(m, edit_exited, x, &err);
        /* A daemon that is away is waited for as for the exit, so that no stopped mesos-
         * container stays behind; if it refuses, recover --kill-orphans is the way out. */
        with_daemon(m, op_remove, NULL);
}

void monitor_main(const struct monitor_config *given, int report_fd)
{
        struct monitor_config cfg = *given;
        struct monitor m = {.cfg = &cfg, .report_fd = report_fd, .record_dirfd = -1};
        md_error err = {0};

        if (monitor_become_root_alone(&err) < 0)
                fail_launch(&m, &err, false);
        if (monitor_keep_only_fds(&m.report_fd, &cfg.stdout_fd, &cfg.stderr_fd, &err) < 0)
                fail_launch(&m, &err, false);
        monitor_quiet_process();
        m.record_dirfd = md_record_dir_open(cfg.state_dir, false, &err);
        if (m.record_dirfd < 0)
                fail_launch(&m, &err, false);

        pid_t pid = 0;
        char started_at[40];
        start_container(&m, &pid, started_at);
        report(&m, NULL, false, pid, started_at);
        if (m.report_fd < 0) {
                /* The helper gave up waiting and told its caller the launch failed: a
                 * container nobody knows of must not run. Kill it; the exit is recorded. */
                docker_container_kill(m.docker, cfg.docker_id, "SIGKILL", &err);
        } else {
                close(m.report_fd);
                m.report_fd = -1;
        }

        struct exit_info x = {.stream = &m.stream};
        x.known = stream_until_exit(&m, &x.exit_code);
        if (!x.known) {
                /* The stream broke before the exit was known (a daemon restart): ask again.
                 * not-running answers at once for a container that exited meanwhile. */
                docker_close(m.docker);
                m.docker = NULL;
                x.known = with_daemon(&m, op_wait, &x.exit_code) == 0;
        }
        finish(&m, &x);
        monitor_stream_close(&m.stream);
        docker_close(m.docker);
        _exit(0);
}
