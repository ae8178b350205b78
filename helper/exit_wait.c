#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "exit_wait.h"
#include "json_cleanup.h"
#include "util.h"

int exit_wait_read_visible(const struct helper *h, int record_dirfd, const char *name, struct md_record *out,
                           md_error *err)
{
        struct md_record r = {0};
        int rc = md_record_read(record_dirfd, name, &r, err);
        if (rc == -ENOENT)
                return md_fail(err, MD_EXIT_NO_CONTAINER, "%s: no such container", name);
        if (rc < 0)
                return -1;
        if (!helper_may_see(h, r.owner_uid)) {
                md_record_clear(&r);
                /* the same answer as for a container that does not exist: no probing */
                return md_fail(err, MD_EXIT_NO_CONTAINER, "%s: no such container", name);
        }
        *out = r;
        return 0;
}

static bool monitor_alive(const struct md_record *r)
{
        return md_pid_alive(r->monitor_pid);
}

/* A pidfd of the record's monitor (readable once it exits), or -1 (no monitor, no pidfd_open). */
static int monitor_pidfd(const struct md_record *r)
{
        if (r->monitor_pid <= 0)
                return -1;
        long fd = syscall(SYS_pidfd_open, (pid_t)r->monitor_pid, 0);
        return fd >= 0 ? (int)fd : -1;
}

int exit_wait_for_record(const struct helper *h, int record_dirfd, const char *name, struct md_record *out,
                         md_error *err)
{
        return exit_wait_for_record_hooked(h, record_dirfd, name, NULL, out, err);
}

int exit_wait_for_record_hooked(const struct helper *h, int record_dirfd, const char *name,
                                const struct exit_wait_hook *hook, struct md_record *out, md_error *err)
{
        /* inotify on the record dir: the monitor replaces the record by rename when it changes */
        _cleanup_close_ int ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        if (ino >= 0) {
                char path[64];
                snprintf(path, sizeof path, "/proc/self/fd/%d", record_dirfd);
                inotify_add_watch(ino, path, IN_MOVED_TO | IN_CLOSE_WRITE);
        }
        int missing_monitor = 0;
        for (;;) {
                struct md_record r = {0};
                if (exit_wait_read_visible(h, record_dirfd, name, &r, err) < 0)
                        return -1;
                if (r.state == MD_STATE_EXITED) {
                        *out = r;
                        return 0;
                }
                /* a monitor that died (or never ran) cannot write the exit: after a grace period,
                 * reap the container from here so that `wait` never hangs on a dead monitor */
                bool alive = monitor_alive(&r);
                if (!alive && ++missing_monitor >= 3) {
                        int rc = exit_wait_rescue(h, record_dirfd, &r, hook ? hook->adopt_out_fd : -1,
                                                  hook ? hook->adopt_err_fd : -1, err);
                        md_record_clear(&r);
                        if (rc < 0)
                                return -1;
                        if (rc > 0) { /* adopted or reaped: read it again */
                                missing_monitor = 0;
                                continue;
                        }
                }
                /* Woken by the record's change, or by the monitor's death through a pidfd: a
                 * wait on a running container costs no periodic wakeup (an agent keeps one per
                 * container). Without inotify or a pidfd, and while the monitor is missing,
                 * the timeout polls; the long one only guards against a reused pid. */
                _cleanup_close_ int pidfd = ino >= 0 && alive ? monitor_pidfd(&r) : -1;
                int timeout = pidfd >= 0 ? 60000 : 1000;
                md_record_clear(&r);
                struct pollfd pfd[3] = {{.fd = ino, .events = POLLIN},
                                        {.fd = hook ? hook->fd : -1, .events = POLLIN},
                                        {.fd = pidfd, .events = POLLIN}};
                if (poll(pfd, 3, timeout) > 0) {
                        char buf[4096];
                        if (pfd[0].revents)
                                while (read(ino, buf, sizeof buf) > 0)
                                        ;
                        if (pfd[1].revents)
                                hook->ready(hook->arg);
                }
        }
}

json_t *exit_wait_result_json(const struct md_record *r)
{
        return json_pack("{s:s, s:s, s:i, s:o, s:b, s:s?}", "container", r->container, "status",
                         md_status_to_string(r->status) ? md_status_to_string(r->status) : "FAILED",
                         "exit_code", (json_int_t)r->exit_code, "signal",
                         r->signal ? json_integer(r->signal) : json_null(), "oom_killed", r->oom_killed,
                         "finished_at", r->finished_at);
}
