#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_run.h"
#include "audit.h"
#include "json_cleanup.h"

START_TEST(one_line_with_every_field)
{
        struct audit_event ev = {.caller_uid = 1001,
                                 .caller = "mesos",
                                 .pid = 42,
                                 .command = "launch",
                                 .container = "mesos-a",
                                 .image = "docker.io/library/busybox:latest",
                                 .allow = false,
                                 .rule = "/etc/p.conf:3",
                                 .reason = "no images pattern matches"};
        char *line = audit_format(&ev, "2026-01-01T00:00:00Z");
        ck_assert_ptr_nonnull(line);
        size_t len = strlen(line);
        ck_assert_int_eq(line[len - 1], '\n');
        ck_assert_ptr_null(memchr(line, '\n', len - 1));
        json_error_t e;
        _cleanup_json_ json_t *j = json_loads(line, 0, &e);
        ck_assert_ptr_nonnull(j);
        const char *keys[] = {"time",      "caller_uid", "caller",   "pid",  "command",
                              "container", "image",      "decision", "rule", "reason"};
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
                ck_assert_msg(json_object_get(j, keys[i]), "missing %s", keys[i]);
        ck_assert_str_eq(json_string_value(json_object_get(j, "decision")), "deny");
        ck_assert_int_eq(json_integer_value(json_object_get(j, "caller_uid")), 1001);
        free(line);
}
END_TEST

START_TEST(control_characters_are_escaped)
{
        struct audit_event ev = {.caller = "evil\nname",
                                 .command = "launch",
                                 .allow = true,
                                 .reason = "a\rb\x1b[31mc\x7f\td\xc3\xa9"};
        char *line = audit_format(&ev, "t");
        ck_assert_ptr_nonnull(line);
        for (const char *p = line; p[1]; p++)
                ck_assert_msg((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x80, "raw byte 0x%02x", *p);
        ck_assert_ptr_nonnull(strstr(line, "evil\\nname"));
        ck_assert_ptr_nonnull(strstr(line, "\\u001B[31m"));
        ck_assert_ptr_nonnull(strstr(line, "\\u00E9"));
        ck_assert_ptr_nonnull(strstr(line, "\\u007f"));
        json_error_t e;
        _cleanup_json_ json_t *j = json_loads(line, 0, &e);
        ck_assert_str_eq(json_string_value(json_object_get(j, "caller")), "evil\nname");
        free(line);
}
END_TEST

START_TEST(invalid_utf8_is_refused_not_dropped)
{
        struct audit_event ev = {.caller = "bad\xff", .command = "launch", .allow = true};
        ck_assert_ptr_null(audit_format(&ev, "t"));
}
END_TEST

static int temp_log(const char *content)
{
        char path[] = "/tmp/md-test-audit-XXXXXX";
        int fd = mkstemp(path);
        ck_assert_int_ge(fd, 0);
        unlink(path);
        ck_assert_int_eq(write(fd, content, strlen(content)), (ssize_t)strlen(content));
        /* the helper's log is O_APPEND, read and write */
        ck_assert_int_eq(fcntl(fd, F_SETFL, O_APPEND), 0);
        return fd;
}

static char *log_text(int fd)
{
        struct stat st;
        ck_assert_int_eq(fstat(fd, &st), 0);
        char *text = calloc(1, (size_t)st.st_size + 1);
        ck_assert_int_eq(pread(fd, text, (size_t)st.st_size, 0), st.st_size);
        return text;
}

static const struct audit_event some_event = {
        .caller_uid = 7, .command = "list", .allow = true, .reason = "r"};

START_TEST(a_fragment_left_by_a_dead_writer_is_cut_off)
{
        int fd = temp_log("{\"whole\":1}\n{\"half");
        md_error err = {0};
        ck_assert_int_eq(audit_write(fd, &some_event, &err), 0);
        char *text = log_text(fd);
        const char *want = "{\"whole\":1}\n{\"time\"";
        ck_assert_msg(strncmp(text, want, strlen(want)) == 0, "%s", text);
        ck_assert_int_eq(text[strlen(text) - 1], '\n');
        free(text);
        close(fd);
}
END_TEST

START_TEST(a_record_that_does_not_fit_is_cut_back_off)
{
        int fd = temp_log("{\"whole\":1}\n");
        struct rlimit saved, rl;
        ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &saved), 0);
        rl = (struct rlimit){20, saved.rlim_max}; /* room for 8 bytes of the record */
        void (*old)(int) = signal(SIGXFSZ, SIG_IGN);
        ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
        md_error err = {0};
        int r = audit_write(fd, &some_event, &err);
        setrlimit(RLIMIT_FSIZE, &saved);
        signal(SIGXFSZ, old);
        ck_assert_int_eq(r, -1);
        ck_assert_ptr_nonnull(strstr(err.message, "cut off again"));
        char *text = log_text(fd);
        ck_assert_str_eq(text, "{\"whole\":1}\n");
        free(text);
        close(fd);
}
END_TEST

Suite *unit_suite(void)
{
        Suite *s = suite_create("audit");
        TCase *tc = tcase_create("audit");
        tcase_add_test(tc, one_line_with_every_field);
        tcase_add_test(tc, control_characters_are_escaped);
        tcase_add_test(tc, invalid_utf8_is_refused_not_dropped);
        tcase_add_test(tc, a_fragment_left_by_a_dead_writer_is_cut_off);
        tcase_add_test(tc, a_record_that_does_not_fit_is_cut_back_off);
        suite_add_tcase(s, tc);
        return s;
}
