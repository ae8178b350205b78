#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "json_cleanup.h"
#include "record.h"
#include "safe_open.h"
#include "util.h"

#define RECORD_MAX_BYTES (64 * 1024)

static const char *const state_names[_MD_STATE_MAX] = {
        [MD_STATE_CREATED] = "created",
        [MD_STATE_RUNNING] = "running",
        [MD_STATE_EXITED] = "exited",
};

static const char *const status_names[_MD_STATUS_MAX] = {
        [MD_STATUS_NONE] = NULL,
        [MD_STATUS_FINISHED] = "FINISHED",
        [MD_STATUS_FAILED] = "FAILED",
        [MD_STATUS_KILLED] = "KILLED",
};

const char *md_state_to_string(enum md_state s)
{
        return (s >= 0 && s < _MD_STATE_MAX) ? state_names[s] : "unknown";
}

const char *md_status_to_string(enum md_status s)
{
        return (s >= 0 && s < _MD_STATUS_MAX) ? status_names[s] : NULL;
}

void md_record_clear(struct md_record *r)
{
        free(r->container);
        free(r->docker_id);
        free(r->task_id);
        free(r->image);
        free(r->mode);
        free(r->sandbox);
        free(r->started_at);
        free(r->finished_at);
        free(r->last_log_time);
        free(r->claim);
        memset(r, 0, sizeof *r);
}

void md_exit_info_from_state(const json_t *state, struct md_exit_info *x)
{
        json_t *code = json_object_get(state, "ExitCode");
        if (json_is_integer(code) && json_integer_value(code) >= 0 && json_integer_value(code) <= 0xffff) {
                x->exit_code = (int)json_integer_value(code);
                x->known = true;
        }
        if (state)
                x->oom_killed = json_is_true(json_object_get(state, "OOMKilled"));
        const char *at = json_string_value(json_object_get(state, "FinishedAt"));
        if (at && strncmp(at, "0001-", 5) != 0) /* Go's zero time: not finished */
                snprintf(x->finished_at, sizeof x->finished_at, "%s", at);
        if (!x->finished_at[0])
                md_now_rfc3339(x->finished_at);
}

void md_record_set_exited(struct md_record *r, const struct md_exit_info *x)
{
        r->state = MD_STATE_EXITED;
        r->monitor_pid = 0;
        r->exit_code = x->known ? x->exit_code : -1;
        /* Docker reports a container whose init died of signal N as exit code 128+N, the
         * shell's convention, and cannot tell it from `exit 128+N`. We read 129..192 as a
         * signal, as a shell would: a destroy (SIGTERM/SIGKILL) and the OOM killer show up
         * as signal 15/9. exit_code keeps docker's number either way. */
        r->signal = (x->known && x->exit_code > 128 && x->exit_code <= 128 + 64) ? x->exit_code - 128 : 0;
        r->oom_killed = x->oom_killed;
        if (r->kill_requested)
                r->status = MD_STATUS_KILLED;
        else if (x->known && x->exit_code == 0)
                r->status = MD_STATUS_FINISHED;
        else
                r->status = MD_STATUS_FAILED;
        free(r->finished_at);
        r->finished_at = strdup(x->finished_at);
}

static void set_str(json_t *o, const char *key, const char *v)
{
        json_object_set_new(o, key, v ? json_string(v) : json_null());
}

