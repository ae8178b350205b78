/* doctor: what this machine means for the caller, one line per check, each "ok", "warn" or
 * "fail" with the fix. Read-only for any caller: it opens no container, starts nothing (it
 * does not connect to the monitor's socket, which would start a socket-activated monitor),
 * and shows a caller only its own section (root: every section). Exit 0 when nothing fails. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h"
#include "docker.h"
#include "mounts.h"
#include "helper.h"
#include "json_cleanup.h"
#include "util.h"

/* The socket the helper connects to (helper/monitor/monitor_internal.h MONITOR_SOCKET_NAME). */
#define MONITOR_SOCKET "monitor.sock"
/* The daemon check should not keep an operator waiting as long as a launch would. */
#define DOCTOR_CONNECT_MS 3000
#define DOCTOR_REQUEST_MS 10000

enum level { OK, WARN, FAIL };

struct doctor {
        struct helper *h;
        unsigned fails, warns;
        bool userns; /* the daemon remaps user namespaces */
};

static __attribute__((format(printf, 4, 5))) void say(struct doctor *d, enum level l, const char *fix,
                                                      const char *fmt, ...)
{
        static const char *const names[] = {"ok", "warn", "fail"};
        char what[4096];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof what, fmt, ap);
        va_end(ap);
        md_one_line(what); /* whatever a path or the daemon's answer holds */
        printf("%-4s %s%s%s\n", names[l], what, fix ? "; fix: " : "", fix ? fix : "");
        d->fails += l == FAIL;
        d->warns += l == WARN;
}

static void check_policy(struct doctor *d)
{
        if (d->h->policy) {
                say(d, OK, NULL, "policy %s and %s/*.conf: root-owned, not writable by others, valid",
                    MD_POLICY_FILE, MD_POLICY_DIR);
                return;
        }
        md_error err = {0};
        struct policy *p = NULL;
        if (policy_load(MD_POLICY_FILE, MD_POLICY_DIR, true, &p, &err) == 0) { /* changed meanwhile */
                policy_free(p);
                say(d, WARN, "run doctor again", "policy %s: changed while doctor ran", MD_POLICY_FILE);
                return;
        }
        say(d, FAIL,
            "make the file and its directories owned by root and writable by root only "
            "(chown root:root, chmod go-w), correct the line named, then run `mesos-docker-helper "
            "policy check`",
            "policy: %s (every command refuses with exit 78 until it is fixed)", err.message);
}

static void describe(struct doctor *d, enum level l, const char *who, const struct policy_section *s)
{
        _cleanup_free_ char *text = policy_describe_section(s);
        say(d, l, NULL, "%s%s", who, text ? text : "(out of memory)");
}

static void check_sections(struct doctor *d)
{
        struct helper *h = d->h;
        if (!h->policy)
                return;
        if (h->priv.caller_is_root) {
                size_t n = policy_n_sections(h->policy);
                if (n == 0)
                        say(d, WARN, "add a [caller USER] section (mesos-docker-policy(5))",
                            "policy: no [caller] section: no agent may run anything");
                for (size_t i = 0; i < n; i++) {
                        const struct policy_section *s = policy_section_at(h->policy, i);
                        describe(d, OK, "", s);
                }
                return;
        }
        char who[300];
        if (h->caller.name[0])
                snprintf(who, sizeof who, "%s (uid %u)", h->caller.name, (unsigned)h->caller.uid);
        else
                snprintf(who, sizeof who, "uid %u", (unsigned)h->caller.uid);
        if (!h->section) {
                char fix[600];
                snprintf(fix, sizeof fix, "as root, add a [caller %s] section to %s or %s/NAME.conf",
                         h->caller.name[0] ? h->caller.name : "#UID", MD_POLICY_FILE, MD_POLICY_DIR);
                say(d, FAIL, fix,
                    "caller %s: no [caller] section names you: every command but policy and "
                    "doctor is denied (exit 77)",
                    who);
                return;
        }
        char prefix[340];
        snprintf(prefix, sizeof prefix, "caller %s: ", who);
        describe(d, OK, prefix, h->section);
}

static const char *string_at(json_t *o, const char *key)
{
        const char *s = json_string_value(json_object_get(o, key));
        return s && *s ? s : NULL;
}

