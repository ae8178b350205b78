/* Image references and patterns: Docker's normalization, and every refusal with the reason a
 * user would read. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "imageref.h"

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static const struct {
        const char *in, *out;
} normalized[] = {
        {"busybox", "docker.io/library/busybox:latest"},
        {"busybox:1.36", "docker.io/library/busybox:1.36"},
        {"library/busybox", "docker.io/library/busybox:latest"},
        {"docker.io/busybox", "docker.io/library/busybox:latest"},
        {"index.docker.io/busybox:x", "docker.io/library/busybox:x"},
        {"index.docker.io/me/app", "docker.io/me/app:latest"},
        {"me/app:1", "docker.io/me/app:1"},
        {"me/team/app", "docker.io/me/team/app:latest"},
        {"localhost/x", "localhost/x:latest"},
        {"localhost:5000/x", "localhost:5000/x:latest"},
        {"localhost:5000/x:5000", "localhost:5000/x:5000"},
        {"127.0.0.1:5000/mesos-test/busybox:latest", "127.0.0.1:5000/mesos-test/busybox:latest"},
        {"registry.example.com/a/b", "registry.example.com/a/b:latest"},
        {"Registry.Example.com:443/a", "Registry.Example.com:443/a:latest"},
        {"localhost", "docker.io/library/localhost:latest"},
        {"localhost:5000", "docker.io/library/localhost:5000"},
        {"reg.io/a/b@sha256:" D64, "reg.io/a/b@sha256:" D64},
        {"reg.io/a/b:v1@sha256:" D64, "reg.io/a/b:v1@sha256:" D64},
        {"busybox@sha256:" D64, "docker.io/library/busybox@sha256:" D64},
        {"a__b/c-d/e--f/g.h_i", "docker.io/a__b/c-d/e--f/g.h_i:latest"},
        {"x:V_1.2-rc", "docker.io/library/x:V_1.2-rc"},
        {"x:_tag", "docker.io/library/x:_tag"},
        {"mesos-test/busybox:latest", "docker.io/mesos-test/busybox:latest"},
};

START_TEST(normalizes)
{
        for (size_t i = 0; i < sizeof normalized / sizeof normalized[0]; i++) {
                char out[IMAGEREF_MAX];
                md_error err = {0};
                ck_assert_msg(imageref_normalize(normalized[i].in, out, &err) == 0, "%s: %s",
                              normalized[i].in, err.message);
                ck_assert_str_eq(out, normalized[i].out);
                /* normalizing twice changes nothing */
                char again[IMAGEREF_MAX];
                ck_assert_int_eq(imageref_normalize(out, again, &err), 0);
                ck_assert_str_eq(again, out);
        }
}
END_TEST

static const struct {
        const char *in, *why;
} refused[] = {
        {"", "empty"},
        {"-", "must not start with '-'"},
        {"--privileged", "must not start with '-'"},
        {"a b", "white space"},
        {" busybox", "white space"},
        {"busybox\n", "white space"},
        {"a\tb", "white space"},
        {"a\x01"
         "b",
         "control characters"},
        {"a\x7f", "control characters"},
        {"caf\xc3\xa9", "only ASCII"},
        {"a;b", "invalid character ';'"},
        {"a$(x)", "invalid character '$'"},
        {"a|b", "invalid character '|'"},
        {"a`b`", "invalid character '`'"},
        {"a&b", "invalid character '&'"},
        {"a>b", "invalid character '>'"},
        {"a*", "invalid character '*'"},
        {"a[b]", "invalid character '['"},
        {"A/B", "must be lower case"},
        {"Busybox", "must be lower case"},
        {"me/App", "must be lower case"},
        {"x@sha256:zz", "the digest must be sha256:"},
        {"x@sha256:" D64 "0", "the digest must be sha256:"},
        {"x@sha512:" D64, "the digest must be sha256:"},
        {"x@sha256:"
         "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
         "the digest must be sha256:"},
        {"x@", "the digest must be sha256:"},
        {"x:", "empty tag"},
        {"x:-a", "the tag must start"},
        {"x:a+b", "invalid character '+'"},
        {"x:a:b", "invalid character ':'"},
        {":tag", "no repository name"},
        {"reg.io/", "no repository name"},
        {"a//b", "empty repository path component"},
        {"a/b/", "empty repository path component"},
        {"/a", "empty repository path component"},
        {"a/.b", "must start and end with a letter or digit"},
        {"a/b.", "must start and end with a letter or digit"},
        {"a/b..c", "invalid separator"},
        {"a/b___c", "invalid separator"},
        {"a/b-_c", "invalid separator"},
        {"reg-.io/a", "invalid registry host"},
        {"reg..io/a", "invalid registry host"},
        {".reg/a", "invalid registry host"},
        {"reg.io:/a", "empty registry port"},
        {"reg.io:x/a", "invalid character 'x' in the registry port"},
        {"reg.io:123456/a", "registry port too long"},
        {"reg_io.x/a", "invalid character '_' in the registry host"},
        {"a@b@sha256:" D64, "the digest must be sha256:"},
        {"x!", "invalid character '!'"},
};

