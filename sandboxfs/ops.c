#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "access.h"
#include "cleanup.h"
#include "follow.h"
#include "handle.h"
#include "info.h"
#include "ops.h"
#include "reader.h"
#include "safe_open.h"
#include "util.h"
#include "watch.h"

/* Entry timeouts: the kernel's dentry cache is shared by all users, and what one reader may see
 * another may not. So the name of a container (mesos-ID in the root) is never cached: every
 * path walk through it comes back to us and a stranger gets ENOENT. The fixed names below it
 * (stdout, follow/, sandbox, …) may be cached, since no walk reaches them without passing
 * mesos-ID first; only a process that already holds a directory inside (its cwd, an fd), which it
 * could open only when it was allowed to, walks on from there. Names inside the sandbox are not
 * cached: its task renames them at will, and a reader must see each rename at once.
 * Attributes are reached only through such a walk or an open file, so the attributes of what
 * cannot change any more, a finished container's logs, may be cached; everything else is
 * asked for afresh (live sizes for tail -f). */
#define TIMEOUT 0.0
#define FIXED_ENTRY_TIMEOUT 60.0 /* the names inside mesos-ID, fixed for its whole life */
#define FINISHED_ATTR_TIMEOUT 1.0
#define DIR_ATTR_TIMEOUT 1.0

static double attr_timeout(const struct sbfs_node *n, const struct stat *st)
{
        /* folders: a second's lag in their times and link counts is harmless, and caching them
         * saves `ls -l` and find(1) a GETATTR after each LOOKUP and OPENDIR */
        if (S_ISDIR(st->st_mode) && n->kind != SBFS_ROOT)
                return DIR_ATTR_TIMEOUT;
        if (n->kind != SBFS_LOG)
                return TIMEOUT;
        pthread_mutex_lock(&sbfs_lock);
        bool finished = n->ct->rec.state == MD_STATE_EXITED;
        pthread_mutex_unlock(&sbfs_lock);
        return finished ? FINISHED_ATTR_TIMEOUT : TIMEOUT;
}

static double entry_timeout(const struct sbfs_node *n)
{
        switch (n->kind) {
        case SBFS_CT_DIR: /* every walk through mesos-ID asks who walks */
        case SBFS_SANDBOX: /* the task renames at will */
                return TIMEOUT;
        default:
                return FIXED_ENTRY_TIMEOUT;
        }
}

static const char *const stream_names[_SBFS_STREAM_MAX] = {"stdout", "stderr"};

static struct sbfs_node *node_of(fuse_ino_t ino)
{
        return ino == FUSE_ROOT_ID ? &sbfs_root : (struct sbfs_node *)(uintptr_t)ino;
}

/* May the caller of req use node n at all? Root's children are checked per entry. For anything
 * in a container: the container is still there and the caller may see it; otherwise the
 * caller learns nothing (ENOENT). */
static bool allowed(struct sbfs_reader *r, const struct sbfs_node *n)
{
        if (n->kind == SBFS_ROOT)
                return true;
        pthread_mutex_lock(&sbfs_lock);
        bool ok = sbfs_ct_present(n->ct);
        pthread_mutex_unlock(&sbfs_lock);
        return ok && sbfs_reader_may_see(r, n->ct);
}

