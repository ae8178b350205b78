/* bench/logs: runs one container through docker_container_create + monitor_launch, the way
 * the helper does, and prints what it cost as one JSON object:
 *   logs_driver SOCKET STATE_DIR OUT_FILE ERR_FILE 'shell command'
 * The driver is a child subreaper, so the detached monitor is reparented to it and its CPU
 * time comes from wait4; the monitor's memory is sampled from /proc while it runs. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
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

int main(int argc, char **argv)
{
        if (argc != 6)
                die("usage: logs_driver SOCKET STATE_DIR OUT_FILE ERR_FILE COMMAND");
        const char *sock = argv[1], *state_dir = argv[2];
        md_error err = { 0 };
        if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
                die("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));

        int64_t t0 = md_monotonic_ms();
        struct docker *d = NULL;
        if (docker_open(sock, &d, &err) < 0)
                die("%s", err.message);
        char name[64], docker_id[65];
        snprintf(name, sizeof name, "mesos-bench-%d", (int)getpid());
        _cleanup_json_ json_t *body = json_pack("{s:s, s:[s,s,s], s:{s:s}, s:{s:s}}",
                "Image", "mesos-test/busybox:latest", "Cmd", "sh", "-c", argv[5],
                "Labels", "bench", "1", "HostConfig", "NetworkMode", "host");
        if (docker_container_create(d, name, body, docker_id, &err) < 0)
                die("%s", err.message);

        int dirfd = md_record_dir_open(state_dir, true, &err);
        if (dirfd < 0)
                die("%s", err.message);
        struct md_record rec = { .container = name, .docker_id = docker_id, .state = MD_STATE_CREATED };
        if (md_record_write(dirfd, &rec, &err) < 0)
                die("%s", err.message);
        int out = open(argv[3], O_WRONLY | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        int errfd = open(argv[4], O_WRONLY | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (out < 0 || errfd < 0)
                die("output files: %s", strerror(errno));
        struct monitor_config cfg = { sock, name, docker_id, state_dir, out, errfd };
        struct monitor_started started;
        if (monitor_launch(&cfg, &started, &err) < 0)
                die("%s", err.message);
        int64_t t_running = md_monotonic_ms();

        long pss_max = 0, priv_max = 0;
        struct md_record now = { 0 };
        for (;;) {
                long pss = smaps_field(started.monitor_pid, "Pss");
                long priv = smaps_field(started.monitor_pid, "Private_Dirty");
                if (pss > pss_max)
                        pss_max = pss;
                if (priv > priv_max)
                        priv_max = priv;
                md_record_clear(&now);
                if (md_record_read(dirfd, name, &now, &err) < 0)
                        die("%s", err.message);
                if (now.state == MD_STATE_EXITED)
                        break;
                usleep(50000);
        }
        int64_t t_exited = md_monotonic_ms();
        struct rusage ru;
        int status;
        if (wait4(started.monitor_pid, &status, 0, &ru) < 0)
                die("wait4 monitor: %s", strerror(errno));
        int64_t t_end = md_monotonic_ms();
        printf("{\"wall_ms\":%" PRId64 ",\"launch_ms\":%" PRId64 ",\"exited_ms\":%" PRId64
               ",\"monitor_user_ms\":%ld,\"monitor_sys_ms\":%ld,\"monitor_pss_kb\":%ld,"
               "\"monitor_private_dirty_kb\":%ld,\"stdout_bytes\":%" PRIu64 ",\"stderr_bytes\":%" PRIu64
               ",\"exit_code\":%d,\"status\":\"%s\"}\n",
               t_end - t0, t_running - t0, t_exited - t0,
               ru.ru_utime.tv_sec * 1000 + ru.ru_utime.tv_usec / 1000,
               ru.ru_stime.tv_sec * 1000 + ru.ru_stime.tv_usec / 1000, pss_max, priv_max,
               now.stdout_bytes, now.stderr_bytes, now.exit_code, md_status_to_string(now.status));
        md_record_remove(dirfd, name);
        md_record_clear(&now);
        close(dirfd);
        docker_close(d);
        return 0;
}
