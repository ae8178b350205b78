/* fetch_run against a real HTTP server started here on 127.0.0.1, as an unprivileged test user
 * (md-fetch-test) fetching into a sandbox it owns: what landed where and what did not. Needs
 * root (to become the user); skipped otherwise (skip.h). */
#include <archive.h>
#include <archive_entry.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_run.h"
#include "skip.h"
#include "cleanup.h"
#include "fetch_internal.h"
#include "regauth.h"
#include "util.h"

/* The server: files from a directory, request counts per path, redirects, and the slow, the
 * silent and the endless answers that the timeouts and limits must bound. */
static const char server_py[] = "import sys, threading, time, urllib.parse\n"
                                "from http.server import ThreadingHTTPServer, SimpleHTTPRequestHandler\n"
                                "root = sys.argv[1]\n"
                                "counts = {}\n"
                                "lock = threading.Lock()\n"
                                "class H(SimpleHTTPRequestHandler):\n"
                                "    def __init__(self, *a, **k):\n"
                                "        super().__init__(*a, directory=root, **k)\n"
                                "    def log_message(self, *a):\n"
                                "        pass\n"
                                "    def do_GET(self):\n"
                                "        u = urllib.parse.urlsplit(self.path)\n"
                                "        q = urllib.parse.parse_qs(u.query)\n"
                                "        if u.path == '/__count':\n"
                                "            with lock:\n"
                                "                n = counts.get(q['path'][0], 0)\n"
                                "            body = str(n).encode()\n"
                                "            self.send_response(200)\n"
                                "            self.send_header('Content-Length', str(len(body)))\n"
                                "            self.end_headers()\n"
                                "            self.wfile.write(body)\n"
                                "            return\n"
                                "        with lock:\n"
                                "            counts[u.path] = counts.get(u.path, 0) + 1\n"
                                "        if u.path == '/redirect':\n"
                                "            self.send_response(302)\n"
                                "            self.send_header('Location', q['to'][0])\n"
                                "            self.send_header('Content-Length', '0')\n"
                                "            self.end_headers()\n"
                                "        elif u.path == '/slow':\n"
                                "            self.send_response(200)\n"
                                "            self.send_header('Content-Length', '1000000')\n"
                                "            self.end_headers()\n"
                                "            try:\n"
                                "                for i in range(1000):\n"
                                "                    self.wfile.write(b'x')\n"
                                "                    self.wfile.flush()\n"
                                "                    time.sleep(0.5)\n"
                                "            except Exception:\n"
                                "                pass\n"
                                "        elif u.path == '/silent':\n"
                                "            time.sleep(60)\n"
                                "        elif u.path == '/endless':\n"
                                "            self.send_response(200)\n"
                                "            self.end_headers()\n"
                                "            self.close_connection = True\n"
                                "            try:\n"
                                "                while True:\n"
                                "                    self.wfile.write(b'y' * 65536)\n"
                                "            except Exception:\n"
                                "                pass\n"
                                "        else:\n"
                                "            super().do_GET()\n"
                                "ThreadingHTTPServer.request_queue_size = 128\n"
                                "s = ThreadingHTTPServer(('127.0.0.1', 0), H)\n"
                                "s.handle_error = lambda *a: None\n"
                                "s.daemon_threads = True\n"
                                "print(s.server_address[1], flush=True)\n"
                                "s.serve_forever()\n";

static pid_t server_pid;
static int port;
static char work[] = "/tmp/md-fetch-live-XXXXXX";
static char served[4200], cache_root[4200];
static uid_t tuid;
static gid_t tgid;
static int n_sandbox;

/* setup runs outside any test: Check's asserts cannot report there */
#define must(c)                                                                                              \
        do {                                                                                                 \
                if (!(c)) {                                                                                  \
                        fprintf(stderr, "%s:%d: %s failed\n", __FILE__, __LINE__, #c);                       \
                        exit(1);                                                                             \
                }                                                                                            \
        } while (0)

static void write_path(const char *path, const void *data, size_t len, mode_t mode)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        must(fd >= 0);
        must(md_write_all(fd, data, len) == 0);
        fchmod(fd, mode);
        close(fd);
}

static void serve(const char *name, const void *data, size_t len)
{
        char p[4400];
        snprintf(p, sizeof p, "%s/%s", served, name);
        write_path(p, data, len, 0644);
}

enum fmt { TAR, TAR_GZ, TAR_BZ2, TAR_XZ, ZIP, GZ };

/* An archive holding dir/NAME with "content of NAME", or for GZ just that text. */
static void serve_archive(const char *name, enum fmt f, const char *inner)
{
        char p[4400], text[128];
        snprintf(p, sizeof p, "%s/%s", served, name);
        snprintf(text, sizeof text, "content of %s", inner);
        struct archive *a = archive_write_new();
        if (f == ZIP) {
                archive_write_set_format_zip(a);
        } else if (f == GZ) {
                archive_write_add_filter_gzip(a);
                archive_write_set_format_raw(a);
        } else {
                archive_write_set_format_pax_restricted(a);
                if (f == TAR_GZ)
                        archive_write_add_filter_gzip(a);
                if (f == TAR_BZ2)
                        archive_write_add_filter_bzip2(a);
                if (f == TAR_XZ)
                        archive_write_add_filter_xz(a);
        }
        must(archive_write_open_filename(a, p) == ARCHIVE_OK);
        struct archive_entry *e = archive_entry_new();
        char ep[256];
        snprintf(ep, sizeof ep, "dir/%s", inner);
        archive_entry_set_pathname(e, ep);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, (la_int64_t)strlen(text));
        must(archive_write_header(a, e) == ARCHIVE_OK);
        must(archive_write_data(a, text, strlen(text)) == (la_ssize_t)strlen(text));
        archive_entry_free(e);
        must(archive_write_close(a) == ARCHIVE_OK);
        archive_write_free(a);
}

