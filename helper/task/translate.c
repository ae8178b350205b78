/* task_spec + what the helper decided → the body of POST /containers/create (Engine API
 * v1.41), reproducing what Mesos' docker containerizer asks of `docker run`:
 *   docker run -d -c SHARES -m MEM -e MESOS_SANDBOX=… -e MESOS_CONTAINER_NAME=… -e ENV…
 *              -v SANDBOX:/mnt/mesos/sandbox -v VOLUMES… --net MODE -p H:C/P… [--privileged]
 *              -w /mnt/mesos/sandbox --name mesos-ID [--KEY=VALUE…] IMAGE [CMD…]
 * Mesos sets only the memory limit, not MemorySwap, and neither do we: a `memory-swap`
 * parameter sets it. The json-file log driver is asked for explicitly, whatever the daemon's
 * default is, because the monitor replays its log after a crash (design.md). A launch hands the
 * sandbox and volumes over as held descriptors (Mounts) instead of the -v paths (Binds). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_cleanup.h"
#include "task_internal.h"

_Static_assert(TASK_MAX_PARAMETERS <= 64 && TASK_MAX_URIS <= 64,
               "struct task_policy_storage holds 64 of each");

struct builder {
        bool failed; /* out of memory somewhere: checked once at the end */
};

static void put(struct builder *b, json_t *obj, const char *key, json_t *v)
{
        if (json_object_set_new(obj, key, v) < 0) /* decrefs v; fails on a NULL v too */
                b->failed = true;
}

static void push(struct builder *b, json_t *arr, json_t *v)
{
        if (json_array_append_new(arr, v) < 0)
                b->failed = true;
}

static void push_fmt(struct builder *b, json_t *arr, const char *fmt, const char *a, const char *c)
{
        char *s;
        if (asprintf(&s, fmt, a, c) < 0) {
                b->failed = true;
                return;
        }
        push(b, arr, json_string(s));
        free(s);
}

/* The seed's three command rules. */
static json_t *command(struct builder *b, const struct task_spec *t)
{
        if (t->shell) {
                if (!t->has_value) /* the image's default command */
                        return NULL;
                /* no Entrypoint: these words become its arguments when the image has one */
                return json_pack("[s,s,s]", "/bin/sh", "-c", t->value);
        }
        if (!t->has_value && t->n_arguments == 0)
                return NULL;
        json_t *cmd = json_array();
        if (!cmd) {
                b->failed = true;
                return NULL;
        }
        if (t->has_value)
                push(b, cmd, json_string(t->value));
        for (size_t i = 0; i < t->n_arguments; i++)
                push(b, cmd, json_string(t->arguments[i]));
        return cmd;
}

static json_t *environment(struct builder *b, const struct task_spec *t, const struct task_context *ctx)
{
        json_t *env = json_array();
        if (!env) {
                b->failed = true;
                return NULL;
        }
        push_fmt(b, env, "%s=%s", "MESOS_SANDBOX", TASK_SANDBOX_MOUNT);
        push_fmt(b, env, "%s=%s", "MESOS_CONTAINER_NAME", ctx->container_name);
        /* the task's own after ours: in docker the last of a name wins, as in `docker run -e` */
        for (size_t i = 0; i < t->n_env; i++)
                push_fmt(b, env, "%s=%s", t->env[i].name, t->env[i].value);
        return env;
}

static json_t *labels(struct builder *b, const struct task_spec *t, const struct task_context *ctx)
{
        char uid[32];
        snprintf(uid, sizeof uid, "%u", (unsigned)ctx->owner_uid);
        json_t *l = json_object();
        if (!l) {
                b->failed = true;
                return NULL;
        }
        put(b, l, TASK_LABEL_OWNER, json_string(uid));
        put(b, l, TASK_LABEL_TASK_ID, json_string(t->task_id));
        put(b, l, TASK_LABEL_SANDBOX, json_string(ctx->sandbox));
        put(b, l, TASK_LABEL_MANAGED, json_string("mesos-docker-helper"));
        return l;
}

