/* The monitor's process hygiene (monitor_server.c calls these first, in this order): who it is,
 * which fds it holds, which limits and dispositions it inherited from the caller. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <malloc.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "monitor_internal.h"
#include "util.h"

/* Why: the helper runs with the caller as real uid, so the caller could signal, ptrace or
 * prlimit a child that keeps that real uid. With real, effective and saved uid 0 and not
 * dumpable, only root can: the kernel's checks for kill, ptrace (and so /proc/PID/fd),
 * prlimit and setpriority compare uids, and a non-dumpable process needs CAP_SYS_PTRACE.
 * setresuid(0,0,0) needs no capability: the saved uid is already 0 (setuid binary).
 * The gids follow when the process may (CAP_SETGID); when the helper has dropped every
 * capability they stay the caller's, which no check above depends on. The capabilities the
 * helper kept for the monitor (CAP_SYS_NICE, CAP_SYS_RESOURCE: monitor_state.c) stay until
 * monitor_drop_capabilities. */
int monitor_become_root_alone(md_error *err)
{
        if (setresgid(0, 0, 0) == 0) {
                /* Root's helper (the socket-activated monitor) has dropped CAP_SETGID already and
                 * gets EPERM here; its supplementary groups are root's own, nobody else's. */
                if (setgroups(0, NULL) < 0 && !(errno == EPERM && getuid() == 0))
                        return md_fail_errno(err, MD_EXIT_FAILED, errno, "monitor: setgroups");
        } else if (errno != EPERM) {
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "monitor: setresgid");
        }
        if (setresuid(0, 0, 0) < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "monitor: setresuid");
        uid_t r, e, s;
        if (getresuid(&r, &e, &s) < 0 || r != 0 || e != 0 || s != 0)
                return md_fail(err, MD_EXIT_FAILED, "monitor: uid change did not take effect");
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "monitor: PR_SET_DUMPABLE");
        return 0;
}

/* What the helper kept permitted for the monitor becomes effective, for
 * monitor_clean_process_state and the limits; nothing when it kept none. */
void monitor_raise_kept_capabilities(void)
{
        struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
        struct __user_cap_data_struct caps[_LINUX_CAPABILITY_U32S_3];
        memset(caps, 0, sizeof caps);
        if (syscall(SYS_capget, &hdr, caps) < 0)
                return;
        for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
                caps[i].effective = caps[i].permitted;
        syscall(SYS_capset, &hdr, caps);
}

/* Every capability, once the process state is set: the monitor needs none to serve. */
int monitor_drop_capabilities(md_error *err)
{
        struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
        struct __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3];
        memset(none, 0, sizeof none);
        if (syscall(SYS_capset, &hdr, none) < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "monitor: drop capabilities");
        return 0;
}

/* Keeps exactly the given fds (at most 4, moved above 2, close-on-exec) and /dev/null as
 * stdio: nothing the helper held (the lock, the caller's files) stays open in the monitor. */
int monitor_keep_only_fds(int *fds[], int n, md_error *err)
{
        if (n < 1 || n > 4)
                return md_fail(err, MD_EXIT_FAILED, "monitor: bad fd list");
        for (int i = 0; i < n; i++) {
                if (*fds[i] > 2)
                        continue;
                int moved = fcntl(*fds[i], F_DUPFD_CLOEXEC, 3);
                if (moved < 0)
                        return md_fail_errno(err, MD_EXIT_FAILED, errno, "monitor: dup");
                *fds[i] = moved; /* the low one is replaced by /dev/null below */
        }
        int keep[4];
        for (int i = 0; i < n; i++)
                keep[i] = *fds[i];
        md_close_fds_except(keep, (size_t)n, 3);
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "monitor: /dev/null");
        for (int fd = 0; fd <= 2; fd++)
                if (null != fd && dup2(null, fd) < 0)
                        return md_fail_errno(err, MD_EXIT_FAILED, errno, "monitor: dup2");
        if (null > 2)
                close(null);
        for (int i = 0; i < n; i++)
                fcntl(*fds[i], F_SETFD, FD_CLOEXEC);
        return 0;
}

/* The caller chose the helper's rlimits, and the monitor inherited them (its nice value, OOM
 * score and the rest: monitor_state.c): a small RLIMIT_FSIZE or RLIMIT_CPU would kill it with
 * SIGXFSZ/SIGXCPU in the middle of a container's life. Raising a hard limit needs
 * CAP_SYS_RESOURCE (kept for the monitor, see monitor_state.c); without it the soft limit goes
 * up to the hard one, and an exceeded file size is an EFBIG write error, not a death. */
static void reset_limits(void)
{
        static const int unlimited[] = {RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_DATA, RLIMIT_AS, RLIMIT_RTTIME};
        for (size_t i = 0; i < sizeof unlimited / sizeof unlimited[0]; i++) {
                struct rlimit l = {RLIM_INFINITY, RLIM_INFINITY};
                if (setrlimit(unlimited[i], &l) < 0 && getrlimit(unlimited[i], &l) == 0) {
                        l.rlim_cur = l.rlim_max;
                        setrlimit(unlimited[i], &l);
                }
        }
        struct rlimit files;
        if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < 1024) {
                files.rlim_cur = files.rlim_max < 1024 ? files.rlim_max : 1024;
                setrlimit(RLIMIT_NOFILE, &files);
        }
        signal(SIGXFSZ, SIG_IGN);
}

/* The monitor serves every caller's containers, but inherits the limits of the caller whose
 * launch started it, and cannot raise a hard limit without CAP_SYS_RESOURCE (the helper may
 * have dropped it). A hard CPU limit would kill it (and every container's copying) after a
 * while, a hard file size or memory limit would fail its writes or allocations, a small
 * descriptor limit would refuse other callers' launches: such a start is refused instead, so
 * that one caller's limits hurt only that caller's launch. Run after reset_limits. */
int monitor_check_limits(md_error *err)
{
        static const struct {
                int resource;
                const char *name;
        } must_be_unlimited[] = {{RLIMIT_CPU, "RLIMIT_CPU"},
                                 {RLIMIT_FSIZE, "RLIMIT_FSIZE"},
                                 {RLIMIT_DATA, "RLIMIT_DATA"},
                                 {RLIMIT_AS, "RLIMIT_AS"},
                                 {RLIMIT_RTTIME, "RLIMIT_RTTIME"}};
        struct rlimit l;
        for (size_t i = 0; i < sizeof must_be_unlimited / sizeof must_be_unlimited[0]; i++)
                if (getrlimit(must_be_unlimited[i].resource, &l) == 0 && l.rlim_cur != RLIM_INFINITY)
                        return md_fail(err, MD_EXIT_FAILED,
                                       "start the monitor: the caller's hard %s (%llu) would limit every "
                                       "container's monitor",
                                       must_be_unlimited[i].name, (unsigned long long)l.rlim_cur);
        if (getrlimit(RLIMIT_NOFILE, &l) == 0 && l.rlim_cur < 1024)
                return md_fail(err, MD_EXIT_FAILED,
                               "start the monitor: the caller's hard RLIMIT_NOFILE (%llu) is below 1024",
                               (unsigned long long)l.rlim_cur);
        return 0;
}

void monitor_quiet_process(void)
{
        reset_limits();
        signal(SIGPIPE, SIG_IGN); /* a launch that gave up is an EPIPE we handle */
        signal(SIGHUP, SIG_IGN); /* the agent's session going away is not our end */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        umask(022);
        if (chdir("/") < 0) {
                /* "/" always exists; nothing sensible to do otherwise */
        }
        /* Give back what the helper allocated and freed before the fork. */
        malloc_trim(0);
}
