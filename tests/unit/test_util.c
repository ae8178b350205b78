#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_run.h"
#include "safe_open.h"
#include "signals.h"
#include "uri.h"
#include "util.h"

START_TEST(one_line)
{
        char s[] = "a\nb\tc\x7f\x01"
                   "d e";
        md_one_line(s);
        ck_assert_str_eq(s, "a b c  d e");
}
END_TEST

START_TEST(container_ids)
{
        ck_assert(md_valid_container_id("a"));
        ck_assert(md_valid_container_id("0abc.DEF_ghi-9"));
        char max[129];
        memset(max, 'x', 128);
        max[128] = '\0';
        ck_assert(md_valid_container_id(max));
        char over[130];
        memset(over, 'x', 129);
        over[129] = '\0';
        ck_assert(!md_valid_container_id(over));
        ck_assert(!md_valid_container_id(""));
        ck_assert(!md_valid_container_id(NULL));
        ck_assert(!md_valid_container_id("-a"));
        ck_assert(!md_valid_container_id(".a"));
        ck_assert(!md_valid_container_id("a/b"));
        ck_assert(!md_valid_container_id("a b"));
        ck_assert(!md_valid_container_id("a\n"));
        ck_assert(!md_valid_container_id("\xc3\xa9t\xc3\xa9"));
        ck_assert_str_eq(md_container_id_of_name("mesos-abc"), "abc");
        ck_assert_ptr_null(md_container_id_of_name("mesos-"));
        ck_assert_ptr_null(md_container_id_of_name("other-abc"));
}
END_TEST

