/* The fetcher's pure parts (schemes, names, output paths) and fetch_run itself on local files
 * (file:// and bare paths) as the current user: atomic output, executable bits, output_file
 * directories, planted symlinks, limits and the cache. The network side is in
 * tests/integration/test_fetch_live.c. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_run.h"
#include "cleanup.h"
#include "fetch_internal.h"
#include "util.h"

START_TEST(basenames)
{
        char b[256];
        ck_assert_int_eq(fetch_uri_basename("http://h/a/b/file.tar.gz", b, sizeof b), 0);
        ck_assert_str_eq(b, "file.tar.gz");
        ck_assert_int_eq(fetch_uri_basename("http://h:8080/x.zip?token=1&a=/b#frag", b, sizeof b), 0);
        ck_assert_str_eq(b, "x.zip");
        ck_assert_int_eq(fetch_uri_basename("https://h/dl#part/y", b, sizeof b), 0);
        ck_assert_str_eq(b, "dl");
        ck_assert_int_eq(fetch_uri_basename("  ftp://h/pub/f", b, sizeof b), 0);
        ck_assert_str_eq(b, "f");
        ck_assert_int_eq(fetch_uri_basename("file:///tmp/z", b, sizeof b), 0);
        ck_assert_str_eq(b, "z");
        ck_assert_int_eq(fetch_uri_basename("/tmp/q?x", b, sizeof b), 0);
        ck_assert_str_eq(b, "q?x");
        ck_assert_int_eq(fetch_uri_basename("http://h/dir/", b, sizeof b), -EINVAL);
        ck_assert_int_eq(fetch_uri_basename("http://h", b, sizeof b), -EINVAL);
        ck_assert_int_eq(fetch_uri_basename("http://h/..", b, sizeof b), -EINVAL);
        ck_assert_int_eq(fetch_uri_basename("http://h/.?x", b, sizeof b), -EINVAL);
        ck_assert_int_eq(fetch_uri_basename("http://h/?x=/etc/passwd", b, sizeof b), -EINVAL);
        ck_assert_int_eq(fetch_uri_basename("relative", b, sizeof b), -EINVAL);
        ck_assert_int_eq(fetch_uri_basename("http://h/a%0a", b, sizeof b), 0);
        ck_assert_str_eq(b, "a%0a");
        ck_assert_int_eq(fetch_uri_basename("/x/\ny", b, sizeof b), -EINVAL);
        ck_assert_int_eq(fetch_uri_basename("http://h/abcdef", b, 4), -EINVAL);
        ck_assert_str_eq(fetch_uri_local_path("file:///etc/shadow"), "/etc/shadow");
        ck_assert_str_eq(fetch_uri_local_path("file://localhost/etc/x"), "/etc/x");
        ck_assert_str_eq(fetch_uri_local_path(" /x"), "/x");
        ck_assert_ptr_null(fetch_uri_local_path("file://otherhost/x"));
        ck_assert_ptr_null(fetch_uri_local_path("http://h/x"));
}
END_TEST

START_TEST(output_paths)
{
        ck_assert_int_eq(fetch_output_path_check("a"), 0);
        ck_assert_int_eq(fetch_output_path_check("a/b/c.tar"), 0);
        ck_assert_int_eq(fetch_output_path_check("./a//b"), 0);
        ck_assert_int_eq(fetch_output_path_check("..a/b..c"), 0);
        ck_assert_int_eq(fetch_output_path_check(""), -EINVAL);
        ck_assert_int_eq(fetch_output_path_check("/etc/passwd"), -EINVAL);
        ck_assert_int_eq(fetch_output_path_check(".."), -EINVAL);
        ck_assert_int_eq(fetch_output_path_check("../x"), -EINVAL);
        ck_assert_int_eq(fetch_output_path_check("a/../../x"), -EINVAL);
        ck_assert_int_eq(fetch_output_path_check("a/.."), -EINVAL);
        ck_assert_int_eq(fetch_output_path_check("a/"), -EINVAL);
        ck_assert_int_eq(fetch_output_path_check("a/."), -EINVAL);
        ck_assert_int_eq(fetch_output_path_check("."), -EINVAL);
        ck_assert_int_eq(fetch_output_path_check("a\nb"), -EINVAL);
        char longc[300];
        memset(longc, 'x', 299);
        longc[299] = '\0';
        ck_assert_int_eq(fetch_output_path_check(longc), -EINVAL);
        char q[32];
        ck_assert_str_eq(fetch_quote("a\nb\\c", q, sizeof q), "a\\x0ab\\\\c");
        char u[128];
        ck_assert_str_eq(fetch_quote_uri("http://bob:pw@h:80/x@y", u, sizeof u), "http://bob:***@h:80/x@y");
        ck_assert_str_eq(fetch_quote_uri("ftp://a:b:c@d@h/", u, sizeof u), "ftp://a:***@h/");
        ck_assert_str_eq(fetch_quote_uri("http://bob@h/x:y@z", u, sizeof u), "http://bob@h/x:y@z");
        ck_assert_str_eq(fetch_quote_uri("/p:a@b", u, sizeof u), "/p:a@b");
        ck_assert_str_eq(fetch_quote("0123456789012345678901234567890123456789", q, 16), "01234567890...");
}
END_TEST

START_TEST(archive_kinds)
{
        ck_assert_int_eq(fetch_archive_kind("a.tar"), FETCH_ARCHIVE_TAR);
        ck_assert_int_eq(fetch_archive_kind("a.tgz"), FETCH_ARCHIVE_TAR);
        ck_assert_int_eq(fetch_archive_kind("a.tar.gz"), FETCH_ARCHIVE_TAR);
        ck_assert_int_eq(fetch_archive_kind("a.tbz2"), FETCH_ARCHIVE_TAR);
        ck_assert_int_eq(fetch_archive_kind("a.tar.bz2"), FETCH_ARCHIVE_TAR);
        ck_assert_int_eq(fetch_archive_kind("a.txz"), FETCH_ARCHIVE_TAR);
        ck_assert_int_eq(fetch_archive_kind("a.tar.xz"), FETCH_ARCHIVE_TAR);
        ck_assert_int_eq(fetch_archive_kind("a.gz"), FETCH_ARCHIVE_GZ);
        ck_assert_int_eq(fetch_archive_kind("a.zip"), FETCH_ARCHIVE_ZIP);
        ck_assert_int_eq(fetch_archive_kind("a.ZIP"), FETCH_ARCHIVE_NONE); /* Mesos: case-sensitive */
        ck_assert_int_eq(fetch_archive_kind("a.bz2"), FETCH_ARCHIVE_NONE);
        ck_assert_int_eq(fetch_archive_kind("a"), FETCH_ARCHIVE_NONE);
}
END_TEST

