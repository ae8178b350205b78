/* The docker command lines of docker-cli.md (Mesos 0.20 and 1.x) -> the front end's requests,
 * and the TaskInfo of `run` accepted by the helper's own parser; every refusal is exit 125. */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "answers.h"
#include "cli.h"
#include "task.h"

#define MAXARGS 128

static int split(char **argv, va_list ap)
{
        int n = 0;
        argv[n++] = "mesos-docker";
        const char *a;
        while ((a = va_arg(ap, const char *)) && n < MAXARGS - 1)
                argv[n++] = (char *)a;
        argv[n] = NULL;
        return n;
}

static const char *fake_env(const char *name)
{
        return strcmp(name, "FROM_AGENT") == 0 ? "agent-value" : NULL;
}

static char *args[MAXARGS];

/* parse(&req, "run", "-d", ..., NULL): 0 or the exit code of the refusal */
static int parse(struct cli_request *req, md_error *err, ...)
{
        va_list ap;
        va_start(ap, err);
        int n = split(args, ap);
        va_end(ap);
        md_error_clear(err);
        return cli_parse(n, args, fake_env, req, err) < 0 ? err->exit_code : 0;
}

#define REFUSED(msg_part, ...)                                                                               \
        do {                                                                                                 \
                struct cli_request r_;                                                                       \
                md_error e_ = {0};                                                                           \
                ck_assert_int_eq(parse(&r_, &e_, __VA_ARGS__, NULL), 125);                                   \
                ck_assert_msg(strstr(e_.message, msg_part), "\"%s\" not in \"%s\"", msg_part, e_.message);   \
        } while (0)

static json_t *path(json_t *o, const char *p)
{
        char buf[256];
        snprintf(buf, sizeof buf, "%s", p);
        for (char *tok = strtok(buf, "."); tok && o; tok = strtok(NULL, ".")) {
                char *end;
                long idx = strtol(tok, &end, 10);
                o = *end == '\0' ? json_array_get(o, (size_t)idx) : json_object_get(o, tok);
        }
        return o;
}

static const char *str(json_t *o, const char *p)
{
        return json_string_value(path(o, p));
}

/* the helper's own parser takes the translated task */
static void assert_helper_accepts(json_t *task)
{
        char *text = json_dumps(task, JSON_COMPACT);
        struct task_spec *spec = NULL;
        md_error err = {0};
        ck_assert_msg(task_parse(text, strlen(text), &spec, &err) == 0, "task_parse: %s (%s)", err.message,
                      text);
        task_free(spec);
        free(text);
}

/* the parameter KEY's value, NULL when absent */
static const char *param(json_t *task, const char *key)
{
        json_t *ps = path(task, "container.docker.parameters");
        for (size_t i = 0; i < json_array_size(ps); i++)
                if (strcmp(str(json_array_get(ps, i), "key"), key) == 0)
                        return str(json_array_get(ps, i), "value");
        return NULL;
}

static const char *env(json_t *task, const char *name)
{
        json_t *vs = path(task, "command.environment.variables");
        for (size_t i = 0; i < json_array_size(vs); i++)
                if (strcmp(str(json_array_get(vs, i), "name"), name) == 0)
                        return str(json_array_get(vs, i), "value");
        return NULL;
}

static double resource(json_t *task, const char *name)
{
        json_t *rs = path(task, "resources");
        for (size_t i = 0; i < json_array_size(rs); i++)
                if (strcmp(str(json_array_get(rs, i), "name"), name) == 0)
                        return json_real_value(path(json_array_get(rs, i), "scalar.value"));
        return -1;
}

#define UUID "0c1a9b3e-4f1d-4e5f-9a0b-1c2d3e4f5a6b"

