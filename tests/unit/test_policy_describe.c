/* policy_describe_section: the paragraph doctor shows is what the matcher decides from. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "policy.h"

static struct policy *parse(const char *text)
{
        struct policy *p = NULL;
        md_error err = {0};
        ck_assert_msg(policy_parse_text("t.conf", text, strlen(text), &p, &err) == 0, "refused: %s",
                      err.message);
        return p;
}

static void assert_has(const char *text, const char *part)
{
        ck_assert_msg(strstr(text, part), "\"%s\" lacks \"%s\"", text, part);
}

START_TEST(everything_said)
{
        struct policy *p = parse("[caller alice]\n"
                                 "images = busybox registry.example.com:5000/*:*\n"
                                 "networks = bridge host\n"
                                 "privileged = yes\n"
                                 "volumes = /srv/shared:ro /srv/scratch\n"
                                 "container-users = caller 20000-29999 root\n"
                                 "parameters = label env\n"
                                 "max-cpus = 2.5\nmax-mem = 1024\n"
                                 "fetch-schemes = https\nfetch-max-bytes = 1000\n"
                                 "readers = bob #3000 %no-such-group-md\n");
        ck_assert_uint_eq(policy_n_sections(p), 1);
        ck_assert_ptr_null(policy_section_at(p, 1));
        char *t = policy_describe_section(policy_section_at(p, 0));
        ck_assert_ptr_nonnull(t);
        assert_has(t, "[caller alice] at t.conf:1 allows: ");
        /* normalized as the matcher compares them */
        assert_has(t, "images docker.io/library/busybox:latest registry.example.com:5000/*:*;");
        assert_has(t, "networks host bridge;");
        assert_has(t, "privileged YES (root on the host);");
        assert_has(t, "volumes besides the sandbox /srv/shared:ro /srv/scratch;");
        assert_has(t, "container users caller 20000-29999 root;");
        assert_has(t, "docker parameters label env;");
        assert_has(t, "at most 2.5 cpus and 1024 MB;");
        assert_has(t, "fetching https up to 1000 bytes a URI;");
        assert_has(t, ": bob #3000 %no-such-group-md (no such group).");
        free(t);
        policy_free(p);
}
END_TEST

START_TEST(absent_keys_allow_nothing)
{
        struct policy *p = parse("[caller #1001]\n");
        char *t = policy_describe_section(policy_section_at(p, 0));
        assert_has(t, "[caller #1001] at t.conf:1 allows: images none (nothing can run);");
        assert_has(t, "networks (none allowed);");
        assert_has(t, "privileged no;");
        assert_has(t, "volumes besides the sandbox none;");
        assert_has(t, "container users none (nothing can run);");
        assert_has(t, "no cpus may be asked (no max-cpus), no memory may be asked (no max-mem);");
        assert_has(t, "fetching nothing (no fetch-schemes);");
        assert_has(t, "root: none.");
        free(t);
        policy_free(p);
}
END_TEST

START_TEST(lines_for_policy_show)
{
        struct policy *p = parse("[caller alice]\nimages = busybox\nnetworks = host\nexec = yes\n");
        char *t = policy_describe_lines(policy_section_at(p, 0));
        ck_assert_ptr_nonnull(t);
        ck_assert_ptr_null(strstr(t, "[caller")); /* policy show names the section itself */
        ck_assert_ptr_null(strchr(t, ';'));
        ck_assert_msg(
                strncmp(t, "images docker.io/library/busybox:latest\nnetworks host\nprivileged no\n",
                        strlen("images docker.io/library/busybox:latest\nnetworks host\nprivileged no\n")) ==
                        0,
                "%s", t);
        assert_has(t, "\nexec in its running containers yes\n");
        ck_assert_int_ne(t[strlen(t) - 1], '\n');
        free(t);
        t = policy_describe_section(policy_section_at(p, 0));
        assert_has(t, "; exec in its running containers yes; ");
        free(t);
        policy_free(p);
}
END_TEST

START_TEST(sections_in_file_order)
{
        struct policy *p = parse("[helper]\nstate-dir = /run/x\n[caller a]\n[caller %b]\n");
        ck_assert_uint_eq(policy_n_sections(p), 2);
        ck_assert_str_eq(policy_section_rule(policy_section_at(p, 0)), "t.conf:3");
        ck_assert_str_eq(policy_section_rule(policy_section_at(p, 1)), "t.conf:4");
        policy_free(p);
}
END_TEST

Suite *unit_suite(void)
{
        Suite *s = suite_create("policy_describe");
        TCase *tc = tcase_create("policy_describe");
        tcase_add_test(tc, everything_said);
        tcase_add_test(tc, absent_keys_allow_nothing);
        tcase_add_test(tc, lines_for_policy_show);
        tcase_add_test(tc, sections_in_file_order);
        suite_add_tcase(s, tc);
        return s;
}