START_TEST(sha256_vectors)
{
        uint8_t h[32];
        char hex[65];
        fetch_sha256("abc", 3, h);
        for (int i = 0; i < 32; i++)
                snprintf(hex + 2 * i, 3, "%02x", h[i]);
        ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        fetch_sha256(two, strlen(two), h);
        for (int i = 0; i < 32; i++)
                snprintf(hex + 2 * i, 3, "%02x", h[i]);
        ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

/* ---- fetch_run on local files ---- */

static char work[] = "/tmp/md-test-fetch-XXXXXX";
static char sandbox[4200], srcdir[4200], cachedir[4200];
static int sandbox_fd = -1, cache_fd = -1, log_fd = -1;
static const char *all_schemes[] = {"http", "https", "ftp", "file"};

static void write_file(const char *path, const char *data, size_t len)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(md_write_all(fd, data, len), 0);
        close(fd);
}

static char *read_at(int dirfd, const char *name)
{
        int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return NULL;
        char *out = NULL;
        size_t len;
        int r = md_read_all(fd, 1 << 20, &out, &len);
        close(fd);
        return r < 0 ? NULL : out;
}

static void setup(void)
{
        ck_assert_ptr_nonnull(mkdtemp(work));
        snprintf(sandbox, sizeof sandbox, "%s/sandbox", work);
        snprintf(srcdir, sizeof srcdir, "%s/src", work);
        snprintf(cachedir, sizeof cachedir, "%s/cache", work);
        ck_assert_int_eq(mkdir(sandbox, 0755), 0);
        ck_assert_int_eq(mkdir(srcdir, 0755), 0);
        ck_assert_int_eq(mkdir(cachedir, 0700), 0);
        sandbox_fd = open(sandbox, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        cache_fd = open(cachedir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        log_fd = openat(sandbox_fd, "stderr", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        ck_assert_int_ge(log_fd, 0);
}

static void teardown(void)
{
        close(sandbox_fd);
        close(cache_fd);
        close(log_fd);
        char cmd[4300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
        ck_assert_int_eq(system(cmd), 0);
        strcpy(work, "/tmp/md-test-fetch-XXXXXX");
}

static struct fetch_request request(const struct fetch_item *items, size_t n)
{
        return (struct fetch_request){
                .uid = getuid(),
                .gid = getgid(),
                .sandbox_dirfd = sandbox_fd,
                .items = items,
                .n_items = n,
                .allowed_schemes = all_schemes,
                .n_allowed_schemes = 4,
                .max_bytes = 1 << 20,
                .cache_dirfd = cache_fd,
                .cache_max_bytes = 1 << 20,
                .log_fd = log_fd,
        };
}

static char *src_path(const char *name)
{
        static char p[4300];
        snprintf(p, sizeof p, "%s/%s", srcdir, name);
        return p;
}

START_TEST(fetch_plain_and_executable)
{
        write_file(src_path("hello.sh"), "#!/bin/sh\necho hi\n", 18);
        write_file(src_path("data"), "payload", 7);
        char u1[4400], u2[4400];
        snprintf(u1, sizeof u1, "  file://%s", src_path("hello.sh"));
        snprintf(u2, sizeof u2, "%s", src_path("data"));
        struct fetch_item items[] = {
                {.uri = u1, .executable = true, .extract = true},
                {.uri = u2, .output_file = "deep/er/out.bin"},
        };
        struct fetch_request req = request(items, 2);
        md_error err = {0};
        ck_assert_msg(fetch_run(&req, &err) == 0, "%s", err.message);
        struct stat st;
        ck_assert_int_eq(fstatat(sandbox_fd, "hello.sh", &st, 0), 0);
        ck_assert_uint_eq(st.st_mode & 07777, 0755);
        ck_assert_uint_eq(st.st_size, 18);
        _cleanup_free_ char *b = read_at(sandbox_fd, "deep/er/out.bin");
        ck_assert_str_eq(b, "payload");
        ck_assert_int_eq(fstatat(sandbox_fd, "deep/er/out.bin", &st, 0), 0);
        ck_assert_uint_eq(st.st_mode & 0111, 0);
        _cleanup_free_ char *log = read_at(sandbox_fd, "stderr");
        ck_assert_ptr_nonnull(strstr(log, "mesos-docker-helper: fetched file://"));
        ck_assert_ptr_nonnull(strstr(log, "to deep/er/out.bin (7 bytes in "));
        /* nothing hidden left behind */
        char hidden[4400];
        snprintf(hidden, sizeof hidden, "ls -A '%s' | grep -q '^\\.fetch' && exit 1 || exit 0", sandbox);
        ck_assert_int_eq(system(hidden), 0);
}
END_TEST

START_TEST(fetch_failures_name_the_uri)
{
        struct fetch_item missing = {.uri = "/nonexistent/file-xyz"};
        struct fetch_request req = request(&missing, 1);
        md_error err = {0};
        /* the child's ENOENT is text: the fetch failed (1), no container is missing (2) */
        ck_assert_int_eq(fetch_run(&req, &err), -EIO);
        ck_assert_int_eq(err.exit_code, 0); /* the errno only: the command chooses the exit */
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_FAILED);
        ck_assert_str_eq(err.message, "/nonexistent/file-xyz: No such file or directory");
        _cleanup_free_ char *log = read_at(sandbox_fd, "stderr");
        ck_assert_ptr_nonnull(
                strstr(log, "fetch failed: /nonexistent/file-xyz: No such file or directory\n"));

        struct fetch_item dir = {.uri = "file:///tmp"};
        req = request(&dir, 1);
        md_error_clear(&err);
        ck_assert_int_eq(fetch_run(&req, &err), -EIO);
        ck_assert_str_eq(err.message, "file:///tmp: not a regular file");

        const char *only_http[] = {"http"};
        write_file(src_path("x"), "x", 1);
        struct fetch_item denied = {.uri = src_path("x")};
        req = request(&denied, 1);
        req.allowed_schemes = only_http;
        req.n_allowed_schemes = 1;
        md_error_clear(&err);
        ck_assert_int_eq(fetch_run(&req, &err), -EACCES);
        ck_assert_int_eq(err.exit_code, 0);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_DENIED);
        ck_assert_ptr_nonnull(strstr(err.message, "scheme file is not allowed"));

        struct fetch_item unknown = {.uri = "gopher://h/x"};
        req = request(&unknown, 1);
        const char *g[] = {"gopher"};
        req.allowed_schemes = g;
        req.n_allowed_schemes = 1;
        md_error_clear(&err);
        ck_assert_int_eq(fetch_run(&req, &err), -EIO);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_FAILED);
        ck_assert_str_eq(err.message, "gopher://h/x: unsupported scheme gopher");

        const char *bad_outputs[] = {"../escape", "/etc/x", "a/../../b", "d/"};
        for (size_t i = 0; i < 4; i++) {
                struct fetch_item it = {.uri = src_path("x"), .output_file = bad_outputs[i]};
                req = request(&it, 1);
                md_error_clear(&err);
                ck_assert_int_eq(fetch_run(&req, &err), -EIO);
                ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_FAILED);
                ck_assert_ptr_nonnull(strstr(err.message, "is not a relative path inside the sandbox"));
        }
        struct stat st;
        ck_assert_int_eq(fstatat(sandbox_fd, "escape", &st, 0), -1);
        ck_assert_int_eq(stat("/tmp/md-test-fetch-escape", &st), -1);
        /* the first failure stops the rest */
        struct fetch_item two[] = {{.uri = "/nonexistent"}, {.uri = src_path("x")}};
        req = request(two, 2);
        md_error_clear(&err);
        ck_assert_int_eq(fetch_run(&req, &err), -EIO);
        ck_assert_int_eq(fstatat(sandbox_fd, "x", &st, 0), -1);
}
END_TEST

