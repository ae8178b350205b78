/* `docker run` as Mesos 0.20 and 1.x write it -> the TaskInfo the helper's launch takes, so that
 * every flag is judged by the same code and policy as the TaskInfo field or docker parameter it
 * came from (docker-cli.md "Mapping onto the helper"):
 *   -c/--cpu-shares N  -> resources cpus N/1024 (the helper sets shares max(1024*cpus, 2))
 *   -m/--memory B      -> resources mem, B in whole MB rounded up
 *   -e K=V             -> command.environment (MESOS_SANDBOX and MESOS_CONTAINER_NAME are the
 *                         helper's own; they must agree with it)
 *   -v H:C[:rw|ro]     -> container.volumes; the one on the sandbox mount -> --sandbox H
 *   --net MODE         -> docker.network HOST/BRIDGE/NONE, any other name the `network` parameter
 *   -p HP:CP[/proto]   -> docker.port_mappings
 *   --privileged       -> docker.privileged
 *   -h/--hostname H    -> container.hostname
 *   --name mesos-ID    -> --container-id ID
 *   --entrypoint /bin/sh IMAGE -c CMD -> the shell command CMD (command.shell true), as Mesos
 *                         wrote it from one; any other --entrypoint is the `entrypoint` parameter
 *   IMAGE ARGS...      -> command.shell false, arguments ARGS
 *   --KEY[=VALUE]      -> docker.parameters {KEY, VALUE} for every key the helper translates
 *                         (task_known_parameters), as Mesos passes DockerInfo.parameters.
 * Anything else is refused: a dropped flag could be a dropped isolation setting. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "json_cleanup.h"
#include "task.h"
#include "util.h"

#define MIB (UINT64_C(1) << 20)

enum run_kind {
        RUN_DETACH,
        RUN_CPU_SHARES,
        RUN_MEMORY,
        RUN_ENV,
        RUN_VOLUME,
        RUN_NETWORK,
        RUN_PUBLISH,
        RUN_ENTRYPOINT,
        RUN_NAME,
        RUN_PRIVILEGED,
        RUN_HOSTNAME,
        RUN_PARAMETER,
        _RUN_KIND_MAX,
};

struct run_flag {
        const char *name; /* long name, without "--" */
        char short_name; /* 0: none */
        enum run_kind kind;
        bool boolean; /* `--flag` alone means true; never takes the next word */
};

/* The flags read here rather than handed over as parameters, and the short spellings of
 * parameters (docker's own aliases). */
static const struct run_flag run_flags[] = {
        {"detach", 'd', RUN_DETACH, true},        {"cpu-shares", 'c', RUN_CPU_SHARES, false},
        {"memory", 'm', RUN_MEMORY, false},       {"env", 'e', RUN_ENV, false},
        {"volume", 'v', RUN_VOLUME, false},       {"net", 0, RUN_NETWORK, false},
        {"network", 0, RUN_NETWORK, false},       {"publish", 'p', RUN_PUBLISH, false},
        {"entrypoint", 0, RUN_ENTRYPOINT, false}, {"name", 0, RUN_NAME, false},
        {"privileged", 0, RUN_PRIVILEGED, true},  {"hostname", 'h', RUN_HOSTNAME, false},
        {"user", 'u', RUN_PARAMETER, false},      {"workdir", 'w', RUN_PARAMETER, false},
        {"label", 'l', RUN_PARAMETER, false},     {"dns-opt", 0, RUN_PARAMETER, false},
};

/* The parameters that are boolean flags in docker's CLI (apply_bool in the helper's table). */
static const char *const boolean_parameters[] = {"init", "read-only", "oom-kill-disable", NULL};

struct run_state {
        cli_getenv_fn getenv_fn;
        bool detach;
        char *name; /* the ID part of --name */
        char *entrypoint;
        bool has_entrypoint;
        uint64_t cpu_shares;
        uint64_t mem_bytes;
        bool privileged;
        const char *network; /* docker.network enum name, or NULL */
        const char *sandbox_env; /* MESOS_SANDBOX's value, if given */
        const char *container_name_env; /* MESOS_CONTAINER_NAME's value, if given */
        json_t *env; /* [{name, value}] */
        json_t *volumes; /* [{host_path, container_path, mode}], the sandbox's among them */
        json_t *ports;
        json_t *parameters;
        const char *hostname;
};

