/* TaskInfo → task_spec: which CommandInfo and ContainerInfo run (task or executor mode, the
 * seed's two ways), the task id and the resources. The parts live in parse_command.c and
 * parse_container.c; the protobuf JSON mapping in pbjson.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json_cleanup.h"
#include "task_internal.h"

static const struct task_pb_enum container_types[] = {
        {"DOCKER", 1},
        {"MESOS", 2},
        {NULL, 0},
};

static const struct task_pb_enum value_types[] = {
        {"SCALAR", 0}, {"RANGES", 1}, {"SET", 2}, {"TEXT", 3}, {NULL, 0},
};

void task_free(struct task_spec *t)
{
        if (!t)
                return;
        free(t->task_id);
        free(t->image);
        free(t->ports);
        free(t->hostname);
        free(t->value);
        for (size_t i = 0; i < t->n_arguments; i++)
                free(t->arguments[i]);
        free(t->arguments);
        for (size_t i = 0; i < t->n_env; i++) {
                free(t->env[i].name);
                free(t->env[i].value);
        }
        free(t->env);
        free(t->user);
        for (size_t i = 0; i < t->n_uris; i++) {
                free(t->uris[i].value);
                free(t->uris[i].output_file);
        }
        free(t->uris);
        for (size_t i = 0; i < t->n_volumes; i++) {
                free(t->volumes[i].container_path);
                free(t->volumes[i].container_target);
                free(t->volumes[i].host_path);
        }
        free(t->volumes);
        for (size_t i = 0; i < t->n_parameters; i++) {
                free(t->parameters[i].key);
                free(t->parameters[i].value);
        }
        free(t->parameters);
        free(t);
}

static void task_freep(struct task_spec **t)
{
        task_free(*t);
}

/* The container's type, without looking further: decides the mode and whether this
 * containerizer is the right one at all. */
static int container_type(json_t *container, const char *parent, int *type, md_error *err)
{
        char path[TASK_PATH_MAX];
        json_t *v;
        if (task_pb_field(container, parent, "type", &v, path, err) < 0)
                return -1;
        if (!v)
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: missing", path);
        if (task_pb_enum(v, path, container_types, type, err) < 0)
                return -1;
        if (*type != 1)
                return md_fail(err, MD_EXIT_BAD_TASK,
                               "%s: MESOS, not DOCKER: this containerizer runs DOCKER containers only", path);
        return 0;
}

/* TaskID / ExecutorID: {"value": "…"}, non-empty. */
static int id_value(json_t *obj, const char *parent, const char *name, char **out, md_error *err)
{
        char path[TASK_PATH_MAX];
        json_t *id;
        if (task_pb_get_object(obj, parent, name, false, &id, path, err) < 0)
                return -1;
        if (!id)
                return 0;
        char *s = NULL;
        if (task_pb_get_string(id, path, "value", true, &s, err) < 0)
                return -1;
        if (!*s) {
                free(s);
                return md_fail(err, MD_EXIT_BAD_TASK, "%s.value: empty", path);
        }
        *out = s;
        return 0;
}

struct totals {
        double cpus;
        double mem;
};

/* resources[] of a TaskInfo or ExecutorInfo. Only cpus and mem mean something to a docker
 * container; the rest (ports, disk, gpus…) is checked for shape and otherwise ignored. A name
 * given twice is refused rather than summed: reservations per role are not ours to merge. */
static int parse_resources(json_t *obj, const char *parent, struct totals *tot, md_error *err)
{
        char path[TASK_PATH_MAX];
        json_t *arr;
        if (task_pb_get_array(obj, parent, "resources", TASK_MAX_RESOURCES, &arr, path, err) < 0)
                return -1;
        if (!arr)
                return 0;
        for (size_t i = 0; i < json_array_size(arr); i++) {
                char rpath[TASK_PATH_MAX], spath[TASK_PATH_MAX], q[300];
                json_t *r = json_array_get(arr, i), *scalar, *type_v;
                task_pb_index_path(path, i, rpath);
                if (!json_is_object(r))
                        return md_fail(err, MD_EXIT_BAD_TASK, "%s: expected an object", rpath);
                _cleanup_free_ char *name = NULL;
                if (task_pb_get_string(r, rpath, "name", true, &name, err) < 0)
                        return -1;
                for (size_t j = 0; j < i; j++) {
                        json_t *other = json_object_get(json_array_get(arr, j), "name");
                        if (json_is_string(other) && strcmp(json_string_value(other), name) == 0)
                                return md_fail(err, MD_EXIT_BAD_TASK,
                                               "%s: duplicate resource %s (also %s[%zu])", rpath,
                                               task_quote(name, q), path, j);
                }
                int type = 0;
                if (task_pb_field(r, rpath, "type", &type_v, spath, err) < 0)
                        return -1;
                if (type_v && task_pb_enum(type_v, spath, value_types, &type, err) < 0)
                        return -1;
                bool wanted = strcmp(name, "cpus") == 0 || strcmp(name, "mem") == 0;
                if (wanted && type != 0)
                        return md_fail(err, MD_EXIT_BAD_TASK, "%s: %s must be SCALAR", spath, name);
                if (task_pb_get_object(r, rpath, "scalar", wanted, &scalar, spath, err) < 0)
                        return -1;
                if (!scalar)
                        continue;
                char vpath[TASK_PATH_MAX];
                json_t *v;
                double d;
                if (task_pb_field(scalar, spath, "value", &v, vpath, err) < 0)
                        return -1;
                if (!v)
                        return md_fail(err, MD_EXIT_BAD_TASK, "%s: missing", vpath);
                if (task_pb_double(v, vpath, &d, err) < 0)
                        return -1;
                if (strcmp(name, "cpus") == 0) {
                        if (d > TASK_MAX_CPUS)
                                return md_fail(err, MD_EXIT_BAD_TASK, "%s: more than %g cpus", vpath,
                                               TASK_MAX_CPUS);
                        tot->cpus += d;
                } else if (strcmp(name, "mem") == 0) {
                        if (d > (double)TASK_MAX_MEM_MB)
                                return md_fail(err, MD_EXIT_BAD_TASK, "%s: more than %ju MB", vpath,
                                               (uintmax_t)TASK_MAX_MEM_MB);
                        tot->mem += d;
                }
        }
        return 0;
}

