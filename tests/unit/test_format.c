/* format_print: the human views read the JSON a command prints, aligned, and never pass a
 * control character to the terminal. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "format.h"
#include "json_cleanup.h"

/* The view of the JSON text, as a malloc'd string. */
static char *render(enum format_view view, const char *json)
{
        json_error_t e;
        _cleanup_json_ json_t *v = json_loads(json, JSON_DECODE_ANY, &e);
        ck_assert_msg(v, "bad test JSON: %s", e.text);
        char *out = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&out, &len);
        ck_assert_ptr_nonnull(m);
        ck_assert_int_eq(format_print(m, view, v), 0);
        fclose(m);
        return out;
}

static void assert_has(const char *text, const char *part)
{
        ck_assert_msg(strstr(text, part), "\"%s\" lacks \"%s\"", text, part);
}

START_TEST(list_is_aligned_columns)
{
        char *t = render(
                FORMAT_VIEW_LIST,
                "[{\"container\":\"mesos-a\",\"state\":\"running\",\"image\":\"busybox\",\"age_s\":75},"
                "{\"container\":\"mesos-long-name\",\"state\":\"exited\",\"exit_code\":3,"
                "\"age_s\":7300,\"image\":\"x\"}]");
        ck_assert_str_eq(t, "CONTAINER        STATE    EXIT  AGE  IMAGE\n"
                            "mesos-a          running  -     75s  busybox\n"
                            "mesos-long-name  exited   3     2h   x\n");
        free(t);
}
END_TEST

START_TEST(empty_list_says_so)
{
        char *t = render(FORMAT_VIEW_LIST, "[]");
        ck_assert_str_eq(t, "CONTAINER  STATE  EXIT  AGE  IMAGE\n(no containers)\n");
        free(t);
}
END_TEST

START_TEST(control_characters_never_reach_the_terminal)
{
        /* a caller's task id or image is another user's text on root's terminal */
        char *t = render(FORMAT_VIEW_LIST,
                         "[{\"container\":\"mesos-\\u001b]0;owned\\u0007\",\"state\":\"running\","
                         "\"image\":\"a\\u009bb\\u007f\\nc\"}]");
        ck_assert_ptr_null(strchr(t, 0x1b));
        ck_assert_ptr_null(strchr(t, 0x07));
        ck_assert_ptr_null(strchr(t, 0x7f));
        ck_assert_ptr_null(strstr(t, "\xc2\x9b"));
        assert_has(t, "mesos-?]0;owned?");
        assert_has(t, "a?b??c\n");
        ck_assert_ptr_null(strstr(t, "\nc"));
        free(t);
}
END_TEST

START_TEST(usage_in_units)
{
        char *t = render(FORMAT_VIEW_USAGE,
                         "{\"timestamp\":1.5,\"cpus_user_time_secs\":1.25,\"cpus_system_time_secs\":0.5,"
                         "\"cpus_limit\":1.0,\"mem_rss_bytes\":1048576,\"mem_limit_bytes\":134217728}");
        assert_has(t, "cpu time, user       1.25 s\n");
        assert_has(t, "cpu limit            1.00\n");
        assert_has(t, "memory in use (rss)  1.0 MiB\n");
        assert_has(t, "memory limit         128.0 MiB\n");
        free(t);
}
END_TEST

START_TEST(policy_check_and_its_warnings)
{
        char *t = render(FORMAT_VIEW_POLICY_CHECK,
                         "{\"file\":\"/etc/p.conf\",\"valid\":true,\"warnings\":[\"p.conf:3: warning: x\","
                         "{\"message\":\"p.conf:4: warning: y\"}]}");
        ck_assert_str_eq(t, "/etc/p.conf: valid\n  p.conf:3: warning: x\n  p.conf:4: warning: y\n");
        free(t);
}
END_TEST

START_TEST(explain_denied_names_the_rule_first)
{
        char *t = render(
                FORMAT_VIEW_POLICY_EXPLAIN,
                "{\"container\":\"mesos-x\",\"image\":\"docker.io/library/"
                "busybox:latest\",\"decision\":\"deny\","
                "\"section\":\"p.conf:2\",\"findings\":["
                "{\"aspect\":\"image\",\"decision\":\"allow\",\"subject\":\"busybox\",\"rule\":\"p.conf:3\","
                "\"reason\":\"matches\"},"
                "{\"aspect\":\"network\",\"decision\":\"deny\",\"subject\":\"bridge\",\"rule\":\"p.conf:4\","
                "\"reason\":\"not in networks\"}],\"create\":null}");
        ck_assert_str_eq(strtok(t, "\n"), "mesos-x: DENIED: network bridge: not in networks (p.conf:4)");
        free(t);
        t = render(FORMAT_VIEW_POLICY_EXPLAIN,
                   "{\"container\":\"mesos-x\",\"image\":\"i\",\"decision\":\"deny\",\"findings\":[],"
                   "\"create\":null}");
        assert_has(t, "Nothing would be created.");
        free(t);
}
END_TEST

