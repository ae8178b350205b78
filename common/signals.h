/* Signal names as the docker CLI reads them (`kill --signal`, `stop --signal`): a name with or
 * without "SIG", in any case, or a number. Pure. */
#pragma once

/* *signo from "KILL", "sigterm", "SIGRTMIN+3" or "9"; -EINVAL for anything else, also for 0
 * and numbers beyond the real-time range. *signo is set only on success. */
int md_parse_signal(const char *s, int *signo);

/* "SIGTERM" for 15, NULL for a number without a name (real-time signals: none). */
const char *md_signal_name(int signo);
