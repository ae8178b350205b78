/* bench/logs: runs containers through docker_container_create + monitor_launch, the way
 * the helper does, and prints what it cost as one JSON object:
 *   logs_driver run SOCKET STATE_DIR OUT_FILE ERR_FILE 'shell command'
 *       one container (a fresh state dir: a monitor of its own); wall time to the removal,
 *       the monitor's CPU (/proc/PID/stat) and memory (sampled)
 *   logs_driver memory SOCKET STATE_DIR N idle|busy
 *       N containers sharing the state dir's one monitor, idle (sleep) or busy (writing
 *       about 3 MB/s each); the monitor's PSS and private dirty with 1 and with N running,
 *       and the cost of each container after the first
 * The launch itself runs in a fresh exec of this program that exits once the container
 * runs, like the helper does, so the monitor shares no dirty page with a live parent. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "docker.h"
#include "json_cleanup.h"
#include "monitor.h"
#include "record.h"
#include "util.h"

static __attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        fputs("logs_driver: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
        exit(1);
}

/* kB of a field of /proc/PID/smaps_rollup, or -1. */
static long smaps_field(pid_t pid, const char *field)
{
        char path[64], line[256];
        snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
        FILE *f = fopen(path, "re");
        if (!f)
                return -1;
        long v = -1;
        size_t n = strlen(field);
        while (fgets(line, sizeof line, f))
                if (strncmp(line, field, n) == 0 && line[n] == ':')
                        v = strtol(line + n + 1, NULL, 10);
        fclose(f);
        return v;
}

struct launched {
        char name[64];
        char docker_id[65];
        pid_t monitor_pid;
};

/* The launcher: create, record, monitor_launch, print "NAME ID MONITOR_PID", exit. */
static int launcher(const char *sock, const char *state_dir, const char *out_path, const char *err_path,
                    const char *name, const char *script)
{
        md_error err = {0};
        struct docker *d = NULL;
        if (docker_open(sock, &d, &err) < 0)
                die("%s", err.message);
        char docker_id[65];
        /* the log driver the helper asks for (translate.c), or another one to compare with */
        const char *log_driver = getenv("BENCH_LOG_DRIVER");
        _cleanup_json_ json_t *body = json_pack(
                "{s:s, s:[s,s,s], s:{s:s}, s:{s:s, s:{s:s, s:{}}}}", "Image", "mesos-test/busybox:latest",
                "Cmd", "sh", "-c", script, "Labels", "mesos.bench", "1", "HostConfig", "NetworkMode", "host",
                "LogConfig", "Type", log_driver && *log_driver ? log_driver : "json-file", "Config");
        if (docker_container_create(d, name, body, docker_id, &err) < 0)
                die("%s", err.message);
        int dirfd = md_record_dir_open(state_dir, true, &err);
        if (dirfd < 0)
                die("%s", err.message);
        struct md_record rec = {.container = (char *)name, .docker_id = docker_id, .state = MD_STATE_CREATED};
        if (md_record_write(dirfd, &rec, &err) < 0)
                die("%s", err.message);
        int out = open(out_path, O_WRONLY | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        int errfd = open(err_path, O_WRONLY | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (out < 0 || errfd < 0)
                die("output files: %s", strerror(errno));
        struct monitor_config cfg = {sock, name, docker_id, state_dir, out, errfd, MD_KEEP_FOREVER};
        struct monitor_started started;
        if (monitor_launch(&cfg, &started, &err) < 0) {
                md_error ignored = {0};
                docker_container_remove(d, docker_id, &ignored); /* as the helper does: the launcher's */
                die("%s", err.message);
        }
        printf("%s %s %d\n", name, docker_id, (int)started.monitor_pid);
        docker_close(d);
        return 0;
}

static void launch(const char *sock, const char *state_dir, const char *out_path, const char *err_path,
                   const char *script, int index, struct launched *l)
{
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                die("pipe: %s", strerror(errno));
        snprintf(l->name, sizeof l->name, "mesos-bench-%d-%d", (int)getpid(), index);
        pid_t pid = fork();
        if (pid == 0) {
                dup2(p[1], 1);
                execl("/proc/self/exe", "logs_driver", "launch", sock, state_dir, out_path, err_path, l->name,
                      script, (char *)NULL);
                _exit(127);
        }
        close(p[1]);
        char *line = NULL;
        size_t len;
        if (md_read_all(p[0], 4096, &line, &len) < 0)
                die("read the launcher");
        close(p[0]);
        int status;
        waitpid(pid, &status, 0);
        int mpid = 0;
        char name[64];
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
            sscanf(line, "%63s %64s %d", name, l->docker_id, &mpid) != 3)
                die("the launcher failed");
        l->monitor_pid = mpid;
        free(line);
}

/* CPU ms (user, system) of a process so far, from /proc/PID/stat. */
static void cpu_ms(pid_t pid, long *user, long *sys)
{
        char path[64], buf[1024];
        snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
        *user = *sys = 0;
        FILE *f = fopen(path, "re");
        if (!f)
                return;
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        const char *p = strrchr(buf, ')'); /* the name may hold spaces */
        unsigned long ut = 0, st = 0;
        if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) == 2) {
                long hz = sysconf(_SC_CLK_TCK);
                *user = (long)(ut * 1000 / (unsigned long)hz);
                *sys = (long)(st * 1000 / (unsigned long)hz);
        }
}

