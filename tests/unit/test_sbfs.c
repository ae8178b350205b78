/* mesos-sandboxfs's pure parts: the mode shown, the owner-rights decision, /proc parsing,
 * info.json, and the node/container tables (lookup counting, sharing, lifetime). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_run.h"
#include "access.h"
#include "info.h"
#include "layout.h"
#include "policy.h"
#include "tree.h"
#include "visibility.h"

START_TEST(shown_mode)
{
        ck_assert_uint_eq(sbfs_shown_mode(S_IFREG | 04755), S_IFREG | 0555);
        ck_assert_uint_eq(sbfs_shown_mode(S_IFREG | 02640), S_IFREG | 0440);
        ck_assert_uint_eq(sbfs_shown_mode(S_IFDIR | 01777), S_IFDIR | 0555);
        ck_assert_uint_eq(sbfs_shown_mode(S_IFREG | 0600), S_IFREG | 0400);
        ck_assert_uint_eq(sbfs_shown_mode(S_IFLNK | 0777), S_IFLNK | 0555);
}
END_TEST

static struct stat mkstat(uid_t uid, gid_t gid, mode_t mode)
{
        struct stat st;
        memset(&st, 0, sizeof st);
        st.st_uid = uid;
        st.st_gid = gid;
        st.st_mode = mode;
        return st;
}

START_TEST(owner_rights)
{
        gid_t groups[] = {1000, 50};
        /* the owner's own file, by the owner bits */
        struct stat st = mkstat(1000, 1000, S_IFREG | 0600);
        ck_assert(sbfs_owner_may(&st, 1000, groups, 2, R_OK));
        st = mkstat(1000, 1000, S_IFREG | 0044);
        ck_assert(!sbfs_owner_may(&st, 1000, groups, 2, R_OK)); /* owner bits win, as in the kernel */
        /* a root file made in the sandbox by a root container: not the owner's to read */
        st = mkstat(0, 0, S_IFREG | 0600);
        ck_assert(!sbfs_owner_may(&st, 1000, groups, 2, R_OK));
        /* a hard link to /etc/shadow (root:shadow 0640), owner not in shadow */
        st = mkstat(0, 42, S_IFREG | 0640);
        ck_assert(!sbfs_owner_may(&st, 1000, groups, 2, R_OK));
        /* group bits through a supplementary group */
        st = mkstat(0, 50, S_IFREG | 0640);
        ck_assert(sbfs_owner_may(&st, 1000, groups, 2, R_OK));
        ck_assert(!sbfs_owner_may(&st, 1000, groups, 1, R_OK));
        /* others bits */
        st = mkstat(0, 0, S_IFREG | 0644);
        ck_assert(sbfs_owner_may(&st, 1000, groups, 2, R_OK));
        /* directories: search and list */
        st = mkstat(0, 0, S_IFDIR | 0711);
        ck_assert(sbfs_owner_may(&st, 1000, groups, 2, X_OK));
        ck_assert(!sbfs_owner_may(&st, 1000, groups, 2, R_OK | X_OK));
        st = mkstat(0, 0, S_IFDIR | 0700);
        ck_assert(!sbfs_owner_may(&st, 1000, groups, 2, X_OK));
        /* a root owner may read anything */
        ck_assert(sbfs_owner_may(&st, 0, NULL, 0, R_OK | X_OK));
}
END_TEST

START_TEST(uid_maps)
{
        const char *init = "         0          0 4294967295\n";
        ck_assert(sbfs_same_uid_map(init, "0 0 4294967295"));
        ck_assert(sbfs_same_uid_map(init, init));
        ck_assert(!sbfs_same_uid_map(init, "         0     100000      65536\n"));
        ck_assert(!sbfs_same_uid_map(init, "0 0 1\n")); /* root mapped, nothing else */
        ck_assert(!sbfs_same_uid_map(init, "0 0 42949672950\n")); /* a longer word is not equal */
        ck_assert(!sbfs_same_uid_map(init, init + 10)); /* missing word */
        ck_assert(!sbfs_same_uid_map(init, ""));
        ck_assert(!sbfs_same_uid_map(init, "0 0 4294967295\n1 1 1\n"));
}
END_TEST

START_TEST(synthetic_inodes)
{
        ck_assert(sbfs_ino(1, SBFS_INO_CT_DIR) >> 63);
        for (unsigned a = SBFS_INO_CT_DIR; a < _SBFS_INO_MAX; a++)
                for (unsigned b = SBFS_INO_CT_DIR; b < _SBFS_INO_MAX; b++)
                        ck_assert((sbfs_ino(7, a) == sbfs_ino(7, b)) == (a == b));
        ck_assert(sbfs_ino(1, SBFS_INO_CT_DIR) != sbfs_ino(2, SBFS_INO_CT_DIR));
}
END_TEST

