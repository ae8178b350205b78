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

/* Limits on what a task may hold. The caller limits the text it reads to 1 MiB; task_parse
 * refuses more than TASK_MAX_TEXT as a backstop, leaving room for a re-serialized copy with
 * JSON_ENSURE_ASCII (up to 3x: a 4-byte UTF-8 character becomes a 12-byte surrogate pair). */
#define TASK_MAX_TEXT (4 * 1024 * 1024)
#define TASK_MAX_STRING (64 * 1024) /* bytes per JSON string */
#define TASK_MAX_PARAMETERS 64
#define TASK_MAX_URIS 64
#define TASK_MAX_PORTS 64
#define TASK_MAX_ARGUMENTS 4096
#define TASK_MAX_ENV 4096
#define TASK_MAX_RESOURCES 256
#define TASK_MAX_CLAIMS 8 /* docker parameters that set CPU or memory (task_resource_claims) */
#define TASK_MAX_CPUS 4096.0 /* beyond any machine: refused as a typo (65) */
#define TASK_MAX_MEM_MB (UINT64_C(1) << 32) /* 4 PiB */

struct task_port_mapping {
        uint16_t host_port; /* 1..65535 */
        uint16_t container_port; /* 1..65535 */
        char protocol[4]; /* "tcp" (default) or "udp", lower case */
};

struct task_volume {
        char *container_path; /* as given; relative means under /mnt/mesos/sandbox */
        char *container_target; /* absolute and cleaned: where it is mounted in the container */
        char *host_path; /* as given, never NULL: an absent host_path (a docker-managed
                          * anonymous volume) is refused (65); relative: in the sandbox */
        bool read_write; /* mode RW; mode is required, as in Mesos' proto */
};

struct task_parameter {
        char *key;
        char *value;
};

struct task_uri { /* CommandInfo.URI */
        char *value;
        bool executable;
        bool extract; /* protobuf default true */
        bool cache;
        char *output_file; /* NULL when absent */
};

struct task_env {
        char *name;
        char *value;
};

struct task_spec {
        enum task_mode mode;
        char docker_path[64]; /* "container.docker" or "executor.container.docker", for messages */
        char *task_id; /* task_id.value (executor_id.value in executor mode if no task id) */
        char *image; /* as given */
        char image_normalized[IMAGEREF_MAX];
        bool force_pull;
        enum task_network network;
        struct task_port_mapping *ports;
        size_t n_ports;
        bool privileged; /* docker.privileged, or the `privileged` parameter set true */
        char *hostname; /* container.hostname, NULL when absent */
        /* the CommandInfo that runs: task's command, or executor.command in executor mode */
        bool has_value;
        char *value;
        bool shell; /* protobuf default true */
        char **arguments;
        size_t n_arguments;
        struct task_env *env;
        size_t n_env; /* command.environment.variables */
        char *user; /* command.user, NULL when absent */
        const char *container_user; /* who the task asks to run as: the `user` parameter, else
                                     * command.user (points to one of them); NULL: policy default */
        struct task_uri *uris;
        size_t n_uris;
        struct task_volume *volumes;
        size_t n_volumes;
        struct task_parameter *parameters;
        size_t n_parameters;
        double cpus; /* resources "cpus" scalar, 0 when absent (executor mode: task
                      * plus executor) */
        uint64_t mem_mb; /* resources "mem" scalar rounded up to whole MB, 0 when absent */
};

/* Parses and validates. Unknown fields of TaskInfo are ignored as protobuf's JSON parser
 * with ignore_unknown_fields would (slave_id, labels…), but known fields with the wrong
 * type or value are errors. A container type other than DOCKER is MD_EXIT_BAD_TASK with a
 * message containing "not DOCKER" so that an agent hands it to another containerizer; so is a
 * task with no container at all ("container: missing: … not DOCKER").
 *
 * The protobuf JSON mapping as protobuf's parser reads it: a field under its proto name
 * (snake_case) or its lowerCamelCase json_name (taskId, forcePullImage, portMappings,
 * hostPath…; both spellings at once is an error); null means the default; numbers may be
 * given as JSON strings ("8080", "0.5"); enums by name (case-sensitive) or number. Messages
 * name the field path with the spelling the task used.
 *
 * Mode: executor.container present → executor mode; its type must be DOCKER (else "not
 * DOCKER"), and the executor's command, container and (task + executor) resources are used;
 * the task id is task_id.value, else executor.executor_id.value. Otherwise the task's container
 * and command. No command means the image's default command.
 *
 * Decisions: volume mode is required (as in Mesos' proto); host_path is required (no
 * anonymous volumes); ':' in bind paths and ".." anywhere in volume paths are refused; a
 * resource name given twice in one resources array is refused (not summed); cpus 0 counts as
 * absent; mem is rounded up to whole MB. Docker parameters are checked here (keys and values),
 * so every 65 comes before the policy is asked. */
int task_parse(const char *json_text, size_t len, struct task_spec **out, md_error *err);
void task_free(struct task_spec *t);

/* Everything decided outside the task that the create request needs. */
struct task_context {
        const char *container_name; /* "mesos-ID" */
        const char *sandbox; /* absolute host path of the sandbox */
        uid_t run_uid; /* resolved by policy_decide from container-users / command.user */
        gid_t run_gid;
        uid_t owner_uid; /* the caller: becomes the label */
        const char **volume_host_paths; /* per spec volume: the resolved absolute host path */
        const bool *volume_read_only; /* per spec volume: final mode after the policy's :ro caps */
        uint64_t mem_limit_mb; /* the policy's memory limit for a task without mem (its max-mem) */
        /* launch only: where dockerd finds the descriptors the helper checked and holds
         * ("/proc/PID/fd/N", helper/bind_holder.h), the sandbox's and one per spec volume. Set,
         * they replace Binds: each becomes an anonymous local volume bound from that descriptor
         * (Mounts, type volume, NoCopy), so what dockerd mounts is what was checked. Unset
         * (`policy explain`), the paths go into Binds. */
        const char *sandbox_source;
        const char **volume_sources;
};

