/* The Engine API client against a fake daemon on a unix socket: the error paths a real
 * daemon does not produce on demand (silence, garbage, oversize answers), the status
 * mapping, version negotiation and the requests we send. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "check_run.h"
#include "docker.h"
#include "monitor.h"
#include "monitor_internal.h"
#include "record.h"
#include "json_cleanup.h"
#include "util.h"

enum fake_mode {
        FAKE_ANSWER, /* /_ping answers, everything else gets the canned response */
        FAKE_SILENT, /* accepts, reads, never answers */
        FAKE_SILENT_API, /* /_ping answers, everything else is silence */
        FAKE_OVERSIZE, /* /_ping answers, everything else gets a 9 MiB body */
        FAKE_MONITOR, /* a connection per thread, answers by path (see monitor_conn) */
};

enum fake_attach { ATTACH_OK, ATTACH_404, ATTACH_SILENT };

struct fake {
        char dir[64];
        char path[108];
        int lfd;
        pthread_t thread;
        atomic_int stop;
        enum fake_mode mode;
        const char *ping_version; /* NULL: no Api-Version header */
        const char *response; /* full HTTP response */
        const char *version_body; /* answer to /version */
        char last_request[2048]; /* request line and headers of the last non-ping request */
        int requests;
        /* FAKE_MONITOR */
        enum fake_attach attach;
        bool start_gate; /* the starts of two containers wait for each other (gated_start) */
        pthread_t conns[32];
        int nconns;
        pthread_mutex_t lock;
        char seen[4096]; /* "METHOD PATH\n" of every request, in order */
};

static struct fake fk;

static bool stopping(void)
{
        return atomic_load(&fk.stop) != 0;
}

/* Reads a request's head (and a Content-Length body). Returns its length, 0 on EOF/stop. */
static size_t read_request(int fd, char *buf, size_t cap)
{
        size_t len = 0;
        while (len + 1 < cap) {
                struct pollfd p = {fd, POLLIN, 0};
                if (poll(&p, 1, 100) == 0) {
                        if (stopping())
                                return 0;
                        continue;
                }
                ssize_t n = read(fd, buf + len, cap - 1 - len);
                if (n <= 0)
                        return 0;
                len += (size_t)n;
                buf[len] = '\0';
                char *end = strstr(buf, "\r\n\r\n");
                if (end) {
                        const char *cl = strcasestr(buf, "\r\ncontent-length:");
                        size_t body = cl ? strtoul(cl + 17, NULL, 10) : 0;
                        size_t want = (size_t)(end + 4 - buf) + body;
                        while (len < want && len + 1 < cap) {
                                n = read(fd, buf + len, cap - 1 - len);
                                if (n <= 0)
                                        break;
                                len += (size_t)n;
                        }
                        buf[len] = '\0';
                        return len;
                }
        }
        return len;
}

static void send_all(int fd, const char *s, size_t n)
{
        while (n > 0) {
                ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
                if (w <= 0)
                        return;
                s += w;
                n -= (size_t)w;
        }
}

static void hold_silently(int fd)
{
        char buf[4096];
        while (!stopping()) {
                struct pollfd p = {fd, POLLIN, 0};
                if (poll(&p, 1, 100) > 0 && read(fd, buf, sizeof buf) <= 0)
                        return;
        }
}

static void serve(int fd)
{
        static char req[65536];
        for (;;) {
                if (fk.mode == FAKE_SILENT) {
                        hold_silently(fd);
                        return;
                }
                size_t n = read_request(fd, req, sizeof req);
                if (n == 0)
                        return;
                char out[1024];
                if (strncmp(req, "GET /_ping ", 11) == 0) {
                        char hdr[64] = "";
                        if (fk.ping_version)
                                snprintf(hdr, sizeof hdr, "Api-Version: %s\r\n", fk.ping_version);
                        snprintf(out, sizeof out, "HTTP/1.1 200 OK\r\n%sContent-Length: 2\r\n\r\nOK", hdr);
                        send_all(fd, out, strlen(out));
                        continue; /* keep-alive */
                }
                if (strncmp(req, "GET /version ", 13) == 0 && fk.version_body) {
                        snprintf(out, sizeof out, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n%s",
                                 strlen(fk.version_body), fk.version_body);
                        send_all(fd, out, strlen(out));
                        continue;
                }
                snprintf(fk.last_request, sizeof fk.last_request, "%s", req);
                fk.requests++;
                if (fk.mode == FAKE_SILENT_API) {
                        hold_silently(fd);
                        return;
                }
                if (fk.mode == FAKE_OVERSIZE) {
                        size_t total = 9u << 20;
                        snprintf(out, sizeof out,
                                 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 "Content-Length: %zu\r\n\r\n",
                                 total);
                        send_all(fd, out, strlen(out));
                        static char spaces[65536];
                        memset(spaces, ' ', sizeof spaces);
                        for (size_t sent = 0; sent < total && !stopping(); sent += sizeof spaces)
                                send_all(fd, spaces, sizeof spaces);
                        return;
                }
                send_all(fd, fk.response, strlen(fk.response));
                return; /* the canned responses say Connection: close */
        }
}

static void note(const char *req)
{
        size_t n = strcspn(req, "?\r\n ");
        const char *sp = strchr(req, ' ');
        if (sp)
                n = (size_t)(sp - req) + 1 + strcspn(sp + 1, "?\r\n ");
        pthread_mutex_lock(&fk.lock);
        size_t len = strlen(fk.seen);
        snprintf(fk.seen + len, sizeof fk.seen - len, "%.*s\n", (int)n, req);
        pthread_mutex_unlock(&fk.lock);
}

/* fk.start_gate: the starts of GATE_A and GATE_B each wait for the other's (up to 10 s), and
 * say in their refusal whether it came ("together") or not ("alone"); any other start is
 * refused at once. */