START_TEST(fetch_planted_symlinks)
{
        char victim[4300];
        snprintf(victim, sizeof victim, "%s/victim", work);
        write_file(victim, "original", 8);
        write_file(src_path("f"), "new", 3);
        /* a symlink at the output name: replaced, never written through */
        ck_assert_int_eq(symlinkat(victim, sandbox_fd, "f"), 0);
        /* a symlink as a directory of output_file: refused */
        ck_assert_int_eq(symlinkat(work, sandbox_fd, "sub"), 0);
        struct fetch_item it = {.uri = src_path("f")};
        struct fetch_request req = request(&it, 1);
        md_error err = {0};
        ck_assert_msg(fetch_run(&req, &err) == 0, "%s", err.message);
        _cleanup_free_ char *v = read_at(AT_FDCWD, victim);
        ck_assert_str_eq(v, "original");
        struct stat st;
        ck_assert_int_eq(fstatat(sandbox_fd, "f", &st, AT_SYMLINK_NOFOLLOW), 0);
        ck_assert(S_ISREG(st.st_mode));
        _cleanup_free_ char *f = read_at(sandbox_fd, "f");
        ck_assert_str_eq(f, "new");

        struct fetch_item through = {.uri = src_path("f"), .output_file = "sub/victim"};
        req = request(&through, 1);
        md_error_clear(&err);
        ck_assert_int_eq(fetch_run(&req, &err), -EIO);
        ck_assert_ptr_nonnull(strstr(err.message, "the directory of sub/victim in the sandbox"));
        _cleanup_free_ char *v2 = read_at(AT_FDCWD, victim);
        ck_assert_str_eq(v2, "original");
}
END_TEST

