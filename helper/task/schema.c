/* The field names of the Mesos messages a TaskInfo is made of (include/mesos/mesos.proto of
 * Mesos 0.20 to 1.x), so that a misspelled field is refused with the name it was meant to be
 * ("contianer" -> container) rather than silently ignored, as protobuf's own JSON parser
 * refuses an unknown field. A field of a message the helper does not read (health_check,
 * labels, discovery…) is accepted whole and not looked into: Mesos checks it, not us. */
#include <stdio.h>
#include <string.h>

#include "suggest.h"
#include "task_internal.h"

struct message {
        const char *name; /* as mesos.proto names it, for the message */
        const struct field *fields; /* ends with a NULL name */
};

struct field {
        const char *name; /* snake_case, as in mesos.proto */
        const struct message *type; /* a message whose fields are checked too; NULL: not looked into */
};

#define M(var, label, ...)                                                                                   \
        static const struct field var##_fields[] = {__VA_ARGS__, {NULL, NULL}};                              \
        static const struct message var = {label, var##_fields}

M(task_id, "TaskID", {"value", NULL});
M(executor_id, "ExecutorID", {"value", NULL});
M(framework_id, "FrameworkID", {"value", NULL});
/* agent_id: the v1 API's name of slave_id (include/mesos/v1/mesos.proto) */
M(agent_id, "SlaveID", {"value", NULL});
M(scalar, "Value.Scalar", {"value", NULL});
M(resource, "Resource", {"name", NULL}, {"type", NULL}, {"scalar", &scalar}, {"ranges", NULL}, {"set", NULL},
  {"role", NULL}, {"provider_id", NULL}, {"allocation_info", NULL}, {"reservation", NULL},
  {"reservations", NULL}, {"disk", NULL}, {"revocable", NULL}, {"shared", NULL});
M(uri, "CommandInfo.URI", {"value", NULL}, {"executable", NULL}, {"extract", NULL}, {"cache", NULL},
  {"output_file", NULL});
M(variable, "Environment.Variable", {"name", NULL}, {"type", NULL}, {"value", NULL}, {"secret", NULL});
M(environment, "Environment", {"variables", &variable});
/* Mesos 0.20's CommandInfo.ContainerInfo, deprecated since */
M(command_container, "CommandInfo.ContainerInfo", {"image", NULL}, {"options", NULL});
M(command, "CommandInfo", {"uris", &uri}, {"environment", &environment}, {"shell", NULL}, {"value", NULL},
  {"arguments", NULL}, {"user", NULL}, {"container", &command_container});
M(port_mapping, "DockerInfo.PortMapping", {"host_port", NULL}, {"container_port", NULL}, {"protocol", NULL});
M(parameter, "Parameter", {"key", NULL}, {"value", NULL});
M(docker, "DockerInfo", {"image", NULL}, {"network", NULL}, {"port_mappings", &port_mapping},
  {"privileged", NULL}, {"parameters", &parameter}, {"force_pull_image", NULL}, {"volume_driver", NULL});
M(volume, "Volume", {"container_path", NULL}, {"host_path", NULL}, {"mode", NULL}, {"image", NULL},
  {"source", NULL});
M(container, "ContainerInfo", {"type", NULL}, {"volumes", &volume}, {"hostname", NULL}, {"docker", &docker},
  {"mesos", NULL}, {"network_infos", NULL}, {"linux_info", NULL}, {"rlimit_info", NULL}, {"tty_info", NULL});
M(executor, "ExecutorInfo", {"type", NULL}, {"executor_id", &executor_id}, {"framework_id", &framework_id},
  {"command", &command}, {"container", &container}, {"resources", &resource}, {"name", NULL},
  {"source", NULL}, {"data", NULL}, {"discovery", NULL}, {"shutdown_grace_period", NULL}, {"labels", NULL});
M(task_info, "TaskInfo", {"name", NULL}, {"task_id", &task_id}, {"slave_id", &agent_id},
  {"agent_id", &agent_id}, {"resources", &resource}, {"executor", &executor}, {"command", &command},
  {"container", &container}, {"health_check", NULL}, {"check", NULL}, {"kill_policy", NULL}, {"data", NULL},
  {"labels", NULL}, {"discovery", NULL}, {"max_completion_time", NULL});

static const struct field *find(const struct message *m, const char *key)
{
        for (const struct field *f = m->fields; f->name; f++) {
                char c[64];
                task_pb_json_name(f->name, c);
                if (strcmp(key, f->name) == 0 || strcmp(key, c) == 0)
                        return f;
        }
        return NULL;
}

/* The field name nearest to key, spelled as key is (snake_case or lowerCamelCase). */
static const char *nearest(const struct message *m, const char *key, char buf[static 64])
{
        enum { FIELDS_MAX = 24 };
        char names[FIELDS_MAX][64];
        const char *list[FIELDS_MAX + 1];
        bool camel_key = strpbrk(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != NULL;
        size_t n = 0;
        for (const struct field *f = m->fields; f->name && n < FIELDS_MAX; f++, n++) {
                if (camel_key)
                        task_pb_json_name(f->name, names[n]);
                else
                        snprintf(names[n], sizeof names[n], "%s", f->name);
                list[n] = names[n];
        }
        list[n] = NULL;
        const char *near = md_nearest(key, list);
        if (!near)
                return NULL;
        snprintf(buf, 64, "%s", near);
        return buf;
}

static int check_object(json_t *obj, const struct message *m, const char *path, md_error *err);

static int check_value(json_t *v, const struct message *m, const char *path, md_error *err)
{
        if (json_is_object(v))
                return check_object(v, m, path, err);
        if (!json_is_array(v))
                return 0; /* a wrong type is the parser's to report, with the field's path */
        for (size_t i = 0; i < json_array_size(v); i++) {
                char ipath[TASK_PATH_MAX];
                task_pb_index_path(path, i, ipath);
                json_t *item = json_array_get(v, i);
                if (json_is_object(item) && check_object(item, m, ipath, err) < 0)
                        return -1;
        }
        return 0;
}

static int check_object(json_t *obj, const struct message *m, const char *path, md_error *err)
{
        const char *key;
        json_t *v;
        json_object_foreach(obj, key, v)
        {
                char fpath[TASK_PATH_MAX], q[300], near[64];
                if (*path)
                        snprintf(fpath, sizeof fpath, "%s.%s", path, key);
                else
                        snprintf(fpath, sizeof fpath, "%s", key);
                const struct field *f = find(m, key);
                if (!f) {
                        const char *n = nearest(m, key, near);
                        /* the path shows the key quoted when it is not a plain word */
                        bool plain =
                                strspn(key,
                                       "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") ==
                                        strlen(key) &&
                                *key && strlen(key) <= 64;
                        if (!plain)
                                snprintf(fpath, sizeof fpath, "%s%s%s", path, *path ? "." : "",
                                         task_quote(key, q));
                        if (n)
                                return md_fail(err, MD_EXIT_BAD_TASK,
                                               "%s: no such field in %s (did you mean %s?)", fpath, m->name,
                                               n);
                        return md_fail(err, MD_EXIT_BAD_TASK, "%s: no such field in %s", fpath, m->name);
                }
                if (f->type && check_value(v, f->type, fpath, err) < 0)
                        return -1;
        }
        return 0;
}

int task_check_fields(json_t *root, md_error *err)
{
        return check_object(root, &task_info, "", err);
}
