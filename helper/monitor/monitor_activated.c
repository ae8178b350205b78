/* The monitor started by systemd (mesos-docker-monitor.socket/.service): systemd holds the
 * listening socket, so the monitor neither binds nor removes it, and a connection that comes
 * while no monitor runs starts one. The socket must be the one the helper connects to,
 * STATE_DIR/monitor.sock of the policy's state dir: a unit listening elsewhere would leave
 * every launch starting monitors of its own, so it is refused here with the fix. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "monitor_internal.h"

int monitor_take_activated_socket(const char *state_dir, int fd, md_error *err)
{
        char want[sizeof(((struct sockaddr_un *)0)->sun_path)];
        if (monitor_socket_path(state_dir, MONITOR_SOCKET_NAME, want, sizeof want) < 0)
                return md_fail(err, MD_EXIT_POLICY, "state dir %s too long for a socket path", state_dir);
        int type = 0, listening = 0;
        socklen_t len = sizeof type;
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
                return md_fail(err, MD_EXIT_USAGE,
                               "no listening socket from systemd (LISTEN_FDS=1 for this pid): start "
                               "mesos-docker-monitor.socket; without it the helper starts a monitor itself");
        len = sizeof listening;
        struct sockaddr_un a;
        socklen_t alen = sizeof a;
        memset(&a, 0, sizeof a);
        if (type != SOCK_SEQPACKET || getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0 ||
            !listening || getsockname(fd, (struct sockaddr *)&a, &alen) < 0 || a.sun_family != AF_UNIX)
                return md_fail(err, MD_EXIT_USAGE,
                               "the passed socket is not a listening unix SOCK_SEQPACKET socket "
                               "(ListenSequentialPacket=)");
        size_t plen = alen > offsetof(struct sockaddr_un, sun_path)
                              ? alen - offsetof(struct sockaddr_un, sun_path)
                              : 0;
        if (plen == 0 || plen > sizeof a.sun_path || strnlen(a.sun_path, plen) != strlen(want) ||
            memcmp(a.sun_path, want, strlen(want)) != 0)
                return md_fail(err, MD_EXIT_POLICY,
                               "the socket unit listens on %.*s, but the helper connects to %s "
                               "(the policy's state-dir): set ListenSequentialPacket=%s",
                               (int)strnlen(a.sun_path, plen < sizeof a.sun_path ? plen : sizeof a.sun_path),
                               a.sun_path, want, want);
        /* The monitor accepts until EAGAIN; systemd hands the socket over blocking. */
        int fl = fcntl(fd, F_GETFL);
        if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "the passed socket");
        return 0;
}