#define GATE_A "a123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define GATE_B "b123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
static const char *gated_start(const char *first_line)
{
        static const char together[] =
                "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
                "Connection: close\r\nContent-Length: 22\r\n\r\n{\"message\":\"together\"}";
        static const char alone[] = "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
                                    "Connection: close\r\nContent-Length: 19\r\n\r\n{\"message\":\"alone\"}";
        const char *peer =
                strstr(first_line, "/containers/" GATE_A "/start ")   ? "/containers/" GATE_B "/start\n"
                : strstr(first_line, "/containers/" GATE_B "/start ") ? "/containers/" GATE_A "/start\n"
                                                                      : NULL;
        for (int i = 0; peer && i < 1000 && !stopping(); i++) {
                pthread_mutex_lock(&fk.lock);
                bool seen = strstr(fk.seen, peer) != NULL;
                pthread_mutex_unlock(&fk.lock);
                if (seen)
                        return together;
                usleep(10000);
        }
        return alone;
}

/* What a daemon does with the monitor's requests: attach and wait answer their headers and
 * hold the stream open; start gets the canned response (or gated_start's); DELETE succeeds. */
static void *monitor_conn(void *arg)
{
        int fd = (int)(intptr_t)arg;
        static __thread char req[8192];
        for (;;) {
                size_t n = read_request(fd, req, sizeof req);
                if (n == 0)
                        break;
                if (strncmp(req, "GET /_ping ", 11) == 0) {
                        const char *ok =
                                "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n\r\nOK";
                        send_all(fd, ok, strlen(ok));
                        continue;
                }
                note(req);
                const char *first_line_end = strstr(req, "\r\n");
                bool is = false;
#define PATH_HAS(s) (is = memmem(req, (size_t)(first_line_end - req), s, strlen(s)) != NULL)
                if (PATH_HAS("/attach?")) {
                        if (fk.attach == ATTACH_404) {
                                const char *r = "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
                                                "Connection: close\r\nContent-Length: 36\r\n\r\n"
                                                "{\"message\":\"No such container: abc\"}";
                                send_all(fd, r, strlen(r));
                                break;
                        }
                        if (fk.attach == ATTACH_OK) {
                                const char *r = "HTTP/1.1 200 OK\r\nContent-Type: "
                                                "application/vnd.docker.raw-stream\r\n\r\n";
                                send_all(fd, r, strlen(r));
                        }
                        hold_silently(fd);
                        break;
                } else if (PATH_HAS("/wait?")) {
                        const char *r = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                        "Transfer-Encoding: chunked\r\n\r\n";
                        send_all(fd, r, strlen(r));
                        hold_silently(fd);
                        break;
                } else if (PATH_HAS("/start ")) {
                        const char *r = fk.start_gate ? gated_start(req) : fk.response;
                        send_all(fd, r, strlen(r));
                        break;
                } else if (strncmp(req, "DELETE ", 7) == 0) {
                        const char *r = "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n";
                        send_all(fd, r, strlen(r));
                        break;
                } else {
                        const char *r = "HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\n"
                                        "Content-Length: 0\r\n\r\n";
                        send_all(fd, r, strlen(r));
                        break;
                }
#undef PATH_HAS
                (void)is;
        }
        close(fd);
        return NULL;
}

static void *server(void *arg)
{
        while (!stopping()) {
                struct pollfd p = {fk.lfd, POLLIN, 0};
                if (poll(&p, 1, 100) <= 0)
                        continue;
                int fd = accept4(fk.lfd, NULL, NULL, SOCK_CLOEXEC);
                if (fd < 0)
                        continue;
                if (fk.mode == FAKE_MONITOR) {
                        if (fk.nconns < (int)(sizeof fk.conns / sizeof fk.conns[0]) &&
                            pthread_create(&fk.conns[fk.nconns], NULL, monitor_conn, (void *)(intptr_t)fd) ==
                                    0)
                                fk.nconns++;
                        else
                                close(fd);
                        continue;
                }
                serve(fd);
                close(fd);
        }
        for (int i = 0; i < fk.nconns; i++)
                pthread_join(fk.conns[i], NULL);
        return NULL;
}

static void fake_start(enum fake_mode mode, const char *response)
{
        memset(&fk, 0, sizeof fk);
        strcpy(fk.dir, "/tmp/md-fake-docker-XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(fk.dir));
        snprintf(fk.path, sizeof fk.path, "%s/docker.sock", fk.dir);
        fk.mode = mode;
        fk.response = response;
        fk.ping_version = "1.41";
        pthread_mutex_init(&fk.lock, NULL);
        fk.lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ck_assert_int_ge(fk.lfd, 0);
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        strcpy(sa.sun_path, fk.path);
        ck_assert_int_eq(bind(fk.lfd, (struct sockaddr *)&sa, sizeof sa), 0);
        ck_assert_int_eq(listen(fk.lfd, 8), 0);
        ck_assert_int_eq(pthread_create(&fk.thread, NULL, server, NULL), 0);
}

static void fake_stop(void)
{
        atomic_store(&fk.stop, 1);
        pthread_join(fk.thread, NULL);
        close(fk.lfd);
        unlink(fk.path);
        rmdir(fk.dir);
        pthread_mutex_destroy(&fk.lock);
        docker_set_timeouts(0, 0);
}

static char *response(const char *status, const char *body)
{
        char *r;
        ck_assert_int_ge(asprintf(&r,
                                  "HTTP/1.1 %s\r\nContent-Type: application/json\r\nConnection: close\r\n"
                                  "Content-Length: %zu\r\n\r\n%s",
                                  status, strlen(body), body),
                         0);
        return r;
}

static const char *ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

START_TEST(test_nobody_listening)
{
        struct docker *d = NULL;
        md_error err = {0};
        ck_assert_int_eq(docker_open("/nonexistent/docker.sock", &d, &err), -EHOSTDOWN);
        ck_assert_int_eq(err.exit_code, 0); /* the library sets no exit code: the command maps it */
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_UNAVAILABLE);
        ck_assert_ptr_null(d);
        ck_assert_ptr_nonnull(strstr(err.message, "/nonexistent/docker.sock"));

        /* a socket file whose server is gone: connection refused */
        fake_start(FAKE_ANSWER, "");
        fake_stop();
        int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        ck_assert_ptr_nonnull(mkdtemp(strcpy(fk.dir, "/tmp/md-fake-docker-XXXXXX")));
        snprintf(sa.sun_path, sizeof sa.sun_path, "%s/dead.sock", fk.dir);
        ck_assert_int_eq(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
        close(s); /* bound, never listened */
        md_error_clear(&err);
        ck_assert_int_eq(docker_open(sa.sun_path, &d, &err), -EHOSTDOWN);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_UNAVAILABLE);
        unlink(sa.sun_path);
        rmdir(fk.dir);
}
END_TEST

