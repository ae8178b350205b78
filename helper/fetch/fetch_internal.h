/* Shared between the fetcher's files and its unit tests; not part of the helper's interface. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "caller_child.h"
#include "error.h"
#include "fetch.h"

#define FETCH_DEFAULT_CONNECT_TIMEOUT_S 30
#define FETCH_DEFAULT_LOW_SPEED_TIME_S 30
#define FETCH_DEFAULT_LOW_SPEED_BYTES 1
#define FETCH_DEFAULT_MAX_ENTRIES 100000
#define FETCH_MAX_REDIRECTS 10
#define FETCH_NAME_MAX 4096 /* an output path, as the sandbox sees it */

/* ---- fetch_uri.c: pure URI and name handling ---- */

/* The file name Mesos' fetcher gives a URI: the basename of its path, without query or
 * fragment. -EINVAL when there is none (a URI ending in '/', no path, "." or ".."). */
int fetch_uri_basename(const char *uri, char *out, size_t out_len);

/* The local path of a file URI ("file:///x" or "/x"), or NULL when it names none. */
const char *fetch_uri_local_path(const char *uri);

/* An output_file as Mesos accepts it, hardened: relative, no ".." component, not empty, not
 * naming a directory (trailing '/'), at most FETCH_NAME_MAX bytes, no control characters.
 * 0 or -EINVAL. */
int fetch_output_path_check(const char *path);

bool fetch_scheme_allowed(const struct fetch_request *req, const char *scheme);

/* s for a message or the fetch log, control characters escaped, cut to fit buf. */
const char *fetch_quote(const char *s, char *buf, size_t len);
/* The same for a URI, with the password of its user information masked ("u:***@host"). */
const char *fetch_quote_uri(const char *uri, char *buf, size_t len);

/* ---- fetch_out.c: writing into the sandbox through dirfds ---- */

/* md_openat_beneath for one path component (no '/'), with an O_NOFOLLOW fallback where the
 * kernel (or valgrind) has no openat2. */
int fetch_openat1(int dirfd, const char *name, int flags, mode_t mode);

/* The directory name below dirfd, never through a symlink (-ELOOP) and never out. */
int fetch_open_subdir(int dirfd, const char *name);

/* Walks the directories of relpath below rootfd (creating missing ones with mode 0755 when
 * create is set, never following a symlink) and returns a dirfd of the last directory; *leaf
 * points into relpath at the final component. -errno on failure. */
int fetch_open_parent(int rootfd, const char *relpath, bool create, const char **leaf);

/* A file that appears under its final name only once it is complete: an O_TMPFILE (or a hidden
 * ".NAME.XXXXXXXX" where O_TMPFILE is not supported), renamed over the final name on commit,
 * which replaces a planted symlink instead of writing through it. */
struct fetch_tmp {
        int dirfd; /* not owned */
        int fd;
        char name[32]; /* the hidden name once linked, "" for an unlinked O_TMPFILE */
};
int fetch_tmp_open(int dirfd, struct fetch_tmp *t);
int fetch_tmp_commit(struct fetch_tmp *t, const char *name); /* 0 or -errno; closes nothing */
void fetch_tmp_discard(struct fetch_tmp *t); /* closes, removes a hidden name */

/* ---- fetch_http.c, fetch_file.c, fetch_item.c: getting the bytes ---- */

/* Downloads uri (http, https, ftp) into fd; at most req->max_bytes. */
int fetch_http(const struct fetch_request *req, const char *uri, int fd, uint64_t *bytes, md_error *err);
/* Copies the local file path (opened with the process's rights) into fd; at most max_bytes. */
int fetch_file(const char *uri, const char *path, int fd, uint64_t max_bytes, uint64_t *bytes, md_error *err);
/* Either of the two, by scheme. */
int fetch_download(const struct fetch_request *req, const char *uri, const char *scheme, int fd,
                   uint64_t *bytes, md_error *err);
