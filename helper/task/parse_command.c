/* CommandInfo: what runs in the container (value, shell, arguments), its environment, the
 * user it asks for, and the URIs fetched into the sandbox before the image is pulled. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "task_internal.h"
#include "uri.h"

static const struct task_pb_enum variable_types[] = {
        {"UNKNOWN", 0},
        {"VALUE", 1},
        {"SECRET", 2},
        {NULL, 0},
};

static int parse_arguments(json_t *cmd, const char *parent, struct task_spec *t, md_error *err)
{
        char path[TASK_PATH_MAX];
        json_t *arr;
        if (task_pb_get_array(cmd, parent, "arguments", TASK_MAX_ARGUMENTS, &arr, path, err) < 0)
                return -1;
        if (!arr || json_array_size(arr) == 0)
                return 0;
        t->arguments = calloc(json_array_size(arr), sizeof *t->arguments);
        if (!t->arguments)
                return md_fail(err, MD_EXIT_FAILED, "%s: out of memory", path);
        for (size_t i = 0; i < json_array_size(arr); i++) {
                char ipath[TASK_PATH_MAX];
                task_pb_index_path(path, i, ipath);
                if (task_pb_string(json_array_get(arr, i), ipath, &t->arguments[i], err) < 0)
                        return -1;
                t->n_arguments++;
        }
        return 0;
}

/* Where a fetched file lands: relative and inside the sandbox. The fetcher enforces this again
 * with RESOLVE_BENEATH; saying it here gives the user the field path. */
static int check_output_file(const char *s, const char *path, md_error *err)
{
        if (!*s)
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: empty", path);
        if (s[0] == '/')
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: must be relative to the sandbox", path);
        if (task_has_control(s))
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: contains a control character", path);
        _cleanup_free_ char *clean = task_clean_path("/", s);
        if (!clean)
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: \"..\" is not allowed", path);
        if (strcmp(clean, "/") == 0)
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: names the sandbox itself", path);
        return 0;
}

static int parse_uri(json_t *u, const char *path, struct task_uri *uri, md_error *err)
{
        char vpath[TASK_PATH_MAX], scheme[16], q[300];
        if (!json_is_object(u))
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: expected an object", path);
        uri->extract = true; /* the proto's default */
        if (task_pb_get_string(u, path, "value", true, &uri->value, err) < 0)
                return -1;
        snprintf(vpath, sizeof vpath, "%s.value", path);
        if (md_uri_scheme(uri->value, scheme) < 0)
                return md_fail(err, MD_EXIT_BAD_TASK,
                               "%s: %s is neither a URI with a scheme nor an absolute path", vpath,
                               task_quote(uri->value, q));
        if (task_pb_get_bool(u, path, "executable", &uri->executable, err) < 0 ||
            task_pb_get_bool(u, path, "extract", &uri->extract, err) < 0 ||
            task_pb_get_bool(u, path, "cache", &uri->cache, err) < 0 ||
            task_pb_get_string(u, path, "output_file", false, &uri->output_file, err) < 0)
                return -1;
        if (uri->output_file) {
                char opath[TASK_PATH_MAX];
                json_t *unused;
                task_pb_field(u, path, "output_file", &unused, opath, NULL);
                if (check_output_file(uri->output_file, opath, err) < 0)
                        return -1;
        }
        return 0;
}

static int parse_uris(json_t *cmd, const char *parent, struct task_spec *t, md_error *err)
{
        char path[TASK_PATH_MAX];
        json_t *arr;
        if (task_pb_get_array(cmd, parent, "uris", TASK_MAX_URIS, &arr, path, err) < 0)
                return -1;
        if (!arr || json_array_size(arr) == 0)
                return 0;
        t->uris = calloc(json_array_size(arr), sizeof *t->uris);
        if (!t->uris)
                return md_fail(err, MD_EXIT_FAILED, "%s: out of memory", path);
        for (size_t i = 0; i < json_array_size(arr); i++) {
                char ipath[TASK_PATH_MAX];
                task_pb_index_path(path, i, ipath);
                t->n_uris++; /* counted first: task_free frees what parse_uri set before failing */
                if (parse_uri(json_array_get(arr, i), ipath, &t->uris[i], err) < 0)
                        return -1;
        }
        return 0;
}

static int parse_variable(json_t *v, const char *path, struct task_env *env, md_error *err)
{
        char tpath[TASK_PATH_MAX], q[300];
        json_t *type_v;
        int type = 1;
        if (!json_is_object(v))
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: expected an object", path);
        if (task_pb_field(v, path, "type", &type_v, tpath, err) < 0)
                return -1;
        if (type_v && task_pb_enum(type_v, tpath, variable_types, &type, err) < 0)
                return -1;
        if (type == 2)
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: SECRET variables are not supported", tpath);
        if (task_pb_get_string(v, path, "name", true, &env->name, err) < 0 ||
            task_pb_get_string(v, path, "value", true, &env->value, err) < 0)
                return -1;
        if (!env->name[0] || strchr(env->name, '='))
                return md_fail(err, MD_EXIT_BAD_TASK, "%s.name: %s is not a variable name", path,
                               task_quote(env->name, q));
        return 0;
}

static int parse_environment(json_t *cmd, const char *parent, struct task_spec *t, md_error *err)
{
        char epath[TASK_PATH_MAX], path[TASK_PATH_MAX];
        json_t *environment, *arr;
        if (task_pb_get_object(cmd, parent, "environment", false, &environment, epath, err) < 0)
                return -1;
        if (!environment)
                return 0;
        if (task_pb_get_array(environment, epath, "variables", TASK_MAX_ENV, &arr, path, err) < 0)
                return -1;
        if (!arr || json_array_size(arr) == 0)
                return 0;
        t->env = calloc(json_array_size(arr), sizeof *t->env);
        if (!t->env)
                return md_fail(err, MD_EXIT_FAILED, "%s: out of memory", path);
        for (size_t i = 0; i < json_array_size(arr); i++) {
                char ipath[TASK_PATH_MAX];
                task_pb_index_path(path, i, ipath);
                t->n_env++;
                if (parse_variable(json_array_get(arr, i), ipath, &t->env[i], err) < 0)
                        return -1;
        }
        return 0;
}

int task_parse_command(json_t *cmd, const char *path, struct task_spec *t, md_error *err)
{
        if (!cmd) /* no CommandInfo: the image's default command, as with an unset value */
                return 0;
        if (task_pb_get_string(cmd, path, "value", false, &t->value, err) < 0 ||
            task_pb_get_bool(cmd, path, "shell", &t->shell, err) < 0 ||
            parse_arguments(cmd, path, t, err) < 0 || parse_uris(cmd, path, t, err) < 0 ||
            parse_environment(cmd, path, t, err) < 0 ||
            task_pb_get_string(cmd, path, "user", false, &t->user, err) < 0)
                return -1;
        t->has_value = t->value != NULL;
        if (t->user) {
                char upath[TASK_PATH_MAX];
                json_t *unused;
                task_pb_field(cmd, path, "user", &unused, upath, NULL);
                if (!t->user[0])
                        return md_fail(err, MD_EXIT_BAD_TASK, "%s: empty", upath);
                if (task_has_control(t->user) || strlen(t->user) > 256)
                        return md_fail(err, MD_EXIT_BAD_TASK, "%s: not a user name", upath);
        }
        return 0;
}