json_t *md_record_to_json(const struct md_record *r)
{
        json_t *o = json_object();
        if (!o)
                return NULL;
        set_str(o, "container", r->container);
        set_str(o, "docker_id", r->docker_id);
        set_str(o, "task_id", r->task_id);
        set_str(o, "image", r->image);
        set_str(o, "mode", r->mode);
        set_str(o, "sandbox", r->sandbox);
        json_object_set_new(o, "owner_uid", json_integer(r->owner_uid));
        json_object_set_new(o, "owner_gid", json_integer(r->owner_gid));
        json_object_set_new(o, "pid", json_integer(r->pid));
        json_object_set_new(o, "monitor_pid", json_integer(r->monitor_pid));
        set_str(o, "state", md_state_to_string(r->state));
        set_str(o, "started_at", r->started_at);
        set_str(o, "finished_at", r->finished_at);
        set_str(o, "status", md_status_to_string(r->status));
        json_object_set_new(o, "exit_code",
                            r->state == MD_STATE_EXITED ? json_integer(r->exit_code) : json_null());
        json_object_set_new(o, "signal", r->signal ? json_integer(r->signal) : json_null());
        json_object_set_new(o, "oom_killed", json_boolean(r->oom_killed));
        json_object_set_new(o, "kill_requested", json_boolean(r->kill_requested));
        json_object_set_new(o, "stdout_bytes", json_integer((json_int_t)r->stdout_bytes));
        json_object_set_new(o, "stderr_bytes", json_integer((json_int_t)r->stderr_bytes));
        json_object_set_new(o, "stdout_base", json_integer((json_int_t)r->stdout_base));
        json_object_set_new(o, "stderr_base", json_integer((json_int_t)r->stderr_base));
        set_str(o, "last_log_time", r->last_log_time);
        set_str(o, "claim", r->claim);
        return o;
}

static int get_str(const json_t *o, const char *key, char **out)
{
        json_t *v = json_object_get(o, key);
        if (!v || json_is_null(v)) {
                *out = NULL;
                return 0;
        }
        if (!json_is_string(v))
                return -EINVAL;
        *out = strdup(json_string_value(v));
        return *out ? 0 : -ENOMEM;
}

static int get_int(const json_t *o, const char *key, long long *out)
{
        json_t *v = json_object_get(o, key);
        if (!v || json_is_null(v)) {
                *out = 0;
                return 0;
        }
        if (!json_is_integer(v))
                return -EINVAL;
        *out = json_integer_value(v);
        return 0;
}

static int enum_of(const char *s, const char *const *names, int n)
{
        for (int i = 0; i < n; i++)
                if (names[i] && s && strcmp(names[i], s) == 0)
                        return i;
        return -1;
}

int md_record_from_json(const json_t *j, struct md_record *out)
{
        struct md_record r = {0};
        _cleanup_free_ char *state = NULL, *status = NULL;
        long long uid = 0, gid = 0, pid = 0, mpid = 0, code = 0, sig = 0, outb = 0, errb = 0, outbase = 0,
                  errbase = 0;
        int e = 0;

        if (!json_is_object(j) || !json_is_integer(json_object_get(j, "owner_uid")))
                return -EINVAL;
        e |= get_str(j, "container", &r.container);
        e |= get_str(j, "docker_id", &r.docker_id);
        e |= get_str(j, "task_id", &r.task_id);
        e |= get_str(j, "image", &r.image);
        e |= get_str(j, "mode", &r.mode);
        e |= get_str(j, "sandbox", &r.sandbox);
        e |= get_str(j, "started_at", &r.started_at);
        e |= get_str(j, "finished_at", &r.finished_at);
        e |= get_str(j, "last_log_time", &r.last_log_time);
        e |= get_str(j, "claim", &r.claim);
        e |= get_str(j, "state", &state);
        e |= get_str(j, "status", &status);
        e |= get_int(j, "owner_uid", &uid);
        e |= get_int(j, "owner_gid", &gid);
        e |= get_int(j, "pid", &pid);
        e |= get_int(j, "monitor_pid", &mpid);
        e |= get_int(j, "exit_code", &code);
        e |= get_int(j, "signal", &sig);
        e |= get_int(j, "stdout_bytes", &outb);
        e |= get_int(j, "stderr_bytes", &errb);
        e |= get_int(j, "stdout_base", &outbase);
        e |= get_int(j, "stderr_base", &errbase);
        int st = enum_of(state, state_names, _MD_STATE_MAX);
        int ss = status ? enum_of(status, status_names, _MD_STATUS_MAX) : MD_STATUS_NONE;
        if (e || !r.container || st < 0 || ss < 0 || uid < 0 || gid < 0 || outb < 0 || errb < 0 ||
            outbase < 0 || errbase < 0) {
                md_record_clear(&r);
                return -EINVAL;
        }
        r.owner_uid = (uid_t)uid;
        r.owner_gid = (gid_t)gid;
        r.pid = (pid_t)pid;
        r.monitor_pid = (pid_t)mpid;
        r.state = st;
        r.status = ss;
        r.exit_code = (int)code;
        r.signal = (int)sig;
        r.oom_killed = json_is_true(json_object_get(j, "oom_killed"));
        r.kill_requested = json_is_true(json_object_get(j, "kill_requested"));
        r.stdout_bytes = (uint64_t)outb;
        r.stderr_bytes = (uint64_t)errb;
        r.stdout_base = (uint64_t)outbase;
        r.stderr_base = (uint64_t)errbase;
        *out = r;
        return 0;
}