/* A checked source held as a descriptor: an anonymous volume of the local driver whose mount
 * is `mount --rbind /proc/PID/fd/N _data`, done by dockerd in its own mount namespace when the
 * container starts, so the kernel follows the descriptor, not a path the caller can rename.
 * (A bind of /proc/PID/fd/N itself fails: runc mounts from the container's new mount namespace,
 * and the kernel refuses a bind source from another one, EINVAL.) NoCopy: otherwise dockerd
 * copies the image's files at the target into an empty source and chowns it to their owner.
 * An anonymous volume cannot be ReadOnly; "ro" in its mount options makes the bind read-only. */
static json_t *held_mount(const char *source, const char *target, bool ro)
{
        return json_pack("{s:s, s:s, s:{s:b, s:{s:s, s:{s:s, s:s, s:s}}}}", "Type", "volume", "Target",
                         target, "VolumeOptions", "NoCopy", 1, "DriverConfig", "Name", "local", "Options",
                         "type", "none", "o", ro ? "rbind,ro" : "rbind", "device", source);
}

static bool held_source_ok(const char *src)
{
        return src && strncmp(src, "/proc/", 6) == 0 && !strchr(src, ',');
}

static int binds(struct builder *b, json_t *host, const struct task_spec *t, const struct task_context *ctx,
                 md_error *err)
{
        bool held = ctx->sandbox_source != NULL;
        if (held && !held_source_ok(ctx->sandbox_source))
                return md_fail(err, MD_EXIT_FAILED, "sandbox %s: no held descriptor to mount", ctx->sandbox);
        json_t *arr = json_array();
        if (!arr) {
                b->failed = true;
                return 0;
        }
        put(b, host, held ? "Mounts" : "Binds", arr);
        if (held)
                push(b, arr, held_mount(ctx->sandbox_source, TASK_SANDBOX_MOUNT, false));
        else
                push_fmt(b, arr, "%s:%s:rw", ctx->sandbox, TASK_SANDBOX_MOUNT);
        for (size_t i = 0; i < t->n_volumes; i++) {
                const struct task_volume *v = &t->volumes[i];
                const char *src = ctx->volume_host_paths ? ctx->volume_host_paths[i] : NULL;
                if (!src || src[0] != '/' || strchr(src, ':'))
                        return md_fail(err, MD_EXIT_FAILED,
                                       "volume %s: host path not resolved to an absolute path "
                                       "that can be bind-mounted",
                                       v->host_path);
                bool ro = ctx->volume_read_only ? ctx->volume_read_only[i] : !v->read_write;
                if (!v->read_write)
                        ro = true; /* the policy may cap RW to RO, never the other way */
                if (held) {
                        const char *hs = ctx->volume_sources ? ctx->volume_sources[i] : NULL;
                        if (!held_source_ok(hs))
                                return md_fail(err, MD_EXIT_FAILED, "volume %s: no held descriptor to mount",
                                               v->host_path);
                        push(b, arr, held_mount(hs, v->container_target, ro));
                        continue;
                }
                char *s;
                if (asprintf(&s, "%s:%s:%s", src, v->container_target, ro ? "ro" : "rw") < 0) {
                        b->failed = true;
                        return 0;
                }
                push(b, arr, json_string(s));
                free(s);
        }
        return 0;
}

static void ports(struct builder *b, json_t *config, json_t *host, const struct task_spec *t)
{
        if (t->n_ports == 0)
                return;
        json_t *exposed = json_object(), *bindings = json_object();
        put(b, config, "ExposedPorts", exposed);
        put(b, host, "PortBindings", bindings);
        if (!exposed || !bindings)
                return;
        for (size_t i = 0; i < t->n_ports; i++) {
                char key[16], hp[8];
                snprintf(key, sizeof key, "%u/%s", t->ports[i].container_port, t->ports[i].protocol);
                snprintf(hp, sizeof hp, "%u", t->ports[i].host_port);
                put(b, exposed, key, json_object());
                json_t *list = json_object_get(bindings, key);
                if (!list) {
                        list = json_array();
                        put(b, bindings, key, list);
                        if (!list)
                                return;
                }
                push(b, list, json_pack("{s:s, s:s}", "HostIp", "", "HostPort", hp));
        }
}

