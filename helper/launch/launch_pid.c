/* The pid of a container's init, learnt by watching it come to life (launch_pid.h says why and
 * how it is told apart). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups.h"
#include "cleanup.h"
#include "launch_pid.h"
#include "util.h"

/* What a fork event must hold (the union may grow with the kernel's events, never shrink) */
#define FORK_EVENT_SIZE (offsetof(struct proc_event, event_data) + sizeof(struct fork_proc_event))

/* Linux 6.6's form of the listen request, with an event filter: only forks are sent to us (an
 * older kernel refuses the unprivileged socket before this is asked). */
struct listen_request {
        uint32_t mcast_op;
        uint32_t event_type;
};

bool launch_pid_status_is_ns_init(const char *status, pid_t pid)
{
        const char *line = strstr(status, "\nNSpid:");
        if (!line)
                return false;
        line += strlen("\nNSpid:");
        char *end;
        errno = 0;
        long host = strtol(line, &end, 10);
        if (end == line || *end != '\t' || errno)
                return false;
        line = end;
        long inner = strtol(line, &end, 10);
        /* exactly two: the helper's namespace (the initial one) and the container's */
        return end != line && (*end == '\n' || *end == '\0') && !errno && host == pid && inner == 1;
}

bool launch_pid_cgroup_of(const char *cgroup, const char *docker_id, char *path, size_t size)
{
        char scope[96];
        snprintf(scope, sizeof scope, "docker-%s.scope", docker_id);
        for (const char *l = cgroup; *l;) {
                size_t len = strcspn(l, "\n");
                /* "ID:CONTROLLERS:PATH" */
                const char *p = memchr(l, ':', len);
                p = p ? memchr(p + 1, ':', len - (size_t)(p + 1 - l)) : NULL;
                if (p) {
                        p++;
                        size_t plen = len - (size_t)(p - l);
                        const char *last = p + plen;
                        while (last > p && last[-1] != '/')
                                last--;
                        size_t clen = (size_t)(p + plen - last);
                        bool named = (clen == strlen(docker_id) && memcmp(last, docker_id, clen) == 0) ||
                                     (clen == strlen(scope) && memcmp(last, scope, clen) == 0);
                        if (named && last > p && plen < size) {
                                memcpy(path, p, plen);
                                path[plen] = '\0';
                                return true;
                        }
                }
                l += len + (l[len] == '\n');
        }
        return false;
}

struct ownership {
        const char *path;
        bool found;
};

/* 1 (the walk stops) where the path is a directory that root does not own. */
static int owned_by_other(const char *mount_point, void *arg)
{
        struct ownership *o = arg;
        char full[PATH_MAX];
        struct stat st;
        if ((size_t)snprintf(full, sizeof full, "%s%s", mount_point, o->path) >= sizeof full ||
            lstat(full, &st) < 0 || !S_ISDIR(st.st_mode))
                return 0;
        o->found = true;
        return st.st_uid != 0;
}

/* Is cgroup path a directory that root owns in every hierarchy mounted here where it exists, and
 * in one at least? A directory a caller made in a subtree delegated to it is its own. */
static bool cgroup_root_owned(const char *path)
{
        struct ownership o = {path, false};
        return md_cgroup_mounts_each(owned_by_other, &o) == 0 && o.found;
}

static int read_text(int dirfd, const char *name, char *buf, size_t size)
{
        _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        size_t got = 0;
        for (;;) {
                ssize_t n = read(fd, buf + got, size - 1 - got);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0 || (got += (size_t)n) == size - 1)
                        break;
        }
        buf[got] = '\0';
        return 0;
}

/* Is pid the init of the container? Read through one open /proc/PID: a pid reused meanwhile is
 * the new process in every file, and must pass the same test. */
static bool is_container_init(pid_t pid, const char *docker_id)
{
        char path[32], status[8192], cgroup[16384], cg[PATH_MAX];
        snprintf(path, sizeof path, "/proc/%ld", (long)pid);
        _cleanup_close_ int dirfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        /* prepended "\n": NSpid is never the first line, and the test looks for a line start */
        status[0] = '\n';
        return dirfd >= 0 && read_text(dirfd, "status", status + 1, sizeof status - 1) == 0 &&
               launch_pid_status_is_ns_init(status, pid) &&
               read_text(dirfd, "cgroup", cgroup, sizeof cgroup) == 0 &&
               launch_pid_cgroup_of(cgroup, docker_id, cg, sizeof cg) && cgroup_root_owned(cg);
}

