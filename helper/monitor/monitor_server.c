/* The shared monitor process (monitor.h): one per state dir, for every container launched
 * with it. It listens on STATE_DIR/monitor.sock for launches (monitor.c), runs every
 * container's transfers in one curl multi loop (monitor_run.c), and exits by itself once it
 * has had no container for MONITOR_IDLE_EXIT_MS.
 *
 * STATE_DIR/monitor.lock is held by the listening monitor, for as long as it listens, and by
 * nobody else: a new monitor that cannot take it (another one listens, or is about to) says so
 * and exits, so two launches that find no monitor at once start one. No caller's process
 * ever holds it: a helper its caller has stopped or starved cannot keep anybody from starting
 * or reaching the monitor.
 *
 * The idle exit races a launch that has just found the socket. The monitor first removes its
 * socket's name (a launch after that finds none and starts a new monitor) and lets the lock
 * go (the new one may listen at once), then goes on accepting on the socket it still has for
 * MONITOR_LEAVE_MS: a launch that connected just before is served, by this monitor, to its
 * container's end; then it closes the socket and exits once it has no container.
 *
 * Retention: the monitor prunes the expired records of the state dir (md_record_prune) when it
 * starts and then every PRUNE_EVERY_MS, one timer for the whole dir. It runs whenever a
 * container does, which is when records are made; an idle node has no monitor, but nothing
 * new to prune either, and list and recover prune for themselves. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "exit_fifo.h"
#include "monitor_internal.h"
#include "record.h"
#include "util.h"

/* Connections accepted whose request has not come yet; the launch sends it right after its
 * connect, so a few are enough, and one that stays silent is dropped after a while. */
#define PENDING_MAX 16
#define PENDING_TIMEOUT_MS 5000
/* Out of fds: how long the socket is left alone before accepting again. */
#define ACCEPT_PAUSE_MS 1000
/* The loop wakes at least this often, though every deadline is a timeout of its own (an idle
 * container has none): only a safety net, not per container. */
#define LOOP_TICK_MS 60000
/* After the socket's name is gone: how long the monitor still accepts on it (see the top). */
#define MONITOR_LEAVE_MS 1000
/* How often the records are pruned: a quarter of the retention, within 1 s to 1 min; so a
 * record goes at most that long after its time. */
#define PRUNE_EVERY_MS(keep_s) ((keep_s) >= 240 ? 60000 : (keep_s) >= 4 ? (keep_s)*250 : 1000)

struct pending {
        int fd;
        int64_t since;
};

struct server {
        struct monitor_ctx ctx;
        const char *state_dir;
        char sock_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
        int listen_fd;
        struct monitor_container **cs;
        size_t n, cap;
        struct pending pend[PENDING_MAX];
        size_t npend;
        int64_t idle_since;
        int64_t accept_paused_until; /* out of fds: the socket is not polled until then */
        bool activated; /* the socket is systemd's (monitor_activated.c): never unlinked */
        int lock_fd; /* monitor.lock, held while the socket has its name (not when activated) */
        int64_t leaving_until; /* 0, or: the name is gone, accepting until then */
        int64_t keep_exited; /* the policy's, seconds; < 0: records are kept */
        int64_t next_prune; /* monotonic ms */
};

static __attribute__((noreturn)) void fail_start(int ready_fd, const md_error *err)
{
        if (ready_fd < 0) { /* started by systemd: nobody waits on a pipe, the journal has syslog */
                char line[sizeof err->message + 32];
                snprintf(line, sizeof line, "mesos-docker monitor: %s", err->message);
                monitor_log_line(LOG_ERR, line);
                _exit(1);
        }
        struct monitor_report rep;
        memset(&rep, 0, sizeof rep);
        rep.exit_code = md_error_exit_code(err); /* MONITOR_START_BUSY included */
        rep.monitor_pid = getpid();
        snprintf(rep.message, sizeof rep.message, "%s", err->message);
        md_write_all(ready_fd, &rep, sizeof rep);
        _exit(1);
}