START_TEST(fixed_layout)
{
        const struct sbfs_layout_entry *e = sbfs_layout_find(SBFS_CT_DIR, "stdout");
        ck_assert(e && e->kind == SBFS_LOG && e->stream == SBFS_STDOUT && e->ino == SBFS_INO_STDOUT);
        e = sbfs_layout_find(SBFS_CT_DIR, "sandbox");
        ck_assert(e && e->kind == SBFS_SANDBOX && e->type == S_IFDIR);
        e = sbfs_layout_find(SBFS_FOLLOW_DIR, "stderr");
        ck_assert(e && e->kind == SBFS_FOLLOW_LOG && e->stream == SBFS_STDERR &&
                  e->ino == SBFS_INO_FOLLOW_STDERR);
        /* "." and ".." are listed but lead to no node; other folders have no fixed names */
        ck_assert_ptr_null(sbfs_layout_find(SBFS_CT_DIR, "."));
        ck_assert_ptr_null(sbfs_layout_find(SBFS_FOLLOW_DIR, ".."));
        ck_assert_ptr_null(sbfs_layout_find(SBFS_FOLLOW_DIR, "info.json"));
        ck_assert_ptr_null(sbfs_layout_find(SBFS_CT_DIR, "stdou"));
        ck_assert_ptr_null(sbfs_layout(SBFS_SANDBOX));
        const char *want[] = {".", "..", "stdout", "stderr", "follow", "sandbox", "info.json"};
        const struct sbfs_layout_entry *all = sbfs_layout(SBFS_CT_DIR);
        size_t n = 0;
        for (; all[n].name; n++)
                ck_assert_str_eq(all[n].name, want[n]);
        ck_assert_uint_eq(n, sizeof want / sizeof want[0]);
}
END_TEST

START_TEST(info_json)
{
        struct md_record r = {
                .container = "mesos-t1",
                .docker_id = "abc",
                .task_id = "task \"1\"",
                .image = "docker.io/library/busybox:latest",
                .sandbox = "/s/t1",
                .owner_uid = 1001,
                .pid = 42,
                .state = MD_STATE_RUNNING,
                .started_at = "2026-11-25T05:00:00Z",
        };
        char *text = NULL;
        size_t len = 0;
        ck_assert_int_eq(sbfs_info_render(&r, &text, &len), 0);
        ck_assert_uint_eq(len, strlen(text));
        ck_assert_int_eq(text[len - 1], '\n');
        json_error_t e;
        json_t *j = json_loads(text, 0, &e);
        ck_assert_ptr_nonnull(j);
        ck_assert_uint_eq(json_object_size(j), 11);
        ck_assert_str_eq(json_string_value(json_object_get(j, "container")), "mesos-t1");
        ck_assert_str_eq(json_string_value(json_object_get(j, "task_id")), "task \"1\"");
        ck_assert_str_eq(json_string_value(json_object_get(j, "state")), "running");
        ck_assert_int_eq(json_integer_value(json_object_get(j, "pid")), 42);
        ck_assert_int_eq(json_integer_value(json_object_get(j, "owner_uid")), 1001);
        ck_assert(json_is_null(json_object_get(j, "exit_code")));
        ck_assert(json_is_null(json_object_get(j, "finished_at")));
        ck_assert_ptr_null(json_object_get(j, "owner_gid")); /* only the contract's fields */
        ck_assert_ptr_null(json_object_get(j, "monitor_pid"));
        json_decref(j);
        free(text);

        r.state = MD_STATE_EXITED;
        r.exit_code = 3;
        r.finished_at = "2026-11-25T05:01:00Z";
        r.image = "\xff\xfe"; /* not UTF-8: null, not a failure */
        ck_assert_int_eq(sbfs_info_render(&r, &text, &len), 0);
        j = json_loads(text, 0, &e);
        ck_assert_ptr_nonnull(j);
        ck_assert_int_eq(json_integer_value(json_object_get(j, "exit_code")), 3);
        ck_assert_str_eq(json_string_value(json_object_get(j, "state")), "exited");
        ck_assert(json_is_null(json_object_get(j, "image")));
        json_decref(j);
        free(text);
}
END_TEST