/* The monitor removes the container after recording the exit: poll for the 404. */
static void wait_removed(const char *sock, const char *docker_id)
{
        md_error err = {0};
        struct docker *d = NULL;
        if (docker_open(sock, &d, &err) < 0)
                die("%s", err.message);
        for (;;) {
                json_t *j = NULL;
                int rc = docker_container_inspect(d, docker_id, &j, &err);
                json_decref(j);
                if (rc < 0 && err.exit_code == MD_EXIT_NO_CONTAINER)
                        break;
                md_error_clear(&err);
                usleep(20000);
        }
        docker_close(d);
}

static void wait_exited(int dirfd, const char *name, struct md_record *now, long *pss_max, long *priv_max,
                        pid_t monitor)
{
        md_error err = {0};
        for (;;) {
                if (pss_max) {
                        long pss = smaps_field(monitor, "Pss");
                        long priv = smaps_field(monitor, "Private_Dirty");
                        if (pss > *pss_max)
                                *pss_max = pss;
                        if (priv > *priv_max)
                                *priv_max = priv;
                }
                md_record_clear(now);
                if (md_record_read(dirfd, name, now, &err) < 0)
                        die("%s", err.message);
                if (now->state == MD_STATE_EXITED)
                        return;
                usleep(50000);
        }
}

static int run(const char *sock, const char *state_dir, const char *out, const char *errp, const char *script)
{
        md_error err = {0};
        int64_t t0 = md_monotonic_ms();
        struct launched l;
        launch(sock, state_dir, out, errp, script, 0, &l);
        int64_t t_running = md_monotonic_ms();
        int dirfd = md_record_dir_open(state_dir, false, &err);
        if (dirfd < 0)
                die("%s", err.message);
        long pss_max = 0, priv_max = 0;
        struct md_record now = {0};
        wait_exited(dirfd, l.name, &now, &pss_max, &priv_max, l.monitor_pid);
        int64_t t_exited = md_monotonic_ms();
        wait_removed(sock, l.docker_id);
        int64_t t_end = md_monotonic_ms();
        long user_ms, sys_ms;
        cpu_ms(l.monitor_pid, &user_ms, &sys_ms);
        printf("{\"wall_ms\":%" PRId64 ",\"launch_ms\":%" PRId64 ",\"exited_ms\":%" PRId64
               ",\"monitor_user_ms\":%ld,\"monitor_sys_ms\":%ld,\"monitor_pss_kb\":%ld,"
               "\"monitor_private_dirty_kb\":%ld,\"stdout_bytes\":%" PRIu64 ",\"stderr_bytes\":%" PRIu64
               ",\"exit_code\":%d,\"status\":\"%s\"}\n",
               t_end - t0, t_running - t0, t_exited - t0, user_ms, sys_ms, pss_max, priv_max,
               now.stdout_bytes, now.stderr_bytes, now.exit_code, md_status_to_string(now.status));
        md_record_remove(dirfd, l.name);
        md_record_clear(&now);
        close(dirfd);
        return 0;
}

