/* Writing one archive entry below the extraction directory. The rules, each because of an
 * attack: absolute names and ".." components are refused (escape by name); every directory is
 * walked with openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS), so a symlink from the archive (or
 * planted in the sandbox) is never written through, which defeats symlink-then-file pairs;
 * files appear by rename, so a duplicate replaces the earlier entry (zip: the later wins) and a
 * symlink at the name is replaced, not followed; symlinks may only point inside; hardlinks only
 * to regular files already extracted inside; device nodes, FIFOs and sockets are skipped;
 * setuid, setgid and sticky bits are dropped; bytes and entries are counted against limits. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fetch_internal.h"

/* "./a//b/" -> "a/b"; -EINVAL for absolute names and ".." components; "" for the top. */
static int normalize(const char *path, char *out, size_t out_len, size_t *depth)
{
        if (path[0] == '/')
                return -EINVAL;
        size_t o = 0, d = 0;
        for (const char *c = path; *c;) {
                size_t n = strcspn(c, "/");
                if (n == 2 && c[0] == '.' && c[1] == '.')
                        return -EINVAL;
                if (n > 0 && !(n == 1 && c[0] == '.')) {
                        if (n > 255 || o + n + 2 > out_len)
                                return -ENAMETOOLONG;
                        if (o)
                                out[o++] = '/';
                        memcpy(out + o, c, n);
                        o += n;
                        d++;
                }
                c += n;
                while (*c == '/')
                        c++;
        }
        out[o] = '\0';
        if (depth)
                *depth = d;
        return 0;
}

/* A symlink target that resolves inside: relative, and its ".." only leading and no more of
 * them than the link has directories above it (a ".." after another component could climb
 * out of a directory reached through another symlink). */
static bool symlink_stays_inside(const char *target, size_t link_depth)
{
        if (!target || !target[0] || target[0] == '/')
                return false;
        size_t up = 0;
        bool named = false;
        for (const char *c = target; *c;) {
                size_t n = strcspn(c, "/");
                if (n == 2 && c[0] == '.' && c[1] == '.') {
                        if (named)
                                return false;
                        up++;
                } else if (n > 0 && !(n == 1 && c[0] == '.')) {
                        named = true;
                }
                c += n;
                while (*c == '/')
                        c++;
        }
        return up + 1 <= link_depth; /* link_depth counts the link itself */
}

/* dirfd of the directory rel (normalized) below base, made when missing. */
static int open_dirs(int base, const char *rel, mode_t mode)
{
        int dfd = fcntl(base, F_DUPFD_CLOEXEC, 3);
        if (dfd < 0)
                return -errno;
        for (const char *c = rel; *c;) {
                size_t n = strcspn(c, "/");
                char comp[256];
                memcpy(comp, c, n);
                comp[n] = '\0';
                int nfd = fetch_open_subdir(dfd, comp);
                if (nfd == -ENOENT) { /* made here: most archives name each directory many times */
                        if (mkdirat(dfd, comp, mode) < 0 && errno != EEXIST) {
                                int e = errno;
                                close(dfd);
                                return -e;
                        }
                        nfd = fetch_open_subdir(dfd, comp);
                }
                close(dfd);
                if (nfd < 0)
                        return nfd;
                dfd = nfd;
                c += n;
                if (*c == '/')
                        c++;
        }
        return dfd;
}

/* Splits normalized rel into its directory (made) and leaf. The last directory stays open in
 * the context, as entries come grouped by directory: the fd keeps naming the same directory,
 * which no later entry can replace (rename and unlink never remove a directory here). */
static int open_parent(struct fetch_extract_ctx *c, char *rel, const char **leaf)
{
        char *slash = strrchr(rel, '/');
        const char *dir = slash ? rel : "";
        if (slash)
                *slash = '\0';
        *leaf = slash ? slash + 1 : rel;
        int fd;
        if (c->cached_dirfd >= 0 && strcmp(c->cached_dir, dir) == 0) {
                fd = c->cached_dirfd; /* borrowed: the caller does not close it */
        } else {
                fd = open_dirs(c->destfd, dir, 0755);
                size_t len = strlen(dir);
                if (fd >= 0 && len < sizeof c->cached_dir) {
                        if (c->cached_dirfd >= 0)
                                close(c->cached_dirfd);
                        c->cached_dirfd = fd;
                        memcpy(c->cached_dir, dir, len + 1);
                }
        }
        if (slash)
                *slash = '/';
        return fd;
}

static int pwrite_all(int fd, const char *buf, size_t len, off_t off)
{
        while (len) {
                ssize_t n = pwrite(fd, buf, len, off);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                buf += n;
                len -= (size_t)n;
                off += n;
        }
        return 0;
}

