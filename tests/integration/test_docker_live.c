/* The Engine API client and the monitor against a real dockerd (MD_TEST_DOCKER_SOCK), as
 * root. Skips (77) otherwise. Needs the image mesos-test/busybox:latest on that daemon. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_run.h"
#include "skip.h"
#include "docker.h"
#include "exit_fifo.h"
#include "json_cleanup.h"
#include "monitor.h"
#include "record.h"
#include "util.h"

#define IMAGE "mesos-test/busybox:latest"

static const char *sock;
/* Written to the stderr file between its opening and the launch, as the fetcher's log is. */
static const char *prefill_err;

struct run {
        char dir[64]; /* temp dir: state/ and the two output files */
        char state_dir[96];
        char out_path[96], err_path[96];
        char name[64];
        char docker_id[65];
        struct monitor_started started;
        int record_dirfd;
};

static struct docker *open_docker(void)
{
        struct docker *d = NULL;
        md_error err = {0};
        ck_assert_msg(docker_open(sock, &d, &err) == 0, "%s", err.message);
        return d;
}

static void rm_rf(const char *dir)
{
        char cmd[256];
        snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", dir);
        if (system(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", dir);
}

#define NOBODY 65534

/* The state of the setuid helper when it launches: real uid and gids the caller's, effective
 * and saved uid 0, every capability dropped (bounding set too), as helper/privilege.c does. */
static void become_setuid_helper(void)
{
        gid_t g = NOBODY;
        ck_assert_int_eq(setgroups(1, &g), 0);
        ck_assert_int_eq(setresgid(NOBODY, NOBODY, NOBODY), 0);
        ck_assert_int_eq(setresuid(NOBODY, 0, 0), 0);
        for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
                prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
        struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
        struct __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3];
        memset(none, 0, sizeof none);
        ck_assert_int_eq(syscall(SYS_capset, &hdr, none), 0);
        /* the emulation holds: no way back to gid 0 */
        ck_assert_int_eq(setresgid(0, 0, 0), -1);
}

/* A hard RLIMIT_CPU for the launching child, when not 0. */
static rlim_t child_hard_cpu_limit;

/* monitor_launch from a child in the setuid helper's state, which then exits like the helper. */
static int launch_as_setuid_helper(const struct monitor_config *cfg, struct monitor_started *started,
                                   md_error *err)
{
        struct answer {
                int rc;
                struct monitor_started started;
                md_error err;
        } a = {0};
        int p[2];
        ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                become_setuid_helper();
                struct rlimit cpu = {child_hard_cpu_limit, child_hard_cpu_limit};
                if (child_hard_cpu_limit && setrlimit(RLIMIT_CPU, &cpu) < 0)
                        _exit(2);
                a.rc = monitor_launch(cfg, &a.started, &a.err);
                _exit(md_write_all(p[1], &a, sizeof a) == 0 ? 0 : 1);
        }
        close(p[1]);
        close(cfg->stdout_fd);
        close(cfg->stderr_fd);
        ck_assert_int_eq(read(p[0], &a, sizeof a), (ssize_t)sizeof a);
        close(p[0]);
        int status;
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        *started = a.started;
        *err = a.err;
        return a.rc;
}

/* Creates the container, its CREATED record and the output files; returns launch's result.
 * With state_dir, the run uses that state dir (and so its monitor) instead of its own. */
