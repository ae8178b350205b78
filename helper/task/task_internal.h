/* Shared by the files of the task module only; nothing here is part of its interface. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "cleanup.h"
#include "error.h"
#include "task.h"

/* A JSON field path as messages show it: "container.docker.port_mappings[1].host_port". */
#define TASK_PATH_MAX 256

/* ----- the protobuf JSON mapping (pbjson.c) -----
 * A field is found under its proto name (snake_case) or its lowerCamelCase json_name, as
 * protobuf's JSON parser accepts both; giving both is an error. JSON null is the field's
 * default, as in protobuf. Paths in messages use the spelling the task used. Every getter
 * returns 0 or -1 with err set (MD_EXIT_BAD_TASK) and sets its outputs only on success. */

/* *out is NULL when the field is absent or null; path receives the child's path. */
int task_pb_field(json_t *obj, const char *parent, const char *name, json_t **out,
                  char path[static TASK_PATH_MAX], md_error *err);
void task_pb_index_path(const char *parent, size_t i, char path[static TASK_PATH_MAX]);
/* "port_mappings" -> "portMappings", as protoc derives json_name. */
void task_pb_json_name(const char *name, char out[static 64]);

/* The value checks, for a value already found at path. */
int task_pb_string(json_t *v, const char *path, char **out, md_error *err); /* strdup'd */
int task_pb_bool(json_t *v, const char *path, bool *out, md_error *err);
/* An unsigned integer: a JSON integer, an integral real, or a decimal string (protobuf
 * accepts strings for numbers). Values above max fail with "must be at most MAX". */
int task_pb_uint(json_t *v, const char *path, uint64_t max, uint64_t *out, md_error *err);
/* A finite, non-negative number: JSON number or numeric string. */
int task_pb_double(json_t *v, const char *path, double *out, md_error *err);

struct task_pb_enum {
        const char *name;
        int number;
};
/* A proto enum: its name (case-sensitive, as protobuf) or its number. values ends with a NULL
 * name. */
int task_pb_enum(json_t *v, const char *path, const struct task_pb_enum *values, int *out, md_error *err);

/* Field getters: look the field up and check it. required: absent is "PATH: missing";
 * otherwise absent leaves *out alone and sets *present (when not NULL) false. */
int task_pb_get_string(json_t *obj, const char *parent, const char *name, bool required, char **out,
                       md_error *err);
int task_pb_get_bool(json_t *obj, const char *parent, const char *name, bool *out, md_error *err);
int task_pb_get_object(json_t *obj, const char *parent, const char *name, bool required, json_t **out,
                       char path[static TASK_PATH_MAX], md_error *err);
/* An array of at most max items (absent or null: *out NULL). */
int task_pb_get_array(json_t *obj, const char *parent, const char *name, size_t max, json_t **out,
                      char path[static TASK_PATH_MAX], md_error *err);

/* s quoted for a one-line message: "\"HOSTT\"", control characters escaped, cut after 64 bytes. */
const char *task_quote(const char *s, char buf[static 300]);

/* ----- parsing the parts of a TaskInfo ----- */
/* schema.c: every field name in the task is one of its Mesos message (mesos.proto, 0.20 to
 * 1.x), or "PATH: not a DockerInfo field (did you mean network?)". Fields of messages the
 * helper does not read are accepted and not looked into. */
int task_check_fields(json_t *root, md_error *err);
int task_parse_command(json_t *cmd, const char *path, struct task_spec *t, md_error *err);
/* A ContainerInfo that must be DOCKER: volumes, hostname, docker. */
int task_parse_container(json_t *container, const char *path, struct task_spec *t, md_error *err);

/* ----- docker parameters (parameters.c, param_table.c) ----- */
struct task_param_apply { /* the create request being built */
        json_t *config;
        json_t *host; /* its HostConfig */
};
struct task_param_info;
typedef int (*task_param_fn)(const struct task_param_info *p, const char *value, struct task_param_apply *a,
                             const char *path, md_error *err);
struct task_param_info {
        const char *name; /* docker run's long option, without "--" */
        const char *alias; /* its short or legacy spelling, or NULL */
        const char *refusal; /* known but never translated: why (65) */
        task_param_fn apply;
        const char *field; /* the Engine API field it sets */
        bool host; /* the field is in HostConfig */
        bool repeatable; /* accumulates (env, label…) rather than set once */
        int64_t min, max; /* numeric values */
        const char *const *choices; /* namespace modes */
};
extern const struct task_param_info task_param_table[];

/* A key as the task spells it (long name or alias, no dashes) → its entry, NULL if unknown. */
const struct task_param_info *task_param_lookup(const char *key);
/* Translates every parameter into a->config / a->host, validating the values. Runs after the
 * helper's own settings, so a parameter overrides them (as `docker run --KEY=VALUE` after
 * Mesos' own flags does). */
int task_apply_parameters(const struct task_spec *t, struct task_param_apply *a, md_error *err);
/* The HostConfig the parameters alone make (task_apply_parameters on a scratch request). */
int task_scratch_host_config(const struct task_spec *t, json_t **out, md_error *err);
/* At parse time: every key known and not refused, no single-valued key twice, every value
 * valid (task_apply_parameters on scratch objects), so that a bad task is 65 before the
 * policy is asked. Sets t->container_user and t->privileged from `user` and `privileged`. */
int task_check_parameters(struct task_spec *t, md_error *err);
/* Go's strconv.ParseBool, which docker's CLI uses for boolean options. */
int task_param_bool(const char *v, bool *out);

/* ----- helpers shared by translate and parameters ----- */
/* Parses a docker size ("64m", "1g", "512", "1.5GiB") into bytes, 1024-based as docker's
 * RAMInBytes. */
int task_parse_size(const char *s, int64_t *out);
/* Cleans an absolute path: duplicate slashes, "." and trailing slashes go; ".." is refused
 * (-1). The result is malloc'd. */
char *task_clean_path(const char *base, const char *path);
bool task_has_control(const char *s);
bool task_valid_hostname(const char *s); /* RFC 1123 characters, 1..253 bytes */
