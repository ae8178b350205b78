/* The docker parameters a task may pass (DockerInfo.parameters, which Mesos hands to
 * `docker run --KEY=VALUE`), each with the Engine API field it becomes and a check of its
 * value. Whether a caller may use a key at all is the policy's `parameters` (77); the keys
 * refused here can never be right for this helper, whatever the policy says (65). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "task_internal.h"

#define LABEL_RESERVED "org.apache.mesos.docker."

static json_t *target(const struct task_param_info *p, struct task_param_apply *a)
{
        return p->host ? a->host : a->config;
}

static int oom(const char *path, md_error *err)
{
        return md_fail(err, MD_EXIT_FAILED, "%s: out of memory", path);
}

static int bad(const char *path, const char *value, const char *why, md_error *err)
{
        char q[300];
        return md_fail(err, MD_EXIT_BAD_TASK, "%s: %s %s", path, task_quote(value, q), why);
}

static int set(const struct task_param_info *p, struct task_param_apply *a, json_t *v, const char *path,
               md_error *err)
{
        return json_object_set_new(target(p, a), p->field, v) < 0 ? oom(path, err) : 0;
}

/* The array or object under p->field, made on first use: repeatable keys accumulate there. */
static json_t *container(const struct task_param_info *p, struct task_param_apply *a, bool array)
{
        json_t *c = json_object_get(target(p, a), p->field);
        if (c && (array ? json_is_array(c) : json_is_object(c)))
                return c;
        c = array ? json_array() : json_object();
        if (!c || json_object_set_new(target(p, a), p->field, c) < 0)
                return NULL;
        return c;
}

static int append(const struct task_param_info *p, struct task_param_apply *a, json_t *v, const char *path,
                  md_error *err)
{
        json_t *arr = container(p, a, true);
        if (!arr || json_array_append_new(arr, v) < 0) {
                if (!arr)
                        json_decref(v);
                return oom(path, err);
        }
        return 0;
}

static int append_string(const struct task_param_info *p, struct task_param_apply *a, const char *s,
                         const char *path, md_error *err)
{
        return append(p, a, json_string(s), path, err);
}

static bool word(const char *s, const char *extra)
{
        if (!*s)
                return false;
        for (; *s; s++)
                if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
                        return false;
        return true;
}

static int parse_int(const char *s, int64_t *out)
{
        const char *digits = s[0] == '-' ? s + 1 : s;
        if (!isdigit((unsigned char)*digits))
                return -EINVAL;
        for (const char *c = digits; *c; c++)
                if (!isdigit((unsigned char)*c))
                        return -EINVAL;
        errno = 0;
        long long v = strtoll(s, NULL, 10);
        if (errno == ERANGE)
                return -ERANGE;
        *out = v;
        return 0;
}

/* ----- the value kinds ----- */

static int apply_env(const struct task_param_info *p, const char *v, struct task_param_apply *a,
                     const char *path, md_error *err)
{
        const char *eq = strchr(v, '=');
        if (!eq || eq == v) /* a bare NAME would copy the helper's own environment in docker's CLI */
                return bad(path, v, "is not NAME=VALUE", err);
        return append_string(p, a, v, path, err);
}

static int apply_label(const struct task_param_info *p, const char *v, struct task_param_apply *a,
                       const char *path, md_error *err)
{
        const char *eq = strchrnul(v, '=');
        _cleanup_free_ char *key = strndup(v, (size_t)(eq - v));
        if (!key)
                return oom(path, err);
        if (!*key)
                return bad(path, v, "is not KEY=VALUE", err);
        /* the owner and task labels are how callers are kept apart: never the task's to set */
        if (strncmp(key, LABEL_RESERVED, strlen(LABEL_RESERVED)) == 0)
                return bad(path, key, "is a label the helper sets (" LABEL_RESERVED "*)", err);
        json_t *labels = container(p, a, false);
        if (!labels || json_object_set_new(labels, key, json_string(*eq ? eq + 1 : "")) < 0)
                return oom(path, err);
        return 0;
}

static int apply_abs_path(const struct task_param_info *p, const char *v, struct task_param_apply *a,
                          const char *path, md_error *err)
{
        if (v[0] != '/' || task_has_control(v))
                return bad(path, v, "is not an absolute path", err);
        return set(p, a, json_string(v), path, err);
}

