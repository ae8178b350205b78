#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caller_child.h"
#include "cleanup.h"
#include "util.h"

/* Wire format of the child's answer: one byte 'O' or 'E'; for 'E' one byte exit code then the
 * message; for 'O' the output. */

/* All three uids and gids become the caller's; the helper is setuid, so the supplementary
 * groups are already the caller's and it could not change them anyway (no CAP_SETGID). Only a
 * real root that asks for another uid (tests, root tools) can and must drop its own groups. */
int caller_child_become(uid_t uid, gid_t gid, pid_t parent_pid, md_error *err)
{
        if (getuid() == 0 && uid != 0 && setgroups(1, &gid) < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "setgroups");
        if (setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "cannot become uid %u gid %u", (unsigned)uid,
                                     (unsigned)gid);
        uid_t r, e, s;
        gid_t rg, eg, sg;
        if (getresuid(&r, &e, &s) < 0 || getresgid(&rg, &eg, &sg) < 0 || r != uid || e != uid || s != uid ||
            rg != gid || eg != gid || sg != gid)
                return md_fail(err, MD_EXIT_FAILED, "ids did not change to uid %u gid %u", (unsigned)uid,
                               (unsigned)gid);
        if (uid != 0 && (r == 0 || e == 0 || s == 0))
                return md_fail(err, MD_EXIT_FAILED, "still uid 0 after becoming uid %u", (unsigned)uid);
        if (gid != 0 && (rg == 0 || eg == 0 || sg == 0))
                return md_fail(err, MD_EXIT_FAILED, "still gid 0 after becoming gid %u", (unsigned)gid);
        /* The id change resets both: not dumpable (no ptrace by the caller while we hold fds the
         * helper opened), no new privileges (nothing setuid can be gained), and die with the
         * parent. */
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
            prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "prctl");
        /* a parent that died before PDEATHSIG was set sends nothing: see for ourselves */
        if (getppid() != parent_pid) {
                md_fail(err, MD_EXIT_FAILED, "the helper is gone");
                return -ESRCH;
        }
        return 0;
}

static bool kept(const struct caller_child *c, int fd)
{
        for (size_t i = 0; i < c->n_keep; i++)
                if (c->keep_fds[i] == fd)
                        return true;
        return false;
}

/* Everything the helper holds (audit log, state dir, policy) is closed: the child needs only
 * the fds it was given; stdin and stdout become /dev/null unless given. */
static void keep_only(const struct caller_child *c, int wfd)
{
        int keep[CALLER_CHILD_MAX_KEEP + 1];
        size_t nk = 0;
        for (size_t i = 0; i < c->n_keep && nk < CALLER_CHILD_MAX_KEEP; i++)
                keep[nk++] = c->keep_fds[i];
        keep[nk++] = wfd;
        md_close_fds_except(keep, nk, 3);
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        for (int target = 0; null >= 0 && target < 2; target++)
                if (!kept(c, target) && null != target)
                        dup2(null, target);
        if (null > 2)
                close(null);
}

static _Noreturn void child_main(const struct caller_child *c, pid_t parent, int wfd, caller_child_fn fn,
                                 void *arg)
{
        md_error err = {0};
        char *out = NULL;
        size_t len = 0;
        keep_only(c, wfd);
        if (caller_child_become(c->uid, c->gid, parent, &err) == 0 && fn(arg, &out, &len, &err) == 0) {
                int r = md_write_all(wfd, "O", 1);
                if (r == 0 && out && len)
                        r = md_write_all(wfd, out, len);
                free(out);
                _exit(r == 0 ? 0 : 1);
        }
        unsigned char hdr[2] = {'E', (unsigned char)md_error_exit_code(&err)};
        if (md_write_all(wfd, hdr, 2) == 0)
                md_write_all(wfd, err.message, strlen(err.message));
        _exit(1);
}

static int trusted_code(const struct caller_child *c, int code)
{
        for (const int *t = c->exit_codes; t && *t; t++)
                if (*t == code)
                        return code;
        return MD_EXIT_FAILED;
}

int caller_child_run(const struct caller_child *c, caller_child_fn fn, void *arg, char **out, size_t *out_len,
                     md_error *err)
{
        if (c->n_keep > CALLER_CHILD_MAX_KEEP)
                return md_fail(err, MD_EXIT_FAILED, "caller child: more than %d fds to keep",
                               CALLER_CHILD_MAX_KEEP);
        pid_t parent = getpid();
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "pipe");
        pid_t pid = fork();
        if (pid < 0) {
                int e = errno;
                close(p[0]);
                close(p[1]);
                return md_fail_errno(err, MD_EXIT_FAILED, e, "fork");
        }
        if (pid == 0) {
                close(p[0]);
                child_main(c, parent, p[1], fn, arg);
        }
        close(p[1]);
        _cleanup_close_ int rfd = p[0];
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;
        /* room for the output or an error message; the read ends when the child exits (its own
         * timeouts bound it) or when it writes too much */
        int r = md_read_all(rfd, c->max_out + 2 + sizeof err->message, &buf, &len);
        if (r < 0)
                kill(pid, SIGKILL); /* oversize: do not wait for it to finish writing */
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        if (r == -EFBIG || (r == 0 && len > c->max_out + 1 && buf[0] == 'O'))
                return md_fail(err, MD_EXIT_FAILED, "the caller-side result is larger than %zu bytes",
                               c->max_out);
        if (r < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, -r, "reading the caller-side result");
        if (len >= 1 && buf[0] == 'O' && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
                memmove(buf, buf + 1, len - 1);
                buf[len - 1] = '\0';
                if (out_len)
                        *out_len = len - 1;
                if (out)
                        *out = MD_TAKE_PTR(buf);
                return 0;
        }
        if (len >= 2 && buf[0] == 'E')
                return md_fail(err, trusted_code(c, (unsigned char)buf[1]), "%.*s", (int)(len - 2), buf + 2);
        if (WIFSIGNALED(status))
                return md_fail(err, MD_EXIT_FAILED, "the caller-side process died of signal %d",
                               WTERMSIG(status));
        return md_fail(err, MD_EXIT_FAILED, "the caller-side process failed (status %d)", status);
}
