/* Reading the policy files: the main file, then DIR/ *.conf in strcmp() order. With the owner
 * check (the setuid helper and mesos-sandboxfs), every file and every directory above it must
 * be root's and writable by nobody else, and no symlink may stand anywhere on the way: whoever
 * could change the policy could run any container as root. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "policy_internal.h"
#include "util.h"

#define DROPIN_MAX_FILES 1024
#define POLICY_TOTAL_MAX (16 * 1024 * 1024)

static int check_stat(const char *path, const struct stat *st, bool dir, md_error *err)
{
        if (S_ISLNK(st->st_mode))
                return md_fail(err, MD_EXIT_POLICY, "%s: is a symlink", path);
        if (dir && !S_ISDIR(st->st_mode))
                return md_fail(err, MD_EXIT_POLICY, "%s: not a directory", path);
        if (!dir && !S_ISREG(st->st_mode))
                return md_fail(err, MD_EXIT_POLICY, "%s: not a regular file", path);
        if (st->st_uid != 0)
                return md_fail(err, MD_EXIT_POLICY, "%s: not owned by root (uid %u)", path,
                               (unsigned)st->st_uid);
        if (st->st_mode & (S_IWGRP | S_IWOTH))
                return md_fail(err, MD_EXIT_POLICY, "%s: writable by group or others (mode %04o)", path,
                               (unsigned)(st->st_mode & 07777));
        return 0;
}

/* Opens the absolute directory dir. With check_owner, component by component from '/', never
 * following a symlink, and every directory on the way passes check_stat. Returns an O_PATH
 * fd, -1 with err, or -2 when a component does not exist (err untouched). */
static int open_dir_walk(const char *dir, bool check_owner, md_error *err)
{
        if (dir[0] != '/')
                return md_fail(err, MD_EXIT_POLICY, "%s: not an absolute path", dir);
        if (!check_owner) {
                /* `policy check FILE` and tests: the path as the kernel resolves it */
                int d = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (d < 0 && errno == ENOENT)
                        return -2;
                return d >= 0 ? d : md_fail_errno(err, MD_EXIT_POLICY, errno, "%s: cannot open", dir);
        }
        _cleanup_close_ int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return md_fail_errno(err, MD_EXIT_POLICY, errno, "/: cannot open");
        struct stat st;
        if (fstat(fd, &st) < 0)
                return md_fail_errno(err, MD_EXIT_POLICY, errno, "/: cannot stat");
        if (check_stat("/", &st, true, err) < 0)
                return -1;

        size_t len = strlen(dir);
        for (size_t i = 0; i < len;) {
                while (dir[i] == '/')
                        i++;
                size_t cl = strcspn(dir + i, "/");
                if (cl == 0)
                        break;
                char comp[NAME_MAX + 1];
                if (cl > NAME_MAX)
                        return md_fail(err, MD_EXIT_POLICY, "%s: name too long", dir);
                memcpy(comp, dir + i, cl);
                comp[cl] = '\0';
                i += cl;
                if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0)
                        return md_fail(err, MD_EXIT_POLICY, "%s: \".\" or \"..\" in the path", dir);
                int next = openat(fd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (next < 0) {
                        if (errno == ENOENT)
                                return -2;
                        return md_fail_errno(err, MD_EXIT_POLICY, errno, "%.*s: cannot open", (int)i, dir);
                }
                close(fd);
                fd = next;
                if (fstat(fd, &st) < 0)
                        return md_fail_errno(err, MD_EXIT_POLICY, errno, "%.*s: cannot stat", (int)i, dir);
                if (S_ISLNK(st.st_mode))
                        return md_fail(err, MD_EXIT_POLICY, "%.*s: is a symlink", (int)i, dir);
                if (!S_ISDIR(st.st_mode))
                        return md_fail(err, MD_EXIT_POLICY, "%.*s: not a directory", (int)i, dir);
                char shown[PATH_MAX];
                snprintf(shown, sizeof shown, "%.*s", (int)i, dir);
                if (check_stat(shown, &st, true, err) < 0)
                        return -1;
        }
        return MD_TAKE_FD(fd);
}

