#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <fuse_log.h>

#include "cleanup.h"
#include "follow.h"
#include "handle.h"
#include "policy.h"
#include "safe_open.h"
#include "util.h"
#include "watch.h"

#define OWNER_MAX_GROUPS 1024
#define TICK_MS 1000 /* the periodic check of parked reads, for changes inotify cannot see */
#define RETRY_MS 5000 /* how often records not shown (no sandbox yet) are looked at again */

static const struct policy_helper_conf *conf;
static int record_dirfd = -1;
static int ifd = -1;
static int record_wd = -1;
static int stop_fd = -1;
static pthread_t thread;
static bool started;

bool sbfs_ct_present(const struct sbfs_container *ct)
{
        struct stat st;
        return ct->live && fstat(ct->sandbox_fd, &st) == 0 && st.st_nlink > 0;
}

static bool under_sandbox_root(const char *path)
{
        for (size_t i = 0; i < conf->n_sandbox_roots; i++)
                if (md_path_is_beneath(path, conf->sandbox_roots[i]))
                        return true;
        return false;
}

static int owner_info(uid_t uid, gid_t gid, char **name_out, gid_t **groups_out, size_t *n_out)
{
        struct passwd pw, *res = NULL;
        char buf[4096];
        _cleanup_free_ char *name = NULL;
        if (getpwuid_r(uid, &pw, buf, sizeof buf, &res) == 0 && res) {
                name = strdup(res->pw_name);
                if (!name)
                        return -ENOMEM;
        }
        int n = OWNER_MAX_GROUPS;
        _cleanup_free_ gid_t *groups = calloc(OWNER_MAX_GROUPS, sizeof *groups);
        if (!groups)
                return -ENOMEM;
        if (!name || getgrouplist(name, gid, groups, &n) < 0) {
                groups[0] = gid;
                n = 1;
        }
        *name_out = MD_TAKE_PTR(name);
        *groups_out = MD_TAKE_PTR(groups);
        *n_out = (size_t)n;
        return 0;
}

static void unwatch(struct sbfs_container *ct)
{
        if (ct->watch < 0)
                return;
        /* two records may name one sandbox: their watch is one */
        bool shared = false;
        for (struct sbfs_container *c = sbfs_ct_next(0); c; c = c->next)
                if (c != ct && c->watch == ct->watch)
                        shared = true;
        if (!shared)
                inotify_rm_watch(ifd, ct->watch);
        ct->watch = -1;
}

static void drop(const char *name)
{
        pthread_mutex_lock(&sbfs_lock);
        struct sbfs_container *ct = sbfs_ct_find(name);
        if (ct) {
                unwatch(ct);
                sbfs_ct_remove(ct);
        }
        pthread_mutex_unlock(&sbfs_lock);
}

