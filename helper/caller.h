/* Who executed the helper: the real ids, the user name and the groups, as the policy matches them. */
#pragma once

#include <sys/types.h>

#include "error.h"
#include "policy.h"

#define CALLER_MAX_GROUPS 256

struct caller {
        uid_t uid;
        gid_t gid;
        char name[256]; /* "" when the uid has no passwd entry */
        gid_t groups[CALLER_MAX_GROUPS + 1];
        size_t n_groups;
};

/* From the process's real ids and supplementary groups (a setuid exec keeps the caller's). */
int caller_identify(uid_t uid, gid_t gid, struct caller *out, md_error *err);

/* Another user, by name, UID or #UID, with the groups the group database gives it (`policy show
 * --caller`): what the policy would match were that user to call. */
int caller_lookup(const char *user, struct caller *out, md_error *err);

/* The view the policy matcher takes (points into c). */
struct policy_caller caller_policy_view(const struct caller *c);