static int launch_full(struct docker *d, struct run *r, const char *script, const char *out_file,
                       bool as_setuid_helper, const char *state_dir, md_error *err)
{
        memset(r, 0, sizeof *r);
        strcpy(r->dir, "/tmp/md-live-XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(r->dir));
        ck_assert_int_eq(chmod(r->dir, 0700), 0);
        if (state_dir) {
                snprintf(r->state_dir, sizeof r->state_dir, "%s", state_dir);
        } else {
                snprintf(r->state_dir, sizeof r->state_dir, "%s/state", r->dir);
                ck_assert_int_eq(mkdir(r->state_dir, 0700), 0);
        }
        snprintf(r->out_path, sizeof r->out_path, "%s/stdout", r->dir);
        snprintf(r->err_path, sizeof r->err_path, "%s/stderr", r->dir);
        snprintf(r->name, sizeof r->name, "mesos-live-%d-%s", (int)getpid(), strrchr(r->dir, '-') + 1);

        _cleanup_json_ json_t *body =
                json_pack("{s:s, s:[s,s,s], s:{s:s}, s:{s:s}}", "Image", IMAGE, "Cmd", "sh", "-c", script,
                          "Labels", "mesos.test", "live", "HostConfig", "NetworkMode", "host");
        ck_assert_msg(docker_container_create(d, r->name, body, r->docker_id, err) == 0, "%s", err->message);
        ck_assert_uint_eq(strlen(r->docker_id), 64);

        r->record_dirfd = md_record_dir_open(r->state_dir, true, err);
        ck_assert_msg(r->record_dirfd >= 0, "%s", err->message);
        struct md_record rec = {.container = r->name,
                                .docker_id = r->docker_id,
                                .owner_uid = 0,
                                .state = MD_STATE_CREATED,
                                .image = (char *)IMAGE};
        ck_assert_int_eq(md_record_write(r->record_dirfd, &rec, err), 0);

        /* read-write, as the helper opens them (sandbox_open_output): a resume reads them */
        int out = open(out_file ? out_file : r->out_path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        int errfd = open(r->err_path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        ck_assert(out >= 0 && errfd >= 0);
        if (prefill_err)
                ck_assert_int_eq(md_write_all(errfd, prefill_err, strlen(prefill_err)), 0);
        struct monitor_config cfg = {sock, r->name, r->docker_id, r->state_dir, out, errfd, MD_KEEP_FOREVER};
        int rc;
        if (as_setuid_helper) {
                rc = launch_as_setuid_helper(&cfg, &r->started, err);
        } else {
                rc = monitor_launch(&cfg, &r->started, err);
                /* the fds belong to the monitor now: closed here either way */
                ck_assert_int_eq(fcntl(out, F_GETFD), -1);
                ck_assert_int_eq(fcntl(errfd, F_GETFD), -1);
        }
        /* as the helper's launch does: a container whose start failed is the launcher's to
         * remove, whatever failed */
        if (rc < 0) {
                md_error ignored = {0};
                docker_container_remove(d, r->docker_id, &ignored);
        }
        return rc;
}

static int launch_to(struct docker *d, struct run *r, const char *script, const char *out_file,
                     bool as_setuid_helper, md_error *err)
{
        return launch_full(d, r, script, out_file, as_setuid_helper, NULL, err);
}

static int launch(struct docker *d, struct run *r, const char *script, md_error *err)
{
        return launch_to(d, r, script, NULL, false, err);
}

static void read_record(struct run *r, struct md_record *rec)
{
        md_error err = {0};
        md_record_clear(rec);
        ck_assert_msg(md_record_read(r->record_dirfd, r->name, rec, &err) == 0, "%s", err.message);
}

static void wait_exited(struct run *r, struct md_record *rec, int seconds)
{
        int64_t deadline = md_monotonic_ms() + seconds * 1000;
        for (;;) {
                read_record(r, rec);
                if (rec->state == MD_STATE_EXITED)
                        return;
                ck_assert_msg(md_monotonic_ms() < deadline, "%s did not exit within %d s", r->name, seconds);
                usleep(50000);
        }
}

/* The container is removed after the record: poll for the 404. */
static void assert_gone(struct docker *d, const char *id)
{
        int64_t deadline = md_monotonic_ms() + 20000;
        for (;;) {
                md_error err = {0};
                json_t *j = NULL;
                int rc = docker_container_inspect(d, id, &j, &err);
                json_decref(j);
                if (rc == -ENOENT)
                        return;
                ck_assert_msg(md_monotonic_ms() < deadline, "container %s still there", id);
                usleep(100000);
        }
}

static char *slurp(const char *path, size_t *len)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ck_assert_int_ge(fd, 0);
        char *buf = NULL;
        ck_assert_int_eq(md_read_all(fd, 64u << 20, &buf, len), 0);
        close(fd);
        return buf;
}

static void cleanup_run(struct docker *d, struct run *r)
{
        md_error err = {0};
        docker_container_remove(d, r->docker_id, &err);
        close(r->record_dirfd);
        rm_rf(r->dir);
}

START_TEST(test_open)
{
        struct docker *d = open_docker();
        const char *v = docker_api_version(d);
        ck_assert_msg(strncmp(v, "1.", 2) == 0, "%s", v);
        uint64_t minor;
        ck_assert_int_eq(md_parse_u64(v + 2, &minor), 0);
        ck_assert_uint_le(minor, 41);
        ck_assert_uint_ge(minor, 30);
        docker_close(d);
}
END_TEST

START_TEST(test_images)
{
        struct docker *d = open_docker();
        md_error err = {0};
        bool exists = false;
        ck_assert_msg(docker_image_exists(d, "docker.io/" IMAGE, &exists, &err) == 0, "%s", err.message);
        ck_assert(exists);
        ck_assert_int_eq(docker_image_exists(d, "docker.io/mesos-test/not-there:latest", &exists, &err), 0);
        ck_assert(!exists);
        /* a registry nobody serves: the daemon's error comes back as a failed pull */
        ck_assert_int_eq(docker_image_pull(d, "127.0.0.1:1/mesos-test/not-there:latest", NULL, &err), -EIO);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_FAILED);
        ck_assert_msg(strstr(err.message, "127.0.0.1:1") != NULL, "%s", err.message);
        docker_close(d);
}
END_TEST

START_TEST(test_container_errors)
{
        struct docker *d = open_docker();
        md_error err = {0};
        json_t *j = NULL;
        ck_assert_int_eq(docker_container_inspect(d, "mesos-live-does-not-exist", &j, &err), -ENOENT);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_NO_CONTAINER);
        md_error_clear(&err);
        ck_assert_int_eq(docker_container_start(d, "mesos-live-does-not-exist", &err), -ENOENT);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_NO_CONTAINER);
        md_error_clear(&err);
        ck_assert_int_eq(docker_container_remove(d, "mesos-live-does-not-exist", &err), 0);
        /* create with a missing image: refused, exit 1, with docker's words */
        char id[65];
        _cleanup_json_ json_t *body = json_pack("{s:s}", "Image", "mesos-test/not-there:latest");
        ck_assert_int_eq(docker_container_create(d, "mesos-live-noimage", body, id, &err), -EIO);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_FAILED);
        ck_assert_msg(strstr(err.message, "not-there") != NULL, "%s", err.message);
        docker_close(d);
}
END_TEST

/* 4 MiB of numbered lines on stdout, some lines on stderr in between: every byte, in order,
 * each stream in its file. */
#define LINES 466034 /* 9 bytes each: just over 4 MiB */
START_TEST(test_stream_everything)
{
        struct docker *d = open_docker();
        md_error err = {0};
        struct run r;
        char script[256];
        snprintf(script, sizeof script,
                 "awk 'BEGIN { for (i = 0; i < %d; i++) { printf \"%%08d\\n\", i; "
                 "if (i %% 50000 == 0) printf \"err %%d\\n\", i > \"/dev/stderr\" } }'",
                 LINES);
        ck_assert_msg(launch(d, &r, script, &err) == 0, "%s", err.message);
        ck_assert_int_gt(r.started.monitor_pid, 1);
        ck_assert_int_gt(r.started.container_pid, 1);
        ck_assert_msg(strlen(r.started.started_at) >= 20, "%s", r.started.started_at);

        struct md_record rec = {0};
        wait_exited(&r, &rec, 120);
        ck_assert_str_eq(md_status_to_string(rec.status), "FINISHED");
        ck_assert_int_eq(rec.exit_code, 0);
        ck_assert_int_eq(rec.signal, 0);
        ck_assert(!rec.oom_killed);
        ck_assert_ptr_nonnull(rec.finished_at);
        ck_assert_ptr_nonnull(rec.started_at);
        ck_assert_str_eq(rec.docker_id, r.docker_id);
        ck_assert_str_eq(rec.image, IMAGE); /* fields the monitor does not own are kept */

        size_t len, elen;
        _cleanup_free_ char *out = slurp(r.out_path, &len);
        ck_assert_uint_eq(len, (size_t)LINES * 9);
        ck_assert_uint_eq(rec.stdout_bytes, len);
        char want[16];
        for (int i = 0; i < LINES; i++) {
                snprintf(want, sizeof want, "%08d\n", i);
                if (memcmp(out + (size_t)i * 9, want, 9) != 0)
                        ck_abort_msg("stdout line %d is \"%.9s\"", i, out + (size_t)i * 9);
        }
        _cleanup_free_ char *errs = slurp(r.err_path, &elen);
        char ewant[256] = "";
        for (int i = 0; i < LINES; i += 50000)
                snprintf(ewant + strlen(ewant), sizeof ewant - strlen(ewant), "err %d\n", i);
        ck_assert_str_eq(errs, ewant);
        ck_assert_uint_eq(rec.stderr_bytes, elen);

        assert_gone(d, r.docker_id);
        md_record_clear(&rec);
        cleanup_run(d, &r);
        docker_close(d);
}
END_TEST

