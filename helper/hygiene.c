#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hygiene.h"

int hygiene_fix_fds(md_error *err)
{
        for (int fd = 0; fd <= 2; fd++) {
                if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
                        continue;
                int nfd = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY); /* takes the lowest free fd: fd */
                if (nfd != fd)
                        return md_fail_errno(err, MD_EXIT_FAILED, errno, "cannot make fd %d valid", fd);
        }
        /* For a setuid program whose caller closed stdout or stderr, glibc has already put a
         * read-only /dev/null there; the answer would then fail after the work was done. A
         * writable /dev/null discards it instead, as the caller asked by closing it. */
        for (int fd = 1; fd <= 2; fd++) {
                int fl = fcntl(fd, F_GETFL);
                if (fl < 0 || (fl & O_ACCMODE) != O_RDONLY)
                        continue;
                int nfd = open("/dev/null", O_WRONLY | O_CLOEXEC);
                if (nfd < 0 || dup2(nfd, fd) != fd)
                        return md_fail_errno(err, MD_EXIT_FAILED, errno, "cannot make fd %d writable", fd);
                close(nfd);
        }
        /* close_range exists since Linux 5.9; fall back to a loop for older kernels */
        if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
                return 0;
        struct rlimit rl;
        int max =
                getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY ? (int)rl.rlim_max : 65536;
        for (int fd = 3; fd < max; fd++)
                close(fd);
        return 0;
}

int hygiene_clear_environment(md_error *err)
{
        if (clearenv() != 0)
                return md_fail(err, MD_EXIT_FAILED, "cannot clear the environment");
        /* we never exec; PATH is set only so that nothing falls back to a caller-chosen default */
        setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
        return 0;
}

int hygiene_reset_signals(md_error *err)
{
        struct sigaction sa = {.sa_handler = SIG_DFL};
        sigemptyset(&sa.sa_mask);
        for (int sig = 1; sig < NSIG; sig++) {
                if (sig == SIGKILL || sig == SIGSTOP)
                        continue;
                sigaction(sig, &sa, NULL); /* EINVAL for the signals glibc reserves: fine */
        }
        sa.sa_handler = SIG_IGN;
        sigaction(SIGPIPE, &sa, NULL);
        sigaction(SIGXFSZ, &sa, NULL);
        sigset_t none;
        sigemptyset(&none);
        if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "cannot reset the signal mask");
        return 0;
}

int hygiene_open_caller_path(int caller_cwd, const char *path, int flags)
{
        if (path[0] != '/' && caller_cwd < 0) {
                errno = ENOENT; /* relative to a working directory we could not keep */
                return -1;
        }
        return openat(caller_cwd, path, flags);
}

int hygiene_fix_process(int *caller_cwd, md_error *err)
{
        umask(022);
        /* Kept for the paths the caller names relative to it (`--task`, `policy check FILE`),
         * which are opened later, as the caller, from there: O_PATH gives no right to read the
         * directory, and a look-up from it still needs the caller's search permission. */
        *caller_cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (chdir("/") < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "chdir /");
        struct rlimit no_core = {0, 0};
        if (setrlimit(RLIMIT_CORE, &no_core) < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "cannot disable core dumps");
        /* A setuid exec already makes us non-dumpable, but every later change of fsuid resets the
         * flag to the suid_dumpable sysctl; say it explicitly (and again after such changes). */
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "PR_SET_DUMPABLE");
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "PR_SET_NO_NEW_PRIVS");
        /* A caller may have lowered the soft limit on open files to make curl fail halfway. */
        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 1024 && rl.rlim_max > rl.rlim_cur) {
                rl.rlim_cur = rl.rlim_max < 1024 ? rl.rlim_max : 1024;
                setrlimit(RLIMIT_NOFILE, &rl);
        }
        return 0;
}