static int ensure_root_dir(int parentfd, const char *name, bool create, md_error *err, const char *shown)
{
        if (create && mkdirat(parentfd, name, 0700) < 0 && errno != EEXIST)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "state dir %s: cannot create", shown);
        int fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "state dir %s", shown);
        struct stat st;
        if (fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 022)) {
                close(fd);
                return md_fail(err, MD_EXIT_POLICY, "state dir %s: not root-owned or writable by others",
                               shown);
        }
        return fd;
}

int md_record_dir_open(const char *state_dir, bool create, md_error *err)
{
        return md_state_subdir_open(state_dir, MD_RECORD_DIR, create, err);
}

int md_state_subdir_open(const char *state_dir, const char *subdir, bool create, md_error *err)
{
        if (!state_dir || state_dir[0] != '/')
                return md_fail(err, MD_EXIT_POLICY, "state dir: not an absolute path");
        _cleanup_free_ char *parent = strdup(state_dir);
        if (!parent)
                return md_fail(err, MD_EXIT_FAILED, "out of memory");
        char *slash = strrchr(parent, '/');
        const char *leaf = slash + 1;
        if (slash == parent)
                parent[1] = '\0';
        else
                *slash = '\0';
        if (!*leaf)
                return md_fail(err, MD_EXIT_POLICY, "state dir %s: must not end in /", state_dir);
        _cleanup_close_ int pfd = md_open_dir_nofollow(slash == parent ? "/" : parent);
        if (pfd < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, -pfd, "state dir %s: parent", state_dir);
        _cleanup_close_ int sfd = ensure_root_dir(pfd, leaf, create, err, state_dir);
        if (sfd < 0)
                return -1;
        return ensure_root_dir(sfd, subdir, create, err, state_dir);
}

int md_record_read(int record_dirfd, const char *container, struct md_record *out, md_error *err)
{
        char name[MD_NAME_MAX + sizeof MD_RECORD_SUFFIX + 1];
        snprintf(name, sizeof name, "%s%s", container, MD_RECORD_SUFFIX);
        _cleanup_close_ int fd = md_openat_beneath(record_dirfd, name, O_RDONLY, 0);
        if (fd == -ENOENT)
                return -ENOENT;
        if (fd < 0) {
                md_fail_errno(err, MD_EXIT_FAILED, -fd, "record %s", name);
                return fd;
        }
        _cleanup_free_ char *buf = NULL;
        size_t len;
        int r = md_read_all(fd, RECORD_MAX_BYTES, &buf, &len);
        if (r < 0) {
                md_fail_errno(err, MD_EXIT_FAILED, -r, "record %s", name);
                return r;
        }
        json_error_t jerr;
        _cleanup_json_ json_t *j = json_loadb(buf, len, 0, &jerr);
        if (!j || md_record_from_json(j, out) < 0) {
                md_fail(err, MD_EXIT_FAILED, "record %s: corrupt", name);
                return -EBADMSG;
        }
        return 0;
}

