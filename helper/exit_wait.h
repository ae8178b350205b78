/* Waiting for a container's exit record, from any invocation (interface.md `wait`). */
#pragma once

#include "helper.h"
#include "record.h"

/* Reads the record of name; MD_EXIT_NO_CONTAINER when there is none or the caller may not see it. */
int exit_wait_read_visible(const struct helper *h, int record_dirfd, const char *name, struct md_record *out,
                           md_error *err);

/* Blocks until the record says EXITED (the monitor writes it after the output is drained), and
 * returns it. When the monitor is gone without writing it, reaps the container itself. */
int exit_wait_for_record(const struct helper *h, int record_dirfd, const char *name, struct md_record *out,
                         md_error *err);

/* For a container whose monitor is gone: adopts it (the owner's running container gets a new
 * monitor, which writes to adopt_out_fd/adopt_err_fd when they are >= 0, else to the sandbox's
 * files) or reaps it. 1 when it was adopted or its exit recorded, 0 when nothing could be done
 * yet, -1 with err. It needs the Docker daemon: in the helper it loads the engine (engine.c), in
 * the engine it runs directly (engine_module.c). */
int exit_wait_rescue(const struct helper *h, int record_dirfd, const struct md_record *r, int adopt_out_fd,
                     int adopt_err_fd, md_error *err);

/* The same, also calling hook->ready whenever hook->fd is readable while it waits (launch
 * --attach forwards the signals it reads from a signalfd). ready must make the fd unreadable
 * again. */
struct exit_wait_hook {
        int fd;
        void (*ready)(void *arg);
        void *arg;
        /* >= 0: where a new monitor sends the output when the container is adopted (launch
         * --attach: the helper's own fds), instead of the sandbox's files */
        int adopt_out_fd, adopt_err_fd;
};
int exit_wait_for_record_hooked(const struct helper *h, int record_dirfd, const char *name,
                                const struct exit_wait_hook *hook, struct md_record *out, md_error *err);

/* destroy's stop (cmd_destroy.c), also for `rm --force`: marks the record KILLED, stops the
 * container (SIGTERM, SIGKILL after grace seconds) unless it has exited, and waits for the
 * exit record, which *out receives. */
int destroy_container(struct helper *h, int record_dirfd, const struct md_record *r, unsigned grace,
                      struct md_record *out, md_error *err);

/* The container is gone from the daemon when this returns 0 (it removes it, or waits for the
 * monitor's removal): `docker rm` and the seed's "stopped and removed". Only once the exit is
 * recorded, so the output has been drained. */
int destroy_remove_from_daemon(struct helper *h, const char *docker_id, md_error *err);

/* {"container","status","exit_code","signal","oom_killed","finished_at"} */
json_t *exit_wait_result_json(const struct md_record *r);