int monitor_socket_path(const char *state_dir, const char *name, char *buf, size_t size)
{
        int n = snprintf(buf, size, "%s/%s", state_dir, name);
        return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* monitor.lock, for the monitor's listening life; without waiting: taken means another
 * monitor listens or is about to (MONITOR_START_BUSY). */
static int take_lock(struct server *sv, md_error *err)
{
        char path[sizeof sv->sock_path];
        if (monitor_socket_path(sv->state_dir, MONITOR_LOCK_NAME, path, sizeof path) < 0)
                return md_fail(err, MD_EXIT_FAILED, "monitor: state dir path too long for a socket");
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "monitor: open %s", path);
        int r;
        while ((r = flock(fd, LOCK_EX | LOCK_NB)) < 0 && errno == EINTR)
                ;
        if (r < 0) {
                int e = errno;
                close(fd);
                if (e == EWOULDBLOCK) {
                        md_fail(err, MD_EXIT_UNAVAILABLE, "monitor: %s is taken", path);
                        err->exit_code = MONITOR_START_BUSY;
                        return -1;
                }
                return md_fail_errno(err, MD_EXIT_FAILED, e, "monitor: lock %s", path);
        }
        sv->lock_fd = fd;
        return 0;
}

static int listen_on(struct server *sv, md_error *err)
{
        if (monitor_socket_path(sv->state_dir, MONITOR_SOCKET_NAME, sv->sock_path, sizeof sv->sock_path) < 0)
                return md_fail(err, MD_EXIT_FAILED, "monitor: state dir path too long for a socket");
        int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "monitor: socket");
        struct sockaddr_un a = {.sun_family = AF_UNIX};
        memcpy(a.sun_path, sv->sock_path, strlen(sv->sock_path) + 1);
        /* Under the lock: a socket that is there is a dead monitor's (a leaving one removes
         * its socket's name before it lets the lock go). */
        if (unlink(sv->sock_path) < 0 && errno != ENOENT) {
                close(fd);
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "monitor: remove %s", sv->sock_path);
        }
        mode_t old = umask(077);
        int r = bind(fd, (struct sockaddr *)&a, sizeof a);
        umask(old);
        if (r < 0 || listen(fd, 64) < 0) {
                int e = errno;
                close(fd);
                return md_fail_errno(err, MD_EXIT_FAILED, e, "monitor: listen on %s", sv->sock_path);
        }
        sv->listen_fd = fd;
        return 0;
}

static void refuse(int fd, int code, const char *fmt, const char *arg)
{
        struct monitor_report rep;
        memset(&rep, 0, sizeof rep);
        rep.exit_code = code;
        rep.monitor_pid = getpid();
        snprintf(rep.message, sizeof rep.message, fmt, arg);
        monitor_send_report(fd, &rep);
        close(fd);
}

static bool valid_request(const struct monitor_request *q)
{
        return q->version == MONITOR_REQUEST_VERSION &&
               memchr(q->docker_socket, 0, sizeof q->docker_socket) &&
               memchr(q->container, 0, sizeof q->container) && memchr(q->docker_id, 0, sizeof q->docker_id) &&
               md_container_id_of_name(q->container) && strlen(q->docker_id) == 64 &&
               strspn(q->docker_id, "0123456789abcdef") == 64;
}

static void add_container(struct server *sv, struct monitor_container *c)
{
        if (sv->n == sv->cap) {
                size_t cap = sv->cap ? sv->cap * 2 : 16;
                struct monitor_container **p = realloc(sv->cs, cap * sizeof *p);
                if (!p) {
                        /* cannot keep it: its transfers would run with nobody stepping them */
                        md_error err = {0};
                        md_fail(&err, MD_EXIT_FAILED, "out of memory: its output is not streamed");
                        monitor_log(NULL, LOG_ERR, monitor_container_name(c), &err);
                        monitor_container_free(&sv->ctx, c);
                        return;
                }
                sv->cs = p;
                sv->cap = cap;
        }
        sv->cs[sv->n++] = c;
}

