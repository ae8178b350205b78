/* caller_child.h: the one way a piece of work runs as the caller, and what the child is sure of
 * before that work starts. */
#include <check.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caller_child.h"
#include "check_run.h"
#include "cleanup.h"
#include "util.h"

static struct caller_child self(size_t max_out)
{
        return (struct caller_child){.uid = getuid(), .gid = getgid(), .max_out = max_out};
}

static int answer(void *arg, char **out, size_t *out_len, md_error *err)
{
        *out = strdup(arg);
        *out_len = strlen(arg);
        return *out ? 0 : md_fail(err, MD_EXIT_FAILED, "out of memory");
}

START_TEST(output_comes_back)
{
        struct caller_child c = self(16);
        md_error err = {0};
        _cleanup_free_ char *out = NULL;
        size_t len = 0;
        ck_assert_int_eq(caller_child_run(&c, answer, "hello", &out, &len, &err), 0);
        ck_assert_str_eq(out, "hello");
        ck_assert_uint_eq(len, 5);
        /* no output wanted: still a success */
        ck_assert_int_eq(caller_child_run(&c, answer, "x", NULL, NULL, &err), 0);
}
END_TEST

START_TEST(oversize_output_refused)
{
        struct caller_child c = self(4);
        md_error err = {0};
        char *out = NULL;
        ck_assert_int_eq(caller_child_run(&c, answer, "12345", &out, NULL, &err), -1);
        ck_assert_ptr_null(out);
        ck_assert_int_eq(err.exit_code, MD_EXIT_FAILED);
        ck_assert_ptr_nonnull(strstr(err.message, "larger than 4 bytes"));
}
END_TEST

static int fail_with(void *arg, char **out, size_t *out_len, md_error *err)
{
        return md_fail(err, *(int *)arg, "bad thing");
}

START_TEST(exit_codes_trusted_only_when_listed)
{
        static const int codes[] = {MD_EXIT_BAD_TASK, 0};
        struct caller_child c = self(16);
        c.exit_codes = codes;
        md_error err = {0};
        int code = MD_EXIT_BAD_TASK;
        ck_assert_int_eq(caller_child_run(&c, fail_with, &code, NULL, NULL, &err), -1);
        ck_assert_int_eq(err.exit_code, MD_EXIT_BAD_TASK);
        ck_assert_str_eq(err.message, "bad thing");
        md_error_clear(&err);
        code = MD_EXIT_DENIED; /* not listed: the child cannot claim an audited denial */
        ck_assert_int_eq(caller_child_run(&c, fail_with, &code, NULL, NULL, &err), -1);
        ck_assert_int_eq(err.exit_code, MD_EXIT_FAILED);
        md_error_clear(&err);
        c.exit_codes = NULL;
        code = MD_EXIT_BAD_TASK;
        ck_assert_int_eq(caller_child_run(&c, fail_with, &code, NULL, NULL, &err), -1);
        ck_assert_int_eq(err.exit_code, MD_EXIT_FAILED);
}
END_TEST

static int die(void *arg, char **out, size_t *out_len, md_error *err)
{
        raise(SIGKILL);
        return 0;
}

START_TEST(death_reported)
{
        struct caller_child c = self(16);
        md_error err = {0};
        ck_assert_int_eq(caller_child_run(&c, die, NULL, NULL, NULL, &err), -1);
        ck_assert_ptr_nonnull(strstr(err.message, "died of signal 9"));
}
END_TEST

/* The child's view of itself, as text: "fd A open, fd B open, stdout null, dumpable, nnp,
 * pdeathsig". */
struct fds {
        int closed, kept;
};

static bool is_dev_null(int fd)
{
        struct stat a, b;
        return fstat(fd, &a) == 0 && stat("/dev/null", &b) == 0 && a.st_rdev == b.st_rdev &&
               S_ISCHR(a.st_mode);
}

static int describe(void *arg, char **out, size_t *out_len, md_error *err)
{
        const struct fds *f = arg;
        int sig = 0;
        prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0);
        char buf[256];
        snprintf(buf, sizeof buf, "closed=%d kept=%d stdin=%d stdout=%d dumpable=%d nnp=%d pdeathsig=%d",
                 fcntl(f->closed, F_GETFD) >= 0, fcntl(f->kept, F_GETFD) >= 0, is_dev_null(0), is_dev_null(1),
                 prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), sig);
        *out = strdup(buf);
        *out_len = strlen(buf);
        return 0;
}

