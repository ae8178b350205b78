/* Retention of the records of exited containers (record.h, policy [helper] keep-exited). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "exit_fifo.h"
#include "record.h"

bool md_record_time(const char *s, time_t *out)
{
        struct tm tm = {0};
        int n = 0;
        if (!s ||
            sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                   &tm.tm_min, &tm.tm_sec, &n) != 6 ||
            n != 19)
                return false;
        const char *p = s + n;
        if (*p == '.')
                for (p++; *p >= '0' && *p <= '9'; p++)
                        ;
        long offset = 0;
        int oh, om, k = 0;
        if (*p == 'Z' && !p[1])
                offset = 0;
        else if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d%n", &oh, &om, &k) == 2 && k == 5 && !p[6])
                offset = (*p == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
        else
                return false;
        if (tm.tm_year < 1970) /* Go's zero time (0001-01-01) means "not finished" */
                return false;
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        *out = timegm(&tm) - offset;
        return true;
}

bool md_record_expired(const struct md_record *r, const struct stat *st, int64_t keep_s, time_t now)
{
        if (keep_s < 0 || r->state != MD_STATE_EXITED)
                return false;
        time_t finished;
        if (md_record_time(r->finished_at, &finished) && (int64_t)now - finished < keep_s)
                return false;
        return (int64_t)now - st->st_mtim.tv_sec >= keep_s;
}

struct prune {
        int64_t keep_s;
        time_t now;
        int removed;
};

static bool expired(const struct md_record *r, const struct stat *st, void *arg)
{
        const struct prune *p = arg;
        return md_record_expired(r, st, p->keep_s, p->now);
}

static int prune_one(int record_dirfd, const char *name, void *arg)
{
        struct prune *p = arg;
        char file[MD_NAME_MAX + sizeof MD_RECORD_SUFFIX + 1];
        snprintf(file, sizeof file, "%s%s", name, MD_RECORD_SUFFIX);
        struct stat st;
        /* written within keep_s: not expired whatever it says, and not worth reading */
        if (fstatat(record_dirfd, file, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
            (int64_t)p->now - st.st_mtim.tv_sec < p->keep_s)
                return 0;
        /* a locked record is being edited (a launch taking the ID over): the next round */
        if (md_record_remove_if(record_dirfd, name, expired, p, false) > 0) {
                md_exit_fifo_forget(record_dirfd, name);
                p->removed++;
        }
        return 0;
}

int md_record_prune(int record_dirfd, int64_t keep_s, time_t now)
{
        if (keep_s < 0)
                return 0;
        struct prune p = {keep_s, now, 0};
        int r = md_record_each(record_dirfd, prune_one, &p);
        return r < 0 ? r : p.removed;
}