int fetch_extract_data(struct fetch_extract_ctx *c, int fd, const char *path, off_t *end_out, md_error *err)
{
        off_t end = 0;
        for (;;) {
                const void *buf;
                size_t size;
                la_int64_t offset;
                int r = archive_read_data_block(c->a, &buf, &size, &offset);
                if (r == ARCHIVE_EOF)
                        break;
                if (r < ARCHIVE_WARN)
                        return md_error_set(err, -EIO, "extracting %s: %s: %s", c->archive_name, path,
                                            archive_error_string(c->a));
                if (size > c->lim->max_bytes - c->stats->bytes)
                        return md_error_set(err, -EIO, "extracting %s: %s: more than the limit of %llu bytes",
                                            c->archive_name, path, (unsigned long long)c->lim->max_bytes);
                if (offset < 0 || (uint64_t)offset > c->lim->max_bytes)
                        return md_error_set(err, -EIO, "extracting %s: %s: bad offset", c->archive_name,
                                            path);
                c->stats->bytes += size;
                int w = pwrite_all(fd, buf, size, (off_t)offset);
                if (w < 0)
                        return md_error_set_errno(err, -EIO, -w, "extracting %s: %s", c->archive_name, path);
                if ((off_t)(offset + (la_int64_t)size) > end)
                        end = (off_t)(offset + (la_int64_t)size);
        }
        *end_out = end;
        return 0;
}

static mode_t file_mode(const struct fetch_extract_ctx *c, struct archive_entry *e)
{
        return (archive_entry_perm(e) & 0777) & ~c->lim->umask; /* never setuid, setgid or sticky */
}

/* fd is a new, empty file created with mode created; only what differs costs a syscall. */
static int finish_file(struct fetch_extract_ctx *c, struct archive_entry *e, int fd, mode_t created,
                       const char *path, md_error *err)
{
        off_t end = 0;
        int r = fetch_extract_data(c, fd, path, &end, err);
        /* a sparse file's trailing hole */
        if (r == 0 && archive_entry_size_is_set(e) && archive_entry_size(e) > end &&
            ftruncate(fd, archive_entry_size(e)) < 0)
                r = md_error_set_errno(err, -EIO, errno, "extracting %s: %s", c->archive_name, path);
        if (r == 0 && created != file_mode(c, e) && fchmod(fd, file_mode(c, e)) < 0)
                r = md_error_set_errno(err, -EIO, errno, "extracting %s: %s", c->archive_name, path);
        if (r == 0 && archive_entry_mtime_is_set(e)) {
                struct timespec ts[2] = {
                        {.tv_nsec = UTIME_OMIT},
                        {.tv_sec = archive_entry_mtime(e), .tv_nsec = archive_entry_mtime_nsec(e)}};
                futimens(fd, ts); /* cosmetic, as tar does it */
        }
        return r;
}

static int write_file(struct fetch_extract_ctx *c, struct archive_entry *e, int parent, const char *leaf,
                      const char *path, md_error *err)
{
        if (archive_entry_size_is_set(e) &&
            (uint64_t)archive_entry_size(e) > c->lim->max_bytes - c->stats->bytes)
                return md_error_set(err, -EIO, "extracting %s: %s: more than the limit of %llu bytes",
                                    c->archive_name, path, (unsigned long long)c->lim->max_bytes);
        /* A new name is made in place (O_EXCL: nothing there to follow or overwrite), and removed
         * again when the entry fails; a name that exists (a duplicate, a planted symlink) gets a
         * hidden file renamed over it. */
        /* the process umask applies at creation: when it takes nothing away, no fchmod follows */
        mode_t want = file_mode(c, e);
        mode_t created = (want & c->process_umask) ? 0600 : want;
        int fd = fetch_openat1(parent, leaf, O_RDWR | O_CREAT | O_EXCL, created);
        if (fd >= 0) {
                int r = finish_file(c, e, fd, created, path, err);
                close(fd);
                if (r < 0)
                        unlinkat(parent, leaf, 0);
                return r;
        }
        if (fd != -EEXIST)
                return md_error_set_errno(err, -EIO, -fd, "extracting %s: %s", c->archive_name, path);
        struct fetch_tmp t;
        int r = fetch_tmp_open(parent, &t);
        if (r < 0)
                return md_error_set_errno(err, -EIO, -r, "extracting %s: %s", c->archive_name, path);
        r = finish_file(c, e, t.fd, 0600, path, err);
        if (r == 0 && (r = fetch_tmp_commit(&t, leaf)) < 0)
                r = md_error_set_errno(err, -EIO, -r, "extracting %s: %s", c->archive_name, path);
        fetch_tmp_discard(&t);
        return r;
}