START_TEST(fetch_limit_leaves_nothing)
{
        char big[4096];
        memset(big, 'b', sizeof big);
        write_file(src_path("big"), big, sizeof big);
        write_file(src_path("ok"), "old", 3);
        /* an earlier copy under the name stays whole: the failed fetch never replaces it */
        write_file(src_path("big-prev"), "previous", 8);
        ck_assert_int_eq(linkat(AT_FDCWD, src_path("big-prev"), sandbox_fd, "big", 0), 0);
        struct fetch_item it = {.uri = src_path("big")};
        struct fetch_request req = request(&it, 1);
        req.max_bytes = 4095;
        md_error err = {0};
        ck_assert_int_eq(fetch_run(&req, &err), -EIO);
        ck_assert_ptr_nonnull(strstr(err.message, "larger than the limit of 4095 bytes"));
        _cleanup_free_ char *b = read_at(sandbox_fd, "big");
        ck_assert_str_eq(b, "previous");
        req.max_bytes = 4096;
        md_error_clear(&err);
        ck_assert_msg(fetch_run(&req, &err) == 0, "%s", err.message);
        struct stat st;
        ck_assert_int_eq(fstatat(sandbox_fd, "big", &st, 0), 0);
        ck_assert_int_eq(st.st_size, 4096);
}
END_TEST

