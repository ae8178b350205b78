#include <check.h>
#include <limits.h>

#include "check_run.h"
#include "launch_pid.h"

#define ID "7d0ba3bcfc1222054fea2b5f78ecd6b097e5cb92f3a465531f7046fef432f816"

START_TEST(ns_init_is_pid_1_one_level_down)
{
        const char *init = "\nName:\ttrue\nPid:\t6932\nNSpid:\t6932\t1\nNSpgid:\t6932\t1\n";
        ck_assert(launch_pid_status_is_ns_init(init, 6932));
        ck_assert(!launch_pid_status_is_ns_init(init, 6933)); /* another pid's text */
        /* runc's earlier stages and any process of the host: one level */
        ck_assert(!launch_pid_status_is_ns_init("\nNSpid:\t6930\n", 6930));
        /* an exec into the container: not 1 */
        ck_assert(!launch_pid_status_is_ns_init("\nNSpid:\t7000\t12\n", 7000));
        /* a namespace made inside the container, or a daemon in a nested one: deeper */
        ck_assert(!launch_pid_status_is_ns_init("\nNSpid:\t7001\t13\t1\n", 7001));
        ck_assert(!launch_pid_status_is_ns_init("\nNSpid:\t7001\t1\t1\n", 7001));
        /* the last line, without its newline */
        ck_assert(launch_pid_status_is_ns_init("\nNSpid:\t42\t1", 42));
        ck_assert(!launch_pid_status_is_ns_init("\nPid:\t42\n", 42));
        ck_assert(!launch_pid_status_is_ns_init("\nNSpid:\t\n", 0));
        ck_assert(!launch_pid_status_is_ns_init("\nNSpid:\t42\t1x\n", 42));
        ck_assert(!launch_pid_status_is_ns_init("\nXNSpid:\t42\t1\n", 42));
}
END_TEST

START_TEST(cgroup_named_after_the_container)
{
        char path[PATH_MAX];
        /* cgroup v1, cgroupfs driver */
        ck_assert(launch_pid_cgroup_of("13:pids:/docker/" ID "\n12:memory:/docker/" ID "\n", ID, path,
                                       sizeof path));
        ck_assert_str_eq(path, "/docker/" ID);
        /* the systemd driver, and a cgroup-parent */
        ck_assert(launch_pid_cgroup_of("0::/system.slice/docker-" ID ".scope\n", ID, path, sizeof path));
        ck_assert_str_eq(path, "/system.slice/docker-" ID ".scope");
        ck_assert(launch_pid_cgroup_of("1:name=systemd:/user.slice\n4:cpu,cpuacct:/tenants/a/" ID, ID, path,
                                       sizeof path));
        ck_assert_str_eq(path, "/tenants/a/" ID);
        /* not the container's: another id, the id as a prefix or inside a component, the root */
        ck_assert(!launch_pid_cgroup_of("13:pids:/docker/" ID "0\n", ID, path, sizeof path));
        ck_assert(!launch_pid_cgroup_of("13:pids:/docker/x" ID "\n", ID, path, sizeof path));
        ck_assert(!launch_pid_cgroup_of("13:pids:/docker/" ID "/sub\n", ID, path, sizeof path));
        ck_assert(!launch_pid_cgroup_of("13:pids:/docker-" ID ".scopex\n", ID, path, sizeof path));
        ck_assert(!launch_pid_cgroup_of("13:pids:" ID "\n", ID, path, sizeof path));
        ck_assert(!launch_pid_cgroup_of("garbage " ID "\n", ID, path, sizeof path));
        ck_assert(!launch_pid_cgroup_of("", ID, path, sizeof path));
        /* a path that does not fit is no answer */
        char small[8];
        ck_assert(!launch_pid_cgroup_of("13:pids:/docker/" ID "\n", ID, small, sizeof small));
}
END_TEST

Suite *unit_suite(void)
{
        Suite *s = suite_create("launch_pid");
        TCase *tc = tcase_create("core");
        tcase_add_test(tc, ns_init_is_pid_1_one_level_down);
        tcase_add_test(tc, cgroup_named_after_the_container);
        suite_add_tcase(s, tc);
        return s;
}
