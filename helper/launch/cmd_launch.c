/* launch: the seed's sequence — fetch, pull, run with the sandbox mapped, stream the logs —
 * after the policy has allowed it and the decision is on the audit trail. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bind_holder.h"
#include "cleanup.h"
#include "docker.h"
#include "engine.h"
#include "fetch.h"
#include "image_access.h"
#include "json_cleanup.h"
#include "launch_fetch.h"
#include "launch_pid.h"
#include "launch_plan.h"
#include "monitor.h"
#include "record.h"
#include "safe_open.h"
#include "util.h"

/* A record claims the container name for this caller before anything is created: a second
 * launch of the same ID, or another caller's, is refused here (md_record_claim: one atomic
 * step, so of two launches at once exactly one wins). The claim carries a random token, so
 * that undoing it removes this launch's record and never a record someone else made since. */
static int claim_record(struct helper *h, int record_dirfd, const struct launch_plan *plan, char *token,
                        md_error *err)
{
        unsigned char raw[16];
        if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "container %s: claim token", plan->name);
        for (size_t i = 0; i < sizeof raw; i++)
                snprintf(token + 2 * i, 3, "%02x", raw[i]);
        struct md_record rec = {
                .container = (char *)plan->name,
                .task_id = plan->spec->task_id,
                .image = (char *)plan->spec->image_normalized,
                .mode = plan->spec->mode == TASK_MODE_EXECUTOR ? "executor" : "task",
                .sandbox = (char *)plan->sandbox.path,
                .owner_uid = h->caller.uid,
                .owner_gid = h->caller.gid,
                .state = MD_STATE_CREATED,
                .claim = token,
        };
        return md_record_claim(record_dirfd, &rec, err) < 0 ? -1 : 0;
}

/* The image as the caller may use it: pulled with its credentials when missing, and a private
 * one that another caller pulled authorized again with this caller's (image_access.h). */
static int pull_if_needed(struct helper *h, struct docker *d, const struct launch_plan *plan, md_error *err)
{
        struct image_access_request req = {
                .ref = plan->spec->image_normalized,
                .sandbox_dirfd = plan->sandbox.dirfd,
                .container = plan->name,
                .force_pull = plan->spec->force_pull,
        };
        return image_access_ensure(h, d, &req, err);
}

static int print_launched(const struct launch_plan *plan, const char *docker_id,
                          const struct monitor_started *s, md_error *err)
{
        _cleanup_json_ json_t *o =
                json_pack("{s:s, s:s, s:i, s:s, s:s}", "container", plan->name, "docker_id", docker_id, "pid",
                          (json_int_t)s->container_pid, "mode",
                          plan->spec->mode == TASK_MODE_EXECUTOR ? "executor" : "task", "image",
                          plan->spec->image_normalized);
        if (!o)
                return md_fail(err, MD_EXIT_FAILED, "out of memory");
        return helper_print_json(o, err);
}

static void set_docker_id(struct md_record *r, void *arg)
{
        free(r->docker_id);
        r->docker_id = strdup(arg);
}

static void set_pid(struct md_record *r, void *arg)
{
        if (r->pid == 0)
                r->pid = *(pid_t *)arg;
}

/* The create request names the sandbox and the volumes by the holder's descriptors of what
 * was checked (bind_holder.h), not by their paths. */
struct held_sources {
        char sandbox[BIND_HOLDER_SOURCE_MAX];
        char volumes[POLICY_MAX_VOLUMES][BIND_HOLDER_SOURCE_MAX];
        const char *volume_ptrs[POLICY_MAX_VOLUMES];
};