START_TEST(mesos_020_run_detached)
{
        struct cli_request req;
        md_error err = {0};
        ck_assert_int_eq(parse(&req, &err, "run", "-d", "-c", "512", "-m", "134217728", "-e", "A=1", "-e",
                               "MESOS_SANDBOX=/mnt/mesos/sandbox", "-v", "/data:/data:ro", "-v",
                               "/srv/x:/x:rw", "-v", "/sb/1:/mnt/mesos/sandbox", "--net", "bridge", "-p",
                               "31000:80/tcp", "-p", "31001:53/udp", "-p", "31002:8080", "--entrypoint",
                               "/bin/sh", "--name", "mesos-" UUID, "busybox", "-c", "echo hi; exit 3", NULL),
                         0);
        ck_assert_int_eq(req.command, CLI_RUN);
        struct cli_run *run = &req.run;
        ck_assert(run->detach);
        ck_assert_str_eq(run->container_id, UUID);
        ck_assert_str_eq(run->sandbox, "/sb/1");
        json_t *t = run->task;
        ck_assert_str_eq(str(t, "task_id.value"), UUID);
        ck_assert_str_eq(str(t, "container.type"), "DOCKER");
        ck_assert_str_eq(str(t, "container.docker.image"), "busybox");
        ck_assert_str_eq(str(t, "container.docker.network"), "BRIDGE");
        ck_assert(json_is_false(path(t, "container.docker.privileged")));
        /* shares 512 = 0.5 cpus; 128 MiB */
        ck_assert(resource(t, "cpus") == 0.5);
        ck_assert(resource(t, "mem") == 128);
        /* the shell command, as Mesos wrote it from command.shell */
        ck_assert(json_is_true(path(t, "command.shell")));
        ck_assert_str_eq(str(t, "command.value"), "echo hi; exit 3");
        ck_assert_ptr_null(param(t, "entrypoint"));
        /* MESOS_SANDBOX is the helper's; the others are the task's */
        ck_assert_str_eq(env(t, "A"), "1");
        ck_assert_ptr_null(env(t, "MESOS_SANDBOX"));
        /* the sandbox volume is --sandbox, not a volume */
        ck_assert_int_eq(json_array_size(path(t, "container.volumes")), 2);
        ck_assert_str_eq(str(t, "container.volumes.0.host_path"), "/data");
        ck_assert_str_eq(str(t, "container.volumes.0.container_path"), "/data");
        ck_assert_str_eq(str(t, "container.volumes.0.mode"), "RO");
        ck_assert_str_eq(str(t, "container.volumes.1.mode"), "RW");
        json_t *ports = path(t, "container.docker.port_mappings");
        ck_assert_int_eq(json_array_size(ports), 3);
        ck_assert_int_eq(json_integer_value(path(ports, "0.host_port")), 31000);
        ck_assert_int_eq(json_integer_value(path(ports, "0.container_port")), 80);
        ck_assert_str_eq(str(ports, "1.protocol"), "udp");
        ck_assert_str_eq(str(ports, "2.protocol"), "tcp");
        assert_helper_accepts(t);
        cli_request_clear(&req);
}
END_TEST

