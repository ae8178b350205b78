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
                        return md_fail_errno(err, MD_EXIT_FAILED, -fd, "sandbox %s", files[i].name);
                struct stat st;
                if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
                        return md_fail(err, MD_EXIT_FAILED, "sandbox %s: not a regular file", files[i].name);
                _cleanup_free_ char *text = NULL;
                size_t len = 0;
                int r = md_read_all(fd, REGAUTH_MAX_CONFIG, &text, &len);
                if (r == -EFBIG)
                        return md_fail(err, MD_EXIT_FAILED, "sandbox %s: larger than %d bytes", files[i].name,
                                       REGAUTH_MAX_CONFIG);
                if (r < 0)
                        return md_fail_errno(err, MD_EXIT_FAILED, -r, "sandbox %s", files[i].name);
                char *auth = NULL;
                if (regauth_from_config_text(text, len, files[i].legacy, a->registry, &auth, err) < 0) {
                        md_error_prefix(err, "sandbox");
                        return -1;
                }
                *out = auth ? auth : strdup(NO_MATCH);
                *out_len = strlen(*out);
                return *out ? 0 : md_fail(err, MD_EXIT_FAILED, "out of memory");
        }
        *out = strdup(NO_CONFIG);
        *out_len = 0;
        return *out ? 0 : md_fail(err, MD_EXIT_FAILED, "out of memory");
}

/* The policy's config: trusted only when root's, not writable by others, not a symlink, in
 * directories that are not symlinks. Read by the helper: the caller cannot read it. */
static int fallback(const char *path, const char *registry, char **out, md_error *err)
{
        const char *slash = strrchr(path, '/');
        if (path[0] != '/' || !slash || !slash[1])
                return md_fail(err, MD_EXIT_FAILED, "registry config %s: not an absolute file path", path);
        _cleanup_free_ char *dir = strndup(path, (size_t)(slash - path));
        if (!dir)
                return md_fail(err, MD_EXIT_FAILED, "out of memory");
        _cleanup_close_ int dfd = md_open_dir_nofollow(dir[0] ? dir : "/");
        if (dfd < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, -dfd, "registry config %s", path);
        _cleanup_close_ int fd =
                openat(dfd, slash + 1, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT)
                return 0; /* named but absent: no credentials */
        if (fd < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, errno, "registry config %s", path);
        struct stat st;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 0022))
                return md_fail(
                        err, MD_EXIT_FAILED,
                        "registry config %s: not a regular file owned by root and writable by root only",
                        path);
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        int r = md_read_all(fd, REGAUTH_MAX_CONFIG, &text, &len);
        if (r < 0)
                return md_fail_errno(err, MD_EXIT_FAILED, -r, "registry config %s", path);
        /* either format: a config.json's "auths", else the legacy top-level map */
        if (regauth_from_config_text(text, len, 0, registry, out, err) < 0 ||
            (!*out && regauth_from_config_text(text, len, 1, registry, out, err) < 0)) {
                md_error_prefix(err, "registry config %s", path);
                return -1;
        }
        return 0;
}

int regauth_lookup(const struct regauth_request *req, char **out, md_error *err)
{
        if (req->sandbox_dirfd >= 0) {
                struct sandbox_arg a = {req->sandbox_dirfd, req->registry};
                int keep[] = {req->sandbox_dirfd};
                _cleanup_free_ char *answer = NULL;
                if (fetch_child_run(req->uid, req->gid, keep, 1, sandbox_child, &a, 64 * 1024, &answer, err) <
                    0)
                        return -1;
                if (answer && strcmp(answer, NO_CONFIG) != 0 && strcmp(answer, NO_MATCH) != 0) {
                        *out = MD_TAKE_PTR(answer);
                        return 0;
                }
        }
        char *auth = NULL;
        if (req->fallback_config && fallback(req->fallback_config, req->registry, &auth, err) < 0)
                return -1;
        *out = auth;
        return 0;
}
