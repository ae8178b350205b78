#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
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
        /* read and write: a record cut short is found (and cut off) by reading the end back */
        int fd = openat(dfd, base, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
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

/* Appending one record is the only thing done under the lock: a caller can stop (SIGSTOP) its
 * own helper at any moment, also while it holds the lock, so the others wait a bounded time and
 * then fail closed rather than hang. */
#define AUDIT_LOCK_WAIT_MS 10000
/* Longer than any record audit_format() makes: a tail without a newline is at most one record. */
#define AUDIT_TAIL_MAX 65536

static int lock_log(int fd)
{
        long waited_ms = 0, step_ms = 1;
        while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                if (errno == EINTR)
                        continue;
                if (errno != EWOULDBLOCK)
                        return -errno;
                if (waited_ms >= AUDIT_LOCK_WAIT_MS)
                        return -ETIMEDOUT;
                struct timespec ts = {0, step_ms * 1000000L};
                nanosleep(&ts, NULL);
                waited_ms += step_ms;
                step_ms = step_ms < 50 ? step_ms * 2 : 50;
        }
        return 0;
}

static int read_at(int fd, char *buf, size_t n, off_t from)
{
        ssize_t got;
        do
                got = pread(fd, buf, n, from);
        while (got < 0 && errno == EINTR);
        if (got < 0)
                return -errno;
        return (size_t)got == n ? 0 : -EIO;
}

/* A log that does not end in a newline holds the start of a record whose writer died in the
 * middle of its write (SIGKILL from its caller, a crash): that writer did not act, so the
 * fragment is cut off, or the next record would be glued onto it. Called under the lock. */
static int cut_partial_tail(int fd, off_t *size)
{
        char last;
        int r = *size == 0 ? 0 : read_at(fd, &last, 1, *size - 1);
        if (r < 0 || *size == 0 || last == '\n')
                return r;
        size_t n = *size < AUDIT_TAIL_MAX ? (size_t)*size : AUDIT_TAIL_MAX;
        off_t from = *size - (off_t)n;
        _cleanup_free_ char *buf = malloc(n); /* not on the stack: the caller sets RLIMIT_STACK */
        if (!buf)
                return -ENOMEM;
        if ((r = read_at(fd, buf, n, from)) < 0)
                return r;
        size_t keep = n;
        while (keep > 0 && buf[keep - 1] != '\n')
                keep--;
        if (keep == 0 && from > 0)
                return -EBADMSG; /* a "record" longer than any record: not ours to cut */
        off_t cut = from + (off_t)keep;
        if (ftruncate(fd, cut) < 0)
                return -errno;
        *size = cut;
        return 0;
}

/* Appends line whole or not at all. Every record is one write() on the O_APPEND fd, but a write
 * to a regular file can still stop short: at the caller's RLIMIT_FSIZE (SIGXFSZ is ignored, see
 * hygiene.c), on a full disk or quota, or when the caller SIGKILLs us in the middle. A short
 * write is cut back off with ftruncate() to where it started. That is only correct if nobody
 * appended after it, hence the exclusive flock() that every helper takes around the append:
 * under it the end of the file is ours and the offset where our line starts is known. We keep
 * the caller's RLIMIT_FSIZE rather than raising it while privileged: it stays in force for the
 * files the helper writes on the caller's behalf, and a record that does not fit fails the
 * command closed, as a full disk does. */
static int append_whole_line(int fd, const char *line, size_t len, md_error *err)
{
        int r = lock_log(fd);
        if (r == -ETIMEDOUT)
                return md_fail(err, MD_EXIT_FAILED, "audit: the log stayed locked by another helper for %d s",
                               AUDIT_LOCK_WAIT_MS / 1000);
        if (r < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, -r, "audit: cannot lock the log");
        struct stat st;
        off_t start = 0;
        if (fstat(fd, &st) < 0)
                r = -errno;
        else
                start = st.st_size;
        if (r == 0)
                r = cut_partial_tail(fd, &start);
        if (r < 0) {
                flock(fd, LOCK_UN);
                return md_fail_errno(err, MD_EXIT_FAILED, -r, "audit: the log ends in an unfinished record");
        }
        ssize_t n;
        do
                n = write(fd, line, len);
        while (n < 0 && errno == EINTR);
        int saved = errno;
        bool cut = n >= 0 && (size_t)n != len && ftruncate(fd, start) == 0;
        flock(fd, LOCK_UN);
        if (n < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, saved, "audit: cannot write the record");
        if ((size_t)n != len)
                return md_fail(err, MD_EXIT_FAILED, "audit: record written only in part (%zd of %zu bytes)%s",
                               n, len, cut ? ", cut off again" : "");
        return 0;
}

int audit_write(int fd, const struct audit_event *ev, md_error *err)
{
        char now[40];
        md_now_rfc3339(now);
        _cleanup_free_ char *line = audit_format(ev, now);
        if (!line)
                return md_fail(err, MD_EXIT_FAILED, "audit: cannot format the record");
        size_t len = strlen(line);
        if (append_whole_line(fd, line, len, err) < 0)
                return -1;
        if (fsync(fd) < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "audit: fsync");
        line[len - 1] = '\0';
        openlog("mesos-docker-helper", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
        syslog(LOG_AUTHPRIV | (ev->allow ? LOG_INFO : LOG_NOTICE), "%s", line);
        return 0;
}