START_TEST(id_forms)
{
        char c[2][MD_NAME_MAX + 1];
        ck_assert_uint_eq(md_container_name_candidates("abc", c), 1);
        ck_assert_str_eq(c[0], "mesos-abc");
        /* mesos-X is itself first, then the container of the ID "mesos-X" */
        ck_assert_uint_eq(md_container_name_candidates("mesos-abc", c), 2);
        ck_assert_str_eq(c[0], "mesos-abc");
        ck_assert_str_eq(c[1], "mesos-mesos-abc");
        ck_assert_uint_eq(md_container_name_candidates("mesos-", c), 1);
        ck_assert_str_eq(c[0], "mesos-mesos-");
        ck_assert_uint_eq(md_container_name_candidates("mesos-/x", c), 0);
        ck_assert_uint_eq(md_container_name_candidates("", c), 0);
        ck_assert_uint_eq(md_container_name_candidates("-x", c), 0);
        ck_assert_uint_eq(md_container_name_candidates("a b", c), 0);
        char max[129];
        memset(max, 'x', 128);
        max[128] = '\0';
        ck_assert_uint_eq(md_container_name_candidates(max, c), 1);
        char mesos_max[6 + 128 + 1];
        snprintf(mesos_max, sizeof mesos_max, "mesos-%s", max);
        ck_assert_uint_eq(md_container_name_candidates(mesos_max, c), 1); /* ID too long for "mesos-mesos-" */
        ck_assert_str_eq(c[0], mesos_max);

        ck_assert(md_is_docker_id_prefix("a"));
        ck_assert(md_is_docker_id_prefix("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
        ck_assert(
                !md_is_docker_id_prefix("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0"));
        ck_assert(!md_is_docker_id_prefix("ABC"));
        ck_assert(!md_is_docker_id_prefix("abg"));
        ck_assert(!md_is_docker_id_prefix(""));
        ck_assert(!md_is_docker_id_prefix(NULL));
}
END_TEST

START_TEST(signal_names)
{
        int s = 0;
        ck_assert_int_eq(md_parse_signal("KILL", &s), 0);
        ck_assert_int_eq(s, 9);
        ck_assert_int_eq(md_parse_signal("SIGTERM", &s), 0);
        ck_assert_int_eq(s, 15);
        ck_assert_int_eq(md_parse_signal("sigusr1", &s), 0);
        ck_assert_int_eq(s, 10);
        ck_assert_int_eq(md_parse_signal("hup", &s), 0);
        ck_assert_int_eq(s, 1);
        ck_assert_int_eq(md_parse_signal("2", &s), 0);
        ck_assert_int_eq(s, 2);
        ck_assert_int_eq(md_parse_signal("64", &s), 0);
        ck_assert_int_eq(s, 64);
        ck_assert_int_eq(md_parse_signal("RTMIN", &s), 0);
        ck_assert_int_eq(s, 34);
        ck_assert_int_eq(md_parse_signal("SIGRTMIN+3", &s), 0);
        ck_assert_int_eq(s, 37);
        ck_assert_int_eq(md_parse_signal("RTMAX-1", &s), 0);
        ck_assert_int_eq(s, 63);
        s = -1;
        ck_assert_int_eq(md_parse_signal("0", &s), -EINVAL);
        ck_assert_int_eq(md_parse_signal("65", &s), -EINVAL);
        ck_assert_int_eq(md_parse_signal("-9", &s), -EINVAL);
        ck_assert_int_eq(md_parse_signal("9x", &s), -EINVAL);
        ck_assert_int_eq(md_parse_signal("SIG", &s), -EINVAL);
        ck_assert_int_eq(md_parse_signal("SIGFOO", &s), -EINVAL);
        ck_assert_int_eq(md_parse_signal("RTMIN+31", &s), -EINVAL);
        ck_assert_int_eq(md_parse_signal("RTMIN-1", &s), -EINVAL);
        ck_assert_int_eq(md_parse_signal("", &s), -EINVAL);
        ck_assert_int_eq(md_parse_signal(NULL, &s), -EINVAL);
        ck_assert_int_eq(s, -1);
        ck_assert_str_eq(md_signal_name(15), "SIGTERM");
        ck_assert_str_eq(md_signal_name(9), "SIGKILL");
        ck_assert_ptr_null(md_signal_name(0));
        ck_assert_ptr_null(md_signal_name(40));
}
END_TEST

START_TEST(numbers)
{
        uint64_t v;
        ck_assert_int_eq(md_parse_u64("42", &v), 0);
        ck_assert_uint_eq(v, 42);
        ck_assert_int_eq(md_parse_u64("18446744073709551615", &v), 0);
        ck_assert_int_eq(md_parse_u64("18446744073709551616", &v), -ERANGE);
        ck_assert_int_eq(md_parse_u64("-1", &v), -EINVAL);
        ck_assert_int_eq(md_parse_u64(" 1", &v), -EINVAL);
        ck_assert_int_eq(md_parse_u64("1x", &v), -EINVAL);
        ck_assert_int_eq(md_parse_u64("", &v), -EINVAL);
        uid_t u;
        ck_assert_int_eq(md_parse_uid("4294967295", &u), -ERANGE);
        ck_assert_int_eq(md_parse_uid("1000", &u), 0);
        ck_assert_uint_eq(u, 1000);
        double d;
        ck_assert_int_eq(md_parse_double("0.5", &d), 0);
        ck_assert_double_eq(d, 0.5);
        ck_assert_int_eq(md_parse_double("nan", &d), -ERANGE);
        ck_assert_int_eq(md_parse_double("inf", &d), -ERANGE);
        ck_assert_int_eq(md_parse_double("-1", &d), -EINVAL);
        ck_assert_int_eq(md_parse_double("1e999", &d), -ERANGE);
}
END_TEST

START_TEST(read_all_limits)
{
        int p[2];
        ck_assert_int_eq(pipe(p), 0);
        ck_assert_int_eq(write(p[1], "hello", 5), 5);
        close(p[1]);
        char *buf;
        size_t len;
        ck_assert_int_eq(md_read_all(p[0], 4, &buf, &len), -EFBIG);
        close(p[0]);
        ck_assert_int_eq(pipe(p), 0);
        ck_assert_int_eq(write(p[1], "hello", 5), 5);
        close(p[1]);
        ck_assert_int_eq(md_read_all(p[0], 5, &buf, &len), 0);
        ck_assert_uint_eq(len, 5);
        ck_assert_str_eq(buf, "hello");
        free(buf);
        close(p[0]);
}
END_TEST

START_TEST(beneath_and_symlinks)
{
        char dir[] = "/tmp/md-util-XXXXXX";
        ck_assert_ptr_nonnull(mkdtemp(dir));
        int dfd = md_open_dir_nofollow(dir);
        ck_assert_int_ge(dfd, 0);
        ck_assert_int_eq(mkdirat(dfd, "sub", 0700), 0);
        ck_assert_int_eq(symlinkat("/etc", dfd, "link"), 0);
        int fd = md_openat_beneath(dfd, "sub/f", O_WRONLY | O_CREAT, 0600);
        ck_assert_int_ge(fd, 0);
        close(fd);
        ck_assert_int_eq(md_openat_beneath(dfd, "link/passwd", O_RDONLY, 0), -ELOOP);
        ck_assert_int_eq(md_openat_beneath(dfd, "../etc/passwd", O_RDONLY, 0), -EXDEV);
        ck_assert_int_eq(md_openat_beneath(dfd, "/etc/passwd", O_RDONLY, 0), -EXDEV);
        ck_assert_int_eq(md_openat_beneath(dfd, "link", O_RDONLY, 0), -ELOOP);
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/link", dir);
        ck_assert_int_eq(md_open_dir_nofollow(path), -ELOOP);
        snprintf(path, sizeof path, "%s/../tmp", dir);
        ck_assert_int_eq(md_open_dir_nofollow(path), -EINVAL);
        ck_assert_int_eq(md_open_dir_nofollow("relative"), -EINVAL);
        ck_assert(md_path_is_beneath("/a/b/c", "/a/b"));
        ck_assert(md_path_is_beneath("/a/b", "/a/b/"));
        ck_assert(!md_path_is_beneath("/a/bc", "/a/b"));
        ck_assert(md_path_is_beneath("/x", "/"));
        unlinkat(dfd, "sub/f", 0);
        unlinkat(dfd, "sub", AT_REMOVEDIR);
        unlinkat(dfd, "link", 0);
        close(dfd);
        rmdir(dir);
}
END_TEST

START_TEST(rfc3339)
{
        char buf[40];
        md_format_rfc3339(buf, 0, 5);
        ck_assert_str_eq(buf, "1970-01-01T00:00:00.000000005Z");
        md_format_rfc3339(buf, 86400, -1);
        ck_assert_str_eq(buf, "1970-01-02T00:00:00Z");
}
END_TEST

/* The one scheme parser: what the policy judges is what the fetcher uses. */
struct scheme_case {
        const char *uri;
        const char *scheme;
};

static const struct scheme_case scheme_cases[] = {
        {"http://h/x", "http"},
        {"HTTPS://h/x", "https"},
        {"  \t\nHTTPS://a/b", "https"},
        {"ftp://h", "ftp"},
        {"file:///x", "file"},
        {"/abs/path", "file"},
        {"  /abs", "file"},
        {"hdfs://nn/x", "hdfs"},
        {"s3+x.y-z:a", "s3+x.y-z"},
        {"abcdefghijklmno:x", "abcdefghijklmno"},
        {"abcdefghijklmnop:x", NULL},
        {"rel/path", NULL},
        {"", NULL},
        {"1http://x", NULL},
        {":x", NULL},
        {"averyveryverylongscheme://x", NULL},
        {"ht tp://x", NULL},
};

START_TEST(uri_scheme)
{
        char out[16];
        int r = md_uri_scheme(scheme_cases[_i].uri, out);
        if (scheme_cases[_i].scheme) {
                ck_assert_int_eq(r, 0);
                ck_assert_str_eq(out, scheme_cases[_i].scheme);
        } else {
                ck_assert_int_eq(r, -EINVAL);
        }
        ck_assert_str_eq(md_uri_trim(" \r\n\thttp://x"), "http://x");
}
END_TEST

Suite *unit_suite(void)
{
        Suite *s = suite_create("util");
        TCase *tc = tcase_create("util");
        tcase_add_test(tc, one_line);
        tcase_add_test(tc, container_ids);
        tcase_add_test(tc, id_forms);
        tcase_add_test(tc, signal_names);
        tcase_add_test(tc, numbers);
        tcase_add_test(tc, read_all_limits);
        tcase_add_test(tc, beneath_and_symlinks);
        tcase_add_test(tc, rfc3339);
        tcase_add_loop_test(tc, uri_scheme, 0, sizeof scheme_cases / sizeof scheme_cases[0]);
        suite_add_tcase(s, tc);
        return s;
}
