/* Open files: OPEN, READ, RELEASE, POLL of the logs, follow/ files, info.json and sandbox files. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access.h"
#include "follow.h"
#include "handle.h"
#include "info.h"
#include "ops_internal.h"
#include "safe_open.h"

/* Opens a regular sandbox file for reading: the pinned inode itself, reopened through its O_PATH
 * fd (no name is resolved again), and only a regular file: a FIFO, socket or device is never
 * opened, so nothing here can block or reach a device. */
static int open_sandbox_file(struct sbfs_node *n, struct stat *st)
{
        struct stat pst;
        int r = sbfs_node_stat_fd(n, &pst);
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
        int fd = md_openat_beneath(ct->sandbox_fd, sbfs_stream_names[s], O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);
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

void sbfs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        struct sbfs_reader r;
        struct sbfs_node *n = sbfs_node_for(req, ino, &r);
        if (!n)
                return;
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
                /* a log as it was at the last open keeps its pages, running or not: one that
                 * grows while read drops them when a GETATTR sees the new size (AUTO_INVAL_DATA) */
                fi->keep_cache = sbfs_node_unchanged(n, &st);
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
                        fi->keep_cache = sbfs_node_unchanged(n, &st);
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

void sbfs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
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

void sbfs_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        sbfs_handle_release((struct sbfs_handle *)(uintptr_t)fi->fh);
        fuse_reply_err(req, 0);
}

void sbfs_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi, struct fuse_pollhandle *ph)
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
