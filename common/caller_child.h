/* Running a piece of work as the caller, in a child process that has fully become the caller,
 * and getting its output back: the one way the helper hands hostile data (a task file, a policy
 * file under `policy check`, URIs, servers, archives, registry configs) to a parser (design.md:
 * parsers of hostile data never run with privileges).
 *
 * The child, before fn runs: every fd but keep_fds is closed, stdin and stdout are /dev/null
 * unless kept (stdout carries the helper's JSON answer), all three uids and gids are the
 * caller's and verified (not uid 0 when the caller is not), it is not dumpable, has no new
 * privileges and dies with its parent. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* fn runs in the child; it writes its result into *out (malloc'd, may stay NULL for none) or
 * fails with err. */
typedef int (*caller_child_fn)(void *arg, char **out, size_t *out_len, md_error *err);

struct caller_child {
        uid_t uid;
        gid_t gid;
        const int *keep_fds; /* at most CALLER_CHILD_MAX_KEEP */
        size_t n_keep;
        size_t max_out; /* the longest answer taken back */
        /* the exit codes the child may report, 0-terminated; any other becomes MD_EXIT_FAILED
         * (the child's word is trusted only this far). NULL: MD_EXIT_FAILED only. */
        const int *exit_codes;
};

#define CALLER_CHILD_MAX_KEEP 16

/* Forks; the child becomes c->uid/c->gid and runs fn; its answer (NUL-terminated, into *out
 * when out is not NULL, its length into *out_len when that is not NULL) or its error comes back
 * over a pipe. The parent trusts only the framing, never the length claims. */
int caller_child_run(const struct caller_child *c, caller_child_fn fn, void *arg, char **out, size_t *out_len,
                     md_error *err);

/* In a forked child: become uid/gid completely (all three ids, supplementary groups dropped
 * where a real root can), verify it, then not dumpable, no new privileges, SIGKILL when the
 * parent parent_pid dies (and -ESRCH, err set, when it is already gone). */
int caller_child_become(uid_t uid, gid_t gid, pid_t parent_pid, md_error *err);
