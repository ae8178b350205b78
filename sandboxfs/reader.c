#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "access.h"
#include "cleanup.h"
#include "reader.h"
#include "visibility.h"
#include "util.h"

#define UID_MAP_MAX 4096

static struct policy *policy;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static char self_uid_map[UID_MAP_MAX];

/* A uid_map into buf; a longer one than buf holds is an error (-EFBIG), never a truncated map
 * compared as if whole. */
static int read_small(const char *path, char *buf, size_t size)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r = md_read_all(fd, size - 1, &text, &len);
        if (r < 0)
                return r;
        memcpy(buf, text, len + 1);
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

/* The same for uid 0 callers, by pid for ROOT_TTL_MS: a pid reused within that time by a process
 * in another user namespace that also arrives as host uid 0 (which only root can arrange) would
 * be judged as the old one. */
#define ROOT_CACHE 16
#define ROOT_TTL_MS 1000

static struct {
        pid_t pid;
        bool same;
        int64_t at;
} root_cache[ROOT_CACHE];

static bool same_user_ns_cached(pid_t pid)
{
        if (pid <= 0)
                return false;
        int64_t now = md_monotonic_ms();
        unsigned i = (unsigned)pid % ROOT_CACHE;
        pthread_mutex_lock(&cache_lock);
        bool hit = root_cache[i].pid == pid && now - root_cache[i].at < ROOT_TTL_MS;
        bool same = root_cache[i].same;
        pthread_mutex_unlock(&cache_lock);
        if (hit)
                return same;
        same = same_user_ns(pid);
        pthread_mutex_lock(&cache_lock);
        root_cache[i].pid = pid;
        root_cache[i].same = same;
        root_cache[i].at = now;
        pthread_mutex_unlock(&cache_lock);
        return same;
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
                r->root = same_user_ns_cached(r->pid);
                r->foreign_root = !r->root;
        }
}

/* The groups and name of recent callers: an `ls -l` of a thousand containers asks the same
 * thread a few thousand times. Keyed by (pid, uid, gid) and kept for DETAILS_TTL_MS, so a
 * process whose supplementary groups just changed is judged by the old ones for at most that. */
#define DETAILS_CACHE 64
#define DETAILS_TTL_MS 1000

struct details {
        pid_t pid;
        uid_t uid;
        gid_t gid;
        int64_t at;
        gid_t groups[SBFS_READER_MAX_GROUPS];
        size_t n_groups;
        char name[256];
        bool has_name;
};

static struct details cache[DETAILS_CACHE];

static bool cached_details(struct sbfs_reader *r)
{
        if (r->pid <= 0)
                return false;
        int64_t now = md_monotonic_ms();
        struct details *d = &cache[(unsigned)r->pid % DETAILS_CACHE];
        bool hit = false;
        pthread_mutex_lock(&cache_lock);
        if (d->pid == r->pid && d->uid == r->uid && d->gid == r->gid && now - d->at < DETAILS_TTL_MS) {
                memcpy(r->groups, d->groups, d->n_groups * sizeof *d->groups);
                r->n_groups = d->n_groups;
                memcpy(r->name, d->name, sizeof r->name);
                r->has_name = d->has_name;
                hit = true;
        }
        pthread_mutex_unlock(&cache_lock);
        return hit;
}

static void remember_details(const struct sbfs_reader *r)
{
        if (r->pid <= 0)
                return;
        struct details *d = &cache[(unsigned)r->pid % DETAILS_CACHE];
        pthread_mutex_lock(&cache_lock);
        d->pid = r->pid;
        d->uid = r->uid;
        d->gid = r->gid;
        d->at = md_monotonic_ms();
        memcpy(d->groups, r->groups, r->n_groups * sizeof *r->groups);
        d->n_groups = r->n_groups;
        memcpy(d->name, r->name, sizeof d->name);
        d->has_name = r->has_name;
        pthread_mutex_unlock(&cache_lock);
}

static void fetch_details(struct sbfs_reader *r)
{
        r->have_details = true;
        if (cached_details(r))
                return;
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
        remember_details(r);
}

static bool memo_hit(const struct sbfs_reader *r, const struct sbfs_container *ct, int64_t now, bool *visible)
{
        pthread_mutex_lock(&sbfs_lock);
        bool hit = ct->reader_memo.pid == r->pid && ct->reader_memo.uid == r->uid &&
                   ct->reader_memo.gid == r->gid && now - ct->reader_memo.at_ms < DETAILS_TTL_MS;
        *visible = ct->reader_memo.visible;
        pthread_mutex_unlock(&sbfs_lock);
        return hit;
}

static void memo_keep(const struct sbfs_reader *r, struct sbfs_container *ct, int64_t now, bool visible)
{
        pthread_mutex_lock(&sbfs_lock);
        ct->reader_memo.pid = r->pid;
        ct->reader_memo.uid = r->uid;
        ct->reader_memo.gid = r->gid;
        ct->reader_memo.at_ms = now;
        ct->reader_memo.visible = visible;
        pthread_mutex_unlock(&sbfs_lock);
}

static bool decide(struct sbfs_reader *r, const struct sbfs_container *ct)
{
        for (;;) {
                struct sbfs_identity who = {
                        .uid = r->uid,
                        .gid = r->gid,
                        .root = r->root,
                        .foreign_root = r->foreign_root,
                        .have_details = r->have_details,
                        .groups = r->groups,
                        .n_groups = r->n_groups,
                        .name = r->has_name ? r->name : NULL,
                };
                enum sbfs_visibility v = sbfs_visibility(policy, ct, &who);
                if (v != SBFS_NEED_DETAILS)
                        return v == SBFS_VISIBLE;
                fetch_details(r); /* sets have_details: asked once more at most */
        }
}

/* Root and the owner are answered at once; anyone else by the policy, remembered per container
 * for the same (pid, uid, gid) as long as that caller's groups are (DETAILS_TTL_MS). */
bool sbfs_reader_may_see(struct sbfs_reader *r, struct sbfs_container *ct)
{
        if (r->root || r->foreign_root || r->uid == 0 || r->uid == ct->owner_uid || r->pid <= 0)
                return decide(r, ct);
        int64_t now = md_monotonic_ms();
        bool visible;
        if (memo_hit(r, ct, now, &visible))
                return visible;
        visible = decide(r, ct);
        memo_keep(r, ct, now, visible);
        return visible;
}
