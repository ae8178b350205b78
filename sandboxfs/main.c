/* mesos-sandboxfs: the live, per-reader view of every mesos- container (interface.md).
 *
 * Phases: parse the options, load the root-owned policy, open the state dir, mount (as root),
 * leave an unmount keeper behind, drop to CAP_DAC_READ_SEARCH, follow the records, serve. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fuse_lowlevel.h>

#include "build_info.h"
#include "config.h"
#include "follow.h"
#include "handle.h"
#include "loop.h"
#include "mounts.h"
#include "ops.h"
#include "policy.h"
#include "privs.h"
#include "reader.h"
#include "tree.h"
#include "util.h"
#include "watch.h"

#define DEFAULT_MAX_THREADS 16
#define DEFAULT_IDLE_THREADS 4

/* Forced after the user's -o options, so that none can undo them. */
#define FORCED_MOUNT_OPTIONS                                                                                 \
        "-oallow_other,ro,nosuid,nodev,noexec,fsname=" MD_SANDBOXFS_FSNAME ",subtype=" MD_SANDBOXFS_SUBTYPE

static __attribute__((noreturn, format(printf, 2, 3))) void die(int code, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        fputs("mesos-sandboxfs: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
        exit(code);
}

static void usage(FILE *f)
{
        fputs("usage: mesos-sandboxfs [-f] [-d] [-o OPTION[,OPTION...]] MOUNTPOINT\n"
              "  -f            stay in the foreground\n"
              "  -d            debug output (implies -f)\n"
              "  -o max_threads=N, max_idle_threads=N, and the usual FUSE mount options;\n"
              "     allow_other,ro,nosuid,nodev,noexec are always set\n"
              "  -h, --help    this text\n"
              "  -V, --version the version, the policy file it reads, its state dir, the build\n",
              f);
}

/* A mount left by a killed daemon answers ENOTCONN: detach it so that a restart mounts
 * cleanly on the same point. statfs, not stat: the kernel may answer a stat from attributes it
 * still caches, but always sends a statfs to the (gone) daemon. */
static void detach_stale_mount(const char *mountpoint)
{
        struct statfs sf;
        if (statfs(mountpoint, &sf) < 0 && errno == ENOTCONN)
                umount2(mountpoint, MNT_DETACH);
}

/* The serving process cannot unmount once it has dropped CAP_SYS_ADMIN. A child keeps only that
 * capability and waits on a pipe: one byte means a clean exit (unmount); EOF alone means the
 * daemon was killed, and the mount is left as the kernel leaves it (ENOTCONN) until a restart.
 * It ignores the stop signals: systemd signals the whole unit, and the keeper must outlive the
 * daemon to do its one job. */
static pid_t keeper_pid;

static int start_unmount_keeper(const char *mountpoint, int fuse_fd)
{
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                die(MD_EXIT_FAILED, "pipe: %s", strerror(errno));
        pid_t pid = fork();
        if (pid < 0)
                die(MD_EXIT_FAILED, "fork: %s", strerror(errno));
        if (pid > 0) {
                close(p[0]);
                keeper_pid = pid;
                return p[1];
        }
        close(p[1]);
        close(fuse_fd); /* the connection must die with the daemon */
        signal(SIGTERM, SIG_IGN);
        signal(SIGINT, SIG_IGN);
        signal(SIGHUP, SIG_IGN);
        md_error err;
        md_error_clear(&err);
        if (sbfs_drop_to_unmounter(&err) < 0)
                _exit(MD_EXIT_FAILED);
        char c;
        ssize_t n;
        do
                n = read(p[0], &c, 1);
        while (n < 0 && errno == EINTR);
        if (n == 1)
                umount2(mountpoint, MNT_DETACH);
        _exit(0);
}

static struct fuse_session *session;

/* default_permissions would have the kernel check each reader against the files' own modes,
 * which is not this filesystem's rule (the owner's rights, for every reader it lets in). */
enum { KEY_DEFAULT_PERMISSIONS };
static const struct fuse_opt refused_opts[] = {
        FUSE_OPT_KEY("default_permissions", KEY_DEFAULT_PERMISSIONS),
        FUSE_OPT_END,
};

static int refuse_opt(void *data, const char *arg, int key, struct fuse_args *outargs)
{
        if (key == KEY_DEFAULT_PERMISSIONS) {
                *(bool *)data = true;
                return 0;
        }
        return 1;
}

/* Every inode the kernel holds in a sandbox is an O_PATH fd here (passthrough_ll's design):
 * take as many as the system allows, while still privileged. */
static void raise_fd_limit(void)
{
        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
                return;
        char buf[32] = "";
        int fd = open("/proc/sys/fs/nr_open", O_RDONLY | O_CLOEXEC);
        uint64_t nr_open = 0;
        if (fd >= 0) {
                ssize_t n = read(fd, buf, sizeof buf - 1);
                close(fd);
                if (n > 0) {
                        buf[n] = '\0';
                        buf[strcspn(buf, "\n")] = '\0';
                        if (md_parse_u64(buf, &nr_open) < 0)
                                nr_open = 0;
                }
        }
        if (nr_open > rl.rlim_max) {
                struct rlimit more = {.rlim_cur = nr_open, .rlim_max = nr_open};
                if (setrlimit(RLIMIT_NOFILE, &more) == 0)
                        return;
        }
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
}

int main(int argc, char *argv[])
{
        struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
        struct fuse_cmdline_opts opts;
        if (fuse_parse_cmdline(&args, &opts) != 0) {
                usage(stderr);
                return MD_EXIT_USAGE;
        }
        if (opts.show_help) {
                usage(stdout);
                return 0;
        }
        if (opts.show_version) {
                /* the policy is loaded only to say which state dir it names */
                struct policy *p = NULL;
                md_error err = {0};
                bool loaded = policy_load(MD_POLICY_FILE, MD_POLICY_DIR, true, &p, &err) == 0;
                printf("mesos-sandboxfs %s (libfuse %s)\n", MD_VERSION, fuse_pkgversion());
                md_one_line(err.message);
                md_print_build_info(stdout, loaded ? policy_helper(p)->state_dir : NULL, err.message);
                policy_free(p);
                return fflush(stdout) == 0 ? 0 : MD_EXIT_FAILED;
        }
        if (!opts.mountpoint) {
                usage(stderr);
                return MD_EXIT_USAGE;
        }
        bool refused = false;
        if (fuse_opt_parse(&args, &refused, refused_opts, refuse_opt) != 0 || refused)
                die(MD_EXIT_USAGE, "-o default_permissions is not supported: see mesos-sandboxfs(8)");
        if (geteuid() != 0 || getuid() != 0)
                die(MD_EXIT_USAGE, "must be started by root");
        if (fuse_opt_add_arg(&args, FORCED_MOUNT_OPTIONS) != 0)
                die(MD_EXIT_FAILED, "out of memory");

        /* the policy and the state dir are fixed at build time: no option points elsewhere */
        struct policy *policy = NULL;
        md_error err;
        md_error_clear(&err);
        if (policy_load(MD_POLICY_FILE, MD_POLICY_DIR, true, &policy, &err) < 0)
                die(err.exit_code ? err.exit_code : MD_EXIT_POLICY, "%s", err.message);
        if (sbfs_reader_setup(policy) < 0)
                die(MD_EXIT_FAILED, "cannot read /proc/self/uid_map");

        session = fuse_session_new(&args, &sbfs_ops, sizeof sbfs_ops, NULL);
        if (!session)
                die(MD_EXIT_USAGE, "invalid FUSE options");
        if (fuse_set_signal_handlers(session) != 0)
                die(MD_EXIT_FAILED, "signal handlers");
        raise_fd_limit();
        detach_stale_mount(opts.mountpoint);
        if (fuse_session_mount(session, opts.mountpoint) != 0)
                die(MD_EXIT_FAILED, "cannot mount on %s", opts.mountpoint);
        if (fuse_daemonize(opts.foreground) != 0)
                die(MD_EXIT_FAILED, "cannot daemonize");
        int keeper = start_unmount_keeper(opts.mountpoint, fuse_session_fd(session));

        /* from here on: read sandboxes, nothing else (before any thread exists) */
        if (sbfs_drop_to_reader(&err) < 0) {
                fuse_log(FUSE_LOG_ERR, "mesos-sandboxfs: %s\n", err.message);
                if (write(keeper, "u", 1) < 0) { /* the mount cannot be served: take it away */
                }
                return MD_EXIT_FAILED;
        }
        /* the signals that end the loop come to this thread alone (loop.h), never to a thread
         * that would not notice */
        sbfs_loop_signals(SIG_BLOCK);
        if (sbfs_watch_start(policy_helper(policy), &err) < 0) {
                fuse_log(FUSE_LOG_ERR, "mesos-sandboxfs: %s\n", err.message);
                if (write(keeper, "u", 1) < 0) {
                }
                return err.exit_code ? err.exit_code : MD_EXIT_FAILED;
        }

        unsigned max_threads =
                opts.max_threads > 0 && opts.max_threads != 10 ? opts.max_threads : DEFAULT_MAX_THREADS;
        unsigned max_idle = opts.max_idle_threads != UINT_MAX && opts.max_idle_threads != (unsigned)-1
                                    ? opts.max_idle_threads
                                    : DEFAULT_IDLE_THREADS;
        int r;
        if (opts.singlethread) {
                sbfs_loop_signals(SIG_UNBLOCK);
                r = fuse_session_loop(session);
                if (r > 0) /* the number of the signal that ended it: a clean end */
                        r = 0;
        } else {
                r = sbfs_loop_run(session, max_threads, max_idle, sbfs_may_wait);
        }

        sbfs_watch_stop();
        sbfs_follow_shutdown();
        sbfs_handle_reap(true);
        if (write(keeper, "u", 1) < 0) {
        }
        close(keeper);
        /* once the keeper has unmounted, libfuse finds the connection gone and only frees */
        while (waitpid(keeper_pid, NULL, 0) < 0 && errno == EINTR) {
        }
        fuse_session_unmount(session);
        fuse_remove_signal_handlers(session);
        fuse_session_destroy(session);
        pthread_mutex_lock(&sbfs_lock);
        sbfs_tree_clear();
        pthread_mutex_unlock(&sbfs_lock);
        policy_free(policy);
        free(opts.mountpoint);
        fuse_opt_free_args(&args);
        return r == 0 ? 0 : MD_EXIT_FAILED;
}