static void check_daemon(struct doctor *d)
{
        const struct policy_helper_conf *c = d->h->conf;
        char fix[600];
        snprintf(fix, sizeof fix,
                 "start dockerd (systemctl start docker), or point docker-socket in [helper] of %s at "
                 "its socket",
                 MD_POLICY_FILE);
        md_error err = {0};
        struct docker *dk = NULL;
        docker_set_timeouts(DOCTOR_CONNECT_MS, DOCTOR_REQUEST_MS);
        long status = 0;
        _cleanup_json_ json_t *info = NULL;
        int rc = docker_open(c->docker_socket, &dk, &err);
        if (rc == 0)
                rc = docker_request(dk, "GET", "/info", NULL, NULL, 0, &status, &info, &err);
        const char *api = rc == 0 ? docker_api_version(dk) : NULL;
        char api_copy[32];
        snprintf(api_copy, sizeof api_copy, "%s", api ? api : "?");
        docker_close(dk);
        docker_set_timeouts(0, 0);
        if (rc < 0 || status != 200 || !json_is_object(info)) {
                if (rc == 0)
                        snprintf(err.message, sizeof err.message, "GET /info answered %ld", status);
                say(d, FAIL, fix, "docker daemon %s: unreachable: %s", c->docker_socket, err.message);
                return;
        }
        const char *version = string_at(info, "ServerVersion");
        say(d, OK, NULL, "docker daemon %s: Docker %s, API %s", c->docker_socket, version ? version : "?",
            api_copy);

        const char *cg = string_at(info, "CgroupVersion"), *driver = string_at(info, "CgroupDriver");
        say(d, OK, NULL, "cgroup v%s (%s driver): memory and cpu limits are the daemon's", cg ? cg : "1",
            driver ? driver : "?");

        json_t *opts = json_object_get(info, "SecurityOptions"), *o;
        size_t i;
        json_array_foreach(opts, i, o)
        {
                const char *s = json_string_value(o);
                if (s && strstr(s, "name=userns"))
                        d->userns = true;
        }
        if (d->userns)
                say(d, OK, NULL,
                    "user namespaces: remapped (userns-remap): root in a container is not "
                    "root on the host");
        else
                say(d, OK, NULL,
                    "user namespaces: not remapped: root in a container is root on the host "
                    "files, so sandboxes must be on nosuid,nodev mounts (checked below)");

        const char *log = string_at(info, "LoggingDriver");
        if (log && strcmp(log, "json-file") == 0)
                say(d, OK, NULL, "log driver json-file: output is resumed after a daemon restart");
        else
                say(d, WARN, "\"log-driver\": \"json-file\" in /etc/docker/daemon.json, then restart dockerd",
                    "log driver %s: the monitor cannot resume a container's output after a daemon "
                    "restart or its own death (it reads the json-file log then)",
                    log ? log : "unknown");
}

/* The state dir and the audit log's directory must be root's and closed to others (record.c,
 * audit.c refuse them otherwise); absent, the first launch makes them. */
static void check_root_dir(struct doctor *d, const char *what, const char *path)
{
        struct stat st;
        if (lstat(path, &st) < 0) {
                if (errno == ENOENT)
                        say(d, OK, NULL, "%s %s: not there yet; the first launch makes it (root, 0700)", what,
                            path);
                else
                        say(d, WARN, NULL, "%s %s: %s", what, path, strerror(errno));
                return;
        }
        if (S_ISDIR(st.st_mode) && st.st_uid == 0 && !(st.st_mode & (S_IWGRP | S_IWOTH))) {
                say(d, OK, NULL, "%s %s: root's, mode %04o", what, path, (unsigned)(st.st_mode & 07777));
                return;
        }
        char fix[4096 + 64];
        snprintf(fix, sizeof fix, "chown root:root %s && chmod 0700 %s (or remove it)", path, path);
        say(d, FAIL, fix,
            "%s %s: not a root-owned directory closed to others (uid %u, mode %04o): every "
            "launch fails",
            what, path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
}

static void check_dirs(struct doctor *d)
{
        const struct policy_helper_conf *c = d->h->conf;
        check_root_dir(d, "state dir", c->state_dir);
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", c->audit_log);
        char *slash = strrchr(dir, '/');
        if (slash && slash != dir)
                *slash = '\0';
        check_root_dir(d, "audit log directory", dir);
}

static int open_dir_path(struct doctor *d, const char *path)
{
        int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0 || errno != EACCES)
                return fd < 0 ? -errno : fd;
        /* a root the caller owns may be closed to root without CAP_DAC_OVERRIDE (which we dropped) */
        struct fsids saved;
        privilege_as_caller(&d->h->priv, &saved);
        fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        int e = errno;
        privilege_restore(&saved);
        return fd < 0 ? -e : fd;
}

