/* The walk of a resumed log against the sandbox file (monitor_align.h).
 *
 * A log EF starts a check for U+FFFD unless the file has EF BF BD there (then the bytes are
 * equal, a literal U+FFFD the container wrote) or the file ends in EF or EF BF (then the log is
 * taken as it is: the file holds the start of a literal U+FFFD whose rest the log brings). Both
 * readings are followed, byte by byte, until one fails: "replaced" (the log brings EF BF BD for
 * one file byte >= 0x80) and "plain" (the log's bytes equal the file's). They cannot both hold
 * after three bytes (plain would need EF BF BD in the file), and while both hold the file has
 * the next byte plain needs, so no log byte ever has to be kept.
 *
 * What stays ambiguous (rare: each needs a cut exactly there), and how it comes out:
 *   - a literal U+FFFD that the daemon's 16 KiB split cut (the log has one U+FFFD per byte of
 *     it): the first is taken for the literal, the others find no file byte to stand for, and
 *     the walk parts there as at a tail the daemon lost (part() below): with a short tail
 *     left, the rest of that line and of the file is written again; with a long one, the
 *     fallback (lose());
 *   - a file that ends in EF or EF BF where the log has U+FFFD for an invalid byte (or for a
 *     character the split cut): taken as the start of a literal, so the resumed part begins with
 *     the BF BD or BD of that U+FFFD: one or two bytes that the container did not write, but
 *     nothing of the file written twice. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "monitor_align.h"

static const unsigned char fffd[3] = {0xEF, 0xBF, 0xBD};

void monitor_align_free(struct monitor_align *a)
{
        free(a->buf);
        a->buf = NULL;
        a->state = MONITOR_ALIGN_DONE;
}

static void by_count(struct monitor_align *a, uint64_t count)
{
        free(a->buf);
        a->buf = NULL;
        a->skip = count;
        a->state = count ? MONITOR_ALIGN_SKIP : MONITOR_ALIGN_DONE;
}

int monitor_align_start(struct monitor_align *a, int fd, uint64_t from, uint64_t end)
{
        monitor_align_free(a);
        *a = (struct monitor_align){.fd = fd, .from = from, .next = from, .end = end};
        if (from >= end)
                return 0;
        int fl = fcntl(fd, F_GETFL);
        if (fl >= 0 && (fl & O_ACCMODE) == O_WRONLY) {
                by_count(a, end - from);
                return 0;
        }
        a->buf = malloc(MONITOR_ALIGN_BUFFER);
        if (!a->buf) {
                by_count(a, end - from);
                return -ENOMEM;
        }
        a->state = MONITOR_ALIGN_WALK;
        return 0;
}

static uint64_t file_left(const struct monitor_align *a)
{
        return (a->len - a->at) + (a->end - a->next);
}

/* At least need bytes in buf[at..len), or all the file has left; 0 or -errno. A file that
 * became shorter meanwhile ends where it ends now. */
static int fill(struct monitor_align *a, size_t need)
{
        if (a->len - a->at >= need || a->next == a->end)
                return 0;
        memmove(a->buf, a->buf + a->at, a->len - a->at);
        a->len -= a->at;
        a->at = 0;
        while (a->len < need && a->next < a->end) {
                uint64_t want = a->end - a->next;
                size_t room = MONITOR_ALIGN_BUFFER - a->len;
                ssize_t r = pread(a->fd, a->buf + a->len, want < room ? (size_t)want : room, (off_t)a->next);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return -errno;
                if (r == 0) {
                        a->end = a->next;
                        break;
                }
                a->len += (size_t)r;
                a->next += (uint64_t)r;
        }
        return 0;
}

/* The walk cannot go on: three log bytes for each file byte left (minus the log bytes of a
 * U+FFFD check already taken), the most they can stand for. */
static void lose(struct monitor_align *a, int error)
{
        a->lost = true;
        a->lost_at = a->from + a->matched;
        a->lost_errno = error;
        uint64_t count = 3 * file_left(a);
        by_count(a, count > a->fffd ? count - a->fffd : 0);
}

/* The log and the file parted at byte m of the file, and the file's tail from there may be what
 * the daemon lost (monitor_align.h): the start of m's line, looked for in the buffer's length
 * before m (or the walk's start), and the bytes from there to m read back into the buffer for
 * monitor_align_replay. False when it cannot be the daemon's loss: nothing taken. */
