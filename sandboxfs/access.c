#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access.h"
#include "util.h"

mode_t sbfs_shown_mode(mode_t mode)
{
        return mode & (S_IFMT | 0555);
}

bool sbfs_owner_may(const struct stat *st, uid_t uid, const gid_t *groups, size_t n_groups, int want)
{
        if (uid == 0)
                return true;
        mode_t need = 0;
        if (want & R_OK)
                need |= 4;
        if (want & X_OK)
                need |= 1;
        if (want & W_OK)
                need |= 2;
        mode_t bits;
        if (st->st_uid == uid) {
                bits = (st->st_mode >> 6) & 7;
        } else {
                bool member = false;
                for (size_t i = 0; i < n_groups; i++)
                        if (groups[i] == st->st_gid)
                                member = true;
                bits = member ? (st->st_mode >> 3) & 7 : st->st_mode & 7;
        }
        return (bits & need) == need;
}

int sbfs_parse_status_groups(const char *status, gid_t *groups, size_t max)
{
        const char *p = status;
        while (p && strncmp(p, "Groups:", 7) != 0) {
                p = strchr(p, '\n');
                if (p)
                        p++;
        }
        if (!p)
                return -EINVAL;
        p += 7;
        size_t n = 0;
        for (;;) {
                while (*p == ' ' || *p == '\t')
                        p++;
                if (*p == '\n' || *p == '\0')
                        break;
                char word[16];
                size_t len = 0;
                while (isdigit((unsigned char)p[len]))
                        len++;
                if (len == 0 || len >= sizeof word)
                        return -EINVAL;
                memcpy(word, p, len);
                word[len] = '\0';
                uid_t g;
                if (md_parse_uid(word, &g) < 0)
                        return -EINVAL;
                if (n == max)
                        return -E2BIG;
                groups[n++] = (gid_t)g;
                p += len;
        }
        return (int)n;
}

bool sbfs_same_uid_map(const char *a, const char *b)
{
        for (;;) {
                while (isspace((unsigned char)*a))
                        a++;
                while (isspace((unsigned char)*b))
                        b++;
                if (!*a || !*b)
                        return !*a && !*b;
                /* compare one word */
                while (*a && !isspace((unsigned char)*a) && *a == *b) {
                        a++;
                        b++;
                }
                if ((*a && !isspace((unsigned char)*a)) || (*b && !isspace((unsigned char)*b)))
                        return false;
        }
}

unsigned long long sbfs_synthetic_ino(unsigned long long serial, unsigned code)
{
        return (1ULL << 63) | (serial << 4) | (code & 15);
}
