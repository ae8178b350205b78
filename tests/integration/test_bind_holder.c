/* The holder of the checked bind sources (helper/bind_holder.h), started as the setuid helper
 * runs (real uid the caller's, effective and saved uid 0): the caller can signal the helper but
 * not the holder, the holder keeps only its descriptors (not the caller's stdout), and it stays
 * when the helper is killed before the start is over. Needs root; 77 otherwise. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bind_holder.h"

#define CALLER 65534

static int failures;

static void check(int ok, const char *what)
{
        printf("%s: %s\n", ok ? "ok" : "FAIL", what);
        if (!ok)
                failures++;
}

/* A child that runs as the caller and tries to kill pid; 1 when kill(2) said EPERM. */
static int caller_kill_is_refused(pid_t pid)
{
        pid_t c = fork();
        if (c == 0) {
                if (setresuid(CALLER, CALLER, CALLER) < 0)
                        _exit(2);
                _exit(kill(pid, SIGKILL) < 0 && errno == EPERM ? 0 : 1);
        }
        int st;
        waitpid(c, &st, 0);
        return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

#define DELEGATED_HIERARCHY "/sys/fs/cgroup/pids"

/* Moves this process into the cgroup directory dir: 1 when done. */
static int enter_cgroup(const char *dir)
{
        char path[256], pid[24];
        snprintf(path, sizeof path, "%s/cgroup.procs", dir);
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        int n = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
        int ok = fd >= 0 && write(fd, pid, (size_t)n) == n;
        if (fd >= 0)
                close(fd);
        return ok;
}

/* /proc/PID/cgroup, whole: 1 when read. */
static int read_cgroups(pid_t pid, char *buf, size_t size)
{
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/cgroup", (int)pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return 0;
        ssize_t n = read(fd, buf, size - 1);
        close(fd);
        buf[n > 0 ? n : 0] = '\0';
        return n > 0;
}

int main(void)
{
        if (geteuid() != 0) {
                printf("SKIP: not root\n");
                return 77;
        }
        int dir = open("/var", O_PATH | O_DIRECTORY | O_CLOEXEC);
        int p[2];
        if (dir < 0 || pipe(p) < 0)
                return 1;
        /* the caller's cgroup is delegated to it (a pids cgroup it owns): the holder must leave it */
        char deleg[128];
        snprintf(deleg, sizeof deleg, "%s/md-test-delegated-%d", DELEGATED_HIERARCHY, (int)getpid());
        int have_deleg = mkdir(deleg, 0755) == 0 && chown(deleg, CALLER, CALLER) == 0;
        pid_t helper = fork();
        if (helper == 0) {
                if (have_deleg && !enter_cgroup(deleg))
                        _exit(2);
                /* what exec of a setuid-root binary by the caller leaves */
                if (setresuid(CALLER, 0, 0) < 0)
                        _exit(2);
                struct privilege priv = {.privileged = true, .caller_uid = CALLER, .caller_gid = CALLER};
                struct bind_holder h;
                md_error err = {0};
                pid_t got = bind_holder_start(&priv, &dir, 1, &h, &err) < 0 ? -1 : h.pid;
                if (write(p[1], &got, sizeof got) != sizeof got)
                        _exit(3);
                pause(); /* killed below, before any release */
                _exit(0);
        }
        close(p[1]);
        pid_t holder = -1;
        if (read(p[0], &holder, sizeof holder) != sizeof holder || holder <= 0) {
                check(0, "the holder started");
                kill(helper, SIGKILL);
                return 1;
        }
        char proc[64], link[256] = "";
        snprintf(proc, sizeof proc, "/proc/%d/fd/%d", (int)holder, dir);
        ssize_t n = readlink(proc, link, sizeof link - 1);
        link[n > 0 ? n : 0] = '\0';
        check(strcmp(link, "/var") == 0, "dockerd finds the held directory at /proc/PID/fd/N");
        snprintf(proc, sizeof proc, "/proc/%d/fd/1", (int)holder);
        check(access(proc, F_OK) < 0, "the holder keeps no stdout of the caller");
        check(caller_kill_is_refused(holder), "the caller cannot kill the holder");
        char hcg[4096], ccg[4096];
        check(have_deleg, "a cgroup delegated to the caller was made (" DELEGATED_HIERARCHY ")");
        check(read_cgroups(holder, hcg, sizeof hcg) && read_cgroups(helper, ccg, sizeof ccg) &&
                      strstr(ccg, "md-test-delegated-") && !strstr(hcg, "md-test-delegated-") &&
                      strstr(hcg, "/mesos-docker-monitor"),
              "the holder left the caller's delegated cgroup for the project's own");
        check(!caller_kill_is_refused(helper), "the caller can kill the helper (it did just now)");
        int st;
        waitpid(helper, &st, 0);
        check(WIFSIGNALED(st), "the helper is dead");
        /* it is reparented and lingers: the monitor may still start the container */
        check(kill(holder, 0) == 0, "the holder outlives a killed helper");
        kill(holder, SIGKILL);
        if (have_deleg) {
                for (int i = 0; i < 100 && rmdir(deleg) < 0 && errno == EBUSY; i++)
                        usleep(10000);
        }
        return failures ? 1 : 0;
}