START_TEST(refuses)
{
        for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
                char out[IMAGEREF_MAX] = "untouched";
                md_error err = {0};
                ck_assert_msg(imageref_normalize(refused[i].in, out, &err) == -1, "accepted \"%s\"",
                              refused[i].in);
                ck_assert_int_eq(err.exit_code, MD_EXIT_BAD_TASK);
                ck_assert_msg(strstr(err.message, refused[i].why), "\"%s\": \"%s\" lacks \"%s\"",
                              refused[i].in, err.message, refused[i].why);
                ck_assert_msg(strncmp(err.message, "image \"", 7) == 0, "%s", err.message);
                ck_assert_str_eq(out, "untouched");
        }
}
END_TEST

START_TEST(lengths)
{
        char ref[600], out[IMAGEREF_MAX];
        md_error err = {0};
        /* docker.io/library/ + 237 = 255: the longest name */
        memset(ref, 'a', 237);
        ref[237] = '\0';
        ck_assert_int_eq(imageref_normalize(ref, out, &err), 0);
        ck_assert_uint_eq(strlen(out), 255 + strlen(":latest"));
        memset(ref, 'a', 238);
        ref[238] = '\0';
        ck_assert_int_eq(imageref_normalize(ref, out, &err), -1);
        ck_assert_ptr_nonnull(strstr(err.message, "longer than 255"));

        md_error_clear(&err);
        memset(ref, 'a', 300);
        ref[300] = '\0';
        ck_assert_int_eq(imageref_normalize(ref, out, &err), -1);
        /* the message shows a bounded piece of the input */
        ck_assert_uint_lt(strlen(err.message), 200);

        md_error_clear(&err);
        memset(ref, 'a', sizeof ref - 1);
        ref[sizeof ref - 1] = '\0';
        ck_assert_int_eq(imageref_normalize(ref, out, &err), -1);
        ck_assert_ptr_nonnull(strstr(err.message, "too long"));

        /* a 128-character tag is the longest */
        md_error_clear(&err);
        strcpy(ref, "x:");
        memset(ref + 2, 't', 128);
        ref[130] = '\0';
        ck_assert_int_eq(imageref_normalize(ref, out, &err), 0);
        strcat(ref, "t");
        ck_assert_int_eq(imageref_normalize(ref, out, &err), -1);
        ck_assert_ptr_nonnull(strstr(err.message, "tag longer than 128"));
}
END_TEST

START_TEST(messages_are_printable)
{
        char out[IMAGEREF_MAX];
        md_error err = {0};
        ck_assert_int_eq(imageref_normalize("a\nb\x1b[31m", out, &err), -1);
        ck_assert_ptr_null(strchr(err.message, '\n'));
        ck_assert_ptr_null(strchr(err.message, '\x1b'));
        ck_assert_ptr_nonnull(strstr(err.message, "a\\x0ab\\x1b[31m"));
}
END_TEST

