/* The launching side of the shared monitor: find it on STATE_DIR/monitor.sock (start it when
 * nobody answers there), hand it the container and the two output fds, and wait for its word
 * that the container runs, or why it does not. The monitor itself is monitor_server.c. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "monitor_internal.h"
#include "util.h"

static bool valid_config(const struct monitor_config *cfg)
{
        return cfg->docker_socket && cfg->docker_socket[0] == '/' &&
               strlen(cfg->docker_socket) < sizeof(((struct monitor_request *)0)->docker_socket) &&
               cfg->container && strlen(cfg->container) < sizeof(((struct monitor_request *)0)->container) &&
               md_container_id_of_name(cfg->container) && cfg->docker_id && strlen(cfg->docker_id) == 64 &&
               strspn(cfg->docker_id, "0123456789abcdef") == 64 && cfg->state_dir &&
               cfg->state_dir[0] == '/' && cfg->stdout_fd >= 0 && cfg->stderr_fd >= 0;
}

static void sleep_ms(long ms)
{
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

/* Reads one report (a pipe: in pieces; a socket: one message), with a deadline. 1: got it;
 * 0: EOF (the monitor died silently); -ETIMEDOUT; -errno. */
static int read_report(int fd, struct monitor_report *rep, int64_t deadline)
{
        char *p = (char *)rep;
        size_t got = 0;
        while (got < sizeof *rep) {
                /* past the deadline, what is there is still read: a helper its caller stopped
                 * and continued takes the answer that came meanwhile */
                int64_t left = deadline - md_monotonic_ms();
                struct pollfd pfd = {.fd = fd, .events = POLLIN};
                int r = poll(&pfd, 1, left > 0 ? (int)left : 0);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return -errno;
                if (r == 0 && left <= 0)
                        return -ETIMEDOUT;
                if (r == 0)
                        continue;
                ssize_t n = read(fd, p + got, sizeof *rep - got);
                if (n < 0 && (errno == EINTR || errno == EAGAIN))
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return 0;
                got += (size_t)n;
        }
        rep->message[sizeof rep->message - 1] = '\0';
        rep->started_at[sizeof rep->started_at - 1] = '\0';
        return 1;
}

/* A connection to the running monitor; -ECONNREFUSED or -ENOENT (err untouched) when there is
 * none, another negative errno with err set when it cannot be reached. */
static int connect_monitor(const char *state_dir, md_error *err)
{
        struct sockaddr_un a = {.sun_family = AF_UNIX};
        if (monitor_socket_path(state_dir, MONITOR_SOCKET_NAME, a.sun_path, sizeof a.sun_path) < 0) {
                md_fail(err, MD_EXIT_FAILED, "start the monitor: state dir path too long for a socket");
                return -ENAMETOOLONG;
        }
        int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (fd < 0) {
                int e = errno;
                md_fail_errno(err, MD_EXIT_FAILED, e, "start the monitor: socket");
                return -e;
        }
        while (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
                int e = errno;
                if (e == EINTR)
                        continue;
                close(fd);
                if (e != ECONNREFUSED && e != ENOENT)
                        md_fail_errno(err, MD_EXIT_FAILED, e, "start the monitor: connect to %s", a.sun_path);
                return -e;
        }
        /* Only a root process can have bound a socket in the root-only state dir; say so anyway. */
        struct ucred cred;
        socklen_t len = sizeof cred;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != 0) {
                close(fd);
                md_fail(err, MD_EXIT_FAILED, "start the monitor: %s is not root's", a.sun_path);
                return -EPERM;
        }
        return fd;
}

/* The middle child: a new session, then the monitor as its child, then gone, so that the
 * monitor is reparented to init (or the nearest subreaper) and outlives helper and agent. */
static __attribute__((noreturn)) void middle_child(const struct monitor_config *cfg, int ready_fd)
{
        /* root through and through at once: from here the caller can no longer signal (stop)
         * this process, nor the monitor it forks */
        md_error err = {0};
        pid_t pid = -1;
        if (monitor_become_root_alone(&err) == 0) {
                setsid();
                pid = fork();
                if (pid == 0)
                        monitor_main(cfg->docker_socket, cfg->state_dir, cfg->keep_exited, ready_fd);
                if (pid < 0)
                        md_fail_errno(&err, MD_EXIT_FAILED, errno, "start the monitor: fork");
        }
        if (pid < 0) {
                struct monitor_report rep;
                memset(&rep, 0, sizeof rep);
                rep.exit_code = MD_EXIT_FAILED;
                snprintf(rep.message, sizeof rep.message, "%s", err.message);
                md_write_all(ready_fd, &rep, sizeof rep);
                _exit(1);
        }
        _exit(0);
}

/* Starts a monitor and returns once it listens (0), or once it found another one starting
 * or leaving (1: connect again). */
static int start_monitor(const struct monitor_config *cfg, int64_t deadline, md_error *err)
{
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "start the monitor: pipe");
        /* Whatever the caller buffered must not be written twice, by us and by the child. */
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
                close(p[0]);
                middle_child(cfg, p[1]);
        }
        int fork_errno = errno;
        close(p[1]);
        if (pid < 0) {
                close(p[0]);
                return md_fail_errno(err, MD_EXIT_FAILED, fork_errno, "start the monitor: fork");
        }
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
        struct monitor_report rep;
        memset(&rep, 0, sizeof rep);
        int r = read_report(p[0], &rep, deadline);
        close(p[0]);
        if (r == -ETIMEDOUT)
                return md_fail(err, MD_EXIT_UNAVAILABLE, "start the monitor: no word within %d ms",
                               MONITOR_REPORT_TIMEOUT_MS);
        if (r == 0)
                return md_fail(err, MD_EXIT_FAILED, "start the monitor: it exited without a word");
        if (r < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, -r, "start the monitor: read its word");
        if (rep.exit_code == MONITOR_START_BUSY)
                return 1;
        if (rep.exit_code != 0)
                return md_fail(err, rep.exit_code, "%s", rep.message);
        return 0;
}

