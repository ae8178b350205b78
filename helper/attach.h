/* launch --attach (docker run without -d): the container's output goes to the helper's own fds
 * 1 and 2, handed to the shared monitor as they are, and the helper stays until the container
 * has exited and its output is written, forwarding the signals it gets, as the docker CLI's
 * sig-proxy does.
 *
 * The helper that stays is one per container, so it waits as `wait` does, without the engine:
 * the launch runs in a child that loads it (engine_apart), and so does each forwarded signal and
 * the adoption of a container whose monitor died. It costs what a `wait` costs (bench/waiters). */
#pragma once

#include <signal.h>

#include "helper.h"

/* The signals forwarded to the container: TERM, INT, HUP, QUIT, USR1, USR2. Blocks them (they
 * stay pending until the container runs) and returns a signalfd that reads them, or -1. */
int attach_block_signals(md_error *err);

/* Checks that fd (1 or 2) can go to the shared monitor: a regular file opened for appending on
 * no FUSE filesystem, since the monitor writes every caller's output in one loop and a pipe, a
 * terminal or a file served by a user's FUSE daemon could block it. Returns a duplicate of fd
 * (close-on-exec), or -1 (MD_EXIT_USAGE). */
int attach_output_fd(int fd, md_error *err);

/* The helper's `launch`: the engine's, and for --attach the launch in a child with the engine,
 * then the wait for the exit here, forwarding each signal read with a kill, and h->exit_status
 * docker run's status: the exit code (128+N for signal N). */
int attach_launch(struct helper *h, int argc, char **argv, md_error *err);