START_TEST(test_relative_socket_refused)
{
        struct docker *d = NULL;
        md_error err = {0};
        ck_assert_int_eq(docker_open("docker.sock", &d, &err), -EINVAL);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_FAILED);
}
END_TEST

START_TEST(test_silent_daemon)
{
        fake_start(FAKE_SILENT, NULL);
        docker_set_timeouts(300, 700);
        struct docker *d = NULL;
        md_error err = {0};
        int64_t t0 = md_monotonic_ms();
        ck_assert_int_eq(docker_open(fk.path, &d, &err), -EHOSTDOWN);
        int64_t took = md_monotonic_ms() - t0;
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_UNAVAILABLE);
        /* it waited the request limit out (a lower bound load cannot break); that it gave up at
         * all is the case's timeout's to check, not a timed assertion's */
        ck_assert_msg(took >= 600, "took %lld ms", (long long)took);
        ck_assert_ptr_nonnull(strstr(err.message, "unavailable"));
        fake_stop();
}
END_TEST

START_TEST(test_silent_after_ping)
{
        fake_start(FAKE_SILENT_API, NULL);
        docker_set_timeouts(300, 700);
        struct docker *d = NULL;
        md_error err = {0};
        ck_assert_int_eq(docker_open(fk.path, &d, &err), 0);
        json_t *j = NULL;
        ck_assert_int_eq(docker_container_inspect(d, ID, &j, &err), -EHOSTDOWN);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_UNAVAILABLE);
        ck_assert_ptr_null(j);
        docker_close(d);
        fake_stop();
}
END_TEST

START_TEST(test_500_message)
{
        _cleanup_free_ char *r =
                response("500 Internal Server Error", "{\"message\":\"boom\\nsecond line\"}");
        fake_start(FAKE_ANSWER, r);
        struct docker *d = NULL;
        md_error err = {0};
        ck_assert_int_eq(docker_open(fk.path, &d, &err), 0);
        ck_assert_int_eq(docker_container_start(d, ID, &err), -EIO);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_FAILED);
        ck_assert_ptr_nonnull(strstr(err.message, "boom"));
        ck_assert_ptr_nonnull(strstr(err.message, "HTTP 500"));
        ck_assert_ptr_null(strchr(err.message, '\n')); /* one line */
        ck_assert_ptr_nonnull(strstr(fk.last_request, "POST /v1.41/containers/"));
        docker_close(d);
        fake_stop();
}
END_TEST

/* GET /info: dockerd --userns-remap lists "name=userns" in SecurityOptions */
static const struct {
        const char *body;
        bool remapped;
} userns_cases[] = {
        {"{\"SecurityOptions\":[\"name=seccomp,profile=default\"]}", false},
        {"{\"SecurityOptions\":[\"name=seccomp,profile=default\",\"name=userns\"]}", true},
        {"{\"SecurityOptions\":[\"name=usernsx\",\"userns\",7]}", false},
        {"{}", false},
};

START_TEST(test_userns_remap)
{
        _cleanup_free_ char *r = response("200 OK", userns_cases[_i].body);
        fake_start(FAKE_ANSWER, r);
        struct docker *d = NULL;
        md_error err = {0};
        ck_assert_int_eq(docker_open(fk.path, &d, &err), 0);
        bool on = !userns_cases[_i].remapped;
        ck_assert_int_eq(docker_userns_remap(d, &on, &err), 0);
        ck_assert_int_eq(on, userns_cases[_i].remapped);
        ck_assert_ptr_nonnull(strstr(fk.last_request, "GET /v1.41/info "));
        docker_close(d);
        fake_stop();
}
END_TEST

START_TEST(test_404_container)
{
        _cleanup_free_ char *r = response("404 Not Found", "{\"message\":\"No such container: x\"}");
        fake_start(FAKE_ANSWER, r);
        struct docker *d = NULL;
        md_error err = {0};
        ck_assert_int_eq(docker_open(fk.path, &d, &err), 0);
        json_t *j = NULL;
        ck_assert_int_eq(docker_container_inspect(d, ID, &j, &err), -ENOENT);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_NO_CONTAINER);
        ck_assert_ptr_nonnull(strstr(err.message, "No such container"));
        ck_assert_ptr_nonnull(strstr(fk.last_request, "GET /v1.41/containers/0123456789abcdef"));

        /* removing what is gone is success */
        ck_assert_int_eq(docker_container_remove(d, ID, &err), 0);
        ck_assert_ptr_nonnull(strstr(fk.last_request, "DELETE /v1.41/containers/0123"));
        ck_assert_ptr_nonnull(strstr(fk.last_request, "?force=1&v=1"));

        /* 404 on an image is "not there", not an error */
        bool exists = true;
        ck_assert_int_eq(docker_image_exists(d, "docker.io/library/busybox:latest", &exists, &err), 0);
        ck_assert(!exists);
        ck_assert_ptr_nonnull(
                strstr(fk.last_request, "GET /v1.41/images/docker.io/library/busybox:latest/json"));

        /* 404 on create is a missing image: the operation failed */
        md_error_clear(&err);
        char id[65];
        _cleanup_json_ json_t *body = json_pack("{s:s}", "Image", "x");
        ck_assert_int_eq(docker_container_create(d, "mesos-a", body, id, &err), -EIO);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_FAILED);
        ck_assert_ptr_nonnull(strstr(fk.last_request, "POST /v1.41/containers/create?name=mesos-a"));
        ck_assert_ptr_nonnull(strstr(fk.last_request, "{\"Image\":\"x\"}"));
        docker_close(d);
        fake_stop();
}
END_TEST

