#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attach.h"
#include "cleanup.h"
#include "engine.h"
#include "exit_wait.h"
#include "launch_plan.h"
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

struct kill_call {
        const char *docker_id;
        int signo;
};

static int kill_in_engine(struct helper *h, const struct md_engine *e, void *arg, struct engine_answer *ans,
                          md_error *err)
{
        (void)ans;
        struct kill_call *c = arg;
        return e->kill(h, c->docker_id, c->signo, err);
}

/* One kill per signal read, by the engine in a child (engine_apart); a container that has just
 * exited answers 409, which is fine. */
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
                struct kill_call c = {f->docker_id, (int)si.ssi_signo};
                engine_apart(f->h, kill_in_engine, &c, NULL, &e);
        }
}

static int attach_wait(struct helper *h, int record_dirfd, const char *name, const char *docker_id,
                       int signal_fd, md_error *err)
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

struct launch_call {
        int argc;
        char **argv;
};

static int launch_in_engine(struct helper *h, const struct md_engine *e, void *arg, struct engine_answer *ans,
                            md_error *err)
{
        struct launch_call *c = arg;
        return e->launch_attached(h, c->argc, c->argv, ans, err);
}

int attach_launch(struct helper *h, int argc, char **argv, md_error *err)
{
        struct launch_args args;
        if (launch_parse_args(argc, argv, true, &args, err) < 0)
                return -1;
        if (!args.attach)
                return engine_run(h, argc, argv, err);
        /* the forwarded signals wait in the signalfd from the start (the child inherits the
         * mask), and fds 1 and 2 must be fit for the monitor before anything is decided */
        _cleanup_close_ int signal_fd = attach_block_signals(err);
        if (signal_fd < 0)
                return -1;
        for (int fd = 1; fd <= 2; fd++) {
                int dup = attach_output_fd(fd, err);
                if (dup < 0)
                        return -1;
                close(dup);
        }
        struct launch_call c = {argc, argv};
        struct engine_answer ans;
        if (engine_apart(h, launch_in_engine, &c, &ans, err) < 0)
                return -1;
        _cleanup_close_ int record_dirfd = md_record_dir_open(h->conf->state_dir, false, err);
        if (record_dirfd < 0)
                return -1;
        return attach_wait(h, record_dirfd, ans.container, ans.docker_id, signal_fd, err);
}