static int apply_hostname(const struct task_param_info *p, const char *v, struct task_param_apply *a,
                          const char *path, md_error *err)
{
        if (!task_valid_hostname(v))
                return bad(path, v, "is not a host name", err);
        return set(p, a, json_string(v), path, err);
}

static int apply_user(const struct task_param_info *p, const char *v, struct task_param_apply *a,
                      const char *path, md_error *err)
{
        /* not set here: the policy resolves the user (container-users) and the create request
         * carries the uid:gid it decided, whatever the container's /etc/passwd says */
        if (strlen(v) > 256 || !word(v, "._-:"))
                return bad(path, v, "is not a user", err);
        return 0;
}

static int apply_int(const struct task_param_info *p, const char *v, struct task_param_apply *a,
                     const char *path, md_error *err)
{
        int64_t n;
        if (parse_int(v, &n) < 0)
                return bad(path, v, "is not a whole number", err);
        if (n < p->min || n > p->max) {
                char why[96];
                snprintf(why, sizeof why, "is not between %jd and %jd", (intmax_t)p->min, (intmax_t)p->max);
                return bad(path, v, why, err);
        }
        return set(p, a, json_integer(n), path, err);
}

static int apply_size(const struct task_param_info *p, const char *v, struct task_param_apply *a,
                      const char *path, md_error *err)
{
        int64_t n;
        if (p->min < 0 && strcmp(v, "-1") == 0) /* memory-swap -1: unlimited swap */
                n = -1;
        else if (task_parse_size(v, &n) < 0)
                return bad(path, v, "is not a size (e.g. 64m, 1g)", err);
        return set(p, a, json_integer(n), path, err);
}

int task_param_bool(const char *v, bool *out)
{
        static const char *const yes[] = {"1", "t", "T", "true", "TRUE", "True", NULL};
        static const char *const no[] = {"0", "f", "F", "false", "FALSE", "False", NULL};
        for (size_t i = 0; yes[i]; i++) {
                if (strcmp(v, yes[i]) == 0) {
                        *out = true;
                        return 0;
                }
                if (strcmp(v, no[i]) == 0) {
                        *out = false;
                        return 0;
                }
        }
        return -EINVAL;
}

static int apply_bool(const struct task_param_info *p, const char *v, struct task_param_apply *a,
                      const char *path, md_error *err)
{
        bool b;
        if (task_param_bool(v, &b) < 0)
                return bad(path, v, "is not true or false", err);
        return set(p, a, json_boolean(b), path, err);
}

static int apply_word_list(const struct task_param_info *p, const char *v, struct task_param_apply *a,
                           const char *path, md_error *err)
{
        /* capabilities and groups: CAP_SYS_ADMIN, ALL, wheel, 1001 */
        if (strlen(v) > 64 || !word(v, "_.-"))
                return bad(path, v, "is not a name", err);
        return append_string(p, a, v, path, err);
}

static int apply_text_list(const struct task_param_info *p, const char *v, struct task_param_apply *a,
                           const char *path, md_error *err)
{
        if (!*v || task_has_control(v))
                return bad(path, v, "is not a valid value", err);
        return append_string(p, a, v, path, err);
}

static int apply_text(const struct task_param_info *p, const char *v, struct task_param_apply *a,
                      const char *path, md_error *err)
{
        if (!*v || task_has_control(v))
                return bad(path, v, "is not a valid value", err);
        return set(p, a, json_string(v), path, err);
}

static int apply_cpuset(const struct task_param_info *p, const char *v, struct task_param_apply *a,
                        const char *path, md_error *err)
{
        if (!*v || strspn(v, "0123456789,-") != strlen(v))
                return bad(path, v, "is not a list of numbers and ranges (0-3,5)", err);
        return set(p, a, json_string(v), path, err);
}

