/* ContainerInfo of type DOCKER: volumes, hostname and DockerInfo (image, network, port
 * mappings, privileged, parameters, force_pull_image). The type was checked by the caller. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "task_internal.h"

static const struct task_pb_enum networks[] = {
        {"HOST", 1}, {"BRIDGE", 2}, {"NONE", 3}, {"USER", 4}, {NULL, 0},
};

static const struct task_pb_enum volume_modes[] = {
        {"RW", 1},
        {"RO", 2},
        {NULL, 0},
};

static int field_path(json_t *obj, const char *parent, const char *name, char path[static TASK_PATH_MAX])
{
        json_t *unused;
        return task_pb_field(obj, parent, name, &unused, path, NULL);
}

/* A host or container path for a bind: Binds is "HOST:CONTAINER:MODE", so a ':' cannot be
 * said there, and control characters have no business in a mount table. */
static int check_bind_path(const char *s, const char *path, md_error *err)
{
        if (!*s)
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: empty", path);
        if (strchr(s, ':'))
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: a path with ':' cannot be bind-mounted", path);
        if (task_has_control(s))
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: contains a control character", path);
        return 0;
}

static bool unsupported_field(json_t *obj, const char *parent, const char *name, const char *why,
                              md_error *err)
{
        char path[TASK_PATH_MAX];
        json_t *v;
        if (task_pb_field(obj, parent, name, &v, path, err) < 0)
                return true;
        if (v) {
                md_fail(err, MD_EXIT_BAD_TASK, "%s: %s", path, why);
                return true;
        }
        return false;
}

static int parse_volume(json_t *v, const char *path, struct task_volume *vol, md_error *err)
{
        char p[TASK_PATH_MAX], mpath[TASK_PATH_MAX];
        json_t *mode_v;
        int mode;
        if (!json_is_object(v))
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: expected an object", path);
        if (unsupported_field(v, path, "image", "image volumes are not supported", err) ||
            unsupported_field(v, path, "source", "volume sources are not supported: give host_path", err))
                return -1;

        if (task_pb_get_string(v, path, "container_path", true, &vol->container_path, err) < 0)
                return -1;
        field_path(v, path, "container_path", p);
        if (check_bind_path(vol->container_path, p, err) < 0)
                return -1;
        vol->container_target = task_clean_path(TASK_SANDBOX_MOUNT, vol->container_path);
        if (!vol->container_target)
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: \"..\" is not allowed", p);
        if (strcmp(vol->container_target, "/") == 0)
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: cannot mount over /", p);
        if (strcmp(vol->container_target, TASK_SANDBOX_MOUNT) == 0)
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: the sandbox is mounted there", p);

        /* no anonymous volumes: docker would make and keep a volume nobody owns or cleans */
        if (task_pb_get_string(v, path, "host_path", false, &vol->host_path, err) < 0)
                return -1;
        field_path(v, path, "host_path", p);
        if (!vol->host_path)
                return md_fail(err, MD_EXIT_BAD_TASK,
                               "%s: missing: anonymous volumes are not supported, give a host path "
                               "(a relative one is in the sandbox)",
                               p);
        if (check_bind_path(vol->host_path, p, err) < 0)
                return -1;
        _cleanup_free_ char *clean = task_clean_path("/", vol->host_path);
        if (!clean)
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: \"..\" is not allowed", p);

        if (task_pb_field(v, path, "mode", &mode_v, mpath, err) < 0)
                return -1;
        if (!mode_v) /* required in Mesos' proto; no guessing between RW and RO */
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: missing (RW or RO)", mpath);
        if (task_pb_enum(mode_v, mpath, volume_modes, &mode, err) < 0)
                return -1;
        vol->read_write = mode == 1;
        return 0;
}