static int stat_node_fd(const struct sbfs_node *n, struct stat *st)
{
        return fstatat(n->fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

/* The inode number of a synthetic node (access.h). */
static ino_t node_ino(const struct sbfs_node *n)
{
        switch (n->kind) {
        case SBFS_CT_DIR:
                return sbfs_ino(n->ct->serial, SBFS_INO_CT_DIR);
        case SBFS_FOLLOW_DIR:
                return sbfs_ino(n->ct->serial, SBFS_INO_FOLLOW_DIR);
        case SBFS_LOG:
                return sbfs_ino(n->ct->serial, SBFS_INO_STDOUT + n->stream);
        case SBFS_FOLLOW_LOG:
                return sbfs_ino(n->ct->serial, SBFS_INO_FOLLOW_STDOUT + n->stream);
        case SBFS_INFO:
                return sbfs_ino(n->ct->serial, SBFS_INO_INFO);
        default:
                return FUSE_ROOT_ID;
        }
}

/* The attributes a reader sees. */
static int node_attr(struct sbfs_node *n, struct stat *st)
{
        memset(st, 0, sizeof *st);
        struct sbfs_container *ct = n->ct;
        st->st_nlink = 1;
        st->st_blksize = 4096;
        if (ct) {
                st->st_uid = ct->owner_uid;
                st->st_gid = ct->owner_gid;
        }
        switch (n->kind) {
        case SBFS_ROOT:
                st->st_ino = FUSE_ROOT_ID;
                st->st_mode = S_IFDIR | 0555;
                st->st_nlink = 2;
                return 0;
        case SBFS_CT_DIR:
        case SBFS_FOLLOW_DIR: {
                struct stat sb;
                if (fstat(ct->sandbox_fd, &sb) == 0) {
                        st->st_atim = sb.st_atim;
                        st->st_mtim = sb.st_mtim;
                        st->st_ctim = sb.st_ctim;
                }
                st->st_ino = node_ino(n);
                st->st_mode = S_IFDIR | 0555;
                st->st_nlink = n->kind == SBFS_CT_DIR ? 4 : 2;
                return 0;
        }
        case SBFS_LOG:
        case SBFS_FOLLOW_LOG: {
                struct stat lg;
                if (fstatat(ct->sandbox_fd, stream_names[n->stream], &lg, AT_SYMLINK_NOFOLLOW) == 0 &&
                    S_ISREG(lg.st_mode)) {
                        /* st_size is always current for stdout/stderr, so tail -f sees growth;
                         * follow/ files have no end until the container exits: shown as 0 */
                        if (n->kind == SBFS_LOG) {
                                st->st_size = lg.st_size;
                                st->st_blocks = lg.st_blocks;
                        }
                        st->st_atim = lg.st_atim;
                        st->st_mtim = lg.st_mtim;
                        st->st_ctim = lg.st_ctim;
                }
                st->st_ino = node_ino(n);
                st->st_mode = S_IFREG | 0444;
                return 0;
        }
        case SBFS_INFO: {
                _cleanup_free_ char *text = NULL;
                size_t len = 0;
                pthread_mutex_lock(&sbfs_lock);
                int r = sbfs_info_render(&ct->rec, &text, &len);
                pthread_mutex_unlock(&sbfs_lock);
                if (r < 0)
                        return r;
                st->st_ino = node_ino(n);
                st->st_mode = S_IFREG | 0444;
                st->st_size = (off_t)len;
                return 0;
        }
        case SBFS_SANDBOX: {
                int r = stat_node_fd(n, st);
                if (r < 0)
                        return r;
                /* the kernel opens a FIFO itself, without asking us, and would block the reader
                 * waiting for a writer: a FIFO is shown as an empty regular file no one may open */
                if (S_ISFIFO(st->st_mode)) {
                        st->st_mode = S_IFREG;
                        st->st_size = 0;
                        st->st_blocks = 0;
                        return 0;
                }
                st->st_mode = sbfs_shown_mode(st->st_mode);
                return 0;
        }
        default:
                return -EIO;
        }
}

/* Makes the entry for a node just looked up (one lookup already counted). */
static int fill_entry(struct sbfs_node *n, struct fuse_entry_param *e)
{
        memset(e, 0, sizeof *e);
        e->ino = (uintptr_t)n;
        int r = node_attr(n, &e->attr);
        e->attr_timeout = attr_timeout(n, &e->attr);
        e->entry_timeout = entry_timeout(n);
        return r;
}

static void forget_one(struct sbfs_node *n, uint64_t count)
{
        pthread_mutex_lock(&sbfs_lock);
        sbfs_node_forget(n, count);
        pthread_mutex_unlock(&sbfs_lock);
}

static struct sbfs_node *get_node(struct sbfs_container *ct, enum sbfs_kind kind, enum sbfs_stream stream)
{
        pthread_mutex_lock(&sbfs_lock);
        struct sbfs_node *n = sbfs_node_get(ct, kind, stream, -1, 0, 0);
        pthread_mutex_unlock(&sbfs_lock);
        return n;
}

/* A name inside a sandbox directory, by the parent's O_PATH fd: openat2 beneath it without
 * following any symlink (a symlink is returned as itself), as the owner could. */
static int lookup_sandbox(struct sbfs_node *parent, const char *name, struct sbfs_node **out)
{
        struct stat pst;
        int r = stat_node_fd(parent, &pst);
        if (r < 0)
                return r;
        if (!S_ISDIR(pst.st_mode))
                return -ENOTDIR;
        struct sbfs_container *ct = parent->ct;
        if (!sbfs_owner_may(&pst, ct->owner_uid, ct->owner_groups, ct->n_owner_groups, X_OK))
                return -EACCES;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                return -ENOENT;
        int fd = md_openat_beneath(parent->fd, name, O_PATH, 0);
        if (fd < 0)
                return fd;
        struct stat st;
        if (fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        pthread_mutex_lock(&sbfs_lock);
        struct sbfs_node *n = sbfs_node_get(ct, SBFS_SANDBOX, SBFS_STDOUT, fd, st.st_dev, st.st_ino);
        pthread_mutex_unlock(&sbfs_lock);
        if (!n)
                return -ENOMEM;
        *out = n;
        return 0;
}

static int lookup_sandbox_root(struct sbfs_container *ct, struct sbfs_node **out)
{
        int fd = md_openat_beneath(ct->sandbox_fd, ".", O_PATH | O_DIRECTORY, 0);
        if (fd < 0)
                return fd;
        struct stat st;
        if (fstat(fd, &st) < 0) {
                int e = errno;
                close(fd);
                return -e;
        }
        pthread_mutex_lock(&sbfs_lock);
        struct sbfs_node *n = sbfs_node_get(ct, SBFS_SANDBOX, SBFS_STDOUT, fd, st.st_dev, st.st_ino);
        pthread_mutex_unlock(&sbfs_lock);
        if (!n)
                return -ENOMEM;
        *out = n;
        return 0;
}

/* The child called name of parent, as this reader may see it; one lookup counted. */
static int do_lookup(struct sbfs_reader *r, struct sbfs_node *parent, const char *name,
                     struct sbfs_node **out)
{
        if (!allowed(r, parent))
                return -ENOENT;
        struct sbfs_node *n = NULL;
        switch (parent->kind) {
        case SBFS_ROOT: {
                pthread_mutex_lock(&sbfs_lock);
                struct sbfs_container *ct = sbfs_ct_find(name);
                if (ct && sbfs_ct_present(ct))
                        sbfs_ct_ref(ct); /* held while the reader check runs unlocked */
                else
                        ct = NULL;
                pthread_mutex_unlock(&sbfs_lock);
                if (!ct)
                        return -ENOENT;
                bool see = sbfs_reader_may_see(r, ct);
                if (see)
                        n = get_node(ct, SBFS_CT_DIR, SBFS_STDOUT);
                pthread_mutex_lock(&sbfs_lock);
                sbfs_ct_unref(ct);
                pthread_mutex_unlock(&sbfs_lock);
                if (!see)
                        return -ENOENT;
                break;
        }
        case SBFS_CT_DIR:
                if (strcmp(name, "stdout") == 0)
                        n = get_node(parent->ct, SBFS_LOG, SBFS_STDOUT);
                else if (strcmp(name, "stderr") == 0)
                        n = get_node(parent->ct, SBFS_LOG, SBFS_STDERR);
                else if (strcmp(name, "follow") == 0)
                        n = get_node(parent->ct, SBFS_FOLLOW_DIR, SBFS_STDOUT);
                else if (strcmp(name, "info.json") == 0)
                        n = get_node(parent->ct, SBFS_INFO, SBFS_STDOUT);
                else if (strcmp(name, "sandbox") == 0)
                        return lookup_sandbox_root(parent->ct, out);
                else
                        return -ENOENT;
                break;
        case SBFS_FOLLOW_DIR:
                if (strcmp(name, "stdout") == 0)
                        n = get_node(parent->ct, SBFS_FOLLOW_LOG, SBFS_STDOUT);
                else if (strcmp(name, "stderr") == 0)
                        n = get_node(parent->ct, SBFS_FOLLOW_LOG, SBFS_STDERR);
                else
                        return -ENOENT;
                break;
        case SBFS_SANDBOX:
                return lookup_sandbox(parent, name, out);
        default:
                return -ENOTDIR;
        }
        if (!n)
                return -ENOMEM;
        *out = n;
        return 0;
}

static void sbfs_init(void *userdata, struct fuse_conn_info *conn)
{
        /* splice the file data into the reply; no readdirplus (see add_entry) */
        if (conn->capable & FUSE_CAP_SPLICE_WRITE)
                conn->want |= FUSE_CAP_SPLICE_WRITE;
        if (conn->capable & FUSE_CAP_SPLICE_MOVE)
                conn->want |= FUSE_CAP_SPLICE_MOVE;
        conn->want &= ~(FUSE_CAP_READDIRPLUS | FUSE_CAP_READDIRPLUS_AUTO);
        /* a log whose mtime moved drops its cached pages */
        if (conn->capable & FUSE_CAP_AUTO_INVAL_DATA)
                conn->want |= FUSE_CAP_AUTO_INVAL_DATA;
        conn->want &= ~(FUSE_CAP_EXPORT_SUPPORT | FUSE_CAP_WRITEBACK_CACHE | FUSE_CAP_POSIX_ACL);
}

static void sbfs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
        struct sbfs_reader r;
        sbfs_reader_init(&r, req);
        struct sbfs_node *n = NULL;
        int err = do_lookup(&r, node_of(parent), name, &n);
        struct fuse_entry_param e;
        if (err == 0) {
                err = fill_entry(n, &e);
                if (err < 0)
                        forget_one(n, 1);
        }
        if (err < 0)
                fuse_reply_err(req, -err);
        else
                fuse_reply_entry(req, &e);
}

static void sbfs_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
        forget_one(node_of(ino), nlookup);
        fuse_reply_none(req);
}

static void sbfs_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
        pthread_mutex_lock(&sbfs_lock);
        for (size_t i = 0; i < count; i++)
                sbfs_node_forget(node_of(forgets[i].ino), forgets[i].nlookup);
        pthread_mutex_unlock(&sbfs_lock);
        fuse_reply_none(req);
}

