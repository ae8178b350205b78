/* run and explain run: the translated TaskInfo goes to the helper's launch (or its policy
 * explain) on stdin, with --container-id and --sandbox from the command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "commands.h"
#include "helper_call.h"
#include "json_cleanup.h"
#include "task.h"

/* The helper would refuse a task it cannot parse with 65; checking it here first (the same
 * code, unprivileged) gives docker's 125 for what is a command-line error. */
static int check_task(const struct cli_run *run, md_error *err)
{
        _cleanup_free_ char *text = json_dumps(run->task, JSON_COMPACT);
        if (!text)
                return md_fail(err, CLI_EXIT_USAGE, "run: out of memory");
        struct task_spec *spec = NULL;
        if (task_parse(text, strlen(text), &spec, err) < 0) {
                md_error_prefix(err, "run: the translated task");
                err->exit_code = CLI_EXIT_USAGE;
                return -1;
        }
        task_free(spec);
        return 0;
}

/* The checked task, in a file to be the helper's stdin. */
static int task_stdin(const struct cli_run *run, md_error *err)
{
        return check_task(run, err) < 0 ? -1 : cli_task_fd(run->task, err);
}

int cmd_run(struct cli_request *req, md_error *err)
{
        struct cli_run *run = &req->run;
        _cleanup_close_ int task_fd = task_stdin(run, err);
        if (task_fd < 0)
                return -1;
        if (!run->detach) {
                /* attached: the helper becomes this process, its stdout and stderr are ours (the
                 * agent's files), it forwards our signals and exits with the container's status */
                const char *args[] = {"launch",    "--container-id", run->container_id,
                                      "--sandbox", run->sandbox,     "--task",
                                      "-",         "--attach",       NULL};
                return cli_helper_exec(args, task_fd, err);
        }
        const char *args[] = {
                "launch", "--container-id", run->container_id, "--sandbox", run->sandbox, "--task", "-",
                NULL};
        struct cli_helper_result res;
        if (cli_helper_run(args, task_fd, NULL, NULL, 0, &res, err) < 0)
                return -1;
        int rc = 0;
        if (res.status != 0) {
                /* the helper's own code (77 denied, 65, 69...), as attached run exits with it */
                rc = cli_helper_failure(&res, "container", NULL, res.status);
        } else {
                /* docker run -d prints the container's id */
                _cleanup_json_ json_t *o = json_loads(res.out, 0, NULL);
                const char *id = json_string_value(json_object_get(o, "docker_id"));
                printf("%s\n", id ? id : run->container_id);
        }
        cli_helper_result_clear(&res);
        return rc;
}

int cmd_explain(struct cli_request *req, md_error *err)
{
        struct cli_run *run = &req->run;
        _cleanup_close_ int task_fd = task_stdin(run, err);
        if (task_fd < 0)
                return -1;
        const char *args[] = {"policy",          "explain",   "--container-id",
                              run->container_id, "--sandbox", run->sandbox,
                              "--task",          "-",         NULL};
        struct cli_helper_result res;
        if (cli_helper_run(args, task_fd, NULL, NULL, 0, &res, err) < 0)
                return -1;
        int rc = 0;
        if (res.status == 0 || (res.status == MD_EXIT_DENIED && res.out_len > 0)) {
                fwrite(res.out, 1, res.out_len, stdout); /* a denial is an answer too, with status 77 */
                rc = res.status;
        } else {
                rc = cli_helper_failure(&res, "container", NULL, res.status);
        }
        cli_helper_result_clear(&res);
        return rc;
}

void cmd_refused_run(int argc, char **argv)
{
        const char **args = calloc((size_t)argc + 2, sizeof *args);
        if (!args)
                return;
        args[0] = "refuse";
        args[1] = "--";
        for (int i = 1; i < argc; i++)
                args[i + 1] = argv[i];
        struct cli_helper_result res;
        md_error err = {0};
        if (cli_helper_run(args, -1, NULL, NULL, 0, &res, &err) < 0) {
                fprintf(stderr, "mesos-docker: the refusal is not audited: %s\n", err.message);
        } else {
                /* 77: parsed again, refused and audited; anything else says why it is not */
                if (res.status != 77)
                        cli_helper_relay_stderr(&res);
                cli_helper_result_clear(&res);
        }
        free(args);
}
