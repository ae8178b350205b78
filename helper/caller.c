#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "caller.h"
#include "util.h"

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

int caller_lookup(const char *user, struct caller *out, md_error *err)
{
        struct passwd pw, *res = NULL;
        char buf[4096];
        uint64_t uid;
        int r = getpwnam_r(user, &pw, buf, sizeof buf, &res);
        if (!res && md_parse_u64(user[0] == '#' ? user + 1 : user, &uid) == 0 && uid < UINT32_MAX)
                r = getpwuid_r((uid_t)uid, &pw, buf, sizeof buf, &res);
        if (!res && r != 0)
                return md_fail_errno(err, MD_EXIT_USAGE, r, "user \"%.64s\": cannot look it up", user);
        if (!res)
                return md_fail(err, MD_EXIT_USAGE, "user \"%.64s\": no such user", user);
        memset(out, 0, sizeof *out);
        out->uid = pw.pw_uid;
        out->gid = pw.pw_gid;
        snprintf(out->name, sizeof out->name, "%s", pw.pw_name);
        int n = CALLER_MAX_GROUPS + 1;
        if (getgrouplist(pw.pw_name, pw.pw_gid, out->groups, &n) < 0)
                return md_fail(err, MD_EXIT_FAILED, "user %s: more than %d groups", pw.pw_name,
                               CALLER_MAX_GROUPS);
        out->n_groups = (size_t)n;
        return 0;
}