static void sbfs_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        struct sbfs_reader r;
        sbfs_reader_init(&r, req);
        struct sbfs_node *n = node_of(ino);
        /* with an open file (fi), the caller was let in at open: a container removed since then
         * still answers, so that the reader gets its data or EOF, not ENOENT mid-read */
        if (!fi && !allowed(&r, n)) {
                fuse_reply_err(req, ENOENT);
                return;
        }
        struct stat st;
        int err = node_attr(n, &st);
        /* an open log answers with its own size: fresh, and the file the reader has open */
        if (err == 0 && fi && fi->fh && n->kind == SBFS_LOG) {
                struct sbfs_handle *h = sbfs_handle_get(fi->fh);
                struct stat lg;
                if (h->fd >= 0 && fstat(h->fd, &lg) == 0) {
                        st.st_size = lg.st_size;
                        st.st_blocks = lg.st_blocks;
                        st.st_mtim = lg.st_mtim;
                }
                sbfs_handle_put(h);
        }
        if (err < 0)
                fuse_reply_err(req, -err);
        else
                fuse_reply_attr(req, &st, attr_timeout(n, &st));
}

static void sbfs_readlink(fuse_req_t req, fuse_ino_t ino)
{
        struct sbfs_reader r;
        sbfs_reader_init(&r, req);
        struct sbfs_node *n = node_of(ino);
        if (!allowed(&r, n)) {
                fuse_reply_err(req, ENOENT);
                return;
        }
        if (n->kind != SBFS_SANDBOX) {
                fuse_reply_err(req, EINVAL);
                return;
        }
        char buf[PATH_MAX + 1];
        ssize_t len = readlinkat(n->fd, "", buf, sizeof buf);
        if (len < 0)
                fuse_reply_err(req, errno);
        else if (len >= (ssize_t)sizeof buf)
                fuse_reply_err(req, ENAMETOOLONG);
        else {
                buf[len] = '\0';
                fuse_reply_readlink(req, buf);
        }
}