static void state_free(struct run_state *s)
{
        free(s->name);
        free(s->entrypoint);
        json_decref(s->env);
        json_decref(s->volumes);
        json_decref(s->ports);
        json_decref(s->parameters);
}

static int usage(md_error *err, const char *fmt, const char *a, const char *b)
{
        return md_fail(err, CLI_EXIT_USAGE, fmt, a, b);
}

static int oom(md_error *err)
{
        return md_fail(err, CLI_EXIT_USAGE, "run: out of memory");
}

static int append(json_t *arr, json_t *v, md_error *err)
{
        return json_array_append_new(arr, v) < 0 ? oom(err) : 0;
}

/* Go's strconv.ParseBool, which docker's CLI uses for `--flag=VALUE`. */
static int parse_bool(const char *v, bool *out)
{
        static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True", NULL};
        static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False", NULL};
        for (size_t i = 0; yes[i]; i++)
                if (strcmp(v, yes[i]) == 0)
                        return *out = true, 0;
        for (size_t i = 0; no[i]; i++)
                if (strcmp(v, no[i]) == 0)
                        return *out = false, 0;
        return -EINVAL;
}

/* docker's RAMInBytes as far as Mesos uses it: an integer with an optional b, k, m, g or t
 * (and an optional second b), 1024-based, case-insensitive. */
static int parse_size(const char *s, uint64_t *out)
{
        char digits[32];
        size_t n = strspn(s, "0123456789");
        if (n == 0 || n >= sizeof digits)
                return -EINVAL;
        memcpy(digits, s, n);
        digits[n] = '\0';
        uint64_t v, mult = 1;
        if (md_parse_u64(digits, &v) < 0)
                return -EINVAL;
        const char *u = s + n;
        if (*u) {
                const char *p = strchr("bkmgt", tolower((unsigned char)*u));
                if (!p)
                        return -EINVAL;
                for (long i = 0; i < p - "bkmgt"; i++)
                        mult *= 1024;
                u++;
                if (*u && tolower((unsigned char)*u) == 'b' && mult > 1)
                        u++;
                if (*u)
                        return -EINVAL;
        }
        if (v > UINT64_MAX / mult)
                return -ERANGE;
        *out = v * mult;
        return 0;
}

static bool is_boolean_parameter(const char *key)
{
        for (size_t i = 0; boolean_parameters[i]; i++)
                if (strcmp(key, boolean_parameters[i]) == 0)
                        return true;
        return false;
}

static bool is_known_parameter(const char *key)
{
        for (size_t i = 0; task_known_parameters[i]; i++)
                if (strcmp(key, task_known_parameters[i]) == 0)
                        return true;
        return false;
}

static int add_parameter(struct run_state *s, const char *key, const char *value, md_error *err)
{
        json_t *p = json_pack("{s:s, s:s}", "key", key, "value", value);
        return p ? append(s->parameters, p, err) : oom(err);
}

static int add_env(struct run_state *s, const char *spec, md_error *err)
{
        const char *eq = strchr(spec, '=');
        _cleanup_free_ char *name = eq ? strndup(spec, (size_t)(eq - spec)) : strdup(spec);
        if (!name)
                return oom(err);
        if (!name[0])
                return usage(err, "run: -e \"%s\": no variable name%s", spec, "");
        const char *value = eq ? eq + 1 : s->getenv_fn ? s->getenv_fn(name) : NULL;
        if (!value) /* docker's `-e NAME` of an unset variable sets nothing */
                return 0;
        if (strcmp(name, "MESOS_SANDBOX") == 0) {
                s->sandbox_env = value;
                return 0;
        }
        if (strcmp(name, "MESOS_CONTAINER_NAME") == 0) {
                s->container_name_env = value;
                return 0;
        }
        json_t *v = json_pack("{s:s, s:s}", "name", name, "value", value);
        return v ? append(s->env, v, err) : oom(err);
}