/* The record, whole and synced, in a new file tmp of the record dir. */
static int write_file(int record_dirfd, const char *tmp, const struct md_record *r, md_error *err)
{
        _cleanup_json_ json_t *j = md_record_to_json(r);
        _cleanup_free_ char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
        if (!text) {
                md_fail(err, MD_EXIT_FAILED, "record %s: out of memory", r->container);
                return -ENOMEM;
        }
        _cleanup_close_ int fd = md_openat_beneath(record_dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0) {
                md_fail_errno(err, MD_EXIT_FAILED, -fd, "record %s", tmp);
                return fd;
        }
        int w = md_write_all(fd, text, strlen(text));
        if (w == 0)
                w = md_write_all(fd, "\n", 1);
        if (w == 0 && fsync(fd) < 0)
                w = -errno;
        if (w < 0) {
                unlinkat(record_dirfd, tmp, 0);
                md_fail_errno(err, MD_EXIT_FAILED, -w, "record %s", tmp);
                return w;
        }
        return 0;
}

int md_record_write(int record_dirfd, const struct md_record *r, md_error *err)
{
        char name[MD_NAME_MAX + sizeof MD_RECORD_SUFFIX + 1], tmp[sizeof name + 32];
        snprintf(name, sizeof name, "%s%s", r->container, MD_RECORD_SUFFIX);
        snprintf(tmp, sizeof tmp, ".%s.%ld.tmp", name, (long)getpid());
        int w = write_file(record_dirfd, tmp, r, err);
        if (w < 0)
                return w;
        if (renameat(record_dirfd, tmp, record_dirfd, name) < 0) {
                int e = errno;
                unlinkat(record_dirfd, tmp, 0);
                md_fail_errno(err, MD_EXIT_FAILED, e, "record %s", name);
                return -e;
        }
        return 0;
}

