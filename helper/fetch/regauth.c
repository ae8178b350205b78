/* Registry credentials for a pull: the sandbox's docker config, read and parsed by a child that
 * became the caller (the file is the caller's, possibly hostile), else the root-owned config
 * that the policy names, read by the helper after checking that it is root's. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fetch_internal.h"
#include "safe_open.h"
#include "regauth.h"
#include "util.h"

#define REGAUTH_MAX_CONFIG (1024 * 1024)
#define NO_CONFIG "" /* the child's answer when the sandbox has no config */
#define NO_MATCH "-" /* a config without credentials for the registry */

struct sandbox_arg {
        int dirfd;
        const char *registry;
};

/* In the child: the answer for one open config file (label names it in errors, prefix in
 * those of its content). legacy < 0: either format, config.json's "auths" first. */
static int answer_from_fd(int fd, const char *label, const char *prefix, int legacy, const char *registry,
                          char **out, size_t *out_len, md_error *err)
{
        struct stat st;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
                return md_error_set(err, -EIO, "%s: not a regular file", label);
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        int r = md_read_all(fd, REGAUTH_MAX_CONFIG, &text, &len);
        if (r == -EFBIG)
                return md_error_set(err, -EIO, "%s: larger than %d bytes", label, REGAUTH_MAX_CONFIG);
        if (r < 0)
                return md_error_set_errno(err, -EIO, -r, "%s", label);
        char *auth = NULL;
        r = regauth_from_config_text(text, len, legacy > 0, registry, &auth, err);
        if (r == 0 && legacy < 0 && !auth)
                r = regauth_from_config_text(text, len, 1, registry, &auth, err);
        if (r < 0) {
                md_error_prefix(err, "%s", prefix);
                return r;
        }
        *out = auth ? auth : strdup(NO_MATCH);
        *out_len = *out ? strlen(*out) : 0;
        return *out ? 0 : md_error_set(err, -ENOMEM, "out of memory");
}

/* The docker CLI reads ~/.docker/config.json and, only when it is absent, ~/.dockercfg. */
static int sandbox_child(void *arg, char **out, size_t *out_len, md_error *err)
{
        const struct sandbox_arg *a = arg;
        static const struct {
                const char *name;
                int legacy;
        } files[] = {{".docker/config.json", 0}, {".dockercfg", 1}};
        for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
                const char *leaf;
                _cleanup_close_ int dfd = fetch_open_parent(a->dirfd, files[i].name, false, &leaf);
                _cleanup_close_ int fd =
                        dfd < 0 ? dfd : fetch_openat1(dfd, leaf, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
                if (fd == -ENOENT)
                        continue;
                if (fd < 0)
                        return md_error_set_errno(err, -EIO, -fd, "sandbox %s", files[i].name);
                char label[64];
                snprintf(label, sizeof label, "sandbox %s", files[i].name);
                return answer_from_fd(fd, label, "sandbox", files[i].legacy, a->registry, out, out_len, err);
        }
        *out = strdup(NO_CONFIG);
        *out_len = 0;
        return *out ? 0 : md_error_set(err, -ENOMEM, "out of memory");
}

/* The policy's config: trusted only when root's, not writable by others, not a symlink, in
 * directories that are not symlinks. Read by the helper: the caller cannot read it. */
