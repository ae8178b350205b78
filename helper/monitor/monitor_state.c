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

#include "cgroups.h"
#include "cleanup.h"
#include "monitor_internal.h"
#include "util.h"

/* Below every container (0) and any agent, as dockerd's own -500: the monitor's death stops
 * every tenant's output, where a container's death is its own. */
#define MONITOR_OOM_SCORE_ADJ "-500"
#define IOPRIO_WHO_PROCESS 1

static void logged(const char *what, int e)
{
        char line[1400];
        snprintf(line, sizeof line, "monitor: %s: %s; carrying on with the inherited value", what,
                 strerror(e));
        monitor_log_line(LOG_WARNING, line);
}

/* Out of the starting caller's cgroups, into the project's own (cgroups.h). */
static void leave_callers_cgroups(void)
{
        char where[1024] = "";
        int r = md_cgroup_enter_own(where, sizeof where);
        if (r < 0) {
                char what[1100];
                snprintf(what, sizeof what, "cgroup %s/%s", where[0] ? where : "(mount table)",
                         MD_OWN_CGROUP);
                logged(what, -r);
        }
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