static bool ip_address(const char *s)
{
        unsigned char buf[16];
        return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

static int apply_dns(const struct task_param_info *p, const char *v, struct task_param_apply *a,
                     const char *path, md_error *err)
{
        if (!ip_address(v))
                return bad(path, v, "is not an IP address", err);
        return append_string(p, a, v, path, err);
}

static int apply_domain(const struct task_param_info *p, const char *v, struct task_param_apply *a,
                        const char *path, md_error *err)
{
        if (strcmp(v, ".") != 0 && !task_valid_hostname(v))
                return bad(path, v, "is not a domain", err);
        return append_string(p, a, v, path, err);
}

static int apply_add_host(const struct task_param_info *p, const char *v, struct task_param_apply *a,
                          const char *path, md_error *err)
{
        /* HOST:IP (HOST=IP in newer CLIs); the IP may be IPv6 with colons of its own */
        size_t n = strcspn(v, ":=");
        if (!v[n])
                return bad(path, v, "is not HOST:IP", err);
        _cleanup_free_ char *host = strndup(v, n);
        const char *ip = v + n + 1;
        if (!host)
                return oom(path, err);
        if (!task_valid_hostname(host))
                return bad(path, host, "is not a host name", err);
        if (!ip_address(ip) && strcmp(ip, "host-gateway") != 0)
                return bad(path, ip, "is not an IP address", err);
        char entry[512];
        snprintf(entry, sizeof entry, "%s:%s", host, ip);
        return append_string(p, a, entry, path, err);
}

static int apply_entrypoint(const struct task_param_info *p, const char *v, struct task_param_apply *a,
                            const char *path, md_error *err)
{
        /* one word, as docker's --entrypoint; "" resets the image's entrypoint */
        json_t *arr = json_array();
        if (!arr || json_array_append_new(arr, json_string(v)) < 0) {
                json_decref(arr);
                return oom(path, err);
        }
        return set(p, a, arr, path, err);
}

static int apply_signal(const struct task_param_info *p, const char *v, struct task_param_apply *a,
                        const char *path, md_error *err)
{
        static const char *const names[] = {
                "HUP",  "INT",   "QUIT", "ILL",  "TRAP", "ABRT", "IOT",   "BUS",    "FPE",
                "KILL", "USR1",  "SEGV", "USR2", "PIPE", "ALRM", "TERM",  "STKFLT", "CHLD",
                "CONT", "STOP",  "TSTP", "TTIN", "TTOU", "URG",  "XCPU",  "XFSZ",   "VTALRM",
                "PROF", "WINCH", "IO",   "POLL", "PWR",  "SYS",  "RTMIN", "RTMAX",  NULL,
        };
        int64_t n;
        if (parse_int(v, &n) == 0) {
                if (n < 1 || n > 64)
                        return bad(path, v, "is not a signal number (1-64)", err);
                return set(p, a, json_string(v), path, err);
        }
        const char *name = strncmp(v, "SIG", 3) == 0 ? v + 3 : v;
        for (size_t i = 0; names[i]; i++)
                if (strcmp(name, names[i]) == 0)
                        return set(p, a, json_string(v), path, err);
        return bad(path, v, "is not a signal (SIGTERM, TERM or 15)", err);
}

static int apply_tmpfs(const struct task_param_info *p, const char *v, struct task_param_apply *a,
                       const char *path, md_error *err)
{
        /* PATH[:OPTIONS], the options being mount(8)'s: size=64m,mode=1777 */
        const char *colon = strchrnul(v, ':');
        _cleanup_free_ char *dir = strndup(v, (size_t)(colon - v));
        if (!dir)
                return oom(path, err);
        if (dir[0] != '/' || task_has_control(dir))
                return bad(path, v, "is not PATH[:OPTIONS] with an absolute path", err);
        _cleanup_free_ char *clean = task_clean_path("/", dir);
        if (!clean || strcmp(clean, "/") == 0)
                return bad(path, v, "is not a directory to mount a tmpfs on", err);
        const char *options = *colon ? colon + 1 : "";
        if (strspn(options, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789=,._-") !=
            strlen(options))
                return bad(path, options, "are not tmpfs mount options", err);
        json_t *map = container(p, a, false);
        if (!map || json_object_set_new(map, clean, json_string(options)) < 0)
                return oom(path, err);
        return 0;
}

static int apply_choice(const struct task_param_info *p, const char *v, struct task_param_apply *a,
                        const char *path, md_error *err)
{
        if (strncmp(v, "container:", 10) == 0) /* another owner's container, maybe: never */
                return bad(path, v, "would join another container's namespace", err);
        for (size_t i = 0; p->choices[i]; i++)
                if (strcmp(v, p->choices[i]) == 0)
                        return set(p, a, json_string(v), path, err);
        char why[128] = "is not one of:";
        for (size_t i = 0; p->choices[i]; i++)
                snprintf(why + strlen(why), sizeof why - strlen(why), " %s", p->choices[i]);
        return bad(path, v, why, err);
}

static int apply_network(const struct task_param_info *p, const char *v, struct task_param_apply *a,
                         const char *path, md_error *err)
{
        if (strncmp(v, "container:", 10) == 0)
                return bad(path, v, "would join another container's namespace", err);
        /* host, bridge, none, or a user-defined network's name */
        if (strlen(v) > 64 || !isalnum((unsigned char)v[0]) || !word(v, "_.-"))
                return bad(path, v, "is not a network", err);
        return set(p, a, json_string(v), path, err);
}

static int apply_device(const struct task_param_info *p, const char *v, struct task_param_apply *a,
                        const char *path, md_error *err)
{
        /* HOST[:CONTAINER][:PERMISSIONS] */
        char *parts[3] = {NULL, NULL, NULL};
        _cleanup_free_ char *copy = strdup(v);
        if (!copy)
                return oom(path, err);
        size_t n = 0;
        for (char *s = copy, *tok; (tok = strsep(&s, ":"));) {
                if (n == 3)
                        return bad(path, v, "is not HOST[:CONTAINER][:PERMISSIONS]", err);
                parts[n++] = tok;
        }
        const char *perms = "rwm";
        if (n >= 2 && parts[1][0] != '/') { /* HOST:PERMISSIONS */
                if (n == 3)
                        return bad(path, v, "is not HOST[:CONTAINER][:PERMISSIONS]", err);
                perms = parts[1];
                parts[1] = NULL;
        } else if (n == 3)
                perms = parts[2];
        const char *host = parts[0], *cont = parts[1] ? parts[1] : parts[0];
        _cleanup_free_ char *h = host[0] == '/' ? task_clean_path("/", host) : NULL;
        _cleanup_free_ char *c = cont[0] == '/' ? task_clean_path("/", cont) : NULL;
        if (!h || !c || task_has_control(v))
                return bad(path, v, "does not name devices by absolute paths", err);
        if (!*perms || strspn(perms, "rwm") != strlen(perms))
                return bad(path, perms, "are not device permissions (r, w, m)", err);
        json_t *d = json_pack("{s:s, s:s, s:s}", "PathOnHost", h, "PathInContainer", c, "CgroupPermissions",
                              perms);
        if (!d)
                return oom(path, err);
        return append(p, a, d, path, err);
}

static int apply_sysctl(const struct task_param_info *p, const char *v, struct task_param_apply *a,
                        const char *path, md_error *err)
{
        const char *eq = strchr(v, '=');
        _cleanup_free_ char *key = eq ? strndup(v, (size_t)(eq - v)) : NULL;
        if (!eq)
                return bad(path, v, "is not KEY=VALUE", err);
        if (!key)
                return oom(path, err);
        if (!word(key, "._/-") || task_has_control(eq + 1))
                return bad(path, v, "is not KEY=VALUE", err);
        json_t *map = container(p, a, false);
        if (!map || json_object_set_new(map, key, json_string(eq + 1)) < 0)
                return oom(path, err);
        return 0;
}

static int apply_ulimit(const struct task_param_info *p, const char *v, struct task_param_apply *a,
                        const char *path, md_error *err)
{
        static const char *const names[] = {
                "core",   "cpu",   "data", "fsize",  "locks",  "memlock",    "msgqueue", "nice",
                "nofile", "nproc", "rss",  "rtprio", "rttime", "sigpending", "stack",    NULL,
        };
        const char *eq = strchr(v, '=');
        if (!eq)
                return bad(path, v, "is not NAME=SOFT[:HARD]", err);
        _cleanup_free_ char *name = strndup(v, (size_t)(eq - v));
        _cleanup_free_ char *soft_s = strdup(eq + 1);
        if (!name || !soft_s)
                return oom(path, err);
        bool known = false;
        for (size_t i = 0; names[i]; i++)
                known = known || strcmp(name, names[i]) == 0;
        if (!known)
                return bad(path, name, "is not a ulimit", err);
        char *hard_s = strchr(soft_s, ':');
        if (hard_s)
                *hard_s++ = '\0';
        int64_t soft = 0, hard = 0;
        if (parse_int(soft_s, &soft) < 0 || soft < -1 ||
            (hard_s && (parse_int(hard_s, &hard) < 0 || hard < -1)))
                return bad(path, v, "is not NAME=SOFT[:HARD] with numbers (-1: unlimited)", err);
        if (!hard_s)
                hard = soft;
        if (hard != -1 && (soft == -1 || soft > hard))
                return bad(path, v, "has a soft limit above the hard one", err);
        json_t *arr = container(p, a, true);
        for (size_t i = 0; arr && i < json_array_size(arr); i++)
                if (strcmp(json_string_value(json_object_get(json_array_get(arr, i), "Name")), name) == 0)
                        return bad(path, name, "is given twice", err);
        json_t *u = json_pack("{s:s, s:I, s:I}", "Name", name, "Soft", (json_int_t)soft, "Hard",
                              (json_int_t)hard);
        if (!u)
                return oom(path, err);
        return append(p, a, u, path, err);
}

/* ----- the table ----- */

static const char *const pid_modes[] = {"host", NULL};
static const char *const ipc_modes[] = {"host", "private", "shareable", "none", NULL};
static const char *const cgroupns_modes[] = {"host", "private", NULL};

#define USE_VOLUMES "use container.volumes: host paths go through the volume policy"
#define ATTACHED "the helper runs the container detached and streams its output itself"
#define OTHERS "it would reach into other containers"

/* one key per line reads better than the formatter's layout */
/* clang-format off */
const struct task_param_info task_param_table[] = {
        { .name = "add-host", .apply = apply_add_host,
                  .field = "ExtraHosts", .host = true, .repeatable = true },
        { .name = "cap-add", .apply = apply_word_list, .field = "CapAdd", .host = true, .repeatable = true },
        { .name = "cap-drop", .apply = apply_word_list,
                  .field = "CapDrop", .host = true, .repeatable = true },
        { .name = "cgroup-parent", .apply = apply_text, .field = "CgroupParent", .host = true },
        { .name = "cgroupns", .apply = apply_choice,
                  .field = "CgroupnsMode", .host = true, .choices = cgroupns_modes },
        { .name = "cpu-period", .apply = apply_int,
                  .field = "CpuPeriod", .host = true, .min = 1000, .max = 1000000 },
        { .name = "cpu-quota", .apply = apply_int,
                  .field = "CpuQuota", .host = true, .min = -1, .max = INT64_MAX },
        { .name = "cpu-shares", .alias = "c", .apply = apply_int,
                  .field = "CpuShares", .host = true, .min = 2, .max = 262144 },
        { .name = "cpuset-cpus", .apply = apply_cpuset, .field = "CpusetCpus", .host = true },
        { .name = "cpuset-mems", .apply = apply_cpuset, .field = "CpusetMems", .host = true },
        { .name = "device", .apply = apply_device, .field = "Devices", .host = true, .repeatable = true },
        { .name = "dns", .apply = apply_dns, .field = "Dns", .host = true, .repeatable = true },
        { .name = "dns-option", .alias = "dns-opt", .apply = apply_text_list,
                  .field = "DnsOptions", .host = true, .repeatable = true },
        { .name = "dns-search", .apply = apply_domain,
                  .field = "DnsSearch", .host = true, .repeatable = true },
        { .name = "domainname", .apply = apply_hostname, .field = "Domainname" },
        { .name = "entrypoint", .apply = apply_entrypoint, .field = "Entrypoint" },
        { .name = "env", .alias = "e", .apply = apply_env, .field = "Env", .repeatable = true },
        { .name = "group-add", .apply = apply_word_list,
                  .field = "GroupAdd", .host = true, .repeatable = true },
        { .name = "hostname", .alias = "h", .apply = apply_hostname, .field = "Hostname" },
        { .name = "init", .apply = apply_bool, .field = "Init", .host = true },
        { .name = "ipc", .apply = apply_choice, .field = "IpcMode", .host = true, .choices = ipc_modes },
        { .name = "label", .alias = "l", .apply = apply_label, .field = "Labels", .repeatable = true },
        { .name = "memory-reservation", .apply = apply_size, .field = "MemoryReservation", .host = true },
        { .name = "memory-swap", .apply = apply_size, .field = "MemorySwap", .host = true, .min = -1 },
        { .name = "memory-swappiness", .apply = apply_int,
                  .field = "MemorySwappiness", .host = true, .min = 0, .max = 100 },
        { .name = "network", .alias = "net", .apply = apply_network, .field = "NetworkMode", .host = true },
        { .name = "oom-kill-disable", .apply = apply_bool, .field = "OomKillDisable", .host = true },
        { .name = "oom-score-adj", .apply = apply_int,
                  .field = "OomScoreAdj", .host = true, .min = -1000, .max = 1000 },
        { .name = "pid", .apply = apply_choice, .field = "PidMode", .host = true, .choices = pid_modes },
        { .name = "pids-limit", .apply = apply_int,
                  .field = "PidsLimit", .host = true, .min = -1, .max = INT64_MAX },
        { .name = "privileged", .apply = apply_bool, .field = "Privileged", .host = true },
        { .name = "read-only", .apply = apply_bool, .field = "ReadonlyRootfs", .host = true },
        { .name = "security-opt", .apply = apply_text_list,
                  .field = "SecurityOpt", .host = true, .repeatable = true },
        { .name = "shm-size", .apply = apply_size, .field = "ShmSize", .host = true },
        { .name = "stop-signal", .apply = apply_signal, .field = "StopSignal" },
        { .name = "stop-timeout", .apply = apply_int, .field = "StopTimeout", .min = 0, .max = INT32_MAX },
        { .name = "sysctl", .apply = apply_sysctl, .field = "Sysctls", .host = true, .repeatable = true },
        { .name = "tmpfs", .apply = apply_tmpfs, .field = "Tmpfs", .host = true, .repeatable = true },
        { .name = "ulimit", .apply = apply_ulimit, .field = "Ulimits", .host = true, .repeatable = true },
        { .name = "user", .alias = "u", .apply = apply_user, .field = "User" },
        { .name = "userns", .apply = apply_choice,
                  .field = "UsernsMode", .host = true, .choices = pid_modes },
        { .name = "uts", .apply = apply_choice, .field = "UTSMode", .host = true, .choices = pid_modes },
        { .name = "volume-driver", .apply = apply_text, .field = "VolumeDriver", .host = true },
        { .name = "workdir", .alias = "w", .apply = apply_abs_path, .field = "WorkingDir" },

        /* known, and refused whatever the policy says */
        { .name = "attach", .alias = "a", .refusal = ATTACHED },
        { .name = "cidfile", .refusal = "the helper reports the container's id itself" },
        { .name = "cpus", .refusal = "use the task's cpus resource" },
        { .name = "detach", .alias = "d", .refusal = ATTACHED },
        { .name = "env-file", .refusal = "no file is read on the task's behalf: use env" },
        { .name = "expose", .refusal = "use container.docker.port_mappings" },
        { .name = "interactive", .alias = "i", .refusal = ATTACHED },
        { .name = "label-file", .refusal = "no file is read on the task's behalf: use label" },
        { .name = "link", .refusal = OTHERS },
        { .name = "log-driver", .refusal = "the helper reads the output through the json-file log driver" },
        { .name = "log-opt", .refusal = "the helper reads the output through the json-file log driver" },
        { .name = "memory", .alias = "m", .refusal = "use the task's mem resource" },
        { .name = "mount", .refusal = USE_VOLUMES },
        { .name = "name", .refusal = "the helper names the container mesos-ID" },
        { .name = "publish", .alias = "p", .refusal = "use container.docker.port_mappings" },
        { .name = "publish-all", .alias = "P", .refusal = "use container.docker.port_mappings" },
        { .name = "restart", .refusal = "the helper stops and removes the container when it exits" },
        { .name = "rm", .refusal = "the helper removes the container once its output is drained" },
        { .name = "tty", .alias = "t", .refusal = ATTACHED },
        { .name = "volume", .alias = "v", .refusal = USE_VOLUMES },
        { .name = "volumes-from", .refusal = OTHERS },
        { .name = NULL },
};
/* clang-format on */

const char *const task_known_parameters[] = {
        "add-host",
        "cap-add",
        "cap-drop",
        "cgroup-parent",
        "cgroupns",
        "cpu-period",
        "cpu-quota",
        "cpu-shares",
        "cpuset-cpus",
        "cpuset-mems",
        "device",
        "dns",
        "dns-option",
        "dns-search",
        "domainname",
        "entrypoint",
        "env",
        "group-add",
        "hostname",
        "init",
        "ipc",
        "label",
        "memory-reservation",
        "memory-swap",
        "memory-swappiness",
        "network",
        "oom-kill-disable",
        "oom-score-adj",
        "pid",
        "pids-limit",
        "privileged",
        "read-only",
        "security-opt",
        "shm-size",
        "stop-signal",
        "stop-timeout",
        "sysctl",
        "tmpfs",
        "ulimit",
        "user",
        "userns",
        "uts",
        "volume-driver",
        "workdir",
        NULL,
};