static int hold_sources(struct helper *h, const struct launch_plan *plan, struct bind_holder *holder,
                        struct held_sources *src, struct task_context *ctx, md_error *err)
{
        int fds[BIND_HOLDER_MAX_FDS];
        size_t n = 0;
        fds[n++] = plan->sandbox.dirfd;
        for (size_t i = 0; i < plan->spec->n_volumes; i++)
                fds[n++] = plan->volume_fds[i];
        if (bind_holder_start(&h->priv, fds, n, holder, err) < 0)
                return -1;
        bind_holder_source(holder, plan->sandbox.dirfd, src->sandbox);
        for (size_t i = 0; i < plan->spec->n_volumes; i++) {
                bind_holder_source(holder, plan->volume_fds[i], src->volumes[i]);
                src->volume_ptrs[i] = src->volumes[i];
        }
        ctx->sandbox_source = src->sandbox;
        ctx->volume_sources = src->volume_ptrs;
        return 0;
}

/* The one place a container whose start failed is removed, whatever failed: the record write
 * after the create, the daemon refusing the start, the monitor refusing the request, failing,
 * dying before its answer or not answering in time. The launcher owns it because it alone is
 * there in every one of those cases, knows that the launch failed, and answers its caller only
 * after: a hand-off to the monitor would need the monitor alive and on time, the very things
 * that fail. The monitor never removes a container whose start failed (fail_launch in
 * monitor_run.c); one it started after the launcher gave up finds the launch gone and kills it.
 * A launcher killed midway leaves its claimed record, which names the container from the
 * create on, to the reaper (wait, recover). */
static void remove_failed_start(struct docker *d, const char *docker_id)
{
        md_error ignored = {0};
        docker_container_remove(d, docker_id, &ignored);
}

/* Creates the container and hands it, with the output fds, to the monitor, which starts it.
 * The fds are consumed either way; on failure no container is left behind. The holder of the
 * bind sources lives from before the create until the monitor's word that the start is over. */
static int create_and_start(struct helper *h, const struct launch_plan *plan, struct docker *d,
                            int record_dirfd, int out_fd, int err_fd, char docker_id[static 65],
                            struct monitor_started *started, md_error *err)
{
        struct task_context ctx = launch_plan_context(h, plan);
        struct held_sources src;
        _cleanup_(bind_holder_release) struct bind_holder holder = {0};
        if (hold_sources(h, plan, &holder, &src, &ctx, err) < 0) {
                close(out_fd);
                close(err_fd);
                return -1;
        }
        _cleanup_json_ json_t *body = task_create_request(plan->spec, &ctx, err);
        if (!body || docker_container_create(d, plan->name, body, docker_id, err) < 0 ||
            md_record_update(record_dirfd, plan->name, set_docker_id, docker_id, err) < 0) {
                if (docker_id[0])
                        remove_failed_start(d, docker_id);
                close(out_fd);
                close(err_fd);
                return -1;
        }
        struct monitor_config mc = {
                .docker_socket = h->conf->docker_socket,
                .container = plan->name,
                .docker_id = docker_id,
                .state_dir = h->conf->state_dir,
                .stdout_fd = out_fd,
                .stderr_fd = err_fd,
                .keep_exited = h->conf->keep_exited,
        };
        /* the monitor takes the output fds; a container it did not start is ours to remove.
         * The daemon's pid of a container that exited before the inspect is 0: the watch's. */
        struct launch_pid_watch watch;
        launch_pid_watch_start(&watch, docker_id);
        int rc = monitor_launch(&mc, started, err);
        pid_t seen = launch_pid_watch_end(&watch);
        if (rc == 0) {
                if (started->container_pid == 0 && seen > 0) {
                        started->container_pid = seen;
                        /* and the record's (info.json), which the monitor wrote with 0 */
                        md_error ignored = {0};
                        md_record_update(record_dirfd, plan->name, set_pid, &seen, &ignored);
                }
                return 0;
        }
        remove_failed_start(d, docker_id);
        return -1;
}

/* Everything after the decision: fetch, pull, create, start. The record claimed for the name
 * is dropped again when anything fails, so the ID can be launched anew. The output goes to
 * out_fd and err_fd when given (--attach; taken either way), else to the sandbox's files, and
 * the result is printed only then. */
