/* The seed's step 1: fetch every CommandInfo.URI into the sandbox, as Mesos' fetcher does,
 * with the caller's rights only (design.md). The work runs in a child process that has fully
 * become the caller (setresgid/setresuid to the real ids; the helper never gains them back),
 * writes through the sandbox dirfd with openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS), and
 * reports back over a pipe. libcurl and libarchive run only in that child. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

struct fetch_item { /* one CommandInfo.URI */
        const char *uri; /* leading white space is trimmed by fetch */
        bool executable;
        bool extract;
        bool cache;
        const char *output_file; /* relative, inside the sandbox; NULL: the URI's basename */
};

struct fetch_request {
        uid_t uid; /* the caller: the child becomes exactly this uid/gid */
        gid_t gid;
        int sandbox_dirfd; /* opened by the helper (no symlink in the path, owned by uid) */
        const struct fetch_item *items;
        size_t n_items;
        const char *const *allowed_schemes; /* policy fetch-schemes, lower case */
        size_t n_allowed_schemes;
        uint64_t max_bytes; /* policy fetch-max-bytes: per URI download and per extraction */
        int cache_dirfd; /* the caller's cache directory, or -1: cache disabled */
        uint64_t cache_max_bytes; /* LRU bound of the caller's cache [0: 1 GiB] */
        int log_fd; /* the sandbox's stderr file: one line per fetched URI, or -1 */
        /* Bounds on a dead or slow server (0: the default in brackets). A transfer fails when it
         * cannot connect in connect_timeout_s [30], or moves fewer than low_speed_bytes [1] per
         * second for low_speed_time_s [30]; total_timeout_s [0: none] caps a whole transfer. */
        unsigned connect_timeout_s;
        unsigned low_speed_time_s;
        unsigned low_speed_bytes;
        unsigned total_timeout_s;
        uint64_t max_entries; /* archive entries per extraction [100000] */
};

/* Fetches every item in order; the first failure stops and fails the whole fetch: -EIO and a
 * message naming the URI and the reason, or -EACCES for a scheme the policy does not allow (also
 * after a redirect). No exit code: the commands choose it (error.h). */
int fetch_run(const struct fetch_request *req, md_error *err);

/* Opens (creating it when it can) cache_root/UID, the caller's cache directory, and returns
 * its dirfd or -EIO. Needs no capability: cache_root must be a root-owned directory, not a
 * symlink; when it is sticky and writable by all (mode 1733 or 1777) the UID directory is
 * made by the caller itself (setfsuid), otherwise it must exist already. The UID directory
 * must belong to uid and is made 0700; another user's squatting on the name is refused. */
int fetch_cache_dir_open(const char *cache_root, uid_t uid, gid_t gid, md_error *err);