START_TEST(test_garbage_body)
{
        _cleanup_free_ char *r = response("200 OK", "this is { not json");
        fake_start(FAKE_ANSWER, r);
        struct docker *d = NULL;
        md_error err = {0};
        ck_assert_int_eq(docker_open(fk.path, &d, &err), 0);
        json_t *j = NULL;
        ck_assert_int_eq(docker_container_inspect(d, ID, &j, &err), -EPROTO);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_FAILED);
        ck_assert_ptr_null(j);

        md_error_clear(&err);
        char id[65];
        ck_assert_int_eq(docker_container_create(d, "mesos-a", NULL, id, &err), -EPROTO);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_FAILED);

        md_error_clear(&err);
        int code = -5;
        ck_assert_int_eq(docker_container_wait(d, ID, "next-exit", &code, &err), -EPROTO);
        ck_assert_int_eq(code, -5); /* untouched on failure */
        docker_close(d);
        fake_stop();
}
END_TEST

START_TEST(test_garbage_protocol)
{
        fake_start(FAKE_ANSWER, "SSH-2.0-OpenSSH_9.2\r\n\r\n");
        struct docker *d = NULL;
        md_error err = {0};
        ck_assert_int_eq(docker_open(fk.path, &d, &err), 0);
        json_t *j = NULL;
        int rc = docker_container_inspect(d, ID, &j, &err);
        /* the daemon answered, just not in HTTP: a failure, not an absence */
        ck_assert_msg(rc == -EIO, "%d %s", rc, err.message);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_FAILED);
        docker_close(d);
        fake_stop();
}
END_TEST

START_TEST(test_oversize_body)
{
        fake_start(FAKE_OVERSIZE, NULL);
        struct docker *d = NULL;
        md_error err = {0};
        ck_assert_int_eq(docker_open(fk.path, &d, &err), 0);
        json_t *j = NULL;
        ck_assert_int_eq(docker_container_list(d, NULL, &j, &err), -EMSGSIZE);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_FAILED);
        ck_assert_ptr_nonnull(strstr(err.message, "larger than"));
        ck_assert_ptr_null(j);
        docker_close(d);
        fake_stop();
}
END_TEST

START_TEST(test_wait_and_list)
{
        _cleanup_free_ char *r = response("200 OK", "{\"Error\":null,\"StatusCode\":137}");
        fake_start(FAKE_ANSWER, r);
        struct docker *d = NULL;
        md_error err = {0};
        ck_assert_int_eq(docker_open(fk.path, &d, &err), 0);
        int code = -1;
        ck_assert_int_eq(docker_container_wait(d, "mesos-x", "next-exit", &code, &err), 0);
        ck_assert_int_eq(code, 137);
        ck_assert_ptr_nonnull(
                strstr(fk.last_request, "POST /v1.41/containers/mesos-x/wait?condition=next-exit "));

        /* a container reference that could bend the URL never reaches the daemon */
        int before = fk.requests;
        ck_assert_int_eq(docker_container_wait(d, "../images", "next-exit", &code, &err), -ENOENT);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_NO_CONTAINER);
        ck_assert_int_eq(fk.requests, before);

        /* list: the filter goes escaped into the query; an object answer is refused */
        md_error_clear(&err);
        json_t *j = NULL;
        ck_assert_int_eq(docker_container_list(d, "mesos.owner=1000", &j, &err), -EPROTO);
        ck_assert_ptr_nonnull(strstr(
                fk.last_request,
                "GET "
                "/v1.41/containers/json?all=1&filters=%7B%22label%22%3A%5B%22mesos.owner%3D1000%22%5D%7D "));
        docker_close(d);
        fake_stop();
}
END_TEST

START_TEST(test_version_negotiation)
{
        static const struct {
                const char *ping, *version_body, *want;
        } cases[] = {
                {"1.45", NULL, "1.41"},
                {"1.41", NULL, "1.41"},
                {"1.35", NULL, "1.35"},
                {"2.0", NULL, "1.41"},
                {NULL, "{\"ApiVersion\":\"1.38\"}", "1.38"},
                {"1.20", NULL, NULL}, /* too old */
                {"garbage", NULL, NULL},
                {NULL, "{}", NULL},
        };
        _cleanup_free_ char *r = response("204 No Content", "");
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                fake_start(FAKE_ANSWER, r);
                fk.ping_version = cases[i].ping;
                fk.version_body = cases[i].version_body;
                struct docker *d = NULL;
                md_error err = {0};
                int rc = docker_open(fk.path, &d, &err);
                if (!cases[i].want) {
                        ck_assert_msg(rc < 0 && rc != -ENOENT && rc != -EHOSTDOWN, "case %zu: %d", i, rc);
                        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_FAILED);
                } else {
                        ck_assert_msg(rc == 0, "case %zu: %s", i, err.message);
                        ck_assert_str_eq(docker_api_version(d), cases[i].want);
                        ck_assert_int_eq(docker_container_start(d, ID, &err), 0);
                        char want[64];
                        snprintf(want, sizeof want, "POST /v%s/containers/%s/start ", cases[i].want, ID);
                        ck_assert_ptr_nonnull(strstr(fk.last_request, want));
                        docker_close(d);
                }
                fake_stop();
        }
}
END_TEST

