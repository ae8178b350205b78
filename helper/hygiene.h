/* The first phase of main: a setuid program inherits everything from a caller it must not trust
 * (design.md "The privilege boundary"). Each step here is one of bubblewrap's/doas' lessons. */
#pragma once

#include "error.h"

/* Makes fds 0-2 valid (opened on /dev/null when closed: a later open() must never become our
 * stdout) and closes every other inherited fd. */
int hygiene_fix_fds(md_error *err);

/* Clears the environment before any library reads it: libcurl reads proxy, TLS CA and
 * SSLKEYLOGFILE variables with plain getenv(), glibc reads LOCALDOMAIN, TZ, MALLOC_*… */
int hygiene_clear_environment(md_error *err);

/* Default dispositions for every signal and an empty mask: a caller could block SIGTERM or
 * ignore SIGPIPE/SIGCHLD to change what we do. SIGPIPE and SIGXFSZ are then ignored on
 * purpose, so that a closed pipe or a file-size limit is an error we report, not a silent death
 * halfway through an audit record. */
int hygiene_reset_signals(md_error *err);

/* umask 022, cwd "/" (the caller's working directory kept in *caller_cwd as an O_PATH fd, -1
 * when it cannot be opened), core dumps off, not dumpable (no ptrace, no /proc/PID/fd by the caller),
 * no-new-privs, and resource limits that the caller could have lowered to make us fail midway
 * (open files) restored within the hard limit. */
int hygiene_fix_process(int *caller_cwd, md_error *err);

/* openat(2) of a path the caller named on the command line: a relative path is looked up from
 * the caller's working directory (hygiene_fix_process kept it), not from "/". Call it where
 * the caller's rights apply (a caller child), so that the look-up is the caller's. */
int hygiene_open_caller_path(int caller_cwd, const char *path, int flags);