/* Reads one policy file from dirfd into p; path is its name in messages. */
static int load_file(struct policy *p, int dirfd, const char *name, const char *path, bool check_owner,
                     size_t *total, md_error *err)
{
        int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (check_owner ? O_NOFOLLOW : 0);
        _cleanup_close_ int fd = openat(dirfd, name, flags);
        if (fd < 0) {
                if (errno == ELOOP && check_owner)
                        return md_fail(err, MD_EXIT_POLICY, "%s: is a symlink", path);
                return md_fail_errno(err, MD_EXIT_POLICY, errno, "%s: cannot open", path);
        }
        struct stat st;
        if (fstat(fd, &st) < 0)
                return md_fail_errno(err, MD_EXIT_POLICY, errno, "%s: cannot stat", path);
        if (!S_ISREG(st.st_mode))
                return md_fail(err, MD_EXIT_POLICY, "%s: not a regular file", path);
        if (check_owner && check_stat(path, &st, false, err) < 0)
                return -1;
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r = md_read_all(fd, POLICY_FILE_MAX, &text, &len);
        if (r == -EFBIG)
                return md_fail(err, MD_EXIT_POLICY, "%s: too big (more than %d bytes)", path,
                               POLICY_FILE_MAX);
        if (r < 0)
                return md_fail_errno(err, MD_EXIT_POLICY, -r, "%s: cannot read", path);
        *total += len;
        if (*total > POLICY_TOTAL_MAX)
                return md_fail(err, MD_EXIT_POLICY, "%s: the policy files hold more than %d bytes", path,
                               POLICY_TOTAL_MAX);
        return policy_parse_into(p, path, text, len, err);
}

static int cmp_names(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_dropin_name(const char *n)
{
        size_t len = strlen(n);
        return n[0] != '.' && len > 5 && strcmp(n + len - 5, ".conf") == 0;
}

static void free_names(char **names, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
}

static int load_dropins(struct policy *p, const char *dir, bool check_owner, size_t *total, md_error *err)
{
        _cleanup_close_ int pathfd = open_dir_walk(dir, check_owner, err);
        if (pathfd == -2)
                return 0; /* no drop-in directory: only the main file */
        if (pathfd < 0)
                return -1;
        int fd = openat(pathfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return md_fail_errno(err, MD_EXIT_POLICY, errno, "%s: cannot open", dir);
        DIR *d = fdopendir(fd);
        if (!d) {
                close(fd);
                return md_fail_errno(err, MD_EXIT_POLICY, errno, "%s: cannot read", dir);
        }
        char **names = NULL;
        size_t n = 0;
        int r = 0;
        struct dirent *de;
        errno = 0;
        while ((de = readdir(d))) {
                if (!is_dropin_name(de->d_name))
                        continue;
                if (n == DROPIN_MAX_FILES) {
                        r = md_fail(err, MD_EXIT_POLICY, "%s: more than %d drop-in files", dir,
                                    DROPIN_MAX_FILES);
                        break;
                }
                char **v = reallocarray(names, n + 1, sizeof *v);
                if (!v || !(v[n] = strdup(de->d_name))) {
                        names = v ? v : names;
                        r = md_fail(err, MD_EXIT_FAILED, "policy: out of memory");
                        break;
                }
                names = v;
                n++;
        }
        if (r == 0 && errno != 0)
                r = md_fail_errno(err, MD_EXIT_POLICY, errno, "%s: cannot read", dir);
        if (r == 0) {
                if (n > 0) /* qsort(NULL, 0) is undefined, and UBSan says so */
                        qsort(names, n, sizeof *names, cmp_names);
                for (size_t i = 0; i < n && r == 0; i++) {
                        char path[PATH_MAX];
                        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
                        r = load_file(p, dirfd(d), names[i], path, check_owner, total, err);
                }
        }
        free_names(names, n);
        closedir(d);
        return r;
}

static int load_all(struct policy *p, const char *main_path, const char *dropin_dir, bool check_owner,
                    md_error *err)
{
        size_t total = 0;
        /* the main file, opened from its directory so that the walk above it is the one checked */
        const char *slash = strrchr(main_path, '/');
        char dir[PATH_MAX];
        if (main_path[0] != '/' || !slash[1] || (size_t)(slash - main_path) >= sizeof dir)
                return md_fail(err, MD_EXIT_POLICY, "%s: not an absolute file path", main_path);
        snprintf(dir, sizeof dir, "%.*s", (int)(slash == main_path ? 1 : slash - main_path), main_path);
        _cleanup_close_ int dirfd = open_dir_walk(dir, check_owner, err);
        if (dirfd == -2)
                return md_fail_errno(err, MD_EXIT_POLICY, ENOENT, "%s: cannot open", main_path);
        if (dirfd < 0)
                return -1;
        if (load_file(p, dirfd, slash + 1, main_path, check_owner, &total, err) < 0)
                return -1;
        if (dropin_dir && load_dropins(p, dropin_dir, check_owner, &total, err) < 0)
                return -1;
        return policy_finish(p, err);
}

int policy_load(const char *main_path, const char *dropin_dir, bool check_owner, struct policy **out,
                md_error *err)
{
        struct policy *p = policy_new(err);
        if (!p)
                return -1;
        if (load_all(p, main_path, dropin_dir, check_owner, err) < 0) {
                policy_free(p);
                return -1;
        }
        *out = p;
        return 0;
}
