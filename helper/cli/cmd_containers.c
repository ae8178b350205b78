/* The commands on existing containers and images: each one helper command. A name is found in
 * the helper's `list` of the caller's own containers first, so another caller's container is
 * "No such container" here exactly as in the helper. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "answers.h"
#include "cleanup.h"
#include "commands.h"
#include "helper_call.h"
#include "json_cleanup.h"

json_t *cli_list(md_error *err)
{
        const char *args[] = {"list", NULL};
        struct cli_helper_result res;
        if (cli_helper_run(args, -1, NULL, NULL, 0, &res, err) < 0)
                return NULL;
        json_t *list = NULL;
        if (res.status != 0) {
                cli_helper_relay_stderr(&res);
                md_fail(err, 1, "cannot list the caller's containers (the helper's list failed)");
        } else if (!(list = json_loads(res.out, 0, NULL)) || !json_is_array(list)) {
                json_decref(list);
                list = NULL;
                md_fail(err, 1, "the helper's list answered no JSON array");
        }
        cli_helper_result_clear(&res);
        return list;
}

int cli_resolve(const char *name, json_t **entry, md_error *err)
{
        _cleanup_json_ json_t *list = cli_list(err);
        if (!list)
                return -1;
        json_t *e;
        if (cli_match_container(list, name, &e) < 0) {
                fprintf(stderr, "Error: No such container: %s\n", name);
                return 1;
        }
        *entry = json_incref(e);
        return 0;
}

/* One helper command per named container, docker's way: the name printed for each success, an
 * error line for each failure, exit 1 if any failed. */
typedef int (*per_container_fn)(struct cli_request *req, const char *id, const char *name, md_error *err);

static int for_each_container(struct cli_request *req, per_container_fn fn, md_error *err)
{
        int rc = 0;
        for (size_t i = 0; i < req->n_names; i++) {
                json_t *entry = NULL;
                int r = cli_resolve(req->names[i], &entry, err);
                if (r < 0)
                        return -1;
                if (r == 0) {
                        r = fn(req, cli_entry_id(entry), req->names[i], err);
                        json_decref(entry);
                        if (r < 0)
                                return -1;
                }
                if (r != 0)
                        rc = 1;
        }
        return rc;
}

/* Runs one helper command; prints what print says on success. */
static int simple(const char *const *args, const char *name, bool print_name, md_error *err)
{
        struct cli_helper_result res;
        if (cli_helper_run(args, -1, NULL, NULL, 0, &res, err) < 0)
                return -1;
        int rc = 0;
        if (res.status != 0)
                rc = cli_helper_failure(&res, "container", name, 1);
        else if (print_name)
                printf("%s\n", name);
        cli_helper_result_clear(&res);
        return rc;
}

int cmd_inspect(struct cli_request *req, md_error *err)
{
        const char *name = cli_strip_slash(req->names[0]);
        const char *args[5] = {"inspect"};
        size_t n = 1;
        if (req->inspect_type) {
                args[n++] = "--type";
                args[n++] = req->inspect_type;
        }
        args[n++] = name;
        struct cli_helper_result res;
        if (cli_helper_run(args, -1, NULL, NULL, 0, &res, err) < 0)
                return -1;
        int rc = 0;
        if (res.status == 0) {
                fwrite(res.out, 1, res.out_len, stdout);
        } else {
                if (res.status == 2)
                        printf("[]\n"); /* docker prints the (empty) array before its error */
                rc = cli_helper_failure(&res, req->inspect_type ? req->inspect_type : "object", req->names[0],
                                        1);
        }
        cli_helper_result_clear(&res);
        return rc;
}

int cmd_ps(struct cli_request *req, md_error *err)
{
        _cleanup_json_ json_t *list = cli_list(err);
        if (!list)
                return -1;
        _cleanup_free_ char *text = cli_format_ps(list, req->all, req->no_trunc);
        if (!text)
                return md_fail(err, 1, "ps: out of memory");
        fputs(text, stdout);
        return 0;
}

