/* monitor: the state dir's shared monitor, started by systemd on the socket that
 * mesos-docker-monitor.socket listens on (sd_listen_fds(3): activation.c in the helper moved it
 * onto fd 0; a listening socket root passes as stdin, inetd-style, serves as well).
 * Only root may run it: the monitor is root's process and the socket root's. Without the
 * units, the helper starts a monitor by itself when a launch finds none (monitor.c). */
#include <unistd.h>

#include "config.h"
#include "helper.h"
#include "monitor.h"
#include "record.h"
#include "util.h"

int cmd_monitor(struct helper *h, int argc, char **argv, md_error *err)
{
        (void)argv;
        if (!h->priv.caller_is_root || !h->priv.privileged) {
                if (helper_audit(h, NULL, NULL, false, MD_POLICY_FILE, "monitor: not root", err) < 0)
                        return -1;
                return md_fail(err, MD_EXIT_DENIED,
                               "only root runs the monitor (mesos-docker-monitor.service)");
        }
        if (argc != 1)
                return md_fail(err, MD_EXIT_USAGE, "usage: monitor (takes no arguments)");
        if (monitor_take_activated_socket(h->conf->state_dir, 0, err) < 0)
                return -1;
        /* The state dir (made by systemd for the socket) and its record dir, which a fresh boot
         * has not got yet; both are checked to be root's and closed to others. */
        int dirfd = md_record_dir_open(h->conf->state_dir, true, err);
        if (dirfd < 0)
                return -1;
        close(dirfd);
        monitor_main_activated(h->conf->docker_socket, h->conf->state_dir, h->conf->keep_exited, 0);
}
