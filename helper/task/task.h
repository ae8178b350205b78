/* TaskInfo (protobuf JSON mapping, snake_case) -> a validated task_spec -> the Docker Engine
 * API create request. Pure: no I/O. The rules are the seed's (interface.md "Task semantics").
 * Every error is MD_EXIT_BAD_TASK with the JSON field path first:
 *   "container.docker.network: unknown value \"HOSTT\"" */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

#include "error.h"
#include "imageref.h"
#include "policy.h"

enum task_mode { TASK_MODE_TASK, TASK_MODE_EXECUTOR, _TASK_MODE_MAX };
enum task_network { TASK_NETWORK_HOST, TASK_NETWORK_BRIDGE, TASK_NETWORK_NONE, _TASK_NETWORK_MAX };

struct task_port_mapping {
        uint16_t host_port;
        uint16_t container_port;
        char protocol[4];          /* "tcp" (default) or "udp" */
};

struct task_volume {
        char *container_path;      /* as given; relative means under /mnt/mesos/sandbox */
        char *host_path;           /* as given; NULL: a docker-managed anonymous volume is refused (65) */
        bool read_write;           /* mode RW (default RW as in Mesos? no: mode is required) */
};

struct task_parameter {
        char *key;
        char *value;
};

struct task_uri {                  /* CommandInfo.URI */
        char *value;
        bool executable;
        bool extract;              /* protobuf default true */
        bool cache;
        char *output_file;         /* NULL when absent */
};

struct task_env {
        char *name;
        char *value;
};

struct task_spec {
        enum task_mode mode;
        char *task_id;             /* task_id.value (executor_id.value in executor mode if no task id) */
        char *image;               /* as given */
        char image_normalized[IMAGEREF_MAX];
        bool force_pull;
        enum task_network network;
        struct task_port_mapping *ports;   size_t n_ports;
        bool privileged;
        /* the CommandInfo that runs: task's command, or executor.command in executor mode */
        bool has_value;
        char *value;
        bool shell;                /* protobuf default true */
        char **arguments;          size_t n_arguments;
        struct task_env *env;      size_t n_env;   /* command.environment.variables */
        char *user;                /* command.user, NULL when absent */
        struct task_uri *uris;     size_t n_uris;
        struct task_volume *volumes; size_t n_volumes;
        struct task_parameter *parameters; size_t n_parameters;
        double cpus;               /* resources "cpus" scalar, 0 when absent */
        uint64_t mem_mb;           /* resources "mem" scalar, 0 when absent */
};

/* Parses and validates. Unknown fields of TaskInfo are ignored as protobuf's JSON parser
 * with ignore_unknown_fields would (name, slave_id, labels…), but known fields with the wrong
 * type or value are errors. A container type other than DOCKER is MD_EXIT_BAD_TASK with a
 * message containing "not DOCKER" so that an agent hands it to another containerizer. */
int task_parse(const char *json_text, size_t len, struct task_spec **out, md_error *err);
void task_free(struct task_spec *t);

/* Everything decided outside the task that the create request needs. */
struct task_context {
        const char *container_name;  /* "mesos-ID" */
        const char *sandbox;         /* absolute host path of the sandbox */
        uid_t run_uid;               /* resolved by policy_decide from container-users / command.user */
        gid_t run_gid;
        uid_t owner_uid;             /* the caller: becomes the label */
        const char **volume_host_paths; /* per spec volume: the resolved absolute host path */
        const bool *volume_read_only;   /* per spec volume: final mode after the policy's :ro caps */
};

/* Labels every container carries (design.md: a caller sees and touches only its own). */
#define TASK_LABEL_OWNER   "org.apache.mesos.docker.owner-uid"
#define TASK_LABEL_TASK_ID "org.apache.mesos.docker.task-id"
#define TASK_LABEL_SANDBOX "org.apache.mesos.docker.sandbox"
#define TASK_LABEL_MANAGED "org.apache.mesos.docker.managed-by"  /* value "mesos-docker-helper" */
#define TASK_SANDBOX_MOUNT "/mnt/mesos/sandbox"

/* The body of POST /containers/create?name=… (Engine API v1.41): Image, Cmd, Entrypoint
 * (never set: the image's entrypoint is kept, the seed's rules), Env (MESOS_SANDBOX,
 * MESOS_CONTAINER_NAME, command.environment), User "uid:gid", Labels, WorkingDir,
 * HostConfig{Binds, NetworkMode, PortBindings, Privileged, CpuShares max(1024*cpus,2),
 * Memory max(mem,32) MiB, …}, ExposedPorts, AttachStdout/AttachStderr true, Tty false,
 * OpenStdin false. Parameters translated key by key. Returns a new reference or NULL+err. */
json_t *task_create_request(const struct task_spec *t, const struct task_context *ctx, md_error *err);

/* Fills a policy request from the spec. Pointers refer into t and storage (storage must live
 * as long as req); volume host paths must already be resolved (see task_context). */
struct task_policy_storage {
        struct policy_volume_request volumes[64];
        const char *parameter_keys[64];
        const char *fetch_schemes[64];
        char scheme_buf[64][16];
};
int task_policy_request(const struct task_spec *t, const char **volume_host_paths,
                        struct task_policy_storage *storage, struct policy_request *req, md_error *err);

/* The docker parameter keys task_create_request knows, for `policy check` warnings and the man page. */
extern const char *const task_known_parameters[];
