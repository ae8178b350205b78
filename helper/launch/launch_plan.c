#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "launch_plan.h"
#include "safe_open.h"
#include "mount_rules.h"
#include "task_input.h"

int launch_parse_args(int argc, char **argv, bool need_id, struct launch_args *out, md_error *err)
{
        static const struct option opts[] = {
                {"container-id", required_argument, NULL, 'c'},
                {"sandbox", required_argument, NULL, 's'},
                {"task", required_argument, NULL, 't'},
                {"attach", no_argument, NULL, 'a'},
                {0},
        };
        memset(out, 0, sizeof *out);
        optind = 1;
        opterr = 0;
        int c;
        while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
                switch (c) {
                case 'c':
                        out->id = optarg;
                        break;
                case 's':
                        out->sandbox = optarg;
                        break;
                case 't':
                        out->task_file = optarg;
                        break;
                case 'a':
                        out->attach = true;
                        break;
                default:
                        return md_fail(err, MD_EXIT_USAGE, "unknown or incomplete option \"%s\"",
                                       argv[optind - 1]);
                }
        }
        if (optind < argc)
                return md_fail(err, MD_EXIT_USAGE, "unexpected argument \"%s\"", argv[optind]);
        if (need_id && !out->id)
                return md_fail(err, MD_EXIT_USAGE, "--container-id is required");
        if (!out->sandbox)
                return md_fail(err, MD_EXIT_USAGE, "--sandbox is required");
        return 0;
}

/* The absolute volume path, opened as root (dockerd mounts it as root) without following any
 * symlink, as an O_PATH descriptor: what the policy allowed, whatever is renamed later. That it
 * is a directory is checked after the policy's decision (launch_plan_check_held). */
static int open_absolute_volume(const char *path, size_t i, md_error *err)
{
        _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        int fd = root < 0 ? -errno : md_openat_beneath(root, path + 1, O_PATH, 0);
        if (fd == -ELOOP)
                return md_fail(err, MD_EXIT_DENIED,
                               "container.volumes[%zu].host_path %s: leads through a symlink", i, path);
        if (fd < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, -fd, "container.volumes[%zu].host_path %s", i,
                                     path);
        return fd;
}

/* A container.volumes host path: relative ones are in the sandbox and need no policy; absolute
 * ones must exist and be their own canonical path, since dockerd follows symlinks and creates
 * missing sources as root. Either is held open from here on (volume_fds): dockerd is handed
 * that descriptor, not the path (bind_holder.h). */
static int resolve_volume(struct helper *h, struct launch_plan *plan, size_t i, md_error *err)
{
        const struct task_volume *v = &plan->spec->volumes[i];
        char *out = plan->volume_paths[i];
        plan->volume_ptrs[i] = out;
        plan->volume_read_only[i] = !v->read_write;
        if (v->host_path[0] != '/') {
                if (sandbox_resolve_relative(&h->priv, &plan->sandbox, v->host_path, out,
                                             &plan->volume_fds[i], err) < 0) {
                        md_error_prefix(err, "container.volumes[%zu].host_path", i);
                        return -1;
                }
                return 0;
        }
        if (sandbox_normalize_path(v->host_path, out) < 0)
                return md_fail(err, MD_EXIT_BAD_TASK, "container.volumes[%zu].host_path: \"..\" or too long",
                               i);
        char real[PATH_MAX];
        if (!realpath(out, real))
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "container.volumes[%zu].host_path %s", i,
                                     out);
        if (strcmp(real, out) != 0)
                return md_fail(err, MD_EXIT_DENIED,
                               "container.volumes[%zu].host_path %s: leads through a symlink to %s", i, out,
                               real);
        int fd = open_absolute_volume(out, i, err);
        if (fd < 0)
                return -1;
        plan->volume_fds[i] = fd;
        return 0;
}