/* (Re)reads one record and makes the table agree with it. */
static void load(const char *name)
{
        struct md_record rec = {0};
        md_error err;
        md_error_clear(&err);
        int r = md_record_read(record_dirfd, name, &rec, &err);
        if (r < 0 || !rec.container || strcmp(rec.container, name) != 0 || !rec.sandbox ||
            rec.sandbox[0] != '/' || !under_sandbox_root(rec.sandbox)) {
                if (r < 0 && r != -ENOENT)
                        fuse_log(FUSE_LOG_WARNING, "mesos-sandboxfs: %s\n", err.message);
                else if (r == 0)
                        fuse_log(FUSE_LOG_WARNING,
                                 "mesos-sandboxfs: record %s: sandbox not under a sandbox-root\n", name);
                md_record_clear(&rec);
                drop(name);
                return;
        }
        /* opened afresh on every change: only a real directory owned by the record's owner is
         * shown as its sandbox, and a sandbox deleted and made again is a new container */
        _cleanup_close_ int sfd = md_open_dir_nofollow(rec.sandbox);
        struct stat st;
        if (sfd < 0 || fstat(sfd, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != rec.owner_uid) {
                md_record_clear(&rec);
                drop(name);
                return;
        }
        pthread_mutex_lock(&sbfs_lock);
        struct sbfs_container *ct = sbfs_ct_find(name);
        struct stat cur;
        if (ct && strcmp(ct->rec.sandbox, rec.sandbox) == 0 && ct->owner_uid == rec.owner_uid &&
            ct->owner_gid == rec.owner_gid && fstat(ct->sandbox_fd, &cur) == 0 && cur.st_dev == st.st_dev &&
            cur.st_ino == st.st_ino) {
                md_record_clear(&ct->rec); /* the same container, a new state */
                ct->rec = rec;
                pthread_mutex_unlock(&sbfs_lock);
                return;
        }
        pthread_mutex_unlock(&sbfs_lock);

        _cleanup_free_ char *cname = strdup(name);
        char *oname = NULL;
        gid_t *groups = NULL;
        size_t n_groups = 0;
        if (!cname || owner_info(rec.owner_uid, rec.owner_gid, &oname, &groups, &n_groups) < 0) {
                md_record_clear(&rec);
                return;
        }
        char wpath[64];
        snprintf(wpath, sizeof wpath, "/proc/self/fd/%d", sfd);
        int wd = inotify_add_watch(ifd, wpath,
                                   IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO | IN_ONLYDIR);
        pthread_mutex_lock(&sbfs_lock);
        ct = sbfs_ct_find(name);
        if (ct) {
                unwatch(ct);
                sbfs_ct_remove(ct);
        }
        uid_t ouid = rec.owner_uid;
        gid_t ogid = rec.owner_gid;
        ct = sbfs_ct_add(cname, &rec, sfd, ouid, ogid, oname, groups, n_groups);
        if (ct) {
                cname = NULL;
                sfd = -1;
                ct->watch = wd;
        } else {
                free(oname);
                free(groups);
                md_record_clear(&rec);
                if (wd >= 0)
                        inotify_rm_watch(ifd, wd);
        }
        pthread_mutex_unlock(&sbfs_lock);
}

static int load_one(int dirfd, const char *name, void *arg)
{
        load(name);
        return 0;
}

static int scan(void)
{
        int r = md_record_each(record_dirfd, load_one, NULL);
        if (r < 0)
                return r;
        /* records that vanished while nobody watched (queue overflow, as when thousands are
         * pruned at once): one pass, not one per record gone */
        pthread_mutex_lock(&sbfs_lock);
        for (struct sbfs_container *c = sbfs_ct_next(0), *next; c; c = next) {
                next = c->next;
                char file[MD_NAME_MAX + sizeof MD_RECORD_SUFFIX + 1];
                snprintf(file, sizeof file, "%s%s", c->name, MD_RECORD_SUFFIX);
                struct stat st;
                if (fstatat(record_dirfd, file, &st, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT) {
                        unwatch(c);
                        sbfs_ct_remove(c);
                }
        }
        pthread_mutex_unlock(&sbfs_lock);
        return 0;
}

/* A record in the directory that is not shown: its sandbox may have appeared since. Only the
 * names are listed; a record is read again only when its container is missing. */
static int load_if_missing(int dirfd, const char *name, void *arg)
{
        pthread_mutex_lock(&sbfs_lock);
        bool known = sbfs_ct_find(name) != NULL;
        pthread_mutex_unlock(&sbfs_lock);
        if (!known)
                load(name);
        return 0;
}

static void *watch_thread(void *arg)
{
        int64_t last_retry = md_monotonic_ms();
        char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
        for (;;) {
                struct pollfd pfd[2] = {{.fd = ifd, .events = POLLIN}, {.fd = stop_fd, .events = POLLIN}};
                int r = poll(pfd, 2, TICK_MS);
                if (r < 0 && errno != EINTR)
                        break;
                if (pfd[1].revents)
                        break;
                if (r <= 0 || !(pfd[0].revents & POLLIN)) {
                        sbfs_follow_wake();
                        sbfs_handle_reap(false);
                        if (md_monotonic_ms() - last_retry >= RETRY_MS) {
                                md_record_each(record_dirfd, load_if_missing, NULL);
                                last_retry = md_monotonic_ms();
                        }
                        continue;
                }
                ssize_t n = read(ifd, buf, sizeof buf);
                if (n <= 0)
                        continue;
                bool rescan = false;
                for (char *p = buf; p < buf + n;) {
                        struct inotify_event *ev = (struct inotify_event *)p;
                        p += sizeof *ev + ev->len;
                        char name[MD_NAME_MAX + 1];
                        if (ev->mask & IN_Q_OVERFLOW)
                                rescan = true;
                        else if (ev->wd == record_wd && ev->len && md_record_name_of_file(ev->name, name))
                                load(name);
                }
                if (rescan)
                        scan();
                /* record changes (an exit) and log appends both may answer parked reads */
                sbfs_follow_wake();
        }
        return NULL;
}

int sbfs_watch_start(const struct policy_helper_conf *c, md_error *err)
{
        conf = c;
        if (!conf->state_dir)
                return md_fail(err, MD_EXIT_POLICY, "policy: no state-dir");
        record_dirfd = md_record_dir_open(conf->state_dir, false, err);
        if (record_dirfd < 0)
                return -1;
        ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        if (ifd < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "inotify");
        char wpath[64];
        snprintf(wpath, sizeof wpath, "/proc/self/fd/%d", record_dirfd);
        record_wd = inotify_add_watch(ifd, wpath,
                                      IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE | IN_MOVED_FROM | IN_ONLYDIR);
        if (record_wd < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "inotify on %s/%s", conf->state_dir,
                                     MD_RECORD_DIR);
        stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (stop_fd < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "eventfd");
        int r = scan();
        if (r < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, -r, "%s/%s", conf->state_dir, MD_RECORD_DIR);
        r = pthread_create(&thread, NULL, watch_thread, NULL);
        if (r != 0)
                return md_fail_errno(err, MD_EXIT_FAILED, r, "watcher thread");
        started = true;
        return 0;
}

void sbfs_watch_stop(void)
{
        if (started) {
                uint64_t one = 1;
                if (write(stop_fd, &one, sizeof one) == sizeof one)
                        pthread_join(thread, NULL);
                started = false;
        }
        if (stop_fd >= 0)
                close(stop_fd);
        if (ifd >= 0)
                close(ifd);
        if (record_dirfd >= 0)
                close(record_dirfd);
        stop_fd = ifd = record_dirfd = -1;
}