/* Appends "no-new-privileges" to HostConfig.SecurityOpt, after any security-opt parameter. */
static void no_new_privileges(struct builder *b, json_t *host)
{
        json_t *opts = json_object_get(host, "SecurityOpt");
        if (!json_is_array(opts)) {
                opts = json_array();
                put(b, host, "SecurityOpt", opts);
                if (!opts)
                        return;
        }
        push(b, opts, json_string("no-new-privileges"));
}

static const char *network_mode(enum task_network n)
{
        return n == TASK_NETWORK_BRIDGE ? "bridge" : n == TASK_NETWORK_NONE ? "none" : "host";
}

json_t *task_create_request(const struct task_spec *t, const struct task_context *ctx, md_error *err)
{
        struct builder b = {false};
        char user[64];

        if (!ctx->container_name || !t->task_id) {
                md_fail(err, MD_EXIT_FAILED, "create request: no container name or task id");
                return NULL;
        }
        if (!ctx->sandbox || ctx->sandbox[0] != '/' || strchr(ctx->sandbox, ':')) {
                md_fail(err, MD_EXIT_USAGE, "sandbox %s: not an absolute path that can be bind-mounted",
                        ctx->sandbox ? ctx->sandbox : "(none)");
                return NULL;
        }
        _cleanup_json_ json_t *config = json_object();
        json_t *host = json_object();
        if (!config || !host) {
                json_decref(host);
                md_fail(err, MD_EXIT_FAILED, "create request: out of memory");
                return NULL;
        }
        put(&b, config, "HostConfig", host);

        put(&b, config, "Image", json_string(t->image_normalized));
        json_t *cmd = command(&b, t);
        if (cmd)
                put(&b, config, "Cmd", cmd);
        put(&b, config, "Env", environment(&b, t, ctx));
        snprintf(user, sizeof user, "%u:%u", (unsigned)ctx->run_uid, (unsigned)ctx->run_gid);
        put(&b, config, "User", json_string(user));
        put(&b, config, "Labels", labels(&b, t, ctx));
        put(&b, config, "WorkingDir", json_string(TASK_SANDBOX_MOUNT));
        if (t->hostname)
                put(&b, config, "Hostname", json_string(t->hostname));
        put(&b, config, "AttachStdin", json_false());
        put(&b, config, "AttachStdout", json_true());
        put(&b, config, "AttachStderr", json_true());
        put(&b, config, "Tty", json_false());
        put(&b, config, "OpenStdin", json_false());
        put(&b, config, "StdinOnce", json_false());

        if (binds(&b, host, t, ctx, err) < 0)
                return NULL;
        put(&b, host, "NetworkMode", json_string(network_mode(t->network)));
        ports(&b, config, host, t);
        put(&b, host, "Privileged", json_boolean(t->privileged));
        if (t->cpus > 0)
                put(&b, host, "CpuShares", json_integer(task_cpu_shares(t->cpus)));
        /* never without a memory limit: a task that names no mem runs under the policy's */
        uint64_t mem_mb = t->mem_mb > 0 ? t->mem_mb : ctx->mem_limit_mb;
        if (mem_mb > 0)
                put(&b, host, "Memory", json_integer(task_memory_bytes(mem_mb)));
        put(&b, host, "LogConfig", json_pack("{s:s, s:{}}", "Type", "json-file", "Config"));

        struct task_param_apply a = {.config = config, .host = host};
        if (task_apply_parameters(t, &a, err) < 0)
                return NULL;
        /* whatever a parameter said, the user is the one the policy decided */
        put(&b, config, "User", json_string(user));
        /* root in the container must not gain privileges from setuid or file-capability binaries;
         * last in the list, since the daemon lets a later "no-new-privileges=false" win */
        no_new_privileges(&b, host);

        if (b.failed) {
                md_fail(err, MD_EXIT_FAILED, "create request: out of memory");
                return NULL;
        }
        return MD_TAKE_PTR(config);
}