int launch_plan_build(struct helper *h, const struct launch_args *args, struct launch_plan *plan,
                      md_error *err)
{
        memset(plan, 0, sizeof *plan);
        plan->sandbox.dirfd = -1;
        for (size_t i = 0; i < POLICY_MAX_VOLUMES; i++)
                plan->volume_fds[i] = -1;
        if (args->id && helper_container_name(args->id, plan->name, err) < 0)
                return -1;
        if (sandbox_open(&h->priv, h->conf, args->sandbox, &plan->sandbox, err) < 0 ||
            sandbox_check_mount(h, &plan->sandbox, err) < 0)
                return -1;
        if (task_input_read(&h->priv, args->task_file, &plan->spec, err) < 0)
                return -1;
        if (plan->spec->n_volumes > POLICY_MAX_VOLUMES)
                return md_fail(err, MD_EXIT_BAD_TASK, "container.volumes: more than %d", POLICY_MAX_VOLUMES);
        for (size_t i = 0; i < plan->spec->n_volumes; i++) {
                if (resolve_volume(h, plan, i, err) < 0)
                        return -1;
                if (volume_check_not_sandboxfs(plan->volume_paths[i], err) < 0) {
                        md_error_prefix(err, "container.volumes[%zu].host_path", i);
                        return -1;
                }
        }

        static struct task_policy_storage storage; /* large; one plan per process */
        struct policy_request req;
        if (task_policy_request(plan->spec, plan->volume_ptrs, &storage, &req, err) < 0)
                return -1;
        plan->verdict = calloc(1, sizeof *plan->verdict);
        if (!plan->verdict)
                return md_fail(err, MD_EXIT_FAILED, "out of memory");
        struct policy_caller pc = caller_policy_view(&h->caller);
        policy_decide(h->section, &pc, &req, plan->verdict);
        /* the policy's :ro caps apply to absolute volumes, which the request lists in spec order
         * after dropping the relative ones */
        size_t k = 0;
        for (size_t i = 0; i < plan->spec->n_volumes; i++) {
                if (plan->spec->volumes[i].host_path[0] != '/')
                        continue;
                if (k < 64 && plan->verdict->read_only_capped[k])
                        plan->volume_read_only[i] = true;
                k++;
        }
        /* a read-write volume written by another user than the caller, root above all, is held to
         * the sandbox's rule (relative ones are in the sandbox) */
        bool other_user = plan->verdict->allow && plan->verdict->run_uid != h->caller.uid;
        for (size_t i = 0; other_user && i < plan->spec->n_volumes; i++) {
                if (plan->spec->volumes[i].host_path[0] != '/' || plan->volume_read_only[i])
                        continue;
                if (volume_check_mount(h, plan->volume_fds[i], plan->volume_paths[i], err) < 0) {
                        md_error_prefix(err, "container.volumes[%zu].host_path", i);
                        return -1;
                }
        }
        return 0;
}

int launch_plan_check_held(const struct launch_plan *plan, md_error *err)
{
        for (size_t i = 0; i < plan->spec->n_volumes; i++) {
                struct stat st;
                if (fstat(plan->volume_fds[i], &st) < 0 || !S_ISDIR(st.st_mode))
                        return md_fail(err, MD_EXIT_BAD_TASK,
                                       "container.volumes[%zu].host_path %s: not a directory (a volume is "
                                       "mounted through the descriptor of the directory that was checked)",
                                       i, plan->volume_paths[i]);
        }
        return 0;
}

void launch_plan_free(struct launch_plan *plan)
{
        if (plan->sandbox.dirfd >= 0)
                close(plan->sandbox.dirfd);
        for (size_t i = 0; i < POLICY_MAX_VOLUMES; i++)
                if (plan->volume_fds[i] >= 0)
                        close(plan->volume_fds[i]);
        task_free(plan->spec);
        free(plan->verdict);
        memset(plan, 0, sizeof *plan);
        plan->sandbox.dirfd = -1;
        for (size_t i = 0; i < POLICY_MAX_VOLUMES; i++)
                plan->volume_fds[i] = -1;
}

struct task_context launch_plan_context(const struct helper *h, const struct launch_plan *plan)
{
        return (struct task_context){
                .container_name = plan->name,
                .sandbox = plan->sandbox.path,
                .run_uid = plan->verdict->run_uid,
                .run_gid = plan->verdict->run_gid,
                .owner_uid = h->caller.uid,
                .volume_host_paths = (const char **)plan->volume_ptrs,
                .volume_read_only = plan->volume_read_only,
                .mem_limit_mb = plan->verdict->mem_limit_mb,
        };
}

void launch_plan_denial(const struct launch_plan *plan, char *buf, size_t len)
{
        const struct policy_finding *f = &plan->verdict->findings[plan->verdict->first_denial];
        snprintf(buf, len, "%s %s: %s (%s)", policy_aspect_to_string(f->aspect), f->subject, f->reason,
                 f->rule);
}
