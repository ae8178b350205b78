/* mesos-docker: the docker command line of an unmodified Mesos agent (`--docker=PATH`), carried
 * out by mesos-docker-helper. Not setuid: it parses as the caller, with no privilege, and every
 * operation is the helper's, under the policy, audited, with the helper's owner checks. A bug
 * here can at worst hurt its own caller.
 *
 * main() parses the command line (pure, cli_parse), then runs the command, which asks the helper.
 * Only this file prints the front end's own errors and exits. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "helper_call.h"

static int (*const run_command[_CLI_COMMAND_MAX])(struct cli_request *, md_error *) = {
        [CLI_RUN] = cmd_run,   [CLI_EXPLAIN] = cmd_explain, [CLI_INSPECT] = cmd_inspect,
        [CLI_PS] = cmd_ps,     [CLI_WAIT] = cmd_wait,       [CLI_LOGS] = cmd_logs,
        [CLI_STOP] = cmd_stop, [CLI_KILL] = cmd_kill,       [CLI_RM] = cmd_rm,
        [CLI_PULL] = cmd_pull, [CLI_EXEC] = cmd_exec,
};

static _Noreturn void die(const md_error *err)
{
        char msg[sizeof err->message];
        snprintf(msg, sizeof msg, "%s", err->message);
        for (char *p = msg; *p; p++) /* one line, whatever the command line carried */
                if ((unsigned char)*p < 0x20 || *p == 0x7f)
                        *p = ' ';
        fflush(stdout);
        fprintf(stderr, "mesos-docker: %s\n", msg);
        exit(err->exit_code ? err->exit_code : 1);
}

/* Agents pass `version` before anything else: it also says whether the helper is there. Mesos
 * parses the docker lines; -V, which no Mesos sends, adds the helper's own --version. */
static int cmd_version(bool verbose, md_error *err)
{
        const char *args[] = {"--version", NULL};
        struct cli_helper_result res;
        if (cli_helper_run(args, -1, NULL, NULL, 0, &res, err) < 0)
                return -1;
        int status = res.status;
        if (status == 0) {
                fputs(cli_version_text, stdout);
                if (verbose)
                        printf("helper: %s\n%s", MD_HELPER_PATH, res.out);
        }
        cli_helper_result_clear(&res);
        if (status != 0)
                return md_fail(err, 1, "%s --version failed (exit %d): is it installed setuid root?",
                               MD_HELPER_PATH, status);
        return 0;
}

static const char *caller_env(const char *name)
{
        return getenv(name);
}

int main(int argc, char **argv)
{
        md_error err = {0};
        struct cli_request req;
        /* an agent's shell may leave SIGPIPE ignored; a reader going away should end us */
        signal(SIGPIPE, SIG_DFL);
        if (cli_parse(argc, argv, caller_env, &req, &err) < 0) {
                if (req.command == CLI_RUN)
                        cmd_refused_run(argc, argv);
                die(&err);
        }
        int rc;
        if (req.command == CLI_HELP)
                rc = fputs(cli_usage_text, stdout) < 0;
        else if (req.command == CLI_VERSION)
                rc = cmd_version(req.verbose, &err);
        else
                rc = run_command[req.command](&req, &err);
        cli_request_clear(&req);
        if (rc < 0)
                die(&err);
        if (fflush(stdout) != 0)
                return 1;
        return rc;
}
