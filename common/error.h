/* The error object that carries a message from the depths to main (crun's libcrun_error_t).
 *
 * Two kinds of failure fill it, and they are kept apart:
 *   - a library layer (docker.h, fetch.h) returns a negative errno and fills the message and
 *     errnum with md_error_set; it never chooses an exit code, and its callers branch on the
 *     errno it returned (-ENOENT: no such container, …);
 *   - a command (and the helper's own checks that interface.md names an exit code for: usage,
 *     denied, policy, …) fails with md_fail, which sets exit_code.
 * Only main prints it, and exits with md_error_exit_code(): the command's exit code, or else
 * the library's errno mapped by md_exit_from_errno, the one place that mapping lives. */
#pragma once

#include "exitcodes.h"

typedef struct md_error {
        int exit_code; /* one of enum md_exit, set by a command; 0: none */
        int errnum; /* the errno (positive) a library layer failed with; 0: none */
        char message[1024]; /* "what failed: why", without the program or command prefix */
} md_error;

/* Sets *err (when err is not NULL) and returns -1, so a caller can write
 * `return md_fail(err, MD_EXIT_FAILED, "...")`. The first error wins: a later
 * md_fail on an already-set error keeps the original, which is the root cause. */
int md_fail(md_error *err, int exit_code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Like md_fail, but appends ": strerror(errnum)". */
int md_fail_errno(md_error *err, int exit_code, int errnum, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* For the library layers: the message and the cause, no exit code. Returns neg_errno (a
 * negative errno; 0 or a positive one is taken as -EIO), so a library function can write
 * `return md_error_set(err, -ENOENT, "...")`. The first error wins, as for md_fail. */
int md_error_set(md_error *err, int neg_errno, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Like md_error_set, but appends ": strerror(errnum)": a system call's errno told in the
 * message, while the library returns (and records) the errno it documents, neg_errno. */
int md_error_set_errno(md_error *err, int neg_errno, int errnum, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* The one mapping from a library's errno (either sign) to interface.md's exit codes:
 *   ENOENT     MD_EXIT_NO_CONTAINER  no such container (or image)
 *   EHOSTDOWN  MD_EXIT_UNAVAILABLE   the docker daemon is unreachable or silent
 *   EACCES     MD_EXIT_DENIED        refused by the policy (a fetch's scheme)
 *   any other  MD_EXIT_FAILED */
int md_exit_from_errno(int errnum);

/* What a command exits with for err: the exit code a command set, else the library's errno
 * mapped (md_exit_from_errno), else MD_EXIT_FAILED. */
int md_error_exit_code(const md_error *err);

static inline int md_error_is_set(const md_error *err)
{
        return err->exit_code != 0 || err->errnum != 0;
}

/* Prefixes an already-set message with more context: "context: old message". */
void md_error_prefix(md_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline void md_error_clear(md_error *err)
{
        err->exit_code = 0;
        err->errnum = 0;
        err->message[0] = '\0';
}