START_TEST(mesos_1x_run_attached)
{
        struct cli_request req;
        md_error err = {0};
        ck_assert_int_eq(
                parse(&req, &err, "-H", "unix:///var/run/docker.sock", "run", "--privileged", "--cpu-shares",
                      "2048", "--cpu-quota", "200000", "--memory-reservation", "67108864", "--memory",
                      "268435456", "--oom-score-adj", "100", "-e", "MESOS_ALLOCATION_ROLE=*", "-e",
                      "MESOS_CONTAINER_NAME=mesos-" UUID ".executor", "-e",
                      "MESOS_SANDBOX=/mnt/mesos/sandbox", "-e", "Z=last", "-v", "/h:/c:rw", "-v",
                      "/var/lib/mesos/slaves/s/sb:/mnt/mesos/sandbox", "--volume-driver=local", "--net",
                      "host", "--dns", "8.8.8.8", "--dns", "1.1.1.1", "--dns-search", "example.com",
                      "--dns-opt", "ndots:2", "--hostname", "h1", "--device=/dev/fuse:/dev/fuse:rwm",
                      "--entrypoint", "/bin/sh", "--name", "mesos-" UUID ".executor", "--cap-add=NET_ADMIN",
                      "--label=a=b", "--init", "--read-only=false", "-u", "1000", "-w", "/tmp",
                      "--ulimit=nofile=1024:2048", "mesos/image:1.0", "-c", "exec /bin/app", NULL),
                0);
        struct cli_run *run = &req.run;
        ck_assert(!run->detach);
        ck_assert_str_eq(run->container_id, UUID ".executor");
        ck_assert_str_eq(run->sandbox, "/var/lib/mesos/slaves/s/sb");
        json_t *t = run->task;
        ck_assert(json_is_true(path(t, "container.docker.privileged")));
        ck_assert_str_eq(str(t, "container.docker.network"), "HOST");
        ck_assert_str_eq(str(t, "container.hostname"), "h1");
        ck_assert(resource(t, "cpus") == 2.0);
        ck_assert(resource(t, "mem") == 256);
        ck_assert_str_eq(param(t, "cpu-quota"), "200000");
        ck_assert_str_eq(param(t, "memory-reservation"), "67108864");
        ck_assert_str_eq(param(t, "oom-score-adj"), "100");
        ck_assert_str_eq(param(t, "volume-driver"), "local");
        ck_assert_str_eq(param(t, "dns"), "8.8.8.8");
        ck_assert_str_eq(param(t, "dns-search"), "example.com");
        ck_assert_str_eq(param(t, "dns-opt"), "ndots:2");
        ck_assert_str_eq(param(t, "device"), "/dev/fuse:/dev/fuse:rwm");
        ck_assert_str_eq(param(t, "cap-add"), "NET_ADMIN");
        ck_assert_str_eq(param(t, "label"), "a=b");
        ck_assert_str_eq(param(t, "init"), "true");
        ck_assert_str_eq(param(t, "read-only"), "false");
        ck_assert_str_eq(param(t, "user"), "1000");
        ck_assert_str_eq(param(t, "workdir"), "/tmp");
        ck_assert_str_eq(param(t, "ulimit"), "nofile=1024:2048");
        ck_assert_int_eq(json_array_size(path(t, "container.docker.parameters")), 16);
        ck_assert_str_eq(env(t, "MESOS_ALLOCATION_ROLE"), "*");
        ck_assert_str_eq(env(t, "Z"), "last");
        ck_assert_ptr_null(env(t, "MESOS_CONTAINER_NAME"));
        ck_assert_str_eq(str(t, "command.value"), "exec /bin/app");
        assert_helper_accepts(t);
        cli_request_clear(&req);
}
END_TEST

START_TEST(run_arguments_and_entrypoint)
{
        struct cli_request req;
        md_error err = {0};
        ck_assert_int_eq(parse(&req, &err, "run", "-d", "--name=mesos-a1", "-v", "/sb:/mnt/mesos/sandbox/",
                               "img", "ls", "-l", "--color", NULL),
                         0);
        json_t *t = req.run.task;
        ck_assert(json_is_false(path(t, "command.shell")));
        ck_assert_int_eq(json_array_size(path(t, "command.arguments")), 3);
        ck_assert_str_eq(str(t, "command.arguments.1"), "-l");
        ck_assert_str_eq(str(t, "command.arguments.2"), "--color");
        ck_assert_ptr_null(path(t, "container.docker.network")); /* the TaskInfo default, HOST */
        ck_assert_int_eq(json_array_size(path(t, "resources")), 0);
        assert_helper_accepts(t);
        cli_request_clear(&req);

        /* an entrypoint other than Mesos' shell is the `entrypoint` parameter */
        ck_assert_int_eq(parse(&req, &err, "run", "--entrypoint", "/app", "--name", "mesos-a2", "-v",
                               "/sb:/mnt/mesos/sandbox:rw", "img", "-c", "x", NULL),
                         0);
        t = req.run.task;
        ck_assert_str_eq(param(t, "entrypoint"), "/app");
        ck_assert_str_eq(str(t, "command.arguments.0"), "-c");
        assert_helper_accepts(t);
        cli_request_clear(&req);

        /* short flags run together, -X=V, -XV; `-e NAME` copies the caller's variable; none and
         * a user network; memory rounded up to whole MB; --net=default is bridge */
        ck_assert_int_eq(parse(&req, &err, "run", "-d", "-m1000", "-c=2", "-eFROM_AGENT", "-e", "UNSET_VAR",
                               "--name", "mesos-a3", "-v", "/sb:/mnt/mesos/sandbox", "--net=none", "img",
                               NULL),
                         0);
        t = req.run.task;
        ck_assert(req.run.detach);
        ck_assert(resource(t, "mem") == 1);
        ck_assert(resource(t, "cpus") == 2.0 / 1024);
        ck_assert_str_eq(env(t, "FROM_AGENT"), "agent-value");
        ck_assert_ptr_null(env(t, "UNSET_VAR"));
        ck_assert_str_eq(str(t, "container.docker.network"), "NONE");
        assert_helper_accepts(t);
        cli_request_clear(&req);

        ck_assert_int_eq(parse(&req, &err, "run", "--name", "mesos-a4", "-v", "/sb:/mnt/mesos/sandbox",
                               "--net", "mynet", "-m", "1g", "--privileged=false", "--detach=true", "img",
                               NULL),
                         0);
        t = req.run.task;
        ck_assert_str_eq(param(t, "network"), "mynet");
        ck_assert(resource(t, "mem") == 1024);
        ck_assert(req.run.detach);
        cli_request_clear(&req);

        ck_assert_int_eq(parse(&req, &err, "--host=unix:///x", "explain", "run", "--name", "mesos-a5", "-v",
                               "/sb:/mnt/mesos/sandbox", "--net", "bridge", "--", "img", NULL),
                         0);
        ck_assert_int_eq(req.command, CLI_EXPLAIN);
        ck_assert_str_eq(str(req.run.task, "container.docker.image"), "img");
        cli_request_clear(&req);
}
END_TEST