static int request_count(const char *path)
{
        char cmd[512];
        snprintf(cmd, sizeof cmd,
                 "python3 -c \"import urllib.request,sys;"
                 "print(urllib.request.urlopen('http://127.0.0.1:%d/__count?path=%s').read().decode())\"",
                 port, path);
        FILE *f = popen(cmd, "r");
        ck_assert_ptr_nonnull(f);
        int n = -1;
        ck_assert_int_eq(fscanf(f, "%d", &n), 1);
        pclose(f);
        return n;
}

/* A fresh sandbox owned by the test user, as the helper would hand it over. */
struct sandbox {
        char path[4400];
        int fd;
        int log_fd;
};

static void sandbox_new(struct sandbox *s)
{
        snprintf(s->path, sizeof s->path, "%s/sandbox-%d-%d", work, (int)getpid(), n_sandbox++);
        ck_assert_int_eq(mkdir(s->path, 0750), 0);
        ck_assert_int_eq(chown(s->path, tuid, tgid), 0);
        s->fd = open(s->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ck_assert_int_ge(s->fd, 0);
        s->log_fd = openat(s->fd, "stderr", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        ck_assert_int_ge(s->log_fd, 0);
        ck_assert_int_eq(fchown(s->log_fd, tuid, tgid), 0);
}

static void sandbox_free(struct sandbox *s)
{
        close(s->fd);
        close(s->log_fd);
}

static const char *http_only[] = {"http"};
static const char *all_schemes[] = {"http", "https", "ftp", "file"};

static struct fetch_request req_for(struct sandbox *s, const struct fetch_item *items, size_t n)
{
        return (struct fetch_request){
                .uid = tuid,
                .gid = tgid,
                .sandbox_dirfd = s->fd,
                .items = items,
                .n_items = n,
                .allowed_schemes = all_schemes,
                .n_allowed_schemes = 4,
                .max_bytes = 64 << 20,
                .cache_dirfd = -1,
                .log_fd = s->log_fd,
                .connect_timeout_s = 5,
                .low_speed_time_s = 2,
                .low_speed_bytes = 100,
        };
}

static char *url(const char *path)
{
        static char u[16][512];
        static int i;
        i = (i + 1) % 16;
        snprintf(u[i], sizeof u[i], "http://127.0.0.1:%d%s", port, path);
        return u[i];
}

static char *slurp(struct sandbox *s, const char *name)
{
        int fd = openat(s->fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return NULL;
        char *out = NULL;
        size_t len;
        int r = md_read_all(fd, 1 << 20, &out, &len);
        close(fd);
        return r < 0 ? NULL : out;
}

static bool exists(struct sandbox *s, const char *name)
{
        struct stat st;
        return fstatat(s->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static bool no_hidden_files(struct sandbox *s)
{
        char cmd[4500];
        snprintf(cmd, sizeof cmd, "! find '%s' -name '.fetch.*' | grep -q .", s->path);
        return system(cmd) == 0;
}

START_TEST(plain_executable_output_file)
{
        struct sandbox s;
        sandbox_new(&s);
        struct fetch_item items[] = {
                {.uri = url("/hello.txt")},
                {.uri = url("/run.sh"), .executable = true, .extract = true},
                {.uri = url("/hello.txt?x=1#frag"), .output_file = "sub/dir/renamed.bin"},
                {.uri = url("/redirect?to=/hello.txt"), .output_file = "redirected"},
        };
        struct fetch_request req = req_for(&s, items, 4);
        md_error err = {0};
        ck_assert_msg(fetch_run(&req, &err) == 0, "%s", err.message);
        _cleanup_free_ char *h = slurp(&s, "hello.txt");
        ck_assert_str_eq(h, "hello world\n");
        struct stat st;
        ck_assert_int_eq(fstatat(s.fd, "hello.txt", &st, 0), 0);
        ck_assert_uint_eq(st.st_uid, tuid); /* written by the caller, not by root */
        ck_assert_int_eq(fstatat(s.fd, "run.sh", &st, 0), 0);
        ck_assert_uint_eq(st.st_mode & 07777, 0755);
        _cleanup_free_ char *r = slurp(&s, "sub/dir/renamed.bin");
        ck_assert_str_eq(r, "hello world\n");
        ck_assert_int_eq(fstatat(s.fd, "sub/dir", &st, 0), 0);
        ck_assert_uint_eq(st.st_uid, tuid);
        _cleanup_free_ char *rd = slurp(&s, "redirected");
        ck_assert_str_eq(rd, "hello world\n");
        _cleanup_free_ char *log = slurp(&s, "stderr");
        char want[600];
        snprintf(want, sizeof want, "mesos-docker-helper: fetched %s to hello.txt (12 bytes in ",
                 url("/hello.txt"));
        ck_assert_msg(strstr(log, want) != NULL, "%s", log);
        ck_assert(no_hidden_files(&s));
        sandbox_free(&s);
}
END_TEST

START_TEST(every_archive_type)
{
        struct sandbox s;
        sandbox_new(&s);
        static const char *names[] = {"a.tar",     "b.tgz", "c.tar.gz", "d.tbz2",
                                      "e.tar.bz2", "f.txz", "g.tar.xz", "h.zip"};
        struct fetch_item items[10];
        char paths[10][64];
        for (int i = 0; i < 8; i++) {
                snprintf(paths[i], sizeof paths[i], "/%s", names[i]);
                items[i] = (struct fetch_item){.uri = url(paths[i]), .extract = true};
        }
        items[8] = (struct fetch_item){.uri = url("/notes.txt.gz"), .extract = true};
        items[9] = (struct fetch_item){.uri = url("/b.tgz"), .extract = false, .output_file = "kept/b.tgz"};
        struct fetch_request req = req_for(&s, items, 10);
        md_error err = {0};
        ck_assert_msg(fetch_run(&req, &err) == 0, "%s", err.message);
        for (int i = 0; i < 8; i++) {
                char inner[80], want[100];
                snprintf(inner, sizeof inner, "dir/%s.inner", names[i]);
                snprintf(want, sizeof want, "content of %s.inner", names[i]);
                _cleanup_free_ char *c = slurp(&s, inner);
                _cleanup_free_ char *log = c ? NULL : slurp(&s, "stderr");
                ck_assert_msg(c && strcmp(c, want) == 0, "%s: %s; log: %s", names[i], c ? c : "(missing)",
                              log);
                ck_assert_msg(exists(&s, names[i]), "%s: the archive is kept", names[i]);
        }
        _cleanup_free_ char *n = slurp(&s, "notes.txt");
        ck_assert_str_eq(n, "content of notes");
        ck_assert(exists(&s, "notes.txt.gz"));
        ck_assert(exists(&s, "kept/b.tgz"));
        struct stat st;
        ck_assert_int_eq(fstatat(s.fd, "dir/a.tar.inner", &st, 0), 0);
        ck_assert_uint_eq(st.st_uid, tuid);
        _cleanup_free_ char *log = slurp(&s, "stderr");
        ck_assert_ptr_nonnull(
                strstr(log, "mesos-docker-helper: extracted h.zip into the sandbox (1 entries"));
        sandbox_free(&s);
}
END_TEST

START_TEST(redirect_to_denied_scheme)
{
        struct sandbox s;
        sandbox_new(&s);
        struct fetch_item to_file = {.uri = url("/redirect?to=file:///etc/passwd"), .output_file = "stolen"};
        struct fetch_request req = req_for(&s, &to_file, 1);
        md_error err = {0};
        ck_assert_int_eq(fetch_run(&req, &err), -EACCES);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_DENIED);
        ck_assert_msg(
                strstr(err.message, "redirected to file:///etc/passwd, a scheme the policy does not allow"),
                "%s", err.message);
        ck_assert(!exists(&s, "stolen"));
        /* https is allowed by the policy and by curl, but not here: http only */
        char to[256];
        snprintf(to, sizeof to, "/redirect?to=ftp://127.0.0.1:%d/hello.txt", port);
        struct fetch_item to_ftp = {.uri = url(to), .output_file = "ftp"};
        req = req_for(&s, &to_ftp, 1);
        req.allowed_schemes = http_only;
        req.n_allowed_schemes = 1;
        md_error_clear(&err);
        ck_assert_int_eq(fetch_run(&req, &err), -EACCES);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_DENIED);
        ck_assert(!exists(&s, "ftp"));
        ck_assert(no_hidden_files(&s));
        sandbox_free(&s);
}
END_TEST

START_TEST(slow_silent_and_dead_servers)
{
        struct sandbox s;
        sandbox_new(&s);
        const char *paths[] = {"/slow", "/silent"};
        for (int i = 0; i < 2; i++) {
                struct fetch_item it = {.uri = url(paths[i]), .output_file = "never"};
                struct fetch_request req = req_for(&s, &it, 1);
                md_error err = {0};
                int64_t t0 = md_monotonic_ms();
                ck_assert_int_eq(fetch_run(&req, &err), -EIO);
                int64_t took = md_monotonic_ms() - t0;
                ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_FAILED);
                ck_assert_msg(strstr(err.message, "Operation too slow") || strstr(err.message, "timed out") ||
                                      strstr(err.message, "Timeout"),
                              "%s", err.message);
                ck_assert_msg(took < 8000, "%s took %lld ms", paths[i], (long long)took);
                ck_assert(!exists(&s, "never"));
        }
        /* nobody listens: fails at once, naming the URI */
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t sl = sizeof sa;
        ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
        ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
        close(fd); /* the port is free now: connection refused */
        char dead[128];
        snprintf(dead, sizeof dead, "http://127.0.0.1:%d/x", ntohs(sa.sin_port));
        struct fetch_item it = {.uri = dead};
        struct fetch_request req = req_for(&s, &it, 1);
        md_error err = {0};
        ck_assert_int_eq(fetch_run(&req, &err), -EIO);
        char want[200];
        snprintf(want, sizeof want, "%s: ", dead);
        ck_assert_msg(strncmp(err.message, want, strlen(want)) == 0, "%s", err.message);
        ck_assert(!exists(&s, "x"));
        /* a 404 fails too (Mesos: a failed download fails the fetch) */
        struct fetch_item nf = {.uri = url("/missing")};
        req = req_for(&s, &nf, 1);
        md_error_clear(&err);
        ck_assert_int_eq(fetch_run(&req, &err), -EIO);
        ck_assert_ptr_nonnull(strstr(err.message, "404"));
        /* a password in the URI stays out of the message and the sandbox's log */
        char withpw[256];
        snprintf(withpw, sizeof withpw, "http://bob:hunter2@127.0.0.1:%d/missing", port);
        struct fetch_item pw = {.uri = withpw};
        req = req_for(&s, &pw, 1);
        md_error_clear(&err);
        ck_assert_int_eq(fetch_run(&req, &err), -EIO);
        ck_assert_msg(strstr(err.message, "http://bob:***@127.0.0.1:") && !strstr(err.message, "hunter2"),
                      "%s", err.message);
        _cleanup_free_ char *log = slurp(&s, "stderr");
        ck_assert_ptr_null(strstr(log, "hunter2"));
        ck_assert(no_hidden_files(&s));
        sandbox_free(&s);
}
END_TEST

START_TEST(callers_rights_only)
{
        struct sandbox s;
        sandbox_new(&s);
        struct fetch_item shadow = {.uri = "file:///etc/shadow"};
        struct fetch_request req = req_for(&s, &shadow, 1);
        md_error err = {0};
        ck_assert_int_eq(fetch_run(&req, &err), -EIO);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_FAILED);
        ck_assert_str_eq(err.message, "file:///etc/shadow: Permission denied");
        ck_assert(!exists(&s, "shadow"));
        /* another user's (root's) private file */
        char priv[4400];
        snprintf(priv, sizeof priv, "%s/root-only", work);
        write_path(priv, "secret", 6, 0600);
        struct fetch_item other = {.uri = priv};
        req = req_for(&s, &other, 1);
        md_error_clear(&err);
        ck_assert_int_eq(fetch_run(&req, &err), -EIO);
        ck_assert_ptr_nonnull(strstr(err.message, "Permission denied"));
        ck_assert(!exists(&s, "root-only"));
        /* a directory in the sandbox that the caller cannot write: the fetch cannot either */
        ck_assert_int_eq(mkdirat(s.fd, "rootdir", 0755), 0);
        struct fetch_item into = {.uri = url("/hello.txt"), .output_file = "rootdir/x"};
        req = req_for(&s, &into, 1);
        md_error_clear(&err);
        ck_assert_int_eq(fetch_run(&req, &err), -EIO);
        ck_assert_ptr_nonnull(strstr(err.message, "Permission denied"));
        ck_assert(!exists(&s, "rootdir/x"));
        sandbox_free(&s);
}
END_TEST

START_TEST(refused_requests)
{
        struct sandbox s;
        sandbox_new(&s);
        md_error err = {0};
        /* traversal in output_file: refused before anything is fetched */
        static const char *const outs[] = {"../escape", "/tmp/escape", "a/../../escape"};
        for (size_t i = 0; i < 3; i++) {
                struct fetch_item it = {.uri = url("/hello.txt"), .output_file = outs[i]};
                struct fetch_request req = req_for(&s, &it, 1);
                md_error_clear(&err);
                ck_assert_int_eq(fetch_run(&req, &err), -EIO);
                ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_FAILED);
                ck_assert_ptr_nonnull(strstr(err.message, "is not a relative path inside the sandbox"));
        }
        char esc[4400];
        snprintf(esc, sizeof esc, "%s/escape", work);
        ck_assert_int_eq(access(esc, F_OK), -1);
        ck_assert_int_eq(access("/tmp/escape", F_OK), -1);
        /* a scheme the policy does not list */
        struct fetch_item f = {.uri = "file:///etc/hostname"};
        struct fetch_request req = req_for(&s, &f, 1);
        req.allowed_schemes = http_only;
        req.n_allowed_schemes = 1;
        md_error_clear(&err);
        ck_assert_int_eq(fetch_run(&req, &err), -EACCES);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_DENIED);
        ck_assert_str_eq(err.message, "file:///etc/hostname: scheme file is not allowed by the policy");
        ck_assert(!exists(&s, "hostname"));
        /* a zip bomb: the archive is fetched, its extraction stops at the limit, nothing of it lands */
        struct fetch_item bomb = {.uri = url("/bomb.zip"), .extract = true};
        req = req_for(&s, &bomb, 1);
        req.max_bytes = 1 << 20;
        md_error_clear(&err);
        ck_assert_int_eq(fetch_run(&req, &err), -EIO);
        ck_assert_str_eq(err.message, "extracting bomb.zip: zeros: more than the limit of 1048576 bytes");
        ck_assert(!exists(&s, "zeros"));
        ck_assert(no_hidden_files(&s));
        sandbox_free(&s);
}
END_TEST