static const struct {
        const char *in, *out;
} patterns[] = {
        {"busybox", "docker.io/library/busybox:latest"},
        {"busybox:*", "docker.io/library/busybox:*"},
        {"*", "docker.io/library/*:latest"},
        {"*:*", "docker.io/library/*:*"},
        {"*/*:*", "docker.io/*/*:*"},
        {"registry.example.com:5000/*:*", "registry.example.com:5000/*:*"},
        {"registry.example.com:5000/*", "registry.example.com:5000/*:latest"},
        {"*.example.com/team/*:v[0-9]*", "*.example.com/team/*:v[0-9]*"},
        {"docker.io/mesos-test/*:*", "docker.io/mesos-test/*:*"},
        {"reg?.io/a", "reg?.io/a:latest"},
        {"a/b@sha256:*", "docker.io/a/b@sha256:*"},
        {"a/b:*@*", "docker.io/a/b:*@*"},
        {"ap[!x]", "docker.io/library/ap[!x]:latest"},
};

static const struct {
        const char *in, *why;
} bad_patterns[] = {
        {"", "empty"},
        {"a b", "white space"},
        {"a;*", "invalid character ';'"},
        {"a[/]b", "'['"},
        {"a[:]b", "invalid character ']' in the tag"},
        {"a[b", "'['"},
        {"a]", "invalid character ']'"},
        {"a!b", "invalid character '!'"},
        {"Busy*", "must be lower case"},
        {"x:*+", "invalid character '+'"},
        {"-*", "must not start with '-'"},
        {"x@sha256:ZZ", "the digest must be lower case"},
        {"x@sha256:zz", "invalid character 'z' in the digest"},
};

START_TEST(pattern_normalization)
{
        for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++) {
                char out[IMAGEREF_MAX];
                md_error err = {0};
                ck_assert_msg(imageref_normalize_pattern(patterns[i].in, out, &err) == 0, "%s: %s",
                              patterns[i].in, err.message);
                ck_assert_str_eq(out, patterns[i].out);
        }
        for (size_t i = 0; i < sizeof bad_patterns / sizeof bad_patterns[0]; i++) {
                char out[IMAGEREF_MAX];
                md_error err = {0};
                ck_assert_msg(imageref_normalize_pattern(bad_patterns[i].in, out, &err) == -1, "accepted %s",
                              bad_patterns[i].in);
                ck_assert_msg(strstr(err.message, bad_patterns[i].why), "%s: %s", bad_patterns[i].in,
                              err.message);
                ck_assert(strncmp(err.message, "image pattern \"", 15) == 0);
        }
        /* a glob is not allowed in a request */
        char out[IMAGEREF_MAX];
        md_error err = {0};
        ck_assert_int_eq(imageref_normalize("busybox:*", out, &err), -1);
}
END_TEST

START_TEST(registry)
{
        char out[IMAGEREF_MAX];
        imageref_registry("docker.io/library/busybox:latest", out);
        ck_assert_str_eq(out, "docker.io");
        imageref_registry("localhost:5000/x:latest", out);
        ck_assert_str_eq(out, "localhost:5000");
        imageref_registry("127.0.0.1:5000/a/b@sha256:" D64, out);
        ck_assert_str_eq(out, "127.0.0.1:5000");
        imageref_registry("nodomain", out);
        ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(repository)
{
        char out[IMAGEREF_MAX];
        imageref_repository("docker.io/library/busybox:latest", out);
        ck_assert_str_eq(out, "docker.io/library/busybox");
        imageref_repository("localhost:5000/x:latest", out);
        ck_assert_str_eq(out, "localhost:5000/x");
        imageref_repository("127.0.0.1:5000/a/b@sha256:" D64, out);
        ck_assert_str_eq(out, "127.0.0.1:5000/a/b");
        imageref_repository("127.0.0.1:5000/a/b:v1@sha256:" D64, out);
        ck_assert_str_eq(out, "127.0.0.1:5000/a/b");
        imageref_repository("localhost:5000/x", out);
        ck_assert_str_eq(out, "localhost:5000/x");
}
END_TEST

Suite *unit_suite(void)
{
        Suite *s = suite_create("imageref");
        TCase *tc = tcase_create("imageref");
        tcase_add_test(tc, normalizes);
        tcase_add_test(tc, refuses);
        tcase_add_test(tc, lengths);
        tcase_add_test(tc, messages_are_printable);
        tcase_add_test(tc, pattern_normalization);
        tcase_add_test(tc, registry);
        tcase_add_test(tc, repository);
        suite_add_tcase(s, tc);
        return s;
}