START_TEST(run_refusals)
{
        /* flags docker has and Mesos never sends, or that the helper refuses as parameters */
        REFUSED("unknown flag: --rm", "run", "--rm", "--name", "mesos-x", "-v", "/s:/mnt/mesos/sandbox",
                "img");
        REFUSED("unknown flag: --foo", "run", "--foo=1", "--name", "mesos-x", "-v", "/s:/mnt/mesos/sandbox",
                "img");
        REFUSED("unknown flag: --mount", "run", "--mount", "type=bind,src=/,dst=/h", "img");
        REFUSED("unknown flag: --volumes-from", "run", "--volumes-from", "other", "img");
        REFUSED("unknown flag: --cpus", "run", "--cpus", "2", "img");
        REFUSED("unknown shorthand flag: 'i'", "run", "-i", "img");
        REFUSED("unknown shorthand flag: 't'", "run", "-dt", "img");
        REFUSED("unknown shorthand flag: 'P'", "run", "-P", "img");
        /* volumes docker would manage, or modes Mesos never writes */
        REFUSED("anonymous volume", "run", "-v", "/data", "img");
        REFUSED("named volumes", "run", "-v", "vol:/data", "img");
        REFUSED("mode must be rw or ro", "run", "-v", "/a:/b:z", "img");
        REFUSED("mode must be rw or ro", "run", "-v", "/a:/b:ro:x", "img");
        /* ports */
        REFUSED("only HOST_PORT:CONTAINER_PORT", "run", "-p", "80", "img");
        REFUSED("only HOST_PORT:CONTAINER_PORT", "run", "-p", "1.2.3.4:80:80", "img");
        REFUSED("not a port number", "run", "-p", "0:80", "img");
        REFUSED("not a port number", "run", "-p", "80:70000", "img");
        REFUSED("protocol must be tcp or udp", "run", "-p", "80:80/sctp", "img");
        /* values */
        REFUSED("not a size", "run", "-m", "lots", "img");
        REFUSED("not a number of CPU shares", "run", "-c", "-1", "img");
        REFUSED("not a boolean", "run", "--privileged=maybe", "img");
        REFUSED("flag needs an argument", "run", "--name");
        REFUSED("flag needs an argument", "run", "-e");
        REFUSED("no variable name", "run", "-e", "=x", "img");
        /* the name and the sandbox */
        REFUSED("--name mesos-ID is required", "run", "-v", "/s:/mnt/mesos/sandbox", "img");
        REFUSED("must be mesos-ID", "run", "--name", "web", "img");
        REFUSED("must be mesos-ID", "run", "--name", "mesos-", "img");
        REFUSED("given twice", "run", "--name", "mesos-a", "--name", "mesos-b", "img");
        REFUSED("no -v SANDBOX", "run", "--name", "mesos-x", "img");
        REFUSED("two volumes on the sandbox", "run", "--name", "mesos-x", "-v", "/a:/mnt/mesos/sandbox", "-v",
                "/b:/mnt/mesos/sandbox", "img");
        REFUSED("the sandbox is mounted read-write", "run", "--name", "mesos-x", "-v",
                "/a:/mnt/mesos/sandbox:ro", "img");
        REFUSED("--sandbox_directory", "run", "--name", "mesos-x", "-e", "MESOS_SANDBOX=/sandbox", "-v",
                "/a:/sandbox", "img");
        REFUSED("the helper sets it to mesos-x", "run", "--name", "mesos-x", "-e",
                "MESOS_CONTAINER_NAME=other", "-v", "/a:/mnt/mesos/sandbox", "img");
        REFUSED("requires an image", "run", "--name", "mesos-x", "-v", "/a:/mnt/mesos/sandbox");
        /* explain needs a run */
        REFUSED("explain run", "explain", "ps");
}
END_TEST

