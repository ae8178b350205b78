/* Small, pure helpers shared by the helper and the filesystem. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define MD_CONTAINER_PREFIX "mesos-"
#define MD_ID_MAX 128 /* [A-Za-z0-9][A-Za-z0-9._-]{0,127} */
#define MD_NAME_MAX (sizeof MD_CONTAINER_PREFIX - 1 + MD_ID_MAX)

/* A Mesos ContainerID value as interface.md allows it. */
bool md_valid_container_id(const char *id);

/* "mesos-ID" -> "ID" when the name is a valid mesos- name, else NULL. */
const char *md_container_id_of_name(const char *name);

/* The container names a command-line ID may mean, in the order to try them: "X" means
 * "mesos-X"; "mesos-X" means itself, then "mesos-mesos-X" (a Mesos ContainerID may itself
 * start with "mesos-"). Returns how many (0: arg is no ID at all). */
size_t md_container_name_candidates(const char *arg, char out[2][MD_NAME_MAX + 1]);

/* True when s is 1 to 64 lower-case hex digits: a docker id or a prefix of one. */
bool md_is_docker_id_prefix(const char *s);

/* Checked decimal parsing: the whole string, no sign for unsigned, no overflow.
 * Return 0 or -EINVAL/-ERANGE; *out is set only on success. */
int md_parse_u64(const char *s, uint64_t *out);
int md_parse_uid(const char *s, uid_t *out);
int md_parse_double(const char *s, double *out); /* finite, >= 0 */

/* Reads at most max bytes of fd into a NUL-terminated buffer; -EFBIG when there is more.
 * EINTR is retried. */
int md_read_all(int fd, size_t max, char **out, size_t *out_len);

/* Writes all of buf, retrying EINTR and short writes. Returns 0 or -errno. */
int md_write_all(int fd, const void *buf, size_t len);

/* Makes s one line: every control character and DEL becomes a space (a message quoting a path, a
 * caller's argument or the daemon's answer must not start a line of its own). */
void md_one_line(char *s);

/* Formats t (UTC, with nanoseconds when ns >= 0) as RFC 3339: 2026-11-25T05:23:11.123456789Z. */
void md_format_rfc3339(char buf[static 40], time_t t, long ns);

/* Current time as RFC 3339 with nanoseconds. */
void md_now_rfc3339(char buf[static 40]);

/* Monotonic milliseconds, for deadlines. */
int64_t md_monotonic_ms(void);

/* True when pid names a live process: it exists (kill 0 succeeds or says EPERM) and is not a
 * zombie waiting for a parent that has not reaped it yet (a killed monitor reparented to an init
 * that reaps slowly still answers kill 0). */
bool md_pid_alive(pid_t pid);

/* Closes every fd from `from` on but keep[0..n) (at most 256; fds below `from` are untouched):
 * what a child must not inherit (the audit log, the state dir, the caller's files). */
void md_close_fds_except(const int *keep, size_t n, int from);