int md_record_remove(int record_dirfd, const char *container)
{
        char name[MD_NAME_MAX + sizeof MD_RECORD_SUFFIX + 1];
        snprintf(name, sizeof name, "%s%s", container, MD_RECORD_SUFFIX);
        if (unlinkat(record_dirfd, name, 0) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

bool md_record_name_of_file(const char *file, char name[static MD_NAME_MAX + 1])
{
        size_t len = strlen(file), slen = strlen(MD_RECORD_SUFFIX);
        if (file[0] == '.' || len <= slen || len - slen > MD_NAME_MAX ||
            strcmp(file + len - slen, MD_RECORD_SUFFIX) != 0)
                return false;
        memcpy(name, file, len - slen);
        name[len - slen] = '\0';
        return md_container_id_of_name(name) != NULL;
}

int md_record_each(int record_dirfd, md_record_name_fn fn, void *arg)
{
        /* a directory stream of its own: closedir closes the fd it was given, and a shared
         * offset would make two walks (sandboxfs's threads) skip each other's entries */
        int fd = openat(record_dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        DIR *d = fdopendir(fd);
        if (!d) {
                int e = errno;
                close(fd);
                return -e;
        }
        int r = 0;
        char name[MD_NAME_MAX + 1];
        for (struct dirent *e; r == 0 && (e = readdir(d));)
                if (md_record_name_of_file(e->d_name, name))
                        r = fn(record_dirfd, name, arg);
        closedir(d);
        return r;
}

/* How long a helper waits for a record another process has locked. Only the record's owner
 * (or root) edits it, so only the owner's own stopped or starved helper makes another wait;
 * the bound keeps even that from hanging forever. */
#define RECORD_LOCK_WAIT_MS 30000
#define RECORD_LOCK_POLL_MS 5

static void sleep_ms(long ms)
{
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

static void record_file_name(const char *container,
                             char name[static MD_NAME_MAX + sizeof MD_RECORD_SUFFIX + 1])
{
        snprintf(name, MD_NAME_MAX + sizeof MD_RECORD_SUFFIX + 1, "%s%s", container, MD_RECORD_SUFFIX);
}

/* The lock of one record is an exclusive flock on the record file itself: no lock file, and
 * no lock shared between containers, so that whoever holds one (a caller can SIGSTOP its own
 * helper in the middle of an edit) holds up that record only. A writer replaces the file by
 * rename while it holds the lock on the old inode; whoever waited then finds the name on a
 * new inode and locks that one. Returns the locked fd, -ENOENT (no record), or -EWOULDBLOCK
 * (still locked at the deadline; a deadline of 0 does not wait at all). */
static int lock_record(int record_dirfd, const char *name, int64_t deadline)
{
        for (;;) {
                int fd = md_openat_beneath(record_dirfd, name, O_RDONLY, 0);
                if (fd < 0)
                        return fd;
                int r;
                while ((r = flock(fd, LOCK_EX | LOCK_NB)) < 0 && errno == EINTR)
                        ;
                if (r < 0) {
                        int e = errno;
                        close(fd);
                        if (e != EWOULDBLOCK)
                                return -e;
                        if (!deadline || md_monotonic_ms() >= deadline)
                                return -EWOULDBLOCK;
                        sleep_ms(RECORD_LOCK_POLL_MS);
                        continue;
                }
                struct stat locked, now;
                if (fstat(fd, &locked) == 0 && fstatat(record_dirfd, name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
                    locked.st_ino == now.st_ino && locked.st_dev == now.st_dev)
                        return fd;
                close(fd); /* replaced (or removed) while we waited: look again */
        }
}

/* Read, edit, write under the record's lock. The edit may veto (nonzero: nothing written). */
typedef int (*record_edit_checked)(struct md_record *r, void *arg);

static int update_locked(int record_dirfd, const char *container, record_edit_checked edit, void *arg,
                         int64_t deadline, md_error *err)
{
        char name[MD_NAME_MAX + sizeof MD_RECORD_SUFFIX + 1];
        record_file_name(container, name);
        int fd = lock_record(record_dirfd, name, deadline);
        if (fd == -ENOENT || (fd == -EWOULDBLOCK && !deadline))
                return fd;
        if (fd == -EWOULDBLOCK) {
                md_fail(err, MD_EXIT_UNAVAILABLE, "record %s: locked by another process for %d s", name,
                        RECORD_LOCK_WAIT_MS / 1000);
                return -ETIMEDOUT;
        }
        if (fd < 0) {
                md_fail_errno(err, MD_EXIT_FAILED, -fd, "record %s: lock", name);
                return fd;
        }
        struct md_record rec = {0};
        int r = md_record_read(record_dirfd, container, &rec, err);
        if (r == 0) {
                r = edit(&rec, arg);
                if (r == 0)
                        r = md_record_write(record_dirfd, &rec, err);
        }
        md_record_clear(&rec);
        close(fd); /* the lock goes with it */
        return r;
}

struct plain_edit {
        md_record_edit edit;
        void *arg;
};

static int apply_plain(struct md_record *r, void *arg)
{
        struct plain_edit *p = arg;
        p->edit(r, p->arg);
        return 0;
}

int md_record_update(int record_dirfd, const char *container, md_record_edit edit, void *arg, md_error *err)
{
        struct plain_edit p = {edit, arg};
        return update_locked(record_dirfd, container, apply_plain, &p,
                             md_monotonic_ms() + RECORD_LOCK_WAIT_MS, err);
}

int md_record_try_update(int record_dirfd, const char *container, md_record_edit edit, void *arg,
                         md_error *err)
{
        struct plain_edit p = {edit, arg};
        return update_locked(record_dirfd, container, apply_plain, &p, 0, err);
}

static void set_kill_requested(struct md_record *r, void *arg)
{
        if (r->state != MD_STATE_EXITED)
                r->kill_requested = true;
}

int md_record_request_kill(int record_dirfd, const char *container, md_error *err)
{
        return md_record_update(record_dirfd, container, set_kill_requested, NULL, err);
}

/* Writes r under a temporary name and renames it to its own only when that name is free. */
static int create_new(int record_dirfd, const struct md_record *r, md_error *err)
{
        char name[MD_NAME_MAX + sizeof MD_RECORD_SUFFIX + 1], tmp[sizeof name + 40];
        record_file_name(r->container, name);
        snprintf(tmp, sizeof tmp, ".%s.%ld.new", name, (long)getpid());
        int w = write_file(record_dirfd, tmp, r, err);
        if (w < 0)
                return w == -EEXIST ? -EIO : w; /* -EEXIST says: the name is taken */
        /* RENAME_NOREPLACE: the check for a free name and the claim are one step; the record
         * appears whole and by IN_MOVED_TO, as sandboxfs expects */
        if (renameat2(record_dirfd, tmp, record_dirfd, name, RENAME_NOREPLACE) == 0)
                return 0;
        int e = errno;
        unlinkat(record_dirfd, tmp, 0);
        if (e == EEXIST)
                return -EEXIST;
        md_fail_errno(err, MD_EXIT_FAILED, e, "record %s: claim", name);
        return -e;
}

struct claim_replace {
        const struct md_record *next;
};

/* The one rule for reusing an ID: its container has exited, and it was the same owner's. */
static int replace_if_exited(struct md_record *r, void *arg)
{
        const struct claim_replace *c = arg;
        if (r->state != MD_STATE_EXITED || r->owner_uid != c->next->owner_uid)
                return -EEXIST;
        char *container = r->container;
        r->container = NULL;
        md_record_clear(r);
        /* the struct is written, then cleared by the caller: copy every string */
        struct md_record copy = *c->next;
        copy.container = container;
        char **strs[] = {&copy.docker_id,  &copy.task_id,     &copy.image,         &copy.mode, &copy.sandbox,
                         &copy.started_at, &copy.finished_at, &copy.last_log_time, &copy.claim};
        for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
                if (*strs[i] && !(*strs[i] = strdup(*strs[i]))) {
                        for (size_t j = 0; j < i; j++)
                                free(*strs[j]);
                        free(container);
                        return -ENOMEM;
                }
        *r = copy;
        return 0;
}

int md_record_claim(int record_dirfd, const struct md_record *r, md_error *err)
{
        int c = create_new(record_dirfd, r, err);
        if (c != -EEXIST)
                return c;
        /* the name is taken: by a finished container of the same owner, it may be taken over,
         * under its lock, so that of two launches that try at once exactly one does */
        struct claim_replace cr = {r};
        c = update_locked(record_dirfd, r->container, replace_if_exited, &cr,
                          md_monotonic_ms() + RECORD_LOCK_WAIT_MS, err);
        if (c == -ENOENT) /* removed meanwhile (a failed launch): try once more from the start */
                c = create_new(record_dirfd, r, err);
        if (c == -ENOMEM)
                md_fail(err, MD_EXIT_FAILED, "container %s: claim: out of memory", r->container);
        if (c == -EEXIST)
                md_fail(err, MD_EXIT_FAILED, "container %s: already exists", r->container);
        return c;
}

int md_record_remove_if(int record_dirfd, const char *container, md_record_pred pred, void *arg, bool wait)
{
        char name[MD_NAME_MAX + sizeof MD_RECORD_SUFFIX + 1];
        record_file_name(container, name);
        int fd = lock_record(record_dirfd, name, wait ? md_monotonic_ms() + RECORD_LOCK_WAIT_MS : 0);
        if (fd == -ENOENT || (fd == -EWOULDBLOCK && !wait))
                return 0;
        if (fd < 0)
                return fd;
        struct md_record rec = {0};
        md_error ignored = {0};
        struct stat st;
        /* a record that cannot be read (corrupt: -EBADMSG) is left, and said so */
        int r = md_record_read(record_dirfd, container, &rec, &ignored);
        if (r == 0)
                r = fstat(fd, &st) == 0 && pred(&rec, &st, arg);
        else if (r == -ENOENT)
                r = 0;
        /* still as pred saw it, and locked: nobody edits it between the check and the unlink */
        if (r && unlinkat(record_dirfd, name, 0) < 0)
                r = errno == ENOENT ? 0 : -errno;
        md_record_clear(&rec);
        close(fd);
        return r;
}

static bool carries_claim(const struct md_record *r, const struct stat *st, void *arg)
{
        return r->claim && strcmp(r->claim, arg) == 0;
}

int md_record_remove_claimed(int record_dirfd, const char *container, const char *claim)
{
        int r = md_record_remove_if(record_dirfd, container, carries_claim, (void *)claim, true);
        return r < 0 ? r : 0;
}
