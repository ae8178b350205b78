#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

static int vfail(md_error *err, int exit_code, int errnum, const char *fmt, va_list ap)
{
        if (!err || err->exit_code != 0)
                return -1;
        err->exit_code = exit_code ? exit_code : MD_EXIT_FAILED;
        int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
        if (errnum && n >= 0 && (size_t)n < sizeof err->message)
                snprintf(err->message + n, sizeof err->message - (size_t)n, ": %s", strerror(errnum));
        return -1;
}

int md_fail(md_error *err, int exit_code, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vfail(err, exit_code, 0, fmt, ap);
        va_end(ap);
        return -1;
}

int md_fail_errno(md_error *err, int exit_code, int errnum, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vfail(err, exit_code, errnum, fmt, ap);
        va_end(ap);
        return -1;
}

void md_error_prefix(md_error *err, const char *fmt, ...)
{
        char prefix[512], old[sizeof err->message];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(prefix, sizeof prefix, fmt, ap);
        va_end(ap);
        memcpy(old, err->message, sizeof old);
        snprintf(err->message, sizeof err->message, "%s: %s", prefix, old);
}