static void check_sandbox_roots(struct doctor *d)
{
        const struct policy_helper_conf *c = d->h->conf;
        if (c->n_sandbox_roots == 0)
                say(d, WARN, "set sandbox-root in [helper] to the agent's --work_dir",
                    "policy: no sandbox-root: no sandbox is accepted");
        for (size_t i = 0; i < c->n_sandbox_roots; i++) {
                const char *root = c->sandbox_roots[i];
                _cleanup_close_ int fd = open_dir_path(d, root);
                if (fd < 0) {
                        say(d, WARN,
                            "create it (the agent's --work_dir lies beneath it), on a nosuid,nodev mount",
                            "sandbox root %s: %s", root, strerror(-fd));
                        continue;
                }
                struct md_mount_facts m;
                int r = md_mount_of(fd, &m);
                if (r < 0) {
                        say(d, WARN, NULL, "sandbox root %s: mount options unknown: %s", root, strerror(-r));
                        continue;
                }
                const char *point = m.mount_point[0] ? m.mount_point : root;
                if (m.nosuid && m.nodev) {
                        say(d, OK, NULL, "sandbox root %s: on %s, mounted nosuid,nodev", root, point);
                        continue;
                }
                char fix[4096 + 600];
                snprintf(fix, sizeof fix,
                         "mount -o remount,nosuid,nodev %s (and in /etc/fstab), or give the root a mount of "
                         "its own: mount --bind %s %s && mount -o remount,bind,nosuid,nodev %s",
                         point, root, root, root);
                say(d, d->userns ? WARN : FAIL, fix,
                    "sandbox root %s: its mount %s lacks%s%s: a setuid file or device node a container "
                    "writes into a sandbox would be honoured on the host%s",
                    root, point, m.nosuid ? "" : " nosuid", m.nodev ? "" : " nodev",
                    d->userns ? " (the daemon remaps user namespaces, so launches are allowed)"
                              : "; launches are refused (exit 78)");
        }
}

/* /proc/net/unix: is a socket listening on path (__SO_ACCEPTCON in the flags)? */
static bool unix_listening(const char *path)
{
        FILE *f = fopen("/proc/net/unix", "re");
        if (!f)
                return false;
        char *line = NULL;
        size_t cap = 0;
        bool found = false;
        while (!found && getline(&line, &cap, f) > 0) {
                unsigned long flags;
                char p[4096];
                if (sscanf(line, "%*s %*s %*s %lx %*s %*s %*s %4095s", &flags, p) == 2)
                        found = (flags & 0x10000) && strcmp(p, path) == 0;
        }
        free(line);
        fclose(f);
        return found;
}

static int read_small(const char *path, char *buf, size_t size)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        ssize_t n = read(fd, buf, size - 1);
        if (n < 0)
                return -errno;
        buf[n] = '\0';
        return (int)n;
}

/* The cgroup a process is in: the unified line when it says more than "/", else systemd's. */
static void cgroup_of(const char *pid, char *out, size_t size)
{
        char path[64], buf[4096];
        snprintf(path, sizeof path, "/proc/%s/cgroup", pid);
        snprintf(out, size, "?");
        if (read_small(path, buf, sizeof buf) < 0)
                return;
        for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
                if (strncmp(l, "0::", 3) == 0 && strcmp(l + 3, "/") != 0) {
                        snprintf(out, size, "%s", l + 3);
                        return;
                }
                const char *sd = strstr(l, ":name=systemd:");
                if (sd)
                        snprintf(out, size, "%s", sd + strlen(":name=systemd:"));
        }
}

/* A monitor: the helper's comm, every uid 0 (monitor_become_root_alone), and either started by
 * systemd (`monitor`) or reparented to init as a launch leaves it. */
