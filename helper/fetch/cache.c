/* The caller's download cache (Mesos' fetcher cache, per user): CACHE_ROOT/UID/, owned by the
 * caller, one "KEY.data" per URI (KEY: SHA-256 of the trimmed URI, so a URI never becomes a
 * path) and a "KEY.lock" that serializes the fetches of one URI, so that concurrent fetches
 * download it once. Entries are touched on use and the least recently used are evicted
 * beyond the size bound. Everything but fetch_cache_dir_open runs in the caller-side child. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fetch_internal.h"
#include "safe_open.h"

#define CACHE_DEFAULT_MAX_BYTES (1024ULL * 1024 * 1024)
#define CACHE_MAX_SCAN 100000

static void key_of(const char *uri, char hex[65])
{
        uint8_t h[32];
        fetch_sha256(uri, strlen(uri), h);
        for (int i = 0; i < 32; i++)
                snprintf(hex + 2 * i, 3, "%02x", h[i]);
}

/* flock on a lock file that may be removed by an eviction meanwhile: the lock counts only
 * when the file we hold is still the one under the name (the classic unlink race). */
static int lock_open(int cachefd, const char *name, bool wait)
{
        for (int tries = 0; tries < 100; tries++) {
                int fd = fetch_openat1(cachefd, name, O_RDWR | O_CREAT, 0600);
                if (fd < 0)
                        return fd;
                int r;
                while ((r = flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB)) < 0 && errno == EINTR)
                        ;
                if (r < 0) {
                        int e = errno;
                        close(fd);
                        return -e;
                }
                struct stat a, b;
                if (fstat(fd, &a) == 0 && fstatat(cachefd, name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
                    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
                        return fd;
                close(fd);
        }
        return -EAGAIN;
}

struct entry {
        struct timespec used;
        uint64_t size;
        char key[65];
};

static int by_age(const void *a, const void *b)
{
        const struct entry *x = a, *y = b;
        if (x->used.tv_sec != y->used.tv_sec)
                return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
        return (x->used.tv_nsec > y->used.tv_nsec) - (x->used.tv_nsec < y->used.tv_nsec);
}

static inline void closedirp(DIR **d)
{
        if (*d)
                closedir(*d);
}

/* Removes least recently used entries (but never keep) until the cache fits max. An entry
 * whose lock is held (being downloaded or copied) is left alone. */
static void evict(int cachefd, uint64_t max, const char *keep)
{
        int dfd = openat(cachefd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return;
        _cleanup_(closedirp) DIR *d = fdopendir(dfd);
        if (!d) {
                close(dfd);
                return;
        }
        _cleanup_free_ struct entry *v = NULL;
        size_t n = 0, cap = 0;
        uint64_t total = 0;
        struct dirent *de;
        while ((de = readdir(d)) && n < CACHE_MAX_SCAN) {
                size_t l = strlen(de->d_name);
                struct stat st;
                if (l != 64 + 5 || strcmp(de->d_name + 64, ".data") != 0 ||
                    fstatat(cachefd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
                        continue;
                if (n == cap) {
                        size_t nc = cap ? cap * 2 : 64;
                        struct entry *nv = realloc(v, nc * sizeof *v);
                        if (!nv)
                                return;
                        v = nv;
                        cap = nc;
                }
                v[n].used = st.st_mtim;
                v[n].size = (uint64_t)st.st_size;
                memcpy(v[n].key, de->d_name, 64);
                v[n].key[64] = '\0';
                total += v[n].size;
                n++;
        }
        if (total <= max)
                return;
        qsort(v, n, sizeof *v, by_age);
        for (size_t i = 0; i < n && total > max; i++) {
                if (strcmp(v[i].key, keep) == 0)
                        continue;
                char lock[80], data[80];
                snprintf(lock, sizeof lock, "%s.lock", v[i].key);
                snprintf(data, sizeof data, "%s.data", v[i].key);
                int lfd = lock_open(cachefd, lock, false);
                if (lfd < 0)
                        continue;
                if (unlinkat(cachefd, data, 0) == 0)
                        total -= v[i].size;
                unlinkat(cachefd, lock, 0);
                close(lfd);
        }
}

int fetch_cache_get(const struct fetch_request *req, const char *uri, const char *scheme, int fd,
                    uint64_t *bytes, bool *hit, md_error *err)
{
        char key[65], lock[80], data[80], q[512];
        key_of(uri, key);
        snprintf(lock, sizeof lock, "%s.lock", key);
        snprintf(data, sizeof data, "%s.data", key);
        uint64_t max = req->cache_max_bytes ? req->cache_max_bytes : CACHE_DEFAULT_MAX_BYTES;
        _cleanup_close_ int lfd = lock_open(req->cache_dirfd, lock, true);
        if (lfd < 0)
                return md_error_set_errno(err, -EIO, -lfd, "%s: locking the cache entry",
                                          fetch_quote_uri(uri, q, sizeof q));
        _cleanup_close_ int dfd = fetch_openat1(req->cache_dirfd, data, O_RDONLY, 0);
        struct stat st;
        if (dfd >= 0 && fstat(dfd, &st) == 0 && S_ISREG(st.st_mode)) {
                futimens(dfd, NULL); /* used now: the LRU order */
                int r = fetch_copy_fd(dfd, fd, req->max_bytes, bytes);
                if (r == -EFBIG)
                        return md_error_set(
                                err, -EIO, "%s: the cached copy is larger than the limit of %llu bytes",
                                fetch_quote_uri(uri, q, sizeof q), (unsigned long long)req->max_bytes);
                if (r < 0)
                        return md_error_set_errno(err, -EIO, -r, "%s: copying from the cache",
                                                  fetch_quote_uri(uri, q, sizeof q));
                *hit = true;
                return 0;
        }
        if (dfd < 0 && dfd != -ENOENT)
                return md_error_set_errno(err, -EIO, -dfd, "%s: the cache entry",
                                          fetch_quote_uri(uri, q, sizeof q));
        struct fetch_tmp t;
        int r = fetch_tmp_open(req->cache_dirfd, &t);
        if (r < 0)
                return md_error_set_errno(err, -EIO, -r, "%s: a file in the cache",
                                          fetch_quote_uri(uri, q, sizeof q));
        uint64_t n = 0;
        r = fetch_download(req, uri, scheme, t.fd, &n, err);
        if (r < 0) {
                fetch_tmp_discard(&t);
                return r;
        }
        bool keep = n <= max;
        if (keep && (fchmod(t.fd, 0600) < 0 || fetch_tmp_commit(&t, data) < 0))
                keep = false; /* the fetch can go on without the cache */
        r = fetch_copy_fd(t.fd, fd, req->max_bytes, bytes);
        fetch_tmp_discard(&t);
        if (r < 0)
                return md_error_set_errno(err, -EIO, -r, "%s: copying from the cache",
                                          fetch_quote_uri(uri, q, sizeof q));
        if (keep)
                evict(req->cache_dirfd, max, key);
        *hit = false;
        return 0;
}

/* The caller's ids for the file system while the directory is made and opened: root without
 * capabilities could neither search a 0700 directory of the caller nor chown one to it. */
int fetch_cache_dir_open(const char *cache_root, uid_t uid, gid_t gid, md_error *err)
{
        _cleanup_close_ int rootfd = md_open_dir_nofollow(cache_root);
        if (rootfd < 0)
                return md_error_set_errno(err, -EIO, -rootfd, "fetch cache %s", cache_root);
        struct stat st;
        if (fstat(rootfd, &st) < 0)
                return md_error_set_errno(err, -EIO, errno, "fetch cache %s", cache_root);
        if (st.st_uid != 0)
                return md_error_set(err, -EIO, "fetch cache %s: not owned by root", cache_root);
        bool shared = (st.st_mode & S_ISVTX) && (st.st_mode & 0003) == 0003;
        if ((st.st_mode & 0022) && !shared)
                return md_error_set(err, -EIO, "fetch cache %s: writable by others but not sticky",
                                    cache_root);
        char name[32];
        snprintf(name, sizeof name, "%u", (unsigned)uid);
        int dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
        int old_gid = setfsgid(gid);
        int old_uid = setfsuid(uid);
        int e = 0;
        if (shared && mkdirat(rootfd, name, 0700) < 0 && errno != EEXIST)
                e = errno;
        /* O_PATH first: the owner is checked before anything is read through the name */
        _cleanup_close_ int pfd =
                e ? -1 : openat(rootfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (!e && pfd < 0)
                e = errno == ENOTDIR ? ELOOP : errno;
        if (!e && (fstat(pfd, &st) < 0 || st.st_uid != uid))
                e = EPERM;
        int fd = e ? -1 : openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (!e && fd < 0)
                e = errno;
        if (fd >= 0 && (st.st_mode & 0077) && fchmod(fd, 0700) < 0) {
                e = errno;
                close(fd);
                fd = -1;
        }
        setfsuid((uid_t)old_uid);
        setfsgid((gid_t)old_gid);
        if (dumpable >= 0)
                prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0); /* an fsuid change resets it */
        if (e == EPERM)
                return md_error_set(err, -EIO, "fetch cache %s/%s: not owned by uid %u", cache_root, name,
                                    (unsigned)uid);
        if (fd < 0)
                return md_error_set_errno(err, -EIO, e, "fetch cache %s/%s", cache_root, name);
        return fd;
}
