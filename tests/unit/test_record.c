#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check_run.h"
#include "exit_fifo.h"
#include "json_cleanup.h"
#include "record.h"

START_TEST(round_trip)
{
        struct md_record r = {
                .container = "mesos-abc",
                .docker_id = "d1",
                .task_id = "t1",
                .image = "docker.io/library/busybox:latest",
                .mode = "task",
                .sandbox = "/s",
                .owner_uid = 1001,
                .owner_gid = 1002,
                .pid = 77,
                .monitor_pid = 78,
                .state = MD_STATE_EXITED,
                .started_at = "2026-01-01T00:00:00Z",
                .finished_at = "2026-01-01T00:00:01Z",
                .status = MD_STATUS_KILLED,
                .exit_code = 137,
                .signal = 9,
                .oom_killed = true,
                .kill_requested = true,
                .stdout_bytes = 5,
                .stderr_bytes = 6,
                .last_log_time = "x",
                .stdout_base = 7,
                .stderr_base = 8,
        };
        _cleanup_json_ json_t *j = md_record_to_json(&r);
        struct md_record back;
        ck_assert_int_eq(md_record_from_json(j, &back), 0);
        ck_assert_str_eq(back.container, "mesos-abc");
        ck_assert_str_eq(back.image, r.image);
        ck_assert_uint_eq(back.owner_uid, 1001);
        ck_assert_uint_eq(back.owner_gid, 1002);
        ck_assert_int_eq(back.state, MD_STATE_EXITED);
        ck_assert_int_eq(back.status, MD_STATUS_KILLED);
        ck_assert_int_eq(back.exit_code, 137);
        ck_assert_int_eq(back.signal, 9);
        ck_assert(back.oom_killed && back.kill_requested);
        ck_assert_uint_eq(back.stderr_bytes, 6);
        ck_assert_uint_eq(back.stdout_base, 7);
        ck_assert_uint_eq(back.stderr_base, 8);
        md_record_clear(&back);
}
END_TEST

START_TEST(rejects_bad_records)
{
        struct md_record back;
        const char *bad[] = {
                "[]",
                "{\"container\":\"mesos-a\"}", /* no owner */
                "{\"container\":\"mesos-a\",\"owner_uid\":-1,\"state\":\"running\"}", /* negative uid */
                "{\"container\":\"mesos-a\",\"owner_uid\":1,\"state\":\"sleeping\"}", /* unknown state */
                "{\"container\":7,\"owner_uid\":1,\"state\":\"running\"}", /* wrong type */
                "{\"owner_uid\":1,\"state\":\"running\"}", /* no container */
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
                json_error_t e;
                _cleanup_json_ json_t *j = json_loads(bad[i], 0, &e);
                ck_assert_ptr_nonnull(j);
                ck_assert_int_eq(md_record_from_json(j, &back), -EINVAL);
        }
}
END_TEST

static void remove_tree(const char *dir)
{
        char cmd[256];
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        ck_assert_int_eq(system(cmd), 0);
}

static void set_running(struct md_record *r, void *arg)
{
        r->state = MD_STATE_RUNNING;
}