static int parse_volumes(json_t *c, const char *parent, struct task_spec *t, md_error *err)
{
        char path[TASK_PATH_MAX];
        json_t *arr;
        if (task_pb_get_array(c, parent, "volumes", POLICY_MAX_VOLUMES, &arr, path, err) < 0)
                return -1;
        if (!arr || json_array_size(arr) == 0)
                return 0;
        t->volumes = calloc(json_array_size(arr), sizeof *t->volumes);
        if (!t->volumes)
                return md_fail(err, MD_EXIT_FAILED, "%s: out of memory", path);
        for (size_t i = 0; i < json_array_size(arr); i++) {
                char ipath[TASK_PATH_MAX];
                task_pb_index_path(path, i, ipath);
                t->n_volumes++;
                if (parse_volume(json_array_get(arr, i), ipath, &t->volumes[i], err) < 0)
                        return -1;
                for (size_t j = 0; j < i; j++)
                        if (strcmp(t->volumes[j].container_target, t->volumes[i].container_target) == 0)
                                return md_fail(err, MD_EXIT_BAD_TASK,
                                               "%s: %s is mounted twice (also %s[%zu])", ipath,
                                               t->volumes[i].container_target, path, j);
        }
        return 0;
}

static int parse_port(json_t *m, const char *parent, const char *name, uint16_t *out, md_error *err)
{
        char path[TASK_PATH_MAX];
        json_t *v;
        uint64_t port;
        if (task_pb_field(m, parent, name, &v, path, err) < 0)
                return -1;
        if (!v)
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: missing", path);
        if (task_pb_uint(v, path, 65535, &port, err) < 0)
                return -1;
        if (port == 0)
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: must be between 1 and 65535", path);
        *out = (uint16_t)port;
        return 0;
}

static int parse_port_mapping(json_t *m, const char *path, struct task_port_mapping *pm, md_error *err)
{
        _cleanup_free_ char *protocol = NULL;
        if (!json_is_object(m))
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: expected an object", path);
        if (parse_port(m, path, "host_port", &pm->host_port, err) < 0 ||
            parse_port(m, path, "container_port", &pm->container_port, err) < 0 ||
            task_pb_get_string(m, path, "protocol", false, &protocol, err) < 0)
                return -1;
        strcpy(pm->protocol, "tcp");
        if (protocol) {
                char ppath[TASK_PATH_MAX], q[300];
                /* docker reads the protocol case-insensitively; Mesos passes it as given */
                if (strcasecmp(protocol, "tcp") != 0 && strcasecmp(protocol, "udp") != 0) {
                        field_path(m, path, "protocol", ppath);
                        return md_fail(err, MD_EXIT_BAD_TASK, "%s: unknown value %s (tcp or udp)", ppath,
                                       task_quote(protocol, q));
                }
                for (int i = 0; i < 3; i++)
                        pm->protocol[i] = (char)tolower((unsigned char)protocol[i]);
        }
        return 0;
}

static int parse_port_mappings(json_t *d, const char *parent, struct task_spec *t, md_error *err)
{
        char path[TASK_PATH_MAX];
        json_t *arr;
        if (task_pb_get_array(d, parent, "port_mappings", TASK_MAX_PORTS, &arr, path, err) < 0)
                return -1;
        if (!arr || json_array_size(arr) == 0)
                return 0;
        if (t->network != TASK_NETWORK_BRIDGE)
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: only with network BRIDGE", path);
        t->ports = calloc(json_array_size(arr), sizeof *t->ports);
        if (!t->ports)
                return md_fail(err, MD_EXIT_FAILED, "%s: out of memory", path);
        for (size_t i = 0; i < json_array_size(arr); i++) {
                char ipath[TASK_PATH_MAX];
                struct task_port_mapping *pm = &t->ports[i];
                task_pb_index_path(path, i, ipath);
                if (parse_port_mapping(json_array_get(arr, i), ipath, pm, err) < 0)
                        return -1;
                for (size_t j = 0; j < i; j++)
                        if (t->ports[j].host_port == pm->host_port &&
                            strcmp(t->ports[j].protocol, pm->protocol) == 0)
                                return md_fail(err, MD_EXIT_BAD_TASK,
                                               "%s: host port %u/%s is mapped twice (also %s[%zu])", ipath,
                                               pm->host_port, pm->protocol, path, j);
                t->n_ports++;
        }
        return 0;
}

