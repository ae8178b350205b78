#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "exit_fifo.h"
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

/* Without the container's exit FIFO (exit_fifo.h: a monitor from before it, or none holding
 * the container): a watch on the record file itself, not on the record dir every record
 * shares, so that only this container's changes wake the waiter. A record changes by being
 * replaced (rename over it) or removed, either of which drops the link count of the inode
 * watched, which inotify reports as IN_ATTRIB; so the watch is added again before each read,
 * on whatever inode the name has by then, and cannot miss a change made after it. Returns
 * the watch descriptor or -1 (no inotify: uid 0 has 128 instances by default, then polls). */
static int watch_record(int ino, int record_dirfd, const char *name, int prev)
{
        if (ino < 0)
                return -1;
        char path[64 + MD_NAME_MAX + sizeof MD_RECORD_SUFFIX];
        snprintf(path, sizeof path, "/proc/self/fd/%d/%s%s", record_dirfd, name, MD_RECORD_SUFFIX);
        int wd = inotify_add_watch(ino, path,
                                   IN_ATTRIB | IN_MODIFY | IN_DELETE_SELF | IN_MOVE_SELF | IN_DONT_FOLLOW);
        if (prev >= 0 && prev != wd)
                inotify_rm_watch(ino, prev); /* fails harmlessly once its inode went */
        return wd;
}

/* What a waiter sleeps on until the record may have changed: the exit FIFO, else the watch. */
struct record_sleep {
        int fifo_dirfd, fifo;
        int ino, wd;
};

/* Armed before each read of the record, so that no change after the read goes unseen: a
 * FIFO opened while its monitor holds it reports POLLHUP once the monitor lets go of it
 * (the exit is recorded) or dies; one opened after that reports nothing, but then the read
 * that follows sees the exit, or finds the monitor dead. */
static void sleep_arm(struct record_sleep *s, int record_dirfd, const char *name)
{
        if (s->fifo >= 0)
                close(s->fifo);
        s->fifo = s->fifo_dirfd >= 0 ? md_exit_fifo_open(s->fifo_dirfd, name) : -1;
        if (s->fifo >= 0)
                return;
        s->fifo = -1;
        if (s->ino < 0)
                s->ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        s->wd = watch_record(s->ino, record_dirfd, name, s->wd);
}

static void sleep_done(struct record_sleep *s)
{
        if (s->fifo_dirfd >= 0)
                close(s->fifo_dirfd);
        if (s->fifo >= 0)
                close(s->fifo);
        if (s->ino >= 0)
                close(s->ino);
}

int exit_wait_for_record_hooked(const struct helper *h, int record_dirfd, const char *name,
                                const struct exit_wait_hook *hook, struct md_record *out, md_error *err)
{
        md_error ignored = {0};
        _cleanup_(sleep_done) struct record_sleep sl = {
                .fifo_dirfd = md_state_subdir_open(h->conf->state_dir, MD_EXIT_FIFO_DIR, false, &ignored),
                .fifo = -1,
                .ino = -1,
                .wd = -1,
        };
        if (sl.fifo_dirfd < 0)
                sl.fifo_dirfd = -1;
        /* The exit recorded already (a later invocation, a task that ended during its launch):
         * the answer without arming anything, which costs an exiting waiter ~15 ms here when
         * it had to watch the record (closing an inotify instance waits for an SRCU grace
         * period). Otherwise armed first, then read again. */
        struct md_record first = {0};
        if (exit_wait_read_visible(h, record_dirfd, name, &first, err) < 0)
                return -1;
        if (first.state == MD_STATE_EXITED) {
                *out = first;
                return 0;
        }
        md_record_clear(&first);
        int missing_monitor = 0;
        for (;;) {
                sleep_arm(&sl, record_dirfd, name);
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
                /* Woken by the monitor's release of the container, by the record's change, or
                 * by the monitor's death through a pidfd: a wait on a running container costs
                 * no periodic wakeup (an agent keeps one per container), and none for another
                 * container's record. Without a FIFO, a watch or a pidfd, and while the monitor
                 * is missing, the timeout polls. The long ones are a last guard only (a pid
                 * reused by another process looks alive after it as before it); with a FIFO,
                 * whose release or writer's death wakes us, an hour: at 200 waiters, 60 s
                 * was 3.3 wakeups/s together for nothing. */
                bool armed = sl.fifo >= 0 || sl.wd >= 0;
                _cleanup_close_ int pidfd = armed && alive ? monitor_pidfd(&r) : -1;
                int timeout = pidfd < 0 ? 1000 : sl.fifo >= 0 ? 3600 * 1000 : 60000;
                md_record_clear(&r);
                struct pollfd pfd[4] = {{.fd = sl.fifo, .events = POLLIN},
                                        {.fd = sl.wd >= 0 ? sl.ino : -1, .events = POLLIN},
                                        {.fd = hook ? hook->fd : -1, .events = POLLIN},
                                        {.fd = pidfd, .events = POLLIN}};
                if (poll(pfd, 4, timeout) > 0) {
                        char buf[4096];
                        if (pfd[1].revents)
                                while (read(sl.ino, buf, sizeof buf) > 0)
                                        ;
                        if (pfd[2].revents)
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
