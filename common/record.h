/* The container record: one JSON file per container in STATE_DIR/containers/, named
 * "mesos-ID.json", written atomically (temporary file + rename) by the helper and its
 * monitor, read by `wait`, `list` and mesos-sandboxfs (which watches the directory with
 * inotify: a record appears or changes only through IN_MOVED_TO; the inode it replaces sees
 * IN_ATTRIB, as its link count drops). `wait` sleeps on the container's exit FIFO instead
 * (exit_fifo.h), so that no record's change wakes another container's waiters.
 *
 * The record outlives the Docker container: it is how `wait` answers after the container
 * was removed, and how the filesystem keeps showing a finished task while its sandbox exists.
 * The directory and the records are root-only (0700/0600); sandboxfs runs as root. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <jansson.h>

#include "error.h"
#include "util.h"

#define MD_RECORD_DIR "containers"
#define MD_RECORD_SUFFIX ".json"

enum md_state {
        MD_STATE_CREATED, /* docker container made, not started yet */
        MD_STATE_RUNNING,
        MD_STATE_EXITED, /* exit recorded, output drained; the container is (being) removed */
        _MD_STATE_MAX,
};

enum md_status { /* the Mesos TaskState reported by `wait` */
                 MD_STATUS_NONE,
                 MD_STATUS_FINISHED,
                 MD_STATUS_FAILED,
                 MD_STATUS_KILLED,
                 _MD_STATUS_MAX,
};

struct md_record {
        char *container; /* "mesos-ID" */
        char *docker_id; /* 64 hex, NULL before create answered */
        char *task_id;
        char *image; /* normalized reference */
        char *mode; /* "task" | "executor" */
        char *sandbox; /* absolute host path */
        uid_t owner_uid;
        gid_t owner_gid;
        pid_t pid; /* the container's init pid as the host sees it, 0 when unknown */
        pid_t monitor_pid; /* the monitor streaming its output, 0 when none */
        enum md_state state;
        char *started_at; /* RFC 3339, NULL before start */
        char *finished_at; /* RFC 3339, NULL before exit */
        enum md_status status;
        int exit_code; /* valid when state == EXITED */
        int signal; /* terminating signal, 0 when it exited normally */
        bool oom_killed;
        bool kill_requested; /* destroy asked for it: the exit is KILLED whatever the code */
        /* how far the monitor has streamed, so a new monitor can resume (issue 6) */
        uint64_t stdout_bytes;
        uint64_t stderr_bytes;
        /* the sizes of the sandbox's stdout/stderr files when the container started: what the
         * monitor has copied is the file's size minus this, whatever the counters say */
        uint64_t stdout_base;
        uint64_t stderr_base;
        char *last_log_time; /* RFC 3339 timestamp of the last frame written, NULL if none */
        /* the launch that claimed the ID: a random token, so that a failed launch removes the
         * record only while it is still its own (md_record_remove_claimed) */
        char *claim;
};

const char *md_state_to_string(enum md_state s);
const char *md_status_to_string(enum md_status s); /* NULL for MD_STATUS_NONE */

void md_record_clear(struct md_record *r);
/* `_cleanup_record_ struct md_record r = {0};`: cleared when it goes out of scope */
#define _cleanup_record_ __attribute__((cleanup(md_record_clear)))

/* A container's exit as the daemon tells it, the one way every writer of EXITED reads it
 * (the monitor, the reaper): exit_code is the container's only when known; finished_at is
 * RFC 3339 and never empty. */
struct md_exit_info {
        bool known;
        int exit_code; /* 0..65535 when known */
        bool oom_killed;
        char finished_at[40];
};
/* Reads the inspect's State object (NULL: the container is gone) into x. An ExitCode that
 * is not an integer in 0..65535 leaves x->known and x->exit_code as they were (the monitor
 * may know the code from the wait); Go's zero time "0001-..." is not a FinishedAt; a time
 * that x does not have by then is now. */
void md_exit_info_from_state(const json_t *state, struct md_exit_info *x);
/* Writes x into r: EXITED, no monitor, exit_code (-1 when not known), the signal docker's
 * 128+N stands for (129..192), oom_killed, finished_at, and the status: KILLED when
 * kill_requested whatever the code, FINISHED for a known 0, FAILED otherwise. */
void md_record_set_exited(struct md_record *r, const struct md_exit_info *x);

/* Serialization; the JSON names are the struct's. from_json returns -EINVAL on a record
 * that lacks container/owner_uid or has wrong types, and sets *out only on success. */
json_t *md_record_to_json(const struct md_record *r);
int md_record_from_json(const json_t *j, struct md_record *out);

/* Opens STATE_DIR/containers, creating both (root-owned, 0700) when create is set.
 * Refuses a state dir that is a symlink or not owned by root. Returns a dirfd or -1. */