static bool is_monitor(const char *pid)
{
        char path[64], buf[2048];
        snprintf(path, sizeof path, "/proc/%s/status", pid);
        if (read_small(path, buf, sizeof buf) < 0 || !strstr(buf, "Name:\tmesos-docker-he\n") ||
            !strstr(buf, "\nUid:\t0\t0\t0\t0\n"))
                return false;
        if (strstr(buf, "\nPPid:\t1\n"))
                return true;
        snprintf(path, sizeof path, "/proc/%s/cmdline", pid);
        int n = read_small(path, buf, sizeof buf);
        const char *arg1 = n > 0 ? buf + strlen(buf) + 1 : NULL;
        return arg1 && arg1 < buf + n && strcmp(arg1, "monitor") == 0;
}

static void check_monitor(struct doctor *d)
{
        const struct policy_helper_conf *c = d->h->conf;
        char sock[4096];
        snprintf(sock, sizeof sock, "%s/%s", c->state_dir, MONITOR_SOCKET);
        struct stat st;
        bool there = lstat(sock, &st) == 0 && S_ISSOCK(st.st_mode);
        bool listening = there && unix_listening(sock);
        const char *unit_fix = "systemctl enable --now mesos-docker-monitor.socket (its "
                               "ListenSequentialPacket= must be STATE_DIR/monitor.sock)";
        if (!there)
                say(d, WARN, unit_fix,
                    "monitor socket %s: absent: no monitor runs, and the next launch starts one in the "
                    "launching agent's cgroup",
                    sock);
        else if (!listening)
                say(d, WARN, unit_fix,
                    "monitor socket %s: nobody listens (a dead monitor's): the next launch "
                    "replaces it",
                    sock);
        else
                say(d, OK, NULL, "monitor socket %s: listening", sock);

        DIR *proc = opendir("/proc");
        struct dirent *e;
        unsigned found = 0;
        while (proc && (e = readdir(proc))) {
                if (e->d_name[0] < '1' || e->d_name[0] > '9' || !is_monitor(e->d_name))
                        continue;
                found++;
                char cg[1024];
                cgroup_of(e->d_name, cg, sizeof cg);
                if (strstr(cg, "mesos-docker.slice"))
                        say(d, OK, NULL, "monitor pid %s: running, in cgroup %s", e->d_name, cg);
                else
                        say(d, WARN, unit_fix,
                            "monitor pid %s: running in cgroup %s, not in mesos-docker.slice: it may be the "
                            "cgroup of the agent that started it, and goes with it",
                            e->d_name, cg);
        }
        if (proc)
                closedir(proc);
        if (!found && listening)
                say(d, OK, NULL, "monitor: none running now; the socket starts one on the next launch");
        else if (!found)
                say(d, OK, NULL, "monitor: none running (it runs only while containers do)");
}

static void check_sandboxfs(struct doctor *d)
{
        char point[4096];
        int r = md_mount_find_sandboxfs(point, sizeof point);
        if (r == 1)
                say(d, OK, NULL, "mesos-sandboxfs: mounted on %s", point);
        else
                say(d, WARN, "systemctl enable --now mesos-sandboxfs (or mesos-sandboxfs MOUNTPOINT as root)",
                    "mesos-sandboxfs: not mounted: readers see no live output");
}

int cmd_doctor(struct helper *h, int argc, char **argv, md_error *err)
{
        (void)argv;
        if (argc != 1)
                return md_fail(err, MD_EXIT_USAGE, "usage: doctor (takes no arguments)");
        struct doctor d = {.h = h};
        check_policy(&d);
        check_sections(&d);
        if (h->policy) {
                check_daemon(&d);
                check_sandbox_roots(&d);
                check_dirs(&d);
                check_monitor(&d);
        }
        check_sandboxfs(&d);
        printf("%u failed, %u warnings\n", d.fails, d.warns);
        if (fflush(stdout) != 0)
                return md_fail(err, MD_EXIT_FAILED, "stdout: write failed");
        if (d.fails)
                return md_fail(err, MD_EXIT_FAILED, "%u check%s failed", d.fails, d.fails == 1 ? "" : "s");
        return 0;
}
