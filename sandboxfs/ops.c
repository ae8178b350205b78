/* The operations table of mesos-sandboxfs, what the connection asks of the kernel (init), and
 * every operation that would write, refused: the handlers live in ops_lookup.c (names and
 * attributes), ops_file.c (open files) and ops_dir.c (folders). */
#include <errno.h>
#include <limits.h>
#include <sys/statvfs.h>

#include "ops.h"
#include "ops_internal.h"

static void sbfs_init(void *userdata, struct fuse_conn_info *conn)
{
        /* splice the file data into the reply; no readdirplus (see add_entry) */
        if (conn->capable & FUSE_CAP_SPLICE_WRITE)
                conn->want |= FUSE_CAP_SPLICE_WRITE;
        if (conn->capable & FUSE_CAP_SPLICE_MOVE)
                conn->want |= FUSE_CAP_SPLICE_MOVE;
        conn->want &= ~(FUSE_CAP_READDIRPLUS | FUSE_CAP_READDIRPLUS_AUTO);
        /* no GETATTR before every read of a file whose attributes are not cached (a running
         * container's logs): its pages are checked at each open (keep_cache), and a size that
         * moved drops them whenever a GETATTR (stat, a read past the end) sees it */
        conn->want &= ~FUSE_CAP_AUTO_INVAL_DATA;
        /* the kernel's 128 KiB readahead is kept: 1 MiB (written to the mount's bdi
         * read_ahead_kb after INIT, as root) sends 8x fewer READs but a cold 256 MiB read was
         * slower with it in 7 of 9 A/B runs of 8 alternating reads (e.g. 0.47 against 0.32 s,
         * direct 0.22 s), likely because fewer, larger READs overlap less with the disk */
        conn->want &= ~(FUSE_CAP_EXPORT_SUPPORT | FUSE_CAP_WRITEBACK_CACHE | FUSE_CAP_POSIX_ACL);
}

bool sbfs_may_wait(uint32_t opcode, uint64_t nodeid)
{
        switch (opcode) {
        case SBFS_OP_READ:
        case SBFS_OP_READDIR:
        case SBFS_OP_READDIRPLUS:
                return true;
        case SBFS_OP_LOOKUP:
        case SBFS_OP_READLINK:
                /* a name in a sandbox folder, or a symlink's target, may have to be read from
                 * the disk; the node is one the kernel holds while it asks about it. The other
                 * requests about a sandbox entry (GETATTR, OPEN, OPENDIR, ACCESS) go through its
                 * O_PATH descriptor to an inode kept in memory. */
                return sbfs_node_of(nodeid)->kind == SBFS_SANDBOX;
        default:
                return false;
        }
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