START_TEST(global_options_and_version)
{
        struct cli_request req;
        md_error err = {0};
        ck_assert_int_eq(parse(&req, &err, "version", NULL), 0);
        ck_assert_int_eq(req.command, CLI_VERSION);
        cli_request_clear(&req);
        ck_assert_int_eq(parse(&req, &err, "-H", "unix:///run/docker.sock", "--version", NULL), 0);
        ck_assert_int_eq(req.command, CLI_VERSION);
        ck_assert_int_eq(parse(&req, &err, "--host=tcp://1.2.3.4:2375", "-Hunix:///x", "-H=unix:///y", "ps",
                               "-a", NULL),
                         0);
        ck_assert_int_eq(req.command, CLI_PS);
        ck_assert(req.all);
        cli_request_clear(&req);
        ck_assert_int_eq(parse(&req, &err, "-v", NULL), 0);
        ck_assert_int_eq(req.command, CLI_VERSION);
        ck_assert(!req.verbose); /* what Mesos parses: docker's lines only */
        ck_assert_int_eq(parse(&req, &err, "-V", NULL), 0);
        ck_assert_int_eq(req.command, CLI_VERSION);
        ck_assert(req.verbose);
        REFUSED("unknown flag: --tls", "--tls", "ps");
        REFUSED("flag needs an argument", "-H");
        REFUSED("no command", "-H", "unix:///x");
        REFUSED("unknown command \"images\"", "images");
        REFUSED("unknown flag: --format", "version", "--format", "{{.Client}}");

        /* 0.20: a line "Client version: X.Y..." with X >= 1; 1.x: the first line up to ",", its last word */
        const char *line = strstr(cli_version_text, "\nClient version: ");
        ck_assert_ptr_nonnull(line);
        ck_assert_int_ge(atoi(line + strlen("\nClient version: ")), 1);
        const char *comma = strchr(cli_version_text, ',');
        ck_assert_ptr_nonnull(comma);
        ck_assert(comma < strchr(cli_version_text, '\n'));
        char first[64];
        snprintf(first, sizeof first, "%.*s", (int)(comma - cli_version_text), cli_version_text);
        ck_assert_str_eq(strrchr(first, ' ') + 1, CLI_DOCKER_VERSION);
        ck_assert_str_eq(first, "Docker version " CLI_DOCKER_VERSION);
}
END_TEST