/* Copies all of src (from offset 0) to dst; -EFBIG beyond max bytes, -errno. */
int fetch_copy_fd(int src, int dst, uint64_t max, uint64_t *bytes);

/* ---- fetch.c: running work as the caller (caller_child.h) ---- */

/* The fetcher's child: uid/gid keeping keep[0..n_keep), answering at most max_out bytes, whose
 * word is trusted for a denial (-EACCES) only. */
struct caller_child fetch_caller_child(uid_t uid, gid_t gid, const int *keep, size_t n_keep, size_t max_out);

/* After caller_child_run failed: its error as fetch.h promises it. The child's errno crossed the
 * pipe as the exit code it maps to (caller_child.h, md_exit_from_errno), trusted for
 * MD_EXIT_DENIED only; that becomes -EACCES again, anything else -EIO. err keeps its message
 * and carries the errno, no exit code. */
int fetch_child_failed(md_error *err);

/* ---- cache.c ---- */

/* Fills fd with the bytes of uri from the caller's cache, downloading them into the cache
 * first when absent (one download for concurrent fetches of one URI), then evicting the least
 * recently used entries beyond req->cache_max_bytes. *hit tells whether it was in the cache. */
int fetch_cache_get(const struct fetch_request *req, const char *uri, const char *scheme, int fd,
                    uint64_t *bytes, bool *hit, md_error *err);

/* sha256.c */
void fetch_sha256(const void *data, size_t len, uint8_t out[32]);

/* ---- extract.c ---- */

enum fetch_archive_kind {
        FETCH_ARCHIVE_NONE,
        FETCH_ARCHIVE_TAR, /* .tar .tgz .tar.gz .tbz2 .tar.bz2 .txz .tar.xz: into the sandbox */
        FETCH_ARCHIVE_ZIP, /* .zip: into the sandbox, later duplicates win */
        FETCH_ARCHIVE_GZ, /* other .gz: x.gz becomes x next to it */
        _FETCH_ARCHIVE_MAX,
};

/* By the name's ending, case-sensitive, as Mesos decides. */
enum fetch_archive_kind fetch_archive_kind(const char *name);

struct fetch_extract_limits {
        uint64_t max_bytes; /* all entries together */
        uint64_t max_entries;
        mode_t umask; /* applied to the modes in the archive, as tar does for a user */
};

struct fetch_extract_stats {
        uint64_t entries; /* written: files, directories, links */
        uint64_t bytes;
        uint64_t skipped; /* device nodes, FIFOs, sockets */
};

/* Extracts the archive open at archive_fd (read from offset 0) into destfd. For GZ, out_name
 * is the name the data gets in destfd. Nothing lands outside destfd: absolute names, ".."
 * components, writes through symlinks, symlinks that point out, hardlinks to outside and
 * special files are refused or skipped; setuid, setgid and sticky bits are cleared. An error
 * names the archive (archive_name) and the entry. */
int fetch_extract(int archive_fd, const char *archive_name, enum fetch_archive_kind kind, int destfd,
                  const char *out_name, const struct fetch_extract_limits *lim,
                  struct fetch_extract_stats *stats, md_error *err);

/* extract_entry.c: writing one entry (used by extract.c) */
struct archive;
struct archive_entry;
struct fetch_extract_ctx {
        struct archive *a;
        const char *archive_name;
        int destfd;
        const struct fetch_extract_limits *lim;
        struct fetch_extract_stats *stats;
        mode_t process_umask; /* what O_CREAT will take away */
        int cached_dirfd; /* the last parent directory, or -1 */
        char cached_dir[FETCH_NAME_MAX + 1];
};
int fetch_extract_entry(struct fetch_extract_ctx *c, struct archive_entry *e, const char *path,
                        md_error *err);
int fetch_extract_data(struct fetch_extract_ctx *c, int fd, const char *path, off_t *end, md_error *err);
