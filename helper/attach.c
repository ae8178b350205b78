#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attach.h"
#include "docker.h"
#include "exit_wait.h"
#include "mounts.h"
#include "signals.h"

static const int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

int attach_block_signals(md_error *err)
{
        sigset_t set;
        sigemptyset(&set);
        for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++)
                sigaddset(&set, forwarded[i]);
        /* the children the helper forks (fetch, the monitor) reset their mask themselves */
        if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "block the forwarded signals");
        int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
        if (fd < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "signalfd");
        return fd;
}

int attach_output_fd(int fd, md_error *err)
{
        const char *what = fd == 1 ? "stdout" : "stderr";
        struct stat st;
        int fl = fcntl(fd, F_GETFL);
        int fuse = md_fd_on_fuse(fd);
        if (fl < 0 || fstat(fd, &st) < 0 || fuse < 0)
                return md_fail(err, MD_EXIT_USAGE, "--attach: %s is not open", what);
        if (!S_ISREG(st.st_mode) || (fl & O_ACCMODE) == O_RDONLY || !(fl & O_APPEND))
                return md_fail(err, MD_EXIT_USAGE,
                               "--attach: %s must be a regular file opened for appending (O_APPEND), not a "
                               "pipe or terminal: the shared monitor writes to it",
                               what);
        if (fuse)
                return md_fail(err, MD_EXIT_USAGE, "--attach: %s is a file on a FUSE filesystem", what);
        int dup = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (dup < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "--attach: dup %s", what);
        return dup;
}

struct forwarder {
        struct helper *h;
        const char *name;
        const char *docker_id;
        int signal_fd;
};

/* One kill per signal read; a container that has just exited answers 409, which is fine. */
static void forward_signals(void *arg)
{
        struct forwarder *f = arg;
        struct signalfd_siginfo si;
        while (read(f->signal_fd, &si, sizeof si) == (ssize_t)sizeof si) {
                const char *sig = md_signal_name((int)si.ssi_signo);
                char reason[96];
                snprintf(reason, sizeof reason, "launch --attach forwards %s", sig ? sig : "a signal");
                md_error e = {0};
                if (helper_audit(f->h, f->name, NULL, true, "owner", reason, &e) < 0)
                        continue; /* fail closed: no record, no kill */
                struct docker *d = NULL;
                char num[16];
                snprintf(num, sizeof num, "%u", si.ssi_signo);
                if (docker_open(f->h->conf->docker_socket, &d, &e) == 0)
                        docker_container_kill(d, f->docker_id, num, &e);
                docker_close(d);
        }
}

int attach_wait(struct helper *h, int record_dirfd, const char *name, const char *docker_id, int signal_fd,
                md_error *err)
{
        struct forwarder f = {h, name, docker_id, signal_fd};
        /* a monitor that dies meanwhile is replaced, writing on to our own fds 1 and 2 */
        struct exit_wait_hook hook = {signal_fd, forward_signals, &f, 1, 2};
        struct md_record r = {0};
        if (exit_wait_for_record_hooked(h, record_dirfd, name, &hook, &r, err) < 0)
                return -1;
        int code = r.exit_code;
        md_record_clear(&r);
        if (code < 0)
                return md_fail(err, MD_EXIT_FAILED, "%s: its exit status could not be learnt", name);
        /* the daemon reports a death by signal N as 128+N already, as docker run exits */
        h->exit_status = code & 0xff;
        return 0;
}