static int memory(const char *sock, const char *state_dir, int n, bool busy)
{
        if (n < 2 || n > 64)
                die("memory: N must be 2..64");
        struct launched *l = calloc((size_t)n, sizeof *l);
        if (!l)
                die("out of memory");
        /* busy: 32 KiB every 10 ms or so, about 3 MB/s each, into /dev/null */
        const char *script = busy ? "echo up; while :; do head -c 32768 /dev/zero; usleep 10000; done"
                                  : "echo up; exec sleep 600";
        launch(sock, state_dir, "/dev/null", "/dev/null", script, 0, &l[0]);
        pid_t mon = l[0].monitor_pid;
        usleep(1500000);
        long pss1 = smaps_field(mon, "Pss"), priv1 = smaps_field(mon, "Private_Dirty");
        for (int i = 1; i < n; i++) {
                launch(sock, state_dir, "/dev/null", "/dev/null", script, i, &l[i]);
                if (l[i].monitor_pid != mon)
                        die("container %d got monitor %d, not %d", i, (int)l[i].monitor_pid, (int)mon);
        }
        usleep(1500000);
        long pssn = smaps_field(mon, "Pss"), privn = smaps_field(mon, "Private_Dirty");
        printf("{\"mode\":\"%s\",\"containers\":%d,\"monitors\":1,\"pss_1_kb\":%ld,\"pss_%d_kb\":%ld,"
               "\"marginal_pss_kb\":%ld,\"private_dirty_1_kb\":%ld,\"private_dirty_%d_kb\":%ld,"
               "\"marginal_private_dirty_kb\":%ld}\n",
               busy ? "busy" : "idle", n, pss1, n, pssn, (pssn - pss1) / (n - 1), priv1, n, privn,
               (privn - priv1) / (n - 1));
        md_error err = {0};
        struct docker *d = NULL;
        if (docker_open(sock, &d, &err) < 0)
                die("%s", err.message);
        int dirfd = md_record_dir_open(state_dir, false, &err);
        for (int i = 0; i < n; i++)
                docker_container_kill(d, l[i].docker_id, "SIGKILL", &err);
        for (int i = 0; i < n; i++) {
                struct md_record now = {0};
                wait_exited(dirfd, l[i].name, &now, NULL, NULL, 0);
                md_record_remove(dirfd, l[i].name);
                md_record_clear(&now);
        }
        close(dirfd);
        docker_close(d);
        free(l);
        return 0;
}

int main(int argc, char **argv)
{
        if (argc == 8 && strcmp(argv[1], "launch") == 0)
                return launcher(argv[2], argv[3], argv[4], argv[5], argv[6], argv[7]);
        if (argc == 7 && strcmp(argv[1], "run") == 0)
                return run(argv[2], argv[3], argv[4], argv[5], argv[6]);
        uint64_t n;
        if (argc == 6 && strcmp(argv[1], "memory") == 0 && md_parse_u64(argv[4], &n) == 0 &&
            (strcmp(argv[5], "idle") == 0 || strcmp(argv[5], "busy") == 0))
                return memory(argv[2], argv[3], (int)n, strcmp(argv[5], "busy") == 0);
        die("usage: logs_driver run SOCKET STATE_DIR OUT ERR COMMAND | memory SOCKET STATE_DIR N idle|busy");
}