START_TEST(test_exit_code)
{
        struct docker *d = open_docker();
        md_error err = {0};
        struct run r;
        ck_assert_msg(launch(d, &r, "echo out; echo err >&2; exit 3", &err) == 0, "%s", err.message);
        struct md_record rec = {0};
        wait_exited(&r, &rec, 60);
        ck_assert_str_eq(md_status_to_string(rec.status), "FAILED");
        ck_assert_int_eq(rec.exit_code, 3);
        ck_assert_int_eq(rec.signal, 0);
        size_t len;
        _cleanup_free_ char *out = slurp(r.out_path, &len);
        _cleanup_free_ char *errs = slurp(r.err_path, &len);
        ck_assert_str_eq(out, "out\n");
        ck_assert_str_eq(errs, "err\n");
        assert_gone(d, r.docker_id);
        md_record_clear(&rec);
        cleanup_run(d, &r);
        docker_close(d);
}
END_TEST

static void set_kill_requested(struct md_record *rec, void *arg)
{
        rec->kill_requested = true;
}

/* A running container: the record says RUNNING with the pid, the monitor holds none of our
 * fds, and a destroy (kill_requested + SIGKILL) ends as KILLED with signal 9. */
START_TEST(test_running_then_killed)
{
        struct docker *d = open_docker();
        md_error err = {0};
        struct run r;
        int leak = open("/dev/zero", O_RDONLY); /* no O_CLOEXEC on purpose: the monitor must not keep it */
        ck_assert_int_ge(leak, 0);
        ck_assert_msg(launch(d, &r, "echo started; exec sleep 600", &err) == 0, "%s", err.message);
        close(leak);

        struct md_record rec = {0};
        read_record(&r, &rec);
        ck_assert_str_eq(md_state_to_string(rec.state), md_state_to_string(MD_STATE_RUNNING));
        ck_assert_int_eq(rec.pid, r.started.container_pid);
        ck_assert_int_eq(rec.monitor_pid, r.started.monitor_pid);
        ck_assert_str_eq(rec.started_at, r.started.started_at);

        char fddir[64], link[64], target[256];
        snprintf(fddir, sizeof fddir, "/proc/%d/fd", (int)r.started.monitor_pid);
        DIR *dir = opendir(fddir);
        ck_assert_ptr_nonnull(dir);
        struct dirent *e;
        while ((e = readdir(dir))) {
                if (e->d_name[0] == '.')
                        continue;
                snprintf(link, sizeof link, "%s/%s", fddir, e->d_name);
                ssize_t n = readlink(link, target, sizeof target - 1);
                ck_assert_int_gt(n, 0);
                target[n] = '\0';
                ck_assert_msg(strcmp(target, "/dev/zero") != 0, "the monitor kept fd %s", e->d_name);
        }
        closedir(dir);

        /* destroy: mark the record (under the record lock, as the monitor does), then kill */
        ck_assert_int_eq(md_record_update(r.record_dirfd, r.name, set_kill_requested, NULL, &err), 0);
        ck_assert_msg(docker_container_kill(d, r.docker_id, "SIGKILL", &err) == 0, "%s", err.message);

        wait_exited(&r, &rec, 60);
        ck_assert_str_eq(md_status_to_string(rec.status), "KILLED");
        ck_assert_int_eq(rec.exit_code, 137);
        ck_assert_int_eq(rec.signal, 9);
        ck_assert(rec.kill_requested);
        size_t len;
        _cleanup_free_ char *out = slurp(r.out_path, &len);
        ck_assert_str_eq(out, "started\n");
        assert_gone(d, r.docker_id);
        md_record_clear(&rec);
        cleanup_run(d, &r);
        docker_close(d);
}
END_TEST

/* A stdout that cannot be written (disk full): the container is not blocked by it, stderr
 * still arrives, and the exit is recorded. */
START_TEST(test_output_full)
{
        struct docker *d = open_docker();
        md_error err = {0};
        struct run r;
        ck_assert_msg(
                launch_to(d, &r, "head -c 1048576 /dev/zero; echo tail >&2", "/dev/full", false, &err) == 0,
                "%s", err.message);
        struct md_record rec = {0};
        wait_exited(&r, &rec, 60);
        ck_assert_str_eq(md_status_to_string(rec.status), "FINISHED");
        ck_assert_uint_eq(rec.stdout_bytes, 0);
        ck_assert_uint_eq(rec.stderr_bytes, 5);
        size_t len;
        _cleanup_free_ char *errs = slurp(r.err_path, &len);
        ck_assert_str_eq(errs, "tail\n");
        assert_gone(d, r.docker_id);
        md_record_clear(&rec);
        cleanup_run(d, &r);
        docker_close(d);
}
END_TEST

/* The caller's soft rlimits do not reach the monitor: with RLIMIT_FSIZE at 4 KiB a monitor
 * that kept it would die of SIGXFSZ on the first big write. */
START_TEST(test_caller_limits)
{
        struct docker *d = open_docker();
        md_error err = {0};
        struct run r;
        struct rlimit small = {4096, RLIM_INFINITY};
        ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
        int rc = launch(d, &r, "head -c 1048576 /dev/zero", &err);
        struct rlimit inf = {RLIM_INFINITY, RLIM_INFINITY}; /* Check's own messages need it */
        ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &inf), 0);
        ck_assert_msg(rc == 0, "%s", err.message);
        struct md_record rec = {0};
        wait_exited(&r, &rec, 60);
        ck_assert_str_eq(md_status_to_string(rec.status), "FINISHED");
        ck_assert_uint_eq(rec.stdout_bytes, 1048576);
        struct stat st;
        ck_assert_int_eq(stat(r.out_path, &st), 0);
        ck_assert_int_eq(st.st_size, 1048576);
        md_record_clear(&rec);
        cleanup_run(d, &r);
        docker_close(d);
}
END_TEST

/* A hard limit the monitor could not undo (the setuid helper has no CAP_SYS_RESOURCE left)
 * would bind every caller's containers: a monitor started under one is refused, and the
 * container removed. */
START_TEST(test_caller_hard_limit_refused)
{
        struct docker *d = open_docker();
        md_error err = {0};
        struct run r;
        child_hard_cpu_limit = 3600;
        int rc = launch_to(d, &r, "echo never", NULL, true, &err);
        child_hard_cpu_limit = 0;
        ck_assert_int_eq(rc, -1);
        ck_assert_int_eq(err.exit_code, MD_EXIT_FAILED);
        ck_assert_msg(strstr(err.message, "RLIMIT_CPU") != NULL, "%s", err.message);
        assert_gone(d, r.docker_id);
        cleanup_run(d, &r);
        docker_close(d);
}
END_TEST

/* Launched the way the setuid helper launches (caller's real ids, no capability): the monitor
 * still becomes uid 0 through and through, keeps no capability, and the caller can neither
 * signal nor trace it. */
