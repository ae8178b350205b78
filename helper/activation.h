/* systemd socket activation of `mesos-docker-helper monitor` (sd_listen_fds(3), without
 * libsystemd). */
#pragma once

/* Called first in main, before phase 1 closes every fd above 2 and clears the environment:
 * when root runs `monitor` with LISTEN_PID naming this process and LISTEN_FDS=1, the socket
 * systemd passed as fd 3 is moved onto fd 0, which phase 1 keeps. Does nothing otherwise
 * (fd 3 is then closed by phase 1 like any other inherited fd). */
void activation_take_socket(int argc, char **argv);
