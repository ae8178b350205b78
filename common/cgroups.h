/* Leaving a caller's cgroups. A process the helper forks inherits the cgroups of the agent that
 * ran it, and the agent may control those (a delegated subtree: cgroup.kill, a tiny memory or
 * pids limit, the freezer). The project's root-side processes that outlive the helper or serve
 * everyone (the shared monitor, the holder of checked bind sources) move to a cgroup of their
 * own under each hierarchy's root. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The cgroup of those processes, directly under every hierarchy's root. */
#define MD_OWN_CGROUP "mesos-docker-monitor"

/* Calls fn with the mount point of every cgroup hierarchy mounted here (v1 and v2), in
 * mountinfo's order, until fn returns non-zero (fn returns 0 or 1). Returns what fn returned
 * last: 1 when it stopped the walk, 0 when every hierarchy was seen; -errno when mountinfo
 * cannot be read. */
int md_cgroup_mounts_each(int (*fn)(const char *mount_point, void *arg), void *arg);

/* Moves the calling process into MD_OWN_CGROUP of every cgroup hierarchy mounted here (v1
 * controllers, name=systemd, the v2 tree), making it where missing (a new v1 cpuset gets the
 * root's CPUs and memory nodes). Needs euid 0, no capability. Tries every hierarchy; returns 0,
 * or the first failure as -errno with that hierarchy's mount point in failed (if not NULL). */
int md_cgroup_enter_own(char *failed, size_t size);

/* Is any cgroup of the calling process (in any hierarchy mounted here) a directory that root does
 * not own, that is, delegated to someone who may kill or freeze what is in it? A few stats:
 * cheaper than md_cgroup_enter_own (whose moves cost milliseconds each on cgroup v1), for a
 * process that only needs to leave cgroups a caller controls. True when it cannot tell. */
bool md_cgroup_delegated(void);