START_TEST(write_read_remove)
{
        if (geteuid() != 0)
                return; /* the record dir must be root-owned: only root can make one */
        char dir[] = "/tmp/md-record-XXXXXX";
        ck_assert_ptr_nonnull(mkdtemp(dir));
        char state[sizeof dir + 8];
        snprintf(state, sizeof state, "%s/state", dir);
        md_error err = {0};
        int fd = md_record_dir_open(state, true, &err);
        ck_assert_msg(fd >= 0, "%s", err.message);
        struct md_record r = {.container = "mesos-x", .owner_uid = 5, .state = MD_STATE_RUNNING};
        ck_assert_int_eq(md_record_write(fd, &r, &err), 0);
        struct md_record back;
        ck_assert_int_eq(md_record_read(fd, "mesos-x", &back, &err), 0);
        ck_assert_int_eq(back.state, MD_STATE_RUNNING);
        md_record_clear(&back);
        ck_assert_int_eq(md_record_read(fd, "mesos-y", &back, &err), -ENOENT);
        /* a kill request marks a running record, never an exited one */
        ck_assert_int_eq(md_record_request_kill(fd, "mesos-x", &err), 0);
        ck_assert_int_eq(md_record_read(fd, "mesos-x", &back, &err), 0);
        ck_assert(back.kill_requested);
        md_record_clear(&back);
        struct md_record done = {.container = "mesos-e", .owner_uid = 5, .state = MD_STATE_EXITED};
        ck_assert_int_eq(md_record_write(fd, &done, &err), 0);
        ck_assert_int_eq(md_record_request_kill(fd, "mesos-e", &err), 0);
        ck_assert_int_eq(md_record_read(fd, "mesos-e", &back, &err), 0);
        ck_assert(!back.kill_requested);
        md_record_clear(&back);
        ck_assert_int_eq(md_record_request_kill(fd, "mesos-y", &err), -ENOENT);
        /* a corrupt record is an errno of its own, never -1 (-EPERM): removing a claim on it
         * is a failure, not "someone else's" */
        int bad = openat(fd, "mesos-c.json", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        ck_assert_int_eq(write(bad, "{", 1), 1);
        close(bad);
        md_error_clear(&err);
        ck_assert_int_eq(md_record_read(fd, "mesos-c", &back, &err), -EBADMSG);
        ck_assert_ptr_nonnull(strstr(err.message, "corrupt"));
        ck_assert_int_eq(md_record_update(fd, "mesos-c", set_running, NULL, &err), -EBADMSG);
        ck_assert_int_eq(md_record_remove_claimed(fd, "mesos-c", "t"), -EBADMSG);
        ck_assert_int_eq(md_record_remove(fd, "mesos-c"), 0);
        ck_assert_int_eq(md_record_remove(fd, "mesos-e"), 0);
        ck_assert_int_eq(md_record_remove(fd, "mesos-x"), 0);
        ck_assert_int_eq(md_record_read(fd, "mesos-x", &back, &err), -ENOENT);
        close(fd);
        remove_tree(dir);
}
END_TEST

/* A fresh state dir under dir (a mkdtemp template): the record dir's fd. */
static int make_state_dir(char *dir, char state[static sizeof "/tmp/md-record-XXXXXX" + 8])
{
        ck_assert_ptr_nonnull(mkdtemp(dir));
        snprintf(state, sizeof "/tmp/md-record-XXXXXX" + 8, "%s/state", dir);
        md_error err = {0};
        int fd = md_record_dir_open(state, true, &err);
        ck_assert_msg(fd >= 0, "%s", err.message);
        return fd;
}

/* One record's lock holds up that record only, and the monitor's try does not wait for it;
 * a claim is one step, taken over only when exited and the same owner's; undoing a claim
 * removes only the record that still carries its token. */
START_TEST(claim_and_lock)
{
        if (geteuid() != 0)
                return;
        char dir[] = "/tmp/md-record-XXXXXX";
        char state[sizeof dir + 8], path[sizeof state + 64];
        int fd = make_state_dir(dir, state);
        md_error err = {0};
        struct md_record a = {
                .container = "mesos-a", .owner_uid = 5, .state = MD_STATE_CREATED, .claim = "t1"};
        struct md_record b = {
                .container = "mesos-b", .owner_uid = 6, .state = MD_STATE_CREATED, .claim = "t2"};
        ck_assert_int_eq(md_record_claim(fd, &a, &err), 0);
        ck_assert_int_eq(md_record_claim(fd, &b, &err), 0);
        /* taken: a second claim of a CREATED record fails, whoever asks */
        struct md_record a2 = a;
        a2.claim = "t3";
        ck_assert_int_eq(md_record_claim(fd, &a2, &err), -EEXIST);
        ck_assert_ptr_nonnull(strstr(err.message, "already exists"));
        md_error_clear(&err);
        /* someone holds a's lock (a stopped helper): b is free, a's try does not wait */
        snprintf(path, sizeof path, "%s/containers/mesos-a.json", state);
        int held = open(path, O_RDONLY | O_CLOEXEC);
        ck_assert_int_eq(flock(held, LOCK_EX), 0);
        ck_assert_int_eq(md_record_try_update(fd, "mesos-a", set_running, NULL, &err), -EWOULDBLOCK);
        ck_assert_int_eq(md_record_try_update(fd, "mesos-b", set_running, NULL, &err), 0);
        close(held);
        ck_assert_int_eq(md_record_try_update(fd, "mesos-a", set_running, NULL, &err), 0);
        ck_assert_int_eq(md_record_try_update(fd, "mesos-z", set_running, NULL, &err), -ENOENT);
        /* an exited record is the same owner's to claim again, not another's */
        struct md_record back;
        ck_assert_int_eq(md_record_read(fd, "mesos-a", &back, &err), 0);
        back.state = MD_STATE_EXITED;
        ck_assert_int_eq(md_record_write(fd, &back, &err), 0);
        md_record_clear(&back);
        struct md_record other = a2;
        other.owner_uid = 7;
        ck_assert_int_eq(md_record_claim(fd, &other, &err), -EEXIST);
        md_error_clear(&err);
        ck_assert_int_eq(md_record_claim(fd, &a2, &err), 0);
        /* the first launch's undo leaves the new claim alone; the new one's removes it */
        ck_assert_int_eq(md_record_remove_claimed(fd, "mesos-a", "t1"), 0);
        ck_assert_int_eq(md_record_read(fd, "mesos-a", &back, &err), 0);
        ck_assert_str_eq(back.claim, "t3");
        ck_assert_int_eq(back.state, MD_STATE_CREATED);
        md_record_clear(&back);
        ck_assert_int_eq(md_record_remove_claimed(fd, "mesos-a", "t3"), 0);
        ck_assert_int_eq(md_record_read(fd, "mesos-a", &back, &err), -ENOENT);
        close(fd);
        remove_tree(dir);
}
END_TEST

/* The one way EXITED is written (the monitor and the reaper): the code only in range, Go's
 * zero time not a FinishedAt, now when there is none, the signal and status from the code. */
START_TEST(exit_from_state)
{
        _cleanup_json_ json_t *state = json_pack("{s:i, s:b, s:s}", "ExitCode", 137, "OOMKilled", 1,
                                                 "FinishedAt", "2026-01-02T03:04:05Z");
        struct md_exit_info x = {0};
        md_exit_info_from_state(state, &x);
        ck_assert(x.known);
        ck_assert_int_eq(x.exit_code, 137);
        ck_assert(x.oom_killed);
        ck_assert_str_eq(x.finished_at, "2026-01-02T03:04:05Z");
        struct md_record r = {.state = MD_STATE_RUNNING, .monitor_pid = 42};
        md_record_set_exited(&r, &x);
        ck_assert_int_eq(r.state, MD_STATE_EXITED);
        ck_assert_int_eq(r.monitor_pid, 0);
        ck_assert_int_eq(r.exit_code, 137);
        ck_assert_int_eq(r.signal, 9);
        ck_assert_int_eq(r.status, MD_STATUS_FAILED);
        ck_assert(r.oom_killed);
        ck_assert_str_eq(r.finished_at, "2026-01-02T03:04:05Z");
        /* kill_requested decides KILLED whatever the code, and 0 is FINISHED otherwise */
        x.exit_code = 0;
        md_record_set_exited(&r, &x);
        ck_assert_int_eq(r.status, MD_STATUS_FINISHED);
        ck_assert_int_eq(r.signal, 0);
        r.kill_requested = true;
        md_record_set_exited(&r, &x);
        ck_assert_int_eq(r.status, MD_STATUS_KILLED);
        md_record_clear(&r);
}
END_TEST

START_TEST(exit_out_of_range_and_zero_time)
{
        const json_int_t bad[] = {-1, 0x10000, 1LL << 40};
        for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
                _cleanup_json_ json_t *state =
                        json_pack("{s:I, s:s}", "ExitCode", bad[i], "FinishedAt", "0001-01-01T00:00:00Z");
                struct md_exit_info x = {0};
                md_exit_info_from_state(state, &x);
                ck_assert(!x.known);
                /* Go's zero time is no finish: now instead, in RFC 3339 */
                ck_assert(strncmp(x.finished_at, "0001-", 5) != 0);
                ck_assert_int_eq(strlen(x.finished_at) >= 20, 1);
                ck_assert_int_eq(x.finished_at[4], '-');
                struct md_record r = {0};
                md_record_set_exited(&r, &x);
                ck_assert_int_eq(r.exit_code, -1);
                ck_assert_int_eq(r.signal, 0);
                ck_assert_int_eq(r.status, MD_STATUS_FAILED);
                md_record_clear(&r);
        }
        /* a code known from the wait stays when the State has none (inspect failed, gone) */
        struct md_exit_info x = {.known = true, .exit_code = 3};
        md_exit_info_from_state(NULL, &x);
        ck_assert(x.known);
        ck_assert_int_eq(x.exit_code, 3);
        ck_assert(x.finished_at[0]);
        _cleanup_json_ json_t *string_code = json_pack("{s:s}", "ExitCode", "7");
        md_exit_info_from_state(string_code, &x);
        ck_assert_int_eq(x.exit_code, 3);
}
END_TEST

