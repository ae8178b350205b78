#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

/* The message, with ": strerror(errnum)" after it when errnum is set. */
static void fill_message(md_error *err, int errnum, const char *fmt, va_list ap)
{
        int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
        if (errnum && n >= 0 && (size_t)n < sizeof err->message)
                snprintf(err->message + n, sizeof err->message - (size_t)n, ": %s", strerror(errnum));
}

static int vfail(md_error *err, int exit_code, int errnum, const char *fmt, va_list ap)
{
        if (!err || md_error_is_set(err))
                return -1;
        err->exit_code = exit_code ? exit_code : MD_EXIT_FAILED;
        fill_message(err, errnum, fmt, ap);
        return -1;
}

static int vset(md_error *err, int neg_errno, int errnum, const char *fmt, va_list ap)
{
        if (neg_errno >= 0)
                neg_errno = -EIO;
        if (!err || md_error_is_set(err))
                return neg_errno;
        err->errnum = -neg_errno;
        fill_message(err, errnum, fmt, ap);
        return neg_errno;
}

int md_error_set(md_error *err, int neg_errno, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int r = vset(err, neg_errno, 0, fmt, ap);
        va_end(ap);
        return r;
}

int md_error_set_errno(md_error *err, int neg_errno, int errnum, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int r = vset(err, neg_errno, errnum, fmt, ap);
        va_end(ap);
        return r;
}

int md_exit_from_errno(int errnum)
{
        switch (errnum < 0 ? -errnum : errnum) {
        case ENOENT:
                return MD_EXIT_NO_CONTAINER;
        case EHOSTDOWN:
                return MD_EXIT_UNAVAILABLE;
        case EACCES:
                return MD_EXIT_DENIED;
        default:
                return MD_EXIT_FAILED;
        }
}

int md_error_exit_code(const md_error *err)
{
        if (err->exit_code)
                return err->exit_code;
        return md_exit_from_errno(err->errnum);
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
