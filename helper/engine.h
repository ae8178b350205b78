/* The engine: every command that talks to the Docker daemon or fetches, built as a private
 * shared module (mesos-docker-engine.so) that the helper loads only when a command needs it.
 *
 * Why a module: the process an agent keeps alive per container (`wait`, an attached `launch`)
 * needs nothing but the state dir, yet a process that merely has libcurl, libarchive and their
 * TLS and compression stacks mapped and relocated holds about 1.5 MiB of private dirty memory;
 * without them about 120 kB. A thousand waiting agents' processes are the difference between
 * 1.5 GB and 120 MB. Such a process that must talk to the daemon (the attached launch itself, a
 * forwarded signal, an adoption) does it in a child (engine_apart), and so never loads it. */
#pragma once

#include "helper.h"
#include "record.h"
#include "util.h"

/* Bumped whenever struct helper, struct md_record, md_error or this table changes shape: the helper
 * and the module are built together, and a mismatch (a half-upgraded install) is refused, not
 * guessed at. */
#define MD_ENGINE_ABI 5

/* What the engine tells the helper across the process boundary (engine_apart). */
struct engine_answer {
        char container[MD_NAME_MAX + 1];
        char docker_id[65];
};

struct md_engine {
        unsigned abi;
        /* runs the engine command argv[0]; -1 with err set on failure */
        int (*run)(struct helper *h, int argc, char **argv, md_error *err);
        /* exit_wait_rescue() for a container whose monitor is gone (see exit_wait.h) */
        int (*rescue)(const struct helper *h, int record_dirfd, const struct md_record *r, int adopt_out_fd,
                      int adopt_err_fd, md_error *err);
        /* mount_rules_daemon_remaps_users() (see mount_rules.h) */
        int (*remaps_users)(const struct helper *h, bool *on, md_error *err);
        /* launch --attach up to the running container (cmd_launch.c): its name and docker id
         * into *ans; the helper waits for the exit itself (attach.h) */
        int (*launch_attached)(struct helper *h, int argc, char **argv, struct engine_answer *ans,
                               md_error *err);
        /* sends signal signo to the container (launch --attach forwards what it gets) */
        int (*kill)(const struct helper *h, const char *docker_id, int signo, md_error *err);
};

/* The helper side: loads the module (once) and runs argv[0] in it. */
int engine_run(struct helper *h, int argc, char **argv, md_error *err);

/* Runs fn with the engine in a child process, and returns what it returned (its err, its *ans)
 * once the child has exited. For a process that stays per container (launch --attach, wait): it
 * never maps the module and its libraries, nor keeps the heap a launch or a daemon call leaves,
 * so it costs what `wait` costs. The child shares the fds and the blocked signals. */
typedef int (*engine_apart_fn)(struct helper *h, const struct md_engine *e, void *arg,
                               struct engine_answer *ans, md_error *err);
int engine_apart(struct helper *h, engine_apart_fn fn, void *arg, struct engine_answer *ans, md_error *err);

/* The engine side of launch --attach (cmd_launch.c), its table's launch_attached. */
int launch_attached(struct helper *h, int argc, char **argv, struct engine_answer *ans, md_error *err);