/* The pull's progress stream, split into chunks on the wire, with an error at the end. */
START_TEST(test_pull_stream_error)
{
        const char *r =
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                "Transfer-Encoding: chunked\r\n\r\n"
                "1e\r\n{\"status\":\"Pulling from x\"}\r\n\r\n"
                "a\r\n{\"errorDet\r\n"
                "45\r\nail\":{\"message\":\"manifest unknown\"},\"error\":\"manifest unknown: no\"}\r\n\r\n"
                "0\r\n\r\n";
        fake_start(FAKE_ANSWER, r);
        struct docker *d = NULL;
        md_error err = {0};
        ck_assert_int_eq(docker_open(fk.path, &d, &err), 0);
        ck_assert_int_eq(docker_image_pull(d, "127.0.0.1:5000/team/app:v1", "eyJ1c2VybmFtZSI6InUifQ==", &err),
                         -EIO);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_FAILED);
        ck_assert_msg(strstr(err.message, "manifest unknown") != NULL, "%s", err.message);
        ck_assert_ptr_nonnull(
                strstr(fk.last_request,
                       "POST /v1.41/images/create?fromImage=127.0.0.1%3A5000%2Fteam%2Fapp&tag=v1 "));
        ck_assert_ptr_nonnull(strstr(fk.last_request, "\r\nX-Registry-Auth: eyJ1c2VybmFtZSI6InUifQ==\r\n"));
        docker_close(d);
        fake_stop();
}
END_TEST

START_TEST(test_pull_ok_and_digest)
{
        _cleanup_free_ char *r =
                response("200 OK", "{\"status\":\"Pulling\"}\r\n{\"status\":\"Digest: sha256:ab\"}\r\n"
                                   "{\"status\":\"Status: Downloaded newer image\"}\r\n");
        fake_start(FAKE_ANSWER, r);
        struct docker *d = NULL;
        md_error err = {0};
        ck_assert_int_eq(docker_open(fk.path, &d, &err), 0);
        ck_assert_msg(docker_image_pull(d, "docker.io/library/busybox:1.36", NULL, &err) == 0, "%s",
                      err.message);
        ck_assert_ptr_nonnull(strstr(fk.last_request, "fromImage=docker.io%2Flibrary%2Fbusybox&tag=1.36 "));
        ck_assert_ptr_null(strcasestr(fk.last_request, "X-Registry-Auth"));
        const char *digest = "docker.io/library/busybox:1.36@sha256:"
                             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        ck_assert_int_eq(docker_image_pull(d, digest, NULL, &err), 0);
        ck_assert_ptr_nonnull(
                strstr(fk.last_request, "fromImage=docker.io%2Flibrary%2Fbusybox%40sha256%3Aaaaa"));
        ck_assert_ptr_null(strstr(fk.last_request, "&tag="));
        /* a registry with a port and no tag */
        ck_assert_int_eq(docker_image_pull(d, "localhost:5000/app", NULL, &err), 0);
        ck_assert_ptr_nonnull(strstr(fk.last_request, "fromImage=localhost%3A5000%2Fapp&tag=latest "));
        /* a header injection attempt through the credentials */
        ck_assert_int_eq(docker_image_pull(d, "localhost:5000/app", "x\r\nEvil: 1", &err), -EINVAL);
        docker_close(d);
        fake_stop();
}
END_TEST

START_TEST(test_pull_refused)
{
        _cleanup_free_ char *r =
                response("404 Not Found", "{\"message\":\"pull access denied for nothere\"}");
        fake_start(FAKE_ANSWER, r);
        struct docker *d = NULL;
        md_error err = {0};
        ck_assert_int_eq(docker_open(fk.path, &d, &err), 0);
        ck_assert_int_eq(docker_image_pull(d, "docker.io/library/nothere:latest", NULL, &err), -EIO);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_FAILED);
        ck_assert_ptr_nonnull(strstr(err.message, "pull access denied"));
        docker_close(d);
        fake_stop();
}
END_TEST

/* The monitor against the fake daemon: the launch failures a real daemon does not produce on
 * demand. The monitor becomes uid/gid 0 with setresgid, which needs root. */
struct monitor_case {
        char state[96];
        struct monitor_config cfg;
};

static bool monitor_setup(struct monitor_case *mc, enum fake_attach attach, const char *start_response)
{
        if (geteuid() != 0) {
                fprintf(stderr, "monitor tests skipped: they need root\n");
                return false;
        }
        fake_start(FAKE_MONITOR, start_response);
        fk.attach = attach;
        snprintf(mc->state, sizeof mc->state, "%s/state", fk.dir);
        /* The failures under test come before the monitor touches the record: only the
         * directory must exist (and no record is written, so valgrind, which lacks
         * openat2, can run these). */
        md_error err = {0};
        int dirfd = md_record_dir_open(mc->state, true, &err);
        ck_assert_msg(dirfd >= 0, "%s", err.message);
        close(dirfd);
        mc->cfg = (struct monitor_config){fk.path,
                                          "mesos-fake",
                                          ID,
                                          mc->state,
                                          open("/dev/null", O_WRONLY | O_CLOEXEC),
                                          open("/dev/null", O_WRONLY | O_CLOEXEC),
                                          MD_KEEP_FOREVER};
        return true;
}

static void monitor_teardown(struct monitor_case *mc)
{
        char path[160];
        snprintf(path, sizeof path, "%s/containers", mc->state);
        rmdir(path);
        snprintf(path, sizeof path, "%s/waits", mc->state); /* the exit FIFOs' (exit_fifo.h) */
        rmdir(path);
        /* the shared monitor's lock and socket (it exits by itself once its dir is gone) */
        snprintf(path, sizeof path, "%s/monitor.lock", mc->state);
        unlink(path);
        snprintf(path, sizeof path, "%s/monitor.sock", mc->state);
        unlink(path);
        rmdir(mc->state);
        fake_stop();
}

