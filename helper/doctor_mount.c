#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "doctor_mount.h"

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
        char *w = s;
        for (char *r = s; *r; r++) {
                if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' &&
                    r[3] <= '7') {
                        *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
                        r += 3;
                } else {
                        *w++ = *r;
                }
        }
        *w = '\0';
}

/* Calls fn for each line of mountinfo with its mount id, mount point and fstype; stops when fn
 * returns non-zero and returns that. */
static int each_mount(int (*fn)(int id, const char *point, const char *fstype, void *arg), void *arg)
{
        FILE *f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return -errno;
        char *line = NULL;
        size_t cap = 0;
        int r = 0;
        while (r == 0 && getline(&line, &cap, f) > 0) {
                int id;
                char point[4096], fstype[256];
                const char *dash = strstr(line, " - ");
                if (!dash || sscanf(line, "%d %*d %*s %*s %4095s", &id, point) != 2 ||
                    sscanf(dash + 3, "%255s", fstype) != 1)
                        continue;
                unescape(point);
                r = fn(id, point, fstype, arg);
        }
        free(line);
        fclose(f);
        return r;
}

struct by_id {
        int id;
        char *out;
        size_t size;
};

static int match_id(int id, const char *point, const char *fstype, void *arg)
{
        struct by_id *b = arg;
        (void)fstype;
        if (id != b->id)
                return 0;
        snprintf(b->out, b->size, "%s", point);
        return 1;
}

int doctor_mount_of(int fd, struct doctor_mount *out)
{
        struct statvfs sv;
        if (fstatvfs(fd, &sv) < 0)
                return -errno;
        struct doctor_mount m = {.nosuid = sv.f_flag & ST_NOSUID, .nodev = sv.f_flag & ST_NODEV};
        struct statx stx;
        if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) == 0 && (stx.stx_mask & STATX_MNT_ID)) {
                struct by_id b = {(int)stx.stx_mnt_id, m.mount_point, sizeof m.mount_point};
                each_mount(match_id, &b);
        }
        *out = m;
        return 0;
}

struct by_type {
        const char *fstype;
        char *out;
        size_t size;
};

static int match_type(int id, const char *point, const char *fstype, void *arg)
{
        struct by_type *b = arg;
        (void)id;
        if (strcmp(fstype, b->fstype) != 0)
                return 0;
        snprintf(b->out, b->size, "%s", point);
        return 1;
}

int doctor_find_mount(const char *fstype, char *mount_point, size_t size)
{
        struct by_type b = {fstype, mount_point, size};
        return each_mount(match_type, &b);
}
