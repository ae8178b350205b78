/* Directories: OPENDIR, READDIR, RELEASEDIR of the root, a container's fixed folders and the
 * sandbox. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access.h"
#include "cleanup.h"
#include "handle.h"
#include "layout.h"
#include "ops_internal.h"
#include "util.h"
#include "watch.h"

void sbfs_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        struct sbfs_reader r;
        struct sbfs_node *n = sbfs_node_for(req, ino, &r);
        if (!n)
                return;
        struct sbfs_handle *d = sbfs_handle_new(n->kind);
        if (!d) {
                fuse_reply_err(req, ENOMEM);
                return;
        }
        struct stat st;
        if (n->kind == SBFS_SANDBOX) {
                int err = sbfs_node_stat_fd(n, &st);
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
        /* the fixed folders of a container list the same names for its whole life; a sandbox
         * folder's listing is kept while its times and size say it has not changed (every
         * create, unlink and rename in it moves its mtime), else read afresh. The root's is never
         * kept: each reader is shown its own. */
        if (n->kind == SBFS_CT_DIR || n->kind == SBFS_FOLLOW_DIR) {
                fi->cache_readdir = 1;
                fi->keep_cache = 1;
        } else if (n->kind == SBFS_SANDBOX) {
                fi->cache_readdir = 1;
                fi->keep_cache = sbfs_node_unchanged(n, &st);
        }
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

/* The inode number readdir shows for a fixed entry: the one its node shows in stat (node_ino). */
static ino_t layout_ino(const struct sbfs_node *dir, const struct sbfs_layout_entry *e)
{
        if (e->ino == SBFS_LAYOUT_ROOT_INO)
                return FUSE_ROOT_ID;
        if (e->ino == SBFS_LAYOUT_SANDBOX_INO) {
                struct stat st;
                return fstat(dir->ct->sandbox_fd, &st) == 0 ? st.st_ino : 0;
        }
        return sbfs_ino(dir->ct->serial, e->ino);
}

/* The reply being filled: FUSE dirents, at most size bytes. */
struct dirbuf {
        fuse_req_t req;
        char *buf;
        size_t size, used;
};

/* Adds one entry; false when it does not fit. */
static bool dirbuf_add(struct dirbuf *b, const char *name, ino_t ino, mode_t type, off_t next)
{
        size_t n = add_entry(b->req, b->buf + b->used, b->size - b->used, name, ino, type, next);
        b->used += n;
        return n > 0;
}

/* The root: ".", "..", then the containers this reader may see. Offsets past 2 are container
 * serials + 2: stable while containers come and go. */
static int fill_root(struct dirbuf *b, struct sbfs_reader *r, off_t offset)
{
        if (offset == 0 && dirbuf_add(b, ".", FUSE_ROOT_ID, S_IFDIR >> 12, 1))
                offset = 1;
        if (offset == 1 && dirbuf_add(b, "..", FUSE_ROOT_ID, S_IFDIR >> 12, 2))
                offset = 2;
        if (offset < 2)
                return 0;
        uint64_t after = (uint64_t)offset - 2;
        for (;;) {
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
                        return 0;
                bool see = sbfs_reader_may_see(r, ct);
                pthread_mutex_lock(&sbfs_lock);
                see = see && sbfs_ct_present(ct);
                sbfs_ct_unref(ct);
                pthread_mutex_unlock(&sbfs_lock);
                if (see &&
                    !dirbuf_add(b, name, sbfs_ino(serial, SBFS_INO_CT_DIR), S_IFDIR >> 12, (off_t)serial + 2))
                        return 0;
                after = serial;
        }
}

/* mesos-ID/ and mesos-ID/follow/: their fixed names, by index. */
static int fill_fixed(struct dirbuf *b, const struct sbfs_node *n, off_t offset)
{
        const struct sbfs_layout_entry *entries = sbfs_layout(n->kind);
        for (size_t i = (size_t)offset; entries[i].name; i++)
                if (!dirbuf_add(b, entries[i].name, layout_ino(n, &entries[i]), entries[i].type >> 12,
                                (off_t)i + 1))
                        break;
        return 0;
}

/* A sandbox directory streams by telldir offset: bounded memory at any size. An entry read but
 * not sent (no room) is kept in the handle for the next call. */
static int fill_sandbox(struct dirbuf *b, struct sbfs_handle *d, off_t offset)
{
        if (offset != d->offset) {
                seekdir(d->dp, offset);
                d->entry = NULL;
                d->offset = offset;
        }
        for (;;) {
                if (!d->entry) {
                        errno = 0;
                        d->entry = readdir(d->dp);
                        if (!d->entry)
                                return errno && b->used == 0 ? -errno : 0;
                }
                off_t next = d->entry->d_off;
                unsigned char type = d->entry->d_type == DT_FIFO ? DT_REG : d->entry->d_type;
                if (!dirbuf_add(b, d->entry->d_name, d->entry->d_ino, type, next))
                        return 0;
                d->entry = NULL;
                d->offset = next;
        }
}

void sbfs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t offset, struct fuse_file_info *fi)
{
        struct sbfs_reader r;
        struct sbfs_node *n = sbfs_node_for(req, ino, &r);
        if (!n)
                return;
        if (size > 1024 * 1024)
                size = 1024 * 1024;
        _cleanup_free_ char *buf = calloc(1, size);
        if (!buf) {
                fuse_reply_err(req, ENOMEM);
                return;
        }
        struct dirbuf b = {.req = req, .buf = buf, .size = size};
        struct sbfs_handle *d = sbfs_handle_get(fi->fh);
        int err;
        if (n->kind == SBFS_ROOT)
                err = fill_root(&b, &r, offset);
        else if (n->kind == SBFS_CT_DIR || n->kind == SBFS_FOLLOW_DIR)
                err = fill_fixed(&b, n, offset);
        else if (d && d->dp)
                err = fill_sandbox(&b, d, offset);
        else
                err = -ENOTDIR;
        sbfs_handle_put(d);
        if (err < 0)
                fuse_reply_err(req, -err);
        else
                fuse_reply_buf(req, buf, b.used);
}

void sbfs_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        sbfs_handle_release((struct sbfs_handle *)(uintptr_t)fi->fh);
        fuse_reply_err(req, 0);
}