/* Labels every container carries (design.md: a caller sees and touches only its own). */
#define TASK_LABEL_OWNER "org.apache.mesos.docker.owner-uid"
#define TASK_LABEL_TASK_ID "org.apache.mesos.docker.task-id"
#define TASK_LABEL_SANDBOX "org.apache.mesos.docker.sandbox"
#define TASK_LABEL_MANAGED "org.apache.mesos.docker.managed-by" /* value "mesos-docker-helper" */
#define TASK_SANDBOX_MOUNT "/mnt/mesos/sandbox"

/* The body of POST /containers/create?name=… (Engine API v1.41): Image, Cmd, Entrypoint
 * (never set: the image's entrypoint is kept, the seed's rules; only an `entrypoint`
 * parameter sets it), Env (MESOS_SANDBOX, MESOS_CONTAINER_NAME, command.environment, then
 * `env` parameters), User "uid:gid" from ctx (always: a `user` parameter only feeds the
 * policy request), Labels (the four TASK_LABEL_*; `label` parameters may add others but no
 * org.apache.mesos.docker.* key), WorkingDir /mnt/mesos/sandbox (as Mesos' `-w`), Hostname
 * from container.hostname, HostConfig{Binds or Mounts (see task_context), NetworkMode,
 * PortBindings, Privileged, CpuShares max(1024*cpus,2), Memory max(mem,32) MiB, or
 * max(ctx->mem_limit_mb, 32) MiB when the task names no mem (no MemorySwap, as Mesos: docker
 * makes it twice Memory), LogConfig json-file}, ExposedPorts, AttachStdout/AttachStderr true,
 * Tty false, OpenStdin false. Parameters are translated key by key after these, so they
 * override them as `docker run --KEY=VALUE` after Mesos' own flags would. A volume is read-only
 * when the spec says RO or ctx->volume_read_only does. Returns a new reference or NULL+err (an
 * unresolved volume path is MD_EXIT_FAILED; a sandbox path that cannot be bound is
 * MD_EXIT_USAGE). */
json_t *task_create_request(const struct task_spec *t, const struct task_context *ctx, md_error *err);

/* Fills a policy request from the spec. Pointers refer into t and storage (storage must live
 * as long as req); volume host paths must already be resolved (see task_context).
 * volumes: only those with an absolute host_path, in spec order, with the resolved path (a
 * NULL or relative resolved path for one of them is MD_EXIT_FAILED). network: a `network`
 * parameter's value when given, else "host"/"bridge"/"none". user: t->container_user.
 * parameters: the long names ("e" is asked as "env", "net" as "network"), one per parameter
 * with its value as given (parameter_values). claims: task_resource_claims.
 * fetch_schemes: lower case, each once; a bare absolute path is "file". */
struct task_policy_storage {
        struct policy_volume_request volumes[POLICY_MAX_VOLUMES];
        const char *parameter_keys[64];
        const char *parameter_values[64];
        const char *fetch_schemes[64];
        char scheme_buf[64][16];
        struct policy_claim claims[TASK_MAX_CLAIMS];
};
int task_policy_request(const struct task_spec *t, const char **volume_host_paths,
                        struct task_policy_storage *storage, struct policy_request *req, md_error *err);

/* The seed's translation of resources: CpuShares max(1024*cpus, 2), Memory max(mb, 32) MiB. */
int64_t task_cpu_shares(double cpus);
int64_t task_memory_bytes(uint64_t mb);

/* The docker parameters that set CPU or memory, as the amounts the policy holds to max-cpus
 * and max-mem (policy_claim): cpu-shares (shares/1024 cpus), cpu-quota with cpu-period
 * (quota/period cpus; no claim for 0 or -1, no cap), cpuset-cpus (how many CPUs it names),
 * memory-swap (MB of memory+swap, -1 unlimited), memory-reservation and shm-size (MB). Read
 * from the create request the parameters make, so aliases and sizes are read as docker will.
 * `cpus` and `memory` are refused at parse time (use resources), `kernel-memory` is unknown. */
int task_resource_claims(const struct task_spec *t, struct policy_claim out[static TASK_MAX_CLAIMS],
                         size_t *n, md_error *err);

/* The memory+swap limit (bytes) to set with a new memory limit: the ratio the container has
 * (cur_swap/cur_memory: 2 by docker's default, 1 without swap), docker's default 2 when that
 * is unknown or unlimited, never below memory nor (when max_swap > 0) above max_swap. Set
 * together with Memory, so that cgroup v1's memory.limit <= memsw.limit holds either way. */
int64_t task_update_memory_swap(int64_t memory, int64_t cur_memory, int64_t cur_swap, int64_t max_swap);

/* The docker parameter keys task_create_request translates (long names, NULL-terminated), for
 * `policy check` warnings and the man page. Keys are given without dashes; the aliases e, l,
 * w, h, u, c, net and dns-opt are accepted in tasks. Some known keys are always refused (65):
 * volume/v and mount (use container.volumes), volumes-from and link (other containers),
 * log-driver/log-opt, memory/m and cpus (use resources), name, rm, restart, detach, attach,
 * interactive, tty, publish, publish-all, expose, env-file, label-file, cidfile. */
extern const char *const task_known_parameters[];