static bool rewind_to_line(struct monitor_align *a)
{
        uint64_t m = a->from + a->matched;
        if (a->fffd || file_left(a) > MONITOR_ALIGN_LOST_MAX)
                return false;
        uint64_t lo = m - a->from > MONITOR_ALIGN_BUFFER ? m - MONITOR_ALIGN_BUFFER : a->from;
        size_t len = 0;
        while (len < m - lo) {
                ssize_t r = pread(a->fd, a->buf + len, (size_t)(m - lo) - len, (off_t)(lo + len));
                if (r < 0 && errno == EINTR)
                        continue;
                if (r <= 0)
                        return false;
                len += (size_t)r;
        }
        const unsigned char *nl = memrchr(a->buf, '\n', len);
        if (!nl && lo != a->from)
                return false; /* a line longer than the buffer: its start is not known */
        size_t start = nl ? (size_t)(nl - a->buf) + 1 : 0;
        if ((m - lo - start) + file_left(a) > MONITOR_ALIGN_LOST_MAX)
                return false;
        a->rewound = true;
        a->lost_at = m;
        a->replay_at = start;
        a->replay_len = len - start;
        a->state = MONITOR_ALIGN_DONE;
        return true;
}

/* The log and the file differ: the daemon's lost tail, or else the fallback. */
static void part(struct monitor_align *a)
{
        if (!rewind_to_line(a))
                lose(a, 0);
}

const unsigned char *monitor_align_replay(const struct monitor_align *a, size_t *len)
{
        *len = a->rewound && a->buf ? a->replay_len : 0;
        return *len ? a->buf + a->replay_at : NULL;
}

static void advance(struct monitor_align *a, size_t n)
{
        a->at += n;
        a->matched += n;
}

/* One log byte b against the file bytes f[0..have): true when taken (the file holds it),
 * false when the walk is lost (b is then the first log byte of the fallback's count). */
static bool step(struct monitor_align *a, unsigned char b, const unsigned char *f, size_t have)
{
        if (a->fffd) {
                bool replaced = a->replaced && b == fffd[a->fffd];
                bool plain = a->plain && a->fffd < have && f[a->fffd] == b;
                if (!replaced && !plain) {
                        lose(a, 0); /* a log byte of the check is taken already: no rewind */
                        return false;
                }
                a->replaced = replaced;
                a->plain = plain;
                a->fffd++;
                if (!replaced) {
                        advance(a, a->fffd); /* the log's bytes were the file's */
                        a->fffd = 0;
                } else if (a->fffd == 3) {
                        advance(a, 1); /* plain cannot hold: the file has no EF BF BD here */
                        a->fffd = 0;
                }
                return true;
        }
        size_t lit = have < 3 ? have : 3;
        if (b == 0xEF && memcmp(f, fffd, lit) != 0) {
                a->replaced = f[0] >= 0x80; /* only a byte that is not ASCII is ever replaced */
                a->plain = f[0] == 0xEF;
                if (!a->replaced && !a->plain) {
                        part(a);
                        return false;
                }
                if (!a->replaced)
                        advance(a, 1);
                else
                        a->fffd = 1;
                return true;
        }
        if (b != f[0]) {
                part(a);
                return false;
        }
        advance(a, 1);
        return true;
}

size_t monitor_align_feed(struct monitor_align *a, const unsigned char *data, size_t len)
{
        size_t i = 0;
        while (i < len && a->state != MONITOR_ALIGN_DONE) {
                if (a->state == MONITOR_ALIGN_SKIP) {
                        uint64_t k = a->skip < len - i ? a->skip : len - i;
                        a->skip -= k;
                        i += (size_t)k;
                        if (!a->skip)
                                monitor_align_free(a);
                        continue;
                }
                int r = fill(a, 3);
                if (r < 0) {
                        lose(a, -r);
                        continue;
                }
                size_t have = a->len - a->at;
                if (!have) {
                        monitor_align_free(a); /* the file is walked: data[i..] is new */
                        break;
                }
                if (step(a, data[i], a->buf + a->at, have))
                        i++;
        }
        return i;
}
