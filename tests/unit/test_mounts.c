#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "cgroups.h"
#include "check_run.h"
#include "mounts.h"

/* Lines as Linux 6.1 writes them, with the optional fields and the escapes. */
#define ROOTFS "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
#define SANDBOXES                                                                                            \
        "43 22 254:1 /var/lib/mesos/slaves /var/lib/mesos/slaves rw,nosuid,nodev,relatime shared:1 - ext4 "  \
        "/dev/vda1 rw\n"
#define VIEW "80 22 0:52 / /srv/view rw,nosuid,nodev,noexec,relatime - fuse.sandboxfs mesos-sandboxfs rw\n"
#define SPACED "81 22 0:53 / /srv/my\\040view ro - fuse.sandboxfs mesos-sandboxfs rw\n"
#define OTHER_FUSE "82 22 0:54 / /srv/sshfs rw - fuse.sshfs host:/ rw\n"

START_TEST(parse_line)
{
        char line[] = "43 22 254:1 /a\\040b /mnt/a\\134b rw,nosuid shared:1 master:2 - ext4 /dev/vda1 rw";
        struct md_mountinfo_entry e;
        ck_assert_int_eq(md_mountinfo_parse_line(line, &e), 0);
        ck_assert_uint_eq(e.mount_id, 43);
        ck_assert_str_eq(e.root, "/a b");
        ck_assert_str_eq(e.mount_point, "/mnt/a\\b");
        ck_assert_str_eq(e.options, "rw,nosuid");
        ck_assert_str_eq(e.fstype, "ext4");
        ck_assert_str_eq(e.source, "/dev/vda1");
        ck_assert(!md_mountinfo_is_sandboxfs(&e));

        char view[] = VIEW;
        view[strlen(view) - 1] = '\0';
        ck_assert_int_eq(md_mountinfo_parse_line(view, &e), 0);
        ck_assert(md_mountinfo_is_sandboxfs(&e));
        char sshfs[] = "82 22 0:54 / /srv/sshfs rw - fuse.sshfs mesos-sandboxfs rw";
        ck_assert_int_eq(md_mountinfo_parse_line(sshfs, &e), 0);
        ck_assert(md_mountinfo_is_sandboxfs(&e)); /* named so by its fsname */
        char plain_fuse[] = OTHER_FUSE;
        plain_fuse[strlen(plain_fuse) - 1] = '\0';
        ck_assert_int_eq(md_mountinfo_parse_line(plain_fuse, &e), 0);
        ck_assert(!md_mountinfo_is_sandboxfs(&e));

        const char *bad[] = {"", "43 22 254:1 / /", "43 22 254:1 / / rw shared:1 ext4 /dev/vda1 rw",
                             "x 22 254:1 / / rw - ext4 /dev/vda1 rw", "43 22 254:1 / / rw - ext4"};
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
                char *copy = strdup(bad[i]);
                ck_assert_msg(md_mountinfo_parse_line(copy, &e) == -EINVAL, "accepted \"%s\"", bad[i]);
                free(copy);
        }
}
END_TEST

struct near_case {
        const char *path;
        int want;
        const char *found;
};

static const struct near_case near_cases[] = {
        {"/srv/view", 1, "/srv/view"}, /* the mount point itself */
        {"/srv", 1, "/srv/view"}, /* contains it: docker binds recursively */
        {"/", 1, "/srv/view"},
        {"/srv/view/mesos-x/sandbox", 1, "/srv/view"}, /* inside the view */
        {"/srv/my view", 1, "/srv/my view"},
        {"/srv/viewer", 0, ""}, /* a sibling that shares the prefix */
        {"/srv/sshfs", 0, ""},
        {"/var/lib/mesos/slaves", 0, ""},
};

START_TEST(find_sandboxfs)
{
        const struct near_case *c = &near_cases[_i];
        const char *text = ROOTFS SANDBOXES VIEW SPACED OTHER_FUSE;
        char found[PATH_MAX] = "";
        ck_assert_int_eq(md_mountinfo_find_sandboxfs(text, c->path, found, sizeof found), c->want);
        ck_assert_str_eq(found, c->found);
}
END_TEST

START_TEST(find_sandboxfs_edges)
{
        char found[8] = "";
        ck_assert_int_eq(md_mountinfo_find_sandboxfs(ROOTFS VIEW, "/srv", found, sizeof found),
                         -ENAMETOOLONG);
        ck_assert_int_eq(md_mountinfo_find_sandboxfs("garbage\n", "/srv", found, sizeof found), -EINVAL);
        ck_assert_int_eq(md_mountinfo_find_sandboxfs("", "/srv", found, sizeof found), 0);
        ck_assert_int_eq(md_mountinfo_find_sandboxfs(ROOTFS SANDBOXES, "/", found, sizeof found), 0);
}
END_TEST