START_TEST(fetch_cache_hit_and_eviction)
{
        write_file(src_path("c1"), "version-1", 9);
        struct fetch_item it = {.uri = src_path("c1"), .cache = true, .output_file = "a"};
        struct fetch_request req = request(&it, 1);
        md_error err = {0};
        ck_assert_msg(fetch_run(&req, &err) == 0, "%s", err.message);
        /* the source changes; a cached fetch does not look at it again */
        write_file(src_path("c1"), "version-2", 9);
        it.output_file = "b";
        ck_assert_msg(fetch_run(&req, &err) == 0, "%s", err.message);
        _cleanup_free_ char *a = read_at(sandbox_fd, "a");
        _cleanup_free_ char *b = read_at(sandbox_fd, "b");
        ck_assert_str_eq(a, "version-1");
        ck_assert_str_eq(b, "version-1");
        _cleanup_free_ char *log = read_at(sandbox_fd, "stderr");
        ck_assert_ptr_nonnull(strstr(log, ", into the cache)"));
        ck_assert_ptr_nonnull(strstr(log, ", from the cache)"));
        /* without cache: the new bytes */
        it.cache = false;
        it.output_file = "c";
        ck_assert_msg(fetch_run(&req, &err) == 0, "%s", err.message);
        _cleanup_free_ char *c = read_at(sandbox_fd, "c");
        ck_assert_str_eq(c, "version-2");

        /* LRU: with room for two 400-byte entries, the least recently used goes */
        char blob[400];
        memset(blob, 'z', sizeof blob);
        write_file(src_path("e1"), blob, sizeof blob);
        write_file(src_path("e2"), blob, sizeof blob);
        write_file(src_path("e3"), blob, sizeof blob);
        req.cache_max_bytes = 900;
        const char *order[] = {"e1", "e2", "e1", "e3"}; /* e1 used again: e2 is the oldest */
        for (size_t i = 0; i < 4; i++) {
                struct fetch_item e = {.uri = src_path(order[i]), .cache = true, .output_file = order[i]};
                req.items = &e;
                md_error_clear(&err);
                ck_assert_msg(fetch_run(&req, &err) == 0, "%s", err.message);
                usleep(20000); /* distinct mtimes */
        }
        write_file(src_path("e1"), "changed", 7);
        write_file(src_path("e2"), "changed", 7);
        write_file(src_path("e3"), "changed", 7);
        const char *again[] = {"e1", "e2", "e3"};
        const char *want[] = {"zzz", "changed", "zzz"}; /* e2 was evicted, refetched */
        for (size_t i = 0; i < 3; i++) {
                char out[16];
                snprintf(out, sizeof out, "again-%s", again[i]);
                struct fetch_item e = {.uri = src_path(again[i]), .cache = true, .output_file = out};
                req.items = &e;
                req.cache_max_bytes = 1 << 20;
                md_error_clear(&err);
                ck_assert_msg(fetch_run(&req, &err) == 0, "%s", err.message);
                _cleanup_free_ char *got = read_at(sandbox_fd, out);
                ck_assert_msg(strncmp(got, want[i], 3) == 0, "%s: %.10s", again[i], got);
        }
        /* an entry larger than the whole cache is fetched but not kept */
        char big[2000];
        memset(big, 'B', sizeof big);
        write_file(src_path("huge"), big, sizeof big);
        struct fetch_item h = {.uri = src_path("huge"), .cache = true};
        req.items = &h;
        req.cache_max_bytes = 1000;
        md_error_clear(&err);
        ck_assert_msg(fetch_run(&req, &err) == 0, "%s", err.message);
        write_file(src_path("huge"), "small", 5);
        ck_assert_msg(fetch_run(&req, &err) == 0, "%s", err.message);
        _cleanup_free_ char *hh = read_at(sandbox_fd, "huge");
        ck_assert_str_eq(hh, "small");
}
END_TEST