static int count_name(int dirfd, const char *name, void *arg)
{
        (*(int *)arg)++;
        return strcmp(name, "mesos-stop") == 0 ? 7 : 0;
}

/* The one listing: record names only, never the temporary files of a write. */
START_TEST(each_lists_records_only)
{
        char dir[] = "/tmp/md-record-XXXXXX";
        ck_assert_ptr_nonnull(mkdtemp(dir));
        int fd = open(dir, O_RDONLY | O_DIRECTORY);
        const char *files[] = {"mesos-a.json",     "mesos-b.json", ".mesos-c.json.12.tmp",
                               "mesos-d.json.new", "other.json",   "mesos-.json"};
        for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
                close(openat(fd, files[i], O_CREAT | O_WRONLY, 0600));
        int n = 0;
        ck_assert_int_eq(md_record_each(fd, count_name, &n), 0);
        ck_assert_int_eq(n, 2);
        char name[MD_NAME_MAX + 1];
        ck_assert(md_record_name_of_file("mesos-x.y.json", name));
        ck_assert_str_eq(name, "mesos-x.y");
        ck_assert(!md_record_name_of_file(".mesos-x.json", name));
        ck_assert(!md_record_name_of_file("mesos-x.json.tmp", name));
        /* a nonzero return stops the walk */
        close(openat(fd, "mesos-stop.json", O_CREAT | O_WRONLY, 0600));
        n = 0;
        ck_assert_int_eq(md_record_each(fd, count_name, &n), 7);
        close(fd);
        remove_tree(dir);
}
END_TEST

