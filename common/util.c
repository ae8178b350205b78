#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

bool md_valid_container_id(const char *id)
{
        if (!id || !isalnum((unsigned char)id[0]))
                return false;
        size_t n = 0;
        for (const char *p = id; *p; p++, n++) {
                /* isalnum() follows the locale; the contract is ASCII only */
                char c = *p;
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                          c == '.' || c == '_' || c == '-';
                if (!ok || n >= MD_ID_MAX)
                        return false;
        }
        return true;
}

const char *md_container_id_of_name(const char *name)
{
        size_t plen = strlen(MD_CONTAINER_PREFIX);
        if (!name || strncmp(name, MD_CONTAINER_PREFIX, plen) != 0)
                return NULL;
        return md_valid_container_id(name + plen) ? name + plen : NULL;
}

size_t md_container_name_candidates(const char *arg, char out[2][MD_NAME_MAX + 1])
{
        size_t n = 0;
        if (md_container_id_of_name(arg))
                snprintf(out[n++], MD_NAME_MAX + 1, "%s", arg);
        if (md_valid_container_id(arg))
                snprintf(out[n++], MD_NAME_MAX + 1, "%s%s", MD_CONTAINER_PREFIX, arg);
        return n;
}

bool md_is_docker_id_prefix(const char *s)
{
        size_t n = s ? strspn(s, "0123456789abcdef") : 0;
        return n > 0 && n <= 64 && s[n] == '\0';
}

int md_parse_u64(const char *s, uint64_t *out)
{
        if (!s || !*s)
                return -EINVAL;
        for (const char *p = s; *p; p++)
                if (*p < '0' || *p > '9')
                        return -EINVAL;
        errno = 0;
        char *end;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno == ERANGE)
                return -ERANGE;
        if (*end)
                return -EINVAL;
        *out = v;
        return 0;
}

int md_parse_uid(const char *s, uid_t *out)
{
        uint64_t v;
        int r = md_parse_u64(s, &v);
        if (r < 0)
                return r;
        if (v >= (uid_t)-1) /* (uid_t)-1 means "no change" to setresuid: never a valid uid */
                return -ERANGE;
        *out = (uid_t)v;
        return 0;
}

int md_parse_double(const char *s, double *out)
{
        if (!s || !*s || isspace((unsigned char)*s) || *s == '-' || *s == '+')
                return -EINVAL;
        errno = 0;
        char *end;
        double v = strtod(s, &end);
        if (*end)
                return -EINVAL;
        if (errno == ERANGE || !isfinite(v))
                return -ERANGE;
        *out = v;
        return 0;
}

int md_read_all(int fd, size_t max, char **out, size_t *out_len)
{
        size_t cap = 4096, len = 0;
        char *buf = malloc(cap);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                if (len == cap - 1) {
                        if (cap - 1 > max) {
                                free(buf);
                                return -EFBIG;
                        }
                        size_t ncap = cap * 2;
                        char *nbuf = realloc(buf, ncap);
                        if (!nbuf) {
                                free(buf);
                                return -ENOMEM;
                        }
                        buf = nbuf;
                        cap = ncap;
                }
                ssize_t n = read(fd, buf + len, cap - 1 - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int e = errno;
                        free(buf);
                        return -e;
                }
                if (n == 0)
                        break;
                len += (size_t)n;
                if (len > max) {
                        free(buf);
                        return -EFBIG;
                }
        }
        buf[len] = '\0';
        *out = buf;
        if (out_len)
                *out_len = len;
        return 0;
}

int md_write_all(int fd, const void *buf, size_t len)
{
        const char *p = buf;
        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return -EIO;
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

void md_format_rfc3339(char buf[static 40], time_t t, long ns)
{
        struct tm tm;
        gmtime_r(&t, &tm);
        size_t n = strftime(buf, 40, "%Y-%m-%dT%H:%M:%S", &tm);
        if (ns >= 0)
                snprintf(buf + n, 40 - n, ".%09ldZ", ns);
        else
                snprintf(buf + n, 40 - n, "Z");
}

void md_now_rfc3339(char buf[static 40])
{
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        md_format_rfc3339(buf, ts.tv_sec, ts.tv_nsec);
}

int64_t md_monotonic_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool md_pid_alive(pid_t pid)
{
        if (pid <= 0 || (kill(pid, 0) < 0 && errno != EPERM))
                return false;
        char path[64], buf[512];
        snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return errno != ENOENT;
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n <= 0)
                return true;
        buf[n] = '\0';
        /* "pid (comm) S ...": the state follows the last ')' (comm may hold one itself) */
        const char *p = strrchr(buf, ')');
        return !(p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'));
}

void md_one_line(char *s)
{
        for (; *s; s++)
                if ((unsigned char)*s < 0x20 || *s == 0x7f)
                        *s = ' ';
}

static int cmp_int(const void *a, const void *b)
{
        int x = *(const int *)a, y = *(const int *)b;
        return (x > y) - (x < y);
}

/* close_range exists since Linux 5.9; older kernels get the loop */
static void close_fds(unsigned lo, unsigned hi)
{
        if (syscall(SYS_close_range, lo, hi, 0U) == 0 || errno != ENOSYS)
                return;
        long max = sysconf(_SC_OPEN_MAX);
        unsigned end = max > 0 && max <= INT_MAX ? (unsigned)max - 1 : 65535;
        for (unsigned fd = lo; fd <= end && fd <= hi; fd++)
                close((int)fd);
}

void md_close_fds_except(const int *keep, size_t n, int from)
{
        int sorted[256];
        size_t m = 0;
        for (size_t i = 0; i < n && m < 256; i++)
                if (keep[i] >= from)
                        sorted[m++] = keep[i];
        qsort(sorted, m, sizeof *sorted, cmp_int);
        unsigned lo = (unsigned)from;
        for (size_t i = 0; i < m; i++) {
                if ((unsigned)sorted[i] > lo)
                        close_fds(lo, (unsigned)sorted[i] - 1);
                if ((unsigned)sorted[i] + 1 > lo)
                        lo = (unsigned)sorted[i] + 1;
        }
        close_fds(lo, ~0U);
}