static struct sbfs_container *add_ct(const char *name)
{
        struct md_record rec = {0};
        rec.container = strdup(name);
        rec.sandbox = strdup("/s");
        gid_t *groups = calloc(1, sizeof *groups);
        return sbfs_ct_add(strdup(name), &rec, -1, 1000, 1000, strdup("u"), groups, 1);
}

START_TEST(tree_containers)
{
        struct sbfs_container *a = add_ct("mesos-a"), *b = add_ct("mesos-b"), *c = add_ct("mesos-c");
        ck_assert_uint_eq(sbfs_ct_count(), 3);
        ck_assert_ptr_eq(sbfs_ct_find("mesos-b"), b);
        ck_assert_ptr_null(sbfs_ct_find("mesos-x"));
        ck_assert(a->serial < b->serial && b->serial < c->serial);
        ck_assert_ptr_eq(sbfs_ct_next(0), a);
        ck_assert_ptr_eq(sbfs_ct_next(a->serial), b);
        uint64_t bs = b->serial;
        sbfs_ct_remove(b); /* no node holds it: freed */
        ck_assert_uint_eq(sbfs_ct_count(), 2);
        /* readdir offsets stay valid across a removal */
        ck_assert_ptr_eq(sbfs_ct_next(bs), c);
        ck_assert_ptr_eq(sbfs_ct_next(a->serial), c);
        ck_assert_ptr_null(sbfs_ct_next(c->serial));
        /* a re-added name is a new container, with a new serial */
        struct sbfs_container *b2 = add_ct("mesos-b");
        ck_assert(b2->serial > c->serial);
        sbfs_tree_clear();
        ck_assert_uint_eq(sbfs_ct_count(), 0);
}
END_TEST

START_TEST(tree_nodes)
{
        struct sbfs_container *a = add_ct("mesos-a");
        struct sbfs_node *d1 = sbfs_node_get(a, SBFS_CT_DIR, SBFS_STDOUT, -1, 0, 0);
        struct sbfs_node *d2 = sbfs_node_get(a, SBFS_CT_DIR, SBFS_STDOUT, -1, 0, 0);
        ck_assert_ptr_eq(d1, d2); /* one inode per entry: the kernel's lookups count on it */
        ck_assert_uint_eq(d1->nlookup, 2);
        struct sbfs_node *o = sbfs_node_get(a, SBFS_LOG, SBFS_STDOUT, -1, 0, 0);
        struct sbfs_node *e = sbfs_node_get(a, SBFS_LOG, SBFS_STDERR, -1, 0, 0);
        ck_assert_ptr_ne(o, e);
        /* sandbox entries are keyed by (dev, ino): the second fd of the same file is closed */
        int fd1 = open("/", O_PATH | O_CLOEXEC), fd2 = open("/", O_PATH | O_CLOEXEC);
        struct sbfs_node *s1 = sbfs_node_get(a, SBFS_SANDBOX, SBFS_STDOUT, fd1, 1, 2);
        struct sbfs_node *s2 = sbfs_node_get(a, SBFS_SANDBOX, SBFS_STDOUT, fd2, 1, 2);
        ck_assert_ptr_eq(s1, s2);
        ck_assert_int_eq(s1->fd, fd1);
        ck_assert_int_eq(fcntl(fd2, F_GETFD), -1);
        ck_assert_int_eq(errno, EBADF);
        ck_assert_uint_eq(sbfs_node_count(), 4);

        /* a container removed while its nodes are held stays allocated, not live */
        sbfs_ct_remove(a);
        ck_assert(!a->live);
        ck_assert_uint_eq(sbfs_ct_count(), 0);
        ck_assert_ptr_null(sbfs_ct_find("mesos-a"));
        ck_assert_str_eq(d1->ct->name, "mesos-a");
        sbfs_node_forget(d1, 1);
        ck_assert_uint_eq(sbfs_node_count(), 4);
        sbfs_node_forget(d1, 5); /* more than held: gone, not wrapped */
        sbfs_node_forget(o, 1);
        sbfs_node_forget(e, 1);
        ck_assert_uint_eq(sbfs_node_count(), 1);
        sbfs_node_forget(s1, 2);
        ck_assert_uint_eq(sbfs_node_count(), 0);
        ck_assert_int_eq(fcntl(fd1, F_GETFD), -1); /* the O_PATH fd went with the node */
}
END_TEST

