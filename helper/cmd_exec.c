/* exec ID [--] CMD [ARG...]: a command in the caller's own running container, where the policy
 * says `exec = yes` (Mesos' COMMAND health checks: `docker exec mesos-UUID sh -c CMD`). The
 * command runs as the container's user, unprivileged, with the container's isolation; its
 * output goes to the helper's stdout and stderr and the helper exits with its exit code. */
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "docker.h"
#include "json_cleanup.h"
#include "lookup.h"
#include "util.h"

#define EXEC_MAX_ARGS 4096

static json_t *exec_body(int argc, char **argv)
{
        json_t *cmd = json_array();
        for (int i = 0; cmd && i < argc; i++)
                if (json_array_append_new(cmd, json_string(argv[i])) < 0) {
                        json_decref(cmd); /* not UTF-8: jansson refuses it */
                        return NULL;
                }
        return cmd ? json_pack("{s:b, s:b, s:b, s:b, s:b, s:o}", "AttachStdin", false, "AttachStdout", true,
                               "AttachStderr", true, "Tty", false, "Privileged", false, "Cmd", cmd)
                   : NULL;
}

static int run_exec(struct helper *h, const char *ref, int argc, char **argv, md_error *err)
{
        _cleanup_json_ json_t *body = exec_body(argc, argv);
        if (!body)
                return md_fail(err, MD_EXIT_USAGE, "exec: the command is not valid UTF-8");
        struct docker *d = NULL;
        if (docker_open(h->conf->docker_socket, &d, err) < 0)
                return -1;
        char exec_id[65];
        int code = 0;
        int rc = docker_exec_create(d, ref, body, exec_id, err);
        if (rc == 0)
                rc = docker_exec_start(d, exec_id, 1, 2, err);
        if (rc == 0)
                rc = docker_exec_exit_code(d, exec_id, &code, err);
        docker_close(d);
        if (rc < 0)
                return -1;
        h->exit_status = code & 0xff;
        return 0;
}

int cmd_exec(struct helper *h, int argc, char **argv, md_error *err)
{
        int first = argc > 2 && strcmp(argv[2], "--") == 0 ? 3 : 2;
        if (argc < 2 || first >= argc || argc - first > EXEC_MAX_ARGS)
                return md_fail(err, MD_EXIT_USAGE, "usage: exec ID [--] CMD [ARG...]");
        const char *id = argv[1];
        struct lookup_target t;
        if (lookup_target(h, id, &t, err) < 0)
                return -1;
        const char *name = t.name, *ref = t.docker_id;
        bool running = t.running;
        struct policy_finding f;
        bool allowed = policy_exec_allowed(h->section, &f);
        if (helper_audit(h, name, NULL, allowed, f.rule, f.reason, err) < 0)
                return -1;
        if (!allowed)
                return md_fail(err, MD_EXIT_DENIED, "denied: exec: %s (%s)", f.reason, f.rule);
        if (!running)
                return md_fail(err, MD_EXIT_FAILED, "%s: is not running", name);
        fflush(stdout);
        return run_exec(h, ref, argc - first, argv + first, err);
}