/* HOST:CONTAINER[:rw|ro], HOST absolute: a bind mount, as Mesos writes its volumes. Named and
 * anonymous volumes would be docker-managed storage the policy does not see. */
static int add_volume(struct run_state *s, const char *spec, md_error *err)
{
        _cleanup_free_ char *copy = strdup(spec);
        if (!copy)
                return oom(err);
        char *host = copy, *ctr = strchr(copy, ':'), *mode = NULL;
        if (!ctr)
                return usage(
                        err,
                        "run: -v \"%s\": an anonymous volume is not supported (HOST:CONTAINER[:rw|ro])%s",
                        spec, "");
        *ctr++ = '\0';
        mode = strchr(ctr, ':');
        if (mode)
                *mode++ = '\0';
        if (mode && strcmp(mode, "rw") != 0 && strcmp(mode, "ro") != 0)
                return usage(err, "run: -v \"%s\": mode must be rw or ro%s", spec, "");
        if (host[0] != '/')
                return usage(err,
                             "run: -v \"%s\": the host side must be an absolute path (named volumes are not "
                             "supported)%s",
                             spec, "");
        if (!ctr[0])
                return usage(err, "run: -v \"%s\": no container path%s", spec, "");
        json_t *v = json_pack("{s:s, s:s, s:s}", "host_path", host, "container_path", ctr, "mode",
                              mode && strcmp(mode, "ro") == 0 ? "RO" : "RW");
        return v ? append(s->volumes, v, err) : oom(err);
}

static int parse_port(const char *s, const char *spec, uint64_t *out, md_error *err)
{
        if (md_parse_u64(s, out) < 0 || *out < 1 || *out > 65535)
                return usage(err, "run: -p \"%s\": \"%s\" is not a port number (1-65535)", spec, s);
        return 0;
}

/* HOST_PORT:CONTAINER_PORT[/tcp|udp], the only form Mesos writes. */
static int add_port(struct run_state *s, const char *spec, md_error *err)
{
        _cleanup_free_ char *copy = strdup(spec);
        if (!copy)
                return oom(err);
        char *proto = strchr(copy, '/');
        if (proto)
                *proto++ = '\0';
        char *cp = strchr(copy, ':');
        if (!cp || strchr(cp + 1, ':'))
                return usage(err, "run: -p \"%s\": only HOST_PORT:CONTAINER_PORT[/tcp|udp] is supported%s",
                             spec, "");
        *cp++ = '\0';
        if (proto && strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0)
                return usage(err, "run: -p \"%s\": protocol must be tcp or udp%s", spec, "");
        uint64_t hp, ctr;
        if (parse_port(copy, spec, &hp, err) < 0 || parse_port(cp, spec, &ctr, err) < 0)
                return -1;
        json_t *v = json_pack("{s:I, s:I, s:s}", "host_port", (json_int_t)hp, "container_port",
                              (json_int_t)ctr, "protocol", proto ? proto : "tcp");
        return v ? append(s->ports, v, err) : oom(err);
}

static int set_network(struct run_state *s, const char *v, md_error *err)
{
        if (strcmp(v, "host") == 0)
                s->network = "HOST";
        else if (strcmp(v, "bridge") == 0 || strcmp(v, "default") == 0)
                s->network = "BRIDGE";
        else if (strcmp(v, "none") == 0)
                s->network = "NONE";
        else /* a user-defined network: the `network` parameter, which the policy's networks judge */
                return add_parameter(s, "network", v, err);
        return 0;
}

static int set_once(char **slot, const char *flag, const char *v, md_error *err)
{
        if (*slot)
                return usage(err, "run: --%s given twice (\"%s\")", flag, v);
        *slot = strdup(v);
        return *slot ? 0 : oom(err);
}

