/* The monitor's own log (monitor_internal.h). The monitor has no terminal and nobody reads
 * its exit status: what goes wrong after a launch was answered (an exit that could not be
 * recorded, a container that could not be removed, output that did not fit) is said here or
 * nowhere. */
#include <stdio.h>
#include <syslog.h>

#include "monitor_internal.h"
#include "util.h"

void monitor_log_open(void)
{
        closelog();
        openlog(MONITOR_LOG_IDENT, LOG_PID, LOG_DAEMON);
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
        syslog(LOG_DAEMON | priority, "%s", line);
}
