#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "access.h"
#include "cleanup.h"
#include "policy.h"
#include "reader.h"
#include "util.h"

#define UID_MAP_MAX 4096

static struct policy *policy;
static char self_uid_map[UID_MAP_MAX];

static int read_small(const char *path, char *buf, size_t size)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        size_t len = 0;
        while (len < size - 1) {
                ssize_t n = read(fd, buf + len, size - 1 - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                len += (size_t)n;
        }
        buf[len] = '\0';
        return 0;
}

int sbfs_reader_setup(struct policy *p)
{
        policy = p;
        return read_small("/proc/self/uid_map", self_uid_map, sizeof self_uid_map);
}

static bool same_user_ns(pid_t pid)
{
        if (pid <= 0)
                return false;
        char path[64], map[UID_MAP_MAX];
        snprintf(path, sizeof path, "/proc/%d/uid_map", (int)pid);
        if (read_small(path, map, sizeof map) < 0)
                return false;
        return sbfs_same_uid_map(map, self_uid_map);
}

void sbfs_reader_init(struct sbfs_reader *r, fuse_req_t req)
{
        const struct fuse_ctx *ctx = fuse_req_ctx(req);
        r->req = req;
        r->uid = ctx->uid;
        r->gid = ctx->gid;
        r->pid = ctx->pid;
        r->have_details = false;
        r->n_groups = 0;
        r->has_name = false;
        r->root = false;
        r->foreign_root = false;
        if (r->uid == 0) {
                r->root = same_user_ns(r->pid);
                r->foreign_root = !r->root;
        }
}

static void fetch_details(struct sbfs_reader *r)
{
        r->have_details = true;
        /* the primary group first, then the caller's supplementary groups (per thread, as the
         * kernel checks them); a caller whose groups cannot be read keeps only its gid */
        r->groups[0] = r->gid;
        r->n_groups = 1;
        gid_t list[SBFS_READER_MAX_GROUPS - 1];
        int n = fuse_req_getgroups(r->req, (int)(sizeof list / sizeof list[0]), list);
        for (int i = 0; n > 0 && i < n && i < (int)(sizeof list / sizeof list[0]); i++)
                r->groups[r->n_groups++] = list[i];
        struct passwd pw, *res = NULL;
        char buf[4096];
        if (getpwuid_r(r->uid, &pw, buf, sizeof buf, &res) == 0 && res &&
            strlen(res->pw_name) < sizeof r->name) {
                strcpy(r->name, res->pw_name);
                r->has_name = true;
        }
}

bool sbfs_reader_may_see(struct sbfs_reader *r, const struct sbfs_container *ct)
{
        if (r->root)
                return true;
        if (r->foreign_root)
                return false;
        if (r->uid == ct->owner_uid)
                return true;
        if (!r->have_details)
                fetch_details(r);
        struct policy_caller owner = {
                .uid = ct->owner_uid,
                .gid = ct->owner_gid,
                .name = ct->owner_name,
                .groups = ct->owner_groups,
                .n_groups = ct->n_owner_groups,
        };
        struct policy_caller reader = {
                .uid = r->uid,
                .gid = r->gid,
                .name = r->has_name ? r->name : NULL,
                .groups = r->groups,
                .n_groups = r->n_groups,
        };
        return policy_reader_allowed(policy, &owner, &reader);
}