static int apply_flag(struct run_state *s, const struct run_flag *f, const char *key, const char *v,
                      md_error *err)
{
        bool b;
        switch (f->kind) {
        case RUN_DETACH:
        case RUN_PRIVILEGED:
                if (parse_bool(v, &b) < 0)
                        return usage(err, "run: --%s=\"%s\": not a boolean", key, v);
                if (f->kind == RUN_DETACH)
                        s->detach = b;
                else
                        s->privileged = b;
                return 0;
        case RUN_CPU_SHARES:
                if (md_parse_u64(v, &s->cpu_shares) < 0)
                        return usage(err, "run: --%s \"%s\": not a number of CPU shares", key, v);
                return 0;
        case RUN_MEMORY:
                if (parse_size(v, &s->mem_bytes) < 0)
                        return usage(err, "run: --%s \"%s\": not a size in bytes", key, v);
                return 0;
        case RUN_ENV:
                return add_env(s, v, err);
        case RUN_VOLUME:
                return add_volume(s, v, err);
        case RUN_NETWORK:
                return set_network(s, v, err);
        case RUN_PUBLISH:
                return add_port(s, v, err);
        case RUN_ENTRYPOINT:
                s->has_entrypoint = true;
                return set_once(&s->entrypoint, key, v, err);
        case RUN_NAME: {
                const char *id = md_container_id_of_name(v);
                if (!id)
                        return usage(err, "run: --name \"%s\": must be mesos-ID, ID a Mesos container id%s",
                                     v, "");
                return set_once(&s->name, key, id, err);
        }
        case RUN_HOSTNAME:
                s->hostname = v;
                return 0;
        case RUN_PARAMETER:
                return add_parameter(s, key, v, err);
        case _RUN_KIND_MAX:
                break;
        }
        return usage(err, "run: --%s: not handled%s", key, "");
}

static const struct run_flag *find_long(const char *name, struct run_flag *scratch)
{
        for (size_t i = 0; i < sizeof run_flags / sizeof run_flags[0]; i++)
                if (strcmp(run_flags[i].name, name) == 0)
                        return &run_flags[i];
        if (!is_known_parameter(name))
                return NULL;
        *scratch = (struct run_flag){name, 0, RUN_PARAMETER, is_boolean_parameter(name)};
        return scratch;
}

static const struct run_flag *find_short(char c)
{
        for (size_t i = 0; i < sizeof run_flags / sizeof run_flags[0]; i++)
                if (run_flags[i].short_name == c)
                        return &run_flags[i];
        return NULL;
}

/* --name=VALUE, --name VALUE, --bool, --bool=VALUE. Returns how many words it used. */
static int parse_long(struct run_state *s, int argc, char **argv, int i, md_error *err)
{
        const char *arg = argv[i] + 2;
        const char *eq = strchr(arg, '=');
        _cleanup_free_ char *name = eq ? strndup(arg, (size_t)(eq - arg)) : strdup(arg);
        if (!name)
                return oom(err);
        struct run_flag scratch;
        const struct run_flag *f = find_long(name, &scratch);
        if (!f)
                return usage(err,
                             "run: unknown flag: --%s%s (not a docker run flag mesos-docker translates: see "
                             "mesos-docker(1))",
                             name, "");
        const char *v = eq ? eq + 1 : NULL;
        int used = 1;
        if (!v && f->boolean)
                v = "true";
        if (!v) {
                if (i + 1 >= argc)
                        return usage(err, "run: flag needs an argument: --%s%s", name, "");
                v = argv[i + 1];
                used = 2;
        }
        if (apply_flag(s, f, f->name, v, err) < 0)
                return -1;
        return used;
}

/* -d, -c VALUE, -cVALUE, -c=VALUE, and boolean letters run together (-dt would be -d -t). */
static int parse_short(struct run_state *s, int argc, char **argv, int i, md_error *err)
{
        for (const char *p = argv[i] + 1; *p; p++) {
                const struct run_flag *f = find_short(*p);
                char flag[2] = {*p, '\0'};
                if (!f)
                        return usage(err, "run: unknown shorthand flag: '%s' in %s", flag, argv[i]);
                if (f->boolean) {
                        if (p[1] == '=')
                                return apply_flag(s, f, f->name, p + 2, err) < 0 ? -1 : 1;
                        if (apply_flag(s, f, f->name, "true", err) < 0)
                                return -1;
                        continue;
                }
                const char *v = p[1] == '=' ? p + 2 : p[1] ? p + 1 : NULL;
                int used = 1;
                if (!v) {
                        if (i + 1 >= argc)
                                return usage(err, "run: flag needs an argument: '%s' in %s", flag, argv[i]);
                        v = argv[i + 1];
                        used = 2;
                }
                return apply_flag(s, f, f->name, v, err) < 0 ? -1 : used;
        }
        return 1;
}