START_TEST(explain_allowed_shows_the_container)
{
        char *t = render(
                FORMAT_VIEW_POLICY_EXPLAIN,
                "{\"container\":\"mesos-x\",\"image\":\"i\",\"decision\":\"allow\",\"section\":\"p.conf:2\","
                "\"findings\":[{\"aspect\":\"image\",\"decision\":\"allow\",\"subject\":\"i\","
                "\"rule\":\"p.conf:3\",\"reason\":\"matches\"}],"
                "\"create\":{\"method\":\"POST\",\"path\":\"/containers/create\",\"name\":\"mesos-x\","
                "\"body\":{\"Image\":\"i\",\"Cmd\":[\"/bin/sh\",\"-c\",\"echo hi\"],\"User\":\"1001:1001\","
                "\"HostConfig\":{\"NetworkMode\":\"host\",\"Binds\":[\"/s:/mnt/mesos/sandbox:rw\",\"/d:/"
                "d:ro\"],"
                "\"Privileged\":false,\"CpuShares\":1024,\"CapAdd\":[]}}}}");
        ck_assert_str_eq(strtok(t, "\n"), "mesos-x: ALLOWED by the [caller] section at p.conf:2");
        free(t);
        t = render(
                FORMAT_VIEW_POLICY_EXPLAIN,
                "{\"container\":\"mesos-x\",\"image\":\"i\",\"decision\":\"allow\",\"section\":\"p.conf:2\","
                "\"findings\":[],\"create\":{\"name\":\"mesos-x\",\"body\":{\"Image\":\"i\","
                "\"Cmd\":[\"/bin/sh\",\"-c\",\"echo "
                "hi\"],\"HostConfig\":{\"Binds\":[\"/s:/m:rw\",\"/d:/d:ro\"],"
                "\"Privileged\":false,\"CapAdd\":[],\"Memory\":134217728}}}}");
        assert_has(t, "It would create mesos-x:\n");
        assert_has(t, "  memory      128.0 MiB\n");
        assert_has(t, "  command     /bin/sh -c echo hi\n");
        assert_has(t, "  mounts      /s:/m:rw, /d:/d:ro\n");
        assert_has(t, "  privileged  no\n");
        ck_assert_ptr_null(strstr(t, "capabilities")); /* empty: not shown */
        free(t);
}
END_TEST

START_TEST(policy_show_lines_and_default_deny)
{
        char *t =
                render(FORMAT_VIEW_POLICY_SHOW, "{\"caller\":\"alice\",\"uid\":1001,\"section\":\"p.conf:2\","
                                                "\"allows\":[\"images busybox\",\"networks host\"]}");
        ck_assert_str_eq(t, "alice (uid 1001) is governed by the [caller] section at p.conf:2 and may:\n"
                            "  images busybox\n  networks host\n");
        free(t);
        t = render(FORMAT_VIEW_POLICY_SHOW,
                   "{\"caller\":\"bob\",\"uid\":1002,\"section\":null,\"allows\":[]}");
        assert_has(t, "bob (uid 1002): no [caller] section of the policy matches");
        free(t);
}
END_TEST

START_TEST(ages_sizes_and_styles)
{
        char b[32];
        format_age(0, b);
        ck_assert_str_eq(b, "0s");
        format_age(119, b);
        ck_assert_str_eq(b, "119s");
        format_age(120, b);
        ck_assert_str_eq(b, "2m");
        format_age(3 * 86400, b);
        ck_assert_str_eq(b, "3d");
        format_age(-1, b);
        ck_assert_str_eq(b, "-");
        format_bytes(512, b);
        ck_assert_str_eq(b, "512 B");
        format_bytes(1536, b);
        ck_assert_str_eq(b, "1.5 KiB");
        enum format_style s = FORMAT_JSON;
        ck_assert_int_eq(format_parse_style("table", &s), 0);
        ck_assert_int_eq(s, FORMAT_TABLE);
        ck_assert_int_eq(format_parse_style("json", &s), 0);
        ck_assert_int_eq(s, FORMAT_JSON);
        ck_assert_int_lt(format_parse_style("yaml", &s), 0);
        ck_assert_int_eq(s, FORMAT_JSON);
}
END_TEST

Suite *unit_suite(void)
{
        Suite *s = suite_create("format");
        TCase *tc = tcase_create("format");
        tcase_add_test(tc, list_is_aligned_columns);
        tcase_add_test(tc, empty_list_says_so);
        tcase_add_test(tc, control_characters_never_reach_the_terminal);
        tcase_add_test(tc, usage_in_units);
        tcase_add_test(tc, policy_check_and_its_warnings);
        tcase_add_test(tc, explain_denied_names_the_rule_first);
        tcase_add_test(tc, explain_allowed_shows_the_container);
        tcase_add_test(tc, policy_show_lines_and_default_deny);
        tcase_add_test(tc, ages_sizes_and_styles);
        suite_add_tcase(s, tc);
        return s;
}