/* Keep the page cache when the file is as it was at the last open (same size and mtime). */
static bool unchanged_since_last_open(struct sbfs_node *n, const struct stat *st)
{
        pthread_mutex_lock(&sbfs_lock);
        bool same = n->seen && n->seen_size == st->st_size && n->seen_mtime.tv_sec == st->st_mtim.tv_sec &&
                    n->seen_mtime.tv_nsec == st->st_mtim.tv_nsec;
        n->seen = true;
        n->seen_size = st->st_size;
        n->seen_mtime = st->st_mtim;
        pthread_mutex_unlock(&sbfs_lock);
        return same;
}

/* Opens a regular sandbox file for reading: the pinned inode itself, reopened through its O_PATH
 * fd (no name is resolved again), and only a regular file: a FIFO, socket or device is never
 * opened, so nothing here can block or reach a device. */
static int open_sandbox_file(struct sbfs_node *n, struct stat *st)
{
        struct stat pst;
        int r = stat_node_fd(n, &pst);
        if (r < 0)
                return r;
        if (S_ISDIR(pst.st_mode))
                return -EISDIR;
        if (!S_ISREG(pst.st_mode))
                return -EACCES;
        struct sbfs_container *ct = n->ct;
        if (!sbfs_owner_may(&pst, ct->owner_uid, ct->owner_groups, ct->n_owner_groups, R_OK))
                return -EACCES;
        char path[64];
        snprintf(path, sizeof path, "/proc/self/fd/%d", n->fd);
        int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode) || st->st_dev != pst.st_dev ||
            st->st_ino != pst.st_ino) {
                close(fd);
                return -EACCES;
        }
        return fd;
}

