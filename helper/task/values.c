/* Small value checks shared by parsing and translation: paths, sizes, control characters. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "task_internal.h"

bool task_has_control(const char *s)
{
        for (; *s; s++)
                if ((unsigned char)*s < 0x20 || *s == 0x7f)
                        return true;
        return false;
}

/* docker would refuse the rest later, less clearly */
bool task_valid_hostname(const char *s)
{
        size_t n = strlen(s);
        if (n == 0 || n > 253 || s[0] == '-' || s[0] == '.')
                return false;
        for (const char *c = s; *c; c++)
                if (!isalnum((unsigned char)*c) && *c != '-' && *c != '.')
                        return false;
        return true;
}

char *task_clean_path(const char *base, const char *path)
{
        size_t cap = strlen(base) + strlen(path) + 3;
        char *out = malloc(cap);
        if (!out)
                return NULL;
        size_t n = 0;
        /* a relative path continues the base; the base is trusted and already clean */
        const char *parts[2] = {path[0] == '/' ? "" : base, path};
        for (int k = 0; k < 2; k++) {
                const char *p = parts[k];
                while (*p) {
                        while (*p == '/')
                                p++;
                        const char *end = strchrnul(p, '/');
                        size_t len = (size_t)(end - p);
                        if (len == 0)
                                break;
                        if (len == 2 && p[0] == '.' && p[1] == '.') {
                                free(out);
                                return NULL;
                        }
                        if (!(len == 1 && p[0] == '.')) {
                                out[n++] = '/';
                                memcpy(out + n, p, len);
                                n += len;
                        }
                        p = end;
                }
        }
        if (n == 0)
                out[n++] = '/';
        out[n] = '\0';
        return out;
}

int task_parse_size(const char *s, int64_t *out)
{
        /* docker's units.RAMInBytes: NUMBER[.FRACTION][ ][kmgtp][i][b], 1024-based */
        const char *p = s;
        if (!isdigit((unsigned char)*p))
                return -EINVAL;
        while (isdigit((unsigned char)*p))
                p++;
        if (*p == '.') {
                p++;
                if (!isdigit((unsigned char)*p))
                        return -EINVAL;
                while (isdigit((unsigned char)*p))
                        p++;
        }
        size_t num_len = (size_t)(p - s);
        if (num_len > 30)
                return -ERANGE;
        char num[32];
        memcpy(num, s, num_len);
        num[num_len] = '\0';
        if (*p == ' ')
                p++;
        double mult = 1;
        const char *units = "kmgtp";
        const char *u = *p ? strchr(units, tolower((unsigned char)*p)) : NULL;
        if (u) {
                for (const char *k = units; k <= u; k++)
                        mult *= 1024;
                p++;
                if (*p == 'i' || *p == 'I')
                        p++;
        }
        if (*p == 'b' || *p == 'B')
                p++;
        if (*p)
                return -EINVAL;
        double v = strtod(num, NULL) * mult;
        if (!isfinite(v) || v >= 9.2e18)
                return -ERANGE;
        *out = (int64_t)v;
        return 0;
}
