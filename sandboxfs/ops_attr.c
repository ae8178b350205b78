/* What a node of mesos-sandboxfs looks like to a reader: whether the reader may use it, its
 * attributes and inode number, and how long the kernel may cache them. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "access.h"
#include "cleanup.h"
#include "info.h"
#include "ops_internal.h"
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

double sbfs_attr_timeout(const struct sbfs_node *n, const struct stat *st)
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

/* How long the kernel may keep a name looked up in parent. */
static double entry_timeout(const struct sbfs_node *parent)
{
        switch (parent->kind) {
        case SBFS_ROOT: /* mesos-ID: every walk through it asks who walks */
        case SBFS_SANDBOX: /* the task renames at will */
                return TIMEOUT;
        default: /* the names in mesos-ID/ and follow/, sandbox included: its folder is the
                  * container's for its whole life (ct->sandbox_fd) */
                return FIXED_ENTRY_TIMEOUT;
        }
}

const char *const sbfs_stream_names[_SBFS_STREAM_MAX] = {"stdout", "stderr"};

struct sbfs_node *sbfs_node_of(fuse_ino_t ino)
{
        return ino == FUSE_ROOT_ID ? &sbfs_root : (struct sbfs_node *)(uintptr_t)ino;
}

bool sbfs_allowed(struct sbfs_reader *r, const struct sbfs_node *n)
{
        if (n->kind == SBFS_ROOT)
                return true;
        pthread_mutex_lock(&sbfs_lock);
        bool ok = sbfs_ct_present(n->ct);
        pthread_mutex_unlock(&sbfs_lock);
        return ok && sbfs_reader_may_see(r, n->ct);
}

struct sbfs_node *sbfs_node_for(fuse_req_t req, fuse_ino_t ino, struct sbfs_reader *r)
{
        sbfs_reader_init(r, req);
        struct sbfs_node *n = sbfs_node_of(ino);
        if (!sbfs_allowed(r, n)) {
                fuse_reply_err(req, ENOENT);
                return NULL;
        }
        return n;
}

int sbfs_node_stat_fd(const struct sbfs_node *n, struct stat *st)
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
int sbfs_node_attr(struct sbfs_node *n, struct stat *st)
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
                if (fstatat(ct->sandbox_fd, sbfs_stream_names[n->stream], &lg, AT_SYMLINK_NOFOLLOW) == 0 &&
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
                int r = sbfs_node_stat_fd(n, st);
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

bool sbfs_node_unchanged(struct sbfs_node *n, const struct stat *st)
{
        pthread_mutex_lock(&sbfs_lock);
        bool same = n->seen && n->seen_size == st->st_size && n->seen_mtime.tv_sec == st->st_mtim.tv_sec &&
                    n->seen_mtime.tv_nsec == st->st_mtim.tv_nsec &&
                    n->seen_ctime.tv_sec == st->st_ctim.tv_sec &&
                    n->seen_ctime.tv_nsec == st->st_ctim.tv_nsec;
        n->seen = true;
        n->seen_size = st->st_size;
        n->seen_mtime = st->st_mtim;
        n->seen_ctime = st->st_ctim;
        pthread_mutex_unlock(&sbfs_lock);
        return same;
}

/* Makes the entry for a node just looked up (one lookup already counted). */
int sbfs_fill_entry(const struct sbfs_node *parent, struct sbfs_node *n, struct fuse_entry_param *e)
{
        memset(e, 0, sizeof *e);
        e->ino = (uintptr_t)n;
        int r = sbfs_node_attr(n, &e->attr);
        e->attr_timeout = sbfs_attr_timeout(n, &e->attr);
        e->entry_timeout = entry_timeout(parent);
        return r;
}