/* Connects to the monitor of the state dir, starting it when it is not there. No lock: the
 * monitor alone holds monitor.lock (monitor_server.c), so no other caller's helper, stopped or
 * starved at any point, stands between this launch and the monitor. A start that finds
 * another monitor starting or leaving tries to connect again, for at most the deadline. */
static int reach_monitor(const struct monitor_config *cfg, int64_t deadline, md_error *err)
{
        long pause = 5;
        for (;;) {
                int fd = connect_monitor(cfg->state_dir, err);
                if (fd >= 0)
                        return fd;
                if (fd != -ECONNREFUSED && fd != -ENOENT)
                        return -1;
                if (md_monotonic_ms() > deadline)
                        return md_fail(err, MD_EXIT_UNAVAILABLE,
                                       "start the monitor: none answers within %d ms",
                                       MONITOR_REPORT_TIMEOUT_MS);
                int r = start_monitor(cfg, deadline, err);
                if (r < 0)
                        return -1;
                if (r == 1) {
                        sleep_ms(pause);
                        pause = pause * 2 > 200 ? 200 : pause * 2;
                }
        }
}

int monitor_send_request(int fd, const struct monitor_config *cfg, bool adopt, md_error *err)
{
        struct monitor_request q;
        memset(&q, 0, sizeof q);
        q.version = MONITOR_REQUEST_VERSION;
        q.adopt = adopt;
        q.keep_exited = cfg->keep_exited;
        snprintf(q.docker_socket, sizeof q.docker_socket, "%s", cfg->docker_socket);
        snprintf(q.container, sizeof q.container, "%s", cfg->container);
        snprintf(q.docker_id, sizeof q.docker_id, "%s", cfg->docker_id);
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(2 * sizeof(int))];
        } ctl;
        memset(&ctl, 0, sizeof ctl);
        struct iovec iov = {&q, sizeof q};
        struct msghdr msg = {
                .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
        struct cmsghdr *h = CMSG_FIRSTHDR(&msg);
        h->cmsg_level = SOL_SOCKET;
        h->cmsg_type = SCM_RIGHTS;
        h->cmsg_len = CMSG_LEN(2 * sizeof(int));
        int fds[2] = {cfg->stdout_fd, cfg->stderr_fd};
        memcpy(CMSG_DATA(h), fds, sizeof fds);
        ssize_t n;
        while ((n = sendmsg(fd, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR)
                ;
        if (n != (ssize_t)sizeof q)
                return md_fail_errno(err, MD_EXIT_FAILED, n < 0 ? errno : EIO, "start the monitor: send");
        return 0;
}

/* Both launch and adopt: the request to the monitor and its one reply. A container it failed
 * to launch is the launcher's to remove, whatever the reason (monitor.h); a failed adoption
 * leaves it (the reaper's, or the next try's). */
static int hand_over(const struct monitor_config *cfg, bool adopt, struct monitor_started *out, md_error *err)
{
        bool valid = valid_config(cfg);
        _cleanup_close_ int out_fd = cfg->stdout_fd, err_fd = cfg->stderr_fd;
        if (!valid)
                return md_fail(err, MD_EXIT_FAILED, "start the monitor: invalid configuration");
        int64_t deadline = md_monotonic_ms() + MONITOR_REPORT_TIMEOUT_MS;
        int fd = reach_monitor(cfg, deadline, err);
        int sent = fd < 0 ? -1 : monitor_send_request(fd, cfg, adopt, err);
        if (sent < 0) {
                if (fd >= 0)
                        close(fd);
                return -1;
        }
        struct monitor_report rep;
        memset(&rep, 0, sizeof rep);
        int r = read_report(fd, &rep, deadline);
        /* Closing the connection is how a late monitor learns we gave up (its send fails). */
        close(fd);
        if (r == -ETIMEDOUT)
                return md_fail(err, MD_EXIT_UNAVAILABLE,
                               "start container %s: docker daemon unavailable: no answer within %d ms",
                               cfg->container, MONITOR_REPORT_TIMEOUT_MS);
        if (r == 0)
                return md_fail(err, MD_EXIT_FAILED, "start container %s: the monitor exited without a word",
                               cfg->container);
        if (r < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, -r, "start container %s: read the monitor's report",
                                     cfg->container);
        if (rep.exit_code != 0)
                return md_fail(err, rep.exit_code, "%s", rep.message);
        out->monitor_pid = rep.monitor_pid;
        out->container_pid = rep.container_pid;
        memcpy(out->started_at, rep.started_at, sizeof out->started_at);
        return 0;
}

int monitor_launch(const struct monitor_config *cfg, struct monitor_started *out, md_error *err)
{
        return hand_over(cfg, false, out, err);
}

int monitor_adopt(const struct monitor_config *cfg, md_error *err)
{
        struct monitor_started ignored;
        return hand_over(cfg, true, &ignored, err);
}