/* The -v on the sandbox mount becomes --sandbox; MESOS_SANDBOX must name that mount. */
static int take_sandbox(struct run_state *s, struct cli_run *run, md_error *err)
{
        if (s->sandbox_env && strcmp(s->sandbox_env, CLI_SANDBOX_MOUNT) != 0)
                return usage(err,
                             "run: -e MESOS_SANDBOX=%s: the helper mounts the sandbox at %s (the agent's "
                             "--sandbox_directory must be that)",
                             s->sandbox_env, CLI_SANDBOX_MOUNT);
        for (size_t i = 0; i < json_array_size(s->volumes); i++) {
                json_t *v = json_array_get(s->volumes, i);
                const char *ctr = json_string_value(json_object_get(v, "container_path"));
                size_t n = strlen(ctr);
                while (n > 1 && ctr[n - 1] == '/')
                        n--;
                if (n != strlen(CLI_SANDBOX_MOUNT) || strncmp(ctr, CLI_SANDBOX_MOUNT, n) != 0)
                        continue;
                if (run->sandbox)
                        return usage(err, "run: -v: two volumes on the sandbox mount %s%s", CLI_SANDBOX_MOUNT,
                                     "");
                if (strcmp(json_string_value(json_object_get(v, "mode")), "RW") != 0)
                        return usage(err, "run: -v %s:%s:ro: the sandbox is mounted read-write",
                                     json_string_value(json_object_get(v, "host_path")), CLI_SANDBOX_MOUNT);
                run->sandbox = strdup(json_string_value(json_object_get(v, "host_path")));
                if (!run->sandbox || json_array_remove(s->volumes, i) < 0)
                        return oom(err);
                i--;
        }
        if (!run->sandbox)
                return usage(err, "run: no -v SANDBOX:%s: the helper needs the task's sandbox%s",
                             CLI_SANDBOX_MOUNT, "");
        return 0;
}

static json_t *scalar(const char *name, double value)
{
        return json_pack("{s:s, s:s, s:{s:f}}", "name", name, "type", "SCALAR", "scalar", "value", value);
}

/* The command: `--entrypoint /bin/sh IMAGE -c CMD` is how Mesos writes a shell command. */
static int build_command(struct run_state *s, int argc, char **argv, json_t *command, md_error *err)
{
        if (s->has_entrypoint && strcmp(s->entrypoint, "/bin/sh") == 0 && argc == 2 &&
            strcmp(argv[0], "-c") == 0) {
                if (json_object_set_new(command, "shell", json_true()) < 0 ||
                    json_object_set_new(command, "value", json_string(argv[1])) < 0)
                        return oom(err);
                return 0;
        }
        if (s->has_entrypoint && add_parameter(s, "entrypoint", s->entrypoint, err) < 0)
                return -1;
        json_t *args = json_array();
        if (!args || json_object_set_new(command, "shell", json_false()) < 0 ||
            json_object_set_new(command, "arguments", args) < 0)
                return oom(err);
        for (int i = 0; i < argc; i++)
                if (append(args, json_string(argv[i]), err) < 0)
                        return -1;
        return 0;
}