/* The watcher: every new process (not thread) the kernel announces is looked at, until one is
 * the init; its pid goes to out. Ended by the launch (SIGKILL), or by the helper's death. */
static _Noreturn void watcher_main(int nl, int out, pid_t parent, const char *docker_id)
{
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
                _exit(0);
        int keep[] = {nl, out};
        /* from fd 0: an agent reading the helper's stdout waits for its last writer */
        md_close_fds_except(keep, 2, 0);
        for (;;) {
                union {
                        struct nlmsghdr h;
                        char buf[8192];
                } m;
                struct sockaddr_nl from;
                socklen_t fromlen = sizeof from;
                ssize_t n = recvfrom(nl, m.buf, sizeof m.buf, 0, (struct sockaddr *)&from, &fromlen);
                if (n < 0 && (errno == EINTR || errno == ENOBUFS))
                        continue; /* ENOBUFS: events were lost; the init may still come */
                if (n < 0)
                        _exit(1);
                if (from.nl_pid != 0) /* the kernel's only */
                        continue;
                int len = (int)n;
                for (struct nlmsghdr *h = &m.h; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
                        struct cn_msg *c = NLMSG_DATA(h);
                        if (h->nlmsg_len < NLMSG_LENGTH(sizeof *c + FORK_EVENT_SIZE) ||
                            c->id.idx != CN_IDX_PROC || c->id.val != CN_VAL_PROC)
                                continue;
                        /* copied out: c->data is 4-byte aligned, and the event holds a u64
                         * (a misaligned load, which UBSan stops the watcher for) */
                        struct proc_event e;
                        memset(&e, 0, sizeof e);
                        memcpy(&e, c->data, FORK_EVENT_SIZE);
                        if (e.what != PROC_EVENT_FORK ||
                            e.event_data.fork.child_pid != e.event_data.fork.child_tgid)
                                continue;
                        pid_t pid = e.event_data.fork.child_pid;
                        if (is_container_init(pid, docker_id)) {
                                md_write_all(out, &pid, sizeof pid);
                                _exit(0);
                        }
                }
        }
}

/* The kernel's process events, forks only, from now on: the listen request is handled while it
 * is sent, so nothing the start makes happens before it. -errno when the kernel refuses. */
static int listen_forks(void)
{
        int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR);
        if (nl < 0)
                return -errno;
        struct sockaddr_nl a = {.nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC};
        union {
                struct nlmsghdr h;
                char buf[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(struct listen_request))];
        } m;
        memset(&m, 0, sizeof m);
        m.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct cn_msg) + sizeof(struct listen_request));
        m.h.nlmsg_type = NLMSG_DONE;
        struct cn_msg *c = NLMSG_DATA(&m.h);
        c->id.idx = CN_IDX_PROC;
        c->id.val = CN_VAL_PROC;
        c->len = sizeof(struct listen_request);
        struct listen_request req = {PROC_CN_MCAST_LISTEN, PROC_EVENT_FORK};
        memcpy(c->data, &req, sizeof req);
        if (bind(nl, (struct sockaddr *)&a, sizeof a) < 0 || send(nl, &m, m.h.nlmsg_len, 0) < 0) {
                int e = errno;
                close(nl);
                return -e;
        }
        return nl;
}

void launch_pid_watch_start(struct launch_pid_watch *w, const char *docker_id)
{
        w->child = 0;
        w->result_fd = -1;
        int p[2];
        _cleanup_close_ int nl = listen_forks();
        if (nl < 0 || pipe2(p, O_CLOEXEC) < 0)
                return;
        pid_t parent = getpid();
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
                close(p[0]);
                watcher_main(nl, p[1], parent, docker_id);
        }
        close(p[1]);
        if (pid < 0) {
                close(p[0]);
                return;
        }
        w->child = pid;
        w->result_fd = p[0];
}

pid_t launch_pid_watch_end(struct launch_pid_watch *w)
{
        if (w->child <= 0)
                return 0;
        kill(w->child, SIGKILL);
        while (waitpid(w->child, NULL, 0) < 0 && errno == EINTR)
                ;
        w->child = 0;
        pid_t pid = 0;
        ssize_t n;
        while ((n = read(w->result_fd, &pid, sizeof pid)) < 0 && errno == EINTR)
                ;
        close(w->result_fd);
        w->result_fd = -1;
        return n == (ssize_t)sizeof pid && pid > 0 ? pid : 0;
}