START_TEST(test_monitor_start_refused)
{
        _cleanup_free_ char *r =
                response("500 Internal Server Error", "{\"message\":\"no space left on device\"}");
        struct monitor_case mc;
        if (!monitor_setup(&mc, ATTACH_OK, r))
                return;
        struct monitor_started started;
        md_error err = {0};
        ck_assert_int_eq(monitor_launch(&mc.cfg, &started, &err), -1);
        ck_assert_int_eq(err.exit_code, MD_EXIT_FAILED);
        ck_assert_msg(strstr(err.message, "no space left on device") != NULL, "%s", err.message);
        /* attach and wait before the start; the container is left to the launcher, its one
         * remover (monitor.h): the monitor's answer comes without a DELETE */
        pthread_mutex_lock(&fk.lock);
        char *attach = strstr(fk.seen, "/attach\n"), *wait = strstr(fk.seen, "/wait\n");
        char *start = strstr(fk.seen, "/start\n"), *del = strstr(fk.seen, "DELETE ");
        ck_assert_msg(attach && wait && start && !del, "%s", fk.seen);
        ck_assert_msg(attach < start && wait < start, "%s", fk.seen);
        pthread_mutex_unlock(&fk.lock);
        monitor_teardown(&mc);
}
END_TEST

struct launch_thread {
        struct monitor_config cfg;
        md_error err;
        int rc;
};

static void *launch_in_thread(void *arg)
{
        struct launch_thread *t = arg;
        struct monitor_started started;
        t->rc = monitor_launch(&t->cfg, &started, &t->err);
        return NULL;
}

/* Two launches at once: the monitor sends each start while the other is still unanswered (a
 * synchronous start in its loop would hold the second back until the first answered, and the
 * first would hear "alone"). */
START_TEST(test_monitor_starts_launches_together)
{
        struct monitor_case mc;
        if (!monitor_setup(&mc, ATTACH_OK, ""))
                return;
        fk.start_gate = true;
        /* the monitor started by a launch that fails at once, so that both below find it */
        struct monitor_started started;
        md_error err = {0};
        ck_assert_int_eq(monitor_launch(&mc.cfg, &started, &err), -1);
        struct launch_thread t[2];
        pthread_t th[2];
        for (int i = 0; i < 2; i++) {
                t[i] = (struct launch_thread){.cfg = mc.cfg};
                t[i].cfg.container = i ? "mesos-fake-b" : "mesos-fake-a";
                t[i].cfg.docker_id = i ? GATE_B : GATE_A;
                t[i].cfg.stdout_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
                t[i].cfg.stderr_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
                ck_assert_int_eq(pthread_create(&th[i], NULL, launch_in_thread, &t[i]), 0);
        }
        for (int i = 0; i < 2; i++)
                pthread_join(th[i], NULL);
        for (int i = 0; i < 2; i++) {
                ck_assert_int_eq(t[i].rc, -1);
                ck_assert_msg(strstr(t[i].err.message, "together") != NULL, "%s", t[i].err.message);
        }
        monitor_teardown(&mc);
}
END_TEST

START_TEST(test_monitor_attach_404)
{
        struct monitor_case mc;
        if (!monitor_setup(&mc, ATTACH_404, ""))
                return;
        struct monitor_started started;
        md_error err = {0};
        ck_assert_int_eq(monitor_launch(&mc.cfg, &started, &err), -1);
        ck_assert_msg(err.exit_code == MD_EXIT_NO_CONTAINER, "%d %s", err.exit_code, err.message);
        ck_assert_msg(strstr(err.message, "No such container") != NULL, "%s", err.message);
        ck_assert_ptr_null(strstr(fk.seen, "/start\n")); /* never started */
        monitor_teardown(&mc);
}
END_TEST

/* The daemon takes the attach and never answers: 69, within the connection's limits. */
START_TEST(test_monitor_silent_attach)
{
        struct monitor_case mc;
        if (!monitor_setup(&mc, ATTACH_SILENT, ""))
                return;
        docker_set_timeouts(300, 1000);
        struct monitor_started started;
        md_error err = {0};
        ck_assert_int_eq(monitor_launch(&mc.cfg, &started, &err), -1);
        ck_assert_int_eq(err.exit_code, MD_EXIT_UNAVAILABLE);
        ck_assert_ptr_null(strstr(fk.seen, "/start\n"));
        ck_assert_ptr_null(strstr(fk.seen, "DELETE ")); /* the launcher's to remove */
        monitor_teardown(&mc);
}
END_TEST

/* One monitor per state dir, for one docker socket: a launch naming another socket is refused
 * by the running monitor (no second monitor for the same dir). */
START_TEST(test_monitor_other_socket)
{
        struct monitor_case mc;
        if (!monitor_setup(&mc, ATTACH_404, ""))
                return;
        struct monitor_started started;
        md_error err = {0};
        ck_assert_int_eq(monitor_launch(&mc.cfg, &started, &err), -1); /* starts the monitor */
        md_error_clear(&err);
        struct monitor_config other = mc.cfg;
        other.docker_socket = "/run/another/docker.sock";
        other.stdout_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        other.stderr_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        ck_assert_int_eq(monitor_launch(&other, &started, &err), -1);
        ck_assert_int_eq(err.exit_code, MD_EXIT_FAILED);
        ck_assert_ptr_null(strstr(fk.seen, "DELETE ")); /* refused, not touched: the launcher's */
        ck_assert_msg(strstr(err.message, fk.path) != NULL, "%s", err.message);
        monitor_teardown(&mc);
}
END_TEST

