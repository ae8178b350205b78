/* The launching side of the monitor: fork it detached, then wait for its word that the
 * container runs (or why it does not). The monitor itself is monitor_run.c. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monitor_internal.h"
#include "util.h"

/* Longer than the monitor's own bound on its setup (monitor_run.c), so that normally the
 * monitor's message, not this timeout, says what went wrong. */
#define MONITOR_REPORT_TIMEOUT_MS 60000

static bool valid_config(const struct monitor_config *cfg)
{
        return cfg->docker_socket && cfg->docker_socket[0] == '/' && cfg->container &&
               md_container_id_of_name(cfg->container) && cfg->docker_id && strlen(cfg->docker_id) == 64 &&
               strspn(cfg->docker_id, "0123456789abcdef") == 64 && cfg->state_dir &&
               cfg->state_dir[0] == '/' && cfg->stdout_fd >= 0 && cfg->stderr_fd >= 0;
}

/* Reads the fixed-size report, with a deadline. 1: got it; 0: EOF (the monitor died
 * silently); -ETIMEDOUT; -errno. */
static int read_report(int fd, struct monitor_report *rep)
{
        char *p = (char *)rep;
        size_t got = 0;
        int64_t deadline = md_monotonic_ms() + MONITOR_REPORT_TIMEOUT_MS;
        while (got < sizeof *rep) {
                int64_t left = deadline - md_monotonic_ms();
                if (left <= 0)
                        return -ETIMEDOUT;
                struct pollfd pfd = {.fd = fd, .events = POLLIN};
                int r = poll(&pfd, 1, (int)left);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return -errno;
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
        return 1;
}

/* The middle child: a new session, then the monitor as its child, then gone, so that the
 * monitor is reparented to init (or the nearest subreaper) and outlives helper and agent. */
static __attribute__((noreturn)) void middle_child(const struct monitor_config *cfg, int report_fd)
{
        setsid();
        pid_t pid = fork();
        if (pid == 0)
                monitor_main(cfg, report_fd);
        if (pid < 0) {
                struct monitor_report rep;
                memset(&rep, 0, sizeof rep);
                rep.exit_code = MD_EXIT_FAILED;
                snprintf(rep.message, sizeof rep.message, "start the monitor: fork: %s", strerror(errno));
                md_write_all(report_fd, &rep, sizeof rep);
                _exit(1);
        }
        _exit(0);
}

static void remove_after_failure(const struct monitor_config *cfg)
{
        struct docker *d = NULL;
        md_error ignored = {0};
        if (docker_open(cfg->docker_socket, &d, &ignored) == 0) {
                docker_container_remove(d, cfg->docker_id, &ignored);
                docker_close(d);
        }
}

int monitor_launch(const struct monitor_config *cfg, struct monitor_started *out, md_error *err)
{
        if (!valid_config(cfg)) {
                if (cfg->stdout_fd >= 0)
                        close(cfg->stdout_fd);
                if (cfg->stderr_fd >= 0)
                        close(cfg->stderr_fd);
                return md_fail(err, MD_EXIT_FAILED, "start the monitor: invalid configuration");
        }
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0) {
                int e = errno;
                close(cfg->stdout_fd);
                close(cfg->stderr_fd);
                return md_fail_errno(err, MD_EXIT_FAILED, e, "start the monitor: pipe");
        }
        /* Whatever the caller buffered must not be written twice, by us and by the child. */
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
                close(p[0]);
                middle_child(cfg, p[1]);
        }
        int fork_errno = errno;
        close(p[1]);
        close(cfg->stdout_fd);
        close(cfg->stderr_fd);
        if (pid < 0) {
                close(p[0]);
                return md_fail_errno(err, MD_EXIT_FAILED, fork_errno, "start the monitor: fork");
        }
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;

        struct monitor_report rep;
        memset(&rep, 0, sizeof rep);
        int r = read_report(p[0], &rep);
        /* Closing the pipe is how a late monitor learns we gave up (its write fails). */
        close(p[0]);
        if (r == -ETIMEDOUT)
                return md_fail(err, MD_EXIT_UNAVAILABLE,
                               "start container %s: docker daemon unavailable: no answer within %d ms",
                               cfg->container, MONITOR_REPORT_TIMEOUT_MS);
        if (r <= 0) {
                remove_after_failure(cfg);
                if (r == 0)
                        return md_fail(err, MD_EXIT_FAILED,
                                       "start container %s: the monitor exited without a word",
                                       cfg->container);
                return md_fail_errno(err, MD_EXIT_FAILED, -r, "start container %s: read the monitor's report",
                                     cfg->container);
        }
        rep.message[sizeof rep.message - 1] = '\0';
        rep.started_at[sizeof rep.started_at - 1] = '\0';
        if (rep.exit_code != 0) {
                if (!rep.removed)
                        remove_after_failure(cfg);
                return md_fail(err, rep.exit_code, "%s", rep.message);
        }
        out->monitor_pid = rep.monitor_pid;
        out->container_pid = rep.container_pid;
        memcpy(out->started_at, rep.started_at, sizeof out->started_at);
        return 0;
}
