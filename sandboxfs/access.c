#include <ctype.h>
#include <unistd.h>

#include "access.h"

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

unsigned long long sbfs_ino(unsigned long long serial, enum sbfs_ino_kind kind)
{
        _Static_assert(_SBFS_INO_MAX <= 16, "the kind takes four bits");
        return (1ULL << 63) | (serial << 4) | ((unsigned)kind & 15);
}