/* What is not a whole request with its two fds is answered with an error, not acted on. */
START_TEST(test_monitor_malformed_request)
{
        struct monitor_case mc;
        if (!monitor_setup(&mc, ATTACH_404, ""))
                return;
        struct monitor_started started;
        md_error err = {0};
        ck_assert_int_eq(monitor_launch(&mc.cfg, &started, &err), -1); /* starts the monitor */
        struct sockaddr_un a = {.sun_family = AF_UNIX};
        snprintf(a.sun_path, sizeof a.sun_path, "%s/monitor.sock", mc.state);
        /* a whole request without its fds, then a short one */
        for (int i = 0; i < 2; i++) {
                int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
                ck_assert_int_ge(fd, 0);
                ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
                struct monitor_request q = {.version = MONITOR_REQUEST_VERSION};
                strcpy(q.docker_socket, fk.path);
                strcpy(q.container, "mesos-fake");
                strcpy(q.docker_id, ID);
                size_t len = i == 0 ? sizeof q : 10;
                ck_assert_int_eq(send(fd, &q, len, 0), (ssize_t)len);
                struct monitor_report rep;
                struct pollfd pfd = {fd, POLLIN, 0};
                ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
                ck_assert_int_eq(recv(fd, &rep, sizeof rep, 0), (ssize_t)sizeof rep);
                ck_assert_int_eq(rep.exit_code, MD_EXIT_FAILED);
                rep.message[sizeof rep.message - 1] = '\0';
                ck_assert_msg(strstr(rep.message, "malformed") != NULL, "%s", rep.message);
                close(fd);
        }
        ck_assert_ptr_null(strstr(fk.seen, "/start\n"));
        monitor_teardown(&mc);
}
END_TEST

/* The monitor's log lines, and its limit for the errors that repeat: one a second per
 * container, the next one counting what was left out. */
START_TEST(test_monitor_log_line_and_limit)
{
        char line[256];
        monitor_log_format(line, sizeof line, "mesos-a", "record of mesos-a: missing", 0);
        ck_assert_str_eq(line, "mesos-a: record of mesos-a: missing");
        monitor_log_format(line, sizeof line, "mesos-a", "resume: HTTP 500", 3);
        ck_assert_str_eq(line, "mesos-a: resume: HTTP 500 (3 more like it in the last second)");
        struct monitor_log_limit l = {0};
        unsigned suppressed = 99;
        ck_assert(monitor_log_allow(&l, 5000, &suppressed));
        ck_assert_uint_eq(suppressed, 0);
        ck_assert(!monitor_log_allow(&l, 5001, &suppressed));
        ck_assert(!monitor_log_allow(&l, 5000 + MONITOR_LOG_INTERVAL_MS - 1, &suppressed));
        ck_assert(monitor_log_allow(&l, 5000 + MONITOR_LOG_INTERVAL_MS, &suppressed));
        ck_assert_uint_eq(suppressed, 2);
        ck_assert(monitor_log_allow(&l, 5000 + 5 * MONITOR_LOG_INTERVAL_MS, &suppressed));
        ck_assert_uint_eq(suppressed, 0);
}
END_TEST

/* A /dev/log of the test's own, whatever the machine runs: this thread (and the monitor it
 * forks) gets a mount namespace whose /dev is a tmpfs with the device nodes it uses bound in
 * and a datagram socket at /dev/log. */
struct devlog {
        char dir[64];
        int fd;
};