START_TEST(record_time)
{
        time_t t;
        ck_assert(md_record_time("1970-01-01T00:01:40Z", &t));
        ck_assert_int_eq(t, 100);
        ck_assert(md_record_time("2026-01-02T03:04:05.123456789Z", &t));
        ck_assert_int_eq(t, 1767323045);
        ck_assert(md_record_time("2026-01-02T04:04:05+01:00", &t));
        ck_assert_int_eq(t, 1767323045);
        ck_assert(!md_record_time("0001-01-01T00:00:00Z", &t)); /* Go's zero time */
        ck_assert(!md_record_time("2026-01-02 03:04:05Z", &t));
        ck_assert(!md_record_time("2026-01-02T03:04:05", &t));
        ck_assert(!md_record_time("2026-01-02T03:04:05Zjunk", &t));
        ck_assert(!md_record_time(NULL, &t));
}
END_TEST

/* Expired: exited, keep_s since it finished and since the exit was written. */
START_TEST(expiry)
{
        struct md_record r = {
                .container = "mesos-a", .state = MD_STATE_EXITED, .finished_at = "1970-01-01T00:01:40Z"};
        struct stat st = {0};
        st.st_mtim.tv_sec = 100;
        ck_assert(md_record_expired(&r, &st, 50, 150));
        ck_assert(!md_record_expired(&r, &st, 50, 149));
        ck_assert(!md_record_expired(&r, &st, MD_KEEP_FOREVER, 1000000));
        ck_assert(md_record_expired(&r, &st, 0, 100));
        /* written later than it finished (a late reap): the write counts */
        st.st_mtim.tv_sec = 200;
        ck_assert(!md_record_expired(&r, &st, 50, 150));
        ck_assert(md_record_expired(&r, &st, 50, 250));
        /* no finish time: the write alone */
        r.finished_at = NULL;
        ck_assert(md_record_expired(&r, &st, 50, 250));
        r.state = MD_STATE_RUNNING;
        ck_assert(!md_record_expired(&r, &st, 0, 1000000));
}
END_TEST