START_TEST(planted_symlinks_not_followed)
{
        struct sandbox s;
        sandbox_new(&s);
        char victim[4400], vdir[4400];
        snprintf(victim, sizeof victim, "%s/victim", work);
        snprintf(vdir, sizeof vdir, "%s/victim-dir", work);
        write_path(victim, "root's", 6, 0666); /* even writable by the caller: not through the link */
        ck_assert_int_eq(mkdir(vdir, 0777), 0);
        ck_assert_int_eq(symlinkat(victim, s.fd, "hello.txt"), 0);
        ck_assert_int_eq(symlinkat(vdir, s.fd, "linkdir"), 0);
        struct fetch_item it = {.uri = url("/hello.txt")};
        struct fetch_request req = req_for(&s, &it, 1);
        md_error err = {0};
        ck_assert_msg(fetch_run(&req, &err) == 0, "%s", err.message);
        int fd = open(victim, O_RDONLY | O_CLOEXEC);
        char buf[16] = "";
        ck_assert_int_eq(read(fd, buf, sizeof buf - 1), 6);
        close(fd);
        ck_assert_str_eq(buf, "root's");
        struct stat st;
        ck_assert_int_eq(fstatat(s.fd, "hello.txt", &st, AT_SYMLINK_NOFOLLOW), 0);
        ck_assert(S_ISREG(st.st_mode));
        struct fetch_item via = {.uri = url("/hello.txt"), .output_file = "linkdir/x"};
        req = req_for(&s, &via, 1);
        md_error_clear(&err);
        ck_assert_int_eq(fetch_run(&req, &err), -EIO);
        ck_assert_ptr_nonnull(strstr(err.message, "Too many levels of symbolic links"));
        char vx[4500];
        snprintf(vx, sizeof vx, "%s/x", vdir);
        ck_assert_int_eq(access(vx, F_OK), -1);
        /* an archive whose entries would go through the planted directory link */
        struct fetch_item arc = {.uri = url("/escape.tar"), .extract = true};
        req = req_for(&s, &arc, 1);
        md_error_clear(&err);
        ck_assert_int_eq(fetch_run(&req, &err), -EIO);
        ck_assert_ptr_nonnull(strstr(err.message, "extracting escape.tar: linkdir/pwned"));
        snprintf(vx, sizeof vx, "%s/pwned", vdir);
        ck_assert_int_eq(access(vx, F_OK), -1);
        sandbox_free(&s);
}
END_TEST