START_TEST(container_commands)
{
        struct cli_request req;
        md_error err = {0};
        ck_assert_int_eq(
                parse(&req, &err, "-H", "unix:///s", "inspect", "--type=container", "mesos-" UUID, NULL), 0);
        ck_assert_int_eq(req.command, CLI_INSPECT);
        ck_assert_str_eq(req.inspect_type, "container");
        ck_assert_str_eq(req.names[0], "mesos-" UUID);
        cli_request_clear(&req);
        ck_assert_int_eq(parse(&req, &err, "inspect", "busybox:latest", NULL), 0);
        ck_assert_ptr_null(req.inspect_type);
        cli_request_clear(&req);
        ck_assert_int_eq(parse(&req, &err, "inspect", "--type", "image", "busybox", NULL), 0);
        ck_assert_str_eq(req.inspect_type, "image");
        cli_request_clear(&req);
        REFUSED("only container or image", "inspect", "--type=volume", "x");
        REFUSED("unknown flag: --format", "inspect", "--format={{.Id}}", "x");
        REFUSED("wrong number of arguments", "inspect");

        ck_assert_int_eq(parse(&req, &err, "ps", "--no-trunc", NULL), 0);
        ck_assert(!req.all && req.no_trunc);
        cli_request_clear(&req);
        REFUSED("unknown shorthand flag: 'q'", "ps", "-aq");
        REFUSED("wrong number of arguments", "ps", "x");

        ck_assert_int_eq(parse(&req, &err, "wait", "mesos-a", "/mesos-b", NULL), 0);
        ck_assert_int_eq(req.n_names, 2);
        ck_assert_str_eq(cli_strip_slash(req.names[1]), "mesos-b");
        cli_request_clear(&req);
        REFUSED("wrong number of arguments", "wait");

        ck_assert_int_eq(parse(&req, &err, "logs", "--follow", "mesos-a", NULL), 0);
        ck_assert(req.follow);
        cli_request_clear(&req);
        ck_assert_int_eq(parse(&req, &err, "logs", "mesos-a", "-f", NULL), 0);
        ck_assert(req.follow);
        cli_request_clear(&req);
        REFUSED("unknown flag: --tail", "logs", "--tail", "10", "x");
        REFUSED("wrong number of arguments", "logs", "a", "b");

        ck_assert_int_eq(parse(&req, &err, "stop", "mesos-a", NULL), 0);
        ck_assert_uint_eq(req.stop_time, 10);
        cli_request_clear(&req);
        ck_assert_int_eq(parse(&req, &err, "stop", "-t", "5", "mesos-a", NULL), 0);
        ck_assert_uint_eq(req.stop_time, 5);
        cli_request_clear(&req);
        ck_assert_int_eq(parse(&req, &err, "stop", "--time=0", "a", "b", NULL), 0);
        ck_assert_uint_eq(req.stop_time, 0);
        cli_request_clear(&req);
        REFUSED("not a number of seconds", "stop", "-t", "soon", "a");
        REFUSED("not a number of seconds", "stop", "-t", "99999", "a");

        ck_assert_int_eq(parse(&req, &err, "kill", "--signal=15", "mesos-a", NULL), 0);
        ck_assert_str_eq(req.signal, "15");
        cli_request_clear(&req);
        ck_assert_int_eq(parse(&req, &err, "kill", "-s", "SIGTERM", "mesos-a", NULL), 0);
        ck_assert_str_eq(req.signal, "SIGTERM");
        cli_request_clear(&req);
        ck_assert_int_eq(parse(&req, &err, "kill", "mesos-a", NULL), 0);
        ck_assert_ptr_null(req.signal);
        cli_request_clear(&req);

        ck_assert_int_eq(parse(&req, &err, "rm", "-f", "-v", "mesos-a", NULL), 0);
        ck_assert(req.force);
        cli_request_clear(&req);
        ck_assert_int_eq(parse(&req, &err, "rm", "-fv", "mesos-a", NULL), 0);
        ck_assert(req.force);
        cli_request_clear(&req);
        ck_assert_int_eq(parse(&req, &err, "rm", "-v", "mesos-a", NULL), 0);
        ck_assert(!req.force);
        cli_request_clear(&req);
        REFUSED("unknown shorthand flag: 'l'", "rm", "-l", "a");

        ck_assert_int_eq(parse(&req, &err, "pull", "busybox:latest", NULL), 0);
        ck_assert_str_eq(req.names[0], "busybox:latest");
        cli_request_clear(&req);
        REFUSED("unknown shorthand flag: 'a'", "pull", "-a", "busybox");
        REFUSED("wrong number of arguments", "pull");

        /* the health check's command keeps its own flags */
        ck_assert_int_eq(parse(&req, &err, "exec", "mesos-a", "sh", "-c", "exit 1", NULL), 0);
        ck_assert_str_eq(req.names[0], "mesos-a");
        ck_assert_int_eq(req.n_exec_argv, 3);
        ck_assert_str_eq(req.exec_argv[1], "-c");
        cli_request_clear(&req);
        ck_assert_int_eq(parse(&req, &err, "exec", "mesos-a", "ls", "-la", NULL), 0);
        ck_assert_str_eq(req.exec_argv[1], "-la");
        cli_request_clear(&req);
        REFUSED("unknown shorthand flag: 'i'", "exec", "-i", "mesos-a", "sh");
        REFUSED("wrong number of arguments", "exec", "mesos-a");
}
END_TEST

