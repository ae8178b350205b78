/* The error object that carries a message from the depths to main (crun's libcrun_error_t).
 * Modules fill it and return -1; only main prints it and exits with err->exit_code. */
#pragma once

#include "exitcodes.h"

typedef struct md_error {
        int exit_code; /* one of enum md_exit; 0 while no error is set */
        char message[1024]; /* "what failed: why", without the program or command prefix */
} md_error;

/* Sets *err (when err is not NULL) and returns -1, so a caller can write
 * `return md_fail(err, MD_EXIT_FAILED, "...")`. The first error wins: a later
 * md_fail on an already-set error keeps the original, which is the root cause. */
int md_fail(md_error *err, int exit_code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Like md_fail, but appends ": strerror(errnum)". */
int md_fail_errno(md_error *err, int exit_code, int errnum, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* Prefixes an already-set message with more context: "context: old message". */
void md_error_prefix(md_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline void md_error_clear(md_error *err)
{
        err->exit_code = 0;
        err->message[0] = '\0';
}
