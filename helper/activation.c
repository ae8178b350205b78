#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "activation.h"
#include "util.h"

#define SD_LISTEN_FDS_START 3

/* Why it is safe before phase 1: only a caller whose real uid is root gets here, and all it
 * does is move one of that caller's own fds onto another; cmd_monitor checks what the fd is. */
void activation_take_socket(int argc, char **argv)
{
        if (argc < 2 || strcmp(argv[1], "monitor") != 0 || getuid() != 0)
                return;
        const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
        uint64_t p, n;
        if (!pid || !fds || md_parse_u64(pid, &p) < 0 || p != (uint64_t)getpid() ||
            md_parse_u64(fds, &n) < 0 || n != 1)
                return;
        dup2(SD_LISTEN_FDS_START, 0); /* cmd_monitor says so when fd 0 is not the socket */
}