static json_t *listing(void)
{
        return json_loads(
                "["
                "{\"container\":\"mesos-aa\",\"docker_id\":\"0123456789abcdef0123\",\"state\":\"running\","
                "\"image\":\"docker.io/library/busybox:latest\",\"sandbox\":\"/s/1\"},"
                "{\"container\":\"mesos-bb\",\"docker_id\":\"0124aaaa\",\"state\":\"exited\","
                "\"image\":\"img\",\"sandbox\":\"/s/2\"},"
                "{\"container\":\"mesos-cc\",\"state\":\"created\",\"image\":\"img\"}]",
                0, NULL);
}

START_TEST(answers)
{
        json_t *list = listing(), *e = NULL;
        ck_assert_int_eq(cli_match_container(list, "mesos-aa", &e), 0);
        ck_assert_str_eq(cli_entry_id(e), "aa");
        ck_assert_int_eq(cli_match_container(list, "/mesos-bb", &e), 0);
        ck_assert_str_eq(cli_entry_id(e), "bb");
        ck_assert_int_eq(cli_match_container(list, "cc", &e), 0);
        ck_assert_str_eq(cli_entry_id(e), "cc");
        ck_assert_int_eq(cli_match_container(list, "0123456789abcdef0123", &e), 0);
        ck_assert_str_eq(cli_entry_id(e), "aa");
        ck_assert_int_eq(cli_match_container(list, "0123", &e), 0); /* a unique prefix */
        ck_assert_str_eq(cli_entry_id(e), "aa");
        ck_assert_int_eq(cli_match_container(list, "012", &e), -EEXIST);
        ck_assert_int_eq(cli_match_container(list, "mesos-dd", &e), -ENOENT);
        ck_assert_int_eq(cli_match_container(list, "/", &e), -ENOENT);

        /* ps: the header, then the name as the last token of each line */
        char *all = cli_format_ps(list, true, false);
        ck_assert_ptr_nonnull(strstr(all, "NAMES\n"));
        char *line = strchr(all, '\n') + 1;
        ck_assert_ptr_nonnull(strstr(line, "0123456789ab   docker.io/library/busybox:latest"));
        ck_assert_ptr_nonnull(strstr(line, " mesos-aa\n"));
        ck_assert_ptr_nonnull(strstr(all, "Exited       mesos-bb\n"));
        ck_assert_ptr_nonnull(strstr(all, " mesos-cc\n"));
        free(all);
        char *running = cli_format_ps(list, false, true);
        ck_assert_ptr_nonnull(strstr(running, "0123456789abcdef0123"));
        ck_assert_ptr_null(strstr(running, "mesos-bb"));
        free(running);
        json_t *empty = json_array();
        char *none = cli_format_ps(empty, true, false);
        ck_assert_int_eq(strchr(none, '\n') - none + 1, (long)strlen(none)); /* the header alone */
        free(none);
        json_decref(empty);
        json_decref(list);

        long code;
        json_t *w = json_loads("{\"exit_code\":137,\"signal\":9}", 0, NULL);
        ck_assert_int_eq(cli_wait_exit_code(w, &code), 0);
        ck_assert_int_eq(code, 137);
        json_decref(w);
        w = json_loads("{\"status\":\"FAILED\"}", 0, NULL);
        ck_assert_int_eq(cli_wait_exit_code(w, &code), -EINVAL);
        json_decref(w);
}
END_TEST

Suite *unit_suite(void)
{
        Suite *s = suite_create("cli");
        TCase *tc = tcase_create("core");
        tcase_add_test(tc, mesos_020_run_detached);
        tcase_add_test(tc, mesos_1x_run_attached);
        tcase_add_test(tc, run_arguments_and_entrypoint);
        tcase_add_test(tc, run_refusals);
        tcase_add_test(tc, global_options_and_version);
        tcase_add_test(tc, container_commands);
        tcase_add_test(tc, answers);
        suite_add_tcase(s, tc);
        return s;
}