START_TEST(test_launch_as_setuid_helper)
{
        struct docker *d = open_docker();
        md_error err = {0};
        struct run r;
        ck_assert_msg(launch_to(d, &r, "echo started; exec sleep 600", NULL, true, &err) == 0, "%s",
                      err.message);
        pid_t mon = r.started.monitor_pid;

        char path[64], line[256];
        snprintf(path, sizeof path, "/proc/%d/status", (int)mon);
        FILE *f = fopen(path, "re");
        ck_assert_ptr_nonnull(f);
        bool uid_ok = false, caps_ok = false;
        while (fgets(line, sizeof line, f)) {
                if (strncmp(line, "Uid:", 4) == 0)
                        uid_ok = strcmp(line, "Uid:\t0\t0\t0\t0\n") == 0;
                if (strncmp(line, "CapEff:", 7) == 0)
                        caps_ok = strcmp(line, "CapEff:\t0000000000000000\n") == 0;
        }
        fclose(f);
        ck_assert_msg(uid_ok, "the monitor's uids are not all 0");
        ck_assert_msg(caps_ok, "the monitor kept capabilities");

        /* the caller: uid NOBODY through and through */
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                if (setresgid(NOBODY, NOBODY, NOBODY) < 0 || setresuid(NOBODY, NOBODY, NOBODY) < 0)
                        _exit(10);
                if (kill(mon, SIGKILL) == 0 || errno != EPERM)
                        _exit(11);
                if (ptrace(PTRACE_ATTACH, mon, NULL, NULL) == 0 || errno != EPERM)
                        _exit(12);
                char fd0[64];
                snprintf(fd0, sizeof fd0, "/proc/%d/fd/3", (int)mon);
                if (open(fd0, O_RDONLY | O_CLOEXEC) >= 0)
                        _exit(13);
                _exit(0);
        }
        int status;
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "caller step %d succeeded",
                      WEXITSTATUS(status));

        ck_assert_msg(docker_container_kill(d, r.docker_id, "SIGKILL", &err) == 0, "%s", err.message);
        struct md_record rec = {0};
        wait_exited(&r, &rec, 60);
        ck_assert_str_eq(md_status_to_string(rec.status), "FAILED");
        ck_assert_int_eq(rec.signal, 9);
        size_t len;
        _cleanup_free_ char *out = slurp(r.out_path, &len);
        ck_assert_str_eq(out, "started\n");
        assert_gone(d, r.docker_id);
        md_record_clear(&rec);
        cleanup_run(d, &r);
        docker_close(d);
}
END_TEST

/* A start the daemon refuses: launch fails with docker's reason, and the container is left to
 * the launcher, its one remover (the monitor does not touch it). */