static int parse_task_info(json_t *root, struct task_spec *t, md_error *err)
{
        char path[TASK_PATH_MAX], exec_path[TASK_PATH_MAX], cpath[TASK_PATH_MAX];
        json_t *executor, *exec_container = NULL, *container, *command;
        struct totals tot = {0, 0};
        _cleanup_free_ char *name = NULL;

        if (task_pb_get_string(root, "", "name", false, &name, err) < 0)
                return -1;
        if (task_pb_get_object(root, "", "executor", false, &executor, exec_path, err) < 0)
                return -1;
        if (executor &&
            task_pb_get_object(executor, exec_path, "container", false, &exec_container, cpath, err) < 0)
                return -1;

        /* The seed: an executor whose container is DOCKER is the thing to run. An executor with
         * another container type belongs to another containerizer; one without a container
         * leaves the task's own container to decide. */
        if (exec_container) {
                int type;
                if (container_type(exec_container, cpath, &type, err) < 0)
                        return -1;
                t->mode = TASK_MODE_EXECUTOR;
                container = exec_container;
                if (task_pb_get_object(executor, exec_path, "command", false, &command, path, err) < 0)
                        return -1;
        } else {
                int type;
                t->mode = TASK_MODE_TASK;
                if (task_pb_get_object(root, "", "container", false, &container, cpath, err) < 0)
                        return -1;
                if (!container)
                        return md_fail(err, MD_EXIT_BAD_TASK,
                                       "%s: missing: a task without a container is not DOCKER", cpath);
                if (container_type(container, cpath, &type, err) < 0)
                        return -1;
                if (task_pb_get_object(root, "", "command", false, &command, path, err) < 0)
                        return -1;
        }

        if (task_parse_command(command, path, t, err) < 0)
                return -1;
        if (task_parse_container(container, cpath, t, err) < 0)
                return -1;

        if (id_value(root, "", "task_id", &t->task_id, err) < 0)
                return -1;
        _cleanup_free_ char *executor_id = NULL;
        if (executor && id_value(executor, exec_path, "executor_id", &executor_id, err) < 0)
                return -1;
        if (!t->task_id && t->mode == TASK_MODE_EXECUTOR && executor_id)
                t->task_id = MD_TAKE_PTR(executor_id);
        if (!t->task_id) {
                char idpath[TASK_PATH_MAX];
                json_t *unused;
                if (task_pb_field(root, "", "task_id", &unused, idpath, err) < 0)
                        return -1;
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: missing", idpath);
        }

        if (parse_resources(root, "", &tot, err) < 0)
                return -1;
        if (t->mode == TASK_MODE_EXECUTOR && parse_resources(executor, exec_path, &tot, err) < 0)
                return -1;
        if (tot.cpus > TASK_MAX_CPUS)
                return md_fail(err, MD_EXIT_BAD_TASK, "resources: more than %g cpus with the executor's",
                               TASK_MAX_CPUS);
        if (tot.mem > (double)TASK_MAX_MEM_MB)
                return md_fail(err, MD_EXIT_BAD_TASK, "resources: more than %ju MB with the executor's",
                               (uintmax_t)TASK_MAX_MEM_MB);
        t->cpus = tot.cpus;
        /* Mesos counts mem in (fractional) MB; round up so the container never gets less */
        t->mem_mb = (uint64_t)ceil(tot.mem);

        return task_check_parameters(t, err);
}

int task_parse(const char *json_text, size_t len, struct task_spec **out, md_error *err)
{
        json_error_t jerr;

        if (len > TASK_MAX_TEXT)
                return md_fail(err, MD_EXIT_BAD_TASK, "task: larger than %d bytes", TASK_MAX_TEXT);
        /* no JSON_ALLOW_NUL: a NUL inside a string is refused, so every string is a C string */
        _cleanup_json_ json_t *root = json_loadb(json_text, len, JSON_REJECT_DUPLICATES, &jerr);
        if (!root) {
                /* jansson quotes the offending token: keep the message on one line */
                for (char *p = jerr.text; *p; p++)
                        if ((unsigned char)*p < 0x20 || *p == 0x7f)
                                *p = '?';
                return md_fail(err, MD_EXIT_BAD_TASK, "task: invalid JSON at line %d, column %d: %s",
                               jerr.line, jerr.column, jerr.text);
        }
        if (!json_is_object(root))
                return md_fail(err, MD_EXIT_BAD_TASK, "task: expected a JSON object (a TaskInfo)");

        if (task_check_fields(root, err) < 0)
                return -1;
        _cleanup_(task_freep) struct task_spec *t = calloc(1, sizeof *t);
        if (!t)
                return md_fail(err, MD_EXIT_FAILED, "task: out of memory");
        t->shell = true;
        if (parse_task_info(root, t, err) < 0)
                return -1;
        *out = MD_TAKE_PTR(t);
        return 0;
}