START_TEST(max_bytes)
{
        struct sandbox s;
        sandbox_new(&s);
        struct fetch_item it = {.uri = url("/big.bin")};
        struct fetch_request req = req_for(&s, &it, 1);
        req.max_bytes = 100000; /* big.bin is 1 MiB, with a Content-Length */
        md_error err = {0};
        ck_assert_int_eq(fetch_run(&req, &err), -EIO);
        ck_assert_ptr_nonnull(strstr(err.message, "larger than the limit of 100000 bytes"));
        ck_assert(!exists(&s, "big.bin"));
        /* no Content-Length, endless: the byte counter stops it */
        struct fetch_item e = {.uri = url("/endless")};
        req = req_for(&s, &e, 1);
        req.max_bytes = 1 << 20;
        md_error_clear(&err);
        ck_assert_int_eq(fetch_run(&req, &err), -EIO);
        ck_assert_ptr_nonnull(strstr(err.message, "larger than the limit of 1048576 bytes"));
        ck_assert(!exists(&s, "endless"));
        ck_assert(no_hidden_files(&s));
        sandbox_free(&s);
}
END_TEST

START_TEST(cache_one_download)
{
        md_error err = {0};
        int cfd = fetch_cache_dir_open(cache_root, tuid, tgid, &err);
        ck_assert_msg(cfd >= 0, "%s", err.message);
        struct stat st;
        ck_assert_int_eq(fstat(cfd, &st), 0);
        ck_assert_uint_eq(st.st_uid, tuid);
        /* four concurrent fetches of one URI into four sandboxes: one download */
        struct sandbox s[4];
        for (int i = 0; i < 4; i++)
                sandbox_new(&s[i]);
        pid_t pids[4];
        for (int i = 0; i < 4; i++) {
                pids[i] = fork();
                ck_assert_int_ge(pids[i], 0);
                if (pids[i] == 0) {
                        struct fetch_item it = {.uri = url("/cached.bin"), .cache = true};
                        struct fetch_request req = req_for(&s[i], &it, 1);
                        req.cache_dirfd = cfd;
                        req.cache_max_bytes = 64 << 20;
                        md_error e = {0};
                        _exit(fetch_run(&req, &e) == 0 ? 0 : 1);
                }
        }
        for (int i = 0; i < 4; i++) {
                int status;
                ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
                ck_assert_int_eq(WEXITSTATUS(status), 0);
                ck_assert_int_eq(fstatat(s[i].fd, "cached.bin", &st, 0), 0);
                ck_assert_int_eq(st.st_size, 300000);
        }
        ck_assert_int_eq(request_count("/cached.bin"), 1);
        /* later: still from the cache */
        struct sandbox s5;
        sandbox_new(&s5);
        struct fetch_item it = {.uri = url("/cached.bin"), .cache = true, .output_file = "again"};
        struct fetch_request req = req_for(&s5, &it, 1);
        req.cache_dirfd = cfd;
        ck_assert_msg(fetch_run(&req, &err) == 0, "%s", err.message);
        ck_assert_int_eq(request_count("/cached.bin"), 1);
        _cleanup_free_ char *log = slurp(&s5, "stderr");
        ck_assert_ptr_nonnull(strstr(log, ", from the cache)"));
        /* without cache: the server again */
        it.cache = false;
        ck_assert_msg(fetch_run(&req, &err) == 0, "%s", err.message);
        ck_assert_int_eq(request_count("/cached.bin"), 2);
        close(cfd);
}
END_TEST

