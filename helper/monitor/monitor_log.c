/* The monitor's own log (monitor_internal.h). The monitor has no terminal and nobody reads
 * its exit status: what goes wrong after a launch was answered (an exit that could not be
 * recorded, a container that could not be removed, output that did not fit) is said here or
 * nowhere.
 *
 * The lines go to /dev/log as syslog(3) would send them, but never blocking: anyone can fill
 * that socket's queue, and syslog(3) would then wait for room, in the one loop that carries
 * every container's output. A line that finds the queue full is lost instead. */
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "monitor_internal.h"
#include "util.h"

static int log_fd = -1;

void monitor_log_open(void)
{
        /* the helper's connection is not ours (its fd is closed by now); syslog(3), should a
         * library call it, says who we are */
        closelog();
        openlog(MONITOR_LOG_IDENT, LOG_PID, LOG_DAEMON);
}

static void log_connect(void)
{
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return;
        struct sockaddr_un a = {.sun_family = AF_UNIX, .sun_path = "/dev/log"};
        if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
                close(fd);
                return;
        }
        log_fd = fd;
}

/* "<PRI>Mmm dd hh:mm:ss TAG[PID]: LINE", as syslog(3) sends it. */
void monitor_log_line(int priority, const char *line)
{
        char stamp[32] = "";
        struct tm tm;
        time_t t = time(NULL);
        if (localtime_r(&t, &tm))
                strftime(stamp, sizeof stamp, "%b %e %T", &tm);
        char msg[1600];
        int n = snprintf(msg, sizeof msg, "<%d>%s %s[%d]: %s", LOG_DAEMON | priority, stamp,
                         MONITOR_LOG_IDENT, (int)getpid(), line);
        if (n < 0)
                return;
        size_t len = (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1;
        /* once more on a new socket when the old one's reader went away (a restarted journald) */
        for (int i = 0; i < 2; i++) {
                if (log_fd < 0)
                        log_connect();
                if (log_fd < 0 || send(log_fd, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0 || errno == EAGAIN)
                        return;
                close(log_fd);
                log_fd = -1;
        }
}

int monitor_log_format(char *buf, size_t size, const char *container, const char *message,
                       unsigned suppressed)
{
        if (suppressed)
                return snprintf(buf, size, "%s: %s (%u more like it in the last second)", container, message,
                                suppressed);
        return snprintf(buf, size, "%s: %s", container, message);
}

bool monitor_log_allow(struct monitor_log_limit *l, int64_t now, unsigned *suppressed)
{
        if (l->last_ms && now - l->last_ms < MONITOR_LOG_INTERVAL_MS) {
                l->suppressed++;
                return false;
        }
        *suppressed = l->suppressed;
        l->suppressed = 0;
        l->last_ms = now;
        return true;
}

void monitor_log(struct monitor_log_limit *l, int priority, const char *container, const md_error *err)
{
        unsigned suppressed = 0;
        if (l && !monitor_log_allow(l, md_monotonic_ms(), &suppressed))
                return;
        char line[1400];
        monitor_log_format(line, sizeof line, container, err->message[0] ? err->message : "failed",
                           suppressed);
        monitor_log_line(priority, line);
}