START_TEST(tree_many_nodes)
{
        struct sbfs_container *a = add_ct("mesos-a");
        enum { N = 5000 };
        static struct sbfs_node *nodes[N];
        for (int i = 0; i < N; i++)
                nodes[i] = sbfs_node_get(a, SBFS_SANDBOX, SBFS_STDOUT, -1, 7, (ino_t)i + 1);
        ck_assert_uint_eq(sbfs_node_count(), N);
        for (int i = 0; i < N; i++) /* the table grew and still finds every one */
                ck_assert_ptr_eq(sbfs_node_get(a, SBFS_SANDBOX, SBFS_STDOUT, -1, 7, (ino_t)i + 1), nodes[i]);
        for (int i = 0; i < N; i++)
                sbfs_node_forget(nodes[i], 2);
        ck_assert_uint_eq(sbfs_node_count(), 0);
        sbfs_tree_clear();
}
END_TEST

static const char visibility_policy[] = "[helper]\n"
                                        "state-dir = /run/x\n"
                                        "[caller #1000]\n"
                                        "readers = #2000 %root\n"
                                        "[caller #3000]\n"
                                        "images = busybox:*\n";

static enum sbfs_visibility see(const struct policy *p, struct sbfs_container *ct, uid_t uid, bool details,
                                const gid_t *groups, size_t n)
{
        struct sbfs_identity who = {
                .uid = uid,
                .gid = uid,
                .have_details = details,
                .groups = groups,
                .n_groups = n,
        };
        return sbfs_visibility(p, ct, &who);
}

START_TEST(visibility)
{
        struct policy *p = NULL;
        md_error err;
        md_error_clear(&err);
        ck_assert_int_eq(policy_parse_text("t.conf", visibility_policy, strlen(visibility_policy), &p, &err),
                         0);
        struct md_record rec = {0};
        struct sbfs_container *a = sbfs_ct_add(strdup("mesos-a"), &rec, -1, 1000, 1000, NULL, NULL, 0);
        struct sbfs_container *c = sbfs_ct_add(strdup("mesos-c"), &rec, -1, 3000, 3000, NULL, NULL, 0);
        struct sbfs_container *d = sbfs_ct_add(strdup("mesos-d"), &rec, -1, 4000, 4000, NULL, NULL, 0);
        struct sbfs_container *r0 = sbfs_ct_add(strdup("mesos-r"), &rec, -1, 0, 0, NULL, NULL, 0);
        gid_t none[] = {5}, rootgrp[] = {5, 0};

        /* the owner: no need to look at the caller's groups */
        ck_assert_int_eq(see(p, a, 1000, false, NULL, 0), SBFS_VISIBLE);
        /* others: only the policy can tell, once the groups are known */
        ck_assert_int_eq(see(p, a, 2000, false, NULL, 0), SBFS_NEED_DETAILS);
        ck_assert_int_eq(see(p, a, 2000, true, none, 1), SBFS_VISIBLE); /* #2000 */
        ck_assert_int_eq(see(p, a, 2001, true, rootgrp, 2), SBFS_VISIBLE); /* %root */
        ck_assert_int_eq(see(p, a, 2001, true, none, 1), SBFS_HIDDEN);
        ck_assert_int_eq(see(p, c, 2000, true, none, 1), SBFS_HIDDEN); /* a section without readers */
        ck_assert_int_eq(see(p, d, 2000, true, rootgrp, 2), SBFS_HIDDEN); /* no section: default deny */

        /* root sees all; a uid 0 from another user namespace sees nothing, not even root's own */
        struct sbfs_identity root = {.uid = 0, .root = true};
        struct sbfs_identity foreign = {.uid = 0, .foreign_root = true, .have_details = true};
        ck_assert_int_eq(sbfs_visibility(p, d, &root), SBFS_VISIBLE);
        ck_assert_int_eq(sbfs_visibility(p, d, &foreign), SBFS_HIDDEN);
        ck_assert_int_eq(sbfs_visibility(p, r0, &foreign), SBFS_HIDDEN);
        ck_assert_int_eq(sbfs_visibility(p, a, &foreign), SBFS_HIDDEN);

        policy_free(p);
        sbfs_tree_clear();
}
END_TEST

Suite *unit_suite(void)
{
        Suite *s = suite_create("sbfs");
        TCase *tc = tcase_create("pure");
        tcase_add_test(tc, shown_mode);
        tcase_add_test(tc, owner_rights);
        tcase_add_test(tc, uid_maps);
        tcase_add_test(tc, synthetic_inodes);
        tcase_add_test(tc, fixed_layout);
        tcase_add_test(tc, info_json);
        tcase_add_test(tc, tree_containers);
        tcase_add_test(tc, tree_nodes);
        tcase_add_test(tc, tree_many_nodes);
        tcase_add_test(tc, visibility);
        suite_add_tcase(s, tc);
        return s;
}
