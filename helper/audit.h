/* The audit trail (interface.md): every decision, allow or deny, is one JSON object per line in
 * the policy's audit-log, and a syslog record (LOG_AUTHPRIV). The helper fails closed: when the
 * record cannot be written whole, the action does not happen. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include <jansson.h>

#include "error.h"

struct audit_event {
        uid_t caller_uid;
        const char *caller; /* user name or NULL */
        pid_t pid;
        const char *command; /* "launch", "destroy", … */
        const char *container; /* "mesos-ID" or NULL */
        const char *image; /* normalized reference or NULL */
        bool allow;
        const char *rule; /* "FILE:LINE", or a built-in rule such as "owner" */
        const char *reason;
};

/* Pure: the record as one line of JSON with a trailing newline; control characters and
 * non-ASCII are escaped (\u00XX), so one record is always exactly one line. malloc'd. */
char *audit_format(const struct audit_event *ev, const char *time_rfc3339);

/* Opens (creating, 0600, and its directory 0700) the log: O_APPEND, read-write (to find a record
 * cut short), never through a symlink, a regular root-owned file with one link. */
int audit_open(const char *path, md_error *err);

/* Appends the record as one whole line or not at all (one write() under an exclusive flock; a
 * short write, from the caller's RLIMIT_FSIZE or a full disk, is cut back off), fsyncs, and sends
 * it to syslog. Any failure is an error: the caller must not act. */
int audit_write(int fd, const struct audit_event *ev, md_error *err);