static int open_log(struct sbfs_container *ct, enum sbfs_stream s, struct stat *st)
{
        int fd = md_openat_beneath(ct->sandbox_fd, stream_names[s], O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);
        if (fd < 0)
                return fd == -ELOOP ? -EACCES : fd;
        /* the log is the owner's file: served with the owner's rights like the rest of the sandbox
         * (a hard link to a root-only file in its place is not read for anyone) */
        if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode) ||
            !sbfs_owner_may(st, ct->owner_uid, ct->owner_groups, ct->n_owner_groups, R_OK)) {
                close(fd);
                return -EACCES;
        }
        return fd;
}

static void sbfs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        struct sbfs_reader r;
        sbfs_reader_init(&r, req);
        struct sbfs_node *n = node_of(ino);
        if (!allowed(&r, n)) {
                fuse_reply_err(req, ENOENT);
                return;
        }
        if ((fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & (O_TRUNC | O_CREAT))) {
                fuse_reply_err(req, EROFS);
                return;
        }
        struct sbfs_handle *h = sbfs_handle_new(n->kind);
        if (!h) {
                fuse_reply_err(req, ENOMEM);
                return;
        }
        struct stat st;
        int err = 0;
        switch (n->kind) {
        case SBFS_LOG: {
                h->fd = open_log(n->ct, n->stream, &st);
                if (h->fd < 0) {
                        err = h->fd;
                        break;
                }
                pthread_mutex_lock(&sbfs_lock);
                bool finished = n->ct->rec.state == MD_STATE_EXITED;
                pthread_mutex_unlock(&sbfs_lock);
                /* a finished container's log no longer changes: keep its pages */
                fi->keep_cache = unchanged_since_last_open(n, &st) && finished;
                break;
        }
        case SBFS_FOLLOW_LOG: {
                int fd = open_log(n->ct, n->stream, &st);
                if (fd < 0) {
                        err = fd;
                        break;
                }
                h->follow = sbfs_follow_new(n->ct, fd);
                if (!h->follow) {
                        close(fd);
                        err = -ENOMEM;
                }
                fi->direct_io = 1; /* no size, no cache: every read comes to us */
                break;
        }
        case SBFS_INFO:
                pthread_mutex_lock(&sbfs_lock);
                err = sbfs_info_render(&n->ct->rec, &h->text, &h->len);
                pthread_mutex_unlock(&sbfs_lock);
                fi->direct_io = 1; /* the text is fixed at open, whatever size stat said */
                break;
        case SBFS_SANDBOX:
                h->fd = open_sandbox_file(n, &st);
                if (h->fd < 0)
                        err = h->fd;
                else
                        fi->keep_cache = unchanged_since_last_open(n, &st);
                break;
        default:
                err = -EISDIR;
        }
        if (err < 0) {
                sbfs_handle_destroy(h);
                fuse_reply_err(req, -err);
                return;
        }
        fi->fh = (uintptr_t)h;
        if (fuse_reply_open(req, fi) == -ENOENT) /* interrupted: the kernel will not release it */
                sbfs_handle_release(h);
}

static void sbfs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
        struct sbfs_handle *h = sbfs_handle_get(fi->fh);
        switch (h->kind) {
        case SBFS_FOLLOW_LOG:
                sbfs_follow_read(req, h->follow, size, off);
                break;
        case SBFS_INFO:
                if (off < 0 || (size_t)off >= h->len)
                        fuse_reply_buf(req, NULL, 0);
                else
                        fuse_reply_buf(req, h->text + off,
                                       size < h->len - (size_t)off ? size : h->len - (size_t)off);
                break;
        default: {
                /* spliced from the file to the reply when the kernel allows it */
                struct fuse_bufvec buf = FUSE_BUFVEC_INIT(size);
                buf.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
                buf.buf[0].fd = h->fd;
                buf.buf[0].pos = off;
                fuse_reply_data(req, &buf, FUSE_BUF_SPLICE_MOVE);
                break;
        }
        }
        sbfs_handle_put(h);
}