static bool devlog_start(struct devlog *dl)
{
        if (unshare(CLONE_NEWNS) < 0 || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0) {
                fprintf(stderr, "syslog test skipped: no mount namespace: %s\n", strerror(errno));
                return false;
        }
        strcpy(dl->dir, "/tmp/md-devlog-XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(dl->dir));
        ck_assert_int_eq(mount("tmpfs", dl->dir, "tmpfs", 0, "mode=0755"), 0);
        const char *nodes[] = {"null", "zero", "full", "random", "urandom"};
        for (size_t i = 0; i < sizeof nodes / sizeof *nodes; i++) {
                char dev[32], at[96];
                snprintf(dev, sizeof dev, "/dev/%s", nodes[i]);
                snprintf(at, sizeof at, "%s/%s", dl->dir, nodes[i]);
                int fd = open(at, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
                ck_assert_int_ge(fd, 0);
                close(fd);
                ck_assert_int_eq(mount(dev, at, "none", MS_BIND, NULL), 0);
        }
        ck_assert_int_eq(mount(dl->dir, "/dev", "none", MS_BIND | MS_REC, NULL), 0);
        dl->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        ck_assert_int_ge(dl->fd, 0);
        struct sockaddr_un a = {.sun_family = AF_UNIX, .sun_path = "/dev/log"};
        ck_assert_int_eq(bind(dl->fd, (struct sockaddr *)&a, sizeof a), 0);
        ck_assert_int_eq(chmod("/dev/log", 0666), 0);
        return true;
}

/* The first line on /dev/log that contains want, into line; false when none came. */
static bool devlog_find(struct devlog *dl, const char *want, char *line, size_t size)
{
        for (int i = 0; i < 100; i++) {
                struct pollfd p = {dl->fd, POLLIN, 0};
                if (poll(&p, 1, 100) <= 0)
                        continue;
                ssize_t n = recv(dl->fd, line, size - 1, 0);
                if (n <= 0)
                        continue;
                line[n] = '\0';
                if (strstr(line, want))
                        return true;
        }
        return false;
}

static void devlog_stop(struct devlog *dl)
{
        close(dl->fd);
        umount2("/dev", MNT_DETACH);
        umount2(dl->dir, MNT_DETACH);
        rmdir(dl->dir);
}

static const char start_refused[] = "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
                                    "Connection: close\r\nContent-Length: 27\r\n\r\n"
                                    "{\"message\":\"start refused\"}";

/* A launch the daemon refuses to start: its answer, and a monitor running after it. The
 * output fds are monitor_setup's the first time, new ones after (the launch consumes them). */
static void launch_refused(struct monitor_case *mc)
{
        struct monitor_started started;
        md_error err = {0};
        if (mc->cfg.stdout_fd < 0) {
                mc->cfg.stdout_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
                mc->cfg.stderr_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        }
        ck_assert_int_eq(monitor_launch(&mc->cfg, &started, &err), -1);
        mc->cfg.stdout_fd = mc->cfg.stderr_fd = -1;
        ck_assert_msg(strstr(err.message, "start refused") != NULL, "%s", err.message);
}

/* A launch whose launcher is gone before the answer: the request with its two fds, and the
 * connection closed at once. The start the daemon refuses then has nobody to hear why. */
static void launch_and_go(const struct monitor_case *mc, const char *container)
{
        struct sockaddr_un a = {.sun_family = AF_UNIX};
        snprintf(a.sun_path, sizeof a.sun_path, "%s/monitor.sock", mc->state);
        int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
        struct monitor_config cfg = mc->cfg;
        cfg.container = container;
        cfg.stdout_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        cfg.stderr_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        md_error err = {0};
        ck_assert_msg(monitor_send_request(fd, &cfg, false, &err) == 0, "%s", err.message);
        close(cfg.stdout_fd);
        close(cfg.stderr_fd);
        close(fd);
}

/* How many requests of the daemon's have path in their first line so far. */
static int seen_count(const char *path)
{
        int n = 0;
        pthread_mutex_lock(&fk.lock);
        for (const char *p = fk.seen; (p = strstr(p, path)) != NULL; p++)
                n++;
        pthread_mutex_unlock(&fk.lock);
        return n;
}

static bool log_test_can_run(struct devlog *dl)
{
        if (geteuid() != 0) {
                fprintf(stderr, "monitor tests skipped: they need root\n");
                return false;
        }
        return devlog_start(dl);
}

START_TEST(test_monitor_logs_to_syslog)
{
        struct monitor_case mc;
        struct devlog dl;
        if (!log_test_can_run(&dl))
                return;
        ck_assert(monitor_setup(&mc, ATTACH_OK, start_refused));
        launch_refused(&mc); /* starts the monitor */
        launch_and_go(&mc, "mesos-gone");
        char line[2048];
        bool found = devlog_find(&dl, "mesos-gone: the launch is gone", line, sizeof line);
        /* the monitor left the container to the launcher, gone or not: no DELETE */
        bool deleted = seen_count("DELETE ") > 0;
        monitor_teardown(&mc);
        devlog_stop(&dl);
        ck_assert_msg(found, "no line about the refused start on /dev/log");
        /* <facility * 8 + priority>: LOG_DAEMON (3), LOG_ERR (3) */
        ck_assert_msg(strncmp(line, "<27>", 4) == 0, "%s", line);
        ck_assert_msg(strstr(line, " mesos-docker-monitor[") != NULL, "%s", line);
        ck_assert_msg(strstr(line, "start refused (HTTP 500)") != NULL, "%s", line);
        ck_assert(!deleted);
}
END_TEST

/* A /dev/log whose queue is full (any local user can fill it) costs the monitor a line, not
 * its loop: the next launch still gets its answer, which comes after the line (the line is
 * said in the step that sent the gone launch's start, and the loop does one step at a time). */
START_TEST(test_monitor_log_never_blocks)
{
        struct monitor_case mc;
        struct devlog dl;
        if (!log_test_can_run(&dl))
                return;
        int filler = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        struct sockaddr_un a = {.sun_family = AF_UNIX, .sun_path = "/dev/log"};
        ck_assert_int_eq(connect(filler, (struct sockaddr *)&a, sizeof a), 0);
        int queued = 0;
        while (send(filler, "<28>filler", 10, MSG_DONTWAIT) == 10)
                queued++;
        ck_assert_int_eq(errno, EAGAIN);
        ck_assert_int_gt(queued, 0);
        ck_assert(monitor_setup(&mc, ATTACH_OK, start_refused));
        launch_refused(&mc); /* starts the monitor */
        launch_and_go(&mc, "mesos-gone");
        while (seen_count("/start\n") < 2) /* the gone launch's start is on its way */
                usleep(10000);
        launch_refused(&mc);
        monitor_teardown(&mc);
        close(filler);
        devlog_stop(&dl);
}
END_TEST

START_TEST(test_escape)
{
        _cleanup_free_ char *e = docker_escape(NULL, "a b&c=d/é");
        ck_assert_str_eq(e, "a%20b%26c%3Dd%2F%C3%A9");
}
END_TEST

Suite *unit_suite(void)
{
        /* the fake daemon's peer may close first: a write must fail, not kill the runner */
        signal(SIGPIPE, SIG_IGN);
        Suite *s = suite_create("docker_errors");
        TCase *tc = tcase_create("core");
        tcase_set_timeout(tc, 30);
        tcase_add_test(tc, test_nobody_listening);
        tcase_add_test(tc, test_relative_socket_refused);
        tcase_add_test(tc, test_silent_daemon);
        tcase_add_test(tc, test_silent_after_ping);
        tcase_add_test(tc, test_500_message);
        tcase_add_test(tc, test_404_container);
        tcase_add_loop_test(tc, test_userns_remap, 0, sizeof userns_cases / sizeof userns_cases[0]);
        tcase_add_test(tc, test_garbage_body);
        tcase_add_test(tc, test_garbage_protocol);
        tcase_add_test(tc, test_oversize_body);
        tcase_add_test(tc, test_wait_and_list);
        tcase_add_test(tc, test_version_negotiation);
        tcase_add_test(tc, test_pull_stream_error);
        tcase_add_test(tc, test_pull_ok_and_digest);
        tcase_add_test(tc, test_pull_refused);
        tcase_add_test(tc, test_escape);
        tcase_add_test(tc, test_monitor_start_refused);
        tcase_add_test(tc, test_monitor_starts_launches_together);
        tcase_add_test(tc, test_monitor_attach_404);
        tcase_add_test(tc, test_monitor_silent_attach);
        tcase_add_test(tc, test_monitor_other_socket);
        tcase_add_test(tc, test_monitor_malformed_request);
        tcase_add_test(tc, test_monitor_log_line_and_limit);
        tcase_add_test(tc, test_monitor_logs_to_syslog);
        tcase_add_test(tc, test_monitor_log_never_blocks);
        suite_add_tcase(s, tc);
        return s;
}
