#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "caller.h"

int caller_identify(uid_t uid, gid_t gid, struct caller *out, md_error *err)
{
        memset(out, 0, sizeof *out);
        out->uid = uid;
        out->gid = gid;
        struct passwd pw, *res = NULL;
        char buf[4096];
        if (getpwuid_r(uid, &pw, buf, sizeof buf, &res) == 0 && res && strlen(pw.pw_name) < sizeof out->name)
                strcpy(out->name, pw.pw_name);
        int n = getgroups(CALLER_MAX_GROUPS, out->groups + 1);
        if (n < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "cannot read the caller's groups");
        out->groups[0] = gid;
        out->n_groups = (size_t)n + 1;
        return 0;
}

struct policy_caller caller_policy_view(const struct caller *c)
{
        return (struct policy_caller){
                .uid = c->uid,
                .gid = c->gid,
                .name = c->name[0] ? c->name : NULL,
                .groups = c->groups,
                .n_groups = c->n_groups,
        };
}