static void sbfs_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        sbfs_handle_release((struct sbfs_handle *)(uintptr_t)fi->fh);
        fuse_reply_err(req, 0);
}

static void sbfs_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi, struct fuse_pollhandle *ph)
{
        struct sbfs_handle *h = sbfs_handle_get(fi->fh);
        if (h->kind == SBFS_FOLLOW_LOG) {
                sbfs_follow_poll(req, h->follow, ph);
        } else {
                if (ph)
                        fuse_pollhandle_destroy(ph);
                fuse_reply_poll(req, POLLIN | POLLRDNORM);
        }
        sbfs_handle_put(h);
}

static void sbfs_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        struct sbfs_reader r;
        sbfs_reader_init(&r, req);
        struct sbfs_node *n = node_of(ino);
        if (!allowed(&r, n)) {
                fuse_reply_err(req, ENOENT);
                return;
        }
        struct sbfs_handle *d = sbfs_handle_new(n->kind);
        if (!d) {
                fuse_reply_err(req, ENOMEM);
                return;
        }
        if (n->kind == SBFS_SANDBOX) {
                struct stat st;
                int err = stat_node_fd(n, &st);
                if (err == 0 && !S_ISDIR(st.st_mode))
                        err = -ENOTDIR;
                if (err == 0 && !sbfs_owner_may(&st, n->ct->owner_uid, n->ct->owner_groups,
                                                n->ct->n_owner_groups, R_OK | X_OK))
                        err = -EACCES;
                int fd = err == 0 ? openat(n->fd, ".", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
                if (err == 0 && fd < 0)
                        err = -errno;
                if (fd >= 0 && !(d->dp = fdopendir(fd))) {
                        err = -errno;
                        close(fd);
                }
                if (err < 0) {
                        sbfs_handle_destroy(d);
                        fuse_reply_err(req, -err);
                        return;
                }
        } else if (n->kind != SBFS_ROOT && n->kind != SBFS_CT_DIR && n->kind != SBFS_FOLLOW_DIR) {
                sbfs_handle_destroy(d);
                fuse_reply_err(req, ENOTDIR);
                return;
        }
        fi->fh = (uintptr_t)d;
        /* the fixed folders of a container list the same names for its whole life */
        fi->cache_readdir = n->kind == SBFS_CT_DIR || n->kind == SBFS_FOLLOW_DIR;
        fi->keep_cache = fi->cache_readdir;
        if (fuse_reply_open(req, fi) == -ENOENT)
                sbfs_handle_release(d);
}

/* Adds one entry. Returns the size used, 0 when the buffer is full. There is no readdirplus: with
 * entry timeouts of 0 (see TIMEOUT) the kernel looks every name up again when it is used, so
 * attributes and lookups sent with the listing would only be work thrown away, and FORGETs. */
static size_t add_entry(fuse_req_t req, char *p, size_t rem, const char *name, ino_t ino, mode_t type,
                        off_t next)
{
        struct stat st = {.st_ino = ino, .st_mode = type << 12};
        size_t need = fuse_add_direntry(req, p, rem, name, &st, next);
        return need > rem ? 0 : need;
}

/* The fixed entries of a container's folder and of its follow/ folder, with the inode numbers
 * their nodes show in stat (node_ino): ino 0 stands for the sandbox's own, ino 1 for the parent. */
struct fixed_entry {
        const char *name;
        mode_t type;
        enum sbfs_ino_kind ino;
};
static const struct fixed_entry ct_dir[] = {
        {".", S_IFDIR, SBFS_INO_CT_DIR},          {"..", S_IFDIR, 1},
        {"stdout", S_IFREG, SBFS_INO_STDOUT},     {"stderr", S_IFREG, SBFS_INO_STDERR},
        {"follow", S_IFDIR, SBFS_INO_FOLLOW_DIR}, {"sandbox", S_IFDIR, 0},
        {"info.json", S_IFREG, SBFS_INO_INFO},    {NULL, 0, 0},
};
static const struct fixed_entry follow_dir[] = {
        {".", S_IFDIR, SBFS_INO_FOLLOW_DIR},
        {"..", S_IFDIR, SBFS_INO_CT_DIR},
        {"stdout", S_IFREG, SBFS_INO_FOLLOW_STDOUT},
        {"stderr", S_IFREG, SBFS_INO_FOLLOW_STDERR},
        {NULL, 0, 0},
};