/* Pruning removes the expired exited records only, and leaves a locked one for later. */
START_TEST(prune)
{
        if (geteuid() != 0)
                return;
        char dir[] = "/tmp/md-record-XXXXXX";
        char state[sizeof dir + 8], path[sizeof state + 64];
        int fd = make_state_dir(dir, state);
        md_error err = {0};
        const char *names[] = {"mesos-old", "mesos-new", "mesos-run", "mesos-locked"};
        for (size_t i = 0; i < 4; i++) {
                struct md_record r = {.container = (char *)names[i],
                                      .state = i == 2 ? MD_STATE_RUNNING : MD_STATE_EXITED,
                                      .finished_at =
                                              i == 1 ? "2999-01-01T00:00:00Z" : "2000-01-01T00:00:00Z"};
                ck_assert_int_eq(md_record_write(fd, &r, &err), 0);
        }
        /* the exit FIFO a dead monitor left of mesos-old goes with its record; mesos-run's stays */
        md_error ferr = {0};
        int fifo_dirfd = md_state_subdir_open(state, MD_EXIT_FIFO_DIR, true, &ferr);
        ck_assert_msg(fifo_dirfd >= 0, "%s", ferr.message);
        ck_assert_int_eq(mkfifoat(fifo_dirfd, "mesos-old", 0600), 0);
        ck_assert_int_eq(mkfifoat(fifo_dirfd, "mesos-run", 0600), 0);
        snprintf(path, sizeof path, "%s/containers/mesos-locked.json", state);
        int held = open(path, O_RDONLY | O_CLOEXEC);
        ck_assert_int_eq(flock(held, LOCK_EX), 0);
        time_t now = time(NULL);
        /* just written: not even read */
        ck_assert_int_eq(md_record_prune(fd, 60, now), 0);
        ck_assert_int_eq(md_record_prune(fd, MD_KEEP_FOREVER, now + 3600), 0);
        ck_assert_int_eq(md_record_prune(fd, 60, now + 3600), 1);
        struct md_record back;
        ck_assert_int_eq(md_record_read(fd, "mesos-old", &back, &err), -ENOENT);
        ck_assert_int_eq(md_record_read(fd, "mesos-run", &back, &err), 0);
        md_record_clear(&back);
        struct stat st;
        ck_assert_int_eq(fstatat(fifo_dirfd, "mesos-old", &st, AT_SYMLINK_NOFOLLOW), -1);
        ck_assert_int_eq(errno, ENOENT);
        ck_assert_int_eq(fstatat(fifo_dirfd, "mesos-run", &st, AT_SYMLINK_NOFOLLOW), 0);
        close(fifo_dirfd);
        close(held);
        ck_assert_int_eq(md_record_prune(fd, 60, now + 3600), 1);
        ck_assert_int_eq(md_record_read(fd, "mesos-locked", &back, &err), -ENOENT);
        ck_assert_int_eq(md_record_read(fd, "mesos-new", &back, &err), 0);
        md_record_clear(&back);
        close(fd);
        remove_tree(dir);
}
END_TEST