static int fallback(const char *path, const char *registry, char **out, md_error *err)
{
        const char *slash = strrchr(path, '/');
        if (path[0] != '/' || !slash || !slash[1])
                return md_error_set(err, -EIO, "registry config %s: not an absolute file path", path);
        _cleanup_free_ char *dir = strndup(path, (size_t)(slash - path));
        if (!dir)
                return md_error_set(err, -ENOMEM, "out of memory");
        _cleanup_close_ int dfd = md_open_dir_nofollow(dir[0] ? dir : "/");
        if (dfd < 0)
                return md_error_set_errno(err, -EIO, -dfd, "registry config %s", path);
        _cleanup_close_ int fd =
                openat(dfd, slash + 1, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT)
                return 0; /* named but absent: no credentials */
        if (fd < 0)
                return md_error_set_errno(err, -EIO, errno, "registry config %s", path);
        struct stat st;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 0022))
                return md_error_set(
                        err, -EIO,
                        "registry config %s: not a regular file owned by root and writable by root only",
                        path);
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        int r = md_read_all(fd, REGAUTH_MAX_CONFIG, &text, &len);
        if (r < 0)
                return md_error_set_errno(err, -EIO, -r, "registry config %s", path);
        /* either format: a config.json's "auths", else the legacy top-level map */
        r = regauth_from_config_text(text, len, 0, registry, out, err);
        if (r == 0 && !*out)
                r = regauth_from_config_text(text, len, 1, registry, out, err);
        if (r < 0) {
                md_error_prefix(err, "registry config %s", path);
                return r;
        }
        return 0;
}

int regauth_lookup(const struct regauth_request *req, char **out, md_error *err)
{
        if (req->sandbox_dirfd >= 0) {
                struct sandbox_arg a = {req->sandbox_dirfd, req->registry};
                int keep[] = {req->sandbox_dirfd};
                _cleanup_free_ char *answer = NULL;
                const struct caller_child c = fetch_caller_child(req->uid, req->gid, keep, 1, 64 * 1024);
                if (caller_child_run(&c, sandbox_child, &a, &answer, NULL, err) < 0)
                        return fetch_child_failed(err);
                if (answer && strcmp(answer, NO_CONFIG) != 0 && strcmp(answer, NO_MATCH) != 0) {
                        *out = MD_TAKE_PTR(answer);
                        return 0;
                }
        }
        char *auth = NULL;
        int r = req->fallback_config ? fallback(req->fallback_config, req->registry, &auth, err) : 0;
        if (r < 0)
                return r;
        *out = auth;
        return 0;
}

struct file_arg {
        const char *path;
        const char *registry;
};

/* A config the caller names: opened by the child that became the caller, so it reads exactly
 * what the caller may read. A missing file gives no credentials, as for the docker CLI. */
static int file_child(void *arg, char **out, size_t *out_len, md_error *err)
{
        const struct file_arg *a = arg;
        _cleanup_close_ int fd = open(a->path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT) {
                *out = strdup(NO_CONFIG);
                *out_len = 0;
                return *out ? 0 : md_error_set(err, -ENOMEM, "out of memory");
        }
        if (fd < 0)
                return md_error_set_errno(err, -EIO, errno, "config %s", a->path);
        const char *base = strrchr(a->path, '/');
        int legacy = strcmp(base ? base + 1 : a->path, ".dockercfg") == 0 ? 1 : -1;
        char label[4200];
        snprintf(label, sizeof label, "config %s", a->path);
        return answer_from_fd(fd, label, label, legacy, a->registry, out, out_len, err);
}

bool regauth_config_path_valid(const char *path)
{
        return path[0] == '/' && strlen(path) < 4096;
}

int regauth_lookup_file(uid_t uid, gid_t gid, const char *path, const char *registry,
                        const char *fallback_config, char **out, md_error *err)
{
        if (path) {
                if (!regauth_config_path_valid(path))
                        return md_error_set(err, -EINVAL, "--config %.200s: not an absolute path", path);
                struct file_arg a = {path, registry};
                _cleanup_free_ char *answer = NULL;
                const struct caller_child c = fetch_caller_child(uid, gid, NULL, 0, 64 * 1024);
                if (caller_child_run(&c, file_child, &a, &answer, NULL, err) < 0)
                        return fetch_child_failed(err);
                if (answer && strcmp(answer, NO_CONFIG) != 0 && strcmp(answer, NO_MATCH) != 0) {
                        *out = MD_TAKE_PTR(answer);
                        return 0;
                }
        }
        char *auth = NULL;
        int r = fallback_config ? fallback(fallback_config, registry, &auth, err) : 0;
        if (r < 0)
                return r;
        *out = auth;
        return 0;
}