int md_record_dir_open(const char *state_dir, bool create, md_error *err);
/* The same for another directory of the state dir's (a single name, no slash). */
int md_state_subdir_open(const char *state_dir, const char *subdir, bool create, md_error *err);

/* The functions below return 0 or a negative errno, never -1 for "see err": err is set for
 * every failure but those each one names as leaving it untouched. */

/* Reads "mesos-ID.json" from the record dir. -ENOENT (returned, err untouched) when absent;
 * -EBADMSG for a corrupt record. */
int md_record_read(int record_dirfd, const char *container, struct md_record *out, md_error *err);

/* Atomic replace of the record (temporary file, fsync, rename). */
int md_record_write(int record_dirfd, const struct md_record *r, md_error *err);

/* Removes the record; absent is fine. */
int md_record_remove(int record_dirfd, const char *container);

/* "mesos-ID.json" -> "mesos-ID" in name; false for any other file name (the temporary files
 * of a write start with '.'). */
bool md_record_name_of_file(const char *file, char name[static MD_NAME_MAX + 1]);

/* The one listing of the record dir (list, lookups, sandboxfs, pruning): calls fn with the
 * name ("mesos-ID") of each record, in directory order; other files are passed over. A
 * nonzero return of fn stops the walk and is returned; -errno when the dir cannot be read. */
typedef int (*md_record_name_fn)(int record_dirfd, const char *name, void *arg);
int md_record_each(int record_dirfd, md_record_name_fn fn, void *arg);

/* Removes the record when pred, given it as read under its lock and the locked file's
 * stat, says so (nonzero); with wait, waits for the lock as md_record_update does, otherwise
 * a locked record (being edited) is left alone. 1 removed, 0 not (absent, vetoed or
 * locked), -errno (-EBADMSG: the record cannot be read, and stays). */
typedef bool (*md_record_pred)(const struct md_record *r, const struct stat *st, void *arg);
int md_record_remove_if(int record_dirfd, const char *container, md_record_pred pred, void *arg, bool wait);

/* Read-modify-write of a record under its own lock (an exclusive flock on the record file;
 * every writer that edits rather than creates takes it: the monitor, destroy, the reaper), so
 * that one's change, such as destroy's kill_requested, is never lost to another's. There is
 * no lock on the record directory: a process that holds one record's lock (a helper its
 * caller has stopped) holds up that record only. md_record_update waits for the lock at most
 * 30 s (then MD_EXIT_UNAVAILABLE, -ETIMEDOUT); md_record_try_update does not wait and returns
 * -EWOULDBLOCK (err untouched) when the lock is taken: the monitor's way, which must never
 * wait on a lock a caller's process can hold. Both return -ENOENT (err untouched) when the
 * record is absent. */
typedef void (*md_record_edit)(struct md_record *r, void *arg);
int md_record_update(int record_dirfd, const char *container, md_record_edit edit, void *arg, md_error *err);
int md_record_try_update(int record_dirfd, const char *container, md_record_edit edit, void *arg,
                         md_error *err);

/* Marks a record not exited yet so that its exit is reported KILLED whatever the code (destroy,
 * recover --kill-orphans), under its lock as md_record_update. -ENOENT (err untouched) when
 * the record is absent; an exited record is left as it is. */
int md_record_request_kill(int record_dirfd, const char *container, md_error *err);

/* Claims r->container for r->owner_uid by creating its record in one step (rename with
 * RENAME_NOREPLACE): of two launches of one ID exactly one succeeds. A record that is there
 * already is taken over only when its container has exited and it has the same owner, under
 * its lock. Otherwise -EEXIST, err "container NAME: already exists". */
int md_record_claim(int record_dirfd, const struct md_record *r, md_error *err);

/* Removes the record only while it carries the claim token (a launch undoing its own claim);
 * 0 when absent or someone else's. */
int md_record_remove_claimed(int record_dirfd, const char *container, const char *claim);

/* Retention (record_prune.c; policy [helper] keep-exited). A record whose container has exited
 * is pruned once keep_s seconds have passed both since the container finished (finished_at)
 * and since its exit was recorded (the record file's mtime: the exit is the last write of a
 * record, so a record written less than keep_s ago is never even read). MD_KEEP_FOREVER keeps
 * every record; 0 prunes an exit at the next opportunity. */
#define MD_KEEP_FOREVER INT64_C(-1)
bool md_record_expired(const struct md_record *r, const struct stat *st, int64_t keep_s, time_t now);

/* Removes the expired records, each under its lock (a locked one waits for the next round; a
 * launch reusing the ID claims it afresh). Returns how many it removed, or -errno. */
int md_record_prune(int record_dirfd, int64_t keep_s, time_t now);

/* An RFC 3339 time as Docker and md_format_rfc3339 write it ("2026-01-02T03:04:05.678Z",
 * "+01:00" offsets too) in seconds since the epoch; false when it is none (or Go's zero time). */
bool md_record_time(const char *rfc3339, time_t *out);