/* 1: handled (the connection is gone or is a container's now), 0: nothing yet. */
static int take_request(struct server *sv, int fd)
{
        struct monitor_request q;
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(2 * sizeof(int))];
        } ctl;
        struct iovec iov = {&q, sizeof q};
        struct msghdr msg = {
                .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
        ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return 0;
        int fds[2] = {-1, -1};
        int nfds = 0;
        for (struct cmsghdr *h = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL; h; h = CMSG_NXTHDR(&msg, h)) {
                if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
                        continue;
                size_t k = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (size_t i = 0; i < k; i++) {
                        int got;
                        memcpy(&got, CMSG_DATA(h) + i * sizeof(int), sizeof got);
                        if (nfds < 2)
                                fds[nfds++] = got;
                        else
                                close(got);
                }
        }
        if (n != (ssize_t)sizeof q || nfds != 2 || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
            !valid_request(&q)) {
                for (int i = 0; i < nfds; i++)
                        close(fds[i]);
                if (n <= 0)
                        close(fd);
                else
                        refuse(fd, MD_EXIT_FAILED, "start the monitor: %s", "malformed request");
                return 1;
        }
        if (strcmp(q.docker_socket, sv->ctx.docker_socket) != 0) {
                close(fds[0]);
                close(fds[1]);
                refuse(fd, MD_EXIT_FAILED, "start the monitor: the monitor of this state dir serves %s",
                       sv->ctx.docker_socket);
                return 1;
        }
        /* Two monitors of one container would write its output twice. */
        for (size_t i = 0; i < sv->n; i++) {
                if (strcmp(monitor_container_name(sv->cs[i]), q.container) == 0) {
                        close(fds[0]);
                        close(fds[1]);
                        refuse(fd, MD_EXIT_FAILED, "monitor: %s is monitored already", q.container);
                        return 1;
                }
        }
        /* the policy may have changed since this monitor started: the newest launch's retention,
         * from the next round on (a shorter one must not wait for the longer one's timer) */
        if (q.keep_exited != sv->keep_exited) {
                sv->keep_exited = q.keep_exited;
                sv->next_prune = 0;
        }
        struct monitor_container *c = monitor_container_begin(&sv->ctx, &q, fds[0], fds[1], fd);
        if (c)
                add_container(sv, c);
        return 1;
}

static void accept_all(struct server *sv, int64_t now)
{
        for (;;) {
                int fd = accept4(sv->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
                if (fd < 0) {
                        if (errno == EINTR || errno == ECONNABORTED)
                                continue;
                        /* Out of fds, the connection stays queued and the socket readable:
                         * polling it again at once would spin. */
                        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                                sv->accept_paused_until = now + ACCEPT_PAUSE_MS;
                        return;
                }
                /* The directory is root-only already; a peer that is not root has no business. */
                struct ucred cred;
                socklen_t len = sizeof cred;
                if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != 0 ||
                    sv->npend == PENDING_MAX) {
                        close(fd);
                        continue;
                }
                if (take_request(sv, fd) == 0)
                        sv->pend[sv->npend++] = (struct pending){fd, now};
        }
}

static void serve_pending(struct server *sv, const struct curl_waitfd *extra, size_t nextra, int64_t now)
{
        size_t kept = 0;
        for (size_t i = 0; i < sv->npend; i++) {
                struct pending p = sv->pend[i];
                bool ready = 1 + i < nextra && extra[1 + i].fd == p.fd && extra[1 + i].revents;
                if (ready && take_request(sv, p.fd))
                        continue;
                if (now - p.since > PENDING_TIMEOUT_MS) {
                        close(p.fd);
                        continue;
                }
                sv->pend[kept++] = p;
        }
        sv->npend = kept;
}

static void step_containers(struct server *sv, int64_t now)
{
        size_t kept = 0;
        for (size_t i = 0; i < sv->n; i++) {
                struct monitor_container *c = sv->cs[i];
                if (monitor_container_step(&sv->ctx, c, now)) {
                        monitor_container_free(&sv->ctx, c);
                        continue;
                }
                sv->cs[kept++] = c;
        }
        if (sv->n && !kept)
                sv->idle_since = now;
        sv->n = kept;
        sv->ctx.containers = kept;
}