static ino_t fixed_entry_ino(const struct sbfs_node *dir, const struct fixed_entry *e)
{
        if (e->ino == 1)
                return FUSE_ROOT_ID;
        if (e->ino == 0) {
                struct stat st;
                return fstat(dir->ct->sandbox_fd, &st) == 0 ? st.st_ino : 0;
        }
        return sbfs_ino(dir->ct->serial, e->ino);
}

static void fill_dir(fuse_req_t req, struct sbfs_reader *rd, struct sbfs_node *n, struct sbfs_handle *d,
                     size_t size, off_t offset);

static void sbfs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t offset, struct fuse_file_info *fi)
{
        struct sbfs_reader r;
        sbfs_reader_init(&r, req);
        struct sbfs_node *n = node_of(ino);
        if (!allowed(&r, n)) {
                fuse_reply_err(req, ENOENT);
                return;
        }
        struct sbfs_handle *d = sbfs_handle_get(fi->fh);
        fill_dir(req, &r, n, d, size, offset);
        sbfs_handle_put(d);
}

static void fill_dir(fuse_req_t req, struct sbfs_reader *rd, struct sbfs_node *n, struct sbfs_handle *d,
                     size_t size, off_t offset)
{
        struct sbfs_reader r = *rd;
        if (size > 1024 * 1024)
                size = 1024 * 1024;
        _cleanup_free_ char *buf = calloc(1, size);
        if (!buf) {
                fuse_reply_err(req, ENOMEM);
                return;
        }
        char *p = buf;
        size_t rem = size;
        int err = 0;
        if (n->kind == SBFS_ROOT) {
                /* offsets are container serials: stable while containers come and go */
                if (offset == 0) {
                        size_t used = add_entry(req, p, rem, ".", FUSE_ROOT_ID, S_IFDIR >> 12, 1);
                        p += used, rem -= used;
                        offset = 1;
                }
                if (offset == 1 && rem > 0) {
                        size_t used = add_entry(req, p, rem, "..", FUSE_ROOT_ID, S_IFDIR >> 12, 2);
                        if (used) {
                                p += used, rem -= used;
                                offset = 2;
                        }
                }
                uint64_t after = offset >= 2 ? (uint64_t)offset - 2 : 0;
                while (offset >= 2 && rem > 0) {
                        char name[MD_NAME_MAX + 1];
                        uint64_t serial = 0;
                        pthread_mutex_lock(&sbfs_lock);
                        struct sbfs_container *ct = sbfs_ct_next(after);
                        if (ct) {
                                snprintf(name, sizeof name, "%s", ct->name);
                                serial = ct->serial;
                                sbfs_ct_ref(ct); /* held while the reader check runs unlocked */
                        }
                        pthread_mutex_unlock(&sbfs_lock);
                        if (!ct)
                                break;
                        bool see = sbfs_reader_may_see(&r, ct);
                        pthread_mutex_lock(&sbfs_lock);
                        see = see && sbfs_ct_present(ct);
                        sbfs_ct_unref(ct);
                        pthread_mutex_unlock(&sbfs_lock);
                        if (see) {
                                size_t used = add_entry(req, p, rem, name, sbfs_ino(serial, SBFS_INO_CT_DIR),
                                                        S_IFDIR >> 12, (off_t)serial + 2);
                                if (used == 0)
                                        break;
                                p += used, rem -= used;
                        }
                        after = serial;
                }
        } else if (n->kind == SBFS_CT_DIR || n->kind == SBFS_FOLLOW_DIR) {
                const struct fixed_entry *entries = n->kind == SBFS_CT_DIR ? ct_dir : follow_dir;
                for (size_t i = (size_t)offset; entries[i].name; i++) {
                        size_t used = add_entry(req, p, rem, entries[i].name, fixed_entry_ino(n, &entries[i]),
                                                entries[i].type >> 12, (off_t)i + 1);
                        if (used == 0)
                                break;
                        if (used != SIZE_MAX)
                                p += used, rem -= used;
                }
        } else if (d && d->dp) {
                /* a sandbox directory streams by telldir offset: bounded memory at any size */
                if (offset != d->offset) {
                        seekdir(d->dp, offset);
                        d->entry = NULL;
                        d->offset = offset;
                }
                for (;;) {
                        if (!d->entry) {
                                errno = 0;
                                d->entry = readdir(d->dp);
                                if (!d->entry) {
                                        if (errno && rem == size)
                                                err = -errno;
                                        break;
                                }
                        }
                        off_t next = d->entry->d_off;
                        unsigned char type = d->entry->d_type == DT_FIFO ? DT_REG : d->entry->d_type;
                        size_t used = add_entry(req, p, rem, d->entry->d_name, d->entry->d_ino, type, next);
                        if (used == 0)
                                break;
                        if (used != SIZE_MAX)
                                p += used, rem -= used;
                        d->entry = NULL;
                        d->offset = next;
                }
        } else {
                err = -ENOTDIR;
        }
        if (err < 0)
                fuse_reply_err(req, -err);
        else
                fuse_reply_buf(req, buf, size - rem);
}

