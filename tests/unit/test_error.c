/* error.h: a library's errno and a command's exit code kept apart, and the one mapping from the
 * first to the second. */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "check_run.h"
#include "error.h"

static const struct {
        int errnum;
        int exit_code;
} mapping[] = {
        {ENOENT, MD_EXIT_NO_CONTAINER},
        {-ENOENT, MD_EXIT_NO_CONTAINER},
        {EHOSTDOWN, MD_EXIT_UNAVAILABLE},
        {-EHOSTDOWN, MD_EXIT_UNAVAILABLE},
        {EACCES, MD_EXIT_DENIED},
        {-EACCES, MD_EXIT_DENIED},
        {EIO, MD_EXIT_FAILED},
        {EPROTO, MD_EXIT_FAILED},
        {ENOMEM, MD_EXIT_FAILED},
        {EPERM, MD_EXIT_FAILED},
        {ECONNREFUSED, MD_EXIT_FAILED},
        {0, MD_EXIT_FAILED},
};

START_TEST(errno_to_exit_code)
{
        ck_assert_int_eq(md_exit_from_errno(mapping[_i].errnum), mapping[_i].exit_code);
}
END_TEST

START_TEST(library_error_carries_errno_only)
{
        md_error err = {0};
        ck_assert_int_eq(md_error_set(&err, -ENOENT, "inspect container %s: no such container", "x"),
                         -ENOENT);
        ck_assert_int_eq(err.errnum, ENOENT);
        ck_assert_int_eq(err.exit_code, 0);
        ck_assert(md_error_is_set(&err));
        ck_assert_str_eq(err.message, "inspect container x: no such container");
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_NO_CONTAINER);

        /* the first error wins, whoever comes after: its errno, its message, its exit */
        ck_assert_int_eq(md_error_set(&err, -EIO, "later"), -EIO);
        ck_assert_int_eq(md_fail(&err, MD_EXIT_DENIED, "later still"), -1);
        ck_assert_int_eq(err.errnum, ENOENT);
        ck_assert_int_eq(err.exit_code, 0);
        ck_assert_str_eq(err.message, "inspect container x: no such container");
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_NO_CONTAINER);

        md_error_clear(&err);
        ck_assert(!md_error_is_set(&err));
        ck_assert_int_eq(err.errnum, 0);
        ck_assert_str_eq(err.message, "");
}
END_TEST

START_TEST(not_an_errno_is_eio)
{
        md_error err = {0};
        ck_assert_int_eq(md_error_set(&err, 0, "zero"), -EIO);
        ck_assert_int_eq(err.errnum, EIO);
        md_error_clear(&err);
        ck_assert_int_eq(md_error_set(&err, EPERM, "positive"), -EIO);
        ck_assert_int_eq(md_error_set(NULL, -ENOENT, "no error object"), -ENOENT);
}
END_TEST

/* a system call's errno is told, the library's own is what counts */
START_TEST(system_errno_is_text)
{
        md_error err = {0};
        ck_assert_int_eq(md_error_set_errno(&err, -EIO, EACCES, "open %s", "/x"), -EIO);
        ck_assert_str_eq(err.message, "open /x: Permission denied");
        ck_assert_int_eq(err.errnum, EIO);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_FAILED); /* not a denial */
}
END_TEST

START_TEST(command_exit_code_wins)
{
        md_error err = {0};
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_FAILED); /* nothing said: a failure */
        ck_assert_int_eq(md_fail(&err, MD_EXIT_USAGE, "usage: wait ID"), -1);
        ck_assert_int_eq(err.errnum, 0);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_USAGE);
        /* a library after a command's error changes nothing either */
        ck_assert_int_eq(md_error_set(&err, -EHOSTDOWN, "daemon"), -EHOSTDOWN);
        ck_assert_int_eq(err.errnum, 0);
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_USAGE);

        md_error_clear(&err);
        ck_assert_int_eq(md_fail_errno(&err, MD_EXIT_POLICY, ENOENT, "policy"), -1);
        ck_assert_str_eq(err.message, "policy: No such file or directory");
        ck_assert_int_eq(md_error_exit_code(&err), MD_EXIT_POLICY); /* the strerror is text only */
}
END_TEST

Suite *unit_suite(void)
{
        Suite *s = suite_create("error");
        TCase *tc = tcase_create("error");
        tcase_add_loop_test(tc, errno_to_exit_code, 0, sizeof mapping / sizeof mapping[0]);
        tcase_add_test(tc, library_error_carries_errno_only);
        tcase_add_test(tc, not_an_errno_is_eio);
        tcase_add_test(tc, system_errno_is_text);
        tcase_add_test(tc, command_exit_code_wins);
        suite_add_tcase(s, tc);
        return s;
}
