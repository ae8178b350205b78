/* Running mesos-docker-helper, whose path is fixed at build time: the front end has no privilege
 * of its own, and the helper is the boundary (it judges its caller, not its caller's program). */
#pragma once

#include <stddef.h>
#include <jansson.h>

#include "error.h"

struct cli_helper_result {
        int status; /* the helper's exit code, or 128+N when signal N killed it */
        char *out; /* its stdout, NUL-terminated */
        size_t out_len;
        char *err; /* its stderr */
        size_t err_len;
};

/* Runs the helper with args (args[0] is the command word, NULL-terminated) and stdin_fd as its
 * stdin (-1: ours), collecting stdout and stderr. While it runs, tick(arg) is called at least
 * every tick_ms milliseconds (tick may be NULL). -1 only when it could not be run at all. */
int cli_helper_run(const char *const *args, int stdin_fd, void (*tick)(void *arg), void *arg, int tick_ms,
                   struct cli_helper_result *res, md_error *err);
void cli_helper_result_clear(struct cli_helper_result *res);

/* Replaces this process with the helper (one process per container for attached run, and exec's
 * exit status is the command's). Returns only on failure, with err set. */
int cli_helper_exec(const char *const *args, int stdin_fd, md_error *err);

/* A sealed in-memory file holding the task's JSON, to be the helper's stdin (--task -). */
int cli_task_fd(json_t *task, md_error *err);

/* Writes the helper's stderr to ours as it came (one line "mesos-docker-helper: ..."). */
void cli_helper_relay_stderr(const struct cli_helper_result *res);

/* The helper failed: "no such container" (its exit 2) in docker's words, "Error: No such KIND:
 * NAME", exit 1; otherwise its own message, and exit 125 for a usage error, else failure_code. */
int cli_helper_failure(const struct cli_helper_result *res, const char *kind, const char *name,
                       int failure_code);