static void sbfs_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        sbfs_handle_release((struct sbfs_handle *)(uintptr_t)fi->fh);
        fuse_reply_err(req, 0);
}

static void sbfs_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
        struct sbfs_reader r;
        sbfs_reader_init(&r, req);
        struct sbfs_node *n = node_of(ino);
        if (!allowed(&r, n)) {
                fuse_reply_err(req, ENOENT);
                return;
        }
        if (mask & W_OK) {
                fuse_reply_err(req, EROFS);
                return;
        }
        int err = 0;
        if (n->kind == SBFS_SANDBOX) {
                struct stat st;
                err = stat_node_fd(n, &st);
                if (err == 0 && !S_ISLNK(st.st_mode) &&
                    !sbfs_owner_may(&st, n->ct->owner_uid, n->ct->owner_groups, n->ct->n_owner_groups, mask))
                        err = -EACCES;
        }
        fuse_reply_err(req, -err);
}

static void sbfs_statfs(fuse_req_t req, fuse_ino_t ino)
{
        struct statvfs sv = {.f_bsize = 4096, .f_frsize = 4096, .f_namemax = NAME_MAX, .f_flag = ST_RDONLY};
        fuse_reply_statfs(req, &sv);
}

/* ----- everything that would write: the filesystem is read-only for everyone ----- */

static void sbfs_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
                         struct fuse_file_info *fi)
{
        fuse_reply_err(req, EROFS);
}

static void sbfs_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev)
{
        fuse_reply_err(req, EROFS);
}

static void sbfs_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
        fuse_reply_err(req, EROFS);
}

static void sbfs_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
        fuse_reply_err(req, EROFS);
}

static void sbfs_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
        fuse_reply_err(req, EROFS);
}

static void sbfs_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
                        const char *newname, unsigned int flags)
{
        fuse_reply_err(req, EROFS);
}

static void sbfs_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname)
{
        fuse_reply_err(req, EROFS);
}

static void sbfs_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
                       struct fuse_file_info *fi)
{
        fuse_reply_err(req, EROFS);
}

static void sbfs_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
                        struct fuse_file_info *fi)
{
        fuse_reply_err(req, EROFS);
}

static void sbfs_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value, size_t size,
                          int flags)
{
        fuse_reply_err(req, EROFS);
}

static void sbfs_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
        fuse_reply_err(req, EROFS);
}

static void sbfs_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset, off_t length,
                           struct fuse_file_info *fi)
{
        fuse_reply_err(req, EROFS);
}

/* No extended attributes are shown: none of them are the reader's business. */
static void sbfs_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
        fuse_reply_err(req, ENOTSUP);
}

static void sbfs_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
        fuse_reply_err(req, ENOTSUP);
}

const struct fuse_lowlevel_ops sbfs_ops = {
        .init = sbfs_init,
        .lookup = sbfs_lookup,
        .forget = sbfs_forget,
        .forget_multi = sbfs_forget_multi,
        .getattr = sbfs_getattr,
        .readlink = sbfs_readlink,
        .open = sbfs_open,
        .read = sbfs_read,
        .release = sbfs_release,
        .poll = sbfs_poll,
        .opendir = sbfs_opendir,
        .readdir = sbfs_readdir,
        .releasedir = sbfs_releasedir,
        .access = sbfs_access,
        .statfs = sbfs_statfs,
        .setattr = sbfs_setattr,
        .mknod = sbfs_mknod,
        .mkdir = sbfs_mkdir,
        .unlink = sbfs_unlink,
        .rmdir = sbfs_unlink,
        .symlink = sbfs_symlink,
        .rename = sbfs_rename,
        .link = sbfs_link,
        .write = sbfs_write,
        .create = sbfs_create,
        .setxattr = sbfs_setxattr,
        .removexattr = sbfs_removexattr,
        .fallocate = sbfs_fallocate,
        .getxattr = sbfs_getxattr,
        .listxattr = sbfs_listxattr,
};
