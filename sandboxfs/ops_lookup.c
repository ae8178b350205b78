/* Names and attributes: LOOKUP, FORGET, GETATTR, READLINK, ACCESS. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access.h"
#include "handle.h"
#include "layout.h"
#include "ops_internal.h"
#include "safe_open.h"
#include "watch.h"

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

/* The node of a sandbox entry from its fresh O_PATH fd (or a negative errno), which it takes
 * over: known by its device and inode, so the same file is one node however it was reached. */
static int sandbox_node(struct sbfs_container *ct, int fd, struct sbfs_node **out)
{
        if (fd < 0)
                return fd;
        struct stat st;
        if (fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0) {
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

/* A name inside a sandbox directory, by the parent's O_PATH fd: openat2 beneath it without
 * following any symlink (a symlink is returned as itself), as the owner could. */
static int lookup_sandbox(struct sbfs_node *parent, const char *name, struct sbfs_node **out)
{
        struct stat pst;
        int r = sbfs_node_stat_fd(parent, &pst);
        if (r < 0)
                return r;
        if (!S_ISDIR(pst.st_mode))
                return -ENOTDIR;
        struct sbfs_container *ct = parent->ct;
        if (!sbfs_owner_may(&pst, ct->owner_uid, ct->owner_groups, ct->n_owner_groups, X_OK))
                return -EACCES;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                return -ENOENT;
        return sandbox_node(ct, md_openat_beneath(parent->fd, name, O_PATH, 0), out);
}

static int lookup_sandbox_root(struct sbfs_container *ct, struct sbfs_node **out)
{
        return sandbox_node(ct, md_openat_beneath(ct->sandbox_fd, ".", O_PATH | O_DIRECTORY, 0), out);
}

/* The child called name of parent, as this reader may see it; one lookup counted. */
static int do_lookup(struct sbfs_reader *r, struct sbfs_node *parent, const char *name,
                     struct sbfs_node **out)
{
        if (!sbfs_allowed(r, parent))
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
        case SBFS_FOLLOW_DIR: {
                const struct sbfs_layout_entry *e = sbfs_layout_find(parent->kind, name);
                if (!e)
                        return -ENOENT;
                if (e->kind == SBFS_SANDBOX)
                        return lookup_sandbox_root(parent->ct, out);
                n = get_node(parent->ct, e->kind, e->stream);
                break;
        }
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

void sbfs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
        struct sbfs_reader r;
        sbfs_reader_init(&r, req);
        struct sbfs_node *dir = sbfs_node_of(parent), *n = NULL;
        int err = do_lookup(&r, dir, name, &n);
        struct fuse_entry_param e;
        if (err == 0) {
                err = sbfs_fill_entry(dir, n, &e);
                if (err < 0)
                        forget_one(n, 1);
        }
        if (err < 0)
                fuse_reply_err(req, -err);
        else
                fuse_reply_entry(req, &e);
}

void sbfs_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
        forget_one(sbfs_node_of(ino), nlookup);
        fuse_reply_none(req);
}

void sbfs_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
        pthread_mutex_lock(&sbfs_lock);
        for (size_t i = 0; i < count; i++)
                sbfs_node_forget(sbfs_node_of(forgets[i].ino), forgets[i].nlookup);
        pthread_mutex_unlock(&sbfs_lock);
        fuse_reply_none(req);
}

void sbfs_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        struct sbfs_reader r;
        sbfs_reader_init(&r, req);
        struct sbfs_node *n = sbfs_node_of(ino);
        /* with an open file (fi), the caller was let in at open: a container removed since then
         * still answers, so that the reader gets its data or EOF, not ENOENT mid-read */
        if (!fi && !sbfs_allowed(&r, n)) {
                fuse_reply_err(req, ENOENT);
                return;
        }
        struct stat st;
        int err = sbfs_node_attr(n, &st);
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
                fuse_reply_attr(req, &st, sbfs_attr_timeout(n, &st));
}

void sbfs_readlink(fuse_req_t req, fuse_ino_t ino)
{
        struct sbfs_reader r;
        struct sbfs_node *n = sbfs_node_for(req, ino, &r);
        if (!n)
                return;
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

void sbfs_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
        struct sbfs_reader r;
        struct sbfs_node *n = sbfs_node_for(req, ino, &r);
        if (!n)
                return;
        if (mask & W_OK) {
                fuse_reply_err(req, EROFS);
                return;
        }
        int err = 0;
        if (n->kind == SBFS_SANDBOX) {
                struct stat st;
                err = sbfs_node_stat_fd(n, &st);
                if (err == 0 && !S_ISLNK(st.st_mode) &&
                    !sbfs_owner_may(&st, n->ct->owner_uid, n->ct->owner_groups, n->ct->n_owner_groups, mask))
                        err = -EACCES;
        }
        fuse_reply_err(req, -err);
}