static bool has_option(const char *options, const char *name)
{
        size_t n = strlen(name);
        for (const char *p = options; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
                if (strncmp(p, name, n) == 0 && (p[n] == ',' || !p[n]))
                        return true;
        return false;
}

/* How many mounts of the table have this mount point (a later one hides the earlier). */
static int mounts_at(const char *mount_point)
{
        FILE *f = fopen("/proc/self/mountinfo", "re");
        char *line = NULL;
        size_t cap = 0;
        int n = 0;
        while (f && getline(&line, &cap, f) > 0) {
                line[strcspn(line, "\n")] = '\0';
                struct md_mountinfo_entry e;
                if (md_mountinfo_parse_line(line, &e) == 0 && strcmp(e.mount_point, mount_point) == 0)
                        n++;
        }
        free(line);
        if (f)
                fclose(f);
        return n;
}

/* The live mount table: for every mount point this process can open, the answer agrees with the
 * mount's own options, and a mount without nosuid,nodev is named by its mount point. */
START_TEST(live_flags)
{
        FILE *f = fopen("/proc/self/mountinfo", "re");
        ck_assert_ptr_nonnull(f);
        char *line = NULL;
        size_t cap = 0;
        int checked = 0;
        while (getline(&line, &cap, f) > 0 && checked < 200) {
                line[strcspn(line, "\n")] = '\0';
                struct md_mountinfo_entry e;
                ck_assert_int_eq(md_mountinfo_parse_line(line, &e), 0);
                if (mounts_at(e.mount_point) != 1)
                        continue; /* over-mounted: which one answers is not this test's question */
                int fd = open(e.mount_point, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0)
                        continue;
                char mnt[PATH_MAX] = "untouched";
                int want = has_option(e.options, "nosuid") && has_option(e.options, "nodev");
                int got = md_mount_nosuid_nodev(fd, mnt, sizeof mnt);
                /* doctor's view of the same mount agrees, and always names it */
                struct md_mount_facts facts;
                ck_assert_int_eq(md_mount_of(fd, &facts), 0);
                ck_assert_int_eq(facts.nosuid, has_option(e.options, "nosuid"));
                ck_assert_int_eq(facts.nodev, has_option(e.options, "nodev"));
                ck_assert_str_eq(facts.mount_point, e.mount_point);
                close(fd);
                ck_assert_msg(got == want, "%s (%s): got %d", e.mount_point, e.options, got);
                ck_assert_str_eq(mnt, want ? "untouched" : e.mount_point);
                checked++;
        }
        free(line);
        fclose(f);
        ck_assert_int_gt(checked, 0);
        char mnt[8];
        ck_assert_int_eq(md_mount_nosuid_nodev(-1, mnt, sizeof mnt), -EBADF);
}
END_TEST

static int count_mount(const char *mount_point, void *arg)
{
        ck_assert_ptr_nonnull(strstr(mount_point, "/"));
        ++*(int *)arg;
        return 0;
}

static int stop_at_first(const char *mount_point, void *arg)
{
        (void)mount_point;
        ++*(int *)arg;
        return 1;
}

/* The one walk over the cgroup hierarchies (enter_own, delegated, launch's pid watch): every
 * one is seen, and a 1 from the callback stops it and is returned. */
START_TEST(cgroup_mounts_each)
{
        int seen = 0;
        ck_assert_int_eq(md_cgroup_mounts_each(count_mount, &seen), 0);
        ck_assert_int_gt(seen, 0); /* the machines this runs on all mount cgroups (dockerd needs them) */
        int calls = 0;
        ck_assert_int_eq(md_cgroup_mounts_each(stop_at_first, &calls), 1);
        ck_assert_int_eq(calls, 1);
}
END_TEST

Suite *unit_suite(void)
{
        Suite *s = suite_create("mounts");
        TCase *tc = tcase_create("mounts");
        tcase_add_test(tc, parse_line);
        tcase_add_loop_test(tc, find_sandboxfs, 0, sizeof near_cases / sizeof near_cases[0]);
        tcase_add_test(tc, find_sandboxfs_edges);
        tcase_add_test(tc, live_flags);
        tcase_add_test(tc, cgroup_mounts_each);
        suite_add_tcase(s, tc);
        return s;
}