static int replace_with(int parent, const char *leaf, int (*make)(int, const char *, const void *),
                        const void *arg)
{
        if (make(parent, leaf, arg) == 0)
                return 0;
        if (errno != EEXIST)
                return -errno;
        /* a duplicate: the later entry wins, as with files (a directory stays: EISDIR/ENOTEMPTY) */
        if (unlinkat(parent, leaf, 0) < 0)
                return -errno;
        return make(parent, leaf, arg) == 0 ? 0 : -errno;
}

static int make_symlink(int parent, const char *leaf, const void *target)
{
        return symlinkat(target, parent, leaf);
}

struct link_src {
        int dirfd;
        const char *name;
};

static int make_hardlink(int parent, const char *leaf, const void *arg)
{
        const struct link_src *s = arg;
        return linkat(s->dirfd, s->name, parent, leaf, 0); /* 0: a symlink source is not followed */
}

static int hardlink(struct fetch_extract_ctx *c, const char *target, int parent, const char *leaf,
                    const char *path, md_error *err)
{
        char norm[FETCH_NAME_MAX + 1];
        char qt[512];
        if (normalize(target, norm, sizeof norm, NULL) < 0 || !norm[0])
                return md_error_set(err, -EIO, "extracting %s: %s: hardlink to %s outside the archive",
                                    c->archive_name, path, fetch_quote(target, qt, sizeof qt));
        const char *tleaf;
        _cleanup_close_ int tdir = fetch_open_parent(c->destfd, norm, false, &tleaf);
        struct stat st;
        if (tdir < 0 || fstatat(tdir, tleaf, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
                return md_error_set(err, -EIO, "extracting %s: %s: hardlink to %s, not an extracted file",
                                    c->archive_name, path, fetch_quote(norm, qt, sizeof qt));
        struct link_src s = {tdir, tleaf};
        int r = replace_with(parent, leaf, make_hardlink, &s);
        if (r < 0)
                return md_error_set_errno(err, -EIO, -r, "extracting %s: %s", c->archive_name, path);
        return 0;
}

int fetch_extract_entry(struct fetch_extract_ctx *c, struct archive_entry *e, const char *path, md_error *err)
{
        char norm[FETCH_NAME_MAX + 1], q[512];
        size_t depth = 0;
        fetch_quote(path, q, sizeof q);
        int r = normalize(path, norm, sizeof norm, &depth);
        if (r == -EINVAL)
                return md_error_set(err, -EIO, "extracting %s: %s: absolute name or \"..\" refused",
                                    c->archive_name, q);
        if (r < 0)
                return md_error_set(err, -EIO, "extracting %s: %s: name too long", c->archive_name, q);
        mode_t type = archive_entry_filetype(e);
        const char *hl = archive_entry_hardlink(e);
        if (!norm[0]) /* "./": the extraction directory itself */
                return 0;
        if (type == AE_IFDIR && !hl) {
                _cleanup_close_ int dfd = open_dirs(c->destfd, norm, 0700);
                if (dfd < 0)
                        return md_error_set_errno(err, -EIO, -dfd, "extracting %s: %s", c->archive_name, q);
                mode_t m =
                        ((archive_entry_perm(e) & 0777) & ~c->lim->umask) | 0700; /* we still write inside */
                fchmod(dfd, m);
                c->stats->entries++;
                return 0;
        }
        if (!hl && type != AE_IFREG && type != AE_IFLNK && type != 0) {
                c->stats->skipped++; /* device nodes, FIFOs, sockets: never made */
                return 0;
        }
        const char *leaf;
        int parent = open_parent(c, norm, &leaf);
        _cleanup_close_ int owned = parent >= 0 && parent != c->cached_dirfd ? parent : -1;
        if (parent < 0)
                return md_error_set_errno(err, -EIO, -parent, "extracting %s: %s", c->archive_name, q);
        if (hl) {
                r = hardlink(c, hl, parent, leaf, q, err);
        } else if (type == AE_IFLNK) {
                const char *target = archive_entry_symlink(e);
                char qt[512];
                if (!symlink_stays_inside(target, depth))
                        return md_error_set(err, -EIO, "extracting %s: %s: symlink to %s points outside",
                                            c->archive_name, q,
                                            fetch_quote(target ? target : "", qt, sizeof qt));
                r = replace_with(parent, leaf, make_symlink, target);
                if (r < 0)
                        return md_error_set_errno(err, -EIO, -r, "extracting %s: %s", c->archive_name, q);
        } else {
                r = write_file(c, e, parent, leaf, q, err);
        }
        if (r == 0)
                c->stats->entries++;
        return r;
}