static __attribute__((noreturn)) void exit_now(struct server *sv)
{
        curl_multi_cleanup(sv->ctx.multi);
        docker_close(sv->ctx.docker);
        free(sv->cs);
        _exit(0);
}

/* Idle long enough: leave, without losing a launch at the door (see the top of this file). */
static void maybe_exit(struct server *sv, int64_t now)
{
        if (sv->n || sv->npend)
                return;
        if (sv->listen_fd < 0) /* left already; the containers taken meanwhile are done */
                exit_now(sv);
        if (sv->leaving_until) {
                if (now < sv->leaving_until)
                        return;
                accept_all(sv, now); /* the last ones in the queue */
                close(sv->listen_fd);
                sv->listen_fd = -1;
                if (sv->n || sv->npend)
                        return;
                exit_now(sv);
        }
        if (now - sv->idle_since < MONITOR_IDLE_EXIT_MS)
                return;
        /* socket-activated: systemd keeps the socket and what is queued on it, and starts the
         * service again for it */
        if (sv->activated)
                exit_now(sv);
        /* the name first: a launch from now on finds no monitor and starts one, which may
         * take the lock at once */
        unlink(sv->sock_path);
        close(sv->lock_fd);
        sv->lock_fd = -1;
        sv->leaving_until = now + MONITOR_LEAVE_MS;
}

static void prune_when_due(struct server *sv, int64_t now)
{
        if (sv->keep_exited < 0 || now < sv->next_prune)
                return;
        int r = md_record_prune(sv->ctx.record_dirfd, sv->keep_exited, time(NULL));
        if (r < 0)
                syslog(LOG_DAEMON | LOG_WARNING, "mesos-docker monitor: pruning the records: %s",
                       strerror(-r));
        sv->next_prune = now + PRUNE_EVERY_MS(sv->keep_exited);
}

static int next_timeout(const struct server *sv, int64_t now)
{
        int64_t wake = now + LOOP_TICK_MS;
        if (sv->keep_exited >= 0 && sv->next_prune < wake)
                wake = sv->next_prune;
        for (size_t i = 0; i < sv->n; i++) {
                int64_t t = monitor_container_next_ms(&sv->ctx, sv->cs[i]);
                if (t < wake)
                        wake = t;
        }
        for (size_t i = 0; i < sv->npend; i++)
                if (sv->pend[i].since + PENDING_TIMEOUT_MS + 1 < wake)
                        wake = sv->pend[i].since + PENDING_TIMEOUT_MS + 1;
        if (sv->leaving_until && sv->leaving_until < wake)
                wake = sv->leaving_until;
        if (sv->accept_paused_until && sv->accept_paused_until < wake)
                wake = sv->accept_paused_until;
        /* the idle exit (maybe_exit) */
        if (!sv->n && !sv->npend && !sv->leaving_until && sv->idle_since + MONITOR_IDLE_EXIT_MS < wake)
                wake = sv->idle_since + MONITOR_IDLE_EXIT_MS;
        return wake <= now ? 0 : (int)(wake - now);
}

static __attribute__((noreturn)) void serve(struct server *sv)
{
        struct curl_waitfd extra[1 + PENDING_MAX];
        size_t nextra = 0;
        for (;;) {
                int running = 0;
                curl_multi_perform(sv->ctx.multi, &running);
                monitor_stream_collect(sv->ctx.multi);
                int64_t now = md_monotonic_ms();
                if (sv->listen_fd >= 0 && ((nextra && extra[0].fd >= 0 && extra[0].revents) ||
                                           (sv->accept_paused_until && now >= sv->accept_paused_until))) {
                        sv->accept_paused_until = 0;
                        accept_all(sv, now);
                }
                serve_pending(sv, extra, nextra, now);
                size_t before = sv->n;
                step_containers(sv, now);
                prune_when_due(sv, now);
                maybe_exit(sv, now);

                nextra = 0;
                /* extra[0] is the socket, or nothing while accepting is paused */
                bool paused = md_monotonic_ms() < sv->accept_paused_until || sv->listen_fd < 0;
                extra[nextra++] = (struct curl_waitfd){.fd = paused ? -1 : sv->listen_fd,
                                                       .events = paused ? 0 : CURL_WAIT_POLLIN};
                for (size_t i = 0; i < sv->npend; i++)
                        extra[nextra++] =
                                (struct curl_waitfd){.fd = sv->pend[i].fd, .events = CURL_WAIT_POLLIN};
                /* a container just added has transfers curl has not begun: no sleeping first */
                int timeout = sv->n > before ? 0 : next_timeout(sv, md_monotonic_ms());
                if (curl_multi_poll(sv->ctx.multi, extra, (unsigned)nextra, timeout, NULL) != CURLM_OK)
                        timeout = 0; /* only out of memory; the next round tries again */
        }
}

