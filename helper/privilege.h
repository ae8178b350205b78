/* What the helper may do with its privilege, decided once and kept in one place.
 *
 * The helper runs setuid root: real ids = the caller, effective = 0. It keeps euid 0 (owner
 * access to the root-owned socket, state dir and audit log) but drops every capability at once,
 * so root's usual powers (DAC override, kill, chown, mount…) are gone for the rest of its life.
 * The caller's files are touched with the caller's rights through setfsuid(). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "caller_child.h"
#include "error.h"

struct privilege {
        bool privileged; /* started with euid 0 in the initial user namespace */
        bool caller_is_root; /* real uid 0 in the initial user namespace */
        uid_t caller_uid;
        gid_t caller_gid;
        /* set before privilege_drop_capabilities by the commands that may start the shared
         * monitor: CAP_SYS_NICE and CAP_SYS_RESOURCE stay permitted (never effective, nor
         * inheritable, nor in the bounding set), for the monitor alone to undo the nice value,
         * scheduling class, OOM score and hard limits of the caller it was forked from
         * (helper/monitor/monitor_state.c). A child that becomes the caller loses them (all its
         * uids are the caller's). */
        bool keep_for_monitor;
        /* the caller's working directory (O_PATH, -1 when unknown): the files it names by a
         * relative path (--task, policy check FILE) are looked up from there, as the caller */
        int caller_cwd;
};

/* Records, once, who we are. Never infer privilege from geteuid() later. A process in another
 * user namespace is neither privileged nor root, whatever its ids say. */
int privilege_identify(struct privilege *out, md_error *err);

/* Drops every capability (effective, permitted, inheritable, bounding, ambient) with libcap-ng,
 * but those p->keep_for_monitor keeps permitted, and verifies that the drop took effect. */
int privilege_drop_capabilities(const struct privilege *p, md_error *err);

/* setfsuid/setfsgid to the caller while touching its files; returns the previous ids in *saved.
 * Safe without capabilities: the caller's ids are our real ids. */
struct fsids {
        uid_t uid;
        gid_t gid;
};
void privilege_as_caller(const struct privilege *p, struct fsids *saved);
void privilege_restore(const struct fsids *saved);

/* A file the caller names on the command line (a task, a policy to check), which a child that
 * has become the caller opens: a relative path from the caller's working directory. */
struct caller_file {
        const char *path;
        int cwd; /* the caller's working directory (privilege.caller_cwd), -1 when unknown */
};

/* That child (caller_child.h): the caller's ids, with its stdin ("-", /dev/stdin) and working
 * directory kept; keep is the storage for the kept fds. */
struct caller_child privilege_file_reader(const struct privilege *p, int keep[static 2], size_t max_out,
                                          const int *exit_codes);