START_TEST(cache_dir_open)
{
        md_error err = {0};
        char root[4300];
        snprintf(root, sizeof root, "%s/cacheroot", work);
        ck_assert_int_eq(mkdir(root, 0755), 0);
        if (getuid() != 0) {
                /* not root-owned: refused */
                ck_assert_int_eq(fetch_cache_dir_open(root, getuid(), getgid(), &err), -EIO);
                ck_assert_ptr_nonnull(strstr(err.message, "not owned by root"));
                return;
        }
        ck_assert_int_eq(chmod(root, 01733), 0);
        int fd = fetch_cache_dir_open(root, 4242, 4242, &err);
        ck_assert_msg(fd >= 0, "%s", err.message);
        struct stat st;
        ck_assert_int_eq(fstat(fd, &st), 0);
        ck_assert_uint_eq(st.st_uid, 4242);
        ck_assert_uint_eq(st.st_mode & 07777, 0700);
        close(fd);
        /* squatted by another uid: refused */
        char sq[4400];
        snprintf(sq, sizeof sq, "%s/4343", root);
        ck_assert_int_eq(mkdir(sq, 0700), 0);
        ck_assert_int_eq(chown(sq, 4444, 4444), 0);
        md_error_clear(&err);
        ck_assert_int_eq(fetch_cache_dir_open(root, 4343, 4343, &err), -EIO);
        ck_assert_ptr_nonnull(strstr(err.message, "not owned by uid 4343"));
        /* a symlink in its place: refused */
        snprintf(sq, sizeof sq, "%s/4545", root);
        ck_assert_int_eq(symlink("/tmp", sq), 0);
        md_error_clear(&err);
        ck_assert_int_eq(fetch_cache_dir_open(root, 4545, 4545, &err), -EIO);
        /* a non-sticky root dir writable by others: refused */
        ck_assert_int_eq(chmod(root, 0777), 0);
        md_error_clear(&err);
        ck_assert_int_eq(fetch_cache_dir_open(root, 4242, 4242, &err), -EIO);
        ck_assert_ptr_nonnull(strstr(err.message, "writable by others but not sticky"));
        /* a 0755 root: the directory must exist already */
        ck_assert_int_eq(chmod(root, 0755), 0);
        md_error_clear(&err);
        fd = fetch_cache_dir_open(root, 4242, 4242, &err);
        ck_assert_msg(fd >= 0, "%s", err.message);
        close(fd);
        md_error_clear(&err);
        ck_assert_int_eq(fetch_cache_dir_open(root, 4646, 4646, &err), -EIO);
}
END_TEST

Suite *unit_suite(void)
{
        Suite *s = suite_create("fetch");
        TCase *pure = tcase_create("pure");
        tcase_add_test(pure, basenames);
        tcase_add_test(pure, output_paths);
        tcase_add_test(pure, archive_kinds);
        tcase_add_test(pure, sha256_vectors);
        suite_add_tcase(s, pure);
        TCase *run = tcase_create("run");
        tcase_add_checked_fixture(run, setup, teardown);
        tcase_add_test(run, fetch_plain_and_executable);
        tcase_add_test(run, fetch_failures_name_the_uri);
        tcase_add_test(run, fetch_planted_symlinks);
        tcase_add_test(run, fetch_limit_leaves_nothing);
        tcase_add_test(run, fetch_cache_hit_and_eviction);
        tcase_add_test(run, cache_dir_open);
        tcase_set_timeout(run, 60);
        suite_add_tcase(s, run);
        return s;
}
