#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "audit.h"
#include "cleanup.h"
#include "json_cleanup.h"
#include "safe_open.h"
#include "util.h"

/* json_string() refuses invalid UTF-8: a hostile name must not silently vanish from the record,
 * so that makes the whole record fail (and the helper with it). */
static int set_str(json_t *o, const char *key, const char *s)
{
        json_t *v = s ? json_string(s) : json_null();
        return v ? json_object_set_new(o, key, v) : -1;
}

char *audit_format(const struct audit_event *ev, const char *time_rfc3339)
{
        _cleanup_json_ json_t *o = json_object();
        if (!o)
                return NULL;
        int bad = set_str(o, "time", time_rfc3339);
        bad |= json_object_set_new(o, "caller_uid", json_integer(ev->caller_uid));
        bad |= set_str(o, "caller", ev->caller);
        bad |= json_object_set_new(o, "pid", json_integer(ev->pid));
        bad |= set_str(o, "command", ev->command);
        bad |= set_str(o, "container", ev->container);
        bad |= set_str(o, "image", ev->image);
        bad |= set_str(o, "decision", ev->allow ? "allow" : "deny");
        bad |= set_str(o, "rule", ev->rule);
        bad |= set_str(o, "reason", ev->reason);
        if (bad)
                return NULL;
        /* JSON_ENSURE_ASCII: jansson escapes C0 control characters always, and with this flag
         * every non-ASCII character too. DEL it leaves raw; it can only occur inside a string,
         * so it is escaped here. One record is one plain line for terminals and line tools. */
        _cleanup_free_ char *text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
        if (!text)
                return NULL;
        size_t len = strlen(text), dels = 0;
        for (size_t i = 0; i < len; i++)
                dels += text[i] == 0x7f;
        char *line = malloc(len + dels * 5 + 2), *w = line;
        if (!line)
                return NULL;
        for (size_t i = 0; i < len; i++) {
                if (text[i] == 0x7f) {
                        memcpy(w, "\\u007f", 6);
                        w += 6;
                } else {
                        *w++ = text[i];
                }
        }
        *w++ = '\n';
        *w = '\0';
        return line;
}

int audit_open(const char *path, md_error *err)
{
        if (!path || path[0] != '/')
                return md_fail(err, MD_EXIT_POLICY, "audit log: not an absolute path");
        _cleanup_free_ char *dir_copy = strdup(path), *base_copy = strdup(path);
        if (!dir_copy || !base_copy)
                return md_fail(err, MD_EXIT_FAILED, "out of memory");
        const char *dir = dirname(dir_copy), *base = basename(base_copy);
        /* the directory is made by the first helper that runs; mkdir fails harmlessly after that */
        _cleanup_close_ int dfd = md_open_dir_nofollow(dir);
        if (dfd == -ENOENT) {
                _cleanup_free_ char *parent_copy = strdup(dir);
                _cleanup_close_ int pfd = parent_copy ? md_open_dir_nofollow(dirname(parent_copy)) : -ENOMEM;
                _cleanup_free_ char *leaf_copy = strdup(dir);
                if (pfd >= 0 && leaf_copy)
                        mkdirat(pfd, basename(leaf_copy), 0700);
                dfd = md_open_dir_nofollow(dir);
        }
        if (dfd < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, -dfd, "audit log %s: directory", path);
        struct stat st;
        if (fstat(dfd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 022))
                return md_fail(err, MD_EXIT_FAILED,
                               "audit log %s: directory not root-owned or writable by others", path);
        int fd = openat(dfd, base, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
        if (fd < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "audit log %s", path);
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 || st.st_nlink != 1 ||
            (st.st_mode & 022)) {
                close(fd);
                return md_fail(err, MD_EXIT_FAILED,
                               "audit log %s: not a root-owned regular file with one link", path);
        }
        return fd;
}

int audit_write(int fd, const struct audit_event *ev, md_error *err)
{
        char now[40];
        md_now_rfc3339(now);
        _cleanup_free_ char *line = audit_format(ev, now);
        if (!line)
                return md_fail(err, MD_EXIT_FAILED, "audit: cannot format the record");
        size_t len = strlen(line);
        ssize_t n;
        do
                n = write(fd, line, len);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "audit: cannot write the record");
        if ((size_t)n != len)
                return md_fail(err, MD_EXIT_FAILED, "audit: record written only in part (%zd of %zu bytes)",
                               n, len);
        if (fsync(fd) < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "audit: fsync");
        line[len - 1] = '\0';
        openlog("mesos-docker-helper", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
        syslog(LOG_AUTHPRIV | (ev->allow ? LOG_INFO : LOG_NOTICE), "%s", line);
        return 0;
}
