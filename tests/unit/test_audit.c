#include <check.h>
#include <stdlib.h>
#include <string.h>

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

int main(void)
{
        Suite *s = suite_create("audit");
        TCase *tc = tcase_create("audit");
        tcase_add_test(tc, one_line_with_every_field);
        tcase_add_test(tc, control_characters_are_escaped);
        tcase_add_test(tc, invalid_utf8_is_refused_not_dropped);
        suite_add_tcase(s, tc);
        SRunner *sr = srunner_create(s);
        srunner_run_all(sr, CK_NORMAL);
        int failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
