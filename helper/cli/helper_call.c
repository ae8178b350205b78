#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "helper_call.h"
#include "util.h"

#define HELPER_OUTPUT_MAX (64 * 1024 * 1024) /* inspect of a big container stays far below */

extern char **environ;

static void child_exec(const char *const *args, int stdin_fd, int out_w, int err_w)
{
        if ((stdin_fd >= 0 && dup2(stdin_fd, 0) < 0) || (out_w >= 0 && dup2(out_w, 1) < 0) ||
            (err_w >= 0 && dup2(err_w, 2) < 0))
                _exit(CLI_EXIT_USAGE);
        size_t n = 0;
        while (args[n])
                n++;
        const char **argv = calloc(n + 2, sizeof *argv);
        if (!argv)
                _exit(CLI_EXIT_USAGE);
        argv[0] = "mesos-docker-helper";
        memcpy(argv + 1, args, n * sizeof *argv);
        execve(MD_HELPER_PATH, (char *const *)argv, environ);
        free(argv);
}

int cli_helper_exec(const char *const *args, int stdin_fd, md_error *err)
{
        child_exec(args, stdin_fd, -1, -1);
        return md_fail_errno(err, CLI_EXIT_USAGE, errno, "cannot run %s", MD_HELPER_PATH);
}

static int append_read(int fd, char **buf, size_t *len, size_t *cap)
{
        if (*cap - *len < 4096 + 1) {
                size_t ncap = *cap ? *cap * 2 : 8192;
                if (ncap > HELPER_OUTPUT_MAX)
                        return -EFBIG;
                char *n = realloc(*buf, ncap);
                if (!n)
                        return -ENOMEM;
                *buf = n;
                *cap = ncap;
        }
        ssize_t r = read(fd, *buf + *len, *cap - *len - 1);
        if (r < 0)
                return errno == EINTR || errno == EAGAIN ? 1 : -errno;
        *len += (size_t)r;
        (*buf)[*len] = '\0';
        return r > 0;
}

static int collect(int out_r, int err_r, void (*tick)(void *), void *arg, int tick_ms,
                   struct cli_helper_result *res)
{
        size_t out_cap = 0, err_cap = 0;
        struct pollfd pfd[2] = {{out_r, POLLIN, 0}, {err_r, POLLIN, 0}};
        int open_fds = 2, rc = 0;
        while (open_fds > 0) {
                int n = poll(pfd, 2, tick ? tick_ms : -1);
                if (n < 0 && errno != EINTR)
                        return -errno;
                if (tick)
                        tick(arg);
                for (int i = 0; i < 2 && n > 0; i++) {
                        if (pfd[i].fd < 0 || !pfd[i].revents)
                                continue;
                        int r = i == 0 ? append_read(out_r, &res->out, &res->out_len, &out_cap)
                                       : append_read(err_r, &res->err, &res->err_len, &err_cap);
                        if (r < 0 && rc == 0)
                                rc = r;
                        if (r <= 0) {
                                pfd[i].fd = -1;
                                open_fds--;
                        }
                }
        }
        return rc;
}

int cli_helper_run(const char *const *args, int stdin_fd, void (*tick)(void *arg), void *arg, int tick_ms,
                   struct cli_helper_result *res, md_error *err)
{
        *res = (struct cli_helper_result){0};
        int out[2], errp[2];
        if (pipe2(out, O_CLOEXEC) < 0)
                return md_fail_errno(err, CLI_EXIT_USAGE, errno, "pipe");
        if (pipe2(errp, O_CLOEXEC) < 0) {
                close(out[0]);
                close(out[1]);
                return md_fail_errno(err, CLI_EXIT_USAGE, errno, "pipe");
        }
        pid_t pid = fork();
        if (pid == 0) {
                child_exec(args, stdin_fd, out[1], errp[1]);
                _exit(127);
        }
        close(out[1]);
        close(errp[1]);
        if (pid < 0) {
                close(out[0]);
                close(errp[0]);
                return md_fail_errno(err, CLI_EXIT_USAGE, errno, "fork");
        }
        int rc = collect(out[0], errp[0], tick, arg, tick_ms, res);
        close(out[0]);
        close(errp[0]);
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return md_fail_errno(err, CLI_EXIT_USAGE, errno, "waiting for the helper");
        if (!res->out && !(res->out = strdup("")))
                rc = -ENOMEM;
        if (!res->err && !(res->err = strdup("")))
                rc = -ENOMEM;
        if (rc < 0) {
                cli_helper_result_clear(res);
                return md_fail_errno(err, CLI_EXIT_USAGE, -rc, "reading the helper's answer");
        }
        res->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (res->status == 127 && res->out_len == 0 && res->err_len == 0)
                return md_fail(err, CLI_EXIT_USAGE, "cannot run %s", MD_HELPER_PATH);
        return 0;
}

void cli_helper_result_clear(struct cli_helper_result *res)
{
        free(res->out);
        free(res->err);
        *res = (struct cli_helper_result){0};
}

void cli_helper_relay_stderr(const struct cli_helper_result *res)
{
        if (res->err_len)
                (void)md_write_all(2, res->err, res->err_len);
}

int cli_task_fd(json_t *task, md_error *err)
{
        _cleanup_free_ char *text = json_dumps(task, JSON_COMPACT);
        if (!text)
                return md_fail(err, CLI_EXIT_USAGE, "out of memory");
        int fd = memfd_create("mesos-docker-task", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0)
                return md_fail_errno(err, CLI_EXIT_USAGE, errno, "memfd_create");
        if (md_write_all(fd, text, strlen(text)) < 0 || lseek(fd, 0, SEEK_SET) < 0 ||
            fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) < 0) {
                int e = errno;
                close(fd);
                return md_fail_errno(err, CLI_EXIT_USAGE, e, "writing the task");
        }
        return fd;
}

int cli_helper_failure(const struct cli_helper_result *res, const char *kind, const char *name,
                       int failure_code)
{
        if (res->status == 2 && name) {
                fprintf(stderr, "Error: No such %s: %s\n", kind, name);
                return 1;
        }
        cli_helper_relay_stderr(res);
        return res->status == 64 ? CLI_EXIT_USAGE : failure_code;
}