/* ready_fd -1: socket-activated, sv->listen_fd is systemd's listening socket. */
static __attribute__((noreturn)) void run(struct server *sv, int ready_fd)
{
        md_error err = {0};
        int *keep[] = {sv->activated ? &sv->listen_fd : &ready_fd};
        if (monitor_become_root_alone(&err) < 0 || monitor_keep_only_fds(keep, 1, &err) < 0)
                fail_start(ready_fd, &err);
        /* its own process state, before it takes the lock that makes it the monitor */
        monitor_log_open();
        monitor_raise_kept_capabilities();
        /* systemd gave the activated one a cgroup of its own (mesos-docker.slice) */
        monitor_clean_process_state(sv->activated ? MONITOR_STATE_KEEP_CGROUP : 0);
        monitor_quiet_process();
        if (monitor_drop_capabilities(&err) < 0 || monitor_check_limits(&err) < 0)
                fail_start(ready_fd, &err);
        sv->ctx.record_dirfd = md_record_dir_open(sv->state_dir, false, &err);
        /* without it, the containers' waiters poll (exit_fifo.h): not a reason to refuse launches */
        md_error fifo_err = {0};
        sv->ctx.fifo_dirfd = md_state_subdir_open(sv->state_dir, MD_EXIT_FIFO_DIR, true, &fifo_err);
        if (sv->ctx.fifo_dirfd < 0)
                monitor_log(NULL, LOG_WARNING, "waits", &fifo_err);
        /* socket-activated: systemd's socket, and systemd starts one service at a time */
        if (sv->ctx.record_dirfd < 0 ||
            (!sv->activated && (take_lock(sv, &err) < 0 || listen_on(sv, &err) < 0)))
                fail_start(ready_fd, &err);
        sv->ctx.multi = curl_multi_init();
        if (!sv->ctx.multi) {
                md_fail(&err, MD_EXIT_FAILED, "monitor: out of memory");
                fail_start(ready_fd, &err);
        }
        /* The daemon may be away: each launch then tries again, and fails with its reason. */
        if (docker_open(sv->ctx.docker_socket, &sv->ctx.docker, &err) < 0)
                sv->ctx.docker = NULL;

        if (ready_fd >= 0) {
                struct monitor_report ready;
                memset(&ready, 0, sizeof ready);
                ready.monitor_pid = getpid();
                md_write_all(ready_fd, &ready, sizeof ready);
                close(ready_fd);
        }
        sv->idle_since = md_monotonic_ms();
        serve(sv);
}

void monitor_main(const char *docker_socket, const char *state_dir, int64_t keep_exited, int ready_fd)
{
        struct server sv = {
                .state_dir = state_dir, .listen_fd = -1, .lock_fd = -1, .keep_exited = keep_exited};
        sv.ctx.docker_socket = docker_socket;
        sv.ctx.record_dirfd = -1;
        sv.ctx.fifo_dirfd = -1;
        run(&sv, ready_fd);
}

void monitor_main_activated(const char *docker_socket, const char *state_dir, int64_t keep_exited,
                            int listen_fd)
{
        struct server sv = {.state_dir = state_dir,
                            .listen_fd = listen_fd,
                            .activated = true,
                            .lock_fd = -1,
                            .keep_exited = keep_exited};
        sv.ctx.docker_socket = docker_socket;
        sv.ctx.record_dirfd = -1;
        sv.ctx.fifo_dirfd = -1;
        run(&sv, -1);
}
