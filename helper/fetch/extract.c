/* Extraction with libarchive, in the caller-side child, as Mesos' fetcher extracts (by the
 * name's ending; tar and zip into the sandbox, x.gz to x next to it; the archive is kept).
 * libarchive only reads: every entry is written by extract_entry.c through dirfds, never with
 * archive_write_disk, so no name in the archive is ever resolved as a path. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fetch_internal.h"

static bool ends_with(const char *s, const char *suffix)
{
        size_t a = strlen(s), b = strlen(suffix);
        return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

enum fetch_archive_kind fetch_archive_kind(const char *name)
{
        static const char *const tar[] = {".tar", ".tgz", ".tar.gz", ".tbz2", ".tar.bz2", ".txz", ".tar.xz"};
        for (size_t i = 0; i < sizeof tar / sizeof *tar; i++)
                if (ends_with(name, tar[i]))
                        return FETCH_ARCHIVE_TAR;
        if (ends_with(name, ".gz"))
                return FETCH_ARCHIVE_GZ;
        if (ends_with(name, ".zip"))
                return FETCH_ARCHIVE_ZIP;
        return FETCH_ARCHIVE_NONE;
}

static inline void archive_read_freep(struct archive **a)
{
        if (*a)
                archive_read_free(*a);
}

/* Only the formats and filters Mesos' tools would read: less parser code faces the data. */
static int setup(struct archive *a, enum fetch_archive_kind kind)
{
        int r = ARCHIVE_OK;
        switch (kind) {
        case FETCH_ARCHIVE_TAR: /* tar -xf recognizes the compression by itself, whatever the name */
                if (r == ARCHIVE_OK)
                        r = archive_read_support_filter_gzip(a);
                if (r >= ARCHIVE_WARN)
                        r = archive_read_support_filter_bzip2(a);
                if (r >= ARCHIVE_WARN)
                        r = archive_read_support_filter_xz(a);
                if (r >= ARCHIVE_WARN)
                        r = archive_read_support_format_tar(a);
                break;
        case FETCH_ARCHIVE_ZIP:
                r = archive_read_support_format_zip(a);
                break;
        case FETCH_ARCHIVE_GZ:
                r = archive_read_support_filter_gzip(a);
                if (r >= ARCHIVE_WARN)
                        r = archive_read_support_format_raw(a);
                break;
        default:
                return -1;
        }
        /* a filter whose external program is missing warns; the built-in ones are enough */
        return r >= ARCHIVE_WARN ? 0 : -1;
}

static int extract_all(struct fetch_extract_ctx *c, enum fetch_archive_kind kind, const char *out_name,
                       md_error *err)
{
        struct archive *a = c->a;
        const char *q = c->archive_name;
        const struct fetch_extract_limits *lim = c->lim;
        uint64_t headers = 0;
        for (;;) {
                struct archive_entry *e;
                int r = archive_read_next_header(a, &e);
                if (r == ARCHIVE_EOF)
                        break;
                if (r < ARCHIVE_WARN)
                        return md_error_set(err, -EIO, "extracting %s: entry %llu: %s", q,
                                            (unsigned long long)headers + 1, archive_error_string(a));
                if (++headers > lim->max_entries)
                        return md_error_set(err, -EIO, "extracting %s: more than %llu entries", q,
                                            (unsigned long long)lim->max_entries);
                if (kind == FETCH_ARCHIVE_GZ) {
                        archive_entry_set_filetype(e, AE_IFREG);
                        archive_entry_set_perm(e, 0666);
                        archive_entry_unset_size(e);
                        r = fetch_extract_entry(c, e, out_name, err);
                } else {
                        const char *path = archive_entry_pathname(e);
                        if (!path)
                                return md_error_set(err, -EIO, "extracting %s: entry %llu has no name", q,
                                                    (unsigned long long)headers);
                        r = fetch_extract_entry(c, e, path, err);
                }
                if (r < 0)
                        return r;
        }
        if (headers == 0 && kind != FETCH_ARCHIVE_TAR)
                return md_error_set(err, -EIO, "extracting %s: no entries", q);
        return 0;
}

int fetch_extract(int archive_fd, const char *archive_name, enum fetch_archive_kind kind, int destfd,
                  const char *out_name, const struct fetch_extract_limits *lim,
                  struct fetch_extract_stats *stats, md_error *err)
{
        char q[512];
        fetch_quote(archive_name, q, sizeof q);
        _cleanup_(archive_read_freep) struct archive *a = archive_read_new();
        if (!a || setup(a, kind) < 0)
                return md_error_set(err, -EIO, "extracting %s: %s", q,
                                    a ? archive_error_string(a) : "out of memory");
        if (lseek(archive_fd, 0, SEEK_SET) < 0)
                return md_error_set_errno(err, -EIO, errno, "extracting %s", q);
        if (archive_read_open_fd(a, archive_fd, 256 * 1024) != ARCHIVE_OK)
                return md_error_set(err, -EIO, "extracting %s: %s", q, archive_error_string(a));
        struct fetch_extract_ctx c = {
                .a = a,
                .archive_name = q,
                .destfd = destfd,
                .lim = lim,
                .stats = stats,
                .cached_dirfd = -1,
        };
        c.process_umask = umask(0); /* read it: the fetcher's child is single-threaded */
        umask(c.process_umask);
        int r = extract_all(&c, kind, out_name, err);
        if (c.cached_dirfd >= 0)
                close(c.cached_dirfd);
        return r;
}
