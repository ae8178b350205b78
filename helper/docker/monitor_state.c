/* The monitor's own process state (monitor_internal.h: monitor_clean_process_state). The monitor
 * is started by whichever caller's launch finds none, and a fork inherits that caller's cgroups,
 * scheduling class and nice value, I/O class, OOM score and CPU affinity. A caller can make each
 * of them hostile at no cost to itself: SCHED_IDLE and nice 19 starve the one loop that copies
 * every tenant's output; an idle I/O class stalls its writes; oom_score_adj 1000 makes it the OOM
 * killer's first choice; affinity to one busy CPU, or a cgroup with a tiny memory limit, a
 * pids limit or a freezer, puts it at the mercy of the agent that started it. So the monitor
 * sets each on purpose, as a service manager would start it.
 *
 * Lowering nice, leaving SCHED_IDLE and lowering oom_score_adj below 0 need CAP_SYS_NICE and
 * CAP_SYS_RESOURCE: the helper keeps those two (permitted, never effective) in the commands that
 * may start a monitor, and the monitor drops them right after this (monitor_process.c).
 *
 * A step that fails is logged (syslog, LOG_DAEMON) and the monitor carries on rather than
 * refusing to start: a caller cannot make these steps fail (the targets are root's), so a failure
 * is the system's (no cgroup mounted, a read-only cgroupfs in a container, no capability when a
 * test starts the monitor without the setuid helper), and there a monitor with some inherited
 * state serves every caller better than none at all, which would fail every launch. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <unistd.h>

#include "cleanup.h"
#include "monitor_internal.h"
#include "util.h"

/* The cgroup the monitor moves itself to, directly under each hierarchy's root. */
#define MONITOR_CGROUP "mesos-docker-monitor"
/* Below every container (0) and any agent, as dockerd's own -500: the monitor's death stops
 * every tenant's output, where a container's death is its own. */
#define MONITOR_OOM_SCORE_ADJ "-500"
#define IOPRIO_WHO_PROCESS 1

static void logged(const char *what, int e)
{
        syslog(LOG_DAEMON | LOG_WARNING, "monitor: %s: %s; carrying on with the inherited value", what,
               strerror(e));
}

static int write_text(int dirfd, const char *file, const char *text)
{
        _cleanup_close_ int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        return md_write_all(fd, text, strlen(text));
}

/* A new cpuset (v1) has no CPUs and no memory nodes, and takes no process until it has: it
 * gets the root's, all of them. */
static int fill_cpuset(int rootfd, int dirfd)
{
        static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
        for (size_t i = 0; i < 2; i++) {
                char buf[4096] = "";
                _cleanup_close_ int fd = openat(dirfd, files[i], O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        return 0; /* not a cpuset hierarchy */
                ssize_t n = read(fd, buf, sizeof buf - 1);
                if (n > 0 && buf[0] != '\n')
                        continue;
                _cleanup_close_ int rfd = openat(rootfd, files[i], O_RDONLY | O_CLOEXEC);
                n = rfd < 0 ? -1 : read(rfd, buf, sizeof buf - 1);
                if (n <= 0)
                        return n < 0 ? -errno : -EINVAL;
                buf[n] = '\0';
                int r = write_text(dirfd, files[i], buf);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Into STATE/MONITOR_CGROUP of one mounted hierarchy (v1: per controller; v2: the one tree). */
static int enter_cgroup(const char *mountpoint)
{
        _cleanup_close_ int rootfd = open(mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (rootfd < 0)
                return -errno;
        if (mkdirat(rootfd, MONITOR_CGROUP, 0755) < 0 && errno != EEXIST)
                return -errno;
        _cleanup_close_ int dirfd =
                openat(rootfd, MONITOR_CGROUP, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (dirfd < 0)
                return -errno;
        int r = fill_cpuset(rootfd, dirfd);
        if (r < 0)
                return r;
        char pid[24];
        snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
        return write_text(dirfd, "cgroup.procs", pid);
}

/* Every cgroup (v1 hierarchy, name=systemd, the v2 tree) mounted here, by /proc/self/mountinfo:
 * "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER". */
static void leave_callers_cgroups(void)
{
        FILE *f = fopen("/proc/self/mountinfo", "re");
        if (!f) {
                logged("cgroups: /proc/self/mountinfo", errno);
                return;
        }
        char line[4096];
        while (fgets(line, sizeof line, f)) {
                char mountpoint[1024], fstype[64];
                const char *dash = strstr(line, " - ");
                if (!dash || sscanf(line, "%*s %*s %*s %*s %1023s", mountpoint) != 1 ||
                    sscanf(dash + 3, "%63s", fstype) != 1)
                        continue;
                if (strcmp(fstype, "cgroup") != 0 && strcmp(fstype, "cgroup2") != 0)
                        continue;
                if (strchr(mountpoint, '\\')) /* an escaped name: not one of the usual mounts */
                        continue;
                int r = enter_cgroup(mountpoint);
                if (r < 0) {
                        char what[1100];
                        snprintf(what, sizeof what, "cgroup %s/%s", mountpoint, MONITOR_CGROUP);
                        logged(what, -r);
                }
        }
        fclose(f);
}

void monitor_clean_process_state(unsigned flags)
{
        if (!(flags & MONITOR_STATE_KEEP_CGROUP))
                leave_callers_cgroups();
        /* every CPU (the kernel keeps those of our cpuset; after the move, the root's) */
        cpu_set_t all;
        CPU_ZERO(&all);
        for (int i = 0; i < CPU_SETSIZE; i++)
                CPU_SET(i, &all);
        if (sched_setaffinity(0, sizeof all, &all) < 0)
                logged("CPU affinity", errno);
        struct sched_param sp = {0};
        if (sched_setscheduler(0, SCHED_OTHER, &sp) < 0)
                logged("scheduling policy SCHED_OTHER", errno);
        if (setpriority(PRIO_PROCESS, 0, 0) < 0)
                logged("nice 0", errno);
        /* class "none": the I/O priority follows the nice value, as for any new process */
        if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, 0) < 0)
                logged("I/O priority", errno);
        _cleanup_close_ int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
        if (fd < 0 || (md_write_all(fd, MONITOR_OOM_SCORE_ADJ, strlen(MONITOR_OOM_SCORE_ADJ)) < 0 &&
                       md_write_all(fd, "0", 1) < 0))
                logged("oom_score_adj", errno);
}