START_TEST(test_start_refused)
{
        struct docker *d = open_docker();
        md_error err = {0};
        struct run r;
        memset(&r, 0, sizeof r);
        strcpy(r.dir, "/tmp/md-live-XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(r.dir));
        snprintf(r.state_dir, sizeof r.state_dir, "%s/state", r.dir);
        ck_assert_int_eq(mkdir(r.state_dir, 0700), 0);
        snprintf(r.name, sizeof r.name, "mesos-live-%d-refused", (int)getpid());
        _cleanup_json_ json_t *body = json_pack("{s:s, s:[s], s:{s:s}}", "Image", IMAGE, "Cmd",
                                                "/no/such/program", "Labels", "mesos.test", "live");
        ck_assert_msg(docker_container_create(d, r.name, body, r.docker_id, &err) == 0, "%s", err.message);
        r.record_dirfd = md_record_dir_open(r.state_dir, true, &err);
        struct md_record rec = {.container = r.name, .docker_id = r.docker_id, .state = MD_STATE_CREATED};
        ck_assert_int_eq(md_record_write(r.record_dirfd, &rec, &err), 0);
        int out = open("/dev/null", O_WRONLY | O_CLOEXEC), errfd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        struct monitor_config cfg = {sock, r.name, r.docker_id, r.state_dir, out, errfd, MD_KEEP_FOREVER};
        ck_assert_int_eq(monitor_launch(&cfg, &r.started, &err), -1);
        ck_assert_int_eq(err.exit_code, MD_EXIT_FAILED);
        ck_assert_msg(strstr(err.message, "/no/such/program") != NULL, "%s", err.message);
        json_t *info = NULL;
        md_error ierr = {0};
        ck_assert_msg(docker_container_inspect(d, r.docker_id, &info, &ierr) == 0,
                      "the monitor removed it: %s", ierr.message);
        json_decref(info);
        md_error ignored = {0};
        ck_assert_int_eq(docker_container_remove(d, r.docker_id, &ignored), 0);
        assert_gone(d, r.docker_id);
        cleanup_run(d, &r);
        docker_close(d);
}
END_TEST

static bool pid_alive(pid_t pid)
{
        return kill(pid, 0) == 0 || errno == EPERM;
}

static void make_state_dir(char dir[static 64], char state[static 96])
{
        strcpy(dir, "/tmp/md-live-XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(dir));
        snprintf(state, 96, "%s/state", dir);
        ck_assert_int_eq(mkdir(state, 0700), 0);
}

static void check_numbered(const char *path, const char *prefix, int lines)
{
        size_t len;
        _cleanup_free_ char *out = slurp(path, &len);
        char want[64];
        size_t at = 0;
        for (int i = 0; i < lines; i++) {
                int n = snprintf(want, sizeof want, "%s %06d\n", prefix, i);
                if (at + (size_t)n > len || memcmp(out + at, want, (size_t)n) != 0)
                        ck_abort_msg("%s: line %d is not \"%s %06d\"", path, i, prefix, i);
                at += (size_t)n;
        }
        ck_assert_uint_eq(at, len);
}

/* Several containers of one state dir share one monitor, which streams them all at once,
 * each into its own files; with no container left it exits and removes its socket, and the
 * next launch starts a new one. */
#define SHARED 4
#define SHARED_LINES 60000
START_TEST(test_shared_monitor)
{
        struct docker *d = open_docker();
        md_error err = {0};
        char dir[64], state[96], sockpath[160];
        make_state_dir(dir, state);
        snprintf(sockpath, sizeof sockpath, "%s/monitor.sock", state);
        struct run r[SHARED];
        for (int i = 0; i < SHARED; i++) {
                char script[256];
                snprintf(script, sizeof script,
                         "awk 'BEGIN { for (i = 0; i < %d; i++) { printf \"c%d %%06d\\n\", i; "
                         "printf \"e%d %%06d\\n\", i > \"/dev/stderr\" } }'",
                         SHARED_LINES, i, i);
                ck_assert_msg(launch_full(d, &r[i], script, NULL, false, state, &err) == 0, "%s",
                              err.message);
                ck_assert_int_eq(r[i].started.monitor_pid, r[0].started.monitor_pid);
        }
        pid_t mon = r[0].started.monitor_pid;
        struct stat st;
        ck_assert_int_eq(stat(sockpath, &st), 0);
        ck_assert(S_ISSOCK(st.st_mode));
        ck_assert_int_eq(st.st_mode & 077, 0);
        for (int i = 0; i < SHARED; i++) {
                struct md_record rec = {0};
                wait_exited(&r[i], &rec, 120);
                ck_assert_str_eq(md_status_to_string(rec.status), "FINISHED");
                char prefix[8];
                snprintf(prefix, sizeof prefix, "c%d", i);
                check_numbered(r[i].out_path, prefix, SHARED_LINES);
                snprintf(prefix, sizeof prefix, "e%d", i);
                check_numbered(r[i].err_path, prefix, SHARED_LINES);
                ck_assert_uint_eq(rec.stdout_bytes, (uint64_t)SHARED_LINES * 10);
                ck_assert_uint_eq(rec.stderr_bytes, (uint64_t)SHARED_LINES * 10);
                assert_gone(d, r[i].docker_id);
                md_record_clear(&rec);
        }
        /* idle: gone within its idle time (30 s) and a margin, socket too */
        int64_t deadline = md_monotonic_ms() + 45000;
        while (pid_alive(mon)) {
                ck_assert_msg(md_monotonic_ms() < deadline, "the idle monitor %d did not exit", (int)mon);
                usleep(200000);
        }
        ck_assert_int_eq(stat(sockpath, &st), -1);
        struct run again;
        ck_assert_msg(launch_full(d, &again, "echo again", NULL, false, state, &err) == 0, "%s", err.message);
        ck_assert_int_ne(again.started.monitor_pid, mon);
        struct md_record rec = {0};
        wait_exited(&again, &rec, 60);
        size_t len;
        _cleanup_free_ char *out = slurp(again.out_path, &len);
        ck_assert_str_eq(out, "again\n");
        md_record_clear(&rec);
        for (int i = 0; i < SHARED; i++)
                cleanup_run(d, &r[i]);
        cleanup_run(d, &again);
        rm_rf(dir);
        docker_close(d);
}
END_TEST

/* The idle exit: the listening monitor alone holds monitor.lock (no launch takes it, so no
 * stopped launch can hold it); once idle it goes, its socket and its lock with it, and the
 * next launch starts another. */
START_TEST(test_idle_exit_waits_for_launch)
{
        struct docker *d = open_docker();
        md_error err = {0};
        char dir[64], state[96], path[160];
        make_state_dir(dir, state);
        struct run r;
        ck_assert_msg(launch_full(d, &r, "true", NULL, false, state, &err) == 0, "%s", err.message);
        pid_t mon = r.started.monitor_pid;
        struct md_record rec = {0};
        wait_exited(&r, &rec, 60);
        md_record_clear(&rec);

        snprintf(path, sizeof path, "%s/monitor.lock", state);
        int lock = open(path, O_RDWR | O_CLOEXEC);
        ck_assert_int_ge(lock, 0);
        ck_assert_msg(flock(lock, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK,
                      "the listening monitor does not hold monitor.lock");
        int64_t deadline = md_monotonic_ms() + 60000;
        while (pid_alive(mon)) {
                ck_assert_msg(md_monotonic_ms() < deadline, "the idle monitor did not exit");
                usleep(100000);
        }
        ck_assert_int_eq(flock(lock, LOCK_EX | LOCK_NB), 0);
        close(lock);
        struct run again;
        ck_assert_msg(launch_full(d, &again, "echo again", NULL, false, state, &err) == 0, "%s", err.message);
        ck_assert_int_ne(again.started.monitor_pid, mon);
        wait_exited(&again, &rec, 60);
        md_record_clear(&rec);
        cleanup_run(d, &r);
        cleanup_run(d, &again);
        rm_rf(dir);
        docker_close(d);
}
END_TEST

/* A monitor killed outright leaves its socket behind: the next launch starts a new monitor,
 * which does its work. */
START_TEST(test_monitor_killed_relaunch)
{
        struct docker *d = open_docker();
        md_error err = {0};
        char dir[64], state[96];
        make_state_dir(dir, state);
        struct run first, second;
        ck_assert_msg(launch_full(d, &first, "exec sleep 600", NULL, false, state, &err) == 0, "%s",
                      err.message);
        pid_t mon = first.started.monitor_pid;
        ck_assert_int_eq(kill(mon, SIGKILL), 0);
        while (pid_alive(mon))
                usleep(20000);
        ck_assert_msg(launch_full(d, &second, "echo second; exit 4", NULL, false, state, &err) == 0, "%s",
                      err.message);
        ck_assert_int_ne(second.started.monitor_pid, mon);
        struct md_record rec = {0};
        wait_exited(&second, &rec, 60);
        ck_assert_int_eq(rec.exit_code, 4);
        size_t len;
        _cleanup_free_ char *out = slurp(second.out_path, &len);
        ck_assert_str_eq(out, "second\n");
        /* the first one's monitor is gone: its record keeps the dead pid, for the reaper */
        read_record(&first, &rec);
        ck_assert_int_eq(rec.monitor_pid, mon);
        ck_assert_str_eq(md_state_to_string(rec.state), md_state_to_string(MD_STATE_RUNNING));
        md_record_clear(&rec);
        cleanup_run(d, &first);
        cleanup_run(d, &second);
        rm_rf(dir);
        docker_close(d);
}
END_TEST

/* A container writing numbered lines on both streams, slowly enough to be cut in the middle:
 * LINES_SLOW lines, a pause every 50 (about 6 s in all, so that it still runs when a
 * restarted daemon is back: what a container writes into its pipes and exits while the
 * daemon is away never reaches docker's log, and nobody can copy it). */
#define LINES_SLOW 3000
#define SLOW_SCRIPT                                                                                          \
        "i=0; while [ $i -lt 3000 ]; do printf 'o %06d\\n' $i; printf 'e %06d\\n' $i >&2; i=$((i+1)); "      \
        "if [ $((i % 50)) = 0 ]; then usleep 100000; fi; done"

static void check_slow_output(struct run *r, const char *err_prefix)
{
        check_numbered(r->out_path, "o", LINES_SLOW);
        size_t len;
        _cleanup_free_ char *errs = slurp(r->err_path, &len);
        size_t pre = strlen(err_prefix);
        ck_assert_uint_ge(len, pre);
        ck_assert_int_eq(memcmp(errs, err_prefix, pre), 0);
        char want[32];
        size_t at = pre;
        for (int i = 0; i < LINES_SLOW; i++) {
                int n = snprintf(want, sizeof want, "e %06d\n", i);
                if (at + (size_t)n > len || memcmp(errs + at, want, (size_t)n) != 0)
                        ck_abort_msg("stderr line %d is not \"e %06d\" (%zu bytes)", i, i, len);
                at += (size_t)n;
        }
        ck_assert_uint_eq(at, len);
}

static struct monitor_config reopen_config(struct run *r, const char *sock_path)
{
        int out = open(r->out_path, O_RDWR | O_APPEND | O_CLOEXEC);
        int errfd = open(r->err_path, O_RDWR | O_APPEND | O_CLOEXEC);
        ck_assert(out >= 0 && errfd >= 0);
        return (struct monitor_config){sock_path, r->name, r->docker_id,   r->state_dir,
                                       out,       errfd,   MD_KEEP_FOREVER};
}

/* Launches SCRIPT and kills its monitor a second later, while the container still runs. */
static void launch_then_kill_monitor(struct docker *d, struct run *r, const char *script, const char *state)
{
        md_error err = {0};
        ck_assert_msg(launch_full(d, r, script, NULL, false, state, &err) == 0, "%s", err.message);
        usleep(1000000);
        pid_t mon = r->started.monitor_pid;
        ck_assert_int_eq(kill(mon, SIGKILL), 0);
        while (pid_alive(mon))
                usleep(20000);
}

/* Hands the container of R to a new monitor, which completes its files from the log. */
static void adopt(struct run *r)
{
        md_error err = {0};
        struct monitor_config cfg = reopen_config(r, sock);
        ck_assert_msg(monitor_adopt(&cfg, &err) == 0, "%s", err.message);
}

/* The monitor dies (SIGKILL) while the container writes: monitor_adopt hands the container to
 * a new monitor, which completes both files from the log, every line once and in order. */
START_TEST(test_monitor_killed_adopt)
{
        struct docker *d = open_docker();
        md_error err = {0};
        char dir[64], state[96];
        make_state_dir(dir, state);
        struct run r;
        /* the launch opens the files; what is in stderr before it is the fetcher's */
        ck_assert_msg(launch_full(d, &r, "sleep 1; " SLOW_SCRIPT, NULL, false, state, &err) == 0, "%s",
                      err.message);
        struct md_record rec = {0};
        read_record(&r, &rec);
        ck_assert_uint_eq(rec.stdout_base, 0);
        usleep(2000000);
        pid_t mon = r.started.monitor_pid;
        ck_assert_int_eq(kill(mon, SIGKILL), 0);
        while (pid_alive(mon))
                usleep(20000);
        struct stat st;
        ck_assert_int_eq(stat(r.out_path, &st), 0);
        ck_assert_msg(st.st_size > 0 && st.st_size < LINES_SLOW * 9, "killed too late: %lld bytes",
                      (long long)st.st_size);

        struct monitor_config cfg = reopen_config(&r, sock);
        ck_assert_msg(monitor_adopt(&cfg, &err) == 0, "%s", err.message);
        read_record(&r, &rec);
        ck_assert_int_ne(rec.monitor_pid, mon);
        ck_assert_int_gt(rec.monitor_pid, 1);
        /* the new monitor has it: a second adoption would write everything twice */
        struct monitor_config again = reopen_config(&r, sock);
        ck_assert_int_eq(monitor_adopt(&again, &err), -1);
        ck_assert_msg(strstr(err.message, "already") != NULL, "%s", err.message);

        wait_exited(&r, &rec, 120);
        ck_assert_str_eq(md_status_to_string(rec.status), "FINISHED");
        check_slow_output(&r, "");
        ck_assert_uint_eq(rec.stdout_bytes, (uint64_t)LINES_SLOW * 9);
        ck_assert_uint_eq(rec.stderr_bytes, (uint64_t)LINES_SLOW * 9);
        ck_assert_int_eq(rec.monitor_pid, 0);
        assert_gone(d, r.docker_id);
        md_record_clear(&rec);
        cleanup_run(d, &r);
        rm_rf(dir);
        docker_close(d);
}
END_TEST

/* The monitor dies, then the container exits with nobody watching: adopting it afterwards
 * completes the output from the log and records the exit (what `recover` can do instead of
 * reaping it with part of its output missing). */
START_TEST(test_adopt_after_exit)
{
        struct docker *d = open_docker();
        md_error err = {0};
        char dir[64], state[96];
        make_state_dir(dir, state);
        struct run r;
        launch_then_kill_monitor(
                d, &r,
                "awk 'BEGIN { for (i = 0; i < 500; i++) printf \"o %06d\\n\", i }'; sleep 2; "
                "awk 'BEGIN { for (i = 500; i < 1000; i++) printf \"o %06d\\n\", i }'; exit 5",
                state);
        int64_t deadline = md_monotonic_ms() + 30000;
        for (;;) {
                _cleanup_json_ json_t *info = NULL;
                ck_assert_msg(docker_container_inspect(d, r.docker_id, &info, &err) == 0, "%s", err.message);
                if (!json_is_true(json_object_get(json_object_get(info, "State"), "Running")))
                        break;
                ck_assert(md_monotonic_ms() < deadline);
                usleep(100000);
        }
        struct stat st;
        ck_assert_int_eq(stat(r.out_path, &st), 0);
        ck_assert_int_eq(st.st_size, 500 * 9);

        adopt(&r);
        struct md_record rec = {0};
        wait_exited(&r, &rec, 60);
        ck_assert_str_eq(md_status_to_string(rec.status), "FAILED");
        ck_assert_int_eq(rec.exit_code, 5);
        check_numbered(r.out_path, "o", 1000);
        ck_assert_uint_eq(rec.stdout_bytes, 1000 * 9);
        assert_gone(d, r.docker_id);
        md_record_clear(&rec);
        cleanup_run(d, &r);
        rm_rf(dir);
        docker_close(d);
}
END_TEST

/* A dockerd of the test's own (--live-restore: its containers outlive it), on a temporary
 * socket and data root, loaded with the test image from the main daemon. */
struct private_dockerd {
        char dir[64];
        char sock[128];
        pid_t pid;
};

static void dockerd_start(struct private_dockerd *p)
{
        char host[160], root[96], exec_root[96], pidfile[96], log[96];
        snprintf(host, sizeof host, "unix://%s", p->sock);
        snprintf(root, sizeof root, "%s/root", p->dir);
        snprintf(exec_root, sizeof exec_root, "%s/exec", p->dir);
        snprintf(pidfile, sizeof pidfile, "%s/pid", p->dir);
        snprintf(log, sizeof log, "%s/log", p->dir);
        p->pid = fork();
        ck_assert_int_ge(p->pid, 0);
        if (p->pid == 0) {
                setsid();
                /* a case that fails midway exits before it can stop the daemon: it goes then too,
                 * and does not outlive the run */
                prctl(PR_SET_PDEATHSIG, SIGTERM);
                int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
                if (fd >= 0) {
                        dup2(fd, 1);
                        dup2(fd, 2);
                }
                execlp("dockerd", "dockerd", "--host", host, "--data-root", root, "--exec-root", exec_root,
                       "--pidfile", pidfile, "--bridge=none", "--iptables=false", "--ip-masq=false",
                       "--live-restore", (char *)NULL);
                _exit(127);
        }
        int64_t deadline = md_monotonic_ms() + 30000;
        for (;;) {
                struct docker *d = NULL;
                md_error err = {0};
                if (docker_open(p->sock, &d, &err) == 0) {
                        docker_close(d);
                        return;
                }
                ck_assert_msg(md_monotonic_ms() < deadline, "private dockerd did not come up: %s",
                              err.message);
                usleep(100000);
        }
}

static void dockerd_stop(struct private_dockerd *p)
{
        if (p->pid <= 0)
                return;
        kill(p->pid, SIGTERM);
        waitpid(p->pid, NULL, 0);
        p->pid = 0;
}

static void dockerd_destroy(struct private_dockerd *p)
{
        dockerd_stop(p);
        char path[128];
        snprintf(path, sizeof path, "%s/exec/netns/default", p->dir);
        umount2(path, MNT_DETACH);
        snprintf(path, sizeof path, "%s/root", p->dir);
        umount2(path, MNT_DETACH);
        rm_rf(p->dir);
}

/* A waiter's side of the container's exit FIFO (exit_fifo.h), as `wait` opens it. */
static int open_exit_fifo(const struct run *r)
{
        md_error err = {0};
        int dirfd = md_state_subdir_open(r->state_dir, MD_EXIT_FIFO_DIR, false, &err);
        ck_assert_msg(dirfd >= 0, "%s", err.message);
        int fd = md_exit_fifo_open(dirfd, r->name);
        ck_assert_int_ge(fd, 0);
        close(dirfd);
        return fd;
}

/* What a waiter sleeping on fd sees within timeout_ms (0: now). */
static short fifo_events(int fd, int timeout_ms)
{
        struct pollfd p = {fd, POLLIN, 0};
        return poll(&p, 1, timeout_ms) > 0 ? p.revents : 0;
}

/* The daemon restarts (live restore) while a container writes: the attach stream breaks,
 * the monitor reconnects with back-off and resumes from the json-file log: every line once,
 * in order, and the exit recorded. A `wait` sleeping on the exit FIFO sleeps through the
 * restart and wakes for the exit. */
START_TEST(test_daemon_restart)
{
        struct private_dockerd p = {.pid = 0};
        strcpy(p.dir, "/tmp/md-dk-XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(p.dir));
        snprintf(p.sock, sizeof p.sock, "%s/d.sock", p.dir);
        dockerd_start(&p);
        char cmd[512];
        snprintf(cmd, sizeof cmd, "docker -H unix://%s save %s | docker -H unix://%s load >/dev/null", sock,
                 IMAGE, p.sock);
        ck_assert_int_eq(system(cmd), 0);

        const char *main_sock = sock;
        sock = p.sock;
        struct docker *d = open_docker();
        md_error err = {0};
        struct run r;
        prefill_err = "fetched\n";
        int rc = launch_full(d, &r, "sleep 1; " SLOW_SCRIPT, NULL, false, NULL, &err);
        prefill_err = NULL;
        ck_assert_msg(rc == 0, "%s", err.message);
        struct md_record rec = {0};
        read_record(&r, &rec);
        ck_assert_uint_eq(rec.stderr_base, 8);
        int waiter = open_exit_fifo(&r);
        usleep(2000000);
        docker_close(d);
        dockerd_stop(&p);
        struct stat st;
        ck_assert_int_eq(stat(r.out_path, &st), 0);
        ck_assert_msg(st.st_size > 0 && st.st_size < LINES_SLOW * 9, "restarted too late: %lld bytes",
                      (long long)st.st_size);
        usleep(1500000); /* the container writes on while the daemon is away */
        /* no exit can be recorded without the daemon: the waiter still sleeps */
        ck_assert_int_eq(fifo_events(waiter, 0), 0);
        dockerd_start(&p);
        d = open_docker();

        wait_exited(&r, &rec, 120);
        /* released right after the exit went into the record: bounded, not timed */
        ck_assert(fifo_events(waiter, 10000) & POLLHUP);
        close(waiter);
        ck_assert_str_eq(md_status_to_string(rec.status), "FINISHED");
        ck_assert_int_eq(rec.exit_code, 0);
        check_slow_output(&r, "fetched\n");
        ck_assert_uint_eq(rec.stdout_bytes, (uint64_t)LINES_SLOW * 9);
        ck_assert_uint_eq(rec.stderr_bytes, (uint64_t)LINES_SLOW * 9);
        assert_gone(d, r.docker_id);
        md_record_clear(&rec);
        cleanup_run(d, &r);
        docker_close(d);
        sock = main_sock;
        dockerd_destroy(&p);
}
END_TEST

/* Launches script with its output in a new state dir (dir), and kills the monitor while it
 * writes: how many bytes the stdout file held then. */
static size_t launch_kill_held(struct docker *d, struct run *r, const char *script, char dir[static 64])
{
        char state[96];
        make_state_dir(dir, state);
        launch_then_kill_monitor(d, r, script, state);
        struct stat st;
        ck_assert_int_eq(stat(r->out_path, &st), 0);
        ck_assert_msg(st.st_size > 0, "killed before any output");
        return (size_t)st.st_size;
}

/* A new monitor adopts r; once the exit is in, stdout is want exactly, and the record counts it.
 * Then everything goes. */
static void adopted_output_is(struct docker *d, struct run *r, const char *dir, const char *want,
                              size_t want_len, size_t held)
{
        adopt(r);
        struct md_record rec = {0};
        wait_exited(r, &rec, 60);
        ck_assert_int_eq(rec.exit_code, 0);
        size_t len;
        _cleanup_free_ char *out = slurp(r->out_path, &len);
        ck_assert_msg(len == want_len, "%zu bytes, want %zu (the file held %zu)", len, want_len, held);
        ck_assert_int_eq(memcmp(out, want, len), 0);
        ck_assert_uint_eq(rec.stdout_bytes, want_len);
        assert_gone(d, r->docker_id);
        md_record_clear(&rec);
        cleanup_run(d, r);
        rm_rf(dir);
        docker_close(d);
}

/* UTF-8 beyond ASCII (é, €, an emoji: 2, 3 and 4 bytes), resumed from the json-file log after
 * the monitor died: the log keeps valid UTF-8 as it is, so the copy lines up with what the
 * file held and nothing is written twice. (Bytes that are not UTF-8, and a character the
 * daemon splits at its 16 KiB message size, are not kept: BUGS in the helper's man page.) */
#define UTF8_LINE "\303\251 \342\202\254 \360\237\230\200 "
START_TEST(test_adopt_utf8)
{
        struct docker *d = open_docker();
        char dir[64];
        struct run r;
        size_t held = launch_kill_held(
                d, &r,
                "i=0; while [ $i -lt 100 ]; do printf '" UTF8_LINE "%03d\\n' $i; i=$((i+1)); "
                "done; sleep 2; "
                "while [ $i -lt 200 ]; do printf '" UTF8_LINE "%03d\\n' $i; i=$((i+1)); done",
                dir);
        char want[200 * 20];
        size_t want_len = 0;
        for (int i = 0; i < 200; i++)
                want_len += (size_t)snprintf(want + want_len, sizeof want - want_len, UTF8_LINE "%03d\n", i);
        adopted_output_is(d, &r, dir, want, want_len, held);
}
END_TEST

/* Bytes that are not UTF-8 (\377), with a literal U+FFFD and an é on each line, resumed after
 * the monitor died: json-file kept each \377 as U+FFFD, so the log is longer than what the
 * file held; the new monitor finds where the file ends in the log by content, writes nothing
 * twice, and the rest comes as json-file kept it (its \377 as U+FFFD: BUGS in the helper's man
 * page). Counting bytes instead left 1000 bytes where 600 were written. */
#define BINARY_LINE "\377\303\251\357\277\275\n"
START_TEST(test_adopt_binary)
{
        struct docker *d = open_docker();
        char dir[64];
        struct run r;
        size_t held =
                launch_kill_held(d, &r,
                                 "i=0; while [ $i -lt 100 ]; do printf 'a\\377\\303\\251\\357\\277\\275\\n'; "
                                 "i=$((i+1)); done; sleep 2; "
                                 "while [ $i -lt 200 ]; do printf 'b\\377\\303\\251\\357\\277\\275\\n'; "
                                 "i=$((i+1)); done",
                                 dir);
        /* what the container wrote; the file: what it held, then the rest as json-file has it */
        char wrote[200 * 8 + 1];
        size_t wrote_len = 0;
        for (int i = 0; i < 200; i++)
                wrote_len += (size_t)snprintf(wrote + wrote_len, sizeof wrote - wrote_len, "%c" BINARY_LINE,
                                              i < 100 ? 'a' : 'b');
        ck_assert_uint_le(held, wrote_len);
        char want[200 * 10];
        memcpy(want, wrote, held);
        size_t want_len = held;
        for (size_t i = held; i < wrote_len; i++) {
                if ((unsigned char)wrote[i] == 0377) {
                        memcpy(want + want_len, "\357\277\275", 3);
                        want_len += 3;
                } else {
                        want[want_len++] = wrote[i];
                }
        }
        adopted_output_is(d, &r, dir, want, want_len, held);
}
END_TEST

/* A line of 6000 € (18000 bytes) that the daemon cuts at 16 KiB, through the middle of a €: its
 * log holds one U+FFFD for each byte of that € (6 bytes more than the container wrote). The
 * file held the whole line when the monitor died; the new monitor finds where it ends in the
 * log, so the line is not written again in part, and the lines after it come whole. */
START_TEST(test_adopt_split_character)
{
        struct docker *d = open_docker();
        char dir[64];
        struct run r;
        size_t held = launch_kill_held(
                d, &r,
                "i=0; while [ $i -lt 6000 ]; do printf '\342\202\254'; i=$((i+1)); done; echo; "
                "sleep 2; i=0; while [ $i -lt 100 ]; do printf 'o %03d\\n' $i; i=$((i+1)); done",
                dir);
        ck_assert_msg(held == 18001, "killed with %zu bytes held, not the whole line", held);
        static char want[18001 + 100 * 6 + 1];
        size_t want_len = 0;
        for (int i = 0; i < 6000; i++, want_len += 3)
                memcpy(want + want_len, "\342\202\254", 3);
        want[want_len++] = '\n';
        for (int i = 0; i < 100; i++)
                want_len += (size_t)snprintf(want + want_len, sizeof want - want_len, "o %03d\n", i);
        adopted_output_is(d, &r, dir, want, want_len, held);
}
END_TEST

/* Runs once after the case, in the runner: a test that failed midway left its container. */
static void remove_leftovers(void)
{
        struct docker *d = NULL;
        md_error err = {0};
        json_t *list = NULL;
        if (docker_open(sock, &d, &err) < 0)
                return;
        if (docker_container_list(d, "mesos.test=live", &list, &err) == 0) {
                size_t i;
                json_t *c;
                json_array_foreach(list, i, c)
                {
                        const char *id = json_string_value(json_object_get(c, "Id"));
                        if (id) {
                                fprintf(stderr, "removing leftover container %.12s\n", id);
                                docker_container_remove(d, id, &err);
                        }
                }
        }
        json_decref(list);
        docker_close(d);
}

static Suite *live_suite(void)
{
        Suite *s = suite_create("docker_live");
        TCase *tc = tcase_create("live");
        tcase_set_timeout(tc, 300);
        tcase_add_unchecked_fixture(tc, NULL, remove_leftovers);
        tcase_add_test(tc, test_open);
        tcase_add_test(tc, test_images);
        tcase_add_test(tc, test_container_errors);
        tcase_add_test(tc, test_stream_everything);
        tcase_add_test(tc, test_exit_code);
        tcase_add_test(tc, test_running_then_killed);
        tcase_add_test(tc, test_output_full);
        tcase_add_test(tc, test_caller_limits);
        tcase_add_test(tc, test_caller_hard_limit_refused);
        tcase_add_test(tc, test_launch_as_setuid_helper);
        tcase_add_test(tc, test_start_refused);
        tcase_add_test(tc, test_shared_monitor);
        tcase_add_test(tc, test_idle_exit_waits_for_launch);
        tcase_add_test(tc, test_monitor_killed_relaunch);
        tcase_add_test(tc, test_monitor_killed_adopt);
        tcase_add_test(tc, test_adopt_after_exit);
        tcase_add_test(tc, test_adopt_utf8);
        tcase_add_test(tc, test_adopt_binary);
        tcase_add_test(tc, test_adopt_split_character);
        tcase_add_test(tc, test_daemon_restart);
        suite_add_tcase(s, tc);
        return s;
}

int main(void)
{
        sock = getenv("MD_TEST_DOCKER_SOCK");
        if (!sock || !sock[0]) {
                return skip_suite("MD_TEST_DOCKER_SOCK is not set");
        }
        if (geteuid() != 0) {
                return skip_suite("needs root");
        }
        return check_run(live_suite());
}