static int parse_parameter(json_t *p, const char *path, struct task_parameter *par, md_error *err)
{
        if (!json_is_object(p))
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: expected an object", path);
        return task_pb_get_string(p, path, "key", true, &par->key, err) < 0 ||
                               task_pb_get_string(p, path, "value", true, &par->value, err) < 0
                       ? -1
                       : 0;
}

static int parse_parameters(json_t *d, const char *parent, struct task_spec *t, md_error *err)
{
        char path[TASK_PATH_MAX];
        json_t *arr;
        if (task_pb_get_array(d, parent, "parameters", TASK_MAX_PARAMETERS, &arr, path, err) < 0)
                return -1;
        snprintf(t->docker_path, sizeof t->docker_path, "%s", parent);
        if (!arr || json_array_size(arr) == 0)
                return 0;
        t->parameters = calloc(json_array_size(arr), sizeof *t->parameters);
        if (!t->parameters)
                return md_fail(err, MD_EXIT_FAILED, "%s: out of memory", path);
        for (size_t i = 0; i < json_array_size(arr); i++) {
                char ipath[TASK_PATH_MAX];
                task_pb_index_path(path, i, ipath);
                t->n_parameters++;
                if (parse_parameter(json_array_get(arr, i), ipath, &t->parameters[i], err) < 0)
                        return -1;
        }
        return 0;
}

static int parse_docker(json_t *d, const char *path, struct task_spec *t, md_error *err)
{
        char p[TASK_PATH_MAX];
        json_t *net_v;
        int net = 1;

        if (task_pb_get_string(d, path, "image", true, &t->image, err) < 0)
                return -1;
        field_path(d, path, "image", p);
        if (!t->image[0])
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: empty", p);
        if (imageref_normalize(t->image, t->image_normalized, err) < 0) {
                md_error_prefix(err, "%s", p);
                err->exit_code = MD_EXIT_BAD_TASK;
                return -1;
        }

        if (task_pb_field(d, path, "network", &net_v, p, err) < 0)
                return -1;
        if (net_v && task_pb_enum(net_v, p, networks, &net, err) < 0)
                return -1;
        if (net == 4)
                return md_fail(err, MD_EXIT_BAD_TASK,
                               "%s: USER networks are not supported (HOST, BRIDGE or NONE)", p);
        t->network = net == 2 ? TASK_NETWORK_BRIDGE : net == 3 ? TASK_NETWORK_NONE : TASK_NETWORK_HOST;

        if (unsupported_field(d, path, "volume_driver", "named volumes are not supported", err))
                return -1;
        if (parse_port_mappings(d, path, t, err) < 0 ||
            task_pb_get_bool(d, path, "privileged", &t->privileged, err) < 0 ||
            task_pb_get_bool(d, path, "force_pull_image", &t->force_pull, err) < 0 ||
            parse_parameters(d, path, t, err) < 0)
                return -1;
        return 0;
}

int task_parse_container(json_t *c, const char *path, struct task_spec *t, md_error *err)
{
        char p[TASK_PATH_MAX];
        json_t *docker;

        if (task_pb_get_object(c, path, "docker", true, &docker, p, err) < 0)
                return -1;
        if (parse_docker(docker, p, t, err) < 0)
                return -1;
        if (task_pb_get_string(c, path, "hostname", false, &t->hostname, err) < 0)
                return -1;
        if (t->hostname && !task_valid_hostname(t->hostname)) {
                char q[300];
                field_path(c, path, "hostname", p);
                return md_fail(err, MD_EXIT_BAD_TASK, "%s: %s is not a host name", p,
                               task_quote(t->hostname, q));
        }
        return parse_volumes(c, path, t, err);
}