static int build_task(struct run_state *s, const char *image, int argc, char **argv, struct cli_run *run,
                      md_error *err)
{
        _cleanup_json_ json_t *command = json_object();
        if (!command || build_command(s, argc, argv, command, err) < 0)
                return command ? -1 : oom(err);
        if (json_array_size(s->env) > 0 &&
            json_object_set_new(command, "environment", json_pack("{s:O}", "variables", s->env)) < 0)
                return oom(err);
        json_t *docker = json_pack("{s:s, s:b}", "image", image, "privileged", s->privileged);
        _cleanup_json_ json_t *container = json_pack("{s:s, s:o}", "type", "DOCKER", "docker", docker);
        if (!container)
                return oom(err);
        if ((s->network && json_object_set_new(docker, "network", json_string(s->network)) < 0) ||
            (json_array_size(s->ports) > 0 && json_object_set(docker, "port_mappings", s->ports) < 0) ||
            (json_array_size(s->parameters) > 0 &&
             json_object_set(docker, "parameters", s->parameters) < 0) ||
            (json_array_size(s->volumes) > 0 && json_object_set(container, "volumes", s->volumes) < 0) ||
            (s->hostname && json_object_set_new(container, "hostname", json_string(s->hostname)) < 0))
                return oom(err);
        json_t *resources = json_array();
        _cleanup_json_ json_t *task =
                json_pack("{s:s, s:{s:s}, s:O, s:O, s:o}", "name", s->name, "task_id", "value", s->name,
                          "command", command, "container", container, "resources", resources);
        if (!task)
                return oom(err);
        if ((s->cpu_shares > 0 &&
             append(resources, scalar("cpus", (double)s->cpu_shares / 1024.0), err) < 0) ||
            (s->mem_bytes > 0 &&
             append(resources, scalar("mem", (double)((s->mem_bytes + MIB - 1) / MIB)), err) < 0))
                return -1;
        run->detach = s->detach;
        run->container_id = MD_TAKE_PTR(s->name);
        run->task = MD_TAKE_PTR(task);
        return 0;
}

/* MESOS_CONTAINER_NAME is the container's name, which the helper sets itself: they must agree. */
static bool same_name(const char *name, const char *id)
{
        const char *own = md_container_id_of_name(name);
        return own && strcmp(own, id) == 0;
}

static int parse_options(struct run_state *s, int argc, char **argv, int *first_operand, md_error *err)
{
        int i = 1;
        while (i < argc) {
                const char *a = argv[i];
                if (strcmp(a, "--") == 0) {
                        i++;
                        break;
                }
                if (a[0] != '-' || a[1] == '\0') /* the image: docker run stops reading flags here */
                        break;
                int used =
                        a[1] == '-' ? parse_long(s, argc, argv, i, err) : parse_short(s, argc, argv, i, err);
                if (used < 0)
                        return -1;
                i += used;
        }
        *first_operand = i;
        return 0;
}

int cli_parse_run(int argc, char **argv, cli_getenv_fn getenv_fn, struct cli_run *run, md_error *err)
{
        *run = (struct cli_run){0};
        struct run_state s = {
                .getenv_fn = getenv_fn,
                .env = json_array(),
                .volumes = json_array(),
                .ports = json_array(),
                .parameters = json_array(),
        };
        int first = 0;
        int rc = -1;
        if (!s.env || !s.volumes || !s.ports || !s.parameters)
                oom(err);
        else if (parse_options(&s, argc, argv, &first, err) < 0)
                ;
        else if (first >= argc)
                usage(err, "run: requires an image: run [OPTIONS] IMAGE [COMMAND] [ARG...]%s%s", "", "");
        else if (!s.name)
                usage(err, "run: --name mesos-ID is required: the helper names every container mesos-ID%s%s",
                      "", "");
        else if (s.container_name_env && !same_name(s.container_name_env, s.name))
                usage(err, "run: -e MESOS_CONTAINER_NAME=%s: the helper sets it to mesos-%s",
                      s.container_name_env, s.name);
        else if (take_sandbox(&s, run, err) < 0)
                ;
        else
                rc = build_task(&s, argv[first], argc - first - 1, argv + first + 1, run, err);
        state_free(&s);
        if (rc < 0)
                cli_run_clear(run);
        return rc;
}

void cli_run_clear(struct cli_run *run)
{
        free(run->container_id);
        free(run->sandbox);
        json_decref(run->task);
        *run = (struct cli_run){0};
}
