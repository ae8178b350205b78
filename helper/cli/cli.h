/* The docker command line an unmodified Mesos agent sends (docker-cli.md) -> what to ask the
 * helper. Pure: no I/O, no environment except what the caller passes in (cli_parse reads
 * nothing; `-e NAME` without a value is looked up through a callback). Every error is exit 125,
 * docker's own code for a command line it refuses, with a message naming the flag. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "error.h"

#define CLI_EXIT_USAGE 125 /* docker's exit code for the CLI's own errors */
#define CLI_SANDBOX_MOUNT "/mnt/mesos/sandbox" /* where the helper mounts the sandbox */
#define CLI_DOCKER_VERSION "20.10.0" /* the docker CLI whose command line we speak (Engine API 1.41) */

enum cli_command {
        CLI_VERSION, /* `version` and `--version` / `-v` */
        CLI_HELP,
        CLI_RUN,
        CLI_EXPLAIN, /* `explain run ...`: the helper's `policy explain` of the translated run */
        CLI_INSPECT,
        CLI_PS,
        CLI_WAIT,
        CLI_LOGS,
        CLI_STOP,
        CLI_KILL,
        CLI_RM,
        CLI_PULL,
        CLI_EXEC,
        _CLI_COMMAND_MAX,
};

/* The translated `run`: the canonical request the helper's launch takes. */
struct cli_run {
        bool detach;
        char *container_id; /* from --name mesos-ID */
        char *sandbox; /* the host side of the -v whose container side is the sandbox mount */
        json_t *task; /* a TaskInfo in the protobuf JSON mapping */
};

struct cli_request {
        enum cli_command command;
        struct cli_run run; /* CLI_RUN, CLI_EXPLAIN */
        /* the operands: container names (inspect, wait, logs, stop, kill, rm, exec: one), the
         * image (pull); they point into argv */
        char **names;
        size_t n_names;
        const char *inspect_type; /* "container", "image" or NULL (either) */
        bool verbose; /* -V: the version with the helper's paths and build */
        bool all; /* ps -a */
        bool no_trunc; /* ps --no-trunc */
        bool follow; /* logs -f */
        bool force; /* rm -f */
        unsigned stop_time; /* stop -t (docker's default 10) */
        const char *signal; /* kill -s, NULL: KILL */
        char **exec_argv; /* exec: the command and its arguments, into argv */
        size_t n_exec_argv;
};

/* Looks up NAME in the environment of the caller for `-e NAME` (docker copies it then);
 * returns NULL when unset. */
typedef const char *(*cli_getenv_fn)(const char *name);

/* argv[0] is the program. Global options first (-H/--host is accepted and ignored: the daemon is
 * the policy's), then the command and its own options. On error: -1 and err (exit 125), and
 * req->command is CLI_RUN when it was a `run` line that was refused. */
int cli_parse(int argc, char **argv, cli_getenv_fn getenv_fn, struct cli_request *req, md_error *err);
void cli_request_clear(struct cli_request *req);

/* `run`'s options and operands (argv[0] is "run") -> run. Exposed for the unit test. */
int cli_parse_run(int argc, char **argv, cli_getenv_fn getenv_fn, struct cli_run *run, md_error *err);
void cli_run_clear(struct cli_run *run);

/* The name forms docker accepts for a container: "/mesos-ID" loses its slash. Returns a pointer
 * into name. */
const char *cli_strip_slash(const char *name);

/* The version text: both Mesos 0.20's parser (a line "Client version: X.Y.Z", X >= 1) and 1.x's
 * (the first line up to ",", its last word) accept it. */
extern const char cli_version_text[];
extern const char cli_usage_text[];