static short revents_now(int fd)
{
        struct pollfd p = {fd, POLLIN, 0};
        return poll(&p, 1, 0) > 0 ? p.revents : 0;
}

/* exit_fifo.h: a waiter sleeps while the monitor holds the FIFO and wakes when it lets go or
 * dies, also one that opened the FIFO before the monitor did. */
START_TEST(exit_fifo_wakes_its_waiters)
{
        char dir[] = "/tmp/md-fifo-XXXXXX";
        ck_assert_ptr_nonnull(mkdtemp(dir));
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ck_assert_int_ge(dfd, 0);
        int w = md_exit_fifo_hold(dfd, "mesos-a");
        ck_assert_int_ge(w, 0);
        int r = md_exit_fifo_open(dfd, "mesos-a");
        ck_assert_int_ge(r, 0);
        ck_assert_int_eq(revents_now(r), 0);
        md_exit_fifo_release(dfd, "mesos-a", w);
        ck_assert(revents_now(r) & POLLHUP);
        close(r);
        /* gone: a later waiter finds no FIFO and reads the record */
        ck_assert_int_eq(md_exit_fifo_open(dfd, "mesos-a"), -ENOENT);

        /* one a dead monitor left, opened by a waiter before the next monitor holds it */
        ck_assert_int_eq(mkfifoat(dfd, "mesos-b", 0600), 0);
        r = md_exit_fifo_open(dfd, "mesos-b");
        ck_assert_int_ge(r, 0);
        ck_assert_int_eq(revents_now(r), 0);
        w = md_exit_fifo_hold(dfd, "mesos-b");
        ck_assert_int_ge(w, 0);
        ck_assert_int_eq(revents_now(r), 0);
        close(w); /* that monitor dies */
        ck_assert(revents_now(r) & POLLHUP);
        close(r);
        unlinkat(dfd, "mesos-b", 0);

        /* not a FIFO: refused on both sides and left alone; not a container name: refused */
        int f = openat(dfd, "mesos-c", O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
        ck_assert_int_ge(f, 0);
        close(f);
        ck_assert_int_eq(md_exit_fifo_hold(dfd, "mesos-c"), -ENOTSUP);
        ck_assert_int_eq(md_exit_fifo_open(dfd, "mesos-c"), -ENOTSUP);
        ck_assert_int_eq(faccessat(dfd, "mesos-c", F_OK, 0), 0);
        unlinkat(dfd, "mesos-c", 0);
        ck_assert_int_eq(md_exit_fifo_hold(dfd, "../x"), -EINVAL);
        ck_assert_int_eq(md_exit_fifo_open(dfd, "x"), -EINVAL);
        close(dfd);
        ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

Suite *unit_suite(void)
{
        Suite *s = suite_create("record");
        TCase *tc = tcase_create("record");
        tcase_add_test(tc, round_trip);
        tcase_add_test(tc, rejects_bad_records);
        tcase_add_test(tc, write_read_remove);
        tcase_add_test(tc, claim_and_lock);
        tcase_add_test(tc, exit_from_state);
        tcase_add_test(tc, exit_out_of_range_and_zero_time);
        tcase_add_test(tc, each_lists_records_only);
        tcase_add_test(tc, record_time);
        tcase_add_test(tc, expiry);
        tcase_add_test(tc, prune);
        tcase_add_test(tc, exit_fifo_wakes_its_waiters);
        suite_add_tcase(s, tc);
        return s;
}
