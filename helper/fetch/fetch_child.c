/* The fetcher's child: a process that has fully become the caller before it touches anything
 * the caller controls (URIs, servers, archives, sandbox files). libcurl, libarchive and the
 * registry config parser run only here. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "fetch_internal.h"
#include "util.h"

/* All three uids and gids become the caller's; the helper is setuid, so the supplementary
 * groups are already the caller's and it could not change them anyway (no CAP_SETGID). Only a
 * real root that asks for another uid (tests, root tools) can and must drop its own groups. */
static int become_caller(uid_t uid, gid_t gid, md_error *err)
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
        return 0;
}

static int cmp_int(const void *a, const void *b)
{
        int x = *(const int *)a, y = *(const int *)b;
        return (x > y) - (x < y);
}

/* Everything the helper holds (audit log, state dir, policy) is closed: the child needs only
 * the fds it was given. */
static void close_other_fds(const int *keep, size_t n)
{
        int sorted[16];
        size_t m = 0;
        for (size_t i = 0; i < n && m < 16; i++)
                if (keep[i] > 2)
                        sorted[m++] = keep[i];
        qsort(sorted, m, sizeof *sorted, cmp_int);
        unsigned lo = 3;
        for (size_t i = 0; i < m; i++) {
                if ((unsigned)sorted[i] > lo)
                        syscall(SYS_close_range, lo, (unsigned)sorted[i] - 1, 0);
                lo = (unsigned)sorted[i] + 1;
        }
        syscall(SYS_close_range, lo, ~0U, 0);
}

static _Noreturn void child_main(uid_t uid, gid_t gid, const int *keep_fds, size_t n_keep, int wfd,
                                 fetch_child_fn fn, void *arg)
{
        md_error err = {0};
        char *out = NULL;
        size_t len = 0;
        int keep[17];
        size_t nk = 0;
        for (size_t i = 0; i < n_keep && nk < 16; i++)
                keep[nk++] = keep_fds[i];
        keep[nk++] = wfd;
        close_other_fds(keep, nk);
        /* stdout carries the helper's JSON answer: nothing the child runs may write there */
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        for (int target = 0; null >= 0 && target < 2; target++) {
                bool kept = false;
                for (size_t i = 0; i < nk; i++)
                        kept |= keep[i] == target;
                if (!kept && null != target)
                        dup2(null, target);
        }
        if (null > 2)
                close(null);
        if (become_caller(uid, gid, &err) == 0 && fn(arg, &out, &len, &err) == 0) {
                int r = md_write_all(wfd, "O", 1);
                if (r == 0 && len)
                        r = md_write_all(wfd, out, len);
                free(out);
                _exit(r == 0 ? 0 : 1);
        }
        unsigned char hdr[2] = {'E', (unsigned char)(err.exit_code ? err.exit_code : MD_EXIT_FAILED)};
        if (md_write_all(wfd, hdr, 2) == 0)
                md_write_all(wfd, err.message, strlen(err.message));
        _exit(1);
}

int fetch_child_run(uid_t uid, gid_t gid, const int *keep_fds, size_t n_keep, fetch_child_fn fn, void *arg,
                    size_t max_out, char **out, md_error *err)
{
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
                child_main(uid, gid, keep_fds, n_keep, p[1], fn, arg);
        }
        close(p[1]);
        _cleanup_close_ int rfd = p[0];
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;
        /* the child's own timeouts bound this read: it ends when the child exits */
        int r = md_read_all(rfd, max_out + 2 + sizeof err->message, &buf, &len);
        if (r < 0)
                kill(pid, SIGKILL);
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        if (r == -EFBIG || (len > max_out + 1 && buf[0] == 'O'))
                return md_fail(err, MD_EXIT_FAILED, "the caller-side result is larger than %zu bytes",
                               max_out);
        if (r < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, -r, "reading the caller-side result");
        if (len >= 1 && buf[0] == 'O' && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
                if (out) {
                        memmove(buf, buf + 1, len - 1);
                        buf[len - 1] = '\0';
                        *out = MD_TAKE_PTR(buf);
                }
                return 0;
        }
        if (len >= 2 && buf[0] == 'E') {
                int code = (unsigned char)buf[1];
                if (code != MD_EXIT_FAILED && code != MD_EXIT_DENIED && code != MD_EXIT_BAD_TASK)
                        code = MD_EXIT_FAILED; /* the child's word is trusted only this far */
                return md_fail(err, code, "%.*s", (int)(len - 2), buf + 2);
        }
        if (WIFSIGNALED(status))
                return md_fail(err, MD_EXIT_FAILED, "the caller-side process died of signal %d",
                               WTERMSIG(status));
        return md_fail(err, MD_EXIT_FAILED, "the caller-side process failed (status %d)", status);
}