static int wait_one(struct cli_request *req, const char *id, const char *name, md_error *err)
{
        const char *args[] = {"wait", id, NULL};
        struct cli_helper_result res;
        if (cli_helper_run(args, -1, NULL, NULL, 0, &res, err) < 0)
                return -1;
        int rc = 0;
        _cleanup_json_ json_t *o = res.status == 0 ? json_loads(res.out, 0, NULL) : NULL;
        long code;
        if (res.status != 0)
                rc = cli_helper_failure(&res, "container", name, 1);
        else if (cli_wait_exit_code(o, &code) < 0)
                rc = md_fail(err, 1, "wait %s: the helper answered no exit code", name);
        else
                printf("%ld\n", code);
        cli_helper_result_clear(&res);
        return rc;
}

int cmd_wait(struct cli_request *req, md_error *err)
{
        return for_each_container(req, wait_one, err);
}

static int stop_one(struct cli_request *req, const char *id, const char *name, md_error *err)
{
        char grace[16];
        snprintf(grace, sizeof grace, "%u", req->stop_time);
        const char *args[] = {"destroy", id, "--grace", grace, NULL};
        return simple(args, name, true, err);
}

int cmd_stop(struct cli_request *req, md_error *err)
{
        return for_each_container(req, stop_one, err);
}

static int kill_one(struct cli_request *req, const char *id, const char *name, md_error *err)
{
        const char *args[] = {"kill", id, "--signal", req->signal ? req->signal : "KILL", NULL};
        return simple(args, name, true, err);
}

int cmd_kill(struct cli_request *req, md_error *err)
{
        return for_each_container(req, kill_one, err);
}

static int rm_one(struct cli_request *req, const char *id, const char *name, md_error *err)
{
        const char *args[] = {"rm", id, req->force ? "--force" : NULL, NULL};
        return simple(args, name, true, err);
}

int cmd_rm(struct cli_request *req, md_error *err)
{
        return for_each_container(req, rm_one, err);
}

/* Credentials as docker finds them: $HOME/.docker/config.json, else $HOME/.dockercfg (Mesos runs
 * pull with HOME=SANDBOX, where the task fetched one). The helper reads it with our rights. */
static const char *registry_config(char buf[static 4096])
{
        const char *home = getenv("HOME");
        if (!home || home[0] != '/')
                return NULL;
        static const char *const names[] = {".docker/config.json", ".dockercfg"};
        for (size_t i = 0; i < 2; i++) {
                snprintf(buf, 4096, "%s/%s", home, names[i]);
                if (access(buf, R_OK) == 0)
                        return buf;
        }
        return NULL;
}

int cmd_pull(struct cli_request *req, md_error *err)
{
        char buf[4096];
        const char *config = registry_config(buf);
        const char *args[] = {"pull", req->names[0], config ? "--config" : NULL, config, NULL};
        struct cli_helper_result res;
        if (cli_helper_run(args, -1, NULL, NULL, 0, &res, err) < 0)
                return -1;
        int rc = 0;
        if (res.status != 0)
                rc = cli_helper_failure(&res, "image", req->names[0], 1);
        else
                printf("%s\n", req->names[0]); /* docker pull's last line names the image */
        cli_helper_result_clear(&res);
        return rc;
}

int cmd_exec(struct cli_request *req, md_error *err)
{
        json_t *entry = NULL;
        int r = cli_resolve(req->names[0], &entry, err);
        if (r != 0)
                return r;
        const char **args = calloc(req->n_exec_argv + 4, sizeof *args);
        if (!args) {
                json_decref(entry);
                return md_fail(err, 1, "exec: out of memory");
        }
        args[0] = "exec";
        args[1] = cli_entry_id(entry);
        args[2] = "--";
        memcpy(args + 3, req->exec_argv, req->n_exec_argv * sizeof *args);
        fflush(stdout);
        /* the helper becomes this process: the command's exit status is ours */
        cli_helper_exec(args, -1, err);
        free(args);
        json_decref(entry);
        return -1;
}
