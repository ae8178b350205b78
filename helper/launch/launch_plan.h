/* Everything `launch` and `policy explain` decide before they act: the checked sandbox, the
 * parsed task, the resolved volumes and the policy's verdict. Building a plan changes nothing. */
#pragma once

#include <limits.h>

#include "helper.h"
#include "sandbox.h"
#include "task.h"

struct launch_plan {
        char name[MD_NAME_MAX + 1]; /* mesos-ID */
        struct sandbox sandbox;
        struct task_spec *spec;
        char volume_paths[POLICY_MAX_VOLUMES][PATH_MAX];
        const char *volume_ptrs[POLICY_MAX_VOLUMES];
        bool volume_read_only[POLICY_MAX_VOLUMES];
        int volume_fds[POLICY_MAX_VOLUMES]; /* what was checked, held: it is what gets mounted */
        struct policy_verdict *verdict; /* large: heap */
};

/* Parses --container-id, --sandbox, --task from argv. */
struct launch_args {
        const char *id;
        const char *sandbox;
        const char *task_file;
        bool attach; /* launch --attach: the output on the helper's own fds 1 and 2, the exit awaited */
};
int launch_parse_args(int argc, char **argv, bool need_id, struct launch_args *out, md_error *err);

/* Checks and decides. A sandbox outside the policy's roots or not the caller's is a denial that
 * is audited by the caller of this function like any other (err has MD_EXIT_DENIED). */
int launch_plan_build(struct helper *h, const struct launch_args *args, struct launch_plan *plan,
                      md_error *err);
void launch_plan_free(struct launch_plan *plan);

/* After an allow: every volume source is a directory, the only thing dockerd can mount from a
 * held descriptor (bind_holder.h). MD_EXIT_BAD_TASK naming the volume otherwise. */
int launch_plan_check_held(const struct launch_plan *plan, md_error *err);

/* The task_context for task_create_request. */
struct task_context launch_plan_context(const struct helper *h, const struct launch_plan *plan);

/* "image docker.io/library/x:latest: not allowed by any images pattern (policy.conf:12)" */
void launch_plan_denial(const struct launch_plan *plan, char *buf, size_t len);
