/* One CommandInfo.URI, in the caller-side child: name it, get its bytes into a hidden file in
 * the sandbox, give the file its name, then make it executable or extract it, as Mesos'
 * fetcher does (executable wins over extract; the archive is kept). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fetch_item.h"
#include "uri.h"
#include "util.h"

void fetch_log(int log_fd, const char *fmt, ...)
{
        if (log_fd < 0)
                return;
        char line[2048];
        int n = snprintf(line, sizeof line, "mesos-docker-helper: ");
        va_list ap;
        va_start(ap, fmt);
        int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
        va_end(ap);
        size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
        if (len > sizeof line - 2)
                len = sizeof line - 2;
        line[len++] = '\n';
        (void)md_write_all(log_fd, line, len); /* the log is best effort: the fetch result is what counts */
}

int fetch_download(const struct fetch_request *req, const char *uri, const char *scheme, int fd,
                   uint64_t *bytes, md_error *err)
{
        char q[512];
        if (strcmp(scheme, "file") == 0) {
                const char *path = fetch_uri_local_path(uri);
                if (!path)
                        return md_error_set(err, -EIO, "%s: not a local file URI",
                                            fetch_quote_uri(uri, q, sizeof q));
                return fetch_file(uri, path, fd, req->max_bytes, bytes, err);
        }
        if (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0 || strcmp(scheme, "ftp") == 0)
                return fetch_http(req, uri, fd, bytes, err);
        return md_error_set(err, -EIO, "%s: unsupported scheme %s", fetch_quote_uri(uri, q, sizeof q),
                            scheme);
}

static double seconds_since(int64_t t0_ms)
{
        return (double)(md_monotonic_ms() - t0_ms) / 1000.0;
}

static int extract_item(const struct fetch_request *req, int fd, int parentfd, const char *name,
                        const char *leaf, mode_t umask_bits, md_error *err)
{
        enum fetch_archive_kind kind = fetch_archive_kind(leaf);
        if (kind == FETCH_ARCHIVE_NONE)
                return 0; /* Mesos: not an archive, so the file is kept as it is */
        char out_name[256] = "";
        int destfd = req->sandbox_dirfd;
        if (kind == FETCH_ARCHIVE_GZ) {
                size_t l = strlen(leaf);
                if (l <= 3 || l - 3 >= sizeof out_name)
                        return md_error_set(err, -EIO, "%s: no name to decompress to", name);
                memcpy(out_name, leaf, l - 3);
                out_name[l - 3] = '\0';
                destfd = parentfd; /* x.gz becomes x next to it */
        }
        struct fetch_extract_limits lim = {
                .max_bytes = req->max_bytes,
                .max_entries = req->max_entries ? req->max_entries : FETCH_DEFAULT_MAX_ENTRIES,
                .umask = umask_bits,
        };
        struct fetch_extract_stats st = {0};
        int64_t t0 = md_monotonic_ms();
        int r = fetch_extract(fd, name, kind, destfd, out_name, &lim, &st, err);
        if (r < 0)
                return r;
        char q[512];
        if (kind == FETCH_ARCHIVE_GZ)
                fetch_log(req->log_fd, "decompressed %s (%llu bytes in %.3f s)",
                          fetch_quote(name, q, sizeof q), (unsigned long long)st.bytes, seconds_since(t0));
        else
                fetch_log(req->log_fd, "extracted %s into the sandbox (%llu entries, %llu bytes in %.3f s%s)",
                          fetch_quote(name, q, sizeof q), (unsigned long long)st.entries,
                          (unsigned long long)st.bytes, seconds_since(t0),
                          st.skipped ? "; device nodes, FIFOs and sockets skipped" : "");
        return 0;
}

int fetch_item_run(const struct fetch_request *req, const struct fetch_item *it, mode_t umask_bits,
                   md_error *err)
{
        const char *uri = md_uri_trim(it->uri ? it->uri : "");
        char scheme[16], q[512], name[FETCH_NAME_MAX + 1];
        if (md_uri_scheme(uri, scheme) < 0)
                return md_error_set(err, -EIO, "%s: neither a URI with a scheme nor an absolute path",
                                    fetch_quote_uri(uri, q, sizeof q));
        if (!fetch_scheme_allowed(req, scheme))
                return md_error_set(err, -EACCES, "%s: scheme %s is not allowed by the policy",
                                    fetch_quote_uri(uri, q, sizeof q), scheme);
        if (it->output_file) {
                if (fetch_output_path_check(it->output_file) < 0)
                        return md_error_set(err, -EIO,
                                            "%s: output_file %s is not a relative path inside the sandbox",
                                            fetch_quote_uri(uri, q, sizeof q),
                                            fetch_quote(it->output_file, name, sizeof name));
                snprintf(name, sizeof name, "%s", it->output_file);
        } else if (fetch_uri_basename(uri, name, sizeof name) < 0) {
                return md_error_set(err, -EIO, "%s: no file name in the URI (set output_file)",
                                    fetch_quote_uri(uri, q, sizeof q));
        }
        const char *leaf = NULL;
        _cleanup_close_ int parentfd = fetch_open_parent(req->sandbox_dirfd, name, true, &leaf);
        if (parentfd < 0)
                return md_error_set_errno(err, -EIO, -parentfd, "%s: the directory of %s in the sandbox",
                                          fetch_quote_uri(uri, q, sizeof q), name);
        struct fetch_tmp t;
        int r = fetch_tmp_open(parentfd, &t);
        if (r < 0)
                return md_error_set_errno(err, -EIO, -r, "%s: a temporary file in the sandbox",
                                          fetch_quote_uri(uri, q, sizeof q));
        int64_t t0 = md_monotonic_ms();
        uint64_t bytes = 0;
        bool hit = false;
        if (it->cache && req->cache_dirfd >= 0)
                r = fetch_cache_get(req, uri, scheme, t.fd, &bytes, &hit, err);
        else
                r = fetch_download(req, uri, scheme, t.fd, &bytes, err);
        if (r == 0 && fchmod(t.fd, it->executable ? 0755 : 0666 & ~umask_bits) < 0)
                r = md_error_set_errno(err, -EIO, errno, "%s: chmod", fetch_quote_uri(uri, q, sizeof q));
        if (r == 0 && (r = fetch_tmp_commit(&t, leaf)) < 0)
                r = md_error_set_errno(err, -EIO, -r, "%s: naming it %s in the sandbox",
                                       fetch_quote_uri(uri, q, sizeof q), name);
        if (r < 0) {
                fetch_tmp_discard(&t);
                return r;
        }
        char qn[512];
        fetch_log(req->log_fd, "fetched %s to %s (%llu bytes in %.3f s%s)", fetch_quote_uri(uri, q, sizeof q),
                  fetch_quote(name, qn, sizeof qn), (unsigned long long)bytes, seconds_since(t0),
                  !(it->cache && req->cache_dirfd >= 0) ? ""
                  : hit                                 ? ", from the cache"
                                                        : ", into the cache");
        if (!it->executable && it->extract)
                r = extract_item(req, t.fd, parentfd, name, leaf, umask_bits, err);
        fetch_tmp_discard(&t);
        return r;
}
