/* The holder of the checked bind sources (bind_holder.h says why it exists). */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bind_holder.h"
#include "cgroups.h"
#include "util.h"

static void sleep_s(time_t s)
{
        struct timespec ts = {s, 0};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

/* The child. It holds its descriptors at the numbers the helper wrote into the create request. */
static _Noreturn void holder_main(bool privileged, int *keep, size_t n, int sock)
{
        keep[n] = sock;
        /* from fd 0 on: the caller's stdin/stdout/stderr too, since an agent reading the
         * helper's stdout waits for its last writer to go */
        md_close_fds_except(keep, n + 1, 0);
        /* out of the caller's session and terminal: no SIGHUP or job-control signal reaches it */
        setsid();
        /* Real and saved uid 0 (euid and saved uid are 0 already, so no capability is needed):
         * kill(2) from the caller now fails with EPERM. */
        if (privileged && setresuid(0, 0, 0) < 0)
                _exit(1);
        /* and out of the caller's cgroups when the caller controls them (a delegated subtree:
         * cgroup.kill, a memory limit) and could kill it and free its pid; staying is what it
         * did before, so a failure here is not fatal */
        if (privileged && md_cgroup_delegated())
                md_cgroup_enter_own(NULL, 0);
        static const int quiet[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGUSR1, SIGUSR2, SIGALRM};
        for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++)
                signal(quiet[i], SIG_IGN);
        char c = 'r';
        if (write(sock, &c, 1) != 1)
                _exit(1);
        ssize_t r;
        while ((r = read(sock, &c, 1)) < 0 && errno == EINTR)
                ;
        if (r != 1) /* the helper died without a word: a start may still come */
                sleep_s(BIND_HOLDER_LINGER_S);
        _exit(0);
}

/* dockerd reads "/proc/PID/fd/N" with PID as its own PID namespace numbers it. NSpid lists our
 * pid in every namespace from the initial one down: one entry, no nesting. */
static bool in_initial_pid_namespace(void)
{
        FILE *f = fopen("/proc/self/status", "re");
        if (!f)
                return false;
        char line[256];
        bool single = false;
        while (fgets(line, sizeof line, f))
                if (strncmp(line, "NSpid:", 6) == 0) {
                        unsigned long a, b;
                        single = sscanf(line + 6, "%lu %lu", &a, &b) == 1;
                        break;
                }
        fclose(f);
        return single;
}

int bind_holder_start(const struct privilege *priv, const int *fds, size_t n, struct bind_holder *out,
                      md_error *err)
{
        if (n > BIND_HOLDER_MAX_FDS)
                return md_fail(err, MD_EXIT_FAILED, "hold the bind sources: more than %d",
                               BIND_HOLDER_MAX_FDS);
        if (!in_initial_pid_namespace())
                return md_fail(err, MD_EXIT_FAILED,
                               "hold the bind sources: the helper runs in a nested PID namespace, where "
                               "dockerd cannot find its descriptors");
        int keep[BIND_HOLDER_MAX_FDS + 1];
        memcpy(keep, fds, n * sizeof *fds);
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "hold the bind sources: socketpair");
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0)
                holder_main(priv->privileged, keep, n, sv[1]);
        int fork_errno = errno;
        close(sv[1]);
        if (pid < 0) {
                close(sv[0]);
                return md_fail_errno(err, MD_EXIT_FAILED, fork_errno, "hold the bind sources: fork");
        }
        char c = 0;
        ssize_t r;
        while ((r = read(sv[0], &c, 1)) < 0 && errno == EINTR)
                ;
        out->pid = pid;
        out->sock = sv[0];
        if (r != 1 || c != 'r') {
                bind_holder_release(out);
                return md_fail(err, MD_EXIT_FAILED, "hold the bind sources: the holder did not start");
        }
        return 0;
}

void bind_holder_source(const struct bind_holder *h, int fd, char out[static BIND_HOLDER_SOURCE_MAX])
{
        snprintf(out, BIND_HOLDER_SOURCE_MAX, "/proc/%ld/fd/%d", (long)h->pid, fd);
}

void bind_holder_release(struct bind_holder *h)
{
        if (h->pid <= 0)
                return;
        char c = 'd';
        if (send(h->sock, &c, 1, MSG_NOSIGNAL) < 0) {
                /* it is gone already */
        }
        close(h->sock);
        while (waitpid(h->pid, NULL, 0) < 0 && errno == EINTR)
                ;
        h->pid = 0;
        h->sock = -1;
}