static int launch_allowed(struct helper *h, const struct launch_plan *plan, int record_dirfd, int out_fd,
                          int err_fd, char docker_id[static 65], md_error *err)
{
        bool attached = out_fd >= 0;
        if (!attached) {
                out_fd = sandbox_open_output(&h->priv, &plan->sandbox, "stdout", err);
                err_fd = out_fd < 0 ? -1 : sandbox_open_output(&h->priv, &plan->sandbox, "stderr", err);
        }
        if (err_fd < 0) {
                if (out_fd >= 0)
                        close(out_fd);
                return -1;
        }
        _cleanup_docker_ struct docker *d = NULL;
        int fetched = launch_fetch_uris(h, plan, err_fd, err);
        if (fetched < 0)
                md_error_prefix(err, "fetch"); /* launch does more than fetch: say which step failed */
        if (fetched < 0 || docker_open(h->conf->docker_socket, &d, err) < 0 ||
            pull_if_needed(h, d, plan, err) < 0) {
                close(out_fd);
                close(err_fd);
                return -1;
        }
        struct monitor_started started;
        if (create_and_start(h, plan, d, record_dirfd, out_fd, err_fd, docker_id, &started, err) < 0)
                return -1;
        return attached ? 0 : print_launched(plan, docker_id, &started, err);
}

/* Parses, decides, audits and launches. Attached (ans not NULL, the helper's attach_launch in
 * its engine child): the output goes to fds 1 and 2, which attach_launch checked before the
 * fork (attach_output_fd), and the name and docker id go back in *ans for the helper's wait. */
static int launch(struct helper *h, int argc, char **argv, struct engine_answer *ans, md_error *err)
{
        struct launch_args args;
        if (launch_parse_args(argc, argv, true, &args, err) < 0)
                return -1;
        if (args.attach != (ans != NULL))
                return md_fail(err, MD_EXIT_USAGE, "--attach: the helper waits, not the engine");
        _cleanup_close_ int out_fd = -1, err_fd = -1;
        if (args.attach &&
            ((out_fd = fcntl(1, F_DUPFD_CLOEXEC, 3)) < 0 || (err_fd = fcntl(2, F_DUPFD_CLOEXEC, 3)) < 0))
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "--attach: dup the output");
        _cleanup_(launch_plan_free) struct launch_plan plan;
        /* the denial of a sandbox check is a decision too: it goes on the trail before we fail */
        if (launch_plan_build(h, &args, &plan, err) < 0)
                return helper_audit_denied(h, plan.name[0] ? plan.name : NULL, NULL, "[helper] sandbox-root",
                                           err);

        const char *image = plan.spec->image_normalized;
        if (!plan.verdict->allow) {
                char why[1024];
                launch_plan_denial(&plan, why, sizeof why);
                const struct policy_finding *f = &plan.verdict->findings[plan.verdict->first_denial];
                return helper_deny(h, plan.name, image, f->rule, why, err);
        }
        if (helper_audit(h, plan.name, image, true, policy_section_rule(h->section), "allowed", err) < 0)
                return -1;

        if (launch_plan_check_held(&plan, err) < 0)
                return -1;
        char token[33];
        _cleanup_close_ int record_dirfd = md_record_dir_open(h->conf->state_dir, true, err);
        if (record_dirfd < 0 || claim_record(h, record_dirfd, &plan, token, err) < 0)
                return -1;
        char docker_id[65] = "";
        int rc = launch_allowed(h, &plan, record_dirfd, MD_TAKE_FD(out_fd), MD_TAKE_FD(err_fd), docker_id,
                                err);
        if (rc < 0) {
                md_record_remove_claimed(record_dirfd, plan.name, token);
                return -1;
        }
        if (ans) {
                snprintf(ans->container, sizeof ans->container, "%s", plan.name);
                snprintf(ans->docker_id, sizeof ans->docker_id, "%s", docker_id);
        }
        return 0;
}

int cmd_launch(struct helper *h, int argc, char **argv, md_error *err)
{
        return launch(h, argc, argv, NULL, err);
}

int launch_attached(struct helper *h, int argc, char **argv, struct engine_answer *ans, md_error *err)
{
        return launch(h, argc, argv, ans, err);
}