/* ---- registry credentials against a real registry and daemon ---- */

static const char *docker_sock(void)
{
        const char *s = getenv("MD_TEST_DOCKER_SOCK");
        struct stat st;
        s = s ? s : "/tmp/dk/docker.sock";
        return stat(s, &st) == 0 && S_ISSOCK(st.st_mode) ? s : NULL;
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
        char cmd[8192];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(cmd, sizeof cmd, fmt, ap);
        va_end(ap);
        return system(cmd);
}

/* The daemon's answer to a pull with this X-Registry-Auth (NULL: none), its last line. */
static char *pull(const char *sock, const char *image, const char *auth)
{
        char cmd[4096];
        snprintf(cmd, sizeof cmd,
                 "curl -s --unix-socket '%s' -X POST %s%s%s "
                 "'http://d/v1.41/images/create?fromImage=%s&tag=latest' "
                 "| tail -n 1",
                 sock, auth ? "-H 'X-Registry-Auth: " : "", auth ? auth : "", auth ? "'" : "", image);
        FILE *f = popen(cmd, "r");
        ck_assert_ptr_nonnull(f);
        static char line[4096];
        line[0] = '\0';
        if (!fgets(line, sizeof line, f))
                line[0] = '\0';
        pclose(f);
        return line;
}

static void put_config(struct sandbox *s, const char *rel, const char *text, uid_t owner, mode_t mode)
{
        int fd = openat(s->fd, rel, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(md_write_all(fd, text, strlen(text)), 0);
        ck_assert_int_eq(fchown(fd, owner, tgid), 0);
        ck_assert_int_eq(fchmod(fd, mode), 0);
        close(fd);
}

static char *lookup(struct sandbox *s, const char *registry, const char *fallback, md_error *err)
{
        struct regauth_request rr = {tuid, tgid, s ? s->fd : -1, registry, fallback};
        char *out = NULL;
        md_error_clear(err);
        return regauth_lookup(&rr, &out, err) < 0 ? (char *)"failed" : out;
}

START_TEST(registry_credentials)
{
        const char *sock = docker_sock();
        const char *src = getenv("MD_TEST_IMAGE") ? getenv("MD_TEST_IMAGE") : "mesos-test/busybox:latest";
        if (!sock || sh("command -v docker-registry htpasswd docker >/dev/null") != 0 ||
            sh("DOCKER_HOST=unix://%s docker image inspect %s >/dev/null 2>&1", sock, src) != 0) {
                SKIP_CASE("registry_credentials: no docker socket, image %s or registry", src);
                return;
        }
        int rport = 0;
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t sl = sizeof sa;
        ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
        ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
        rport = ntohs(sa.sin_port);
        close(fd);
        char reg[64], image[128];
        snprintf(reg, sizeof reg, "127.0.0.1:%d", rport);
        snprintf(image, sizeof image, "%s/md-fetch-test/busybox", reg);
        ck_assert_int_eq(
                sh("set -e; R=%s/registry; mkdir -p $R/data $R/home; "
                   "htpasswd -Bbn alice 's3cr:et' > $R/htpasswd; "
                   "printf 'version: 0.1\\nstorage:\\n  filesystem:\\n    rootdirectory: %%s\\n"
                   "http:\\n  addr: %s\\nauth:\\n  htpasswd:\\n    realm: t\\n    path: %%s\\n' "
                   "$R/data $R/htpasswd > $R/config.yml; "
                   "(docker-registry serve $R/config.yml > $R/log 2>&1 & echo $! > $R/pid); "
                   "for i in $(seq 50); do curl -s -o /dev/null http://%s/v2/ && break; sleep 0.1; done; "
                   "export DOCKER_HOST=unix://%s HOME=$R/home; "
                   "docker login -u alice -p 's3cr:et' %s >/dev/null 2>&1; "
                   "docker tag %s %s:latest; docker push %s:latest >/dev/null; "
                   "docker rmi %s:latest >/dev/null",
                   work, reg, reg, sock, reg, src, image, image, image),
                0);
        struct sandbox s;
        sandbox_new(&s);
        md_error err = {0};
        /* nothing in the sandbox, no fallback: no credentials, and the registry says why */
        ck_assert_ptr_null(lookup(&s, reg, NULL, &err));
        ck_assert_ptr_nonnull(strstr(pull(sock, image, NULL), "no basic auth credentials"));
        /* the seed's .dockercfg, fetched by the task (written here as the user would) */
        char cfg[512];
        snprintf(cfg, sizeof cfg, "{\"%s\":{\"auth\":\"YWxpY2U6czNjcjpldA==\",\"email\":\"\"}}", reg);
        put_config(&s, ".dockercfg", cfg, tuid, 0600);
        char *auth = lookup(&s, reg, NULL, &err);
        ck_assert_msg(auth && strcmp(auth, "failed") != 0, "%s", err.message);
        char *answer = pull(sock, image, auth);
        ck_assert_msg(strstr(answer, "Downloaded newer image") || strstr(answer, "Image is up to date"), "%s",
                      answer);
        free(auth);
        sh("DOCKER_HOST=unix://%s docker rmi %s:latest >/dev/null 2>&1", sock, image);
        /* wrong password: the registry's reason comes back */
        snprintf(cfg, sizeof cfg, "{\"auths\":{\"http://%s\":{\"auth\":\"YWxpY2U6d3Jvbmc=\"}}}", reg);
        ck_assert_int_eq(mkdirat(s.fd, ".docker", 0700), 0);
        ck_assert_int_eq(fchownat(s.fd, ".docker", tuid, tgid, 0), 0);
        put_config(&s, ".docker/config.json", cfg, tuid, 0600);
        auth = lookup(&s, reg, NULL, &err);
        ck_assert_msg(auth && strcmp(auth, "failed") != 0, "%s", err.message);
        ck_assert_ptr_nonnull(strstr(pull(sock, image, auth), "unauthorized"));
        free(auth);
        /* read with the caller's rights: a config the caller cannot read fails */
        put_config(&s, ".docker/config.json", cfg, 0, 0600);
        ck_assert_str_eq(lookup(&s, reg, NULL, &err), "failed");
        ck_assert_str_eq(err.message, "sandbox .docker/config.json: Permission denied");
        ck_assert_int_eq(unlinkat(s.fd, ".docker/config.json", 0), 0);
        ck_assert_int_eq(unlinkat(s.fd, ".dockercfg", 0), 0);
        /* the policy's root-owned config as the fallback */
        char fb[4400];
        snprintf(fb, sizeof fb, "%s/registry/root-config.json", work);
        snprintf(cfg, sizeof cfg, "{\"auths\":{\"%s\":{\"auth\":\"YWxpY2U6czNjcjpldA==\"}}}", reg);
        write_path(fb, cfg, strlen(cfg), 0600);
        auth = lookup(&s, reg, fb, &err);
        ck_assert_msg(auth && strcmp(auth, "failed") != 0, "%s", err.message);
        answer = pull(sock, image, auth);
        ck_assert_msg(strstr(answer, "Downloaded newer image") || strstr(answer, "Image is up to date"), "%s",
                      answer);
        free(auth);
        sh("DOCKER_HOST=unix://%s docker rmi %s:latest >/dev/null 2>&1", sock, image);
        sh("kill $(cat %s/registry/pid)", work);
        sandbox_free(&s);
}
END_TEST

/* https with a certificate nobody vouches for: refused, never downgraded to unverified */
START_TEST(tls_verified)
{
        if (sh("command -v openssl >/dev/null") != 0) {
                SKIP_CASE("tls_verified: no openssl");
                return;
        }
        ck_assert_int_eq(sh("cd %s && openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 "
                            "-addext subjectAltName=IP:127.0.0.1 -keyout tls.key -out tls.crt -days 1 "
                            ">/dev/null 2>&1",
                            work),
                         0);
        char cmd[8192];
        snprintf(cmd, sizeof cmd,
                 "import ssl, sys\n"
                 "from http.server import HTTPServer, SimpleHTTPRequestHandler\n"
                 "class H(SimpleHTTPRequestHandler):\n"
                 "    def __init__(self, *a, **k):\n"
                 "        super().__init__(*a, directory='%s', **k)\n"
                 "    def log_message(self, *a):\n"
                 "        pass\n"
                 "s = HTTPServer(('127.0.0.1', 0), H)\n"
                 "c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n"
                 "c.load_cert_chain('%s/tls.crt', '%s/tls.key')\n"
                 "s.socket = c.wrap_socket(s.socket, server_side=True)\n"
                 "s.handle_error = lambda *a: None\n"
                 "print(s.server_address[1], flush=True)\n"
                 "s.serve_forever()\n",
                 served, work, work);
        int p[2];
        ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
        pid_t pid = fork();
        if (pid == 0) {
                dup2(p[1], 1);
                execl("/usr/bin/python3", "python3", "-c", cmd, (char *)NULL);
                execlp("python3", "python3", "-c", cmd, (char *)NULL);
                _exit(127);
        }
        close(p[1]);
        char line[32] = "";
        size_t got = 0;
        while (got < sizeof line - 1 && !memchr(line, '\n', got)) {
                ssize_t n = read(p[0], line + got, sizeof line - 1 - got);
                if (n <= 0)
                        break;
                got += (size_t)n;
        }
        int tport = 0;
        ck_assert_int_eq(sscanf(line, "%d", &tport), 1);
        struct sandbox s;
        sandbox_new(&s);
        char u[128];
        snprintf(u, sizeof u, "https://127.0.0.1:%d/hello.txt", tport);
        struct fetch_item it = {.uri = u};
        struct fetch_request req = req_for(&s, &it, 1);
        md_error err = {0};
        ck_assert_int_eq(fetch_run(&req, &err), -EIO);
        ck_assert_msg(strstr(err.message, "certificate"), "%s", err.message);
        ck_assert(!exists(&s, "hello.txt"));
        /* the same server is reachable: the refusal is the certificate's, not the network's */
        ck_assert_int_eq(sh("curl -sfk -o /dev/null %s", u), 0);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        close(p[0]);
        sandbox_free(&s);
}
END_TEST

static void make_user(void)
{
        struct passwd *pw = getpwnam("md-fetch-test");
        if (!pw) {
                if (system("useradd --system --no-create-home --shell /usr/sbin/nologin md-fetch-test") !=
                    0) {
                        exit(skip_suite("cannot create the user md-fetch-test"));
                }
                pw = getpwnam("md-fetch-test");
        }
        if (!pw)
                exit(77);
        tuid = pw->pw_uid;
        tgid = pw->pw_gid;
}

static void start_server(void)
{
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                exit(1);
        server_pid = fork();
        if (server_pid == 0) {
                dup2(p[1], 1);
                setpgid(0, 0);
                /* the system's python when there is one: no shim between us and the server */
                execl("/usr/bin/python3", "python3", "-c", server_py, served, (char *)NULL);
                execlp("python3", "python3", "-c", server_py, served, (char *)NULL);
                _exit(127);
        }
        close(p[1]);
        /* up to the newline (print may write it separately), and the pipe stays open: a closed
         * reader would kill the server with SIGPIPE on its next write */
        char line[32] = "";
        size_t got = 0;
        while (got < sizeof line - 1 && !memchr(line, '\n', got)) {
                ssize_t n = read(p[0], line + got, sizeof line - 1 - got);
                if (n <= 0)
                        break;
                got += (size_t)n;
        }
        if (!memchr(line, '\n', got) || sscanf(line, "%d", &port) != 1) {
                fprintf(stderr, "the test HTTP server did not start\n");
                exit(1);
        }
}

static void make_content(void)
{
        snprintf(served, sizeof served, "%s/served", work);
        snprintf(cache_root, sizeof cache_root, "%s/cache", work);
        if (mkdir(served, 0755) < 0 || mkdir(cache_root, 01733) < 0 || chmod(cache_root, 01733) < 0 ||
            chmod(work, 0755) < 0)
                exit(1);
        serve("hello.txt", "hello world\n", 12);
        serve("run.sh", "#!/bin/sh\necho hi\n", 18);
        static char big[1 << 20];
        memset(big, 'B', sizeof big);
        serve("big.bin", big, sizeof big);
        serve("cached.bin", big, 300000);
        static const char *names[] = {"a.tar",     "b.tgz", "c.tar.gz", "d.tbz2",
                                      "e.tar.bz2", "f.txz", "g.tar.xz", "h.zip"};
        static const enum fmt fmts[] = {TAR, TAR_GZ, TAR_GZ, TAR_BZ2, TAR_BZ2, TAR_XZ, TAR_XZ, ZIP};
        for (int i = 0; i < 8; i++) {
                char inner[64];
                snprintf(inner, sizeof inner, "%s.inner", names[i]);
                serve_archive(names[i], fmts[i], inner);
        }
        serve_archive("notes.txt.gz", GZ, "notes");
        char p[4400];
        /* bomb.zip: 8 MiB of zeros in a few KiB */
        snprintf(p, sizeof p, "%s/bomb.zip", served);
        struct archive *z = archive_write_new();
        archive_write_set_format_zip(z);
        must(archive_write_open_filename(z, p) == ARCHIVE_OK);
        struct archive_entry *ze = archive_entry_new();
        archive_entry_set_pathname(ze, "zeros");
        archive_entry_set_filetype(ze, AE_IFREG);
        archive_entry_set_perm(ze, 0644);
        archive_entry_set_size(ze, 8 << 20);
        must(archive_write_header(z, ze) == ARCHIVE_OK);
        static char zeros[1 << 20];
        for (int i = 0; i < 8; i++)
                must(archive_write_data(z, zeros, sizeof zeros) == (la_ssize_t)sizeof zeros);
        archive_entry_free(ze);
        must(archive_write_close(z) == ARCHIVE_OK);
        archive_write_free(z);
        /* linkdir/pwned: written through a symlink planted in the sandbox, if it were followed */
        snprintf(p, sizeof p, "%s/escape.tar", served);
        struct archive *a = archive_write_new();
        archive_write_set_format_pax_restricted(a);
        archive_write_open_filename(a, p);
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, "linkdir/pwned");
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, 1);
        archive_write_header(a, e);
        archive_write_data(a, "x", 1);
        archive_entry_free(e);
        archive_write_close(a);
        archive_write_free(a);
}

int main(void)
{
        if (geteuid() != 0)
                return skip_suite("test_fetch_live needs root (it becomes the user md-fetch-test)");
        make_user();
        if (!mkdtemp(work))
                return 1;
        make_content();
        start_server();
        Suite *s = suite_create("fetch_live");
        TCase *tc = tcase_create("http");
        tcase_add_test(tc, plain_executable_output_file);
        tcase_add_test(tc, every_archive_type);
        tcase_add_test(tc, redirect_to_denied_scheme);
        tcase_add_test(tc, slow_silent_and_dead_servers);
        tcase_add_test(tc, callers_rights_only);
        tcase_add_test(tc, refused_requests);
        tcase_add_test(tc, planted_symlinks_not_followed);
        tcase_add_test(tc, max_bytes);
        tcase_add_test(tc, cache_one_download);
        tcase_add_test(tc, registry_credentials);
        tcase_add_test(tc, tls_verified);
        tcase_set_timeout(tc, 120);
        suite_add_tcase(s, tc);
        int status = check_run(s);
        kill(-server_pid, SIGKILL);
        waitpid(server_pid, NULL, 0);
        char cmd[4300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
        if (system(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", work);
        return status;
}