START_TEST(child_holds_only_what_it_was_given)
{
        _cleanup_close_ int closed = open("/dev/zero", O_RDONLY | O_CLOEXEC);
        _cleanup_close_ int kept = open("/dev/zero", O_RDONLY | O_CLOEXEC);
        ck_assert_int_ge(closed, 3);
        struct fds f = {closed, kept};
        struct caller_child c = self(256);
        c.keep_fds = &kept;
        c.n_keep = 1;
        md_error err = {0};
        _cleanup_free_ char *out = NULL;
        ck_assert_int_eq(caller_child_run(&c, describe, &f, &out, NULL, &err), 0);
        ck_assert_str_eq(out, "closed=0 kept=1 stdin=1 stdout=1 dumpable=0 nnp=1 pdeathsig=9");
}
END_TEST

START_TEST(kept_stdin_stays)
{
        int zero = 0;
        _cleanup_close_ int nothing = open("/dev/zero", O_RDONLY | O_CLOEXEC);
        struct fds f = {nothing, 0};
        struct caller_child c = self(256);
        c.keep_fds = &zero;
        c.n_keep = 1;
        md_error err = {0};
        _cleanup_free_ char *out = NULL;
        ck_assert_int_eq(caller_child_run(&c, describe, &f, &out, NULL, &err), 0);
        /* fd 0 is whatever the test runner gave (maybe /dev/null too): it is open */
        ck_assert_ptr_nonnull(strstr(out, "kept=1 "));
}
END_TEST

static int ids(void *arg, char **out, size_t *out_len, md_error *err)
{
        uid_t r, e, s;
        gid_t rg, eg, sg;
        getresuid(&r, &e, &s);
        getresgid(&rg, &eg, &sg);
        gid_t groups[4];
        int n = getgroups(4, groups);
        char buf[128];
        snprintf(buf, sizeof buf, "%u %u %u %u %u %u groups=%d:%u", r, e, s, rg, eg, sg, n,
                 n > 0 ? (unsigned)groups[0] : 0U);
        *out = strdup(buf);
        *out_len = strlen(buf);
        return 0;
}

START_TEST(root_becomes_another_user_completely)
{
        if (getuid() != 0)
                return; /* only a real root can change to another uid */
        struct caller_child c = {.uid = 65534, .gid = 65533, .max_out = 128};
        md_error err = {0};
        _cleanup_free_ char *out = NULL;
        ck_assert_int_eq(caller_child_run(&c, ids, NULL, &out, NULL, &err), 0);
        ck_assert_str_eq(out, "65534 65534 65534 65533 65533 65533 groups=1:65533");
}
END_TEST

START_TEST(gone_parent_detected)
{
        /* a child whose parent is not the one it was forked from refuses to go on */
        md_error err = {0};
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                int r = caller_child_become(getuid(), getgid(), getppid() + 1, &err);
                _exit(r == -ESRCH && strstr(err.message, "gone") ? 0 : 1);
        }
        int status = 0;
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

START_TEST(close_fds_except)
{
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                int a = open("/dev/zero", O_RDONLY), b = open("/dev/zero", O_RDONLY),
                    c = open("/dev/zero", O_RDONLY);
                int keep[] = {c, 1, a};
                md_close_fds_except(keep, 3, 0);
                bool ok = fcntl(0, F_GETFD) < 0 && fcntl(1, F_GETFD) >= 0 && fcntl(2, F_GETFD) < 0 &&
                          fcntl(a, F_GETFD) >= 0 && fcntl(b, F_GETFD) < 0 && fcntl(c, F_GETFD) >= 0;
                _exit(ok ? 0 : 1);
        }
        int status = 0;
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

Suite *unit_suite(void)
{
        Suite *s = suite_create("caller_child");
        TCase *tc = tcase_create("caller_child");
        tcase_add_test(tc, output_comes_back);
        tcase_add_test(tc, oversize_output_refused);
        tcase_add_test(tc, exit_codes_trusted_only_when_listed);
        tcase_add_test(tc, death_reported);
        tcase_add_test(tc, child_holds_only_what_it_was_given);
        tcase_add_test(tc, kept_stdin_stays);
        tcase_add_test(tc, root_becomes_another_user_completely);
        tcase_add_test(tc, gone_parent_detected);
        tcase_add_test(tc, close_fds_except);
        suite_add_tcase(s, tc);
        return s;
}
